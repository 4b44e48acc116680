"""The year of an assessment sheet, by the precedence of labstudio/importer/years.py.

Each case is a sheet as analysts bring them; it asserts the year and where it came from
(`year_from` of the report), or the error that asks for the year, and the warning when two
sources disagree. The first case is the one of issue 9: a 2023 assessment, inspected in January
2024, that was imported as 2024 without a word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from labstudio.cli import main
from labstudio.importer import import_files
from labstudio.importer import years as Y
from tests.importer_builders import UNIT_A, UNIT_B, annex2_workbook, write_xlsx

HEADER = ["序号", "所在单位", "工作室名称", "考核得分", "考核等次"]
RESULTS = [
    [1, UNIT_A, "张伟劳模创新工作室", 92, "优秀"],
    [2, UNIT_A, "李娜护理服务创新工作室", 85, "合格"],
    [3, UNIT_B, "王强医院管理创新工作室", 78, "合格"],
]
TITLE = "2023年度劳动模范（领军人才）创新工作室考核结果"
EVENT = "考核时间：2024年1月8日—1月19日"


@dataclass
class Case:
    rows: list[list]
    year: int | None  # None: an error asks for the year
    year_from: str = ""  # the start of year_from (or a text the error contains)
    file: str = "考核结果.xlsx"
    sheet: str = "Sheet1"
    merges: list[str] = field(default_factory=list)
    warning: tuple[str, ...] = ()  # texts one warning contains (both sources and the year taken)
    years: dict[int, str] | None = None  # years side by side: year → the start of its year_from
    not_from: str | None = None  # an event date the record lists as not deciding


def _side_by_side_rows() -> list[list]:
    return [
        [EVENT],
        ["序号", "所在单位", "工作室名称", "2022年度考核", None, "2023年度考核", None],
        [None, None, None, "得分", "等次", "得分", "等次"],
        [1, UNIT_A, "张伟劳模创新工作室", 88, "合格", 93, "优秀"],
        [2, UNIT_A, "李娜护理服务创新工作室", 75, "合格", 81, "合格"],
    ]


CASES = {
    "title-and-an-event-date-line-above-the-header": Case(
        [[TITLE], [EVENT], HEADER, *RESULTS],
        2023,
        "标题：2023年度劳动模范",
        merges=["A1:E1", "A2:E2"],
        not_from="考核时间",
    ),
    "event-date-inside-the-title-line": Case(
        [[f"{TITLE}（{EVENT}）"], HEADER, *RESULTS], 2023, "标题：2023年度劳动模范"
    ),
    "event-date-in-a-footer": Case(
        [[TITLE], HEADER, *RESULTS, ["填表人：刘洋"], ["填表日期：2024年1月20日"]],
        2023,
        "标题：2023年度",
    ),
    "event-date-in-a-footer-and-nothing-else": Case(
        [HEADER, *RESULTS, ["填表日期：2024年1月20日"]], None, "不知道这张考核表是哪一年度的"
    ),
    "title-merged-across-all-columns-right-above-the-header": Case(
        [[TITLE], HEADER, *RESULTS], 2023, "标题：2023年度", merges=["A1:E1"]
    ),
    "event-line-merged-across-all-columns-right-above-the-header": Case(
        [[TITLE], [EVENT], HEADER, *RESULTS],
        2023,
        "标题：2023年度",
        merges=["A2:E2"],
    ),
    "only-an-event-date-merged-above-the-header": Case(
        [[EVENT], HEADER, *RESULTS], None, "考核时间", merges=["A1:E1"]
    ),
    "only-an-event-date": Case([["报送日期：2024-01-25"], HEADER, *RESULTS], None, "不是考核年度"),
    "file-name-only": Case(
        [HEADER, *RESULTS], 2022, "文件名：2022年度考核结果.xlsx", "2022年度考核结果.xlsx"
    ),
    "bare-year-in-the-file-name": Case(
        [HEADER, *RESULTS], 2021, "文件名：考核结果-2021.xlsx", "考核结果-2021.xlsx"
    ),
    "a-date-in-the-file-name-is-no-year": Case(
        [HEADER, *RESULTS], None, "不知道这张考核表是哪一年度的", "20240108考核结果.xlsx"
    ),
    "sheet-name-only": Case([HEADER, *RESULTS], 2023, "工作表名：2023年度", sheet="2023年度"),
    "sheet-named-by-a-month-is-no-year": Case(
        [HEADER, *RESULTS], None, "不知道这张考核表是哪一年度的", sheet="2024年1月"
    ),
    "chinese-numerals": Case(
        [["二〇二三年度创新工作室考核结果"], ["二〇二四年一月八日"], HEADER, *RESULTS],
        2023,
        "标题：二〇二三年度创新工作室考核结果",
    ),
    "document-number-in-the-title-is-no-year": Case(
        [["根据青卫办函〔2022〕40号开展考核"], HEADER, *RESULTS], None, "不知道"
    ),
    "year-column-against-the-title": Case(
        [["2024年度考核结果"], ["年度", *HEADER[1:]], *[[2023, *r[1:]] for r in RESULTS]],
        2023,
        "年度列：年度",
        warning=("“年度”列", "2023", "标题：2024年度考核结果", "2024"),
    ),
    "year-column-in-chinese-numerals": Case(
        [["年度", *HEADER[1:]], *[["二〇二三年度", *r[1:]] for r in RESULTS]],
        2023,
        "年度列：年度",
    ),
    "year-in-the-score-header-against-the-title": Case(
        [
            ["2024年度考核结果"],
            ["序号", "所在单位", "工作室名称", "2023年得分", "考核等次"],
            *RESULTS,
        ],
        2023,
        "表头：2023年得分",
        warning=("表头：2023年得分", "取 2023", "标题：2024年度考核结果"),
    ),
    "title-against-the-file-name": Case(
        [[TITLE], HEADER, *RESULTS],
        2023,
        "标题：2023年度",
        "2024年度考核结果.xlsx",
        warning=("标题：2023年度", "取 2023", "文件名：2024年度考核结果.xlsx"),
    ),
    "title-against-the-sheet-name": Case(
        [[TITLE], HEADER, *RESULTS],
        2023,
        "标题：2023年度",
        sheet="2022年",
        warning=("标题：2023年度", "工作表名：2022年"),
    ),
    "two-years-in-the-title-are-a-question": Case(
        [["2022—2023年度创新工作室考核结果"], HEADER, *RESULTS], None, "不止一个年度"
    ),
    "year-in-the-score-header-under-an-event-line": Case(
        [[EVENT], ["序号", "所在单位", "工作室名称", "2023年考核得分", "考核等次"], *RESULTS],
        2023,
        "表头：2023年考核得分",
        merges=["A1:E1"],
    ),
    "a-year-of-the-title-beside-a-year-of-the-title-line": Case(
        [["关于2024年开展2023年度考核工作的结果"], HEADER, *RESULTS], 2023, "标题：关于2024年"
    ),
    "group-header-over-the-score-columns-of-two-years": Case(
        _side_by_side_rows(),
        None,
        merges=["A1:G1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:G2"],
        years={2022: "表头：2022年度考核", 2023: "表头：2023年度考核"},
    ),
}


def _import(con, tmp_path: Path, case: Case, **kwargs):
    roster = annex2_workbook(tmp_path / "名单.xlsx")
    sheets = {case.sheet: case.rows}
    merges = {case.sheet: case.merges}
    results = write_xlsx(tmp_path / case.file, sheets, merges=merges)
    return import_files(con, [roster, results], **kwargs)


def _sheet(outcome, name: str) -> dict:
    return next(s for f in outcome.as_json()["files"] for s in f["sheets"] if s["sheet"] == name)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_year_of_a_sheet_and_where_it_came_from(con, tmp_path, case):
    outcome = _import(con, tmp_path, case)
    sheet = _sheet(outcome, case.sheet)
    assert sheet["kind"] == "assessments"
    if case.years is not None:
        assert outcome.errors == [], outcome.errors
        found = {entry["year"]: entry["year_from"] for entry in sheet["years"]}
        assert sorted(found) == sorted(case.years)
        for year, start in case.years.items():
            assert found[year].startswith(start), found
        assert sheet["year"] is None
        stored = con.execute("SELECT DISTINCT year FROM assessments ORDER BY 1").fetchall()
        assert stored == [(y,) for y in sorted(case.years)]
        return
    if case.year is None:
        assert outcome.status == "rejected" and outcome.exit_code == 1
        asked = [e for e in outcome.errors if e.sheet == case.sheet and "年度" in e.message]
        assert asked, outcome.errors
        assert any(case.year_from in e.message for e in asked), asked
        assert any("--sheet-year" in e.message or "指定年度" in e.message for e in asked)
        assert con.execute("SELECT count(*) FROM assessments").fetchall() == [(0,)]
        return
    assert outcome.errors == [], outcome.errors
    assert sheet["year"] == case.year
    assert sheet["year_from"].startswith(case.year_from), sheet["year_from"]
    assert sheet["years"] == [
        {"year": case.year, "year_from": sheet["year_from"], "rows": len(RESULTS)}
    ]
    assert con.execute("SELECT DISTINCT year FROM assessments").fetchall() == [(case.year,)]
    if case.not_from:
        assert any(case.not_from in text for text in sheet["year_not_from"])
    disagreeing = [
        w.message
        for w in outcome.warnings
        if w.sheet == case.sheet and all(part in w.message for part in case.warning)
    ]
    if case.warning:
        assert disagreeing, outcome.warnings
    else:
        assert not [w for w in outcome.warnings if "年度" in w.message and "核对" in w.message]


def test_a_date_in_the_year_column_is_an_error_at_its_cell(con, tmp_path):
    """A 年度 column holding the inspection's date: never read as the year of that date."""
    import datetime as dt

    rows = [["2023年度考核结果"], ["年度", *HEADER[1:]], [dt.date(2024, 1, 8), *RESULTS[0][1:]]]
    outcome = _import(con, tmp_path, Case(rows, None))
    assert outcome.status == "rejected"
    (error,) = outcome.errors
    assert (error.sheet, error.row, error.column) == ("Sheet1", 3, "年度")
    assert "2024-01-08" in error.message


