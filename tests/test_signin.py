"""Sign-in, sessions, the audit tab and friendly errors, in AppTest (the browser test does cookies)."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from labstudio import audit, auth, db
from labstudio.ui import signin
from tests.conftest import REPO
from tests.test_app import PAGES

PASSWORD = "示例密码-2024"


@pytest.fixture
def analyst(demo_db, monkeypatch):
    monkeypatch.setenv("LABSTUDIO_SECRET", "apptest-secret")
    # A clock that stands still: a backoff of seconds holds however slow the machine is.
    monkeypatch.setattr(signin, "THROTTLE", auth.Throttle(clock=lambda: 1000.0))
    auth.add_user("analyst", PASSWORD)
    return "analyst"


def fresh() -> AppTest:
    return AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()


def attempt(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="signin_user").input(name)
    at.text_input(key="signin_password").input(password)
    at.button[[b.label for b in at.button].index("登录")].click().run()
    assert not at.exception
    return at


def trail() -> list[dict]:
    return audit.entries(db.cursor())


def signed_in(at: AppTest) -> bool:
    return any("已登录" in c.value for c in at.caption)


def test_a_wrong_password_is_cleared_and_recorded(analyst):
    at = attempt(fresh(), "analyst", "wrong-password")
    assert any("不正确" in e.value for e in at.error)
    assert at.text_input(key="signin_password").value == ""
    assert at.text_input(key="signin_user").value == "analyst"
    entries = trail()
    assert len(entries) == 1, entries
    (entry,) = entries
    assert entry["action"] == "sign_in_failed" and entry["user"] == "analyst"
    assert entry["details"] == {"reason": "wrong"}
    assert "wrong-password" not in str(entry)


def test_attempts_are_throttled_with_one_message_even_for_the_right_password(analyst):
    at = fresh()
    for _ in range(3):
        attempt(at, "analyst", "wrong-password")
    attempt(at, "analyst", PASSWORD)  # within the backoff: not even checked
    waits = [e.value for e in at.error if "次数过多" in e.value]
    assert waits and not signed_in(at)
    # Another name from the same client: held by the client's count, with the same words.
    attempt(at, "nobody", "whatever-password")
    assert [e.value for e in at.error if "次数过多" in e.value][0].split("请在")[0] == waits[
        0
    ].split("请在")[0]
    assert trail()[0]["details"] == {"reason": "throttled"}


def test_signing_in_sets_a_cookie_and_a_reload_resumes_until_sign_out(analyst, monkeypatch):
    at = attempt(fresh(), "analyst", PASSWORD)
    assert signed_in(at)
    session = at.session_state["analyst_session"]
    entry = trail()[0]
    assert entry["action"] == "sign_in" and entry["details"]["session"] == session.session_id
    scripts = [h.proto.body for h in at.get("html")]
    assert any(f"labstudio_session={session.token}" in s for s in scripts)

    # A reload: a new browser session that brings the cookie along.
    monkeypatch.setattr(signin, "_session_cookie", lambda: session.token)
    again = fresh()
    assert signed_in(again)
    again.switch_page("pages/data_import.py").run()
    assert not again.exception

    sign_out = [b for b in again.button if b.label == "退出登录"][0]
    sign_out.click().run()
    assert not signed_in(again)
    assert trail()[0]["action"] == "sign_out"
    assert any("Max-Age=0" in h.proto.body for h in again.get("html"))
    # The same cookie, still in some browser, no longer signs anyone in.
    assert not signed_in(fresh())


def test_a_changed_password_ends_a_running_session(analyst, monkeypatch):
    at = attempt(fresh(), "analyst", PASSWORD)
    assert signed_in(at)
    auth.add_user("analyst", "新的密码-2025")
    at.run()
    assert not signed_in(at)
    assert any(b.label == "登录" for b in at.button)


def test_the_import_page_shows_the_audit_log(analyst, tmp_path):
    at = attempt(fresh(), "analyst", PASSWORD)
    at.switch_page("pages/data_import.py").run()
    assert not at.exception
    table = [d.value for d in at.dataframe if "操作" in d.value.columns]
    assert table, [d.value.columns for d in at.dataframe]
    log = table[0]
    assert log.iloc[0]["操作"] == "登录" and log.iloc[0]["用户"] == "analyst"


def test_the_backup_button_keeps_a_snapshot_and_records_it(analyst):
    at = attempt(fresh(), "analyst", PASSWORD)
    at.switch_page("pages/data_import.py").run()
    at.button(key="backup_now").click().run()
    assert not at.exception
    assert any("已保存快照" in s.value for s in at.success)
    assert trail()[0]["action"] == "backup"


@pytest.mark.parametrize("page", PAGES)
def test_a_damaged_database_gives_every_page_a_friendly_message(demo_db, page):
    demo_db.write_bytes(demo_db.read_bytes()[: demo_db.stat().st_size // 2])
    at = fresh()
    at.switch_page(page).run()
    assert not at.exception
    (message,) = [e.value for e in at.error]
    assert "无法读取" in message and "管理员" in message
    shown = " ".join(str(getattr(e, "value", "")) for e in [*at.error, *at.markdown, *at.caption])
    assert str(demo_db.parent) not in shown and "IO Error" not in shown


def test_a_failure_inside_a_page_is_a_message_not_a_traceback(demo_db, monkeypatch, caplog):
    from labstudio.views import types as types_view

    def broken(*args, **kwargs):
        raise duckdb.IOException('Could not read enough bytes from file "/srv/secret/x.duckdb"')

    monkeypatch.setattr(types_view, "page", broken)
    at = fresh()
    at.switch_page("pages/types.py").run()
    assert not at.exception
    assert any("无法读取" in e.value for e in at.error)
    assert not any("/srv/secret" in e.value for e in at.error)

    def bug(*args, **kwargs):
        raise KeyError("internal detail")

    monkeypatch.setattr(types_view, "page", bug)
    at = fresh()
    at.switch_page("pages/types.py").run()
    assert not at.exception
    assert any("页面出错了" in e.value for e in at.error)
    assert not any("internal detail" in e.value for e in at.error)


def test_a_download_is_recorded_when_it_is_taken_not_when_drawn(demo_db):
    from labstudio.filters import Filters
    from labstudio.ui import audited

    made = audited.download(lambda: b"PK-bytes", "handout", "会议投屏.pdf", Filters(year=2024))
    assert trail() == []  # drawing the button records nothing
    assert made() == b"PK-bytes"
    (entry,) = trail()
    assert entry["action"] == "export" and entry["user"] is None  # a viewer
    assert entry["details"]["what"] == "handout" and entry["details"]["filters"] == {"year": "2024"}
    assert entry["details"]["file"] == "会议投屏.pdf" and len(entry["details"]["sha256"]) == 64
