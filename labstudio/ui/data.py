"""Cached reads for the pages. Every function takes the filters; the cache is cleared on import.

The cache key includes the database path, so a test or a second app on another file never sees
figures of the first.
"""

from __future__ import annotations

import streamlit as st

from labstudio import db, queries
from labstudio.filters import Filters
from labstudio.views._model import YEAR_SCOPED_PAGES, year_shown


def db_key() -> str:
    return str(db.default_db_path())


def cursor():
    """A cursor of this thread's own on the process-wide connection."""
    return db.cursor(db.default_db_path())


@st.cache_data(show_spinner=False)
def filter_options(db_path: str) -> dict[str, list]:
    return queries.filter_options(cursor())


@st.cache_data(show_spinner=False)
def overview(db_path: str, filters: Filters) -> dict:
    return queries.overview(cursor(), filters)


@st.cache_data(show_spinner=False)
def data_state(db_path: str) -> dict[str, bool]:
    cur = cursor()
    return {"empty": queries.is_empty(cur), "demo": queries.is_demo(cur)}


@st.cache_data(show_spinner=False)
def latest_assessment_year(db_path: str) -> int | None:
    return queries.latest_assessment_year(cursor())


def year_note(db_path: str, page: str, lang: str) -> str | None:
    """What the year box says when no year is chosen on a page that shows one year anyway."""
    if page not in YEAR_SCOPED_PAGES:
        return None
    return year_shown(latest_assessment_year(db_path), lang)


def clear() -> None:
    """After an import or a rollback: every page shows the new figures at once."""
    st.cache_data.clear()
