"""申报初审 end to end: the table in every roster shape, the CLI JSON, save / decide / roll back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from labstudio import db, demo, store
from labstudio.cli import main
from labstudio.screening import records, screen_files
from tests.importer_builders import (
    ANNEX2_HEADER,
    ANNEX2_TITLE,
    annex2_rows,
    annex2_workbook,
    write_csv,
    write_xls,
    write_xlsx,
)

APPLIED = dt.date(2022, 5, 20)
UNIT = "青岛市市立医院"
# Three applications: one that passes, one that fails, one that needs a person.
BATCH = [
    (
        UNIT,
        "赵刚微创介入创新工作室",
        "赵刚",
        "主任医师",
        "2021年获青岛市科技进步二等奖（排名第一）；2020年获国家发明专利1项",
        "2019年青岛市劳动模范",
        "技术创新型",
        "第四批",
    ),
    (
        UNIT,
        "钱敏智慧药学创新工作室",
        "钱敏",
        "副主任药师",
        "2021年获实用新型专利3项",
        "青岛市优秀共产党员",
        "技术创新型",
        "第四批",
    ),
    (
        "青岛市中心医院",
        "孙丽医院管理创新工作室",
        "孙丽",
        "研究员",
        "2021年入选全国医院管理优秀案例",
        "青岛市拔尖人才",
        "管理创新",
        "第四批",
    ),
]
VERDICTS = ["符合", "不符合", "需人工核实"]


def _xlsx(tmp_path: Path) -> Path:
    return annex2_workbook(tmp_path / "第四批申报汇总表.xlsx", BATCH)


def _xls(tmp_path: Path) -> Path:
    return write_xls(tmp_path / "申报汇总表.xls", {"Sheet1": annex2_rows(BATCH)})


def _gbk_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "申报汇总表.csv", annex2_rows(BATCH), encoding="gbk")


def _two_line_header(tmp_path: Path) -> Path:
    """The header over two rows (merged cells), the leader in a column of its own, and the
    analysts' own columns at the right."""
    rows = [
        ["附件2"],
        [ANNEX2_TITLE],
        [
            "创新工作室所在单位",
            "创新工作室",
            None,
            "职称",
            "主要创新成果",
            ANNEX2_HEADER[4],
            "创新类型",
            "批次",
            "联系人",
        ],
        [None, "名称", "领衔人", None, None, None, None, None, None],
    ]
    for unit, name, leader, title, achievements, honours, type_, batch in BATCH:
        rows.append([unit, name, leader, title, achievements, honours, type_, batch, "刘洋"])
    merges = ["A3:A4", "B3:C3", "D3:D4", "E3:E4", "F3:F4", "G3:G4", "H3:H4", "I3:I4"]
    return write_xlsx(tmp_path / "汇总.xlsx", {"汇总表": rows}, merges={"汇总表": merges})


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(_xlsx, id="notice-layout-xlsx"),
        pytest.param(_xls, id="xls"),
        pytest.param(_gbk_csv, id="gbk-csv"),
        pytest.param(_two_line_header, id="two-line-header"),
    ],
)
def test_the_table_screens_in_every_roster_shape(con, tmp_path, build):
    outcome = screen_files(con, [build(tmp_path)], applied_on=APPLIED)
    assert outcome.errors == [] and outcome.exit_code == 0
    got = [(a.row.studio, a.row.leader, a.row.type, a.row.batch) for a in outcome.applications]
    assert got == [
        ("赵刚微创介入创新工作室", "赵刚", "技术创新型", 4),
        ("钱敏智慧药学创新工作室", "钱敏", "技术创新型", 4),
        ("孙丽医院管理创新工作室", "孙丽", "管理创新型", 4),
    ]
    assert [a.screening.verdict for a in outcome.applications] == VERDICTS


def test_the_batch_from_the_title_is_said_and_a_disagreement_is_told(con, tmp_path):
    rows = annex2_rows(BATCH, extra_columns=False)
    rows[2] = ["第四批" + ANNEX2_TITLE]
    path = write_xlsx(tmp_path / "汇总.xlsx", {"Sheet1": rows})
    outcome = screen_files(con, [path], applied_on=APPLIED)
    assert {a.row.batch for a in outcome.applications} == {4}
    assert "第四批" in outcome.applications[0].row.batch_from
    # Without a type column every application's type conditions need a person.
    assert {a.screening.rule("type_conditions").verdict for a in outcome.applications} == {
        "需人工核实"
    }
    told = screen_files(con, [_xlsx(tmp_path)], applied_on=APPLIED, batch=5)
    assert any("与指定的第5批不同" in m.message for m in told.warnings)


