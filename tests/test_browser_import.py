"""An analyst signs in, uploads the notice's 附件2 table in chromium and sees the overview change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from labstudio import auth
from tests.browser import CHROMIUM_ARGS, SCREENSHOTS, SIZES, app_server, chromium_path
from tests.importer_builders import annex2_workbook

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def active_studios(page) -> int:
    card = page.locator('[data-testid="stMetric"]').filter(has_text="在管工作室").first
    return int(card.locator('[data-testid="stMetricValue"]').inner_text().split()[0])


def test_upload_in_the_browser_changes_the_overview(demo_template: Path, tmp_path: Path):
    db_path = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, db_path)
    users = tmp_path / "users.json"
    auth.add_user("analyst", "browser-test-pw", users)
    roster = annex2_workbook(tmp_path / "附件2 汇总表.xlsx")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with app_server(db_path, users) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(
            viewport={"width": SIZES["1024x768"][0], "height": SIZES["1024x768"][1]}
        )
        page.goto(url)
        page.wait_for_selector('[data-testid="stMetric"]', timeout=45_000)
        before = active_studios(page)

        page.get_by_text("分析员登录").click()
        page.get_by_label("用户名").fill("analyst")
        page.get_by_label("密码").fill("browser-test-pw")
        page.get_by_role("button", name="登录").click()
        page.get_by_test_id("stSidebar").get_by_role("link", name="数据导入").click()
        page.wait_for_selector('[data-testid="stFileUploader"]', timeout=30_000)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            str(roster)
        )
        commit = page.get_by_role("button", name="提交导入")
        commit.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(SCREENSHOTS / "import-preview-1024x768.png"), full_page=True)
        assert commit.is_enabled()
        commit.click()
        page.get_by_text("已导入").wait_for(timeout=60_000)
        page.screenshot(path=str(SCREENSHOTS / "import-done-1024x768.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0

        page.get_by_test_id("stSidebar").get_by_role("link", name="总览").click()
        page.wait_for_selector('[data-testid="stMetric"]', timeout=30_000)
        page.wait_for_timeout(1000)
        assert active_studios(page) == before + 3
        browser.close()