def test_a_year_set_by_hand_answers_the_question_and_is_recorded(con, tmp_path):
    case = CASES["only-an-event-date-merged-above-the-header"]
    asked = _import(con, tmp_path, case, dry_run=True)
    assert asked.status == "rejected"
    outcome = _import(
        con, tmp_path, case, years_by_hand={(case.file, case.sheet): 2023}, user_name="刘洋"
    )
    assert outcome.errors == [], outcome.errors
    sheet = _sheet(outcome, case.sheet)
    assert (sheet["year"], sheet["year_by_hand"]) == (2023, True)
    assert sheet["year_from"] == "手工指定（刘洋）"
    assert con.execute("SELECT DISTINCT year FROM assessments").fetchall() == [(2023,)]
    (report,) = con.execute("SELECT report FROM imports").fetchone()
    assert '"year_by_hand": true' in report and "手工指定（刘洋）" in report


def test_a_year_set_by_hand_replaces_the_one_found_and_says_which_it_was(con, tmp_path):
    case = CASES["title-and-an-event-date-line-above-the-header"]
    outcome = _import(con, tmp_path, case, years_by_hand={(case.file, case.sheet): 2022})
    sheet = _sheet(outcome, case.sheet)
    assert (sheet["year"], sheet["year_by_hand"]) == (2022, True)
    assert sheet["year_found"].startswith("2023（标题：2023年度")


