"""Sign-in in chromium: the session survives a reload, sign-out ends it, the log says so.

Also a damaged database in the browser: a message in Chinese, no traceback, no server path.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from labstudio import audit, auth, db
from labstudio.labels import label
from tests.browser import CHROMIUM_ARGS, READY, SCREENSHOTS, SIZES, app_server, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "browser-test-pw"
DATA_VIEW = label("v.data")


def sidebar_says_signed_in(page) -> bool:
    return page.get_by_test_id("stSidebar").get_by_text("已登录：analyst").count() > 0


def settle(page) -> None:
    page.wait_for_selector(READY, timeout=45_000)
    page.wait_for_timeout(500)


def test_a_session_survives_a_reload_and_ends_with_sign_out(demo_template: Path, tmp_path: Path):
    db_path = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, db_path)
    users = tmp_path / "users.json"
    auth.add_user("analyst", PASSWORD, users)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with app_server(db_path, users) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for size, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(url)
            settle(page)
            page.get_by_text("分析员登录").click()
            page.get_by_label("用户名").fill("analyst")
            page.get_by_label("密码").fill("wrong-password")
            page.get_by_role("button", name="登录").click()
            page.get_by_text("用户名或密码不正确").wait_for(timeout=30_000)
            assert page.get_by_label("密码").input_value() == ""  # the field is emptied
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.get_by_text("已登录：analyst").wait_for(timeout=30_000)
            settle(page)
            page.screenshot(path=str(SCREENSHOTS / f"signed-in-{size}.png"))

            cookies = {c["name"]: c for c in context.cookies()}
            session = cookies["labstudio_session"]
            assert session["sameSite"] == "Strict" and session["expires"] > 0
            assert "$2b$" not in session["value"] and PASSWORD not in session["value"]

            page.reload()
            settle(page)
            assert sidebar_says_signed_in(page), "a reload lost the sign-in"
            page.get_by_test_id("stSidebar").get_by_role("link", name="数据导入").click()
            page.get_by_role("tab", name="操作记录").click()
            page.wait_for_timeout(1500)
            page.screenshot(path=str(SCREENSHOTS / f"audit-log-{size}.png"), full_page=True)
            assert page.locator('[data-testid="stException"]').count() == 0
            page.get_by_role("tab", name="备份").click()
            page.wait_for_timeout(800)
            page.screenshot(path=str(SCREENSHOTS / f"backups-tab-{size}.png"), full_page=True)

            if size == "1024x768":
                # Exports are recorded when taken: the 附件2 workbook and a table's CSV.
                nav = page.get_by_test_id("stSidebar")
                nav.get_by_role("link", name="总览").click()
                settle(page)
                with page.expect_download(timeout=60_000) as workbook:
                    page.get_by_role("button", name="导出附件2汇总表（Excel）").click()
                assert workbook.value.suggested_filename.endswith(".xlsx")
                page.get_by_test_id("stExpander").first.get_by_text(DATA_VIEW).click()
                settle(page)
                with page.expect_download(timeout=60_000) as table:
                    page.get_by_role("button", name="下载 CSV").first.click()
                assert table.value.suggested_filename.endswith(".csv")

            page.get_by_role("button", name="退出登录").click()
            page.get_by_text("分析员登录").wait_for(timeout=30_000)
            settle(page)
            assert "labstudio_session" not in {c["name"] for c in context.cookies()}
            page.reload()
            settle(page)
            assert not sidebar_says_signed_in(page)

            # A copy of the old cookie, put back by hand, is refused: the session has ended.
            context.add_cookies([session])
            page.reload()
            settle(page)
            assert not sidebar_says_signed_in(page)
            context.close()
        browser.close()
    log = db_path.with_suffix(".server.log").read_text(encoding="utf-8")
    lines = [json.loads(line) for line in log.splitlines() if line.startswith('{"time"')]
    actions = [line.get("action") for line in lines if line["logger"] == "labstudio.audit"]
    assert actions.count("sign_in") == 2 and actions.count("sign_out") == 2
    assert actions.count("sign_in_failed") == 2
    con = db.open_database(db_path)
    exports = [e for e in audit.entries(con.cursor()) if e["action"] == "export"]
    con.close()
    assert sorted(e["details"]["what"] for e in exports) == ["table", "附件2"]
    assert {e["user"] for e in exports} == {"analyst"}
    assert all(len(e["details"]["sha256"]) == 64 for e in exports)


def test_a_damaged_database_is_a_message_in_the_browser(demo_template: Path, tmp_path: Path):
    db_path = tmp_path / "damaged.duckdb"
    db_path.write_bytes(demo_template.read_bytes()[: demo_template.stat().st_size // 2])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with app_server(db_path) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for size, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for path in ("", "funds"):
                page.goto(f"{url}/{path}")
                page.get_by_text("数据库文件无法读取").wait_for(timeout=45_000)
                settle(page)
                body = page.locator("body").inner_text()
                assert str(tmp_path) not in body and "Traceback" not in body
                assert page.locator('[data-testid="stException"]').count() == 0
            page.screenshot(path=str(SCREENSHOTS / f"damaged-database-{size}.png"))
            page.close()
        browser.close()
    log = db_path.with_suffix(".server.log").read_text(encoding="utf-8")
    assert "damaged or unreadable" in log  # the details are for the operator, in the log
