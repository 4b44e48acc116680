"""labstudio: the entry point. Page set-up, navigation, the shared sidebar; pages live in pages/."""

from __future__ import annotations

import streamlit as st

from labstudio import audit
from labstudio.labels import label
from labstudio.ui import components, data, errors, signin, state

st.set_page_config(
    page_title=label("app.title"),
    page_icon=":material/workspace_premium:",
    layout="wide",
)

audit.setup_server_log()
state.running_app_py()
lang = state.lang()

# A damaged or unreadable database: a friendly message on every page, the details in the log.
with errors.friendly(lang):
    options = data.filter_options(data.db_key())
    data_state = data.data_state(data.db_key())


def page(path: str, name: str, icon: str, url_path: str | None = None, default: bool = False):
    return st.Page(
        path,
        title=label(f"page.{name}", lang),
        icon=icon,
        url_path=url_path if url_path is not None else name,
        default=default,
        help=label(f"help.{name}", lang),
    )


pages = [
    page("pages/overview.py", "overview", ":material/dashboard:", url_path="", default=True),
    page("pages/types.py", "types", ":material/category:"),
    page("pages/assessments.py", "assessments", ":material/fact_check:"),
    page("pages/revocations.py", "revocations", ":material/block:"),
    page("pages/funds.py", "funds", ":material/payments:"),
    page("pages/studios.py", "studios", ":material/badge:"),
    page("pages/meeting.py", "meeting", ":material/co_present:"),
]
# Viewers get no import page at all: not in the navigation, and no page at its URL.
if signin.analyst():
    pages.append(page("pages/data_import.py", "import", ":material/upload_file:"))

current = st.navigation(pages, position="sidebar")

with st.sidebar:
    st.markdown(f"**{label('app.org', lang)}**  \n{label('app.subtitle', lang)}")
state.language_switch(lang)
state.sidebar_filters(options, lang)
signin.sidebar_signin(lang)

# The meeting page is full screen: no title, no banner, only the slide.
if current.url_path != "meeting":
    st.title(current.title, anchor=False)
    if data_state["demo"]:
        components.demo_banner(lang)

with errors.friendly(lang):
    current.run()
