"""年度考核: the chosen (or latest) year's grades and scores, the trend, the grid, the failed."""

from __future__ import annotations

import duckdb
import pandas as pd

from labstudio import charts, queries
from labstudio.domain import GRADES, PASSING_GRADES, UNTYPED
from labstudio.filters import Filters
from labstudio.labels import label
from labstudio.views import _sql, overview
from labstudio.views._model import (
    PageView,
    Panel,
    completeness,
    notes,
    table,
    top_units,
    type_label,
    units,
    value_label,
)

GRID_LIMIT = 60  # rows of the studio × year chart; the data view has them all

_STATS = """
    count(a.score) AS n, min(a.score)::DOUBLE AS min,
    quantile_cont(a.score, 0.25)::DOUBLE AS q1, median(a.score)::DOUBLE AS median,
    quantile_cont(a.score, 0.75)::DOUBLE AS q3, max(a.score)::DOUBLE AS max,
    avg(a.score)::DOUBLE AS mean
"""


def grades_by_type(cur: duckdb.DuckDBPyConnection, filters: Filters, year: int) -> pd.DataFrame:
    """grade, type, count for `year` (rows without a grade are left out: see the note)."""
    df = _sql.filtered(
        cur,
        filters,
        """
        SELECT a.grade, coalesce(fs.type, $untyped) AS type, count(*) AS count
        FROM assessments a JOIN fs USING (studio_id)
        WHERE a.year = $y AND a.grade IS NOT NULL GROUP BY ALL
        """,
        {"untyped": UNTYPED, "y": year},
    )
    df["count"] = df["count"].astype(int)
    order = {g: i for i, g in enumerate(GRADES)}
    types = {t: i for i, t in enumerate(overview.TYPE_ORDER)}
    return (
        df.assign(_g=df["grade"].map(order), _t=df["type"].map(types))
        .sort_values(["_g", "_t"])
        .drop(columns=["_g", "_t"])
        .reset_index(drop=True)
    )


def score_stats(
    cur: duckdb.DuckDBPyConnection, filters: Filters, year: int, by: str
) -> pd.DataFrame:
    """Score statistics for `year` per type (`by="type"`) or per unit (`by="unit"`)."""
    group = {"type": "coalesce(fs.type, $untyped)", "unit": "fs.unit_name"}[by]
    df = _sql.filtered(
        cur,
        filters,
        f"""
        SELECT {group} AS {by}, {_STATS}
        FROM assessments a JOIN fs USING (studio_id)
        WHERE a.year = $y GROUP BY ALL HAVING count(a.score) > 0
        ORDER BY {"median DESC" if by == "unit" else by}
        """,
        {"untyped": UNTYPED, "y": year} if by == "type" else {"y": year},
    )
    df["n"] = df["n"].astype(int)
    if by == "type":
        order = {t: i for i, t in enumerate(overview.TYPE_ORDER)}
        df = df.sort_values("type", key=lambda s: s.map(order)).reset_index(drop=True)
    return df


