"""Bad input: every message points at file, sheet, row and column, and nothing is written."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from labstudio.importer import import_files
from tests.importer_builders import (
    UNIT_A,
    UNIT_B,
    annex2_workbook,
    snapshot,
    write_csv,
    write_xlsx,
)


@pytest.fixture
def seeded(con, tmp_path):
    """A database holding the three studios of the roster."""
    outcome = import_files(con, [annex2_workbook(tmp_path / "名单.xlsx")])
    assert outcome.exit_code == 0, outcome.errors
    return con


@dataclass
class Case:
    rows: list[list]
    row: int | None
    column: str | None
    says: str  # a phrase the message must contain
    file: str = "结果.xlsx"
    sheet: str = "Sheet1"
    exit_code: int = 1


A = ["所在单位", "工作室名称", "年度", "考核得分", "考核等次"]
L = ["工作室名称", "日期", "支出类别", "金额"]
ZHANG = "张伟劳模创新工作室"
LI = "李娜护理服务创新工作室"

CASES = {
    "unknown-studio-names-closest": Case(
        [["2023年度考核结果"], A, [UNIT_A, "张伟创新工作室", 2023, 90, "优秀"]],
        3,
        "工作室名称",
        "最接近的是：青岛市市立医院·张伟劳模创新工作室",
    ),
    "same-studio-twice-conflicting": Case(
        [A, [UNIT_A, ZHANG, 2023, 90, "优秀"], [UNIT_A, ZHANG, 2023, 80, "合格"]],
        3,
        "考核得分",
        "出现了两次",
    ),
    "score-above-100": Case([A, [UNIT_A, ZHANG, 2023, 120, None]], 2, "考核得分", "超出 0–100"),
    "score-below-0": Case([A, [UNIT_A, ZHANG, 2023, -5, None]], 2, "考核得分", "超出 0–100"),
    "score-unreadable": Case([A, [UNIT_A, ZHANG, 2023, "八十", None]], 2, "考核得分", "八十"),
    "unknown-grade": Case([A, [UNIT_A, ZHANG, 2023, None, "良好"]], 2, "考核等次", "良好"),
    "year-unreadable": Case([A, [UNIT_A, ZHANG, "去年", 88, None]], 2, "年度", "去年"),
    "missing-year": Case(
        [["考核结果"], ["工作室名称", "考核得分"], [ZHANG, 88]], 2, None, "哪一年", file="考核.xlsx"
    ),
    "negative-amount": Case([L, [ZHANG, "2024-01-02", "设备购置", -300]], 2, "金额", "负数"),
    "unreadable-amount": Case(
        [L, [ZHANG, "2024-01-02", "设备购置", "三百元"]], 2, "金额", "三百元"
    ),
    "unreadable-date": Case([L, [ZHANG, "2024-13-45", "设备购置", 300]], 2, "日期", "2024-13-45"),
    "empty-amount": Case([L, [ZHANG, "2024-01-02", "设备购置", None]], 2, "金额", "金额为空"),
    "revocation-date-unreadable": Case(
        [["工作室", "撤销时间", "撤销原因"], [LI, "明年", "考核不合格"]], 2, "撤销时间", "明年"
    ),
    "roster-same-studio-conflicting": Case(
        [
            ["所在单位", "创新工作室名称", "领衔人"],
            [UNIT_A, "新工作室", "赵六"],
            [UNIT_A, "新工作室", "钱七"],
        ],
        3,
        "领衔人",
        "出现了两次",
    ),
    "roster-unknown-type": Case(
        [["所在单位", "创新工作室名称", "类型"], [UNIT_A, "新工作室", "综合型"]],
        2,
        "类型",
        "综合型",
    ),
    "roster-without-unit": Case(
        [["创新工作室名称", "领衔人"], ["新工作室", "赵六"]], 1, None, "所在单位"
    ),
    "studio-name-empty": Case([A, [UNIT_A, None, 2023, 88, "合格"]], 2, "工作室名称", "名称是空的"),
    "no-header-row": Case([["随便写的"], ["一些", "内容"]], None, None, "没有找到可以导入的表格"),
    "nothing-but-blank-lines": Case([A, [None] * 5, ["合计"]], None, None, "没有可以导入的数据行"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_is_rejected_with_its_location_and_changes_nothing(seeded, tmp_path, case):
    before = snapshot(seeded)
    path = write_xlsx(tmp_path / case.file, {case.sheet: case.rows})
    outcome = import_files(seeded, [path])
    assert outcome.status == "rejected" and outcome.import_id is None
    assert outcome.exit_code == case.exit_code
    matching = [e for e in outcome.errors if case.says in e.message]
    assert matching, [e.message for e in outcome.errors]
    error = matching[0]
    assert error.file == case.file
    if case.row is not None:
        assert (error.sheet, error.row, error.column) == (case.sheet, case.row, case.column)
    assert outcome.as_json()["errors"][0].keys() == {"file", "sheet", "row", "column", "message"}
    assert snapshot(seeded) == before


def test_studio_name_in_two_units_without_unit_column_is_ambiguous(con, tmp_path):
    roster = [
        ["所在单位", "创新工作室名称"],
        [UNIT_A, "护理创新工作室"],
        [UNIT_B, "护理创新工作室"],
    ]
    assert import_files(con, [write_xlsx(tmp_path / "名单.xlsx", {"S": roster})]).exit_code == 0
    before = snapshot(con)
    rows = [["工作室", "得分"], ["护理创新工作室", 91]]
    outcome = import_files(con, [write_xlsx(tmp_path / "2023年考核.xlsx", {"S": rows})])
    (error,) = outcome.errors
    assert (error.sheet, error.row, error.column) == ("S", 2, "工作室")
    assert "对应多个工作室" in error.message and UNIT_B in error.message
    assert snapshot(con) == before


def test_one_bad_file_rejects_the_good_files_of_the_same_call(seeded, tmp_path):
    before = snapshot(seeded)
    good = write_xlsx(tmp_path / "2023年度考核.xlsx", {"S": [A, [UNIT_A, ZHANG, 2023, 88, "合格"]]})
    new_roster = write_xlsx(
        tmp_path / "新名单.xlsx", {"S": [["所在单位", "工作室名称"], [UNIT_B, "新工作室"]]}
    )
    bad = write_xlsx(tmp_path / "经费.xlsx", {"S": [L, [ZHANG, "2024-01-02", "设备购置", -1]]})
    outcome = import_files(seeded, [good, new_roster, bad])
    assert outcome.exit_code == 1 and [e.file for e in outcome.errors] == ["经费.xlsx"]
    assert all(s["inserted"] == 0 for f in outcome.as_json()["files"] for s in f["sheets"])
    assert snapshot(seeded) == before


def test_csv_errors_name_the_line_where_the_record_starts(seeded, tmp_path):
    rows = [
        ["2023年度考核结果"],
        ["工作室名称", "考核得分", "备注"],
        [ZHANG, 91, "第一行说明\n第二行说明"],  # one record over two lines (3 and 4)
        ["李娜护理服务创新工作室", 130, None],  # line 5
    ]
    before = snapshot(seeded)
    outcome = import_files(seeded, [write_csv(tmp_path / "考核.csv", rows, encoding="gbk")])
    (error,) = outcome.errors
    assert (error.file, error.sheet, error.row, error.column) == ("考核.csv", "考核", 5, "考核得分")
    assert snapshot(seeded) == before


def test_many_bad_rows_are_summed_up(seeded, tmp_path):
    rows = [L] + [[ZHANG, "2024-01-02", "设备购置", -n] for n in range(1, 61)]
    outcome = import_files(seeded, [write_xlsx(tmp_path / "经费.xlsx", {"S": rows})])
    assert len(outcome.errors) == 21
    assert "另有 40 行" in outcome.errors[-1].message
