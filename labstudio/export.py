"""The filtered view as a workbook: the notice's 附件2 summary table, then the detail sheets.

`export_workbook` serves both the CLI (`python -m labstudio export`) and the download button of
every page. `dataframe_xlsx` and `dataframe_csv` turn any table (a chart's data) into a download.
`summary_sheet` is the one writer of the 附件2 table; a caller adds its own columns at the right
(the screening of applications adds 初审意见).

Every sheet prints as a commission sends it: A4 landscape, the whole width of the table on one page
(LibreOffice, Excel and WPS scale it), the header row repeated on every page, page numbers in the
footer. Neither LibreOffice nor Excel grows a row for wrapped text by itself when the file says
nothing, so rows whose text wraps get a height from `text_lines`.

No cell is ever a formula: openpyxl stores a string starting with "=" as one, and Excel or WPS
would also run a cell starting with + - @ once it is edited, so text that labstudio.safe_text
finds formula-like is written as a string cell with Excel's quote prefix (the leading apostrophe
that keeps it text), and with an apostrophe in front in a CSV. Sheets are written in
openpyxl's write-only mode, so 300,000 ledger lines do not hold a cell object each in memory.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from labstudio.domain import UNTYPED, batch_label
from labstudio.filters import Filters, studio_condition, year_condition
from labstudio.safe_text import inert_xlsx_cell, is_formula_like, neutralise_frame

ATTACHMENT = "附件2"
TITLE = "劳动模范（领军人才）创新工作室汇总表"
SUMMARY_SHEET = "附件2汇总表"


@dataclass(frozen=True)
class Column:
    """A column of a printed table: its header (a line break where the notice has one) and its
    width in Excel's units (the width of a digit; a Chinese character takes about two)."""

    header: str
    width: float


# The notice's five columns (the two-line headers as it writes them), then the analysts' own.
# Their widths add up to about the printable width of A4 landscape, so the table prints at
# (nearly) full size; added columns make the printers scale it down to keep one page wide.
SUMMARY_COLUMNS: tuple[Column, ...] = (
    Column("创新工作室所在单位", 18),
    Column("创新工作室\n领衔人", 24),
    Column("职称\n技术等级", 11),
    Column("主要创新成果", 43),
    Column("领衔人主要荣誉（限5项以内）", 28),
    Column("创新类型", 10),
    Column("批次", 8),
)
SUMMARY_HEADER: tuple[str, ...] = tuple(c.header for c in SUMMARY_COLUMNS)
# Issue 12: beside the notice's columns, whether the leader's honours on record meet 二(二)
# (labstudio.screening), so the studios whose leaders the notice would not admit today stand out.
LEADER_COLUMN = "领衔人条件（二(二)）"
LEADER_WIDTH = 24

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_FONT = "宋体"
_TITLE_FONT = "方正小标宋简体"  # the commission's title face; offices without it fall back
BODY_SIZE = 10
HEADER_SIZE = 11
TITLE_SIZE = 18
# On a printed page: "附件2汇总表  第 3 页" (&A the sheet's name, &P its page). No "共 &N 页":
# LibreOffice counts &N over the whole workbook, which would print "第 1 页，共 21 页" on a
# five-page sheet.
PAGE_FOOTER = "&A  第 &P 页"
# A4 landscape: paper size 9 in the spreadsheet standard's list.
_A4 = "9"


