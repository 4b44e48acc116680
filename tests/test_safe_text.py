"""No formula leaves in any export: one rule (labstudio.safe_text), tested by a table of payloads
and in every export — the pages' CSV and Excel downloads, the 附件2 workbook, the meeting
handouts and the error-report workbook. Import keeps a leading tab or apostrophe as written."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from pptx import Presentation

from labstudio import deck, export
from labstudio.filters import Filters
from labstudio.importer import Message, errors_report, import_files
from labstudio.safe_text import is_formula_like, neutralise, neutralise_figure, neutralise_frame
from labstudio.views import assessments, funds, overview, revocations, studios, types
from tests.importer_builders import UNIT_A, _cache_formula_values, write_csv, write_xlsx

HYPERLINK = '=HYPERLINK("http://127.0.0.1:9/x","单位")'

# (payload, what every text export writes): formula-like text gets an apostrophe in front.
PAYLOADS = {
    "equals": ("=1+1", "'=1+1"),
    "hyperlink": (HYPERLINK, "'" + HYPERLINK),
    "dde": ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    "plus": ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    "minus": ("-2+3", "'-2+3"),
    "at": ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    "tab": ("\t=1+1", "'\t=1+1"),
    "tab-text": ("\t张三", "'\t张三"),
    "carriage-return": ("\r=1+1", "'\r=1+1"),
    "line-feed-then-equals": ("\n=1+1", "'\n=1+1"),
    "space-then-equals": (" =1+1", "' =1+1"),
    "ideographic-space-then-equals": ("\u3000=1+1", "'\u3000=1+1"),
    "full-width-equals": ("＝1+1", "'＝1+1"),
    "full-width-plus": ("＋1+1", "'＋1+1"),
    "full-width-minus": ("－1+1", "'－1+1"),
    "full-width-at": ("＠SUM(A1)", "'＠SUM(A1)"),
    "small-equals": ("﹦1+1", "'﹦1+1"),
    "error-literal": ("#N/A", "'#N/A"),
    "lone-dash": ("-", "'-"),
    # Kept as they are: plain text, and numbers a spreadsheet reads as the numbers they are.
    "text": ("张伟劳模创新工作室", "张伟劳模创新工作室"),
    "equals-inside": ("a=b+c", "a=b+c"),
    "apostrophe-already": ("'=1+1", "'=1+1"),
    "negative-number-text": ("-5", "-5"),
    "signed-decimal-text": ("+3.5", "+3.5"),
    "negative-thousands": ("-1,234.50", "-1,234.50"),
    "negative-percent": ("-12.5%", "-12.5%"),
    "empty": ("", ""),
}
NUMBERS = [-5, -5.25, 0, 3, float("nan"), None]


@pytest.mark.parametrize(("value", "written"), PAYLOADS.values(), ids=PAYLOADS.keys())
def test_the_rule_quotes_formula_text_and_nothing_else(value, written):
    assert neutralise(value) == written
    assert is_formula_like(value) == (written != value)
    assert not is_formula_like(neutralise(value))  # quoting once is enough


@pytest.mark.parametrize("number", NUMBERS, ids=repr)
def test_numbers_stay_numbers(number):
    assert not is_formula_like(number)
    assert neutralise(number) is number


def _payload_frame() -> pd.DataFrame:
    values = [value for value, _ in PAYLOADS.values()]
    return pd.DataFrame(
        {
            "单位": values,
            "金额（元）": [-5] * len(values),
            "余额": [-5.25] * len(values),
            "=列名": ["x"] * len(values),
        }
    )


def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_a_csv_download_quotes_every_payload_and_keeps_numbers():
    rows = _csv_cells(export.dataframe_csv(_payload_frame()))
    assert rows[0] == ["单位", "金额（元）", "余额", "'=列名"]
    assert [row[0] for row in rows[1:]] == [written for _, written in PAYLOADS.values()]
    assert {row[1] for row in rows[1:]} == {"-5"} and {row[2] for row in rows[1:]} == {"-5.25"}


def test_neutralise_frame_keeps_types_and_leaves_the_original_alone():
    frame = _payload_frame()
    safe = neutralise_frame(frame)
    assert safe.dtypes.tolist()[1:3] == frame.dtypes.tolist()[1:3]
    assert frame["单位"].iloc[0] == "=1+1" and safe["单位"].iloc[0] == "'=1+1"


def _risky_cells(workbook: openpyxl.Workbook) -> list:
    return [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and is_formula_like(cell.value)
    ]


def _assert_no_formula(workbook: openpyxl.Workbook) -> None:
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    # Formula-like text is a string cell with Excel's quote prefix: it stays text when edited.
    for cell in _risky_cells(workbook):
        assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)


def test_an_excel_download_keeps_payloads_as_text_and_numbers_as_numbers():
    workbook = openpyxl.load_workbook(io.BytesIO(export.dataframe_xlsx(_payload_frame())))
    _assert_no_formula(workbook)
    sheet = workbook.active
    assert [sheet.cell(row=r, column=1).value for r in range(2, len(PAYLOADS) + 2)] == [
        value or None for value, _ in PAYLOADS.values()
    ]
    assert {sheet.cell(row=r, column=2).value for r in range(2, len(PAYLOADS) + 2)} == {-5}
    assert sheet.cell(row=2, column=2).data_type == "n"
    assert sheet["D1"].value == "=列名" and sheet["D1"].quotePrefix


def _poison(con) -> None:
    """Formula payloads where the probe put them: unit, studio names, remarks, descriptions."""
    cur = con.cursor()
    cur.execute(
        "UPDATE units SET name = ? WHERE unit_id = (SELECT min(unit_id) FROM units)", [HYPERLINK]
    )
    cur.execute(
        "UPDATE studios SET name = '@SUM(A1)' || name, leader = '+1+1', achievements = ?"
        " WHERE studio_id IN (SELECT studio_id FROM studios ORDER BY studio_id LIMIT 5)",
        ["\t=1+1"],
    )
    cur.execute("UPDATE ledger SET description = '＝1+1' WHERE entry_id % 7 = 0")
    cur.execute("UPDATE ledger SET description = '-1+1' WHERE entry_id % 7 = 1")
    cur.execute("UPDATE assessments SET remarks = '\r=1+1' WHERE year = 2024")
    cur.execute("UPDATE revocations SET reason = '=2+2'")


def _page_tables(cur) -> list[tuple[str, pd.DataFrame]]:
    """Every table a page offers as a CSV download (panels, the overview's to-do lists, the
    directory), as labstudio/ui/charts_ui.py passes them to export.dataframe_csv."""
    tables = []
    for module in (overview, types, assessments, revocations, funds, studios):
        for lang in ("zh", "en"):
            view = module.page(cur, Filters(), lang)
            for panel in [*view.panels, *view.extra.get("actions", [])]:
                tables.append((f"{module.__name__}.{panel.key}.{lang}", panel.table))
    return tables


def test_no_csv_download_of_any_page_carries_a_formula(demo_con):
    _poison(demo_con)
    quoted = 0
    for name, table in _page_tables(demo_con.cursor()):
        for row in _csv_cells(export.dataframe_csv(table)):
            for cell in row:
                assert not is_formula_like(cell), (name, cell)
                quoted += cell.startswith("'")
    assert quoted > 20  # the payloads did reach the downloads, quoted


def test_the_pages_csv_buttons_use_the_one_export():
    # Streamlit's own CSV download of st.dataframe writes cells as they are: it is switched off.
    config = (Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text()
    assert re.search(r"(?m)^disableDataExport = true$", config)
    writers = []
    for path in (Path(__file__).resolve().parent.parent / "labstudio").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\.to_csv\(|\.to_excel\(|csv\.writer\(", line):
                writers.append(f"{path.name}:{number}")
    assert len(writers) == 1 and writers[0].startswith("export.py:"), writers
    from labstudio.ui import charts_ui

    table = pd.DataFrame({"单位": [HYPERLINK]})
    assert _csv_cells(charts_ui._csv(table)())[1] == ["'" + HYPERLINK]


def test_the_annex2_workbook_holds_no_formula(demo_con):
    _poison(demo_con)
    workbook = openpyxl.load_workbook(
        io.BytesIO(export.export_workbook(demo_con.cursor(), Filters()))
    )
    _assert_no_formula(workbook)
    texts = {cell.value for cell in _risky_cells(workbook)}
    assert {HYPERLINK, "=2+2", "＝1+1", "\r=1+1", "-1+1"} <= texts


def _payload_slides() -> list[deck.Slide]:
    return [
        deck.Slide(
            "overview",
            HYPERLINK,
            "=1+1家工作室",
            [deck.Figure("@SUM(A1)", "-5"), deck.Figure("\t=1", "+1+1")],
            None,
            "＝注意",
        )
    ]


def test_the_pptx_handout_text_is_quoted():
    presentation = Presentation(io.BytesIO(deck.pptx_deck(_payload_slides(), "=会议")))
    texts = [
        shape.text_frame.text
        for slide in presentation.slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    assert texts and not any(is_formula_like(text) for text in texts), texts
    assert "'=1+1家工作室" in texts and "'@SUM(A1)" in texts and "-5" in texts
    assert any(text.startswith("'" + HYPERLINK) for text in texts)


def test_a_handout_chart_keeps_its_numbers_and_quotes_its_labels():
    chart = go.Figure(
        go.Bar(
            x=[HYPERLINK, "青岛市市立医院"],
            y=[3.0, -5.0],
            text=["-", "3"],
            name="=系列",
            customdata=[["=a", 1], ["b", 2]],
        )
    )
    chart.update_xaxes(categoryarray=[HYPERLINK, "青岛市市立医院"], title_text="+轴")
    chart.add_annotation(text="@注")
    safe = neutralise_figure(chart)
    bar = safe.data[0]
    assert list(bar.x) == ["'" + HYPERLINK, "青岛市市立医院"]
    assert list(bar.y) == [3.0, -5.0] and list(bar.text) == ["'-", "3"]
    assert bar.name == "'=系列" and [list(row) for row in bar.customdata] == [["'=a", 1], ["b", 2]]
    assert list(safe.layout.xaxis.categoryarray) == ["'" + HYPERLINK, "青岛市市立医院"]
    assert safe.layout.xaxis.title.text == "'+轴" and safe.layout.annotations[0].text == "'@注"
    assert list(chart.data[0].x)[0] == HYPERLINK  # the page's own chart is left alone
    page = deck.page_figure(deck.handout_slide(_payload_slides()[0]), 1, 1)
    assert "'" + deck._markup_safe(HYPERLINK) in page.layout.title.text


@pytest.mark.xdist_group("browser")  # kaleido starts chromium
def test_the_pdf_handout_text_is_quoted():
    from pypdf import PdfReader

    if not deck.available():
        pytest.skip("no Chromium for kaleido")
    slides = _payload_slides()
    slides[0].chart = go.Figure(go.Bar(x=["=A+B", "青岛市市立医院"], y=[3, 4]))
    text = PdfReader(io.BytesIO(deck.pdf_deck(slides))).pages[0].extract_text()
    # (Digits may come out of the PDF's font subset as other code points: checked without them.)
    assert "'=HYPERLINK" in text and "'=A+B" in text and "'@SUM(A" in text and "'＝注意" in text


# ---------------------------------------------------------------------------- error report


def _formula_file(tmp_path: Path) -> Path:
    path = write_xlsx(
        tmp_path / "考核.xlsx",
        {
            "考核": [
                ["所在单位", "创新工作室名称", "年度", "考核得分", "考核等次", "=备注"],
                [UNIT_A, "张伟劳模创新工作室", 2023, 95, "优秀", None],
                [UNIT_A, "李娜护理服务创新工作室", 2023, "九十", "优秀", None],
            ]
        },
        formulas={"考核": {"D2": "=90+5"}},
    )
    workbook = openpyxl.load_workbook(path)
    cell = workbook["考核"]["F3"]
    cell.value, cell.data_type = HYPERLINK, "s"  # text in the file, not a formula
    workbook.save(path)
    _cache_formula_values(path, ["考核"], {"考核": {"D2": 95}})
    return path


def test_the_error_report_holds_no_formula_of_the_file_or_of_the_messages(tmp_path):
    path = _formula_file(tmp_path)
    messages = [
        Message(path.name, "考核", 3, "考核得分", "无法识别的考核得分“九十”"),
        Message(path.name, "考核", 3, "=备注", HYPERLINK),
    ]
    workbook = openpyxl.load_workbook(
        io.BytesIO(errors_report.error_workbook(path.read_bytes(), path.name, messages))
    )
    _assert_no_formula(workbook)
    sheet = workbook["考核"]
    assert sheet["D2"].value == 95  # the formula's value, as the importer read it
    assert sheet["F3"].value == HYPERLINK and sheet["F3"].quotePrefix
    listed = [
        [cell.value for cell in row] for row in workbook[errors_report.LIST_SHEET].iter_rows()
    ]
    assert ["说明", None, None, None, errors_report.FORMULAS_AS_VALUES] in listed
    assert any(row[3] == "=备注" and row[4] == HYPERLINK for row in listed)


def test_the_error_report_of_a_csv_keeps_its_payloads_text(tmp_path):
    path = write_csv(
        tmp_path / "考核.csv",
        [["所在单位", "创新工作室名称", "考核得分"], [HYPERLINK, "\t@SUM(A1)", "九十"]],
    )
    message = Message(path.name, path.stem, 2, "考核得分", "无法识别的考核得分“九十”")
    workbook = openpyxl.load_workbook(
        io.BytesIO(errors_report.error_workbook(path.read_bytes(), path.name, [message]))
    )
    _assert_no_formula(workbook)
    assert workbook[path.stem]["A2"].value == HYPERLINK
    assert workbook[path.stem]["B2"].value == "\t@SUM(A1)"


def test_the_error_report_is_made_in_a_child_and_falls_back_to_the_list(tmp_path, monkeypatch):
    path = _formula_file(tmp_path)
    message = Message(path.name, "考核", 3, "考核得分", "无法识别的考核得分“九十”")
    monkeypatch.setattr(errors_report, "REPORT_TIMEOUT_SECONDS", 0.01)
    workbook = openpyxl.load_workbook(
        io.BytesIO(errors_report.error_workbook(path.read_bytes(), path.name, [message]))
    )
    assert workbook.sheetnames == [errors_report.LIST_SHEET]
    listed = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert listed[1][4] == "无法识别的考核得分“九十”"
    assert listed[-1] == ["说明", None, None, None, errors_report.NO_COPY]


# ---------------------------------------------------------------------------- import


def _roster(tmp_path: Path, suffix: str) -> Path:
    rows = [
        ["\t创新工作室所在单位", "创新工作室名称", "领衔人", "创新类型", "批次"],
        ["\t" + HYPERLINK, "'=1+1工作室", "  张三  ", "技术创新型", "第一批"],
        [UNIT_A, "\t@SUM(A1)", "\t—", "技术创新型", "\t第一批"],
    ]
    if suffix == "csv":
        return write_csv(tmp_path / "名单.csv", rows)
    return write_xlsx(tmp_path / "名单.xlsx", {"名单": rows})


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_import_keeps_a_leading_tab_or_apostrophe_as_written(con, tmp_path, suffix):
    outcome = import_files(con, [_roster(tmp_path, suffix)])
    assert outcome.exit_code == 0, outcome.errors
    stored = con.execute(
        "SELECT u.name, s.name, s.leader, s.batch FROM studios s JOIN units u USING (unit_id)"
        " ORDER BY u.name"
    ).fetchall()
    # Spaces are trimmed, a dash is an empty cell, the header with a tab is still recognised.
    assert stored == [
        ("\t" + HYPERLINK, "'=1+1工作室", "张三", 1),
        (UNIT_A, "\t@SUM(A1)", None, 1),
    ]
    # Matching ignores white space: the same names without the tab are the same studios.
    again = write_csv(
        tmp_path / "again.csv",
        [["创新工作室所在单位", "创新工作室名称", "领衔人"], [UNIT_A, "@SUM(A1)", "李四"]],
    )
    assert import_files(con, [again]).files[0]["sheets"][0]["updated"] == 1