def test_a_year_by_hand_is_refused_for_a_sheet_with_a_year_column(con, tmp_path):
    case = CASES["year-column-against-the-title"]
    outcome = _import(con, tmp_path, case, years_by_hand={(case.file, case.sheet): 2024})
    assert outcome.status == "rejected"
    assert any("有“年度”列" in e.message for e in outcome.errors)


def test_a_year_by_hand_for_a_sheet_that_is_not_there_is_an_error(con, tmp_path):
    case = CASES["title-merged-across-all-columns-right-above-the-header"]
    outcome = _import(con, tmp_path, case, years_by_hand={(case.file, "没有这张表"): 2023})
    assert outcome.status == "rejected"
    assert any("没有这样的考核结果表" in e.message for e in outcome.errors)


def test_the_command_line_answers_the_question_with_sheet_year(tmp_path, capsys):
    import json

    case = CASES["only-an-event-date"]
    roster = annex2_workbook(tmp_path / "名单.xlsx")
    results = write_xlsx(tmp_path / case.file, {case.sheet: case.rows})
    db = str(tmp_path / "cli.duckdb")
    assert main(["import", str(roster), str(results), "--db", db, "--json"]) == 1
    asked = json.loads(capsys.readouterr().out)
    assert any("不是考核年度" in e["message"] for e in asked["errors"])
    answer = f"{case.file}:{case.sheet}=2023"
    code = main(["import", str(roster), str(results), "--db", db, "--json", "--sheet-year", answer])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["errors"]
    sheet = next(s for f in report["files"] for s in f["sheets"] if s["sheet"] == case.sheet)
    assert (sheet["year"], sheet["year_by_hand"]) == (2023, True)
    with pytest.raises(SystemExit) as usage:
        main(["import", str(results), "--db", db, "--sheet-year", "考核结果.xlsx=二三"])
    assert usage.value.code == 2


@pytest.mark.parametrize(
    "text, years, events",
    [
        ("2023年度劳动模范（领军人才）创新工作室考核结果", {2023}, 0),
        ("考核时间：2024年1月8日—1月19日", set(), 1),
        ("二〇二三年度考核结果", {2023}, 0),
        ("二〇二四年一月八日", set(), 1),
        ("2022—2023年度", {2022, 2023}, 0),
        ("青卫办函〔2022〕40号", set(), 0),
        ("2024年1月", set(), 1),
        ("2023年底", set(), 0),
        ("填表日期：2024-01-20", set(), 1),
        ("截至2023年12月31日", set(), 1),
        ("2024.1.8", set(), 1),
        ("20240108", set(), 1),
        ("2023年", {2023}, 0),
    ],
)
def test_what_a_text_says_about_years(text, years, events):
    said = Y.mentions(text, bare=True)
    assert said.years == years
    assert len(said.events) == events
