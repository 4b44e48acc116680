"""The filtered view as a workbook: the notice's 附件2 summary table, then the detail sheets.

`export_workbook` serves both the CLI (`python -m labstudio export`) and the download button of
every page. `dataframe_xlsx` turns any table (a chart's data) into a one-sheet workbook.

No cell is ever a formula: openpyxl stores a string starting with "=" as one, and Excel or WPS
would also run a cell starting with + - @ once it is edited, so such text is written as a string
cell with Excel's quote prefix (the leading apostrophe that keeps it text). Sheets are written in
openpyxl's write-only mode, so 300,000 ledger lines do not hold a cell object each in memory.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from labstudio.domain import UNTYPED, batch_label
from labstudio.filters import Filters, studio_condition, year_condition

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@")
# Error literals Excel would show as errors rather than text.
_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})

ATTACHMENT = "附件2"
TITLE = "劳动模范（领军人才）创新工作室汇总表"
# The notice's five columns (the two-line headers as it writes them), then the analysts' own.
SUMMARY_HEADER: tuple[str, ...] = (
    "创新工作室所在单位",
    "创新工作室\n领衔人",
    "职称\n技术等级",
    "主要创新成果",
    "领衔人主要荣誉（限5项以内）",
    "创新类型",
    "批次",
)
SUMMARY_WIDTHS = (26, 30, 14, 48, 40, 14, 10)
# Issue 12: beside the notice's columns, whether the leader's honours on record meet 二(二)
# (labstudio.screening), so the studios whose leaders the notice would not admit today stand out.
LEADER_COLUMN = "领衔人条件（二(二)）"
LEADER_WIDTH = 40

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_FONT = "宋体"


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and (
        value.startswith(FORMULA_STARTS) or value.strip() in _ERROR_CODES
    )


def _text_cell(ws: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"  # after the value: assigning a value would guess the type again
    cell.quotePrefix = True
    return cell


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


def _row(ws: WriteOnlyWorksheet, values: Iterable[object], style: dict | None = None) -> list:
    cells: list = []
    for raw in values:
        value = _plain(raw)
        if is_formula_like(value):
            cell = _text_cell(ws, value)
        elif style:
            cell = WriteOnlyCell(ws, value)
        else:
            cells.append(value)
            continue
        for name, setting in (style or {}).items():
            setattr(cell, name, setting)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            cell.number_format = "yyyy-mm-dd"
        cells.append(cell)
    return cells


def _widths(ws: WriteOnlyWorksheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def _table_sheet(
    wb: Workbook, title: str, df: pd.DataFrame, widths: Sequence[int] | None = None
) -> None:
    """A plain sheet: a bold header row, then the rows as they are (dates as dates)."""
    ws = wb.create_sheet(title)
    _widths(ws, widths or [max(10, min(40, 2 * len(str(c)) + 4)) for c in df.columns])
    ws.freeze_panes = "A2"
    ws.append(_row(ws, df.columns, {"font": Font(bold=True)}))
    date_columns = {i for i, c in enumerate(df.columns) if _is_date(df[c])}
    for values in df.itertuples(index=False, name=None):
        if date_columns:
            values = [
                _plain(v) if i not in date_columns else _date(v) for i, v in enumerate(values)
            ]
        ws.append(_row(ws, values))


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
    _table_sheet(wb, sheet[:31] or "数据", df)
    return _save(wb)


def _save(wb: Workbook) -> bytes:
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


def _summary_sheet(
    wb: Workbook, rows: pd.DataFrame, widths: Sequence[int] = (*SUMMARY_WIDTHS, LEADER_WIDTH)
) -> None:
    """The 附件2 table: the notice's columns, then any added at the right (rows' own header)."""
    ws = wb.create_sheet("附件2汇总表")
    _widths(ws, widths)
    last = get_column_letter(len(rows.columns))
    ws.merged_cells.add(f"A2:{last}2")
    ws.freeze_panes = "A4"
    ws.append(_row(ws, [ATTACHMENT], {"font": Font(name=_FONT, size=12)}))
    ws.append(
        _row(ws, [TITLE], {"font": Font(name="方正小标宋简体", size=18), "alignment": _CENTRE})
    )
    header_style = {
        "font": Font(name=_FONT, size=11, bold=True),
        "alignment": _CENTRE,
        "border": _BORDER,
    }
    ws.append(_row(ws, rows.columns, header_style))
    cell_style = {"font": Font(name=_FONT, size=10), "alignment": _WRAP, "border": _BORDER}
    for values in rows.itertuples(index=False, name=None):
        ws.append(_row(ws, values, cell_style))


def attachment2_workbook(rows: pd.DataFrame, widths: Sequence[int]) -> bytes:
    """Only the 附件2 sheet, for rows laid out as `summary_rows` (a batch of applications)."""
    wb = Workbook(write_only=True)
    _summary_sheet(wb, rows, widths)
    return _save(wb)


def export_workbook(cur: duckdb.DuckDBPyConnection, filters: Filters) -> bytes:
    """The studios matching `filters` as the 附件2 workbook (see cli.md, `export`)."""
    wb = Workbook(write_only=True)
    _summary_sheet(wb, summary_rows(cur, filters))
    widths = {
        "年度考核": (26, 30, 8, 10, 10, 30),
        "称号撤销": (26, 30, 12, 18, 50),
        "经费台账": (26, 30, 12, 8, 18, 14, 40),
    }
    for title, df in detail_frames(cur, filters).items():
        _table_sheet(wb, title, df, widths[title])
    return _save(wb)