def test_an_unknown_type_is_a_warning_and_needs_a_person(con, tmp_path):
    batch = [(*BATCH[0][:6], "综合型", "第四批")]
    outcome = screen_files(con, [annex2_workbook(tmp_path / "a.xlsx", batch)], applied_on=APPLIED)
    assert outcome.errors == []
    assert any("综合型" in m.message for m in outcome.warnings)
    (application,) = outcome.applications
    assert "“综合型”" in application.screening.rule("type_conditions").note
    assert application.screening.verdict == "需人工核实"


def test_no_date_means_today_and_says_so(con, tmp_path):
    outcome = screen_files(con, [_xlsx(tmp_path)])
    assert outcome.applied_on == dt.date.today()
    assert any("没有给出申报日期" in m.message for m in outcome.warnings)


def test_a_file_with_no_application_table_is_rejected(con, tmp_path):
    path = write_xlsx(tmp_path / "说明.xlsx", {"说明": [["填表说明"], ["请按附件2填写"]]})
    outcome = screen_files(con, [path], applied_on=APPLIED)
    assert outcome.exit_code == 1 and outcome.status == "rejected"
    assert "没有找到申报汇总表" in outcome.errors[0].message


def test_a_studio_already_under_management_is_pointed_out(demo_con, tmp_path):
    name, unit = demo_con.execute(
        "SELECT s.name, u.name FROM studios s JOIN units u USING (unit_id) LIMIT 1"
    ).fetchall()[0]
    batch = [(unit, name, *BATCH[0][2:])]
    outcome = screen_files(
        demo_con, [annex2_workbook(tmp_path / "a.xlsx", batch)], applied_on=APPLIED
    )
    assert any("已有同名工作室" in m.message for m in outcome.warnings)


# ---------------------------------------------------------------------------- the command line


def run(capsys, *args: str) -> tuple[int, dict]:
    code = main(list(args))
    return code, json.loads(capsys.readouterr().out)


def test_cli_json_has_the_shape_cli_md_fixes(tmp_path, capsys):
    path = _xlsx(tmp_path)
    code, report = run(
        capsys,
        "screen",
        str(path),
        "--applied-on",
        "2022-05-20",
        "--db",
        str(tmp_path / "x.duckdb"),
        "--json",
    )
    assert code == 0
    assert report["applied_on"] == "2022-05-20"
    assert report["errors"] == [] and report["warnings"] == []
    first = report["applications"][0]
    assert {k: first[k] for k in ("file", "sheet", "row", "unit", "studio", "leader", "type")} == {
        "file": path.name,
        "sheet": "汇总表",
        "row": 7,  # the Excel row: title lines, the header and the ××医院 example row above it
        "unit": UNIT,
        "studio": "赵刚微创介入创新工作室",
        "leader": "赵刚",
        "type": "技术创新型",
    }
    assert [a["verdict"] for a in report["applications"]] == VERDICTS
    rules = {r["rule"]: r for r in first["rules"]}
    assert list(rules) == ["leader_qualification", "type_conditions", "honours_limit"]
    assert rules["leader_qualification"]["evidence"] == ["2019年青岛市劳动模范"]
    assert rules["type_conditions"]["evidence"] == ["2021年获青岛市科技进步二等奖（排名第一）"]
    assert all(set(r) >= {"rule", "verdict", "evidence", "note"} for r in first["rules"])
    assert any(line.startswith("三(一)3") for line in first["for_the_reviewer"])
    # Nothing was written without --save: not even a database file.
    assert not (tmp_path / "x.duckdb").exists()


def test_cli_save_then_rollback(tmp_path, capsys):
    path, database = _xlsx(tmp_path), str(tmp_path / "x.duckdb")
    save = ("screen", str(path), "--applied-on", "2022-05-20", "--db", database, "--save", "--json")
    code, report = run(capsys, *save)
    assert code == 0 and report["status"] == "saved" and report["import_id"] == 1
    # The same applications again: refused, nothing written twice.
    code, again = run(capsys, *save)
    assert code == 1 and "已经保存过" in again["errors"][0]["message"]
    assert main(["rollback", "1", "--db", database]) == 0
    con = db.open_database(database)
    assert con.execute("SELECT count(*) FROM applications").fetchall() == [(0,)]
    con.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--applied-on", "去年"], "无法识别的申报日期"),
        (["--batch", "第X批"], "无法识别的批次"),
    ],
)
def test_cli_usage_errors_exit_2_with_json(tmp_path, capsys, args, message):
    code, report = run(
        capsys, "screen", str(_xlsx(tmp_path)), *args, "--db", str(tmp_path / "x.duckdb"), "--json"
    )
    assert code == 2 and message in report["errors"][0]["message"]


def test_cli_unreadable_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"not a workbook")
    code, report = run(capsys, "screen", str(bad), "--db", str(tmp_path / "x.duckdb"), "--json")
    assert code == 2 and report["errors"]


# ---------------------------------------------------------------------------- save / decide / roll back


