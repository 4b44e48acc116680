"""The error report workbook and the blank templates."""

from __future__ import annotations

import io

import openpyxl
import pytest

from labstudio.importer import import_files
from labstudio.importer.errors_report import TEMPLATE_KINDS, error_workbook, template_workbook
from tests.importer_builders import UNIT_A, annex2_workbook, write_csv, write_xlsx

BAD = [
    ["2023年度考核结果"],
    ["所在单位", "工作室名称", "考核得分", "考核等次"],
    [UNIT_A, "张伟劳模创新工作室", 120, "优秀"],
    [UNIT_A, "李娜护理服务创新工作室", 88, "良好"],
]


def _fill(cell) -> str:
    return cell.fill.start_color.rgb[-6:]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_error_report_marks_the_cells_and_explains(con, tmp_path, suffix):
    import_files(con, [annex2_workbook(tmp_path / "名单.xlsx")])
    if suffix == "xlsx":
        path = write_xlsx(tmp_path / "考核.xlsx", {"考核": BAD})
        sheet_name = "考核"
    else:
        path = write_csv(tmp_path / "考核.csv", BAD, encoding="gbk")
        sheet_name = "考核"
    outcome = import_files(con, [path])
    assert {(e.row, e.column) for e in outcome.errors} == {(3, "考核得分"), (4, "考核等次")}
    data = error_workbook(path.read_bytes(), path.name, outcome.errors, outcome.warnings)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames[0] == "问题清单"
    sheet = workbook[sheet_name]
    assert _fill(sheet["C3"]) == "FFC7CE" and _fill(sheet["D4"]) == "FFC7CE"
    assert _fill(sheet["C4"]) != "FFC7CE"
    assert sheet["E2"].value == "问题说明"
    assert "超出 0–100" in sheet["E3"].value and "良好" in sheet["E4"].value
    listed = list(workbook["问题清单"].iter_rows(min_row=2, values_only=True))
    assert len(listed) == len(outcome.errors) + len(outcome.warnings)


def test_error_report_for_an_unreadable_file_lists_the_problem():
    from labstudio.importer import Message

    message = Message("x.xlsx", "", None, None, "文件设置了打开密码")
    workbook = openpyxl.load_workbook(
        io.BytesIO(error_workbook(b"\xd0\xcf\x11\xe0", "x.xlsx", [message]))
    )
    assert workbook.sheetnames == ["问题清单"]
    assert workbook["问题清单"]["E2"].value == "文件设置了打开密码"


FILLED = {
    "studios": [
        None,
        UNIT_A,
        "新工作室",
        "赵六",
        "正高级",
        "技术创新型",
        "第三批",
        "委级命名",
        "2023-05-01",
        "专利1项",
        "市劳模",
        None,
    ],
    "assessments": [1, UNIT_A, "新工作室", 2023, 91, "优秀", None],
    "revocations": [1, UNIT_A, "新工作室", "2024-06-01", "严重医疗事故"],
    "funds": [1, UNIT_A, "新工作室", "2024-01-02", "支出", "设备购置", 500, "购置模型"],
}


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_templates_have_drop_downs_and_import_once_filled(con, tmp_path, kind):
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook(kind)))
    sheet = workbook.worksheets[0]
    assert sheet.data_validations.dataValidation, "drop-down lists expected"
    if kind != "studios":
        roster = template_workbook("studios")
        roster_book = openpyxl.load_workbook(io.BytesIO(roster))
        roster_book.worksheets[0].append(FILLED["studios"])
        roster_book.save(tmp_path / "名单.xlsx")
        assert import_files(con, [tmp_path / "名单.xlsx"]).exit_code == 0
    sheet.append(FILLED[kind])
    workbook.save(tmp_path / f"{kind}.xlsx")
    outcome = import_files(con, [tmp_path / f"{kind}.xlsx"])
    assert outcome.errors == [], outcome.errors
    sheets = outcome.as_json()["files"][0]["sheets"]
    assert [(s["kind"], s["rows"]) for s in sheets] == [(kind, 1), ("skipped", 0)]
    assert not [w for w in outcome.warnings if "已忽略" in w.message and w.column != "序号"]
