"""`summary` against an independent pandas computation over the demo's own staged rows."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from labstudio import demo, queries
from labstudio.domain import CATEGORIES, GRADES, GROUNDS, STANDARD_GRANT, TYPES
from labstudio.filters import Filters

STAGED = demo.build()


def expected_summary(filters: Filters) -> dict:
    """What summary must say, computed from the staged frames with pandas alone."""
    studios = STAGED.studios.copy()
    revoked_keys = set(zip(STAGED.revocations["unit"], STAGED.revocations["studio"], strict=True))
    studios["revoked"] = [
        (u, n) in revoked_keys for u, n in zip(studios["unit"], studios["name"], strict=True)
    ]
    if filters.type == "未分类":
        studios = studios[studios["type"].isna()]
    elif filters.type is not None:
        studios = studios[studios["type"] == filters.type]
    if filters.batch is not None:
        studios = studios[studios["batch"] == filters.batch]
    if filters.unit is not None:
        studios = studios[studios["unit"] == filters.unit]
    keys = set(zip(studios["unit"], studios["name"], strict=True))

    def where(frame: pd.DataFrame, mask: list[bool]) -> pd.DataFrame:
        return frame.loc[pd.Series(mask, index=frame.index, dtype=bool)]

    def mine(frame: pd.DataFrame) -> pd.DataFrame:
        return where(
            frame, [(u, s) in keys for u, s in zip(frame["unit"], frame["studio"], strict=True)]
        )

    by_type = {t: int((studios["type"] == t).sum()) for t in TYPES}
    by_type["未分类"] = int(studios["type"].isna().sum())
    # Every batch in the database, 0 where the filters leave none (cli.md: empty groups are 0).
    by_batch = {str(int(b)): 0 for b in sorted(STAGED.studios["batch"].dropna().unique())}
    by_batch |= {str(b): int(n) for b, n in studios["batch"].value_counts().sort_index().items()}
    by_batch["unknown"] = 0

    assessments = mine(STAGED.assessments)
    if filters.year is not None:
        assessments = assessments[assessments["year"] == filters.year]
    by_year = {}
    for year, group in assessments.groupby("year"):
        scores = [Decimal(str(s)) for s in group["score"].dropna()]
        mean = (sum(scores) / len(scores)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        by_year[str(year)] = {
            "count": len(group),
            "mean_score": float(mean),
            "by_result": {g: int((group["grade"] == g).sum()) for g in GRADES},
        }

    revocations = mine(STAGED.revocations)
    if filters.year is not None:
        revocations = where(
            revocations, [d.year == filters.year for d in revocations["revoked_on"]]
        )
    by_reason = {g: int((revocations["ground"] == g).sum()) for g in GROUNDS}

    all_ledger = mine(STAGED.ledger)
    ledger = all_ledger
    if filters.year is not None:
        ledger = where(ledger, [d.year == filters.year for d in ledger["entry_date"]])
    expenses = ledger[ledger["direction"] == "expense"]
    by_category = {
        c: round(float(expenses.loc[expenses["category"] == c, "amount"].sum()), 2)
        for c in CATEGORIES
    }
    over = 0
    for _, group in all_ledger.groupby(["unit", "studio"]):
        granted = group.loc[group["direction"] == "grant", "amount"]
        budget = granted.sum() if len(granted) else STANDARD_GRANT
        if group.loc[group["direction"] == "expense", "amount"].sum() > budget + 1e-9:
            over += 1
    return {
        "studios": {
            "total": len(studios),
            "by_status": {
                "active": int((~studios["revoked"]).sum()),
                "revoked": int(studios["revoked"].sum()),
            },
            "by_type": by_type,
            "by_batch": by_batch,
        },
        "assessments": by_year,
        "revocations": {"total": sum(by_reason.values()), "by_reason": by_reason},
        "funds": {
            "granted": round(float(ledger.loc[ledger["direction"] == "grant", "amount"].sum()), 2),
            "spent": round(float(expenses["amount"].sum()), 2),
            "by_category": by_category,
            "prohibited": by_category["不允许的支出"],
            "studios_over_budget": over,
        },
    }


UNITS = sorted(set(STAGED.studios["unit"]))

CASES = [
    Filters(),
    Filters(year=2023),
    Filters(year=2025),
    Filters(year=2019),  # before any assessment: empty groups, not errors
    Filters(type="技术创新型"),
    Filters(type="管理创新型", year=2024),
    Filters(type="未分类"),
    Filters(batch=1),
    Filters(batch=3, year=2023),
    Filters(unit=UNITS[0]),
    Filters(unit=UNITS[3], type="服务创新型", batch=2, year=2022),
    Filters(unit="不存在的医院"),
    Filters(batch=9),
]


@pytest.mark.parametrize("filters", CASES, ids=lambda f: str(f.as_query()) or "all")
def test_summary_matches_an_independent_count(demo_con, filters):
    actual = queries.summary(demo_con.cursor(), filters)
    expected = expected_summary(filters)
    assert actual["studios"] == expected["studios"]
    assert actual["assessments"] == expected["assessments"]
    assert actual["revocations"] == expected["revocations"]
    funds = actual["funds"]
    for key in ("granted", "spent", "prohibited"):
        assert funds[key] == pytest.approx(expected["funds"][key], abs=0.005)
    assert funds["by_category"] == pytest.approx(expected["funds"]["by_category"], abs=0.005)
    assert funds["studios_over_budget"] == expected["funds"]["studios_over_budget"]


def test_summary_has_every_key_of_the_contract(con):
    result = queries.summary(con.cursor(), Filters())
    assert set(result) >= {"filters", "studios", "assessments", "revocations", "funds"}
    assert set(result["filters"]) >= {"year", "type", "batch", "unit"}
    assert result["studios"] == {
        "total": 0,
        "by_status": {"active": 0, "revoked": 0},
        "by_type": {"技术创新型": 0, "服务创新型": 0, "管理创新型": 0, "未分类": 0},
        "by_batch": {"unknown": 0},
    }
    assert result["assessments"] == {}
    assert result["revocations"] == {"total": 0, "by_reason": dict.fromkeys(GROUNDS, 0)}
    assert result["funds"] == {
        "granted": 0.0,
        "spent": 0.0,
        "by_category": dict.fromkeys(CATEGORIES, 0.0),
        "prohibited": 0.0,
        "studios_over_budget": 0,
    }


@pytest.mark.parametrize(
    ("scores", "mean"),
    [
        ([88, 92.5], 90.3),
        ([80.25, 80.2], 80.2),
        ([70.05, 70.0], 70.0),
        ([84.45, 84.4], 84.4),
        ([1.25, 1.2], 1.2),
    ],
)
def test_mean_score_rounds_half_up(con, scores, mean):
    from labstudio import db, store

    staged = store.Staged(
        studios=pd.DataFrame(
            [{"unit": "单位", "name": f"工作室{i}", "honours": None} for i in range(len(scores))]
        ),
        assessments=pd.DataFrame(
            [
                {
                    "unit": "单位",
                    "studio": f"工作室{i}",
                    "year": 2023,
                    "score": s,
                    "grade": None,
                    "remarks": None,
                }
                for i, s in enumerate(scores)
            ]
        ),
    )
    with db.write(con) as cur:
        store.commit(cur, staged)
    assert queries.summary(con.cursor(), Filters())["assessments"]["2023"]["mean_score"] == mean


def test_a_grade_without_a_score_counts_in_results_but_not_in_the_mean(con):
    from labstudio import db, store

    staged = store.Staged(
        studios=pd.DataFrame([{"unit": "单位", "name": n, "honours": None} for n in ("甲", "乙")]),
        assessments=pd.DataFrame(
            [
                {"unit": "单位", "studio": "甲", "year": 2024, "score": 91, "grade": "优秀"},
                {"unit": "单位", "studio": "乙", "year": 2024, "score": None, "grade": "合格"},
            ]
        ),
    )
    with db.write(con) as cur:
        store.commit(cur, staged)
    result = queries.summary(con.cursor(), Filters())["assessments"]["2024"]
    assert result == {
        "count": 2,
        "mean_score": 91.0,
        "by_result": {"优秀": 1, "合格": 1, "不合格": 0},
    }


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(year=2024), Filters(year=2021, type="技术创新型"), Filters(year=2019)],
    ids=lambda f: str(f.as_query()) or "all",
)
def test_the_overview_takes_each_year_from_summary(demo_con, filters):
    """The KPI cards read the year, the year before and the trend from one summary of every year;
    each must equal the summary of that year alone."""
    cur = demo_con.cursor()
    result = queries.overview(cur, filters)
    year = result["year"]
    for key, shown in ((year, "assessed"), (year - 1, "assessed_previous")):
        alone = queries.summary(cur, filters.with_year(key))["assessments"].get(str(key))
        assert result[shown]["count"] == (alone["count"] if alone else 0)
        assert result[shown]["mean"] == (alone["mean_score"] if alone else None)
        assert result[shown]["failed"] == (alone["by_result"]["不合格"] if alone else 0)
    every = queries.assessment_summary(cur, filters.with_year(None))
    assert result["trend"]["count"] == [v["count"] for v in every.values()]
    revoked = queries.revocation_summary(cur, filters.with_year(year))["total"]
    assert result["revoked_in_year"] == revoked
    if filters.year:
        before = queries.fund_summary(cur, filters.with_year(filters.year - 1))
        assert result["funds_previous"] == before
    else:
        assert result["funds_previous"] is None


@pytest.mark.parametrize("filters", CASES, ids=lambda f: str(f.as_query()) or "all")
def test_fund_summary_from_a_budget_already_fetched(demo_con, filters):
    cur = demo_con.cursor()
    budget = queries.budget_by_studio(cur, filters)
    assert queries.fund_summary(cur, filters, budget) == queries.fund_summary(cur, filters)


def test_by_batch_keeps_every_batch_of_the_database_at_0_when_filtered_out(con):
    """cli.md: empty groups are 0; a batch the filters leave empty is still a key."""
    from labstudio import db, store

    staged = store.Staged(
        studios=pd.DataFrame(
            [
                {"unit": "甲医院", "name": "一号工作室", "batch": 1, "type": "技术创新型"},
                {"unit": "乙医院", "name": "二号工作室", "batch": 3, "type": "服务创新型"},
                {"unit": "乙医院", "name": "三号工作室", "batch": None, "type": None},
            ]
        )
    )
    with db.write(con) as cur:
        store.commit(cur, staged)
    everything = queries.summary(con.cursor(), Filters())["studios"]["by_batch"]
    assert everything == {"1": 1, "3": 1, "unknown": 1}
    one_unit = queries.summary(con.cursor(), Filters(unit="甲医院"))["studios"]["by_batch"]
    assert one_unit == {"1": 1, "3": 0, "unknown": 0}
    none_left = queries.summary(con.cursor(), Filters(batch=9))["studios"]["by_batch"]
    assert none_left == {"1": 0, "3": 0, "unknown": 0}