def _saved(con, tmp_path) -> list[dict]:
    """BATCH saved: the passing, the failing and the unsettled application, in that order."""
    outcome = screen_files(con, [_xlsx(tmp_path)], applied_on=APPLIED)
    records.save(con, outcome, user_name="analyst")
    by_studio = {a["studio"]: a for a in records.saved_applications(con.cursor(), 4)}
    return [by_studio[row[1]] for row in BATCH]


def test_decisions_follow_the_notice_and_confirmation_makes_a_studio(con, tmp_path):
    passing, failing, unsure = _saved(con, tmp_path)[:3]
    with pytest.raises(records.RecordError, match="须先有单位初审推荐"):
        records.decide(con, passing["application_id"], records.CONFIRMED, user_name="a")
    records.decide(con, passing["application_id"], records.RECOMMENDED, user_name="a")
    entry = records.decide(con, passing["application_id"], records.CONFIRMED, user_name="a")
    studio = con.execute(
        "SELECT s.name, s.leader, s.type, s.batch, s.stage, s.import_id FROM studios s"
    ).fetchall()
    assert studio == [("赵刚微创介入创新工作室", "赵刚", "技术创新型", 4, "创建管理", entry)]
    with pytest.raises(records.RecordError, match="已经委审核确认"):
        records.decide(con, passing["application_id"], records.DECLINED, note="x", user_name="a")

    # A failing or unsettled application is confirmed only with a note of what was checked.
    records.decide(con, unsure["application_id"], records.RECOMMENDED, user_name="a")
    with pytest.raises(records.RecordError, match="写明核实了什么"):
        records.decide(con, unsure["application_id"], records.CONFIRMED, user_name="a")
    records.decide(con, failing["application_id"], records.RECOMMENDED, user_name="a")
    with pytest.raises(records.RecordError, match="不予确认的理由"):
        records.decide(con, failing["application_id"], records.DECLINED, user_name="a")
    records.decide(
        con, failing["application_id"], records.DECLINED, note="无发明专利", user_name="a"
    )

    listed = {a["studio"]: a for a in records.saved_applications(con.cursor(), 4)}
    assert listed["赵刚微创介入创新工作室"]["decision"] == records.CONFIRMED
    assert listed["钱敏智慧药学创新工作室"]["decision_note"] == "无发明专利"
    assert listed["孙丽医院管理创新工作室"]["decision"] == records.RECOMMENDED
    history = store.history(con.cursor())
    assert [e["action"] for e in history[:2]] == ["decision", "decision"]
    assert history[-1]["action"] == "screening"


def test_rolling_back_a_confirmation_removes_the_studio_and_the_save_waits_for_it(con, tmp_path):
    passing = _saved(con, tmp_path)[0]
    recommended = records.decide(con, passing["application_id"], records.RECOMMENDED)
    confirmed = records.decide(con, passing["application_id"], records.CONFIRMED)
    with db.write(con) as cur, pytest.raises(store.RollbackRefused, match=f"#{confirmed}"):
        store.rollback(cur, recommended)
    with db.write(con) as cur:
        store.rollback(cur, confirmed)
    assert con.execute("SELECT count(*) FROM studios").fetchall() == [(0,)]
    listed = {a["studio"]: a for a in records.saved_applications(con.cursor(), 4)}
    assert listed[passing["studio"]]["decision"] == records.RECOMMENDED
    with db.write(con) as cur, pytest.raises(store.RollbackRefused):
        store.rollback(cur, 1)  # the save: a decision still hangs on it
    with db.write(con) as cur:
        store.rollback(cur, recommended)
        store.rollback(cur, 1)
    assert con.execute("SELECT count(*) FROM applications").fetchall() == [(0,)]


def test_a_confirmed_studio_that_later_imports_build_on_cannot_be_rolled_back(con, tmp_path):
    from labstudio.importer import import_files

    passing = _saved(con, tmp_path)[0]
    records.decide(con, passing["application_id"], records.RECOMMENDED)
    confirmed = records.decide(con, passing["application_id"], records.CONFIRMED)
    rows = [["2023年度考核结果"], ["所在单位", "工作室", "考核得分"], [UNIT, passing["studio"], 91]]
    outcome = import_files(con, [write_xlsx(tmp_path / "2023年度考核.xlsx", {"考核": rows})])
    assert outcome.status == "committed", outcome.errors
    with db.write(con) as cur, pytest.raises(store.RollbackRefused):
        store.rollback(cur, confirmed)


