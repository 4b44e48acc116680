"""Per-page data: the figures agree with `summary`, the gaps are said, the lists are right."""

from __future__ import annotations

import pytest

from labstudio import queries
from labstudio.domain import CATEGORIES, GROUNDS
from labstudio.filters import Filters
from labstudio.views import assessments, funds, overview, revocations, studios, types

FILTER_CASES = [
    Filters(),
    Filters(year=2024),
    Filters(year=2023, type="技术创新型"),
    Filters(batch=3),
    Filters(unit="青岛市市立医院", year=2025),
    Filters(status="revoked"),
    Filters(status="active", year=2022),
    Filters(type="未分类"),
    Filters(unit="不存在的医院"),
    Filters(batch=-1),
]
PAGES = (overview, types, assessments, revocations, funds)


@pytest.mark.parametrize("filters", FILTER_CASES, ids=str)
def test_every_page_agrees_with_summary(demo_con, filters):
    cur = demo_con.cursor()
    summary = queries.summary(cur, filters)
    total = summary["studios"]["total"]
    for module in PAGES:
        assert module.page(cur, filters).studios == total, module.__name__
    if not total:
        return
    assert overview.page(cur, filters).figures["by_status"] == summary["studios"]["by_status"]
    shown = types.page(cur, filters).figures
    assert shown["by_type"] == summary["studios"]["by_type"]
    assert shown["by_batch"] == summary["studios"]["by_batch"]
    view = assessments.page(cur, filters)
    year = view.year
    expected = queries.assessment_summary(cur, filters.with_year(year)).get(str(year))
    assert view.figures["by_result"] == (expected["by_result"] if expected else None)
    history = queries.assessment_summary(cur, filters.with_year(None))
    assert {y: v["count"] for y, v in view.figures["trend"].items()} == {
        y: v["count"] for y, v in history.items()
    }
    assert (
        revocations.page(cur, filters).figures["by_reason"] == (summary["revocations"]["by_reason"])
    )
    money = funds.page(cur, filters).figures
    for key in ("granted", "spent", "prohibited", "studios_over_budget"):
        assert money[key] == pytest.approx(summary["funds"][key]), key
    assert money["by_category"] == pytest.approx(summary["funds"]["by_category"])
    assert studios.page(cur, filters).figures["total"] == total


def test_english_titles_differ_and_every_panel_is_titled(demo_con):
    cur = demo_con.cursor()
    for module in PAGES:
        zh = module.page(cur, Filters(), "zh").panels
        en = module.page(cur, Filters(), "en").panels
        assert [p.key for p in zh] == [p.key for p in en]
        for a, b in zip(zh, en, strict=True):
            assert a.title and b.title and a.title != b.title
            if a.figure is not None:
                assert a.figure.layout.title.text == a.title


def test_a_missing_score_is_said_above_the_chart(demo_con):
    cur = demo_con.cursor()
    cur.execute(
        "UPDATE assessments SET score = NULL WHERE year = 2023 AND studio_id IN "
        "(SELECT studio_id FROM assessments WHERE year = 2023 ORDER BY studio_id LIMIT 4)"
    )
    view = assessments.page(cur, Filters(year=2023))
    notes = {p.key: p.note for p in view.panels}
    assert "2023年有4家未录入分数" in notes["score_type"]
    assert notes["grades"] is None  # the grades are all there


def test_a_studio_without_its_assessment_is_listed(demo_con):
    cur = demo_con.cursor()
    assert overview.missing_assessments(cur, Filters(), 2024).empty
    cur.execute("DELETE FROM assessments WHERE studio_id = 2 AND year = 2024")
    missing = overview.missing_assessments(cur, Filters(), 2024)
    assert list(missing["studio_id"]) == [2]
    note = {p.key: p.note for p in assessments.page(cur, Filters(year=2024)).panels}
    assert "2024年有1家在管工作室无考核记录" in note["grades"]


def test_action_items(demo_con):
    cur = demo_con.cursor()
    items = overview.action_items(cur, Filters(), 2025)
    assert len(items["failed_unrevoked"]) == 1  # the demo's latest failure, not yet acted on
    assert (
        len(items["over_budget"]) == queries.summary(cur, Filters())["funds"]["studios_over_budget"]
    )
    assert items["disallowed"]["amount"].sum() == pytest.approx(
        queries.summary(cur, Filters())["funds"]["prohibited"]
    )
    assert list(items["honours"]["honours_count"]) == [7]
    panels = overview.page(cur, Filters()).extra["actions"]
    assert [p.count for p in panels] == [len(v) for v in items.values()]


def test_failed_list_says_whether_revoked(demo_con):
    cur = demo_con.cursor()
    failed = assessments.failed(cur, Filters(), None)
    assert failed["revoked"].sum() == len(failed) - 1
    due = revocations.due(cur, Filters())
    assert (
        len(due) == 1
        and not failed.loc[failed["studio_id"] == due.iloc[0]["studio_id"], "revoked"].any()
    )


def test_revocation_grounds_are_the_four_of_the_notice(demo_con):
    view = revocations.page(demo_con.cursor(), Filters())
    assert list(view.figures["by_reason"]) == list(GROUNDS)
    table = {p.key: p.table for p in view.panels}["by_ground"]
    assert len(table) == 4


def test_funds_by_use_lists_every_category(demo_con):
    view = funds.page(demo_con.cursor(), Filters())
    table = {p.key: p.table for p in view.panels}["by_category"]
    assert list(table.iloc[:, 0]) == list(CATEGORIES)


def test_directory_search_is_a_bound_value(demo_con):
    cur = demo_con.cursor()
    everyone = studios.directory(cur, Filters())
    assert len(studios.directory(cur, Filters(), "劳模")) < len(everyone)
    assert studios.directory(cur, Filters(), "'; DROP TABLE studios; --").empty
    assert studios.directory(cur, Filters(), "100%").empty
    assert len(studios.directory(cur, Filters())) == len(everyone) == 60


def test_a_profile(demo_con):
    cur = demo_con.cursor()
    view = studios.profile_page(cur, 4)
    assert view.studios == 1
    assert view.extra["honours_warning"]
    assert {p.key for p in view.panels} == {"history", "ledger"}
    assert studios.profile_page(cur, 99999).studios == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [("4", 4), (" 12 ", 12), (["7"], 7), ("abc", None), ("-1", None), ("1.5", None), (None, None)],
)
def test_parse_studio_id(value, expected):
    assert studios.parse_studio_id(value) == expected


def test_an_empty_database_gives_empty_views(con):
    cur = con.cursor()
    for module in PAGES:
        view = module.page(cur, Filters())
        assert view.studios == 0 and not view.panels
    assert studios.page(cur, Filters()).studios == 0
