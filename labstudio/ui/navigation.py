"""The page list and the sidebar navigation that app.py draws.

The navigation is drawn with `st.page_link`, not by `st.navigation` itself:
`client.showSidebarNavigation = false` (.streamlit/config.toml) is the one setting that keeps
Streamlit from drawing its own list of the files in pages/ (app, assessments, data import, …)
on the first visit after a server start, before app.py has run; it hides `st.navigation`'s
sidebar list as well, so the links below are the only navigation, and the first one painted.
Each link carries the filters and the language, so a link copied from it opens the same view.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from labstudio.labels import label
from labstudio.ui import signin, state

# name → (file, icon); the first is the default page, at the root URL.
PAGES: dict[str, tuple[str, str]] = {
    "overview": ("pages/overview.py", ":material/dashboard:"),
    "types": ("pages/types.py", ":material/category:"),
    "assessments": ("pages/assessments.py", ":material/fact_check:"),
    "revocations": ("pages/revocations.py", ":material/block:"),
    "funds": ("pages/funds.py", ":material/payments:"),
    "studios": ("pages/studios.py", ":material/badge:"),
    "applications": ("pages/applications.py", ":material/assignment_turned_in:"),
    "meeting": ("pages/meeting.py", ":material/co_present:"),
}
ANALYST_PAGES: dict[str, tuple[str, str]] = {
    "import": ("pages/data_import.py", ":material/upload_file:"),
}
DEFAULT = "overview"


def _page(name: str, path: str, icon: str, lang: str) -> st.Page:
    return st.Page(
        path,
        title=label(f"page.{name}", lang),
        icon=icon,
        url_path="" if name == DEFAULT else name,
        default=name == DEFAULT,
        help=label(f"help.{name}", lang),
    )


def pages(lang: str) -> list[st.Page]:
    """The pages this session may open. Viewers get no import page at all: not in the
    navigation, and no page at its URL."""
    entries = dict(PAGES)
    if signin.analyst():
        entries |= ANALYST_PAGES
    return [_page(name, path, icon, lang) for name, (path, icon) in entries.items()]


def name(page: st.Page) -> str:
    """The page's name in PAGES ("overview" for the root)."""
    return page.url_path or DEFAULT


def sidebar(items: list[st.Page], lang: str) -> None:
    """The links to every page, at the top of the sidebar."""
    carried = state.link_query(lang)
    with st.sidebar, st.container(gap="xxsmall", key="navigation"):
        for item in items:
            st.page_link(item, query_params=carried)
    st.sidebar.divider()


PROFILE_PARAM = "studio"


def profile_url(studio_id: int, lang: str) -> str:
    """A studio's profile, with the filters and language in force (relative to the app, so it
    works under any base path)."""
    return "studios?" + urlencode({**state.link_query(lang), PROFILE_PARAM: studio_id})