def test_confirming_a_name_that_exists_is_refused(demo_con, tmp_path):
    name, unit = demo_con.execute(
        "SELECT s.name, u.name FROM studios s JOIN units u USING (unit_id) LIMIT 1"
    ).fetchall()[0]
    outcome = screen_files(
        demo_con,
        [annex2_workbook(tmp_path / "a.xlsx", [(unit, name, *BATCH[0][2:])])],
        applied_on=APPLIED,
    )
    records.save(demo_con, outcome)
    (application,) = [
        a for a in records.saved_applications(demo_con.cursor(), 4) if a["studio"] == name
    ]
    records.decide(demo_con, application["application_id"], records.RECOMMENDED)
    with pytest.raises(records.RecordError, match="已有名为"):
        records.decide(demo_con, application["application_id"], records.CONFIRMED)


def test_the_demo_holds_a_fourth_batch_of_every_type_and_verdict(demo_con):
    applications = records.saved_applications(demo_con.cursor(), demo.FOURTH_BATCH)
    assert len(applications) == len(demo.APPLICATIONS) == 20
    assert {a["type"] for a in applications} == {"技术创新型", "服务创新型", "管理创新型", None}
    assert {a["verdict"] for a in applications} == set(VERDICTS)
    decisions = {a["decision"] for a in applications}
    assert decisions == {None, records.RECOMMENDED, records.DECLINED}
    # Part of the demo's one history entry: rolling the demo back removes them too.
    assert [e["action"] for e in store.history(demo_con.cursor())] == ["demo"]


def test_a_studio_profile_says_whether_its_leader_meets_the_notice(demo_con):
    from labstudio.views import studios as studios_view

    cur = demo_con.cursor()
    cur.execute(
        "UPDATE studios SET honours = ['青岛市三八红旗手'], leader_title = '副主任医师' "
        "WHERE studio_id = 2"
    )
    rule = studios_view.profile_page(cur, 2).extra["leader_rule"]
    assert rule["verdict"] == "不符合"
    assert "青岛市三八红旗手" in rule["text"] and "二(二)" in rule["text"]
    english = studios_view.profile_page(cur, 2, "en").extra["leader_rule"]
    assert english["text"].startswith("Leader qualification") and "Does not meet" in english["text"]


def test_the_batch_export_is_the_annex_2_table_with_an_opinion_column(demo_con):
    import io

    from openpyxl import load_workbook

    from labstudio.export import SUMMARY_HEADER, TITLE
    from labstudio.views import applications as view_model

    applications = records.saved_applications(demo_con.cursor(), demo.FOURTH_BATCH)
    ws = load_workbook(io.BytesIO(view_model.batch_workbook(applications)))["附件2汇总表"]
    assert ws["A1"].value == "附件2" and ws["A2"].value == TITLE
    assert tuple(c.value for c in ws[3]) == (*SUMMARY_HEADER, "初审意见")
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 20
    opinions = {r[1].split("\n")[0]: r[7] for r in rows}
    assert opinions["周涛疼痛微创创新工作室"].startswith("不符合。")
    assert "领衔人条件（二(二)）符合" in opinions["周涛疼痛微创创新工作室"]
    assert "决定：不予确认" in opinions["马丽内镜诊疗创新工作室"]


def test_screening_goes_on_while_the_dashboard_holds_the_database(tmp_path, capsys):
    import subprocess
    import sys

    database = tmp_path / "held.duckdb"
    db.open_database(database).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,sys; c=duckdb.connect({str(database)!r}); print('ok', flush=True); "
            "sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        args = ("screen", str(_xlsx(tmp_path)), "--applied-on", "2022-05-20", "--db", str(database))
        code, report = run(capsys, *args, "--json")
        assert code == 0 and len(report["applications"]) == 3
        assert any("正被另一个程序占用" in w["message"] for w in report["warnings"])
        assert main([*args, "--save"]) == 3  # saving needs the database itself
    finally:
        holder.communicate("")


def test_saving_and_each_decision_are_audited_and_snapshotted(tmp_path, monkeypatch):
    from labstudio import audit, backups, db

    monkeypatch.setenv("LABSTUDIO_BACKUPS", str(tmp_path / "snapshots"))
    path = tmp_path / "screening.duckdb"
    con = db.open_database(path)
    try:
        passing = _saved(con, tmp_path)[0]
        records.decide(
            con, passing["application_id"], records.RECOMMENDED, user_name="a", client="10.0.0.9"
        )
        entries = audit.entries(con.cursor())
        assert [e["action"] for e in entries[:2]] == ["screening_decision", "screening"]
        decision = entries[0]
        assert decision["user"] == "a" and decision["client"] == "10.0.0.9"
        assert decision["details"]["decision"] == records.RECOMMENDED
        assert decision["details"]["studio"] == passing["studio"]
        assert entries[1]["details"]["applications"] == len(BATCH)
        # The save found a database holding no import yet: nothing to keep. The decision did.
        assert [p.name.rsplit("-", 1)[1] for p in backups.snapshots(path)] == ["decision.duckdb"]
    finally:
        con.close()
