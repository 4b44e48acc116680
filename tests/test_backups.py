"""Snapshots before every write, `backup` / `restore`, and a damaged file on every command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from labstudio import audit, backups, db, store
from labstudio.cli import main
from labstudio.importer import import_files
from tests.conftest import REPO, make_version_1
from tests.importer_builders import annex2_workbook


def studios(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM studios").fetchall()[0][0]
    finally:
        con.close()


@pytest.fixture
def demo_file(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "lab.duckdb"
    shutil.copy(demo_template, path)
    return path


def test_an_import_and_a_rollback_each_keep_the_database_as_it_was(demo_file, tmp_path):
    before = studios(demo_file)
    con = db.open_database(demo_file)
    done = import_files(con, [annex2_workbook(tmp_path / "附件2.xlsx")])
    assert done.status == "committed"
    imported = con.execute("SELECT count(*) FROM studios").fetchall()[0][0]
    assert imported > before
    with db.write(con) as cur:
        store.rollback(cur, done.import_id)
    con.close()
    first, second = backups.snapshots(demo_file)
    assert first.name.endswith("-import.duckdb") and second.name.endswith("-rollback.duckdb")
    assert first.parent == tmp_path / "backups"
    assert studios(first) == before  # taken before the import wrote anything
    assert studios(second) == imported  # taken before the rollback removed it again


@pytest.mark.parametrize(
    ("change", "read_all", "method"),
    [
        # DuckDB checkpoints beside a transaction that has only inserted (rows kept locally)...
        ("INSERT INTO units VALUES (9999, '未提交的单位', 1)", False, "checkpoint+copy"),
        # ...not beside one that has updated stored rows: then the copy goes table by table.
        ("UPDATE units SET name = name || '（改）'", False, "attach+copy"),
        ("UPDATE units SET name = name || '（改）'", True, "attach+copy"),
    ],
)
def test_a_snapshot_inside_an_open_write_is_the_last_committed_state(
    demo_file, tmp_path, change, read_all, method
):
    con = db.open_database(demo_file)
    committed = con.execute("SELECT * FROM units ORDER BY unit_id").fetchall()
    with pytest.raises(RuntimeError), db.write(con) as cur:
        cur.execute(change)
        used = backups.copy_database(cur, tmp_path / "during.duckdb", read_all=read_all)
        raise RuntimeError("the write is abandoned")
    con.close()
    assert used == method
    check = duckdb.connect(str(tmp_path / "during.duckdb"), read_only=True)
    assert check.execute("SELECT * FROM units ORDER BY unit_id").fetchall() == committed
    check.close()


def test_only_the_last_n_snapshots_are_kept(demo_file, tmp_path, monkeypatch):
    monkeypatch.setenv("LABSTUDIO_KEEP_BACKUPS", "2")
    monkeypatch.setenv("LABSTUDIO_BACKUPS", str(tmp_path / "elsewhere"))
    other = tmp_path / "elsewhere" / "not-a-snapshot.duckdb"
    other.parent.mkdir()
    other.write_bytes(b"the operator's own file")
    con = db.open_database(demo_file)
    for _ in range(4):
        with db.write(con) as cur:
            backups.snapshot(cur, "import")
    con.close()
    kept = backups.snapshots(demo_file)
    assert len(kept) == 2 and all(p.parent == tmp_path / "elsewhere" for p in kept)
    assert other.exists()


@pytest.mark.parametrize(
    ("keep", "made"),
    [("0", False), ("", True), ("3", True)],
)
def test_keep_backups_setting(demo_file, monkeypatch, keep, made):
    monkeypatch.setenv("LABSTUDIO_KEEP_BACKUPS", keep)
    con = db.open_database(demo_file)
    with db.write(con) as cur:
        assert (backups.snapshot(cur, "import") is not None) is made
    con.close()


def test_a_bad_keep_setting_refuses_the_write_and_names_the_variable(
    demo_file, tmp_path, monkeypatch
):
    monkeypatch.setenv("LABSTUDIO_KEEP_BACKUPS", "ten")
    con = db.open_database(demo_file)
    done = import_files(con, [annex2_workbook(tmp_path / "附件2.xlsx")])
    con.close()
    assert done.status == "rejected"
    assert "LABSTUDIO_KEEP_BACKUPS" in done.errors[0].message
    assert backups.snapshots(demo_file) == []


def test_nothing_to_keep_for_memory_or_an_empty_file(con, tmp_path):
    empty = db.open_database(tmp_path / "empty.duckdb")
    for connection in (con, empty):
        with db.write(connection) as cur:
            assert backups.snapshot(cur, "import") is None
    empty.close()


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_backup_then_restore_brings_the_data_back_and_keeps_the_audit_trail(
    demo_file, tmp_path, capsys
):
    before = studios(demo_file)
    copy = tmp_path / "copy.duckdb"
    code, out, _ = run(capsys, "backup", str(copy), "--db", str(demo_file))
    assert code == 0 and "sha256" in out
    assert studios(copy) == before
    code, _, err = run(capsys, "backup", str(copy), "--db", str(demo_file))
    assert code == 2 and "--force" in err  # never overwritten by surprise
    assert (
        run(
            capsys, "import", str(annex2_workbook(tmp_path / "附件2.xlsx")), "--db", str(demo_file)
        )[0]
        == 0
    )
    assert studios(demo_file) > before

    code, out, err = run(capsys, "restore", str(copy), "--db", str(demo_file))
    assert code == 0, err
    assert studios(demo_file) == before
    (previous,) = [p for p in backups.snapshots(demo_file) if "before-restore" in p.name]
    assert studios(previous) > before  # the database as it was is kept
    con = db.open_database(demo_file)
    trail = [e["action"] for e in audit.entries(con.cursor())]
    con.close()
    # The import after the backup is still on record, and so is the restore.
    assert trail[0] == "restore" and "import" in trail and "backup" in trail


def test_restore_refuses_a_newer_schema_and_a_damaged_or_foreign_file(demo_file, tmp_path, capsys):
    newer = tmp_path / "newer.duckdb"
    shutil.copy(demo_file, newer)
    raw = duckdb.connect(str(newer))
    raw.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    raw.close()
    damaged = tmp_path / "damaged.duckdb"
    damaged.write_bytes(demo_file.read_bytes()[:100_000])
    foreign = tmp_path / "foreign.duckdb"
    raw = duckdb.connect(str(foreign))
    raw.execute("CREATE TABLE t (x INTEGER)")
    raw.close()
    original = demo_file.read_bytes()
    for candidate, words in ((newer, "较新版本"), (damaged, "已损坏"), (foreign, "不是 labstudio")):
        code, _, err = run(capsys, "restore", str(candidate), "--db", str(demo_file))
        assert code == 3, candidate
        assert words in err and err.strip().count("\n") == 0 and "Traceback" not in err
        assert demo_file.read_bytes() == original
    assert run(capsys, "restore", str(tmp_path / "missing.duckdb"), "--db", str(demo_file))[0] == 2


def test_restore_of_a_version_1_backup_migrates_it(demo_file, tmp_path, capsys):
    old = tmp_path / "v1.duckdb"
    shutil.copy(demo_file, old)
    make_version_1(old)
    code, _, err = run(capsys, "restore", str(old), "--db", str(demo_file))
    assert code == 0, err
    con = db.open_database(demo_file)
    assert db.schema_version(con) == db.SCHEMA_VERSION
    assert audit.entries(con.cursor())[0]["action"] == "restore"
    con.close()


def test_restore_over_a_damaged_database_keeps_the_damaged_file(demo_file, tmp_path, capsys):
    good = tmp_path / "good.duckdb"
    shutil.copy(demo_file, good)
    demo_file.write_bytes(demo_file.read_bytes()[: demo_file.stat().st_size // 2])
    code, _, err = run(capsys, "restore", str(good), "--db", str(demo_file))
    assert code == 0, err
    assert studios(demo_file) == studios(good)
    assert any("damaged" in p.name for p in backups.snapshots(demo_file))


# Every command that opens the database, on a copy truncated to half its size.
COMMANDS = [
    ["history"],
    ["history", "--json"],
    ["summary"],
    ["summary", "--json"],
    ["rollback", "1"],
    ["export", "{tmp}/out.xlsx"],
    ["demo"],
    ["backup", "{tmp}/b.duckdb"],
    ["audit"],
    ["audit", "--json"],
    ["import", "{roster}"],
    ["import", "{roster}", "--dry-run", "--json"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_truncated_database_is_one_line_and_exit_3_on_every_command(demo_file, tmp_path, command):
    truncated = tmp_path / "truncated.duckdb"
    truncated.write_bytes(demo_file.read_bytes()[: demo_file.stat().st_size // 2])
    original = truncated.read_bytes()
    roster = annex2_workbook(tmp_path / "附件2.xlsx")
    args = [a.format(tmp=tmp_path, roster=roster) for a in command]
    done = subprocess.run(
        [sys.executable, "-m", "labstudio", *args, "--db", str(truncated)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert "已损坏或无法读取" in done.stderr and "restore" in done.stderr
    assert truncated.read_bytes() == original  # nothing written to it, not even an audit entry


def test_is_damage_tells_a_bad_file_from_a_bad_query():
    cases = [
        (duckdb.IOException('IO Error: The file "x" exists, but it is not a valid DuckDB database'), True),
        (duckdb.Error("Corrupt database file: computed checksum 1 does not match stored checksum 2"), True),
        (duckdb.IOException('Could not set lock on file "x": Conflicting lock is held'), False),
        (duckdb.BinderException("Referenced column x not found"), False),
        (duckdb.CatalogException("Table with name t does not exist"), False),
        (ValueError("not duckdb"), False),
    ]  # fmt: skip
    for exc, expected in cases:
        assert db.is_damage(exc) is expected, exc
