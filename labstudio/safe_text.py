"""Text from data made inert for spreadsheets: the one rule every export applies.

A unit, studio or remark comes from an analyst's file, and a file from outside may hold
`=HYPERLINK("http://…","单位")` or `=cmd|' /C calc'!A0`. Excel, WPS and LibreOffice run a cell that
starts with = + - or @ as a formula when they open a CSV, when an xlsx cell is edited, and when
such text is pasted from a handout; a leading tab or carriage return, white space before the
sign, or the full-width ＝ ＋ － ＠ an input method types, do not stop them. So every export (the
pages' CSV downloads, the xlsx workbooks, the meeting handouts, the error-report workbook) asks
`is_formula_like` and writes such text inert:

- as text (CSV, slide and PDF text, chart labels): `neutralise` puts an apostrophe in front, the
  quote Excel itself takes as "this is text" (OWASP's advice for CSV injection);
- in an xlsx cell: `inert_xlsx_cell` makes it a string cell with Excel's quote prefix, the form
  Excel saves a typed leading apostrophe in, so the cell shows the text as written and stays
  text when edited.

Numbers stay numbers: -5 (an int or float) and the text "-5" or "+3.5", which a spreadsheet reads
as the number it is, are left alone. Error literals (#N/A …) are quoted too: a spreadsheet would
show them as errors, not as the text the data holds.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from openpyxl.cell import Cell, WriteOnlyCell

QUOTE = "'"
# What makes a spreadsheet read a cell as a formula (after NFKC, so ＝ ＋ － ＠ ﹦ count too).
FORMULA_SIGNS = frozenset("=+-@")
# Control characters Excel skips before the sign: a cell "\t=1+1" still runs.
CONTROL_STARTS = ("\t", "\r", "\n")
# White space a spreadsheet may skip before the sign (ASCII, ideographic, no-break).
_LEADING_SPACE = " \u3000\u00a0\t\r\n"
# A signed number as a spreadsheet reads one: -5, +3.5, -1,234.50, -12.5%, 1e-3.
_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")
ERROR_LITERALS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet would run this value, or read it as anything but its text.

    Only text can be: numbers, dates and empty cells never are.
    """
    if not isinstance(value, str) or not value:
        return False
    if value.startswith(CONTROL_STARTS):
        return True
    body = value.lstrip(_LEADING_SPACE)
    if not body:
        return False
    if unicodedata.normalize("NFKC", body[0]) in FORMULA_SIGNS:
        return not _NUMBER.fullmatch(body)  # "-5", "+3.5": a number, read as one
    return body.strip() in ERROR_LITERALS


def neutralise(value: object) -> object:
    """`value` with an apostrophe in front when it is formula-like text; anything else as it is."""
    return QUOTE + value if isinstance(value, str) and is_formula_like(value) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells and column names are neutralised; numbers untouched."""
    result = frame.copy()
    result.columns = _neutralised_index(result.columns)
    if not isinstance(result.index, pd.RangeIndex):
        result.index = _neutralised_index(result.index)
    for position in range(result.shape[1]):
        column = result.iloc[:, position]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            continue
        if column.map(is_formula_like, na_action="ignore").fillna(False).astype(bool).any():
            result.isetitem(position, column.map(neutralise, na_action="ignore"))
    return result


def _neutralised_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        return index.set_levels([_neutralised_index(level) for level in index.levels])
    if pd.api.types.is_numeric_dtype(index) or not any(map(is_formula_like, index)):
        return index
    return pd.Index([neutralise(label) for label in index], name=neutralise(index.name))


def inert_xlsx_cell(cell: Cell | WriteOnlyCell) -> Cell | WriteOnlyCell:
    """An openpyxl cell holding formula-like text, made a string cell with Excel's quote prefix.

    Set after the value: assigning a value makes openpyxl guess the type ("=…" a formula) again.
    """
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


# The parts of a plotly figure that show text from data: trace values and labels, axis
# categories and tick texts, titles and annotations. Templates, colours and formats are ours.
_TRACE_TEXT = ("x", "y", "labels", "parents", "ids", "text", "hovertext", "name", "customdata")
_LAYOUT_AXIS_TEXT = ("categoryarray", "ticktext")


def _neutralised_values(values: object) -> object:
    if isinstance(values, str):
        return neutralise(values)
    if isinstance(values, dict):
        if "bdata" in values:  # a typed array of numbers, base64-encoded ("+" is a base64 digit)
            return values
        return {key: _neutralised_values(value) for key, value in values.items()}
    if isinstance(values, list | tuple):
        return [_neutralised_values(value) for value in values]
    if isinstance(values, np.ndarray) and values.dtype == object:
        return np.array([_neutralised_values(value) for value in values.tolist()], dtype=object)
    return values  # numbers, numeric arrays, None


def neutralise_figure(figure: go.Figure) -> go.Figure:
    """A copy of a chart whose labels from data are neutralised (a handout's chart text)."""
    spec = figure.to_dict()
    for trace in spec.get("data", []):
        for key in _TRACE_TEXT:
            if key in trace:
                trace[key] = _neutralised_values(trace[key])
    layout = spec.get("layout", {})
    for key, part in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(part, dict):
            for name in _LAYOUT_AXIS_TEXT:
                if name in part:
                    part[name] = _neutralised_values(part[name])
            if isinstance(part.get("title"), dict) and "text" in part["title"]:
                part["title"]["text"] = neutralise(part["title"]["text"])
    for note in layout.get("annotations", []):
        if "text" in note:
            note["text"] = neutralise(note["text"])
    if isinstance(layout.get("title"), dict) and "text" in layout["title"]:
        layout["title"]["text"] = neutralise(layout["title"]["text"])
    return go.Figure(spec)
