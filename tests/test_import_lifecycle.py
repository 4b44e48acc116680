"""Idempotence, correction, rollback, dry runs and the warnings that let an import through."""

from __future__ import annotations

import hashlib
import json

from labstudio import db, store
from labstudio.importer import import_files
from tests.importer_builders import (
    ROSTER,
    UNIT_A,
    annex2_workbook,
    assessment_rows,
    count,
    ledger_rows,
    snapshot,
    write_xlsx,
)


def _results(tmp_path, score=92.5, name="2023年度.xlsx"):
    rows = assessment_rows(
        results=[("张伟劳模创新工作室", score, None), ("李娜护理服务创新工作室", 88, "合格")]
    )
    return write_xlsx(tmp_path / name, {"考核": rows, "经费": ledger_rows()})


def test_same_files_twice_insert_nothing_the_second_time(con, tmp_path):
    files = [annex2_workbook(tmp_path / "名单.xlsx"), _results(tmp_path)]
    first = import_files(con, files)
    assert first.exit_code == 0
    after_first = snapshot(con)
    second = import_files(con, files)
    assert second.exit_code == 0 and second.status == "committed"
    sheets = [s for f in second.as_json()["files"] for s in f["sheets"]]
    assert all(s["inserted"] == 0 and s["updated"] == 0 for s in sheets)
    assert sum(s["unchanged"] for s in sheets) == 3 + 2 + 5
    after_second = snapshot(con)
    assert {k: v for k, v in after_second.items() if k != "imports"} == {
        k: v for k, v in after_first.items() if k != "imports"
    }
    # Still recorded in the history, with 0 inserted and 0 updated.
    assert after_second["imports"][-1] == (second.import_id, "committed", 0, 0)


def test_corrected_score_updates_and_rollback_restores(con, tmp_path):
    import_files(con, [annex2_workbook(tmp_path / "名单.xlsx"), _results(tmp_path)])
    before = snapshot(con)
    corrected = _results(tmp_path, score=95, name="2023年度更正.xlsx")
    outcome = import_files(con, [corrected])
    sheet = outcome.as_json()["files"][0]["sheets"][0]
    assert (sheet["kind"], sheet["inserted"], sheet["updated"], sheet["unchanged"]) == (
        "assessments",
        0,
        1,
        1,
    )
    assert (
        con.execute(
            "SELECT score FROM assessments JOIN studios USING (studio_id) WHERE name = '张伟劳模创新工作室'"
        ).fetchall()[0][0]
        == 95
    )
    with db.write(con) as cur:
        store.rollback(cur, outcome.import_id)
    after = snapshot(con)
    assert {k: v for k, v in after.items() if k != "imports"} == {
        k: v for k, v in before.items() if k != "imports"
    }


def test_rollback_of_a_first_import_empties_the_database(con, tmp_path):
    outcome = import_files(con, [annex2_workbook(tmp_path / "名单.xlsx"), _results(tmp_path)])
    with db.write(con) as cur:
        store.rollback(cur, outcome.import_id)
    assert all(count(con, t) == 0 for t in ("studios", "assessments", "ledger", "units"))


def test_dry_run_reports_the_counts_and_writes_nothing(con, tmp_path):
    files = [annex2_workbook(tmp_path / "名单.xlsx"), _results(tmp_path)]
    before = snapshot(con)
    outcome = import_files(con, files, dry_run=True)
    assert (outcome.status, outcome.import_id, outcome.exit_code) == ("validated", None, 0)
    assert [s["inserted"] for f in outcome.files for s in f["sheets"]] == [3, 2, 5]
    assert snapshot(con) == before
    assert len(outcome.staged.studios) == 3 and len(outcome.staged.ledger) == 5
    real = import_files(con, files)
    assert real.import_id == 1  # the dry run left no trace in the history


