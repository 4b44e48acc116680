"""Filters and navigation in a real browser: language switches both ways, page switches,
reloads and copied links keep the canonical values; a cold first visit paints the real
navigation first.

AppTest cannot show the 全部年度 bug: the browser sends every select box's value back as its
displayed label, which AppTest does not do for untouched boxes. So these run in chromium, against
a server of their own (the cold visits each against a server started for them alone).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, sync_playwright

from labstudio.ui import navigation
from tests.browser import CHROMIUM_ARGS, READY, SCREENSHOTS, SIZES, app_server, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NARROW, WIDE = SIZES["1024x768"], SIZES["1920x1080"]
FILTER_KEYS = ("year", "type", "batch", "unit", "status")

# (filter, canonical value, what its box shows in Chinese, in English)
FILTERS = [
    ("year", "2024", "2024", "2024"),
    ("type", "服务创新型", "服务创新型", "Service innovation"),
    ("batch", "3", "第三批", "Batch 3"),
    ("unit", "青岛市市立医院", "青岛市市立医院", "青岛市市立医院"),
    ("status", "revoked", "已撤销", "Revoked"),
]
BOX_TITLES = {
    "zh": {"year": "年度", "type": "类型", "batch": "批次", "unit": "所在单位", "status": "状态"},
    "en": {"year": "Year", "type": "Type", "batch": "Batch", "unit": "Unit", "status": "Status"},
}
TITLES = {"zh": "总览", "en": "Overview"}


@pytest.fixture(scope="module")
def server(demo_template: Path, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("browser-filters") / "demo.duckdb"
    shutil.copy(demo_template, path)
    with app_server(path) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def url_filters(page: Page) -> dict[str, str]:
    query = parse_qs(urlsplit(page.url).query)
    return {k: v[0] for k, v in query.items() if k in FILTER_KEYS}


def settled(page: Page, title: str) -> None:
    """The script has run to the end with `title` as the page heading."""
    page.get_by_role("heading", level=1, name=title).wait_for(timeout=45_000)
    page.wait_for_selector(READY, timeout=45_000)
    page.wait_for_timeout(300)  # a rerun the last one asked for (the URL written after it)
    page.wait_for_selector(READY, timeout=45_000)


def box(page: Page, key: str, lang: str):
    return page.get_by_test_id("stSidebar").get_by_role("combobox", name=BOX_TITLES[lang][key])


def shown(page: Page, key: str, lang: str) -> str:
    return box(page, key, lang).input_value().strip()


def switch_language(page: Page, to: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role(
        "button", name="English" if to == "en" else "中文"
    ).click()
    page.wait_for_url("**lang=en**" if to == "en" else lambda url: "lang=en" not in url)
    settled(page, TITLES[to])


def assert_view(page: Page, expected: dict[str, str], lang: str) -> None:
    assert url_filters(page) == expected, page.url
    body = page.inner_text("body")
    assert "没有符合当前筛选条件" not in body and "No studio matches" not in body
    assert "全部年度" not in page.url and "All" not in page.url


@pytest.mark.parametrize(
    ("key", "value", "zh", "en"), [(None, None, "全部年度", "All years"), *FILTERS]
)
def test_a_filter_survives_switching_to_english_and_back(server, browser, key, value, zh, en):
    """The leader's way in: a link with a filter, English, then 中文 again (and once more)."""
    expected = {key: value} if key else {}
    page = browser.new_page(viewport={"width": NARROW[0], "height": NARROW[1]})
    try:
        page.goto(server + "/" + (f"?{key}={value}" if key else ""))
        settled(page, "总览")
        for lang in ("en", "zh", "en", "zh"):
            switch_language(page, lang)
            assert_view(page, expected, lang)
            assert shown(page, key or "year", lang) == (en if lang == "en" else zh)
        page.screenshot(path=str(SCREENSHOTS / f"filters-{key or 'none'}-back-in-chinese.png"))
    finally:
        page.close()


def choose(page: Page, key: str, lang: str, option: str) -> None:
    before = page.url
    box(page, key, lang).click()
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_url(lambda url: url != before)
    settled(page, TITLES[lang])


