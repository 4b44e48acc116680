"""The app shell and the overview, run with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from labstudio import db, kpis, queries
from labstudio.filters import Filters
from tests.conftest import REPO

PAGES = [
    "pages/overview.py",
    "pages/types.py",
    "pages/assessments.py",
    "pages/revocations.py",
    "pages/funds.py",
    "pages/studios.py",
    "pages/meeting.py",
]


def app(**query: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected_cards(filters: Filters, lang: str = "zh") -> dict[str, str]:
    cur = db.cursor()
    return {c.label: c.value for c in kpis.cards(queries.overview(cur, filters), lang)}


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"year": "2024"},
        {"year": "2023", "type": "技术创新型"},
        {"batch": "3"},
        {"unit": "青岛市市立医院", "year": "2025"},
        {"status": "revoked"},
    ],
    ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()) or "none",
)
def test_overview_cards_equal_summary_for_the_same_filters(demo_db, query):
    at = app(**query)
    assert not at.exception
    filters = Filters(**{k: (int(v) if k in ("year", "batch") else v) for k, v in query.items()})
    shown = metrics(at)
    assert shown == expected_cards(filters)
    summary = queries.summary(db.cursor(), filters)
    assert shown["在管工作室"] == f"{summary['studios']['by_status']['active']} 家"


def test_changing_a_filter_changes_the_figures(demo_db):
    at = app()
    before = metrics(at)
    at.selectbox(key="type").select("服务创新型").run()
    assert not at.exception
    after = metrics(at)
    assert after != before
    assert after == expected_cards(Filters(type="服务创新型"))


def test_the_demo_banner_is_shown(demo_db):
    at = app()
    assert any("演示数据" in info.value for info in at.info)


def test_an_empty_database_points_to_the_import_page(empty_db):
    at = app()
    assert not at.exception
    assert not at.metric
    assert any("还没有数据" in s.value for s in at.subheader)
    assert any("数据导入" in m.value for m in at.markdown)


def test_url_values_that_match_nothing_give_an_empty_view(demo_db):
    at = app(unit="不存在的医院")
    assert not at.exception
    assert any("没有符合当前筛选条件" in w.value for w in at.warning)


def test_english_with_lang_en(demo_db):
    at = app(lang="en")
    assert not at.exception
    assert "Active studios" in metrics(at)
    assert at.title[0].value == "Overview"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(demo_db, page):
    at = app()
    at.switch_page(page).run()
    assert not at.exception


def test_viewers_get_no_import_page(demo_db):
    at = app()
    with pytest.raises(Exception):  # noqa: B017 - AppTest refuses a page the navigation lacks
        at.switch_page("pages/data_import.py").run()
