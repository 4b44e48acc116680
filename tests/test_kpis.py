"""The overview's KPI cards: the figures of `summary`, worded in both languages."""

from __future__ import annotations

import pytest

from labstudio import kpis, queries
from labstudio.filters import Filters


@pytest.mark.parametrize(
    ("amount", "lang", "text"),
    [
        (570000, "zh", "57.00 万元"),
        (5467.31, "zh", "5,467.31 元"),
        (0, "zh", "0.00 元"),
        (570000, "en", "570,000 yuan"),
    ],
)
def test_money(amount, lang, text):
    assert kpis.money(amount, lang) == text


def test_cards_show_the_figures_of_summary(demo_con):
    cur = demo_con.cursor()
    filters = Filters(year=2024)
    overview = queries.overview(cur, filters)
    summary = queries.summary(cur, filters)
    cards = {card.label: card for card in kpis.cards(overview, "zh")}
    assert cards["在管工作室"].value == f"{summary['studios']['by_status']['active']} 家"
    assert cards["已撤销称号"].value == f"{summary['studios']['by_status']['revoked']} 家"
    year = summary["assessments"]["2024"]
    assert cards["2024年度参加考核"].value == f"{year['count']} 家"
    assert cards["2024年度优秀"].value == f"{year['by_result']['优秀']} 家"
    graded = sum(year["by_result"].values())
    passed = year["by_result"]["优秀"] + year["by_result"]["合格"]
    assert cards["2024年度合格率"].value == f"{100 * passed / graded:.1f}%"
    assert cards["不允许的支出"].value == kpis.money(summary["funds"]["prohibited"])
    previous = queries.summary(cur, Filters(year=2023))["assessments"]["2023"]
    assert cards["2024年度参加考核"].delta == f"{year['count'] - previous['count']:+d}"


def test_without_a_year_the_latest_assessed_year_is_shown(demo_con):
    overview = queries.overview(demo_con.cursor(), Filters())
    labels = [card.label for card in kpis.cards(overview, "zh")]
    assert "2025年度参加考核" in labels
    money = [c for c in kpis.cards(overview, "zh") if c.label == "拨付经费"][0]
    assert money.delta is None and money.delta_description == "累计（全部年度）"


def test_an_empty_database_gives_cards_with_dashes(con):
    cards = kpis.cards(queries.overview(con.cursor(), Filters()), "en")
    assert [c.value for c in cards if c.label.startswith("Assessed")] == ["—"]
    assert {c.label for c in cards} >= {"Active studios", "Funds granted"}


def test_no_change_draws_no_arrow(demo_con):

    overview = queries.overview(demo_con.cursor(), Filters(year=2024))
    same = overview | {
        "funds_previous": dict(overview["funds"]),
        "assessed_previous": dict(overview["assessed"]),
        "revoked_in_year": 0,
    }
    cards = {c.label: c for c in kpis.cards(same)}
    assert cards["不允许的支出"].delta is None
    assert cards["2024年度合格率"].delta is None
    assert cards["已撤销称号"].delta is None


def test_pass_rate_change_in_points_in_chinese(demo_con):

    cards = {
        c.label: c for c in kpis.cards(queries.overview(demo_con.cursor(), Filters(year=2024)))
    }
    delta = cards["2024年度合格率"].delta
    assert delta is None or delta.endswith("个百分点")
    assert "pp" not in (delta or "")
