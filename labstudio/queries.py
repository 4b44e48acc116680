"""Read-side queries. The CLI's `summary` and every page call these, so they cannot disagree.

Each function takes a cursor of its own (see labstudio.db) and a Filters, and returns plain
Python or a DataFrame. SQL text is fixed; filter values travel as bound parameters.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pandas as pd

from labstudio.domain import (
    CATEGORIES,
    DISALLOWED,
    GRADES,
    GROUNDS,
    PASSING_GRADES,
    STANDARD_GRANT,
    TYPES,
    UNTYPED,
)
from labstudio.filters import Filters, studio_condition, year_condition

# Studios after the studio filters (type, batch, unit, status), with their unit's name.
# `IN` rather than a correlated EXISTS: DuckDB then hashes revocations once (3× faster on 5,000
# studios, and every read query starts here).
_FILTERED_STUDIOS = """
    SELECT s.*, u.name AS unit_name,
           s.studio_id IN (SELECT studio_id FROM revocations) AS revoked
    FROM studios s JOIN units u USING (unit_id)
    WHERE {condition}
"""


def studios_cte(filters: Filters) -> tuple[str, dict]:
    """`fs AS (…)`: the studios the filters select, for a query's WITH clause, and its values.

    Every read query starts from it, here and in labstudio.views, so a page and `summary` always
    count the same studios.
    """
    condition, params = studio_condition(filters)
    return "fs AS (" + _FILTERED_STUDIOS.format(condition=condition) + ")", params


def _rows(cur: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[tuple]:
    return cur.execute(sql, params).fetchall()


def round_half_up(value: Decimal | float | None, places: int = 1) -> float | None:
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def _money(value: object) -> float:
    return float(value) if value is not None else 0.0


def studio_counts(cur: duckdb.DuckDBPyConnection, filters: Filters) -> dict:
    cte, params = studios_cte(filters)
    rows = _rows(
        cur,
        f"WITH {cte} SELECT revoked, type, batch, count(*) FROM fs GROUP BY ALL",
        params,
    )
    by_status = {"active": 0, "revoked": 0}
    by_type = {name: 0 for name in (*TYPES, UNTYPED)}
    # Every batch the database knows, 0 where the filters leave none (cli.md: empty groups are 0).
    by_batch: dict[str, int] = {str(batch): 0 for batch in batches_present(cur)}
    total = 0
    for revoked, type_, batch, count in rows:
        total += count
        by_status["revoked" if revoked else "active"] += count
        by_type[type_ if type_ in TYPES else UNTYPED] += count
        key = str(batch) if batch is not None else "unknown"
        by_batch[key] = by_batch.get(key, 0) + count
    ordered_batches = {
        k: by_batch[k] for k in sorted((k for k in by_batch if k != "unknown"), key=int)
    }
    ordered_batches["unknown"] = by_batch.get("unknown", 0)
    return {"total": total, "by_status": by_status, "by_type": by_type, "by_batch": ordered_batches}


def assessment_summary(cur: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, dict]:
    cte, params = studios_cte(filters)
    year_sql, year_params = year_condition(filters, "a.year", is_date=False)
    rows = _rows(
        cur,
        f"""
        WITH {cte}
        SELECT a.year, count(*), sum(a.score), count(a.score),
               count(*) FILTER (WHERE a.grade = '优秀'),
               count(*) FILTER (WHERE a.grade = '合格'),
               count(*) FILTER (WHERE a.grade = '不合格')
        FROM assessments a JOIN fs USING (studio_id)
        WHERE {year_sql}
        GROUP BY a.year ORDER BY a.year
        """,
        {**params, **year_params},
    )
    result: dict[str, dict] = {}
    for year, count, score_sum, scored, excellent, passed, failed in rows:
        mean = round_half_up(Decimal(score_sum) / scored) if scored else None
        result[str(year)] = {
            "count": count,
            "mean_score": mean,
            "by_result": dict(zip(GRADES, (excellent, passed, failed), strict=True)),
        }
    return result


def revocation_summary(cur: duckdb.DuckDBPyConnection, filters: Filters) -> dict:
    cte, params = studios_cte(filters)
    year_sql, year_params = year_condition(filters, "r.revoked_on")
    rows = _rows(
        cur,
        f"""
        WITH {cte}
        SELECT r.ground, count(*) FROM revocations r JOIN fs USING (studio_id)
        WHERE {year_sql} GROUP BY r.ground
        """,
        {**params, **year_params},
    )
    by_reason = {ground: 0 for ground in GROUNDS}
    for ground, count in rows:
        by_reason[ground] = count
    return {"total": sum(by_reason.values()), "by_reason": by_reason}


def fund_summary(
    cur: duckdb.DuckDBPyConnection, filters: Filters, budget: pd.DataFrame | None = None
) -> dict:
    """`budget`: the filters' `budget_by_studio`, when the caller holds it already (the over-
    budget count then costs no second pass over the ledger)."""
    if budget is None:
        over = len(studios_over_budget(cur, filters))
    else:
        over = int((budget["balance"] < 0).sum())
    return {**_fund_totals(cur, filters), "studios_over_budget": over}


def _fund_totals(cur: duckdb.DuckDBPyConnection, filters: Filters) -> dict:
    """`fund_summary` but the over-budget count (which is over all years: no year applies)."""
    cte, params = studios_cte(filters)
    year_sql, year_params = year_condition(filters, "l.entry_date")
    rows = _rows(
        cur,
        f"""
        WITH {cte}
        SELECT l.direction, l.category, sum(l.amount)
        FROM ledger l JOIN fs USING (studio_id)
        WHERE {year_sql} GROUP BY ALL
        """,
        {**params, **year_params},
    )
    granted = Decimal(0)
    spent = Decimal(0)
    by_category = {category: Decimal(0) for category in CATEGORIES}
    for direction, category, amount in rows:
        if direction == "grant":
            granted += amount
        else:
            spent += amount
            by_category[category if category in CATEGORIES else DISALLOWED] += amount
    return {
        "granted": _money(granted),
        "spent": _money(spent),
        "by_category": {k: _money(v) for k, v in by_category.items()},
        "prohibited": _money(by_category[DISALLOWED]),
    }


# Per studio, over all years: granted (the standard grant where none is recorded), spent, balance.
_BUDGET = """
    WITH {cte},
    totals AS (
        SELECT studio_id,
               sum(amount) FILTER (WHERE direction = 'grant') AS granted,
               sum(amount) FILTER (WHERE direction = 'expense') AS spent
        FROM ledger WHERE studio_id IN (SELECT studio_id FROM fs) GROUP BY studio_id
    ),
    budget AS (
        SELECT fs.studio_id, fs.name AS studio, fs.unit_name AS unit, fs.type,
               coalesce(t.granted, $standard)::DOUBLE AS budget,
               t.granted IS NULL AS standard_grant,
               coalesce(t.spent, 0)::DOUBLE AS spent,
               (coalesce(t.granted, $standard) - coalesce(t.spent, 0))::DOUBLE AS balance
        FROM fs LEFT JOIN totals t USING (studio_id)
    )
    SELECT * FROM budget WHERE {where} ORDER BY balance, studio
