"""What a page shows, as plain data: panels (title, completeness note, figure, table).

A page module turns SQL results into a PageView; `labstudio.ui.charts_ui` draws it. Keeping the
words, numbers and figures here means the tests check what a leader sees without Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from labstudio import labels
from labstudio.kpis import Card
from labstudio.labels import label


@dataclass
class Panel:
    key: str  # stable id: widget keys and download file names
    title: str  # says what the chart shows
    table: pd.DataFrame  # the chart's data as shown in its data view (localised headers)
    figure: go.Figure | None = None  # None: the panel is a table
    note: str | None = None  # what the data lacks, said above the chart
    clickable: bool = False  # a click on a bar sets the global filters it carries
    wide: bool = False  # takes the full width instead of half
    count: int | None = None  # for lists: how many rows need attention
    count_label: str | None = None  # the title with the count, as a to-do list shows it
    # For lists of studios: each row's studio id, in row order; the page links each row to the
    # studio's profile.
    profile_ids: list[int] | None = None


@dataclass
class PageView:
    panels: list[Panel] = field(default_factory=list)
    studios: int = 0  # studios matching the filters (0: show the "no match" hint)
    year: int | None = None  # the year the page speaks of, when one applies
    # Said under the title (and under the year box) when the page shows one year's figures
    # although no year is chosen: which year, and why that one.
    year_note: str | None = None
    # One line each, under the charts: what is not drawn because the data is mostly missing.
    notes: list[str] = field(default_factory=list)
    # The page's headline numbers as cards above its charts (the answer to its first question).
    cards: list[Card] = field(default_factory=list)
    figures: dict = field(default_factory=dict)  # headline numbers, comparable with `summary`
    extra: dict = field(default_factory=dict)  # page-specific plain data (e.g. a profile)


def units(lang: str) -> dict[str, str]:
    """The units shown in hover text: 家, 分, 元."""
    return {
        "studios": label("v.unit.studios", lang),
        "points": label("v.unit.points", lang),
        "yuan": label("v.unit.yuan", lang),
    }


# The pages that show one year's assessment when no year is chosen (the latest assessed).
YEAR_SCOPED_PAGES: frozenset[str] = frozenset({"overview", "assessments"})


def year_shown(year: int | None, lang: str) -> str | None:
    """The words for "these figures are of `year`", the same under the year box and the title."""
    return label("v.year_shown", lang, year=year) if year is not None else None


def with_years(title: str, years: Iterable[object], lang: str) -> str:
    """A list's title with the years its rows belong to: 考核不合格、尚未撤销称号（2024–2025年度）.

    `years` are the rows' years (or the one chosen); none leaves the title as it is.
    """
    known = sorted({int(y) for y in years if not missing(y)})
    if not known:
        return title
    span = str(known[0]) if len(known) == 1 else f"{known[0]}–{known[-1]}"
    return label("v.title_years", lang, title=title, years=span)


NONE = "—"  # a field the source left empty, in either language


def missing(value: object) -> bool:
    """None, NaN, NA or NaT: a cell the source left empty."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array is a value
        return False


def type_label(lang: str) -> Callable[[object], str]:
    return lambda value: "" if missing(value) else labels.value(str(value), lang)


def batch_label(lang: str) -> Callable[[object], str]:
    def fmt(value: object) -> str:
        if missing(value):
            return labels.batch(None, lang)
        return labels.batch(int(value), lang)

    return fmt


def stage_label(lang: str) -> Callable[[object], str]:
    return lambda value: label(f"v.stage.{value}", lang)


def value_label(lang: str) -> Callable[[object], str]:
    return lambda value: "" if missing(value) else labels.value(str(value), lang)


def table(
    df: pd.DataFrame,
    columns: Mapping[str, str],
    lang: str,
    *,
    translate: Mapping[str, Callable[[object], str]] | None = None,
) -> pd.DataFrame:
    """`df`'s `columns` (raw name → label key), renamed for display, values translated.

    Only the listed columns are kept, in the listed order: the data view shows what the chart
    shows, not the ids behind it.
    """
    out = df[list(columns)].copy()
    for column in out.columns:
        # Dates are days: a time of 00:00:00 beside each would only be noise.
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.date
    for column, fmt in (translate or {}).items():
        if column in out:
            out[column] = translated(out[column], fmt)
    for column in out.columns:
        # An empty text cell reads better blank than as "None".
        if _all_text(out[column]):
            out[column] = out[column].where(out[column].notna(), "")
    return out.rename(columns={raw: label(key, lang) for raw, key in columns.items()})


def translated(values: pd.Series, fmt: Callable[[object], str]) -> list[str]:
    """`fmt` of every value, calling it once per distinct value: a column of 5,000 studios holds
    three types, and a label is the same for each of them.

    Every missing cell is formatted like the column's first missing one (a column from the
    database holds one kind: None or NaN). Unhashable values (lists) are formatted one by one.
    """
    try:
        codes, uniques = pd.factorize(values)
    except TypeError:
        return [fmt(v) for v in values]
    names = [fmt(u) for u in uniques]
    missing_at = np.flatnonzero(codes == -1)
    if len(missing_at):
        names.append(fmt(values.iloc[missing_at[0]]))  # codes of -1 pick the last name
    return [names[c] for c in codes]


def _all_text(values: pd.Series) -> bool:
    """A text column: the string dtype, or objects that are all str (NaN aside)."""
    if isinstance(values.dtype, pd.StringDtype):
        return True
    return pd.api.types.is_string_dtype(values) and all(isinstance(v, str) for v in values.dropna())


def completeness(parts: list[str], lang: str) -> str | None:
    """The completeness line above a chart: the gaps joined, or None when nothing is missing."""
    parts = [p for p in parts if p]
    if not parts:
        return None
    return label("v.note.prefix", lang) + label("punct.list_separator", lang).join(parts)


def mostly_missing(missing: int, total: int) -> bool:
    """The rule for a chart of data that is mostly missing: more than half of it is. Such a
    chart (a life cycle of "阶段未填写") says nothing; the page (and a slide) gives one line
    instead."""
    return total > 0 and missing * 2 > total


def notes(*parts: str | None) -> str | None:
    """Several lines about one chart (a completeness note, a "top N shown" remark) as one."""
    kept = [p for p in parts if p]
    return "  \n".join(kept) if kept else None


UNIT_LIMIT = 30  # units drawn in a per-unit chart (250 would make it metres tall); tables have all


def top_units(df: pd.DataFrame, order: list, lang: str) -> tuple[pd.DataFrame, str | None]:
    """`df` limited to the first UNIT_LIMIT units of `order`, and the note that says so."""
    if len(order) <= UNIT_LIMIT:
        return df, None
    keep = set(order[:UNIT_LIMIT])
    note = label("v.note.units_top_n", lang, total=len(order), shown=UNIT_LIMIT)
    return df[df["unit"].isin(keep)], note