def test_filters_chosen_in_english_survive_chinese_pages_reloads_and_links(server, browser):
    """Each filter chosen in the English boxes, then Chinese, another page, a reload, and the
    copied link in a fresh browser session."""
    page = browser.new_page(viewport={"width": WIDE[0], "height": WIDE[1]})
    try:
        page.goto(server + "/?lang=en")
        settled(page, "Overview")
        expected: dict[str, str] = {}
        for key, value, _zh, en in FILTERS:
            if key == "status":  # 2024 × service × batch 3 × one hospital × revoked is empty
                continue
            choose(page, key, "en", en)
            expected[key] = value
            assert_view(page, expected, "en")
        switch_language(page, "zh")
        assert_view(page, expected, "zh")
        for key, _value, zh, _en in FILTERS[:4]:
            assert shown(page, key, "zh") == zh
        # another page through the navigation, and back
        page.get_by_test_id("stSidebar").get_by_role("link", name="类型分布").click()
        page.wait_for_url("**/types**")
        settled(page, "类型分布")
        assert url_filters(page) == expected
        page.reload()
        settled(page, "类型分布")
        assert url_filters(page) == expected
        assert shown(page, "type", "zh") == "服务创新型"
        copied = page.url
    finally:
        page.close()
    # The copied link, opened by someone else (a new browser session).
    context = browser.new_context(viewport={"width": NARROW[0], "height": NARROW[1]})
    try:
        other = context.new_page()
        other.goto(copied)
        settled(other, "类型分布")
        assert url_filters(other) == expected
        assert shown(other, "batch", "zh") == "第三批"
        other.get_by_test_id("stSidebar").get_by_role("button", name="清除筛选").click()
        other.wait_for_url(lambda url: "type=" not in url)
        settled(other, "类型分布")
        assert url_filters(other) == {}
        assert shown(other, "type", "zh") == "全部类型"
    finally:
        context.close()


# What the first paint may show of the navigation: every page-list element the browser ever
# shows, recorded from the first byte on (a flash lasts one frame: polling would miss it).
RECORD_NAVIGATION = """
window.__navigation = [];
new MutationObserver(() => {
    const seen = [
        ...document.querySelectorAll('[data-testid="stSidebarNav"]'),
        ...document.querySelectorAll('[data-testid="stSidebarUserContent"] [data-testid="stPageLink"]'),
    ].map(e => e.dataset.testid + ': ' + e.innerText.replace(/\\s+/g, ' ').trim());
    for (const text of seen) if (!window.__navigation.includes(text)) window.__navigation.push(text);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@pytest.mark.parametrize(
    ("path", "title", "first"),
    [("/", "总览", "总览"), ("/types?year=2024&lang=en", "Types", "Overview")],
    ids=["root", "types-en"],
)
def test_a_cold_first_visit_paints_the_real_navigation_first(
    demo_template, tmp_path, browser, path, title, first
):
    """On a server started for this visit alone: Streamlit's list of page files (app,
    assessments, data import, …) never shows; the first navigation painted is the app's."""
    db_path = tmp_path / "cold.duckdb"
    shutil.copy(demo_template, db_path)
    with app_server(db_path) as url:
        page = browser.new_page(viewport={"width": NARROW[0], "height": NARROW[1]})
        try:
            page.add_init_script(RECORD_NAVIGATION)
            page.goto(url + path)
            settled(page, title)
            seen = page.evaluate("window.__navigation")
            assert seen, "no navigation at all"
            assert not [s for s in seen if s.startswith("stSidebarNav")], seen
            assert seen[0].endswith(first), seen
            links = page.get_by_test_id("stSidebar").get_by_test_id("stPageLink").all_inner_texts()
            # Every viewer page, and no import page for a viewer.
            assert len(links) == len(navigation.PAGES), links
            assert not any("data import" in t.lower() or "数据导入" in t for t in links), links
            if "year=2024" in path:
                assert url_filters(page) == {"year": "2024"}
            page.screenshot(path=str(SCREENSHOTS / f"cold-first-visit-{title}.png"))
        finally:
            page.close()
