"""Analyst sign-in in the sidebar. Viewers never need it; the import page exists only after it.

Attempts are throttled per user name and per client (labstudio.auth.Throttle, one per server
process), with the same message whichever of the two holds; the password field is emptied after
every attempt. A sign-in sets a signed session cookie (Streamlit's st.context.cookies is
read-only, so the browser sets it from a line of script), which a reload brings back for a
working day; signing out ends the session on the server too. Every attempt is in the audit log.
"""

from __future__ import annotations

import logging
from datetime import datetime

import duckdb
import streamlit as st

from labstudio import audit, auth, db
from labstudio.labels import label

COOKIE = "labstudio_session"
THROTTLE = auth.Throttle()
_log = logging.getLogger("labstudio.signin")


def client() -> str | None:
    """The browser's address as Streamlit sees it (None on localhost and in tests)."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no browser behind this run (a deferred download)
        return None
    return address if isinstance(address, str) else None


def _connection():
    return db.connection(db.default_db_path())


def _session_cookie() -> str | None:
    return st.context.cookies.get(COOKIE)


def _resume() -> None:
    """Once per browser session: a valid cookie from an earlier sign-in signs the analyst in."""
    if st.session_state.get("session_checked"):
        return
    st.session_state["session_checked"] = True
    try:
        session = auth.check_session(_session_cookie())
        if session is None or audit.session_ended(_connection().cursor(), session.session_id):
            return
    except (auth.AccountError, db.DatabaseError, duckdb.Error):
        _log.exception("a session cookie could not be checked")
        return
    _signed_in(session)


def _signed_in(session: auth.Session) -> None:
    st.session_state["analyst"] = session.user
    st.session_state["analyst_session"] = session
    st.session_state["analyst_account"] = auth.account_digest(session.user)


def _signed_out() -> None:
    for key in ("analyst", "analyst_session", "analyst_account"):
        st.session_state.pop(key, None)


def analyst() -> str | None:
    """The signed-in analyst, or None. A changed password or a removed account ends it."""
    _resume()
    user = st.session_state.get("analyst")
    if user is None:
        return None
    session = st.session_state.get("analyst_session")
    try:
        current = auth.account_digest(user)
    except auth.AccountError:
        current = None
    if (
        current is None
        or current != st.session_state.get("analyst_account")
        or (session is not None and session.expires <= datetime.now().timestamp())
    ):
        _signed_out()
        return None
    return user


def _cookie_script(token: str | None, seconds: int) -> str:
    # The token is base64url text and a dot, nothing that could end the string or the script.
    value = token if token and auth.TOKEN_PATTERN.match(token) else ""
    return (
        "<script>(function(){var secure=location.protocol==='https:'?';Secure':'';"
        f"document.cookie='{COOKIE}={value};Max-Age={int(seconds)};Path=/;SameSite=Strict'+secure;"
        "})();</script>"
    )


def _message(key: str, **values: object) -> None:
    st.session_state["signin_message"] = (key, values)


def _submit() -> None:
    """The form's callback: runs before the next script run, so it may empty the password."""
    name = str(st.session_state.get("signin_user", "")).strip()
    password = str(st.session_state.get("signin_password", ""))
    st.session_state["signin_password"] = ""
    where = client()
    keys = auth.throttle_keys(name, where)
    try:
        wait = THROTTLE.wait(keys)
        if wait > 0:
            audit.record_now(
                _connection(), "sign_in_failed", name or None, {"reason": "throttled"}, where
            )
            _message("auth.wait", seconds=wait)
            return
        if not auth.verify(name, password):
            THROTTLE.failed(keys)
            audit.record_now(
                _connection(), "sign_in_failed", name or None, {"reason": "wrong"}, where
            )
            _message("auth.failed")
            return
        THROTTLE.succeeded(keys)
        session = auth.issue_session(name)
        audit.record_now(
            _connection(),
            "sign_in",
            name,
            {"session": session.session_id, "until": datetime.fromtimestamp(session.expires)},
            where,
        )
    except (auth.AccountError, db.DatabaseError, duckdb.Error):
        _log.exception("sign-in could not be completed")
        _message("auth.unavailable")
        return
    _signed_in(session)
    st.session_state["signin_cookie"] = _cookie_script(
        session.token, int(session.expires - datetime.now().timestamp())
    )


def _sign_out() -> None:
    session = st.session_state.get("analyst_session")
    user = st.session_state.get("analyst")
    _signed_out()
    st.session_state["signin_cookie"] = _cookie_script(None, 0)
    try:
        audit.record_now(
            _connection(),
            "sign_out",
            user,
            {"session": session.session_id if session else None},
            client(),
        )
    except (db.DatabaseError, duckdb.Error):
        _log.exception("a sign-out could not be recorded")


def _show_message(lang: str) -> None:
    message = st.session_state.pop("signin_message", None)
    if not message:
        return
    key, values = message
    if key == "auth.wait":
        count, unit = auth.wait_text(values["seconds"])
        st.error(label(key, lang, wait=label(f"auth.unit.{unit}", lang, count=count)))
    else:
        st.error(label(key, lang))


def sidebar_signin(lang: str) -> None:
    with st.sidebar:
        # Set or clear the cookie once, in the run after signing in or out.
        if script := st.session_state.pop("signin_cookie", None):
            st.html(script, unsafe_allow_javascript=True)
        user = analyst()
        if user:
            st.caption(label("auth.signed_in", lang, user=user))
            session = st.session_state.get("analyst_session")
            if session is not None:
                until = datetime.fromtimestamp(session.expires).strftime("%Y-%m-%d %H:%M")
                st.caption(label("auth.until", lang, until=until))
            st.button(label("auth.sign_out", lang), icon=":material/logout:", on_click=_sign_out)
            return
        with st.expander(label("auth.title", lang), icon=":material/lock:"):
            if not auth.has_users():
                st.caption(label("auth.no_users", lang))
                return
            with st.form("signin", border=False):
                st.text_input(label("auth.user", lang), key="signin_user")
                st.text_input(label("auth.password", lang), type="password", key="signin_password")
                st.form_submit_button(label("auth.submit", lang), on_click=_submit)
            _show_message(lang)
