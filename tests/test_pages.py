"""The dashboard pages under AppTest: they run, follow the filters, and agree with `summary`."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from labstudio import db, queries
from labstudio.domain import CATEGORIES, GRADES, GROUNDS, TYPES, UNTYPED
from labstudio.filters import Filters, from_mapping
from labstudio.ui import charts_ui, state
from tests.conftest import REPO

PAGES = [
    "pages/overview.py",
    "pages/types.py",
    "pages/assessments.py",
    "pages/revocations.py",
    "pages/funds.py",
    "pages/studios.py",
]
CHART_PAGES = PAGES[:5]

# One table of filter cases for every page; the last ones match nothing.
FILTER_CASES = [
    {},
    {"year": "2024"},
    {"year": "2023", "type": "技术创新型"},
    {"batch": "3"},
    {"unit": "青岛市市立医院", "year": "2025"},
    {"status": "revoked"},
    {"type": "未分类"},
]
NOTHING_CASES = [
    {"unit": "不存在的医院"},
    {"batch": "第九十九批"},
    {"type": "'; DROP TABLE studios; --"},
]


def case_id(query: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in query.items()) or "none"


def app(page: str = "pages/overview.py", **query: str) -> AppTest:
    """`page` run with the filters (and ?lang, ?studio) of `query`.

    AppTest 1.67 runs a page chosen with switch_page() on its own, without the entry script
    (app.py) around it, so the sidebar widgets that hold the filters are not drawn. The filters
    are then seeded into session state, exactly where those widgets keep them; the overview,
    the default page, runs through app.py and reads them from the URL as a browser would.
    """
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for key in ("lang", "studio"):
        if key in query:
            at.query_params[key] = query[key]
    filters = {k: v for k, v in query.items() if k in state.FILTER_KEYS}
    if page == "pages/overview.py":
        for key, value in filters.items():
            at.query_params[key] = value
        return at.run()
    at.switch_page(page)
    for key, value in filters.items():
        at.session_state[key] = value
    return at.run()


def charts(at: AppTest) -> dict[str, dict]:
    """The page's plotly figures as JSON, by panel key (charts_ui puts it in layout.meta)."""
    result = {}
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        meta = spec["layout"].get("meta") or {}
        result[meta.get("panel")] = spec
    return result


def totals(spec: dict, axis: str = "x") -> dict[str, float]:
    """Stacked bars summed per category (`axis` holds the category)."""
    value = "y" if axis == "x" else "x"
    result: dict[str, float] = {}
    for trace in spec["data"]:
        # The bars, not the clickable legend drawn beside them (charts.clickable_legend).
        if trace.get("type") != "bar" or (trace.get("meta") or {}).get("role") == "legend":
            continue
        for category, number in zip(trace[axis], trace[value], strict=True):
            result[category] = result.get(category, 0) + (number or 0)
    return {category: number for category, number in result.items() if number}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_its_parts(demo_db, page):
    at = app(page)
    assert not at.exception
    assert not at.warning
    assert any(b.label.startswith("导出附件2") for b in at.get("download_button"))
    if page in CHART_PAGES:
        specs = charts(at)
        assert specs, "a chart page without charts"
        # every chart's data one click away: a 数据 expander per chart
        assert sum(1 for e in at.expander if e.label == "数据") >= len(specs)
    else:
        assert len(at.dataframe) == 1


@pytest.mark.parametrize("query", FILTER_CASES, ids=case_id)
def test_the_figures_each_page_shows_equal_summary(demo_db, query):
    filters = from_mapping(query)
    summary = queries.summary(db.cursor(), filters)
    studios = summary["studios"]
    assert studios["total"], "every case here matches some studios"

    at = app("pages/overview.py", **query)
    assert not at.exception
    life = totals(charts(at)["life_cycle"], axis="y")
    assert life.get("已撤销称号", 0) == studios["by_status"]["revoked"]
    assert sum(life.values()) == studios["total"]

    at = app("pages/types.py", **query)
    assert not at.exception
    shown = totals(charts(at)["type_share"])
    assert shown == {t: n for t, n in studios["by_type"].items() if n}
    batches = totals(charts(at)["batch_type"])
    expected = {
        f"第{'一二三'[int(b) - 1]}批": n
        for b, n in studios["by_batch"].items()
        if b != "unknown" and n
    }
    assert batches == expected

    at = app("pages/assessments.py", **query)
    assert not at.exception
    year = filters.year or queries.latest_assessment_year(db.cursor())
    by_year = queries.assessment_summary(db.cursor(), filters.with_year(year))
    if str(year) in by_year:
        shown = totals(charts(at)["grades"])
        assert shown == {g: n for g, n in by_year[str(year)]["by_result"].items() if n}
    history = queries.assessment_summary(db.cursor(), filters.with_year(None))
    trend = charts(at)["trend"]["data"]
    assert trend[0]["x"] == list(history)
    assert trend[1]["y"] == [h["mean_score"] for h in history.values()]

    at = app("pages/revocations.py", **query)
    assert not at.exception
    shown = totals(charts(at)["by_ground"]) if summary["revocations"]["total"] else {}
    assert shown == {g: n for g, n in summary["revocations"]["by_reason"].items() if n}

    at = app("pages/funds.py", **query)
    assert not at.exception
    shown = totals(charts(at)["by_category"])
    for category in CATEGORIES:
        expected = summary["funds"]["by_category"][category]
        assert shown.get(category, 0) == pytest.approx(expected)
    over = [t for t in at.markdown if t.value == "**超支工作室**"]
    assert over

    at = app("pages/studios.py", **query)
    assert not at.exception
    assert len(at.dataframe[0].value) == studios["total"]


