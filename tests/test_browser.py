"""Every page in a real browser at the two projector sizes, with screenshots to look at.

One app server on a demo database (and one on an empty database) for the module, one chromium
for all: each page is opened at 1920×1080 and 1024×768, waited for until the script has finished
and every chart is drawn, checked (no exception, no sideways scrolling, the Chinese title, the
sidebar filters) and shot in full under tests/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser import (
    CHROMIUM_ARGS,
    DRAWN,
    READY,
    SCREENSHOTS,
    SIZES,
    app_server,
    chromium_path,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# (screenshot name, URL path and query, the page title the leader must see). The first one is
# not the root on purpose: the first visit after a server start used to fall into Streamlit's
# old pages/ auto-navigation (English file names, no filters, no title).
PAGES: list[tuple[str, str, str]] = [
    ("types", "/types", "类型分布"),
    ("overview", "/", "总览"),
    ("assessments", "/assessments", "年度考核"),
    ("revocations", "/revocations", "称号撤销"),
    ("funds", "/funds", "经费使用"),
    ("studios", "/studios", "工作室档案"),
    ("profile", "/studios?studio=4", "工作室档案"),
    ("overview-2023-tech", "/?year=2023&type=技术创新型", "总览"),
    ("assessments-2023-tech", "/assessments?year=2023&type=技术创新型", "年度考核"),
    ("funds-unit", "/funds?year=2024&unit=青岛市市立医院", "经费使用"),
    ("revocations-en", "/revocations?lang=en", "Revocations"),
    ("overview-en", "/?lang=en", "Overview"),
]
EMPTY_PAGES: list[tuple[str, str, str]] = [
    ("empty-overview", "/", "总览"),
    ("empty-funds", "/funds", "经费使用"),
]

# Overflow where it shows: the document, Streamlit's main area (which scrolls itself), and the
# short lists, which are drawn whole (the long ones are grids that scroll on their own).
SIDEWAYS = """() => {
    const boxes = [
        document.scrollingElement,
        document.querySelector('[data-testid="stMain"]'),
        ...document.querySelectorAll('[data-testid="stTable"] > div'),
    ];
    return boxes.filter(Boolean)
        .filter(box => box.scrollWidth > box.clientWidth + 1)
        .map(box => `${box.tagName}.${box.dataset.testid || ''}: ${box.scrollWidth} > ${box.clientWidth}`);
}"""
# Text that the browser shortens with "…" (metric values, labels, buttons): measured against its
# box to the sub-pixel, as "57.00 万元" overflowing by one pixel is cut all the same.
CUT_OFF = """() => [...document.querySelectorAll('body *')].filter(box => {
    if (getComputedStyle(box).textOverflow !== 'ellipsis' || !box.innerText.trim()) return false;
    const text = document.createRange();
    text.selectNodeContents(box);
    return text.getBoundingClientRect().width > box.getBoundingClientRect().width + 0.5;
}).map(box => box.innerText.trim().slice(0, 40))"""
# The middle of the first sizeable bar of the first chart, in page coordinates.
FIRST_BAR = """() => {
    const chart = document.querySelector('[data-testid="stPlotlyChart"]');
    for (const bar of chart ? chart.querySelectorAll('.point path') : []) {
        const box = bar.getBoundingClientRect();
        if (box.width > 4 && box.height > 4) return [box.x + box.width / 2, box.y + box.height / 2];
    }
    return null;
}"""
UNITS = ("家", "分", "元", "%", "studios", "points", "yuan")
MAIN_HEIGHT = "document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
WIDE, NARROW = SIZES["1920x1080"], SIZES["1024x768"]


@pytest.fixture(scope="module")
def server(demo_template: Path, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    shutil.copy(demo_template, path)
    with app_server(path) as url:
        yield url


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory):
    with app_server(tmp_path_factory.mktemp("browser-empty") / "empty.duckdb") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def wait_rendered(page: Page, title: str) -> None:
    """Until the script has run to the end, the title is up, fonts are in and charts drawn."""
    page.get_by_role("heading", level=1, name=title).wait_for(timeout=45_000)
    page.wait_for_selector(READY, timeout=45_000)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_function(DRAWN, timeout=30_000)
    page.wait_for_timeout(200)  # plotly's last relayout after the fonts
    page.wait_for_function(DRAWN, timeout=10_000)


def open_page(browser: Browser, url: str, size: tuple[int, int], title: str) -> Page:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(url)
    wait_rendered(page, title)
    return page


def resize(page: Page, size: tuple[int, int]) -> None:
    """The same session in a window of another size: cheaper than a second load, the same
    layout (Streamlit's columns, grids and charts follow the width as it changes)."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.wait_for_timeout(200)
    page.wait_for_function(DRAWN, timeout=10_000)


def assert_healthy(page: Page) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
    assert page.evaluate(SIDEWAYS) == [], "the page scrolls sideways"
    assert page.evaluate(CUT_OFF) == [], "text cut off with an ellipsis"


def full_screenshot(page: Page, name: str) -> None:
    """The whole page: Streamlit scrolls its main area, not the document, so a full-page shot
    of the document alone would stop at the fold. The window is made as tall as the content
    (same width, so the same layout), shot, and put back."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    tall = max(height, int(page.evaluate(MAIN_HEIGHT)))
    resize(page, (width, tall))
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}x{height}.png"), full_page=True)
    resize(page, (width, height))


def hover_label(page: Page) -> str | None:
    """The hover text of the first chart's first bar (None: the page has no bar chart)."""
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    if not chart.count():
        return None
    chart.scroll_into_view_if_needed()
    point = page.evaluate(FIRST_BAR)
    if point is None:
        return None
    page.mouse.move(*point)
    label = page.locator(".hoverlayer .hovertext").first
    label.wait_for(timeout=5_000)
    text = label.text_content()
    page.mouse.move(*(n - 1 for n in page.viewport_size.values()))  # away, to no control
    return text


def check_and_shoot(page: Page, name: str, lang_en: bool) -> None:
    assert_healthy(page)
    # The shared sidebar of app.py is there: the filters and the Chinese navigation.
    assert ("Filters" if lang_en else "筛选") in page.get_by_test_id("stSidebar").inner_text()
    if not lang_en:
        nav = " ".join(
            page.get_by_test_id("stSidebar").get_by_test_id("stPageLink").all_inner_texts()
        )
        assert "类型分布" in nav and "types" not in nav
    for chart in page.locator('[data-testid="stPlotlyChart"]').all():
        assert chart.bounding_box()["height"] > 100
    full_screenshot(page, name)


@pytest.mark.parametrize(("name", "path", "title"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_renders_whole_at_both_sizes(server, browser, name, path, title):
    """Opened at 1024×768 (the beamer, the hard case), then widened to 1920×1080."""
    page = open_page(browser, server + path, NARROW, title)
    try:
        hover = hover_label(page)
        assert hover is None or any(unit in hover for unit in UNITS), hover
        check_and_shoot(page, name, "lang=en" in path)
        resize(page, WIDE)
        check_and_shoot(page, name, "lang=en" in path)
    finally:
        page.close()


@pytest.mark.parametrize(("name", "path", "title"), EMPTY_PAGES, ids=[p[0] for p in EMPTY_PAGES])
def test_an_empty_database_points_to_the_import_page(empty_server, browser, name, path, title):
    page = open_page(browser, empty_server + path, NARROW, title)
    try:
        for size in (NARROW, WIDE):
            resize(page, size)
            assert_healthy(page)
            assert "还没有数据" in page.inner_text("body")
            assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
            full_screenshot(page, name)
    finally:
        page.close()


def test_overview_shows_chinese_kpi_cards_in_the_served_font(server, browser):
    page = open_page(browser, server + "/?year=2024", WIDE, "总览")
    try:
        assert page.locator('[data-testid="stMetric"]').count() >= 8
        assert "在管工作室" in page.inner_text("body")
        # The app's own font, not whatever the machine has: the room's PC may have no CJK font.
        assert page.evaluate("document.fonts.check('16px LabSans', '总览')")
        assert page.evaluate(
            "[...document.fonts].some(f => f.family.includes('LabSans') && f.status === 'loaded')"
        )
        page.get_by_test_id("stSidebar").get_by_role("link", name="类型分布").click()
        page.wait_for_url("**/types?**")
        wait_rendered(page, "类型分布")
        assert "year=2024" in page.url, "the filters survive a page switch, in the URL"
    finally:
        page.close()