def trend(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """year, count, graded, passed, pass_rate, mean_score over every year (figures of `summary`)."""
    rows = []
    for year, data in queries.assessment_summary(cur, filters.with_year(None)).items():
        graded = sum(data["by_result"].values())
        passed = sum(data["by_result"][g] for g in PASSING_GRADES)
        rows.append(
            {
                "year": int(year),
                "count": data["count"],
                **data["by_result"],
                "pass_rate": queries.round_half_up(100 * passed / graded) if graded else None,
                "mean_score": data["mean_score"],
            }
        )
    columns = ["year", "count", *GRADES, "pass_rate", "mean_score"]
    return pd.DataFrame(rows, columns=columns)


def grade_grid(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Long form, every year: studio_id, unit, studio, year, grade, score."""
    return _sql.filtered(
        cur,
        filters,
        """
        SELECT fs.studio_id, fs.unit_name AS unit, fs.name AS studio, a.year, a.grade,
               a.score::DOUBLE AS score
        FROM assessments a JOIN fs USING (studio_id)
        ORDER BY unit, studio, fs.studio_id, a.year
        """,
    )


def failed(cur: duckdb.DuckDBPyConnection, filters: Filters, year: int | None) -> pd.DataFrame:
    """Failed assessments of `year` (every year when None) with each studio's revocation."""
    return _sql.filtered(
        cur,
        filters,
        """
        SELECT fs.studio_id, fs.unit_name AS unit, fs.name AS studio,
               coalesce(fs.type, $untyped) AS type, a.year, a.score::DOUBLE AS score,
               r.studio_id IS NOT NULL AS revoked, r.revoked_on, r.ground
        FROM assessments a JOIN fs USING (studio_id)
        LEFT JOIN revocations r ON r.studio_id = fs.studio_id
        WHERE a.grade = '不合格' AND (a.year = $y OR $y IS NULL)
        ORDER BY revoked, a.year DESC, unit, studio
        """,
        {"untyped": UNTYPED, "y": year},
    )


def gaps(cur: duckdb.DuckDBPyConnection, filters: Filters, year: int) -> dict[str, int]:
    """What the year's data lacks: rows without a score, without a grade, studios not assessed."""
    row = _sql.filtered(
        cur,
        filters,
        """
        SELECT count(*) FILTER (WHERE a.score IS NULL) AS no_score,
               count(*) FILTER (WHERE a.grade IS NULL) AS no_grade
        FROM assessments a JOIN fs USING (studio_id) WHERE a.year = $y
        """,
        {"y": year},
    ).iloc[0]
    missing = overview.missing_assessments(cur, filters, year)
    return {
        "no_score": int(row["no_score"]),
        "no_grade": int(row["no_grade"]),
        "not_assessed": len(missing),
    }


def _unique_names(df: pd.DataFrame) -> pd.Series:
    """Studio names for an axis; a name two units share gets its unit added."""
    pairs = df[["studio_id", "studio", "unit"]].drop_duplicates("studio_id")
    shared = set(pairs.loc[pairs["studio"].duplicated(keep=False), "studio"])
    names = {
        sid: f"{name}（{unit}）" if name in shared else name
        for sid, name, unit in pairs.itertuples(index=False)
    }
    return df["studio_id"].map(names)


def page(cur: duckdb.DuckDBPyConnection, filters: Filters, lang: str = "zh") -> PageView:
    studios = int(queries.studio_counts(cur, filters)["total"])
    year = _sql.assessment_year(cur, filters)
    view = PageView(studios=studios, year=year)
    if studios == 0:
        return view
    u = units(lang)
    t = type_label(lang)
    g = value_label(lang)
    empty = label("v.empty.chart", lang)
    history = trend(cur, filters)
    panels: list[Panel] = []
    if year is not None:
        missing = gaps(cur, filters, year)
        score_note = completeness(
            [
                label("v.note.no_score", lang, year=year, count=missing["no_score"])
                if missing["no_score"]
                else "",
                label("v.note.not_assessed", lang, year=year, count=missing["not_assessed"])
                if missing["not_assessed"]
                else "",
            ],
            lang,
        )
        grade_note = completeness(
            [
                label("v.note.no_grade", lang, year=year, count=missing["no_grade"])
                if missing["no_grade"]
                else "",
                label("v.note.not_assessed", lang, year=year, count=missing["not_assessed"])
                if missing["not_assessed"]
                else "",
            ],
            lang,
        )
        grades = grades_by_type(cur, filters, year)
        title = label("v.chart.grades", lang, year=year)
        panels.append(
            Panel(
                key="grades",
                title=title,
                figure=charts.stacked_by_type(
                    grades,
                    category="grade",
                    title=title,
                    category_title=label("v.axis.grade", lang),
                    value_title=label("v.axis.studios", lang),
                    unit=u["studios"],
                    category_label=g,
                    type_label=t,
                    order=list(GRADES),
                    empty_message=empty,
                ),
                table=table(
                    grades,
                    {"grade": "v.col.grade", "type": "v.col.type", "count": "v.col.studios"},
                    lang,
                    translate={"grade": g, "type": t},
                ),
                note=grade_note,
                clickable=True,
            )
        )
        stat_names = {k: label(f"v.stat.{k}", lang) for k in ("n", "range", "median", "mean")}
        stat_columns = {
            "n": "v.col.count",
            "min": "v.col.min",
            "q1": "v.col.q1",
            "median": "v.col.median",
            "q3": "v.col.q3",
            "max": "v.col.max",
            "mean": "v.col.mean_score",
        }
        for by, title_key, axis in (
            ("type", "v.chart.score_type", "v.axis.type"),
            ("unit", "v.chart.score_unit", ""),
        ):
            stats = score_stats(cur, filters, year, by)
            drawn, limit_note = stats, None
            if by == "unit":
                busiest = list(stats.sort_values("n", ascending=False, kind="stable")["unit"])
                drawn, limit_note = top_units(stats, busiest, lang)
            title = label(title_key, lang, year=year)
            panels.append(
                Panel(
                    key=f"score_{by}",
                    title=title,
                    figure=charts.score_boxes(
                        drawn,
                        category=by,
                        title=title,
                        category_title=label(axis, lang) if axis else "",
                        value_title=label("v.axis.score", lang),
                        unit=u["points"],
                        stat_names=stat_names,
                        category_label=t if by == "type" else (lambda v: str(v)),
                        by_type=by == "type",
                        horizontal=by == "unit",
                        empty_message=empty,
                    ),
                    table=table(
                        stats.round(1),
                        {by: f"v.col.{by}", **stat_columns},
                        lang,
                        translate={"type": t} if by == "type" else None,
                    ),
                    note=notes(score_note, limit_note),
                )
            )
    title = label("v.chart.trend", lang)
    panels.append(
        Panel(
            key="trend",
            title=title,
            figure=charts.assessment_trend(
                history,
                title=title,
                year_title=label("v.axis.year", lang),
                pass_rate_name=label("v.series.pass_rate", lang),
                mean_name=label("v.series.mean", lang),
                rate_title=label("v.axis.pass_rate", lang),
                score_title=label("v.axis.score", lang),
                score_unit=u["points"],
                empty_message=label("v.empty.year", lang),
            ),
            table=table(
                history,
                {
                    "year": "v.col.year",
                    "count": "v.col.assessed",
                    "pass_rate": "v.col.pass_rate",
                    "mean_score": "v.col.mean_score",
                },
                lang,
            ).join(history[list(GRADES)].rename(columns={x: g(x) for x in GRADES})),
            clickable=True,
        )
    )
    grid = grade_grid(cur, filters)
    if not grid.empty:
        grid = grid.assign(name=_unique_names(grid))
    shown_ids = list(dict.fromkeys(grid["studio_id"]))[:GRID_LIMIT] if not grid.empty else []
    title = label("v.chart.grid", lang)
    total = grid["studio_id"].nunique() if not grid.empty else 0
    wide_grid = (
        grid.pivot_table(index=["unit", "name"], columns="year", values="grade", aggfunc="first")
        .reset_index()
        .rename(columns={"unit": label("v.col.unit", lang), "name": label("v.col.studio", lang)})
        if not grid.empty
        else pd.DataFrame()
    )
    wide_grid.columns = [str(c) for c in wide_grid.columns]
    for column in wide_grid.columns[2:]:
        wide_grid[column] = [g(v) if isinstance(v, str) else "" for v in wide_grid[column]]
    panels.append(
        Panel(
            key="grid",
            title=title,
            figure=charts.grade_grid(
                grid[grid["studio_id"].isin(shown_ids)].assign(studio=lambda d: d["name"])
                if not grid.empty
                else grid,
                title=title,
                year_title=label("v.axis.year", lang),
                studio_title="",
                grade_label=g,
                score_unit=u["points"],
                empty_message=label("v.empty.year", lang),
            ),
            table=wide_grid,
            note=notes(
                label("v.note.grid_top_n", lang, total=total, shown=GRID_LIMIT)
                if total > GRID_LIMIT
                else None
            ),
            wide=True,
        )
    )
    fails = failed(cur, filters, year)
    yes, no = label("v.yes", lang), label("v.no", lang)
    panels.append(
        Panel(
            key="failed",
            title=label("v.chart.failed", lang, year=year)
            if year
            else label("v.chart.failed_all", lang),
            table=table(
                fails.assign(revoked=[yes if r else no for r in fails["revoked"]]),
                {
                    "unit": "v.col.unit",
                    "studio": "v.col.studio",
                    "type": "v.col.type",
                    "year": "v.col.year",
                    "score": "v.col.score",
                    "revoked": "v.col.revoked",
                    "revoked_on": "v.col.revoked_on",
                    "ground": "v.col.ground",
                },
                lang,
                translate={"type": t, "ground": g},
            ),
            count=len(fails),
            wide=True,
        )
    )
    view.panels = panels
    current = history[history["year"] == year] if year is not None else history.iloc[0:0]
    view.figures = {
        "year": year,
        "by_result": (
            {grade: int(current.iloc[0][grade]) for grade in GRADES} if len(current) else None
        ),
        "trend": {
            str(int(r["year"])): {"count": int(r["count"]), "mean_score": r["mean_score"]}
            for _, r in history.iterrows()
        },
    }
    return view
