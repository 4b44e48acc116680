"""The shapes analysts have: each is imported and every figure lands where it belongs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from labstudio.importer import import_files
from tests.importer_builders import (
    ROSTER,
    UNIT_A,
    UNIT_B,
    annex2_rows,
    annex2_workbook,
    assessment_rows,
    count,
    ledger_rows,
    revocation_rows,
    write_csv,
    write_xls,
    write_xlsx,
)


def _studios(con) -> list[tuple]:
    return con.execute(
        """SELECT u.name, s.name, s.leader, s.leader_title, s.type, s.batch, s.honours
           FROM studios s JOIN units u USING (unit_id) ORDER BY s.name"""
    ).fetchall()


def _expected_roster() -> list[tuple]:
    batches = {"第三批": 3, "3": 3, "第二批": 2}
    types = {"技术创新": "技术创新型"}
    out = []
    for unit, name, leader, title, _, honours, type_, batch in ROSTER:
        out.append(
            (
                unit,
                name,
                leader,
                title,
                types.get(type_, type_),
                batches[batch],
                [h for h in honours.replace("；", ";").split(";")],
            )
        )
    return sorted(out, key=lambda r: r[1])


def _annex2_xlsx(tmp_path: Path) -> Path:
    return annex2_workbook(tmp_path / "附件2汇总表.xlsx")


def _annex2_csv(encoding: str):
    def build(tmp_path: Path) -> Path:
        return write_csv(tmp_path / "附件2汇总表.csv", annex2_rows(), encoding=encoding)

    return build


def _annex2_tsv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "附件2.csv", annex2_rows(), encoding="gb18030", delimiter="\t")


def _annex2_xlsm(tmp_path: Path) -> Path:
    path = annex2_workbook(tmp_path / "a.xlsx")
    return path.rename(tmp_path / "附件2汇总表.xlsm")


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(_annex2_xlsx, id="annex2-xlsx"),
        pytest.param(_annex2_xlsm, id="annex2-xlsm"),
        pytest.param(_annex2_csv("utf-8"), id="annex2-csv-utf8"),
        pytest.param(_annex2_csv("utf-8-sig"), id="annex2-csv-utf8-bom"),
        pytest.param(_annex2_csv("gbk"), id="annex2-csv-gbk"),
        pytest.param(_annex2_csv("gb18030"), id="annex2-csv-gb18030"),
        pytest.param(_annex2_tsv, id="annex2-tab-separated-gb18030"),
    ],
)
def test_annex2_roster_in_every_format(con, tmp_path, build):
    path = build(tmp_path)
    outcome = import_files(con, [path])
    assert outcome.errors == [], outcome.errors
    assert outcome.exit_code == 0 and outcome.status == "committed"
    (sheet,) = outcome.as_json()["files"][0]["sheets"]
    # Title lines, the ××医院 example row, blank lines and the footer are skipped, not data.
    assert sheet["kind"] == "studios" and sheet["rows"] == 3 and sheet["inserted"] == 3
    assert _studios(con) == _expected_roster()


def test_annex2_without_extra_columns_leaves_type_and_batch_unknown(con, tmp_path):
    path = annex2_workbook(tmp_path / "附件2.xlsx", extra_columns=False)
    outcome = import_files(con, [path])
    assert outcome.exit_code == 0, outcome.errors
    assert con.execute(
        "SELECT count(*) FROM studios WHERE type IS NULL AND batch IS NULL"
    ).fetchall() == [(3,)]


def _roster_then(con, tmp_path):
    assert import_files(con, [annex2_workbook(tmp_path / "名单.xlsx")]).exit_code == 0


@pytest.mark.parametrize(
    ("sheet_rows", "file_name", "expected"),
    [
        pytest.param(assessment_rows(), "考核.xlsx", 2023, id="year-from-title"),
        pytest.param(
            assessment_rows(title=None), "2022年度考核结果.xlsx", 2022, id="year-from-file-name"
        ),
        pytest.param(
            assessment_rows(title="考核结果", year_column=True), "考核.xlsx", 2023, id="year-column"
        ),
    ],
)
def test_assessment_year_from_column_title_or_file_name(
    con, tmp_path, sheet_rows, file_name, expected
):
    _roster_then(con, tmp_path)
    path = write_xlsx(tmp_path / file_name, {"Sheet1": sheet_rows})
    outcome = import_files(con, [path])
    assert outcome.errors == []
    assert con.execute("SELECT DISTINCT year FROM assessments").fetchall() == [(expected,)]
    scores = dict(
        con.execute(
            "SELECT s.name, a.score FROM assessments a JOIN studios s USING (studio_id)"
        ).fetchall()
    )
    assert float(scores["李娜护理服务创新工作室"]) == 88.0  # written '88分'
    assert float(scores["张伟劳模创新工作室"]) == 92.5


def test_one_workbook_of_several_kinds_in_any_order_of_files(con, tmp_path):
    results = write_xlsx(
        tmp_path / "2023年度.xlsx",
        {
            "填表说明": [["填表说明"], ["1. 请按模板填写"]],
            "考核": assessment_rows(),
            "经费": ledger_rows(),
            "撤销": revocation_rows(),
        },
    )
    roster = annex2_workbook(tmp_path / "名单.xlsx")
    # The results file comes first: its studios are introduced by the roster of the same call.
    outcome = import_files(con, [results, roster])
    assert outcome.errors == [], outcome.errors
    report = outcome.as_json()
    kinds = [(s["sheet"], s["kind"], s["rows"]) for s in report["files"][0]["sheets"]]
    assert kinds == [
        ("填表说明", "skipped", 0),
        ("考核", "assessments", 3),
        ("经费", "funds", 5),
        ("撤销", "revocations", 1),
    ]
    ledger = con.execute(
        "SELECT direction, category, amount, entry_date::VARCHAR FROM ledger ORDER BY entry_date"
    ).fetchall()
    assert [(d, c, float(a), day) for d, c, a, day in ledger] == [
        ("grant", None, 10000.0, "2023-03-01"),
        ("expense", "设备购置", 3200.0, "2023-04-02"),
        ("expense", "培训学习", 1560.0, "2023-05-06"),
        ("expense", "创新成果宣传推广", 3000.0, "2023-06-20"),
        ("expense", "不允许的支出", 800.0, "2023-07-01"),
    ]
    assert con.execute("SELECT ground, revoked_on::VARCHAR FROM revocations").fetchall() == [
        ("严重违反医德医风", "2024-03-20")
    ]
    warnings = [(w.sheet, w.row, w.column) for w in outcome.warnings if "不允许" in w.message]
    assert warnings == [("经费", 7, "支出类别")]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [
                ["序号", "工作室", "日期", "收支", "用途", "金额"],
                [1, "张伟劳模创新工作室", 45352, "拨款", None, 10000],
                [2, "张伟劳模创新工作室", "2024-03-20", "支出", "项目研究", "1,200.00"],
            ],
            [("grant", None, 10000.0), ("expense", "项目研究", 1200.0)],
            id="one-amount-column-and-direction",
        ),
        pytest.param(
            [
                ["工作室名称", "日期", "支出类别", "金额（万元）"],
                ["张伟劳模创新工作室", "2024.04.02", "经费拨款", 1],
                ["张伟劳模创新工作室", "2024.04.03", "购置设备", 0.25],
            ],
            [("grant", None, 10000.0), ("expense", "设备购置", 2500.0)],
            id="category-says-grant-and-amount-in-wan",
        ),
        pytest.param(
            [
                ["经费使用情况表"],
                ["工作室", "日期", "摘要", "收入", "支出"],
                ["张伟劳模创新工作室", "2024年3月20日", "拨款", 10000, None],
                ["张伟劳模创新工作室", "2024/3/21", "外出培训住宿费", None, 640],
                ["小计", None, None, 10000, 640],
                ["填表人：刘洋", None, None, None, None],
            ],
            [("grant", None, 10000.0), ("expense", "不允许的支出", 640.0)],
            id="income-and-expense-columns-description-as-use",
        ),
    ],
)
def test_ledger_layouts(con, tmp_path, rows, expected):
    _roster_then(con, tmp_path)
    outcome = import_files(con, [write_xlsx(tmp_path / "经费.xlsx", {"台账": rows})])
    assert outcome.errors == [], outcome.errors
    got = con.execute("SELECT direction, category, amount FROM ledger ORDER BY entry_id").fetchall()
    assert [(d, c, float(a)) for d, c, a in got] == expected


def test_merged_unit_cells_and_two_line_header(con, tmp_path):
    rows = [
        ["创新工作室名单"],
        ["序号", "单位", "工作室", "领衔人", "类型"],
        [1, UNIT_A, "张伟劳模创新工作室", "张伟", "技术型"],
        [2, None, "李娜护理服务创新工作室", "李娜", "服务"],
        [3, UNIT_B, "王强医院管理创新工作室", "王强", "管理创新"],
    ]
    path = write_xlsx(tmp_path / "名单.xlsx", {"名单": rows}, merges={"名单": ["A1:E1", "B3:B4"]})
    outcome = import_files(con, [path])
    assert outcome.errors == []
    assert con.execute(
        "SELECT u.name, s.type FROM studios s JOIN units u USING (unit_id) ORDER BY s.studio_id"
    ).fetchall() == [(UNIT_A, "技术创新型"), (UNIT_A, "服务创新型"), (UNIT_B, "管理创新型")]

    ledger = [
        ["工作室", "日期", "经费", None],
        [None, None, "收入", "支出"],
        ["张伟劳模创新工作室", "2024-01-05", 10000, None],
        ["张伟劳模创新工作室", "2024-02-05", None, 300],
    ]
    path = write_xlsx(
        tmp_path / "台账.xlsx", {"台账": ledger}, merges={"台账": ["C1:D1", "A1:A2", "B1:B2"]}
    )
    outcome = import_files(con, [path])
    assert outcome.errors == [], outcome.errors
    assert count(con, "ledger") == 2


def test_studio_matched_ignoring_spaces_and_full_width(con, tmp_path):
    _roster_then(con, tmp_path)
    rows = [
        ["单位", "工作室", "得分", "年度"],
        ["青岛市 市立医院", "张伟劳模创新工作室 ", "９０", "２０２３"],
    ]
    outcome = import_files(con, [write_xlsx(tmp_path / "r.xlsx", {"S": rows})])
    assert outcome.errors == [], outcome.errors
    assert count(con, "assessments") == 1 and count(con, "units") == 2


def test_same_studio_name_in_two_units_needs_the_unit(con, tmp_path):
    roster = [
        ["所在单位", "创新工作室名称"],
        [UNIT_A, "护理创新工作室"],
        [UNIT_B, "护理创新工作室"],
    ]
    assert import_files(con, [write_xlsx(tmp_path / "名单.xlsx", {"S": roster})]).exit_code == 0
    rows = [["单位", "工作室", "得分"], [UNIT_B, "护理创新工作室", 91]]
    outcome = import_files(con, [write_xlsx(tmp_path / "2023年考核.xlsx", {"S": rows})])
    assert outcome.errors == []
    assert con.execute(
        "SELECT u.name FROM assessments JOIN studios USING (studio_id) JOIN units u USING (unit_id)"
    ).fetchall() == [(UNIT_B,)]


def test_hidden_sheet_is_reported_not_imported(con, tmp_path):
    path = write_xlsx(
        tmp_path / "名单.xlsx", {"名单": annex2_rows(), "旧": annex2_rows()}, hidden=["旧"]
    )
    outcome = import_files(con, [path])
    assert outcome.exit_code == 0
    assert [s["kind"] for s in outcome.files[0]["sheets"]] == ["studios", "skipped"]
    assert any(w.sheet == "旧" and "隐藏" in w.message for w in outcome.warnings)


# ---------------------------------------------------------------------------- legacy .xls


def test_xls_roster_and_assessments_with_title_rows(con, tmp_path):
    """Older Excel and WPS save .xls: a roster and a result sheet, each under a merged title."""
    roster_rows = [
        ["劳模创新工作室名单"],
        ["序号", "所在单位", "创新工作室名称", "领衔人", "职称", "创新类型", "批次", "命名时间"],
    ]
    for number, (unit, name, leader, title, _, _, type_, batch) in enumerate(ROSTER, 1):
        roster_rows.append([number, unit, name, leader, title, type_, batch, date(2021, 3, number)])
    roster = write_xls(
        tmp_path / "名单.xls", {"名单": roster_rows}, merges={"名单": [(0, 0, 0, 7)]}
    )
    results = write_xls(
        tmp_path / "考核.xls",
        {"考核": assessment_rows()},
        merges={"考核": [(0, 0, 0, 4)]},
    )
    outcome = import_files(con, [results, roster])
    assert outcome.errors == [], outcome.errors
    assert outcome.exit_code == 0 and outcome.status == "committed"
    sheets = [
        (s["sheet"], s["kind"], s["rows"], s["inserted"])
        for f in outcome.files
        for s in f["sheets"]
    ]
    assert sheets == [("考核", "assessments", 3, 3), ("名单", "studios", 3, 3)]
    assert con.execute(
        """SELECT u.name, s.name, s.leader, s.type, s.batch, s.named_on::VARCHAR
           FROM studios s JOIN units u USING (unit_id) ORDER BY s.named_on"""
    ).fetchall() == [
        (UNIT_A, "张伟劳模创新工作室", "张伟", "技术创新型", 3, "2021-03-01"),
        (UNIT_A, "李娜护理服务创新工作室", "李娜", "服务创新型", 3, "2021-03-02"),
        (UNIT_B, "王强医院管理创新工作室", "王强", "管理创新型", 2, "2021-03-03"),
    ]
    scores = con.execute(
        """SELECT s.name, a.year, a.score, a.grade FROM assessments a
           JOIN studios s USING (studio_id) ORDER BY a.score"""
    ).fetchall()
    assert [(n, y, float(v), g) for n, y, v, g in scores] == [
        ("王强医院管理创新工作室", 2023, 75.0, "合格"),  # an integer cell in .xls
        ("李娜护理服务创新工作室", 2023, 88.0, "合格"),  # written '88分'
        ("张伟劳模创新工作室", 2023, 92.5, "优秀"),
    ]
    # The same files again change nothing.
    again = import_files(con, [results, roster])
    assert again.exit_code == 0
    assert all(s["inserted"] == 0 and s["updated"] == 0 for f in again.files for s in f["sheets"])


def test_xls_ledger_with_date_cells(con, tmp_path):
    _roster_then(con, tmp_path)
    rows = [
        ["创新工作室经费台账（2024年）"],
        ["日期", "工作室", "摘要", "支出类别", "收入（元）", "支出（元）"],
        [date(2024, 3, 1), "张伟劳模创新工作室", "市医务工会拨款", None, 10000, None],
        [date(2024, 4, 2), "张伟劳模创新工作室", "购置设备", "购置设备", None, 3200.5],
        ["2024/5/6", "张伟劳模创新工作室", "外出培训", "外出培训", None, "￥1,560.00"],
        ["合计", None, None, None, 10000, 4760.5],
    ]
    path = write_xls(tmp_path / "经费.xls", {"台账": rows}, merges={"台账": [(0, 0, 0, 5)]})
    outcome = import_files(con, [path])
    assert outcome.errors == [], outcome.errors
    got = con.execute(
        "SELECT entry_date::VARCHAR, direction, category, amount FROM ledger ORDER BY entry_date"
    ).fetchall()
    assert [(d, k, c, float(a)) for d, k, c, a in got] == [
        ("2024-03-01", "grant", None, 10000.0),
        ("2024-04-02", "expense", "设备购置", 3200.5),
        ("2024-05-06", "expense", "培训学习", 1560.0),
    ]


def test_xls_error_names_the_excel_row_and_column(con, tmp_path):
    _roster_then(con, tmp_path)
    rows = assessment_rows(
        results=[("张伟劳模创新工作室", 92.5, "优秀"), ("李娜护理服务创新工作室", 120, "优秀")]
    )
    before = con.execute("SELECT count(*) FROM assessments").fetchall()
    outcome = import_files(con, [write_xls(tmp_path / "考核.xls", {"考核": rows})])
    assert outcome.exit_code == 1
    assert [(e.file, e.sheet, e.row, e.column) for e in outcome.errors] == [
        ("考核.xls", "考核", 4, "考核得分")
    ]
    assert con.execute("SELECT count(*) FROM assessments").fetchall() == before
