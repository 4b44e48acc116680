"""The 附件2 workbook: layout, one row per studio, year-limited detail sheets, no formulas."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from labstudio import cli, queries
from labstudio.export import (
    LEADER_COLUMN,
    SUMMARY_HEADER,
    TITLE,
    Column,
    dataframe_xlsx,
    export_workbook,
    row_height,
    summary_sheet,
    text_lines,
    workbook_bytes,
)
from labstudio.filters import Filters
from tests.office import to_pdf


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_the_summary_sheet_is_laid_out_as_the_notice(demo_con):
    cur = demo_con.cursor()
    wb = workbook(export_workbook(cur, Filters()))
    assert wb.sheetnames == ["附件2汇总表", "年度考核", "称号撤销", "经费台账"]
    ws = wb["附件2汇总表"]
    assert ws["A1"].value == "附件2"
    assert ws["A2"].value == TITLE
    assert tuple(c.value for c in ws[3]) == (*SUMMARY_HEADER, LEADER_COLUMN)
    assert SUMMARY_HEADER[1] == "创新工作室\n领衔人"
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == queries.summary(cur, Filters())["studios"]["total"]
    assert all("\n" in r[1] for r in rows)  # studio, then its leader on a second line
    assert {r[6] for r in rows} == {"第一批", "第二批", "第三批"}


def test_filters_choose_the_studios_and_the_year_limits_the_details(demo_con):
    cur = demo_con.cursor()
    filters = Filters(year=2024, type="技术创新型")
    wb = workbook(export_workbook(cur, filters))
    rows = list(wb["附件2汇总表"].iter_rows(min_row=4, values_only=True))
    assert len(rows) == queries.summary(cur, filters)["studios"]["total"]
    assert {r[5] for r in rows} == {"技术创新型"}
    years = {r[2] for r in wb["年度考核"].iter_rows(min_row=2, values_only=True)}
    assert years == {2024}
    assessed = queries.summary(cur, filters)["assessments"]["2024"]["count"]
    assert wb["年度考核"].max_row - 1 == assessed
    dates = [r[2] for r in wb["经费台账"].iter_rows(min_row=2, values_only=True)]
    assert dates and all(d.year == 2024 for d in dates)
    nothing = workbook(export_workbook(cur, Filters(unit="不存在的医院")))
    assert nothing["附件2汇总表"].max_row == 3


def test_text_that_looks_like_a_formula_stays_text(demo_con):
    cur = demo_con.cursor()
    cur.execute("UPDATE studios SET achievements = '=HYPERLINK(\"http://x\")' WHERE studio_id = 1")
    cur.execute("UPDATE studios SET leader_title = '@SUM(A1)' WHERE studio_id = 2")
    cur.execute("UPDATE ledger SET description = '+1-1' WHERE entry_id = 3")
    wb = workbook(export_workbook(cur, Filters()))
    risky = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    risky.append(cell)
    assert {c.value for c in risky} >= {'=HYPERLINK("http://x")', "@SUM(A1)", "+1-1"}
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)


def test_any_table_as_xlsx():
    data = dataframe_xlsx(pd.DataFrame({"名称": ["=1+1", "甲"], "数值": [1, 2.5]}), "图表数据")
    ws = workbook(data)["图表数据"]
    assert [c.value for c in ws[1]] == ["名称", "数值"]
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"
    assert ws["B3"].value == 2.5


def test_the_cli_export_command(demo_db, tmp_path, capsys):
    # A copy: the export is recorded in the audit log, which is a write.
    out = tmp_path / "out" / "附件2.xlsx"
    code = cli.main(["export", str(out), "--db", str(demo_db), "--batch", "第三批"])
    assert code == 0
    rows = list(workbook(out.read_bytes())["附件2汇总表"].iter_rows(min_row=4, values_only=True))
    assert len(rows) == 22 and {r[6] for r in rows} == {"第三批"}


# --- printing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "width", "size", "lines"),
    [
        (None, 10, 10, 1),
        (12345.5, 10, 10, 1),
        ("创新成果宣传推广", 18, 11, 1),  # 8 characters fill most of 18 units at 11 pt
        ("创新成果宣传推广", 12, 11, 2),
        ("甲\n乙", 30, 10, 2),  # the line break the notice writes
        ("国" * 30, 43, 10, 2),  # about 23 characters a line
        ("国" * 20 + "\n" + "国" * 50, 43, 10, 4),
        # Calibri shows 3 lines; breaking only at spaces may take one more, which is kept.
        ("Promoting innovation results in the hospital", 18, 11, (3, 4)),
    ],
)
def test_text_lines_counts_what_a_wrapped_cell_shows(text, width, size, lines):
    low, high = lines if isinstance(lines, tuple) else (lines, lines)
    assert low <= text_lines(text, width, size) <= high


def test_every_sheet_prints_a4_landscape_one_page_wide(demo_con):
    wb = workbook(export_workbook(demo_con.cursor(), Filters()))
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert (setup.paperSize, setup.orientation) == (9, "landscape"), ws.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert "&P" in ws.oddFooter.center.text, ws.title
    assert wb["附件2汇总表"].print_title_rows == "$3:$3"
    assert all(wb[t].print_title_rows == "$1:$1" for t in ("年度考核", "称号撤销", "经费台账"))


def test_rows_are_as_tall_as_their_wrapped_cells(demo_con):
    ws = workbook(export_workbook(demo_con.cursor(), Filters()))["附件2汇总表"]
    widths = [ws.column_dimensions[chr(65 + i)].width for i in range(len(SUMMARY_HEADER) + 1)]
    assert ws.row_dimensions[3].height == row_height(2, 11)  # the two-line header
    for row in ws.iter_rows(min_row=4):
        lines = max(text_lines(c.value, w) for c, w in zip(row, widths, strict=True))
        assert ws.row_dimensions[row[0].row].height == row_height(lines)
        assert all(c.alignment.wrap_text for c in row)


def test_added_columns_go_at_the_right_of_the_notice_columns():
    rows = pd.DataFrame(
        [
            [
                "青岛市市立医院",
                "甲工作室\n张三",
                "正高级",
                "成果",
                "荣誉",
                "技术创新型",
                "第三批",
                "符合",
            ]
        ],
        columns=[*SUMMARY_HEADER, "初审意见"],
    )
    wb = Workbook(write_only=True)
    summary_sheet(wb, rows, [Column("初审意见", 30)], sheet="申报初审", title="申报汇总表")
    ws = workbook(workbook_bytes(wb))["申报初审"]
    assert [c.value for c in ws[3]] == [*SUMMARY_HEADER, "初审意见"]
    assert ws["H4"].value == "符合" and ws.column_dimensions["H"].width == 30
    assert "A2:H2" in {str(r) for r in ws.merged_cells.ranges}  # the title spans them all
    assert ws.page_setup.fitToWidth == 1
    with pytest.raises(ValueError, match="初审意见"):
        summary_sheet(Workbook(write_only=True), rows, [])


def test_libreoffice_prints_the_summary_as_a_commission_would_send_it(demo_con, tmp_path):
    """Rendered by LibreOffice: A4 landscape, the table whole across each page, the title and
    header on page 1, the header again on every page, numbered pages, each studio once."""
    cur = demo_con.cursor()
    # One studio's 主要创新成果 runs over several lines.
    cur.execute(
        "UPDATE studios SET achievements = repeat('获国家发明专利1项；', 12) WHERE studio_id = 1"
    )
    source = tmp_path / "附件2.xlsx"
    source.write_bytes(export_workbook(cur, Filters()))
    reader = PdfReader(to_pdf(source))
    texts = [page.extract_text() for page in reader.pages]
    summary = [t for t in texts if "附件2汇总表" in t]
    studios = list(
        workbook(source.read_bytes())["附件2汇总表"].iter_rows(min_row=4, values_only=True)
    )
    # Before: 10 pages of strips a third of the table wide. 60 studios make 5 pages now.
    assert 1 <= len(summary) <= len(studios) // 10 + 1
    assert texts[0] is summary[0] and "附件2" in texts[0] and TITLE in texts[0]
    flat_headers = [h.replace("\n", "") for h in SUMMARY_HEADER]
    for number, text in enumerate(summary, start=1):
        flat = re.sub(r"\s", "", text)
        assert all(h in flat for h in flat_headers), number  # every column on every page
        assert f"附件2汇总表  第 {number} 页" in text
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    flat_summary = re.sub(r"\s", "", "".join(summary))
    for _unit, studio_and_leader, *_ in studios:
        studio = re.sub(r"\s", "", studio_and_leader)
        assert flat_summary.count(studio) == 1, studio
    # The detail sheets print the same way, numbered from their own first page.
    assert any("年度考核  第 1 页" in t for t in texts)
    assert any("经费台账  第 1 页" in t and "摘要" in t for t in texts)


def test_the_summary_says_whether_each_leader_meets_the_notice(demo_con):
    """Issue 12: the leader's honours on record against 二(二), beside the notice's columns."""
    cur = demo_con.cursor()
    cur.execute(
        "UPDATE studios SET honours = ['青岛市优秀共产党员'], leader_title = '副高级' "
        "WHERE studio_id = 1"
    )
    ws = workbook(export_workbook(cur, Filters()))["附件2汇总表"]
    opinions = {r[1].split("\n")[0]: r[7] for r in ws.iter_rows(min_row=4, values_only=True)}
    name = cur.execute("SELECT name FROM studios WHERE studio_id = 1").fetchall()[0][0]
    assert opinions[name].startswith("不符合：")
    assert "青岛市优秀共产党员" in opinions[name]
    assert {o.split("：")[0] for o in opinions.values()} <= {"符合", "不符合", "需人工核实"}
