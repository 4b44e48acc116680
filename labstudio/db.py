"""The DuckDB file: one connection per process, a cursor per query, one locked path for writes.

DuckDB 2.0 refuses a connection used from two threads at once, and Streamlit serves every browser
session from its own thread, so callers never share a cursor: `cursor()` hands out a fresh one.
DuckDB also locks the file per process, which is why a second process gets `DatabaseBusy`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

_log = logging.getLogger("labstudio.db")
SCHEMA_VERSION = 3


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


def _add_audit_log(cur: duckdb.DuckDBPyConnection) -> None:
    """Version 2 → 3: the append-only audit log (labstudio.audit is its only writer)."""
    cur.execute("CREATE SEQUENCE audit_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE audit_log (
            entry_id    BIGINT PRIMARY KEY,
            happened_at TIMESTAMP NOT NULL,
            user_name   VARCHAR,
            action      VARCHAR NOT NULL,
            client      VARCHAR,
            details     JSON NOT NULL
        )
        """
    )


# MIGRATIONS[n] brings a database of version n to version n + 1, inside the opening transaction.
# Each step is one self-contained function, frozen as it was for its version.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    1: _v1_applications,
    2: _add_audit_log,
}

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "data" / "labstudio.duckdb"


class DatabaseError(Exception):
    """A problem with the database file, worded for the person at the keyboard."""


class DatabaseBusy(DatabaseError):
    pass


class SchemaTooNew(DatabaseError):
    pass


class DatabaseDamaged(DatabaseError):
    """The file is not a readable DuckDB database: truncated, overwritten, unreadable."""


# The DuckDB errors that mean the file itself is bad, as opposed to a mistake in a query (those
# are bugs and must surface as such). A failed checksum comes as the plain duckdb.Error.
_DAMAGE_TYPES = (
    duckdb.IOException,
    duckdb.InternalException,
    duckdb.FatalException,
    duckdb.SerializationException,
)
_DAMAGE_WORDS = ("corrupt", "checksum", "not a valid duckdb database", "could not read")


def is_damage(exc: BaseException) -> bool:
    """Whether a DuckDB error says the database file is damaged or unreadable."""
    if not isinstance(exc, duckdb.Error) or "lock" in str(exc).lower():
        return False
    if isinstance(exc, _DAMAGE_TYPES) or type(exc) is duckdb.Error:
        return True
    return any(word in str(exc).lower() for word in _DAMAGE_WORDS)


def damaged(path: str | Path, exc: BaseException) -> DatabaseDamaged:
    """The one-line message for a damaged file; the DuckDB detail goes to the server log."""
    from labstudio.backups import backup_dir  # backups builds on this module

    _log.error("database file %s is damaged or unreadable: %s", path, exc)
    return DatabaseDamaged(
        f"数据库文件 {path} 已损坏或无法读取，没有作任何改动。请从备份恢复："
        f"python -m labstudio restore 备份文件 --db {path}"
        f"（写入前的自动快照在 {backup_dir(Path(path))}）。"
    )


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
        raise damaged(path, exc) from exc
    except duckdb.Error as exc:
        raise damaged(path, exc) from exc
    try:
        ensure_schema(con)
    except duckdb.Error as exc:
        con.close()
        if is_damage(exc):
            raise damaged(path, exc) from exc
        raise
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


# Per thread: a stack of the write transactions open in it, each with the callbacks to run
# once it has committed (the audit log's server-log lines: said only of what was kept).
_open_writes = threading.local()


def in_write() -> bool:
    """Whether this thread is inside `write()`."""
    return bool(getattr(_open_writes, "stack", None))


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` when the innermost open `write()` of this thread commits (never if not)."""
    if not in_write():
        raise RuntimeError("after_commit() belongs inside db.write()")
    _open_writes.stack[-1].append(callback)


@contextmanager
def write(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction under the process-wide write lock.

    Rolls back on any exception, BaseException included: Streamlit stops a script with
    StopException / RerunException, and a half-done import must never be left behind.
    """
    with _write_lock:
        if not hasattr(_open_writes, "stack"):
            _open_writes.stack = []
        callbacks: list[Callable[[], None]] = []
        _open_writes.stack.append(callbacks)
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
            _open_writes.stack.pop()
    for callback in callbacks:
        callback()


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