def _text_cell(ws: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    return inert_xlsx_cell(WriteOnlyCell(ws, value))


def _plain(value: object) -> object:
    """A value openpyxl can write: NA → empty, numpy scalars → Python, timestamps → dates."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return "；".join(str(v) for v in value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
        return value.date() if value.time() == dt.time(0) else value
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _cell(ws: WriteOnlyWorksheet, value: object, style: dict | None = None) -> object:
    """One plain value as openpyxl writes it: bare, or a styled cell; formula-like text as text."""
    if is_formula_like(value):
        cell = _text_cell(ws, value)
    elif style:
        cell = WriteOnlyCell(ws, value)
    else:
        return value
    for name, setting in (style or {}).items():
        setattr(cell, name, setting)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _row(ws: WriteOnlyWorksheet, values: Iterable[object], style: dict | None = None) -> list:
    return [_cell(ws, _plain(value), style) for value in values]


def _widths(ws: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def text_lines(value: object, width: float, size: float = BODY_SIZE) -> int:
    """How many lines `value` takes in a wrapped cell `width` units wide, in a `size` pt font.

    A unit is a digit's width at 11 pt (7 px); a Chinese character is 2.1 of them (14.7 px),
    anything else about 1.1. Text with spaces breaks only at them, so a tenth is kept in hand.
    """
    text = _plain(value)
    if text is None:
        return 1
    lines = 0
    for line in str(text).split("\n"):
        per_line = max(width - 0.8, 1) * 11 / size * (0.9 if " " in line.strip() else 1)
        units = sum(2.1 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in line)
        lines += max(1, math.ceil(units / per_line))
    return lines


def row_height(lines: int, size: float = BODY_SIZE) -> float:
    """Points for a row of `lines` lines of a `size` pt font, with a little room above and below."""
    return round(lines * size * 1.32 + 5, 1)


def _print_setup(ws: WriteOnlyWorksheet, header_rows: str) -> None:
    """A4 landscape, one page wide, `header_rows` ("3:3") repeated on each page, page numbers.

    Called before the first row is written: write-only sheets write their properties then.
    """
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.paperSize = _A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.page_setup.firstPageNumber = 1  # each sheet counts its own pages
    ws.page_setup.useFirstPageNumber = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = header_rows
    ws.oddFooter.center.text = PAGE_FOOTER
    ws.oddFooter.center.size = 9


# The detail sheets keep the workbook's default font (11 pt); their header is bold.
_DETAIL_SIZE = 11
_DETAIL_HEADER = {"font": Font(bold=True), "alignment": _CENTRE}
_TOP = Alignment(vertical="top")
_TOP_WRAP = Alignment(vertical="top", wrap_text=True)


def table_sheet(
    wb: Workbook,
    title: str,
    df: pd.DataFrame,
    widths: Sequence[float] | None = None,
    number_formats: dict[str, str] | None = None,
) -> None:
    """A plain sheet that prints: a bold header row (repeated on each page), then the rows as
    they are (dates as dates; `number_formats` by column, e.g. money with two decimals).

    Only a text too long for its column is wrapped, and only its row is given a height: a
    ledger of 300,000 lines stays mostly bare values. Printed with grid lines instead of a
    border on every cell, for the same reason.
    """
    ws = wb.create_sheet(title)
    widths = list(widths or [max(10, min(40, 2 * len(str(c)) + 4)) for c in df.columns])
    _widths(ws, widths)
    _print_setup(ws, "1:1")
    ws.print_options.gridLines = True
    ws.freeze_panes = "A2"
    header_lines = max(
        (text_lines(c, w, _DETAIL_SIZE) for c, w in zip(df.columns, widths, strict=True)),
        default=1,
    )
    ws.row_dimensions[1].height = row_height(header_lines, _DETAIL_SIZE)
    ws.append(_row(ws, df.columns, _DETAIL_HEADER))
    date_columns = {i for i, c in enumerate(df.columns) if _is_date(df[c])}
    formats = [(number_formats or {}).get(str(c)) for c in df.columns]
    # Text of this many characters or fewer fits its column whatever they are.
    fits = [(w - 0.8) * 0.9 / 2.1 for w in widths]
    for number, raw in enumerate(df.itertuples(index=False, name=None), start=2):
        values = [_date(v) if i in date_columns else _plain(v) for i, v in enumerate(raw)]
        lines = [
            text_lines(v, widths[i], _DETAIL_SIZE)
            if isinstance(v, str) and (len(v) > fits[i] or "\n" in v)
            else 1
            for i, v in enumerate(values)
        ]
        tallest = max(lines)
        if tallest > 1:
            ws.row_dimensions[number].height = row_height(tallest, _DETAIL_SIZE)
        cells = []
        for value, cell_lines, fmt in zip(values, lines, formats, strict=True):
            style: dict = {}
            if tallest > 1:
                style["alignment"] = _TOP_WRAP if cell_lines > 1 else _TOP
            if fmt and isinstance(value, int | float):
                style["number_format"] = fmt
            cells.append(_cell(ws, value, style))
        ws.append(cells)
        if tallest > 1:  # written: the sheet needs it no more, and 300,000 would weigh
            del ws.row_dimensions[number]


def _is_date(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    sample = series.dropna().head(1)
    return len(sample) == 1 and isinstance(sample.iloc[0], dt.date)


def _date(value: object) -> object:
    value = _plain(value)
    return value.date() if isinstance(value, dt.datetime) else value


def dataframe_xlsx(df: pd.DataFrame, sheet: str = "数据") -> bytes:
    """Any table (a chart's data) as an .xlsx file, text kept as text."""
    wb = Workbook(write_only=True)
    table_sheet(wb, sheet[:31] or "数据", df)
    return workbook_bytes(wb)


def dataframe_csv(df: pd.DataFrame) -> bytes:
    """Any table (a chart's data) as a CSV file, formula-like text quoted.

    UTF-8 with a byte-order mark: Excel on a Chinese Windows opens it without mojibake. Lines end
    in CR LF, so a cell holding a lone CR is quoted too instead of breaking its row.
    """
    return neutralise_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _query(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    select: str,
    year_column: str | None = None,
) -> pd.DataFrame:
    """Rows of the filtered studios. `select` and `year_column` are fixed text of this module."""
    condition, params = studio_condition(filters)
    year_sql, year_params = (
        year_condition(filters, year_column, is_date=year_column != "a.year")
        if year_column
        else ("TRUE", {})
    )
    sql = select.format(condition=condition, year=year_sql)
    return cur.execute(sql, {**params, **year_params}).df()


def summary_rows(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The studios of the 附件2 table, one row per studio, in the notice's column order."""
    df = _query(
        cur,
        filters,
        """
        SELECT u.name AS unit, s.name AS studio, s.leader, s.leader_title, s.achievements,
               s.honours, s.type, s.batch
        FROM studios s JOIN units u USING (unit_id)
        WHERE {condition}
        ORDER BY u.name, s.name
        """,
    )
    from labstudio.screening.check import leader_opinion

    return pd.DataFrame(
        {
            SUMMARY_HEADER[0]: df["unit"],
            SUMMARY_HEADER[1]: [
                f"{s}\n{leader}" if isinstance(leader, str) and leader else s
                for s, leader in zip(df["studio"], df["leader"], strict=True)
            ],
            SUMMARY_HEADER[2]: df["leader_title"],
            SUMMARY_HEADER[3]: df["achievements"],
            SUMMARY_HEADER[4]: ["\n".join(h) if h is not None else "" for h in df["honours"]],
            SUMMARY_HEADER[5]: [t if isinstance(t, str) else UNTYPED for t in df["type"]],
            SUMMARY_HEADER[6]: [batch_label(int(b)) if not pd.isna(b) else "" for b in df["batch"]],
            LEADER_COLUMN: [
                leader_opinion(h, t) for h, t in zip(df["honours"], df["leader_title"], strict=True)
            ],
        }
    )


def detail_frames(cur: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, pd.DataFrame]:
    """The three detail sheets (the year filter limits each), with Chinese headers."""
    assessments = _query(
        cur,
        filters,
        """
        SELECT u.name AS 所在单位, s.name AS 创新工作室, a.year AS 年度,
               a.score::DOUBLE AS 考核得分, a.grade AS 考核等次, a.remarks AS 备注
        FROM assessments a JOIN studios s USING (studio_id) JOIN units u USING (unit_id)
        WHERE {condition} AND {year}
        ORDER BY u.name, s.name, a.year
        """,
        "a.year",
    )
    revocations = _query(
        cur,
        filters,
        """
        SELECT u.name AS 所在单位, s.name AS 创新工作室, r.revoked_on AS 撤销日期,
               r.ground AS 撤销情形, r.reason AS 撤销原因
        FROM revocations r JOIN studios s USING (studio_id) JOIN units u USING (unit_id)
        WHERE {condition} AND {year}
        ORDER BY r.revoked_on NULLS LAST, u.name, s.name
        """,
        "r.revoked_on",
    )
    ledger = _query(
        cur,
        filters,
        """
        SELECT u.name AS 所在单位, s.name AS 创新工作室, l.entry_date AS 日期,
               CASE l.direction WHEN 'grant' THEN '拨款' ELSE '支出' END AS 收支,
               l.category AS 用途, l.amount::DOUBLE AS 金额（元）, l.description AS 摘要
        FROM ledger l JOIN studios s USING (studio_id) JOIN units u USING (unit_id)
        WHERE {condition} AND {year}
        ORDER BY u.name, s.name, l.entry_date NULLS LAST, l.entry_id
        """,
        "l.entry_date",
    )
    return {"年度考核": assessments, "称号撤销": revocations, "经费台账": ledger}


def summary_sheet(
    wb: Workbook,
    rows: pd.DataFrame,
    extra: Sequence[Column] = (),
    *,
    sheet: str = SUMMARY_SHEET,
    title: str = TITLE,
) -> None:
    """The 附件2 table as the notice lays it out: "附件2", the title, the header, a row each.

    `rows` has the columns SUMMARY_HEADER, then one per `extra` column (its header and width),
    which are printed at the right of the notice's columns, e.g. Column("初审意见", 30).
    Each row is as tall as its tallest wrapped cell; the page stays one table wide.
    """
    columns = (*SUMMARY_COLUMNS, *extra)
    headers = [c.header for c in columns]
    if list(rows.columns) != headers:
        raise ValueError(f"附件2 rows must have the columns {headers}, not {list(rows.columns)}")
    ws = wb.create_sheet(sheet)
    _widths(ws, [c.width for c in columns])
    _print_setup(ws, "3:3")
    ws.merged_cells.add(f"A2:{get_column_letter(len(columns))}2")
    ws.freeze_panes = "A4"
    ws.row_dimensions[1].height = row_height(1, 12)
    ws.append(_row(ws, [ATTACHMENT], {"font": Font(name="黑体", size=12)}))
    ws.row_dimensions[2].height = row_height(1, TITLE_SIZE) + 10
    ws.append(
        _row(ws, [title], {"font": Font(name=_TITLE_FONT, size=TITLE_SIZE), "alignment": _CENTRE})
    )
    header_style = {
        "font": Font(name=_FONT, size=HEADER_SIZE, bold=True),
        "alignment": _CENTRE,
        "border": _BORDER,
    }
    ws.row_dimensions[3].height = row_height(
        max(text_lines(c.header, c.width, HEADER_SIZE) for c in columns), HEADER_SIZE
    )
    ws.append(_row(ws, headers, header_style))
    cell_style = {"font": Font(name=_FONT, size=BODY_SIZE), "alignment": _WRAP, "border": _BORDER}
    for number, values in enumerate(rows.itertuples(index=False, name=None), start=4):
        lines = max(text_lines(v, c.width) for v, c in zip(values, columns, strict=True))
        ws.row_dimensions[number].height = row_height(lines)
        ws.append(_row(ws, values, cell_style))


def attachment2_workbook(rows: pd.DataFrame, extra: Sequence[Column] = ()) -> bytes:
    """Only the 附件2 sheet (a batch of applications): `rows` as `summary_sheet` takes them."""
    wb = Workbook(write_only=True)
    summary_sheet(wb, rows, extra)
    return workbook_bytes(wb)


def export_workbook(cur: duckdb.DuckDBPyConnection, filters: Filters) -> bytes:
    """The studios matching `filters` as the 附件2 workbook (see cli.md, `export`)."""
    wb = Workbook(write_only=True)
    summary_sheet(wb, summary_rows(cur, filters), [Column(LEADER_COLUMN, LEADER_WIDTH)])
    # Each adds up to about A4 landscape's printable width (some 145 units).
    widths = {
        "年度考核": (24, 30, 8, 10, 10, 40),
        "称号撤销": (24, 30, 12, 18, 50),
        "经费台账": (24, 30, 12, 7, 18, 14, 40),
    }
    for title, df in detail_frames(cur, filters).items():
        table_sheet(wb, title, df, widths[title], {"考核得分": "0.0", "金额（元）": "#,##0.00"})
    return workbook_bytes(wb)
