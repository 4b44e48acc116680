"""The overview in a real browser at the two projector sizes, with screenshots to look at."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.browser import CHROMIUM_ARGS, SCREENSHOTS, SIZES, app_server, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def server(demo_template: Path, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    shutil.copy(demo_template, path)
    with app_server(path) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def open_page(browser, url: str, size: tuple[int, int]) -> Page:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(url)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=45_000)
    page.wait_for_load_state("networkidle")
    return page


def assert_healthy(page: Page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= page.evaluate("window.innerWidth"), "the page scrolls sideways"


@pytest.mark.parametrize("size", list(SIZES))
def test_overview_shows_chinese_kpi_cards_in_the_served_font(server, browser, size):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = open_page(browser, server + "/?year=2024", SIZES[size])
    try:
        assert page.locator('[data-testid="stMetric"]').count() >= 8
        assert "在管工作室" in page.inner_text("body")
        # The app's own font, not whatever the machine has: the room's PC may have no CJK font.
        assert page.evaluate("document.fonts.check('16px LabSans', '总览')")
        assert page.evaluate(
            "[...document.fonts].some(f => f.family.includes('LabSans') && f.status === 'loaded')"
        )
        assert_healthy(page)
        page.screenshot(path=str(SCREENSHOTS / f"overview-{size}.png"), full_page=True)
    finally:
        page.close()


def test_filters_survive_a_page_switch_and_stay_in_the_url(server, browser):
    page = open_page(browser, server + "/?year=2024&batch=3", SIZES["1920x1080"])
    try:
        page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="类型分布").click()
        page.wait_for_url("**/types?**")
        page.wait_for_timeout(1500)
        assert "year=2024" in page.url and "batch=3" in page.url
        page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="总览").click()
        page.wait_for_selector('[data-testid="stMetric"]')
        page.wait_for_timeout(1000)
        assert "year=2024" in page.url and "batch=3" in page.url
        assert "2024年度参加考核" in page.inner_text("body")
    finally:
        page.close()
