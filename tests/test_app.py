"""The app shell and the overview, run with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from labstudio import db, kpis, queries
from labstudio.filters import Filters
from labstudio.ui import state
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
    at.selectbox(key=state.widget_key("type", "zh")).select("服务创新型").run()
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


# --- filters survive language switches, page switches and links (issue 10) ---------------------

# One case per filter (and none): the canonical value the URL and the session must hold.
FILTER_VALUES = [
    {},
    {"year": "2024"},
    {"type": "服务创新型"},
    {"batch": "3"},
    {"unit": "青岛市市立医院"},
    {"status": "revoked"},
    {"year": "2025", "type": "技术创新型", "batch": "2", "status": "active"},
]


def filter_state(at: AppTest, lang: str) -> tuple[dict, dict, dict]:
    """(URL filters, session filters, what each select box holds) after a run."""
    url = {k: v for k, v in at.query_params.items() if k in state.FILTER_KEYS}
    url = {k: v[0] if isinstance(v, list) else v for k, v in url.items()}
    session = {k: at.session_state[k] for k in state.FILTER_KEYS if at.session_state[k]}
    boxes = {
        k: box.value
        for k in state.FILTER_KEYS
        if (box := at.selectbox(key=state.widget_key(k, lang))).value
    }
    return url, session, boxes


def set_lang(at: AppTest, lang: str) -> AppTest:
    """What the language button does: ?lang=en, or no lang for Chinese."""
    if lang == "en":
        at.query_params["lang"] = "en"
    elif "lang" in at.query_params:
        del at.query_params["lang"]
    return at.run()


@pytest.mark.parametrize("values", FILTER_VALUES, ids=lambda q: "&".join(q) or "none")
def test_filters_survive_language_switches_both_ways(demo_db, values):
    at = app(**values)
    for lang in ("zh", "en", "zh", "en"):
        set_lang(at, lang)
        assert not at.exception
        assert filter_state(at, lang) == (values, values, values), lang
        assert metrics(at) == expected_cards(Filters(**_typed(values)), lang), lang
        assert not any("没有符合" in w.value or "No studio matches" in w.value for w in at.warning)


@pytest.mark.parametrize("values", FILTER_VALUES[1:6], ids=lambda q: "&".join(q))
def test_a_filter_chosen_in_english_survives_the_switch_to_chinese(demo_db, values):
    at = app(lang="en")
    ((key, value),) = values.items()
    at.selectbox(key=state.widget_key(key, "en")).select(value).run()
    assert filter_state(at, "en") == (values, values, values)
    set_lang(at, "zh")
    assert filter_state(at, "zh") == (values, values, values)
    # … and cleared in Chinese, it stays cleared in English.
    at.selectbox(key=state.widget_key(key, "zh")).select(state.ALL).run()
    set_lang(at, "en")
    assert filter_state(at, "en") == ({}, {}, {})


@pytest.mark.parametrize("page", PAGES[1:6])
def test_filters_survive_a_page_switch(demo_db, page):
    values = {"year": "2024", "type": "技术创新型", "batch": "3", "status": "active"}
    at = app(**values)
    at.switch_page(page).run()
    assert not at.exception
    assert {k: at.session_state[k] for k in values} == values
    at.switch_page("pages/overview.py").run()
    assert filter_state(at, "zh") == (values, values, values)


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        # A link copied while the URL carried labels (the 全部年度 bug): "all" means no filter.
        ({"year": "全部年度", "type": "全部类型", "batch": "全部批次", "unit": "全部单位"}, {}),
        ({"year": "All years", "status": "Any status"}, {}),
        ({"batch": "第三批", "type": "Technical innovation"}, {"batch": "3", "type": "技术创新型"}),
        ({"batch": "Batch 2", "status": "已撤销"}, {"batch": "2", "status": "revoked"}),
        ({"year": " 2024 ", "status": "Active"}, {"year": "2024", "status": "active"}),
    ],
    ids=["zh-all-labels", "en-all-labels", "batch-type-labels", "en-batch-zh-status", "spaces"],
)
def test_a_link_with_labels_is_read_as_the_values_they_stand_for(demo_db, query, canonical):
    at = app(**query)
    assert not at.exception
    assert filter_state(at, "zh") == (canonical, canonical, canonical)
    assert metrics(at) == expected_cards(Filters(**_typed(canonical)))


def test_the_year_box_says_which_year_the_page_shows(demo_db):
    at = app()
    year = queries.latest_assessment_year(db.cursor())
    said = f"考核数字为{year}年度（最近一次考核）"
    assert said in [c.value for c in at.sidebar.caption]
    assert any(said in c.value for c in at.main.caption)
    # A chosen year needs no note: the box says it.
    at.selectbox(key=state.widget_key("year", "zh")).select(str(year - 1)).run()
    assert not any("最近一次考核" in c.value for c in at.caption)


def _typed(values: dict[str, str]) -> dict[str, object]:
    return {k: (int(v) if k in ("year", "batch") else v) for k, v in values.items()}


def test_a_year_that_is_no_year_is_said_not_silently_dropped(demo_db):
    at = app(year="abc")
    assert not at.exception
    assert any("“abc”不是年份" in w.value for w in at.sidebar.warning)
    assert metrics(at) == expected_cards(Filters())
