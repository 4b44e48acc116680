"""Cached page views: each page's data and figures, keyed on (database, filters, language).

Like labstudio.ui.data: the database path is part of every key, so a second app (or a test) on
another file never sees these figures, and `data.clear()` after an import empties them all.
"""

from __future__ import annotations

import streamlit as st

from labstudio import export
from labstudio.filters import Filters
from labstudio.ui.data import cursor
from labstudio.views import assessments as assessments_view
from labstudio.views import funds as funds_view
from labstudio.views import overview as overview_view
from labstudio.views import revocations as revocations_view
from labstudio.views import studios as studios_view
from labstudio.views import types as types_view
from labstudio.views._model import PageView

# A page view holds a few figures; 64 filter combinations per page is plenty for a meeting.
_CACHE = {"show_spinner": False, "max_entries": 64}


@st.cache_data(**_CACHE)
def overview(db_path: str, filters: Filters, lang: str) -> PageView:
    return overview_view.page(cursor(), filters, lang)


@st.cache_data(**_CACHE)
def types(db_path: str, filters: Filters, lang: str) -> PageView:
    return types_view.page(cursor(), filters, lang)


@st.cache_data(**_CACHE)
def assessments(db_path: str, filters: Filters, lang: str) -> PageView:
    return assessments_view.page(cursor(), filters, lang)


@st.cache_data(**_CACHE)
def revocations(db_path: str, filters: Filters, lang: str) -> PageView:
    return revocations_view.page(cursor(), filters, lang)


@st.cache_data(**_CACHE)
def funds(db_path: str, filters: Filters, lang: str) -> PageView:
    return funds_view.page(cursor(), filters, lang)


@st.cache_data(**_CACHE)
def studios(db_path: str, filters: Filters, lang: str, search: str = "") -> PageView:
    return studios_view.page(cursor(), filters, lang, search)


@st.cache_data(**_CACHE)
def profile(db_path: str, studio_id: int, lang: str) -> PageView:
    return studios_view.profile_page(cursor(), studio_id, lang)


@st.cache_data(show_spinner=False, max_entries=8)
def workbook(db_path: str, filters: Filters) -> bytes:
    """The 附件2 workbook of the filtered view (built only when someone downloads it)."""
    return export.export_workbook(cursor(), filters)
