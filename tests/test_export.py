"""The 附件2 workbook: layout, one row per studio, year-limited detail sheets, no formulas."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from labstudio import cli, queries
from labstudio.export import SUMMARY_HEADER, TITLE, dataframe_xlsx, export_workbook
from labstudio.filters import Filters


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_the_summary_sheet_is_laid_out_as_the_notice(demo_con):
    cur = demo_con.cursor()
    wb = workbook(export_workbook(cur, Filters()))
    assert wb.sheetnames == ["附件2汇总表", "年度考核", "称号撤销", "经费台账"]
    ws = wb["附件2汇总表"]
    assert ws["A1"].value == "附件2"
    assert ws["A2"].value == TITLE
    assert tuple(c.value for c in ws[3]) == SUMMARY_HEADER
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
