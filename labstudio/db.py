"""The DuckDB file: one connection per process, a cursor per query, one locked path for writes.

DuckDB 2.0 refuses a connection used from two threads at once, and Streamlit serves every browser
session from its own thread, so callers never share a cursor: `cursor()` hands out a fresh one.
DuckDB also locks the file per process, which is why a second process gets `DatabaseBusy`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

SCHEMA_VERSION = 2


def _v1_applications(cur: duckdb.DuckDBPyConnection) -> None:
    """Version 1 → 2: applications and their decisions (申报初审, issue 12).

    The statements are frozen here as they were for version 2 (schema.sql moves on; a step
    never does). DuckDB cannot alter a CHECK constraint, so `imports` is rebuilt with the two
    new actions, its rows and its column order unchanged.
    """
    cur.execute(
        """
        CREATE TABLE imports_v2 (
            import_id        INTEGER PRIMARY KEY,
            happened_at      TIMESTAMP NOT NULL,
            action           VARCHAR NOT NULL
                             CHECK (action IN ('import', 'demo', 'rollback', 'screening', 'decision')),
            files            VARCHAR[] NOT NULL,
            sha256           VARCHAR[] NOT NULL,
            status           VARCHAR NOT NULL CHECK (status IN ('committed', 'rolled_back', 'rollback')),
            row_count        INTEGER NOT NULL DEFAULT 0,
            inserted         INTEGER NOT NULL DEFAULT 0,
            updated          INTEGER NOT NULL DEFAULT 0,
            unchanged        INTEGER NOT NULL DEFAULT 0,
            target_import_id INTEGER,
            user_name        VARCHAR,
            report           JSON
        )
        """
    )
    cur.execute("INSERT INTO imports_v2 SELECT * FROM imports")
    cur.execute("DROP TABLE imports")
    cur.execute("ALTER TABLE imports_v2 RENAME TO imports")
    cur.execute("CREATE SEQUENCE application_id_seq START 1")
    cur.execute("CREATE SEQUENCE decision_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE applications (
            application_id INTEGER PRIMARY KEY,
            batch          INTEGER CHECK (batch > 0),
            batch_from     VARCHAR,
            unit           VARCHAR NOT NULL,
            studio         VARCHAR NOT NULL,
            leader         VARCHAR,
            leader_title   VARCHAR,
            type           VARCHAR CHECK (type IN ('技术创新型', '服务创新型', '管理创新型')),
            achievements   VARCHAR,
            honours        VARCHAR[] NOT NULL DEFAULT [],
            applied_on     DATE NOT NULL,
            source_file    VARCHAR,
            source_sheet   VARCHAR,
            source_row     INTEGER,
            verdict        VARCHAR NOT NULL CHECK (verdict IN ('符合', '不符合', '需人工核实')),
            screening      JSON NOT NULL,
            import_id      INTEGER NOT NULL
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE application_decisions (
            decision_id    INTEGER PRIMARY KEY,
            application_id INTEGER NOT NULL,
            decision       VARCHAR NOT NULL CHECK (decision IN ('单位推荐', '委审核确认', '不予确认')),
            decided_by     VARCHAR,
            decided_at     TIMESTAMP NOT NULL,
            note           VARCHAR,
            studio_id      INTEGER,
            import_id      INTEGER NOT NULL
        )
        """
    )


# MIGRATIONS[n] brings a database of version n to version n + 1, inside the opening transaction.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {1: _v1_applications}

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "data" / "labstudio.duckdb"


class DatabaseError(Exception):
    """A problem with the database file, worded for the person at the keyboard."""


class DatabaseBusy(DatabaseError):
    pass


class SchemaTooNew(DatabaseError):
    pass


def default_db_path() -> Path:
    env = os.environ.get("LABSTUDIO_DB")
    return Path(env) if env else DEFAULT_DB


_connections: dict[str, duckdb.DuckDBPyConnection] = {}
_open_lock = threading.Lock()
# Imports, the demo load and rollbacks all write through `write()`, one at a time per process.
_write_lock = threading.RLock()


def _key(path: str | Path) -> str:
    return path if path == ":memory:" else str(Path(path).resolve())


def open_database(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open (creating or migrating when needed) a database; a new connection every call."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusy(
                f"数据库文件 {path} 正被另一个程序占用（例如正在运行的看板）。"
                "请先关闭它，或用 --db 指定另一个数据库文件。"
            ) from exc
        raise DatabaseError(f"无法打开数据库文件 {path}：{exc}") from exc
    try:
        ensure_schema(con)
    except BaseException:
        con.close()
        raise
    return con


def connection(path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """The process-wide connection to `path` (default: `default_db_path()`)."""
    key = _key(path if path is not None else default_db_path())
    with _open_lock:
        con = _connections.get(key)
        if con is None:
            con = open_database(key)
            _connections[key] = con
        return con


def cursor(path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor of its own for one query or one thread."""
    return connection(path).cursor()


def close_all() -> None:
    with _open_lock:
        for con in _connections.values():
            con.close()
        _connections.clear()


@contextmanager
def write(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction under the process-wide write lock.

    Rolls back on any exception, BaseException included: Streamlit stops a script with
    StopException / RerunException, and a half-done import must never be left behind.
    """
    with _write_lock:
        cur = con.cursor()
        try:
            cur.begin()
            try:
                yield cur
            except BaseException:
                cur.rollback()
                raise
            cur.commit()
        finally:
            cur.close()


def fetch_one(cur: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> tuple | None:
    """The first row, with the result read to its end.

    DuckDB 2.0 refuses further work on a cursor whose last result was not read to the end, so
    `fetchone()` on a query is a trap; this reads all rows of a (small) result.
    """
    rows = cur.execute(sql, params).fetchall()
    return rows[0] if rows else None


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The version recorded in the file, or None for an empty file."""
    exists = fetch_one(
        con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    )
    if not exists or exists[0] == 0:
        return None
    row = fetch_one(con, "SELECT value FROM meta WHERE key = 'schema_version'")
    return int(row[0]) if row else None


def _schema_sql() -> str:
    return resources.files("labstudio").joinpath("schema.sql").read_text(encoding="utf-8")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the schema in an empty file, migrate an older one, refuse a newer one."""
    with _write_lock:
        version = schema_version(con)
        if version == SCHEMA_VERSION:
            return
        if version is not None and version > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"这个数据库由较新版本的 labstudio 创建（数据库版本 {version}，"
                f"本程序支持到版本 {SCHEMA_VERSION}）。请升级 labstudio 后再打开，数据未作任何改动。"
            )
        cur = con.cursor()
        try:
            cur.begin()
            try:
                if version is None:
                    for statement in _statements(_schema_sql()):
                        cur.execute(statement)
                    cur.execute(
                        "INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
                    )
                else:
                    for step in range(version, SCHEMA_VERSION):
                        MIGRATIONS[step](cur)
                        cur.execute(
                            "UPDATE meta SET value = ? WHERE key = 'schema_version'",
                            [str(step + 1)],
                        )
            except BaseException:
                cur.rollback()
                raise
            cur.commit()
        finally:
            cur.close()


def _statements(sql: str) -> list[str]:
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
