"""总览 beyond the KPI cards: batch × type, by unit, the life cycle, and the action items."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

from labstudio import charts, queries
from labstudio.domain import DISALLOWED, MAX_HONOURS, STAGES, TYPES, UNTYPED
from labstudio.filters import Filters
from labstudio.labels import label
from labstudio.views import _sql
from labstudio.views._model import (
    PageView,
    Panel,
    batch_label,
    completeness,
    mostly_missing,
    stage_label,
    table,
    top_units,
    type_label,
    units,
    with_years,
    year_shown,
)

TYPE_ORDER: tuple[str, ...] = (*TYPES, UNTYPED)
REVOKED_STAGE = "revoked"
UNKNOWN_STAGE = "unknown"
LIFE_CYCLE: tuple[str, ...] = (*STAGES, REVOKED_STAGE, UNKNOWN_STAGE)


def studio_counts(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Studios as they stand today, by unit × type × batch: unit, type, batch, count.

    The year filter does not apply (as in `summary`); unknown types are 未分类, unknown
    batches NULL.
    """
    df = _sql.filtered(
        cur,
        filters,
        """
        SELECT unit_name AS unit, coalesce(type, $untyped) AS type, batch, count(*) AS count
        FROM fs GROUP BY ALL ORDER BY unit, batch NULLS LAST
        """,
        {"untyped": UNTYPED},
    )
    df["batch"] = df["batch"].astype("Int64")
    df["count"] = df["count"].astype(int)
    return df


def batch_type(counts: pd.DataFrame) -> pd.DataFrame:
    """batch, type, count, in batch order (unknown batch last), types in their fixed order."""
    grouped = counts.groupby(["batch", "type"], dropna=False, as_index=False)["count"].sum()
    grouped["_type_order"] = grouped["type"].map({t: i for i, t in enumerate(TYPE_ORDER)})
    return (
        grouped.sort_values(["batch", "_type_order"], na_position="last")
        .drop(columns="_type_order")
        .reset_index(drop=True)
    )


def unit_type(counts: pd.DataFrame) -> pd.DataFrame:
    """unit, type, count; units with the most studios first."""
    grouped = counts.groupby(["unit", "type"], as_index=False)["count"].sum()
    totals = grouped.groupby("unit")["count"].transform("sum")
    grouped["_total"] = totals
    grouped["_type_order"] = grouped["type"].map({t: i for i, t in enumerate(TYPE_ORDER)})
    return (
        grouped.sort_values(["_total", "unit", "_type_order"], ascending=[False, True, True])
        .drop(columns=["_total", "_type_order"])
        .reset_index(drop=True)
    )