def test_a_filter_change_changes_every_page(demo_db):
    for page in PAGES:
        at = app(page)
        before = (charts(at), [len(d.value) for d in at.dataframe])
        if page == "pages/overview.py":
            at.selectbox(key=state.widget_key("type", "zh")).select("服务创新型").run()
        else:
            at.session_state["type"] = "服务创新型"
            at.run()
        assert not at.exception
        after = (charts(at), [len(d.value) for d in at.dataframe])
        assert after != before, page


@pytest.mark.parametrize("page", PAGES)
def test_an_empty_database_points_to_the_import_page(empty_db, page):
    at = app(page)
    assert not at.exception
    assert any("还没有数据" in s.value for s in at.subheader)
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("query", NOTHING_CASES, ids=case_id)
def test_url_values_that_match_nothing_give_an_empty_view(demo_db, query):
    for page in PAGES:
        at = app(page, **query)
        assert not at.exception, page
        assert any("没有符合当前筛选条件" in w.value for w in at.warning), page
        assert not at.get("plotly_chart")
    assert queries.summary(db.cursor(), Filters())["studios"]["total"] == 60


def test_a_studio_profile_opens_from_the_url(demo_db):
    at = app("pages/studios.py", studio="4")
    assert not at.exception
    assert at.subheader[0].value == "王娟智慧影像创新工作室"
    assert any("超过" in w.value for w in at.warning)  # seven honours listed
    assert "history" in charts(at)


@pytest.mark.parametrize("value", ["99999", "abc", "-1", "1.5"])
def test_an_unknown_studio_says_so(demo_db, value):
    at = app("pages/studios.py", studio=value)
    assert not at.exception
    assert any(value in w.value for w in at.warning)


def test_the_directory_search_narrows_the_list(demo_db):
    at = app("pages/studios.py")
    everything = len(at.dataframe[0].value)
    at.text_input(key="studio_search").input("劳模").run()
    assert not at.exception
    assert 0 < len(at.dataframe[0].value) < everything


def test_english_pages(demo_db):
    at = app(lang="en")
    assert at.title[0].value == "Overview"
    assert any(e.label == "Data" for e in at.expander)
    for page in ("pages/types.py", "pages/funds.py"):
        at = app(page, lang="en")
        assert not at.exception
        assert any(e.label == "Data" for e in at.expander)
        assert any(b.label.startswith("Export") for b in at.get("download_button"))


def test_a_click_on_a_bar_sets_the_filters_it_carries():
    def script():
        import streamlit as st

        from labstudio.ui import charts_ui

        st.session_state["fake_chart"] = {
            "selection": {"points": [{"customdata": ["batch", "3", "type", "服务创新型"]}]}
        }
        charts_ui._apply_selection("fake_chart")
        st.session_state["empty_chart"] = {"selection": {"points": []}}
        charts_ui._apply_selection("empty_chart")

    at = AppTest.from_function(script).run()
    assert not at.exception
    assert at.session_state["batch"] == "3"
    assert at.session_state["type"] == "服务创新型"
    assert "year" not in at.session_state
    assert set(state.FILTER_KEYS) >= {"batch", "type"}
    assert charts_ui.PROFILE_PARAM == "studio"


def test_types_are_one_colour_everywhere(demo_db):
    from labstudio.charts import TYPE_COLOURS

    names = {t: t for t in (*TYPES, UNTYPED)}
    seen: dict[str, set[str]] = {}
    for page in CHART_PAGES:
        at = app(page)
        for spec in charts(at).values():
            for trace in spec["data"]:
                colour = (trace.get("marker") or {}).get("color")
                if trace.get("name") in names and isinstance(colour, str):
                    seen.setdefault(trace["name"], set()).add(colour)
    assert seen
    for name, colours in seen.items():
        assert colours == {TYPE_COLOURS[name]}, name
    assert GRADES and GROUNDS


def test_a_profile_has_the_export_too(demo_db):
    at = app("pages/studios.py", studio="4")
    assert not at.exception
    assert any(b.label.startswith("导出附件2") for b in at.get("download_button"))


def test_short_lists_are_shown_whole(demo_db):
    at = app("pages/funds.py")
    assert not at.exception
    # 超支工作室 and 不允许的支出明细 (a handful of rows) are static tables: every column on
    # screen at 1024 × 768, none behind a sideways scroll.
    over = [t.value for t in at.table if "余额（元）" in t.value.columns]
    assert list(over[0].columns) == [
        "所在单位",
        "创新工作室",
        "类型",
        "经费额度（元）",
        "已支出（元）",
        "余额（元）",
        "档案",  # a link to the studio's profile
    ]
    assert over[0]["档案"].iloc[0].startswith("studios?studio=")
    # Money in every table with thousands separators and fen, as in the charts.
    assert set(charts_ui.column_config(over[0], "zh")) == {
        "经费额度（元）",
        "已支出（元）",
        "余额（元）",
    }
    assert charts_ui._one_line("2025-10-10") and charts_ui._one_line("技术创新型")
    assert not charts_ui._one_line("青岛市疾病预防控制中心")
    assert charts_ui._markdown_safe("a*b_c") == "a\\*b\\_c"


def test_a_data_view_draws_its_table_only_when_opened(demo_db):
    at = app("pages/types.py")
    tables, buttons = len(at.dataframe), len(at.get("download_button"))
    at.session_state["types_type_share_data"] = True  # what a click on 数据 records
    at.run()
    assert not at.exception
    assert len(at.dataframe) == tables + 1
    names = [b.label for b in at.get("download_button")]
    assert len(names) == buttons + 2 and "CSV" in " ".join(names)
