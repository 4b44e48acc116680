"""Schema creation, versioning and migration, the write path, connections across threads."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from labstudio import db
from tests.conftest import make_version_1

FIXTURES = Path(__file__).resolve().parent / "fixtures"

TABLES = {
    "meta",
    "imports",
    "units",
    "studios",
    "assessments",
    "revocations",
    "ledger",
    "units_replaced",
    "studios_replaced",
    "assessments_replaced",
    "revocations_replaced",
    "ledger_replaced",
    "applications",
    "application_decisions",
    "audit_log",
}


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }


def test_new_database_gets_the_whole_schema_and_its_version(con):
    assert table_names(con) >= TABLES
    assert db.schema_version(con) == db.SCHEMA_VERSION


def test_replaced_twins_have_the_columns_of_their_tables(con):
    def columns(table: str) -> list[str]:
        rows = con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        ).fetchall()
        return [r[0] for r in rows]

    for table in ("units", "studios", "assessments", "revocations", "ledger"):
        assert columns(f"{table}_replaced") == [*columns(table), "replaced_by"]


def test_reopening_a_current_database_changes_nothing(tmp_path: Path):
    path = tmp_path / "x.duckdb"
    first = db.open_database(path)
    first.execute("INSERT INTO units VALUES (1, '青岛市市立医院', 1)")
    first.close()
    again = db.open_database(path)
    assert again.execute("SELECT name FROM units").fetchall() == [("青岛市市立医院",)]
    again.close()


def test_an_older_database_is_migrated_step_by_step(tmp_path: Path, monkeypatch):
    path = tmp_path / "old.duckdb"
    db.open_database(path).close()
    steps: list[int] = []

    def step_1(cur):
        steps.append(1)
        cur.execute("ALTER TABLE studios ADD COLUMN website VARCHAR")

    def step_2(cur):
        steps.append(2)
        cur.execute("UPDATE studios SET website = ''")

    # Stand-in steps after the current version, whatever it is.
    current = db.SCHEMA_VERSION
    monkeypatch.setattr(db, "SCHEMA_VERSION", current + 2)
    monkeypatch.setattr(db, "MIGRATIONS", {current: step_1, current + 1: step_2})
    con = db.open_database(path)
    assert steps == [1, 2]
    assert db.schema_version(con) == current + 2
    assert "website" in {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'studios'"
        ).fetchall()
    }
    con.close()


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path: Path, monkeypatch):
    path = tmp_path / "old.duckdb"
    db.open_database(path).close()

    def broken(cur):
        cur.execute("ALTER TABLE studios ADD COLUMN website VARCHAR")
        raise RuntimeError("step failed")

    current = db.SCHEMA_VERSION
    monkeypatch.setattr(db, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(db, "MIGRATIONS", {current: broken})
    with pytest.raises(RuntimeError):
        db.open_database(path)
    monkeypatch.setattr(db, "SCHEMA_VERSION", current)
    con = db.open_database(path)
    assert db.schema_version(con) == current
    con.close()


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "new.duckdb"
    con = db.open_database(path)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(db.SchemaTooNew, match="较新版本"):
        db.open_database(path)
    raw = duckdb.connect(str(path))
    assert raw.execute("SELECT value FROM meta").fetchall() == [("99",)]
    raw.close()


def test_write_rolls_back_on_any_exception_including_base_exceptions(con):
    class StreamlitStop(BaseException):
        """Stands in for Streamlit's StopException / RerunException."""

    for error in (ValueError("bad row"), StreamlitStop()):
        with pytest.raises(type(error)), db.write(con) as cur:
            cur.execute("INSERT INTO units VALUES (1, '青岛市市立医院', 1)")
            raise error
        assert con.execute("SELECT count(*) FROM units").fetchall() == [(0,)]


def test_write_commits_when_the_block_ends(con):
    with db.write(con) as cur:
        cur.execute("INSERT INTO units VALUES (1, '青岛市市立医院', 1)")
    assert con.execute("SELECT count(*) FROM units").fetchall() == [(1,)]


