"""What every page's SQL shares: the filtered-studios CTE, running a query to a DataFrame.

The CTE is the one `labstudio.queries` builds for `summary`, so a page and the CLI select the same
studios for the same filters. Filter values only ever travel as bound parameters.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from labstudio import queries
from labstudio.filters import Filters, year_condition
from labstudio.queries import studios_cte


def frame(cur: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pd.DataFrame:
    """The whole result as a DataFrame (read to its end, as DuckDB 2.0 requires)."""
    return cur.execute(sql, params or {}).df()


def filtered(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    body: str,
    params: dict | None = None,
    *,
    year_column: str | None = None,
    year_is_date: bool = True,
) -> pd.DataFrame:
    """Run `body` after `WITH fs AS (filtered studios)`; `{year}` in it becomes the year clause.

    `body` is fixed text of the calling module; `year_column` a fixed column name in it.
    """
    cte, cte_params = studios_cte(filters)
    year_sql, year_params = (
        year_condition(filters, year_column, is_date=year_is_date) if year_column else ("TRUE", {})
    )
    sql = f"WITH {cte} " + body.replace("{year}", year_sql)
    return frame(cur, sql, {**cte_params, **year_params, **(params or {})})


def assessment_year(cur: duckdb.DuckDBPyConnection, filters: Filters) -> int | None:
    """The year the assessment views speak of: the chosen one, else the latest assessed."""
    return filters.year if filters.year is not None else queries.latest_assessment_year(cur)


def type_key(series: pd.Series) -> pd.Series:
    """Studio types with the unknown ones named 未分类, as `summary` counts them."""
    from labstudio.domain import UNTYPED

    return series.astype("object").where(series.notna(), UNTYPED)


def untyped(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with its unknown types named 未分类 (for queries of `labstudio.queries`, which keep
    them NULL)."""
    return df.assign(type=type_key(df["type"])) if "type" in df else df