"""


def _budget(cur: duckdb.DuckDBPyConnection, filters: Filters, where: str) -> pd.DataFrame:
    cte, params = studios_cte(filters)
    return cur.execute(
        _BUDGET.format(cte=cte, where=where), {**params, "standard": STANDARD_GRANT}
    ).df()


def budget_by_studio(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per studio, over all years: granted (the standard grant where none is recorded), spent."""
    return _budget(cur, filters, "TRUE")


def studios_over_budget(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The rows of `budget_by_studio` with a negative balance (only those leave the database)."""
    return _budget(cur, filters, "balance < 0")


def studios_without_grant(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The rows of `budget_by_studio` whose grant is the assumed standard one: no grant is
    recorded for them, so their budget and balance rest on the 10,000 yuan of the notice."""
    return _budget(cur, filters, "standard_grant")


def summary(cur: duckdb.DuckDBPyConnection, filters: Filters) -> dict:
    """The headline figures, exactly in the shape of `summary --json` (cli.md)."""
    return {
        "filters": filters.as_dict(),
        "studios": studio_counts(cur, filters),
        "assessments": assessment_summary(cur, filters),
        "revocations": revocation_summary(cur, filters),
        "funds": fund_summary(cur, filters),
    }


def latest_assessment_year(cur: duckdb.DuckDBPyConnection) -> int | None:
    rows = cur.execute("SELECT max(year) FROM assessments").fetchall()
    return rows[0][0] if rows and rows[0][0] is not None else None


def known_years(cur: duckdb.DuckDBPyConnection) -> list[int]:
    """Every year that any record speaks of, newest first (for the year selector)."""
    rows = cur.execute(
        """
        SELECT DISTINCT y FROM (
            SELECT year AS y FROM assessments
            UNION SELECT year(revoked_on) FROM revocations WHERE revoked_on IS NOT NULL
            UNION SELECT year(entry_date) FROM ledger WHERE entry_date IS NOT NULL)
        ORDER BY y DESC
        """
    ).fetchall()
    return [int(r[0]) for r in rows]


def batches_present(cur: duckdb.DuckDBPyConnection) -> list[int]:
    """Every batch number a studio of the database has, in order (whatever the filters)."""
    rows = cur.execute(
        "SELECT DISTINCT batch FROM studios WHERE batch IS NOT NULL ORDER BY batch"
    ).fetchall()
    return [int(r[0]) for r in rows]


def filter_options(cur: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """The values the sidebar offers: years, types, batches and units present in the data."""
    batches = batches_present(cur)
    units = [r[0] for r in cur.execute("SELECT name FROM units ORDER BY name").fetchall()]
    return {"year": known_years(cur), "type": [*TYPES, UNTYPED], "batch": batches, "unit": units}


def is_empty(cur: duckdb.DuckDBPyConnection) -> bool:
    return cur.execute("SELECT count(*) FROM studios").fetchall()[0][0] == 0


def is_demo(cur: duckdb.DuckDBPyConnection) -> bool:
    """True while the demo data set is loaded (and not rolled back), even beside real imports."""
    rows = cur.execute(
        "SELECT count(*) FROM imports WHERE action = 'demo' AND status = 'committed'"
    ).fetchall()
    return rows[0][0] > 0


def overview(cur: duckdb.DuckDBPyConnection, filters: Filters) -> dict:
    """The overview's KPI cards: figures of the chosen (or latest) year beside the year before.

    Studio counts stand as today; assessment figures are for `year`; money follows the year
    filter when one is set, and is the running total otherwise (with no change shown).
    """
    year = filters.year or latest_assessment_year(cur)
    current = summary(cur, filters)
    studios = current["studios"]
    # Every year's figures at once; a year's own (the cards, the year before) are among them.
    history = (
        current["assessments"]
        if filters.year is None
        else assessment_summary(cur, filters.with_year(None))
    )

    def assessed(year_: int | None) -> dict:
        if year_ is None:
            return {"count": 0, "excellent": 0, "failed": 0, "pass_rate": None, "mean": None}
        data = history.get(str(year_))
        if not data:
            return {"count": 0, "excellent": 0, "failed": 0, "pass_rate": None, "mean": None}
        graded = sum(data["by_result"].values())
        passed = sum(data["by_result"][g] for g in PASSING_GRADES)
        return {
            "count": data["count"],
            "excellent": data["by_result"]["优秀"],
            "failed": data["by_result"]["不合格"],
            "pass_rate": round_half_up(100 * passed / graded) if graded else None,
            "mean": data["mean_score"],
        }

    this_year = assessed(year)
    last_year = assessed(year - 1 if year else None)
    funds = current["funds"]
    previous_funds = (
        {
            **_fund_totals(cur, filters.with_year(filters.year - 1)),
            "studios_over_budget": funds["studios_over_budget"],  # the same in every year
        }
        if filters.year
        else None
    )
    if filters.year is not None:
        revoked_in_year = current["revocations"]["total"]  # already of that year
    else:
        revoked_in_year = (
            revocation_summary(cur, filters.with_year(year))["total"] if year is not None else 0
        )
    trend: dict[str, list[float]] = {"count": [], "pass_rate": [], "excellent": []}
    for data in history.values():
        graded = sum(data["by_result"].values())
        passed = sum(data["by_result"][g] for g in PASSING_GRADES)
        trend["count"].append(data["count"])
        trend["pass_rate"].append(round_half_up(100 * passed / graded) if graded else 0.0)
        trend["excellent"].append(data["by_result"]["优秀"])
    return {
        "year": year,
        "money_year": filters.year,
        "trend": trend,
        "studios": studios,
        "revoked_in_year": revoked_in_year,
        "assessed": this_year,
        "assessed_previous": last_year,
        "funds": funds,
        "funds_previous": previous_funds,
    }
