"""The demo world: deterministic, and it has every case the dashboard should show."""

from __future__ import annotations

import pandas as pd

from labstudio import demo, queries
from labstudio.domain import ALLOWED_USES, GROUNDS, MAX_HONOURS, TYPES
from labstudio.filters import Filters


def frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return a.astype(str).equals(b.astype(str))


def test_two_builds_are_identical():
    first, second = demo.build(), demo.build()
    for name in ("studios", "assessments", "revocations", "ledger"):
        assert frames_equal(getattr(first, name), getattr(second, name))


def test_the_world_has_the_shape_the_issue_asks_for(demo_con):
    result = queries.summary(demo_con.cursor(), Filters())
    studios = result["studios"]
    assert 10 <= demo_con.execute("SELECT count(*) FROM units").fetchall()[0][0] <= 14
    assert 50 <= studios["total"] <= 70
    assert all(studios["by_type"][t] > 0 for t in TYPES)
    assert set(studios["by_batch"]) == {"1", "2", "3", "unknown"}
    assert sorted(int(y) for y in result["assessments"]) == list(range(2020, 2026))
    failures = sum(a["by_result"]["不合格"] for a in result["assessments"].values())
    assert 2 <= failures <= 12
    assert all(result["revocations"]["by_reason"][g] > 0 for g in GROUNDS)
    funds = result["funds"]
    assert all(funds["by_category"][use] > 0 for use in ALLOWED_USES)
    assert funds["prohibited"] > 0
    assert funds["studios_over_budget"] == 1


def test_the_demo_holds_the_cases_the_action_items_need(demo_con):
    cur = demo_con.cursor()
    failed_not_revoked = cur.execute(
        "SELECT count(*) FROM assessments a WHERE grade = '不合格' "
        "AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.studio_id = a.studio_id)"
    ).fetchall()[0][0]
    assert failed_not_revoked == 1
    too_many_honours = cur.execute(
        "SELECT count(*) FROM studios WHERE len(honours) > ?", [MAX_HONOURS]
    ).fetchall()[0][0]
    assert too_many_honours >= 1
    stages = {r[0] for r in cur.execute("SELECT DISTINCT stage FROM studios").fetchall()}
    assert {"创建管理", "委级命名", "推荐市总工会"} <= stages


def test_the_demo_is_recorded_as_demo_in_the_history(demo_con):
    cur = demo_con.cursor()
    assert queries.is_demo(cur)
    assert cur.execute("SELECT action FROM imports").fetchall() == [("demo",)]
