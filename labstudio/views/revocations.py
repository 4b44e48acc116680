"""称号撤销: revocations by the notice's four grounds, by year, by unit, over time; the due list."""

from __future__ import annotations

import duckdb
import pandas as pd

from labstudio import charts, queries
from labstudio.domain import GROUNDS, UNTYPED
from labstudio.filters import Filters
from labstudio.labels import label
from labstudio.views import _sql, overview
from labstudio.views._model import (
    PageView,
    Panel,
    completeness,
    table,
    top_units,
    type_label,
    units,
    value_label,
    with_years,
)


def revocations(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per revocation of the filtered studios (the year filter applies to the date)."""
    return _sql.filtered(
        cur,
        filters,
        """
        SELECT fs.studio_id, fs.unit_name AS unit, fs.name AS studio,
               coalesce(fs.type, $untyped) AS type, r.revoked_on, r.ground, r.reason
        FROM revocations r JOIN fs USING (studio_id)
        WHERE {year}
        ORDER BY r.revoked_on DESC NULLS LAST, unit, studio
        """,
        {"untyped": UNTYPED},
        year_column="r.revoked_on",
    )


def due(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Failed assessments (the year filter applies to the assessment year) not yet acted on."""
    from labstudio.views.overview import failed_unrevoked

    return failed_unrevoked(cur, filters)


def _counts(df: pd.DataFrame, by: str) -> pd.DataFrame:
    return (
        df.groupby([by, "type"], as_index=False, dropna=True)
        .size()
        .rename(columns={"size": "count"})
    )


def page(cur: duckdb.DuckDBPyConnection, filters: Filters, lang: str = "zh") -> PageView:
    studios = int(queries.studio_counts(cur, filters)["total"])
    view = PageView(studios=studios, year=filters.year)
    if studios == 0:
        return view
    u = units(lang)
    t = type_label(lang)
    g = value_label(lang)
    empty = label("v.empty.chart", lang)
    data = revocations(cur, filters)
    undated = int(data["revoked_on"].isna().sum())
    undated_note = completeness(
        [label("v.note.undated_revocations", lang, count=undated) if undated else ""], lang
    )
    # by ground: every ground of the notice, zeros included, as `summary` reports them
    by_ground = _counts(data, "ground")
    title = label("v.chart.by_ground", lang)
    ground_panel = Panel(
        key="by_ground",
        title=title,
        figure=charts.stacked_by_type(
            by_ground,
            category="ground",
            title=title,
            category_title=label("v.axis.ground", lang),
            value_title=label("v.axis.revocations", lang),
            unit=u["studios"],
            category_label=g,
            type_label=t,
            order=list(GROUNDS),
            empty_message=empty,
        ),
        table=table(
            pd.DataFrame(
                {
                    "ground": list(GROUNDS),
                    "count": [
                        int(by_ground.loc[by_ground["ground"] == x, "count"].sum()) for x in GROUNDS
                    ],
                }
            ),
            {"ground": "v.col.ground", "count": "v.col.revocations"},
            lang,
            translate={"ground": g},
        ),
        clickable=True,
    )
    dated = data.dropna(subset=["revoked_on"])
    by_year = _counts(dated.assign(year=pd.to_datetime(dated["revoked_on"]).dt.year), "year")
    title = label("v.chart.by_year", lang)
    year_panel = Panel(
        key="by_year",
        title=title,
        figure=charts.stacked_by_type(
            by_year,
            category="year",
            title=title,
            category_title=label("v.axis.year", lang),
            value_title=label("v.axis.revocations", lang),
            unit=u["studios"],
            category_filter="year",
            type_label=t,
            order=sorted(by_year["year"].unique()),
            empty_message=empty,
        ),
        table=table(
            by_year,
            {"year": "v.col.year", "type": "v.col.type", "count": "v.col.revocations"},
            lang,
            translate={"type": t},
        ),
        note=undated_note,
        clickable=True,
    )
    by_unit = _counts(data, "unit")
    order = list(by_unit.groupby("unit")["count"].sum().sort_values(ascending=False).index)
    shown_units, limit_note = top_units(by_unit, order, lang)
    title = label("v.chart.by_unit", lang)
    unit_panel = Panel(
        key="by_unit",
        title=title,
        figure=charts.stacked_by_type(
            shown_units,
            category="unit",
            title=title,
            category_title="",
            value_title=label("v.axis.revocations", lang),
            unit=u["studios"],
            category_filter="unit",
            type_label=t,
            order=order[: len(set(shown_units["unit"]))],
            horizontal=True,
            empty_message=empty,
        ),
        table=table(
            by_unit,
            {"unit": "v.col.unit", "type": "v.col.type", "count": "v.col.revocations"},
            lang,
            translate={"type": t},
        ),
        note=limit_note,
        clickable=True,
    )
    title = label("v.chart.timeline", lang, count=int(data["revoked_on"].notna().sum()))
    timeline_panel = Panel(
        key="timeline",
        title=title,
        figure=charts.revocation_timeline(
            data,
            title=title,
            date_title=label("v.axis.date", lang),
            ground_title="",
            grounds=GROUNDS,
            ground_label=g,
            type_label=t,
            empty_message=empty,
        ),
        table=table(
            data,
            {
                "revoked_on": "v.col.revoked_on",
                "unit": "v.col.unit",
                "studio": "v.col.studio",
                "type": "v.col.type",
                "ground": "v.col.ground",
                "reason": "v.col.reason",
            },
            lang,
            translate={"type": t, "ground": g},
        ),
        note=undated_note,
    )
    pending = due(cur, filters)
    due_panel = Panel(
        key="due",
        title=with_years(
            label("v.chart.due", lang),
            overview.list_years("failed_unrevoked", pending, filters.year),
            lang,
        ),
        table=table(
            pending,
            {
                "unit": "v.col.unit",
                "studio": "v.col.studio",
                "type": "v.col.type",
                "year": "v.col.year",
                "score": "v.col.score",
            },
            lang,
            translate={"type": t},
        ),
        count=len(pending),
        profile_ids=[int(i) for i in pending["studio_id"]],
        wide=True,
    )
    view.panels = [ground_panel, year_panel, unit_panel, timeline_panel, due_panel]
    view.figures = {
        "total": len(data),
        "by_reason": {
            x: int(by_ground.loc[by_ground["ground"] == x, "count"].sum()) for x in GROUNDS
        },
        "due": len(pending),
    }
    return view
