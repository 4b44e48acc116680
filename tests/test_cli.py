"""The command line as ../shared/spec/cli.md fixes it: summary, demo, history, rollback, user."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from labstudio import auth, db
from labstudio.cli import main
from tests.conftest import REPO


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_demo_then_summary_json(tmp_path: Path, capsys):
    path = str(tmp_path / "cli.duckdb")
    code, out, _ = run(capsys, "demo", "--db", path)
    assert code == 0 and "演示数据" in out
    code, out, _ = run(capsys, "summary", "--db", path, "--json")
    assert code == 0
    result = json.loads(out)
    assert result["filters"] == {
        "year": None,
        "type": None,
        "batch": None,
        "unit": None,
        "status": None,
    }
    assert result["studios"]["total"] == 60
    assert set(result["funds"]) >= {
        "granted",
        "spent",
        "by_category",
        "prohibited",
        "studios_over_budget",
    }


def test_demo_refuses_a_database_that_holds_data(tmp_path: Path, capsys):
    path = str(tmp_path / "cli.duckdb")
    run(capsys, "demo", "--db", path)
    code, _, err = run(capsys, "demo", "--db", path)
    assert code == 1 and "已有 60 个工作室" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--year", "2023"], {"year": 2023, "type": None, "batch": None, "unit": None}),
        (["--batch", "第三批"], {"year": None, "type": None, "batch": 3, "unit": None}),
        (
            ["--batch", "3", "--type", "技术创新型"],
            {"year": None, "type": "技术创新型", "batch": 3, "unit": None},
        ),
        (
            ["--unit", "青岛市市立医院"],
            {"year": None, "type": None, "batch": None, "unit": "青岛市市立医院"},
        ),
    ],
)
def test_summary_filters_are_echoed_and_applied(tmp_path: Path, capsys, args, expected):
    path = str(tmp_path / "cli.duckdb")
    run(capsys, "demo", "--db", path)
    code, out, _ = run(capsys, "summary", "--db", path, "--json", *args)
    result = json.loads(out)
    assert code == 0
    assert {k: result["filters"][k] for k in expected} == expected
    if "--year" in args:
        assert list(result["assessments"]) == ["2023"]
    if "--batch" in args:
        # Every batch of the database stays a key, 0 where the filter leaves none (issue 9).
        by_batch = result["studios"]["by_batch"]
        assert set(by_batch) == {"1", "2", "3", "unknown"}
        assert by_batch["3"] > 0 and by_batch["1"] == by_batch["2"] == by_batch["unknown"] == 0


def test_filter_values_are_data_not_sql(tmp_path: Path, capsys):
    path = str(tmp_path / "cli.duckdb")
    run(capsys, "demo", "--db", path)
    code, out, _ = run(
        capsys,
        "summary",
        "--db",
        path,
        "--json",
        "--unit",
        "x' OR '1'='1",
        "--type",
        "'; DROP TABLE studios; --",
    )
    assert code == 0 and json.loads(out)["studios"]["total"] == 0
    code, out, _ = run(capsys, "summary", "--db", path, "--json")
    assert json.loads(out)["studios"]["total"] == 60


def test_summary_text_is_chinese(tmp_path: Path, capsys):
    path = str(tmp_path / "cli.duckdb")
    run(capsys, "demo", "--db", path)
    code, out, _ = run(capsys, "summary", "--db", path, "--year", "2024")
    assert code == 0
    assert "工作室 60 家" in out and "2024年度考核" in out and "经费" in out


def test_history_and_rollback(tmp_path: Path, capsys):
    path = str(tmp_path / "cli.duckdb")
    run(capsys, "demo", "--db", path)
    code, out, _ = run(capsys, "history", "--db", path, "--json")
    entries = json.loads(out)
    assert code == 0 and len(entries) == 1
    assert set(entries[0]) >= {"import_id", "at", "files", "sha256", "status", "rows"}
    assert entries[0]["status"] == "committed"
    code, out, _ = run(capsys, "rollback", "--db", path, str(entries[0]["import_id"]))
    assert code == 0 and "已撤销" in out
    code, out, _ = run(capsys, "summary", "--db", path, "--json")
    assert json.loads(out)["studios"]["total"] == 0
    code, out, _ = run(capsys, "history", "--db", path, "--json")
    assert [e["status"] for e in json.loads(out)] == ["rollback", "rolled_back"]
    code, _, err = run(capsys, "rollback", "--db", path, "1")
    assert code == 1 and "已经撤销过了" in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["summary", "--no-such-option"])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        main(["rollback", "not-a-number"])
    assert exit_.value.code == 2


def test_user_add_stores_a_bcrypt_hash(monkeypatch, capsys, tmp_path: Path):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse\n"))
    code, out, _ = run(capsys, "user", "add", "analyst1", "--password-stdin")
    assert code == 0
    stored = json.loads(auth.users_path().read_text(encoding="utf-8"))["users"]["analyst1"]
    assert stored.startswith("$2") and "correct horse" not in stored
    assert auth.verify("analyst1", "correct horse")
    assert not auth.verify("analyst1", "wrong password")
    assert not auth.verify("nobody", "correct horse")
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    code, _, err = run(capsys, "user", "add", "analyst2", "--password-stdin")
    assert code == 2 and "至少" in err


def test_a_busy_database_is_one_line_not_a_traceback(tmp_path: Path):
    path = tmp_path / "held.duckdb"
    db.open_database(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,sys; c=duckdb.connect({str(path)!r}); print('ok', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        done = subprocess.run(
            [sys.executable, "-m", "labstudio", "summary", "--db", str(path)],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=60,
        )
    finally:
        holder.communicate("")
    assert done.returncode == 3
    assert done.stderr.strip().count("\n") == 0
    assert "正被另一个程序占用" in done.stderr and "Traceback" not in done.stderr


def test_the_module_runs_as_a_command(tmp_path: Path):
    path = tmp_path / "m.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "labstudio", "summary", "--db", str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["studios"]["total"] == 0


def test_import_prints_a_readable_report(tmp_path: Path, capsys):
    from tests.importer_builders import annex2_workbook, assessment_rows, write_xlsx

    path = str(tmp_path / "cli.duckdb")
    roster = annex2_workbook(tmp_path / "附件2.xlsx")
    code, out, err = run(capsys, "import", str(roster), "--db", path)
    assert code == 0, err
    assert "已导入" in out and "工作室名单，3 行（新增 3" in out
    rows = assessment_rows()
    rows[2][3] = 105
    bad = write_xlsx(tmp_path / "2023年度考核.xlsx", {"Sheet1": rows})
    code, out, err = run(capsys, "import", str(bad), "--db", path)
    assert code == 1
    assert "未导入" in out
    assert "错误：2023年度考核.xlsx，Sheet1，第3行，“考核得分”列" in err


def test_import_of_a_missing_file_is_a_usage_error(tmp_path: Path, capsys):
    code, out, _ = run(
        capsys, "import", str(tmp_path / "nope.xlsx"), "--db", str(tmp_path / "x.duckdb"), "--json"
    )
    assert code == 2
    assert json.loads(out)["status"] == "rejected"
