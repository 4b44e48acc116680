"""类型分布: studios by type × batch × unit, as they stand today (the year filter does not apply)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from labstudio import charts, kpis, labels, queries
from labstudio.filters import Filters
from labstudio.kpis import Card
from labstudio.labels import label
from labstudio.views import overview
from labstudio.views._model import (
    PageView,
    Panel,
    batch_label,
    completeness,
    table,
    type_label,
    units,
)


def by_type(counts: pd.DataFrame) -> pd.DataFrame:
    """type, count for every type (zeros included), in the fixed type order."""
    grouped = counts.groupby("type")["count"].sum()
    return pd.DataFrame(
        {
            "type": list(overview.TYPE_ORDER),
            "count": [int(grouped.get(t, 0)) for t in overview.TYPE_ORDER],
        }
    )


def by_batch(counts: pd.DataFrame, present: Sequence[int] = ()) -> dict[str, int]:
    """As `summary`'s by_batch: a key per batch of the database (`present`; 0 where the filters
    leave none), then "unknown"."""
    grouped = counts.groupby("batch", dropna=False)["count"].sum()
    result = {str(b): 0 for b in present}
    result |= {str(int(b)): int(n) for b, n in grouped.items() if not pd.isna(b)}
    result = {k: result[k] for k in sorted(result, key=int)}
    result["unknown"] = int(sum(n for b, n in grouped.items() if pd.isna(b)))
    return result


def cards(counts: pd.DataFrame, lang: str) -> list[Card]:
    """How many studios, and of which types: the total first, then each type that has any."""
    section = label("kpi.section.studios", lang)
    data = by_type(counts)
    result = [Card(section, label("kpi.total", lang), kpis.count(int(data["count"].sum()), lang))]
    for type_, number in zip(data["type"], data["count"], strict=True):
        if number or type_ != overview.UNTYPED:
            result.append(Card(section, labels.value(type_, lang), kpis.count(int(number), lang)))
    return result


def type_panel(counts: pd.DataFrame, lang: str) -> Panel:
    data = by_type(counts)
    shown = data[data["count"] > 0]
    title = label("v.chart.type_share", lang)
    figure = charts.stacked_by_type(
        shown.assign(category=shown["type"]),
        category="category",
        category_filter="type",
        title=title,
        category_title=label("v.axis.type", lang),
        value_title=label("v.axis.studios", lang),
        unit=units(lang)["studios"],
        category_label=type_label(lang),
        type_label=type_label(lang),
        empty_message=label("v.empty.chart", lang),
    )
    untyped = int(data.loc[data["type"] == overview.UNTYPED, "count"].sum())
    return Panel(
        key="type_share",
        title=title,
        figure=figure,
        table=table(
            data,
            {"type": "v.col.type", "count": "v.col.studios"},
            lang,
            translate={"type": type_label(lang)},
        ),
        note=completeness([label("v.note.no_type", lang, count=untyped) if untyped else ""], lang),
        clickable=True,
    )


def detail_panel(counts: pd.DataFrame, lang: str) -> Panel:
    order = {t: i for i, t in enumerate(overview.TYPE_ORDER)}
    data = counts.assign(_o=counts["type"].map(order)).sort_values(
        ["_o", "batch", "unit"], na_position="last"
    )
    return Panel(
        key="type_batch_unit",
        title=label("v.chart.type_unit_batch", lang),
        table=table(
            data,
            {
                "type": "v.col.type",
                "batch": "v.col.batch",
                "unit": "v.col.unit",
                "count": "v.col.studios",
            },
            lang,
            translate={"type": type_label(lang), "batch": batch_label(lang)},
        ),
        wide=True,
    )


def page(cur: duckdb.DuckDBPyConnection, filters: Filters, lang: str = "zh") -> PageView:
    counts = overview.studio_counts(cur, filters)
    view = PageView(studios=int(counts["count"].sum()))
    if view.studios == 0:
        return view
    units_panel = overview.unit_type_panel(counts, lang)
    units_panel.wide = True
    view.panels = [
        type_panel(counts, lang),
        overview.batch_type_panel(counts, lang),
        units_panel,
        detail_panel(counts, lang),
    ]
    view.cards = cards(counts, lang)
    view.figures = {
        "by_type": dict(zip(*by_type(counts).to_dict("list").values(), strict=True)),
        "by_batch": by_batch(counts, queries.batches_present(cur)),
        "total": view.studios,
    }
    return view
