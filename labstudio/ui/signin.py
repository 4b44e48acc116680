"""Analyst sign-in in the sidebar. Viewers never need it; the import page exists only after it."""

from __future__ import annotations

import streamlit as st

from labstudio import auth
from labstudio.labels import label


def analyst() -> str | None:
    return st.session_state.get("analyst")


def sidebar_signin(lang: str) -> None:
    with st.sidebar:
        user = analyst()
        if user:
            st.caption(label("auth.signed_in", lang, user=user))
            if st.button(label("auth.sign_out", lang), icon=":material/logout:"):
                del st.session_state["analyst"]
                st.rerun()
            return
        with st.expander(label("auth.title", lang), icon=":material/lock:"):
            if not auth.has_users():
                st.caption(label("auth.no_users", lang))
                return
            with st.form("signin", border=False):
                name = st.text_input(label("auth.user", lang), key="signin_user")
                password = st.text_input(
                    label("auth.password", lang), type="password", key="signin_password"
                )
                if st.form_submit_button(label("auth.submit", lang)):
                    if auth.verify(name.strip(), password):
                        st.session_state["analyst"] = name.strip()
                        st.rerun()
                    else:
                        st.error(label("auth.failed", lang))
