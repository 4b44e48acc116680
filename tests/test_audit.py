"""The audit log: one writer, append-only, every import / dry run / rollback / export recorded."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path

import pytest

from labstudio import audit, db, store
from labstudio.cli import main
from labstudio.importer import import_files
from tests.conftest import REPO
from tests.importer_builders import annex2_workbook, write_xlsx


def actions(con) -> list[str]:
    return [e["action"] for e in audit.entries(con.cursor())]


def test_record_belongs_inside_a_write_and_knows_its_actions(con):
    with pytest.raises(RuntimeError, match="db.write"):
        audit.record(con.cursor(), "export", "a", {})
    with db.write(con) as cur, pytest.raises(ValueError, match="ACTIONS"):
        audit.record(cur, "delete_everything", "a", {})


def test_entries_are_newest_first_in_the_cli_shape(con):
    for n in range(3):
        audit.record_now(con, "export", f"user{n}", {"file": f"{n}.xlsx"}, "10.0.0.1")
    got = audit.entries(con.cursor())
    assert [e["user"] for e in got] == ["user2", "user1", "user0"]
    assert set(got[0]) >= {"at", "user", "action", "details"}
    assert got[0]["details"] == {"file": "2.xlsx"} and got[0]["client"] == "10.0.0.1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", got[0]["at"])


def test_an_entry_stands_or_falls_with_its_transaction_and_so_does_its_log_line(con, caplog):
    caplog.set_level(logging.INFO, logger="labstudio.audit")
    with pytest.raises(RuntimeError), db.write(con) as cur:
        audit.record(cur, "export", "a", {"file": "gone.xlsx"})
        raise RuntimeError("the change failed")
    assert audit.entries(con.cursor()) == []
    assert not [r for r in caplog.records if r.name == "labstudio.audit"]
    audit.record_now(con, "export", "a", {"file": "kept.xlsx"}, "10.0.0.2")
    (line,) = [r for r in caplog.records if r.name == "labstudio.audit"]
    assert line.audit["details"] == {"file": "kept.xlsx"} and line.audit["client"] == "10.0.0.2"


def test_the_server_log_line_is_one_json_object():
    record = logging.LogRecord("labstudio.audit", logging.INFO, "", 0, "import", None, None)
    record.audit = {"action": "import", "user": "张三", "details": {"files": [{"file": "a\nb"}]}}
    text = audit.JsonLines().format(record)
    assert "\n" not in text
    assert json.loads(text)["user"] == "张三" and json.loads(text)["level"] == "INFO"


# The only statements on audit_log in the whole code base: one INSERT, in labstudio/audit.py.
WRITES = re.compile(r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE|DROP\s+TABLE|ALTER\s+TABLE)"
                    r"\s+(IF\s+EXISTS\s+)?audit_log\b", re.IGNORECASE)  # fmt: skip


def test_audit_log_is_written_only_by_audit_py_and_only_with_insert():
    writers = {}
    for path in [REPO / "app.py", *REPO.glob("pages/*.py"), *REPO.glob("labstudio/**/*.py")]:
        found = [m.group(1).upper() for m in WRITES.finditer(path.read_text(encoding="utf-8"))]
        if found:
            writers[str(path.relative_to(REPO))] = found
    assert writers == {"labstudio/audit.py": ["INSERT INTO"]}
    # ...and store.rollback, which deletes rows by import, never names it.
    assert "audit_log" not in " ".join(store.DATA_TABLES)


def test_imports_and_dry_runs_are_recorded_with_files_sha256_and_outcome(con, tmp_path: Path):
    roster = annex2_workbook(tmp_path / "附件2.xlsx")
    digest = hashlib.sha256(roster.read_bytes()).hexdigest()
    checked = import_files(con, [roster], dry_run=True, user_name="li", client="10.1.1.1")
    done = import_files(con, [("上传.xlsx", roster.read_bytes())], user_name="li")
    broken = write_xlsx(tmp_path / "坏.xlsx", {"Sheet1": [["说明"], ["这里没有表头"]]})
    rejected = import_files(con, [broken], user_name="li")
    assert (checked.status, done.status, rejected.status) == ("validated", "committed", "rejected")
    newest, middle, oldest = audit.entries(con.cursor())
    assert oldest["action"] == "dry_run" and oldest["details"]["status"] == "validated"
    assert oldest["details"]["files"] == [{"file": str(roster), "sha256": digest}]
    assert oldest["client"] == "10.1.1.1" and oldest["user"] == "li"
    assert middle["action"] == "import" and middle["details"]["import_id"] == done.import_id
    assert middle["details"]["files"] == [{"file": "上传.xlsx", "sha256": digest}]
    assert newest["details"]["status"] == "rejected" and newest["details"]["errors"] >= 1


def test_an_import_that_fails_inside_is_recorded_as_failed(con, tmp_path: Path, monkeypatch):
    from labstudio.importer import pipeline

    def explode(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(pipeline, "_report", explode)
    with pytest.raises(ValueError):
        import_files(con, [annex2_workbook(tmp_path / "附件2.xlsx")], user_name="li")
    (entry,) = audit.entries(con.cursor())
    assert entry["details"]["status"] == "failed" and entry["details"]["error"] == "ValueError"


def test_a_rollback_is_recorded_in_its_own_transaction(con, tmp_path: Path):
    done = import_files(con, [annex2_workbook(tmp_path / "附件2.xlsx")], user_name="li")
    with db.write(con) as cur:
        entry = store.rollback(cur, done.import_id, user_name="wang", client="10.2.2.2")
    latest = audit.entries(con.cursor())[0]
    assert latest["action"] == "rollback" and latest["user"] == "wang"
    assert latest["details"]["import_id"] == done.import_id
    assert latest["details"]["rollback_entry"] == entry
    # A refused rollback leaves no entry: the transaction it was in did not happen.
    with pytest.raises(store.RollbackError), db.write(con) as cur:
        store.rollback(cur, done.import_id, user_name="wang")
    assert actions(con).count("rollback") == 1


def test_cli_commands_record_the_os_user(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setattr(audit, "cli_actor", lambda: ("operator", "cli:host"))
    path = tmp_path / "cli.duckdb"
    roster = annex2_workbook(tmp_path / "附件2.xlsx")
    assert main(["import", str(roster), "--db", str(path)]) == 0
    assert main(["import", str(roster), "--db", str(path), "--dry-run"]) == 0
    assert main(["export", str(tmp_path / "out.xlsx"), "--db", str(path), "--year", "2023"]) == 0
    assert main(["rollback", "1", "--db", str(path)]) == 0
    capsys.readouterr()
    assert main(["audit", "--db", str(path), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert [e["action"] for e in got] == ["rollback", "export", "dry_run", "import"]
    assert {e["user"] for e in got} == {"operator"} and {e["client"] for e in got} == {"cli:host"}
    export = got[1]["details"]
    assert export["filters"] == {"year": "2023"} and export["what"] == "附件2"
    assert export["sha256"] == hashlib.sha256((tmp_path / "out.xlsx").read_bytes()).hexdigest()
    # The import history now says who imported, too.
    con = db.open_database(path)
    assert store.history(con.cursor())[-1]["user"] == "operator"
    con.close()
    assert main(["audit", "--db", str(path)]) == 0
    text = capsys.readouterr().out
    assert "operator（cli:host）  撤销导入" in text and "筛选：year=2023" in text


def test_carry_over_appends_what_the_other_log_lacks_once(con):
    audit.record_now(con, "export", "a", {"file": "1.xlsx"})
    older = audit.entries(con.cursor())
    audit.record_now(con, "backup", "a", {"file": "b.duckdb"})
    newer = audit.entries(con.cursor())
    other = db.open_database(":memory:")
    with db.write(other) as cur:
        assert audit.carry_over(cur, older) == 1
    with db.write(other) as cur:
        assert audit.carry_over(cur, newer) == 1  # the export is there already
    assert [e["action"] for e in audit.entries(other.cursor())] == ["backup", "export"]
    other.close()


def test_session_ended_reads_sign_outs(con):
    audit.record_now(con, "sign_in", "li", {"session": "abc"})
    assert not audit.session_ended(con.cursor(), "abc")
    audit.record_now(con, "sign_out", "li", {"session": "abc"})
    assert audit.session_ended(con.cursor(), "abc")
    assert not audit.session_ended(con.cursor(), "abd")