def test_history_records_files_hashes_and_report(con, tmp_path):
    path = annex2_workbook(tmp_path / "名单.xlsx")
    outcome = import_files(con, [path], user_name="analyst")
    files, sha, report_text = con.execute("SELECT files, sha256, report FROM imports").fetchall()[0]
    assert files == ["名单.xlsx"]
    assert sha == [hashlib.sha256(path.read_bytes()).hexdigest()]
    assert json.loads(report_text)["files"][0]["sheets"][0]["rows"] == 3
    # cli.md's keys, in its order, first; the inferences (issue 9) beside them, never instead.
    report = outcome.as_json()
    assert list(report)[:5] == ["status", "import_id", "files", "errors", "warnings"]
    sheet = report["files"][0]["sheets"][0]
    assert list(sheet)[:6] == ["sheet", "kind", "rows", "inserted", "updated", "unchanged"]
    assert {"header_row", "kind_from", "columns", "ignored", "canonicalised"} <= set(sheet)
    stored = json.loads(report_text)["files"][0]["sheets"][0]
    assert stored["header_row"] == sheet["header_row"] == 5


def _warnings(outcome, says):
    return [(w.sheet, w.row, w.column) for w in outcome.warnings if says in w.message]


def test_warnings_let_the_import_through(con, tmp_path):
    roster = [list(r) for r in ROSTER]
    roster[0][5] = "、".join(f"荣誉{i}" for i in range(1, 8))
    import_files(con, [annex2_workbook(tmp_path / "名单.xlsx", roster=roster)])
    rows = [
        ["2023年度考核结果"],
        ["工作室名称", "考核得分", "考核等次"],
        ["张伟劳模创新工作室", 95, "合格"],  # contradicts the rule
        ["李娜护理服务创新工作室", 55, "不合格"],  # failed, no revocation
        ["王强医院管理创新工作室", None, None],  # no result at all
    ]
    results = write_xlsx(
        tmp_path / "考核.xlsx",
        {"考核": rows},
        formulas={"考核": {"B5": "=50+40"}},
    )
    outcome = import_files(con, [results, annex2_workbook(tmp_path / "名单.xlsx", roster=roster)])
    assert outcome.exit_code == 0 and outcome.status == "committed"
    assert _warnings(outcome, "限 5 项以内") == [
        ("汇总表", 7, "领衔人主要荣誉                            （限5项以内）")
    ]
    assert _warnings(outcome, "不一致") == [("考核", 3, "考核等次")]
    assert _warnings(outcome, "没有撤销称号的记录") == [("考核", 4, "考核等次")]
    assert _warnings(outcome, "公式") == [("考核", 5, "考核得分")]
    assert con.execute(
        "SELECT cardinality(honours) FROM studios WHERE leader = '张伟'"
    ).fetchall() == [(7,)]


def test_failed_assessment_with_revocation_in_the_same_call_is_not_warned(con, tmp_path):
    import_files(con, [annex2_workbook(tmp_path / "名单.xlsx")])
    results = write_xlsx(
        tmp_path / "2023年度.xlsx",
        {
            "考核": [["工作室名称", "考核得分"], ["李娜护理服务创新工作室", "55分"]],
            "撤销": [
                ["单位", "工作室", "撤销日期", "撤销原因"],
                [UNIT_A, "李娜护理服务创新工作室", "2024.02.01", "2023年度考核不合格"],
            ],
        },
    )
    outcome = import_files(con, [results])
    assert outcome.exit_code == 0 and not _warnings(outcome, "没有撤销称号的记录")
    assert con.execute("SELECT ground FROM revocations").fetchall() == [("年度考核不合格",)]


def test_ledger_line_keys_never_change(con, tmp_path):
    """Keys of stored ledger lines are how a re-import finds them: their formula is fixed."""
    assert import_files(con, [annex2_workbook(tmp_path / "名单.xlsx")]).exit_code == 0
    path = write_xlsx(tmp_path / "经费.xlsx", {"台账": ledger_rows()})
    assert import_files(con, [path]).exit_code == 0
    keys = [
        k for (k,) in con.execute("SELECT entry_key FROM ledger ORDER BY entry_date").fetchall()
    ]

    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]

    assert keys == [
        key("2023-03-01|grant|10000.00|0"),
        key("2023-04-02|expense|3200.00|0"),
        key("2023-05-06|expense|1560.00|0"),
        key("2023-06-20|expense|3000.00|0"),
        key("2023-07-01|expense|800.00|0"),
    ]
