"""年度考核: the chosen (or latest) year's grades and scores, the trend, the grid, the failed."""

from __future__ import annotations

import duckdb
import numpy as np
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
    year_shown,
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
        ORDER BY {"median DESC, unit" if by == "unit" else by}
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


GRID_KINDS = ("code", "score")


def grade_grid(cur: duckdb.DuckDBPyConnection, filters: Filters, years: list[int]) -> pd.DataFrame:
    """One row per assessed studio, ordered by unit and name: studio_id, unit, name, then for
    each of `years` `code_<year>` (the grade as its index in GRADES, missing for none) and
    `score_<year>`.

    `name` is the studio's name, with its unit added when two assessed studios share the name.
    The pivot runs in DuckDB, and grades travel as small numbers: 5,000 studios × ten years come
    back as 5,000 rows, not 50,000 rows of text.
    """
    if not years:  # nothing assessed: no studio to list
        return pd.DataFrame(columns=["studio_id", "unit", "name"])
    columns = "".join(
        f", any_value(list_position($grades, a.grade) - 1) FILTER (WHERE a.year = $y{i})"
        f" AS code_{i}"
        f", (any_value(a.score) FILTER (WHERE a.year = $y{i}))::DOUBLE AS score_{i}"
        for i in range(len(years))
    )
    df = _sql.filtered(
        cur,
        filters,
        f"""
        , per_studio AS (
            SELECT fs.studio_id, fs.unit_name AS unit, fs.name AS studio {columns}
            FROM assessments a JOIN fs USING (studio_id)
            GROUP BY ALL)
        SELECT * EXCLUDE (studio),
               CASE WHEN count(*) OVER (PARTITION BY studio) > 1
                    THEN studio || '（' || unit || '）' ELSE studio END AS name
        FROM per_studio
        ORDER BY unit, name, studio_id
        """,
        {"grades": list(GRADES), **{f"y{i}": year for i, year in enumerate(years)}},
    )
    renamed = {f"{k}_{i}": f"{k}_{year}" for i, year in enumerate(years) for k in GRID_KINDS}
    return df.rename(columns=renamed)[
        ["studio_id", "unit", "name", *(f"{k}_{y}" for y in years for k in GRID_KINDS)]
    ]


def _grades(grid: pd.DataFrame, years: list[int], names: list) -> np.ndarray:
    """The grid's grade codes as `names[code]` (studios × years); `names[-1]` where none."""
    codes = grid[[f"code_{y}" for y in years]].to_numpy(dtype=float, na_value=np.nan)
    index = np.where(np.isnan(codes), len(names) - 1, codes).astype(int)
    return np.asarray(names, dtype=object)[index]


def grid_long(grid: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """The chart's form of `grade_grid` rows: studio (the shown name), year, grade, score."""
    return pd.DataFrame(
        {
            "studio": np.repeat(grid["name"].to_numpy(dtype=object), len(years)),
            "year": np.tile(np.asarray(years, dtype=int), len(grid)),
            "grade": _grades(grid, years, [*GRADES, None]).ravel(),
            "score": grid[[f"score_{y}" for y in years]].to_numpy(dtype=float).ravel(),
        }
    )


def grid_table(grid: pd.DataFrame, years: list[int], lang: str) -> pd.DataFrame:
    """The grid's data view: unit, studio, then a column per year with the grade as shown."""
    g = value_label(lang)
    grades = _grades(grid, years, [*(g(x) for x in GRADES), ""])
    table = pd.DataFrame(
        {
            label("v.col.unit", lang): grid["unit"].to_numpy(),
            label("v.col.studio", lang): grid["name"].to_numpy(),
        }
    )
    for i, year in enumerate(years):
        table[str(year)] = grades[:, i].tolist()
    return table


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


def page(cur: duckdb.DuckDBPyConnection, filters: Filters, lang: str = "zh") -> PageView:
    studios = int(queries.studio_counts(cur, filters)["total"])
    year = _sql.assessment_year(cur, filters)
    view = PageView(studios=studios, year=year)
    if filters.year is None:
        view.year_note = year_shown(year, lang)
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
    years = [int(y) for y in history["year"]]
    grid = grade_grid(cur, filters, years)
    title = label("v.chart.grid", lang)
    panels.append(
        Panel(
            key="grid",
            title=title,
            figure=charts.grade_grid(
                grid_long(grid.head(GRID_LIMIT), years),
                title=title,
                year_title=label("v.axis.year", lang),
                studio_title="",
                grade_label=g,
                score_unit=u["points"],
                empty_message=label("v.empty.year", lang),
            ),
            table=grid_table(grid, years, lang),
            note=notes(
                label("v.note.grid_top_n", lang, total=len(grid), shown=GRID_LIMIT)
                if len(grid) > GRID_LIMIT
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
