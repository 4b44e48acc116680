"""An analyst signs in, uploads the notice's 附件2 table in chromium and sees the overview change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from labstudio import auth
from tests.browser import CHROMIUM_ARGS, READY, SCREENSHOTS, SIZES, app_server, chromium_path
from tests.importer_builders import annex2_workbook

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def active_studios(page) -> int:
    card = page.locator('[data-testid="stMetric"]').filter(has_text="在管工作室").first
    return int(card.locator('[data-testid="stMetricValue"]').inner_text().split()[0])


def upload(page, workbook: Path) -> None:
    """Sign in as the analyst, open 数据导入 and choose the file."""
    page.get_by_text("分析员登录").click()
    page.get_by_label("用户名").fill("analyst")
    page.get_by_label("密码").fill("browser-test-pw")
    page.get_by_role("button", name="登录").click()
    page.get_by_test_id("stSidebar").get_by_role("link", name="数据导入").click()
    page.wait_for_selector('[data-testid="stFileUploader"]', timeout=30_000)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(workbook))


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

        upload(page, roster)
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


def _results_2023_inspected_in_2024(tmp_path: Path) -> Path:
    """The workbook of issue 9: a roster, and the 2023 results under a line of 2024 dates."""
    from tests.importer_builders import annex2_rows, assessment_rows, write_xlsx

    results = assessment_rows(title="2023年度劳动模范（领军人才）创新工作室考核结果")
    results.insert(1, ["考核时间：2024年1月8日—1月19日"])
    sheets = {"名单": annex2_rows(), "考核": results}
    merges = {"考核": ["A1:E1", "A2:E2"]}
    return write_xlsx(tmp_path / "2023年度考核结果.xlsx", sheets, merges=merges)


def test_the_preview_shows_the_year_of_an_assessment_sheet_and_where_it_came_from(
    demo_template: Path, tmp_path: Path
):
    db_path = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, db_path)
    users = tmp_path / "users.json"
    auth.add_user("analyst", "browser-test-pw", users)
    workbook = _results_2023_inspected_in_2024(tmp_path)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with app_server(db_path, users) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for size, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url)
            page.wait_for_selector('[data-testid="stMetric"]', timeout=45_000)
            upload(page, workbook)
            page.get_by_role("button", name="提交导入").wait_for(timeout=60_000)
            page.wait_for_selector(READY, timeout=30_000)
            # The sheet's preview, open: the year, its source, and the date that did not decide.
            preview = page.get_by_test_id("stExpander").filter(has_text="考核（年度考核结果）")
            year = preview.get_by_text("考核年度 2023")
            year.wait_for(timeout=30_000)
            assert year.is_visible()
            assert preview.get_by_text("标题：2023年度劳动模范").first.is_visible()
            assert preview.get_by_text("考核时间").first.is_visible()
            assert preview.get_by_test_id("stNumberInputField").is_visible()
            # The table of sheets says it too, for every assessment sheet.
            grid = page.get_by_test_id("stDataFrame").first
            expect(grid).to_contain_text("2023：标题：2023年度劳动模范", timeout=15_000)
            assert page.locator('[data-testid="stException"]').count() == 0
            year.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            page.screenshot(path=str(SCREENSHOTS / f"import-year-{size}.png"), full_page=True)
            page.close()
        browser.close()