def life_cycle(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """stage, type, count. A revoked studio counts once, as revoked, whatever its stage says."""
    df = _sql.filtered(
        cur,
        filters,
        """
        SELECT CASE WHEN revoked THEN $revoked ELSE coalesce(stage, $unknown) END AS stage,
               coalesce(type, $untyped) AS type, count(*) AS count
        FROM fs GROUP BY ALL
        """,
        {"revoked": REVOKED_STAGE, "unknown": UNKNOWN_STAGE, "untyped": UNTYPED},
    )
    df["count"] = df["count"].astype(int)
    stages = {s: i for i, s in enumerate(LIFE_CYCLE)}
    types = {t: i for i, t in enumerate(TYPE_ORDER)}
    return (
        df.assign(_s=df["stage"].map(stages), _t=df["type"].map(types))
        .sort_values(["_s", "_t"])
        .drop(columns=["_s", "_t"])
        .reset_index(drop=True)
    )


def failed_unrevoked(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Failed assessments (of the filter's year, or all) whose studio has no revocation yet."""
    return _sql.filtered(
        cur,
        filters,
        """
        SELECT fs.studio_id, fs.unit_name AS unit, fs.name AS studio,
               coalesce(fs.type, $untyped) AS type, a.year, a.score::DOUBLE AS score
        FROM assessments a JOIN fs USING (studio_id)
        WHERE a.grade = '不合格' AND NOT fs.revoked AND {year}
        ORDER BY a.year DESC, unit, studio
        """,
        {"untyped": UNTYPED},
        year_column="a.year",
        year_is_date=False,
    )


def disallowed_lines(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every expense outside the five allowed uses, line by line (the year filter applies)."""
    return _sql.filtered(
        cur,
        filters,
        """
        SELECT fs.studio_id, fs.unit_name AS unit, fs.name AS studio,
               coalesce(fs.type, $untyped) AS type, l.entry_date, l.amount::DOUBLE AS amount,
               l.description
        FROM ledger l JOIN fs USING (studio_id)
        WHERE l.direction = 'expense' AND l.category = $disallowed AND {year}
        ORDER BY l.entry_date DESC NULLS LAST, unit, studio
        """,
        {"untyped": UNTYPED, "disallowed": DISALLOWED},
        year_column="l.entry_date",
    )


def missing_assessments(
    cur: duckdb.DuckDBPyConnection, filters: Filters, year: int | None
) -> pd.DataFrame:
    """Studios under management in `year` with no assessment row for it.

    Under management in a year: its batch (or the studio itself) had been assessed by then, or
    it was named by then; and it had not been revoked by then. A revocation without a date
    counts as revoked.
    """
    if year is None:
        return pd.DataFrame(columns=["studio_id", "unit", "studio", "type", "batch", "stage"])
    return _sql.filtered(
        cur,
        filters,
        """
        , own_start AS (
            -- one pass over the assessments: each studio's first year, and whether it has `y`
            SELECT studio_id, min(year) AS first_year, bool_or(year = $y) AS assessed
            FROM assessments GROUP BY studio_id),
        batch_start AS (
            SELECT s.batch, min(o.first_year) AS first_year
            FROM own_start o JOIN studios s USING (studio_id)
            WHERE s.batch IS NOT NULL GROUP BY s.batch)
        SELECT fs.studio_id, fs.unit_name AS unit, fs.name AS studio,
               coalesce(fs.type, $untyped) AS type, fs.batch, fs.stage
        FROM fs
        LEFT JOIN batch_start b ON b.batch = fs.batch
        LEFT JOIN own_start o ON o.studio_id = fs.studio_id
        LEFT JOIN revocations r ON r.studio_id = fs.studio_id
        WHERE least(b.first_year, o.first_year, year(fs.named_on)) <= $y
          AND (r.studio_id IS NULL OR year(r.revoked_on) > $y)
          AND NOT coalesce(o.assessed, FALSE)
        ORDER BY unit, studio
        """,
        {"untyped": UNTYPED, "y": year},
    )


def honours_over_limit(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Studios whose leader lists more honours than the notice allows (five)."""
    return _sql.filtered(
        cur,
        filters,
        """
        SELECT fs.studio_id, fs.unit_name AS unit, fs.name AS studio, fs.leader,
               len(fs.honours) AS honours_count, fs.honours
        FROM fs WHERE len(fs.honours) > $max
        ORDER BY honours_count DESC, unit, studio
        """,
        {"max": MAX_HONOURS},
    )


def action_items(
    cur: duckdb.DuckDBPyConnection, filters: Filters, year: int | None
) -> dict[str, pd.DataFrame]:
    return {
        "failed_unrevoked": failed_unrevoked(cur, filters),
        "disallowed": disallowed_lines(cur, filters),
        "over_budget": queries.studios_over_budget(cur, filters),
        "missing_assessment": missing_assessments(cur, filters, year),
        "honours": honours_over_limit(cur, filters),
        "standard_grant": _sql.untyped(queries.studios_without_grant(cur, filters)),
    }


# --- the page ---------------------------------------------------------------------------------


def batch_type_panel(counts: pd.DataFrame, lang: str, key: str = "batch_type") -> Panel:
    data = batch_type(counts)
    u = units(lang)
    batches = list(dict.fromkeys(data["batch"]))
    unknown_batch = int(data.loc[data["batch"].isna(), "count"].sum())
    untyped = int(data.loc[data["type"] == UNTYPED, "count"].sum())
    title = label("v.chart.batch_type", lang)
    figure = charts.stacked_by_type(
        data,
        category="batch",
        title=title,
        category_title=label("v.axis.batch", lang),
        value_title=label("v.axis.studios", lang),
        unit=u["studios"],
        category_filter="batch",
        category_label=batch_label(lang),
        type_label=type_label(lang),
        order=batches,
        empty_message=label("v.empty.chart", lang),
    )
    return Panel(
        key=key,
        title=title,
        figure=figure,
        table=table(
            data,
            {"batch": "v.col.batch", "type": "v.col.type", "count": "v.col.studios"},
            lang,
            translate={"batch": batch_label(lang), "type": type_label(lang)},
        ),
        note=completeness(
            [
                label("v.note.no_batch", lang, count=unknown_batch) if unknown_batch else "",
                label("v.note.no_type", lang, count=untyped) if untyped else "",
            ],
            lang,
        ),
        clickable=True,
    )


def unit_type_panel(counts: pd.DataFrame, lang: str, key: str = "unit_type") -> Panel:
    data = unit_type(counts)
    u = units(lang)
    title = label("v.chart.unit_type", lang)
    shown, limit_note = top_units(data, list(dict.fromkeys(data["unit"])), lang)
    figure = charts.stacked_by_type(
        shown,
        category="unit",
        title=title,
        category_title="",
        value_title=label("v.axis.studios", lang),
        unit=u["studios"],
        category_filter="unit",
        type_label=type_label(lang),
        horizontal=True,
        empty_message=label("v.empty.chart", lang),
    )
    return Panel(
        key=key,
        title=title,
        figure=figure,
        table=table(
            data,
            {"unit": "v.col.unit", "type": "v.col.type", "count": "v.col.studios"},
            lang,
            translate={"type": type_label(lang)},
        ),
        note=limit_note,
        clickable=True,
    )


def stage_note(cycle: pd.DataFrame, lang: str) -> str | None:
    """The one line that replaces the life-cycle chart when most stages are not recorded.

    `cycle` is `life_cycle()`; revoked studios do not count (their stage no longer matters).
    The meeting slides call this too, so a slide of 阶段未填写 is never projected.
    """
    standing = cycle[cycle["stage"] != REVOKED_STAGE]
    missing = int(standing.loc[standing["stage"] == UNKNOWN_STAGE, "count"].sum())
    total = int(standing["count"].sum())
    if not mostly_missing(missing, total):
        return None
    return label("v.note.stages_missing", lang, missing=missing, total=total)


def life_cycle_panel(data: pd.DataFrame, lang: str) -> Panel:
    u = units(lang)
    title = label("v.chart.life_cycle", lang)
    present = [s for s in LIFE_CYCLE if s in set(data["stage"])]
    figure = charts.stacked_by_type(
        data,
        category="stage",
        title=title,
        category_title="",
        value_title=label("v.axis.studios", lang),
        unit=u["studios"],
        # A click on the revoked bar filters to revoked studios; on any stage, to active ones.
        category_filters=lambda stage: {
            "status": "revoked" if stage == REVOKED_STAGE else "active"
        },
        category_label=stage_label(lang),
        type_label=type_label(lang),
        order=present,
        horizontal=True,
        empty_message=label("v.empty.chart", lang),
    )
    unknown = int(data.loc[data["stage"] == UNKNOWN_STAGE, "count"].sum())
    return Panel(
        key="life_cycle",
        title=title,
        figure=figure,
        table=table(
            data,
            {"stage": "v.col.stage", "type": "v.col.type", "count": "v.col.studios"},
            lang,
            translate={"stage": stage_label(lang), "type": type_label(lang)},
        ),
        note=completeness([label("v.note.no_stage", lang, count=unknown) if unknown else ""], lang),
        clickable=True,
    )


# The lists whose rows belong to a year, and the column that says which.
LIST_YEARS = {"failed_unrevoked": "year", "disallowed": "entry_date"}


def list_years(key: str, data: pd.DataFrame, filter_year: int | None) -> list[object]:
    """The years of a list's rows (the chosen year for an empty list: "none in 2024")."""
    if data.empty:
        return [filter_year] if filter_year is not None else []
    column = data[LIST_YEARS[key]]
    if key == "disallowed":
        return list(pd.to_datetime(column).dt.year)
    return list(column)


def honours_list(lang: str) -> Callable[[object], str]:
    """A leader's honours on one line, with the list separator of `lang`."""
    separator = label("punct.list_separator", lang)
    return lambda honours: "" if honours is None else separator.join(map(str, honours))


def action_panels(
    items: dict[str, pd.DataFrame], year: int | None, lang: str, filter_year: int | None = None
) -> list[Panel]:
    t = type_label(lang)
    specs = [
        (
            "failed_unrevoked",
            label("v.action.failed_unrevoked", lang),
            {
                "unit": "v.col.unit",
                "studio": "v.col.studio",
                "type": "v.col.type",
                "year": "v.col.year",
                "score": "v.col.score",
            },
        ),
        (
            "disallowed",
            label("v.action.disallowed", lang),
            {
                "unit": "v.col.unit",
                "studio": "v.col.studio",
                "entry_date": "v.col.date",
                "amount": "v.col.amount",
                "description": "v.col.description",
            },
        ),
        (
            "over_budget",
            label("v.action.over_budget", lang),
            {
                "unit": "v.col.unit",
                "studio": "v.col.studio",
                "budget": "v.col.budget",
                "spent": "v.col.spent",
                "balance": "v.col.balance",
            },
        ),
        (
            "missing_assessment",
            label("v.action.missing_assessment", lang, year=year or "—"),
            {
                "unit": "v.col.unit",
                "studio": "v.col.studio",
                "type": "v.col.type",
                "batch": "v.col.batch",
            },
        ),
        (
            "honours",
            label("v.action.honours", lang),
            {
                "unit": "v.col.unit",
                "studio": "v.col.studio",
                "leader": "v.col.leader",
                "honours_count": "v.col.honours_count",
                "honours": "v.col.honours",
            },
        ),
        (
            "standard_grant",
            label("v.action.standard_grant", lang),
            {
                "unit": "v.col.unit",
                "studio": "v.col.studio",
                "type": "v.col.type",
                "spent": "v.col.spent",
            },
        ),
    ]
    panels = []
    for key, title, columns in specs:
        data = items[key]
        translate = {"type": t}
        if "batch" in columns:
            translate["batch"] = batch_label(lang)
        if key == "honours":
            translate["honours"] = honours_list(lang)
        if key in LIST_YEARS:
            title = with_years(title, list_years(key, data, filter_year), lang)
        panels.append(
            Panel(
                key=f"action_{key}",
                title=title,
                table=table(data, columns, lang, translate=translate),
                count=len(data),
                count_label=label(
                    "v.action.lines" if key == "disallowed" else "v.action.studios",
                    lang,
                    title=title,
                    count=len(data),
                ),
                profile_ids=[int(i) for i in data["studio_id"]],
            )
        )
    return panels


def page(cur: duckdb.DuckDBPyConnection, filters: Filters, lang: str = "zh") -> PageView:
    counts = studio_counts(cur, filters)
    year = _sql.assessment_year(cur, filters)
    view = PageView(studios=int(counts["count"].sum()), year=year)
    if filters.year is None:
        view.year_note = year_shown(year, lang)
    if view.studios == 0:
        return view
    cycle = life_cycle(cur, filters)
    view.panels = [batch_type_panel(counts, lang), unit_type_panel(counts, lang)]
    missing_stages = stage_note(cycle, lang)
    if missing_stages:
        view.notes.append(missing_stages)
    else:
        view.panels.append(life_cycle_panel(cycle, lang))
    view.extra["actions"] = action_panels(
        action_items(cur, filters, year), year, lang, filters.year
    )
    by_type = counts.groupby("type")["count"].sum()
    view.figures = {
        "by_type": {t: int(by_type.get(t, 0)) for t in TYPE_ORDER},
        "by_status": {
            "active": int(cycle.loc[cycle["stage"] != REVOKED_STAGE, "count"].sum()),
            "revoked": int(cycle.loc[cycle["stage"] == REVOKED_STAGE, "count"].sum()),
        },
    }
    return view
