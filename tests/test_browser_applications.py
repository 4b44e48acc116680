"""申报初审 in chromium at both projector sizes: the batch, a checklist, an analyst's upload."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page

from labstudio import auth
from tests.browser import READY, SCREENSHOTS, SIZES, app_server
from tests.importer_builders import annex2_workbook
from tests.test_browser import (  # noqa: F401 - `browser` is the module's chromium fixture
    MAIN_HEIGHT,
    assert_healthy,
    browser,
    full_screenshot,
    open_page,
)
from tests.test_screening import BATCH

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "browser-test-pw"
FAILING = "周涛疼痛微创创新工作室"


@pytest.fixture(scope="module")
def server(demo_template: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("browser-applications")
    path = folder / "demo.duckdb"
    shutil.copy(demo_template, path)
    users = folder / "users.json"
    auth.add_user("analyst", PASSWORD, users)
    with app_server(path, users) as url:
        yield url


def tab_screenshot(page: Page, name: str) -> None:
    """full_screenshot for a page whose other tab holds charts: those stay undrawn while
    hidden, so only the time for a relayout is waited, not for every chart."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    tall = max(height, int(page.evaluate(MAIN_HEIGHT)))
    page.set_viewport_size({"width": width, "height": tall})
    page.wait_for_timeout(800)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}x{height}.png"), full_page=True)
    page.set_viewport_size({"width": width, "height": height})


def rules_shown(page: Page) -> list[str]:
    return page.locator(".ls-rule .ls-head").all_inner_texts()


def pick(page: Page, text: str) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text="选择申报").first.click()
    # The list is virtual (only the rows in view exist): type to narrow it first.
    page.keyboard.type(text[:4])
    page.get_by_role("option").filter(has_text=text).first.click()
    page.locator(".ls-rule").first.wait_for()
    page.get_by_role("heading", name=text).wait_for(timeout=30_000)


@pytest.mark.parametrize("size", ["1920x1080", "1024x768"])
def test_the_batch_and_a_checklist_in_the_browser(browser, server, size):  # noqa: F811
    page = open_page(browser, server + "/applications", SIZES[size], "申报初审")
    page.locator(".ls-rule").first.wait_for(timeout=30_000)
    assert_healthy(page)
    assert len(page.locator('[data-testid="stPlotlyChart"]').all()) == 2
    heads = rules_shown(page)
    assert len(heads) == 3 and "二(二) 领衔人条件" in heads[0]
    full_screenshot(page, "applications")

    pick(page, FAILING)
    assert_healthy(page)
    failing = page.locator(".ls-rule.fails")
    assert failing.count() == 1 and "三(一)1 类型申报条件" in failing.first.inner_text()
    marked = page.locator(".ls-rule.fails mark.fails").all_inner_texts()
    assert marked == ["2020年获青岛市科技进步二等奖", "2023年获实用新型专利4项"]
    # The evidence sits inside the cell as the applicant wrote it, readable at this size.
    box = page.locator(".ls-rule.fails .ls-text").first.bounding_box()
    assert box is not None and box["width"] > 400
    page.locator(".ls-rule.fails").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"applications-checklist-{size}.png"))
    full_screenshot(page, "applications-failing")
    page.close()


def test_an_analyst_uploads_a_batch_and_sees_it_screened(browser, server, tmp_path):  # noqa: F811
    table = annex2_workbook(tmp_path / "申报汇总表.xlsx", BATCH)
    page = open_page(browser, server + "/applications", SIZES["1024x768"], "申报初审")
    page.get_by_test_id("stSidebarUserContent").get_by_text("分析员登录", exact=True).click()
    page.get_by_label("用户名").fill("analyst")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("已登录").wait_for()
    page.wait_for_selector(READY)
    page.get_by_role("tab", name="上传初审").click()
    # The date field is in parts (year / month / day), each typed into on its own.
    for part, value in (("year", "2022"), ("month", "05"), ("day", "20")):
        page.get_by_role("spinbutton", name=f"{part}, 申报日期").click()
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1).click()  # the field sends its value when it loses focus
    page.wait_for_selector(READY)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(table))
    save = page.get_by_role("button", name="保存这批申报")
    save.wait_for(timeout=60_000)
    page.locator(".ls-rule").last.wait_for(timeout=30_000)
    page.get_by_text("2019-05-21 至 2022-05-20").first.wait_for(timeout=30_000)
    assert_healthy(page)
    assert page.get_by_text("赵刚微创介入创新工作室").first.is_visible()
    verdicts = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert verdicts[-3:] == ["1", "1", "1"]  # 符合, 需人工核实, 不符合
    tab_screenshot(page, "applications-upload")
    save.click()
    page.get_by_text("已保存 3 份申报").wait_for(timeout=30_000)
    page.close()
