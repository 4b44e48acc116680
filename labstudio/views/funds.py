"""经费使用: each studio's spending against its 10,000 yuan, spending by use, what is not allowed."""

from __future__ import annotations

import duckdb
import pandas as pd

from labstudio import charts, queries
from labstudio.domain import CATEGORIES, DISALLOWED, UNTYPED
from labstudio.filters import Filters
from labstudio.labels import label
from labstudio.views import _sql, overview
from labstudio.views._model import (
    PageView,
    Panel,
    completeness,
    notes,
    table,
    type_label,
    units,
    value_label,
)

BUDGET_LIMIT = 40  # studios drawn in the budget chart (the least left first); the table has all


def monthly(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """month (first day), type, amount: expenses with a date (the year filter applies)."""
    return _sql.filtered(
        cur,
        filters,
        """
        SELECT date_trunc('month', l.entry_date)::DATE AS month,
               coalesce(fs.type, $untyped) AS type, sum(l.amount)::DOUBLE AS amount
        FROM ledger l JOIN fs USING (studio_id)
        WHERE l.direction = 'expense' AND l.entry_date IS NOT NULL AND {year}
        GROUP BY ALL ORDER BY month, type
        """,
        {"untyped": UNTYPED},
        year_column="l.entry_date",
    )


def undated_expenses(cur: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    df = _sql.filtered(
        cur,
        filters,
        """
        SELECT count(*) AS n FROM ledger l JOIN fs USING (studio_id)
        WHERE l.direction = 'expense' AND l.entry_date IS NULL
        """,
    )
    return int(df.iloc[0]["n"])


def _unique(df: pd.DataFrame) -> pd.Series:
    shared = set(df.loc[df["studio"].duplicated(keep=False), "studio"])
    return pd.Series(
        [
            f"{s}（{u}）" if s in shared else s
            for s, u in zip(df["studio"], df["unit"], strict=True)
        ],
        index=df.index,
    )


def page(cur: duckdb.DuckDBPyConnection, filters: Filters, lang: str = "zh") -> PageView:
    studios = int(queries.studio_counts(cur, filters)["total"])
    view = PageView(studios=studios, year=filters.year)
    if studios == 0:
        return view
    u = units(lang)
    t = type_label(lang)
    c = value_label(lang)
    empty = label("v.empty.chart", lang)
    budget = queries.budget_by_studio(cur, filters)
    summary = queries.fund_summary(cur, filters, budget)
    budget = budget.assign(type=budget["type"].where(budget["type"].notna(), UNTYPED))
    yes, no = label("v.yes", lang), label("v.no", lang)
    money_columns = {
        "unit": "v.col.unit",
        "studio": "v.col.studio",
        "type": "v.col.type",
        "budget": "v.col.budget",
        "spent": "v.col.spent",
        "balance": "v.col.balance",
    }
    standard = int(budget["standard_grant"].sum())
    title = label("v.chart.budget", lang)
    shown = budget.head(BUDGET_LIMIT)
    budget_panel = Panel(
        key="budget",
        title=title,
        figure=charts.budget_by_studio(
            shown.assign(studio=_unique(shown)),
            title=title,
            studio_title="",
            money_title=label("v.axis.money", lang),
            spent_name=label("v.series.spent", lang),
            budget_name=label("v.series.budget", lang),
            balance_name=label("v.series.balance", lang),
            over_name=label("v.series.over", lang),
            unit=u["yuan"],
            type_label=t,
            empty_message=empty,
        ),
        table=table(
            budget.assign(
                standard_grant=[yes if s else no for s in budget["standard_grant"]]
            ).round(2),
            {**money_columns, "standard_grant": "v.col.standard_grant"},
            lang,
            translate={"type": t},
        ),
        note=notes(
            completeness(
                [label("v.note.standard_grant_named", lang, count=standard) if standard else ""],
                lang,
            ),
            label("v.note.top_n", lang, total=len(budget), shown=BUDGET_LIMIT)
            if len(budget) > BUDGET_LIMIT
            else None,
        ),
        wide=True,
    )
    by_category = pd.DataFrame(
        {
            "category": list(CATEGORIES),
            "amount": [summary["by_category"][x] for x in CATEGORIES],
        }
    )
    title = label("v.chart.by_category", lang)
    category_panel = Panel(
        key="by_category",
        title=title,
        figure=charts.bars(
            by_category,
            category="category",
            value="amount",
            title=title,
            category_title=label("v.axis.use", lang),
            value_title=label("v.axis.money", lang),
            unit=u["yuan"],
            category_label=c,
            highlight=[DISALLOWED],
            value_format=",.2f",
            value_labels=True,
            empty_message=empty,
        ),
        table=table(
            by_category,
            {"category": "v.col.category", "amount": "v.col.amount"},
            lang,
            translate={"category": c},
        ),
    )
    months = monthly(cur, filters)
    undated = undated_expenses(cur, filters)
    title = label("v.chart.monthly", lang)
    month_panel = Panel(
        key="monthly",
        title=title,
        figure=charts.monthly_spend(
            months,
            title=title,
            month_title=label("v.axis.month", lang),
            money_title=label("v.axis.money", lang),
            unit=u["yuan"],
            type_label=t,
            empty_message=empty,
        ),
        table=table(
            months.assign(month=pd.to_datetime(months["month"]).dt.strftime("%Y-%m")).round(2),
            {"month": "v.col.month", "type": "v.col.type", "amount": "v.col.amount"},
            lang,
            translate={"type": t},
        ),
        note=completeness(
            [label("v.note.undated_expenses", lang, count=undated) if undated else ""], lang
        ),
        clickable=True,
    )
    lines = overview.disallowed_lines(cur, filters)
    disallowed_panel = Panel(
        key="disallowed",
        title=label("v.chart.disallowed", lang),
        table=table(
            lines,
            {
                "entry_date": "v.col.date",
                "unit": "v.col.unit",
                "studio": "v.col.studio",
                "amount": "v.col.amount",
                "description": "v.col.description",
            },
            lang,
        ),
        count=len(lines),
        profile_ids=[int(i) for i in lines["studio_id"]],
    )
    over = budget[budget["balance"] < 0]
    over_panel = Panel(
        key="over_budget",
        title=label("v.chart.over_budget", lang),
        table=table(over.round(2), money_columns, lang, translate={"type": t}),
        count=len(over),
        profile_ids=[int(i) for i in over["studio_id"]],
    )
    view.panels = [budget_panel, category_panel, month_panel, disallowed_panel, over_panel]
    assumed = budget[budget["standard_grant"]]
    if len(assumed):
        # Named where the assumption is made: which studios' figures rest on the 10,000 yuan.
        view.panels.append(
            Panel(
                key="standard_grant",
                title=label("v.action.standard_grant", lang),
                table=table(
                    assumed.round(2),
                    {k: v for k, v in money_columns.items() if k != "budget"},
                    lang,
                    translate={"type": t},
                ),
                count=len(assumed),
                profile_ids=[int(i) for i in assumed["studio_id"]],
                wide=True,
            )
        )
    view.figures = {
        **summary,
        "disallowed_lines": len(lines),
        "disallowed_total": float(lines["amount"].sum()) if len(lines) else 0.0,
    }
    return view