def test_one_connection_per_process_and_a_cursor_per_thread(tmp_path: Path):
    path = tmp_path / "threads.duckdb"
    assert db.connection(path) is db.connection(path)
    with db.write(db.connection(path)) as cur:
        cur.execute("INSERT INTO units SELECT i, 'u' || i, 1 FROM range(1000) t(i)")
    results: list[int] = []
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(20):
                results.append(
                    db.cursor(path).execute("SELECT count(*) FROM units").fetchall()[0][0]
                )
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.close_all()
    assert not errors
    assert results == [1000] * 160


def test_a_file_held_by_another_process_gives_one_clear_line(tmp_path: Path):
    path = tmp_path / "held.duckdb"
    db.open_database(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,sys,time; c=duckdb.connect({str(path)!r}); print('ok', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(db.DatabaseBusy, match="正被另一个程序占用"):
            db.open_database(path)
    finally:
        holder.communicate("")


def _version_1_file(path: Path) -> None:
    """A database as labstudio wrote it at schema version 1 (its schema kept in tests/fixtures)."""
    raw = duckdb.connect(str(path))
    for statement in db._statements((FIXTURES / "schema_v1.sql").read_text(encoding="utf-8")):
        raw.execute(statement)
    raw.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    raw.execute("INSERT INTO units VALUES (1, '青岛市市立医院', 1)")
    raw.execute(
        "INSERT INTO imports (import_id, happened_at, action, files, sha256, status, row_count) "
        "VALUES (1, TIMESTAMP '2024-03-01 09:00:00', 'import', ['名单.xlsx'], ['ab'], 'committed', 1)"
    )
    raw.execute("SELECT nextval('import_id_seq')")  # the sequence as the import left it
    raw.close()


def _schema(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    rows = con.execute(
        """
        SELECT table_name, column_name, data_type, is_nullable
        FROM information_schema.columns WHERE table_schema = 'main'
        ORDER BY table_name, ordinal_position
        """
    ).fetchall()
    tables: dict[str, list[tuple]] = {}
    for table, *column in rows:
        tables.setdefault(table, []).append(tuple(column))
    return tables


def _constraints(con: duckdb.DuckDBPyConnection) -> set[tuple]:
    rows = con.execute(
        "SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints()"
    ).fetchall()
    return {(t, kind, " ".join(text.split())) for t, kind, text in rows}


def test_a_version_1_file_is_migrated_to_the_schema_a_new_file_gets(tmp_path: Path):
    path = tmp_path / "v1.duckdb"
    _version_1_file(path)
    migrated = db.open_database(path)
    fresh = db.open_database(":memory:")
    assert db.schema_version(migrated) == db.SCHEMA_VERSION == 3
    assert _schema(migrated) == _schema(fresh)
    assert _constraints(migrated) == _constraints(fresh)
    # Its history and data are kept, and the new actions are allowed.
    assert migrated.execute("SELECT import_id, action, files FROM imports").fetchall() == [
        (1, "import", ["名单.xlsx"])
    ]
    assert migrated.execute("SELECT name FROM units").fetchall() == [("青岛市市立医院",)]
    with db.write(migrated) as cur:
        cur.execute(
            "INSERT INTO imports (import_id, happened_at, action, files, sha256, status) "
            "VALUES (nextval('import_id_seq'), now()::TIMESTAMP, 'screening', [], [], 'committed')"
        )
    assert migrated.execute("SELECT max(import_id) FROM imports").fetchall() == [(2,)]


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return con.execute(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()


def test_a_version_1_file_gets_the_audit_log_of_a_new_one(tmp_path: Path):
    # A version-1 file: today's schema without what version 2 added, and its data kept.
    path = tmp_path / "v1.duckdb"
    con = db.open_database(path)
    con.execute("INSERT INTO units VALUES (1, '青岛市市立医院', 1)")
    con.close()
    make_version_1(path)
    migrated = db.open_database(path)
    fresh = db.open_database(":memory:")
    assert db.schema_version(migrated) == db.SCHEMA_VERSION
    assert _columns(migrated, "audit_log") == _columns(fresh, "audit_log")
    assert migrated.execute("SELECT name FROM units").fetchall() == [("青岛市市立医院",)]
    assert migrated.execute("SELECT nextval('audit_id_seq')").fetchall() == [(1,)]
    migrated.close()
    fresh.close()
