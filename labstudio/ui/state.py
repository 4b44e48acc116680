"""The global filters and the language: sidebar widgets mirrored to the URL query.

A copied link (?year=2023&type=技术创新型&batch=3&unit=…) reopens the same view, and the values
survive page switches because the sidebar is drawn by app.py on every page. The URL is synced by
hand rather than with `bind="query-params"`: bind writes the *displayed* label (第三批, 已撤销)
into the URL, and the links must carry the stable values (3, revoked) in every language. A URL
value that matches nothing in the data is kept as an extra option, so the view is empty rather
than silently widened to everything.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from labstudio import labels
from labstudio.filters import STATUSES, Filters, from_mapping
from labstudio.labels import label

FILTER_KEYS: tuple[str, ...] = ("year", "type", "batch", "unit", "status")
ALL = ""  # the option that means "no filter"; dropped from the URL as the default


def _leave_the_pages_folder_mode() -> None:
    """Rerun through app.py when Streamlit ran a file of pages/ on its own.

    Streamlit decides per process, before the first run, that an app with a `pages/` folder is
    an old-style multipage app, and forgets it only when `st.navigation` is called. So the first
    visit after a server start to a link such as /types?year=2023 ran pages/types.py without
    app.py: English file names in the navigation, no filters, no title. Every page (and app.py)
    asks for the language first, so this is the place to notice and start over as app.py.
    (Renaming pages/ would remove the cause; see Streamlit's multipage guide.)
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def running_app_py() -> None:
    """Called first by app.py: the entry script is running, so there is nothing to leave.

    Without it, a test harness that resets Streamlit's flag before every run (AppTest does)
    would rerun each run in lang() and lose the click that started it.
    """
    PagesManager.uses_pages_directory = False


def lang() -> str:
    """The language of this session: ?lang=en for English, Chinese otherwise."""
    _leave_the_pages_folder_mode()
    value = st.query_params.get("lang", "zh")
    return value if value in labels.LANGS else "zh"


def _with_url_value(key: str, options: list[str]) -> list[str]:
    requested = st.session_state.get(key)
    if requested and requested not in options:
        return [*options, requested]
    return options


def load_from_url() -> None:
    """Once per browser session, before the widgets: the filters the link carries.

    A filter the link does not carry keeps a value the session already holds (a test seeds
    them so; in a browser there is none before this first run) and is otherwise unset.
    """
    if st.session_state.get("_filters_loaded"):
        return
    for key in FILTER_KEYS:
        value = st.query_params.get(key)
        if isinstance(value, str):
            st.session_state[key] = value.strip()
        elif key not in st.session_state:
            st.session_state[key] = ALL
    st.session_state["_filters_loaded"] = True


def save_to_url() -> None:
    """After the widgets: the URL shows the filters in force, so it can be copied."""
    for key in FILTER_KEYS:
        value = st.session_state.get(key) or ALL
        if value != ALL:
            if st.query_params.get(key) != value:
                st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]


def current_filters() -> Filters:
    """The filters as the sidebar widgets hold them (read by the pages)."""
    return from_mapping({key: st.session_state.get(key) or None for key in FILTER_KEYS})


def _clear() -> None:
    for key in FILTER_KEYS:
        st.session_state[key] = ALL


def sidebar_filters(options: dict[str, list], lang_: str) -> Filters:
    """Render the filter widgets in the sidebar and return the filters they hold."""
    unknown = label("filters.unknown_value", lang_)

    def fmt(all_key: str, shown: dict[str, str] | None = None):
        def format_option(option: str) -> str:
            if option == ALL:
                return label(all_key, lang_)
            if shown is not None and option not in shown:
                return f"{option} {unknown}"
            return (shown or {}).get(option, option)

        return format_option

    years = [str(y) for y in options["year"]]
    types = list(options["type"])
    batches = [str(b) for b in options["batch"]]
    units = list(options["unit"])

    load_from_url()
    with st.sidebar:
        st.subheader(label("filters.title", lang_), anchor=False)
        st.selectbox(
            label("filters.year", lang_),
            [ALL, *_with_url_value("year", years)],
            format_func=fmt("filters.all_years", {y: y for y in years}),
            key="year",
        )
        st.selectbox(
            label("filters.type", lang_),
            [ALL, *_with_url_value("type", types)],
            format_func=fmt("filters.all_types", {t: labels.value(t, lang_) for t in types}),
            key="type",
        )
        st.selectbox(
            label("filters.batch", lang_),
            [ALL, *_with_url_value("batch", batches)],
            format_func=fmt(
                "filters.all_batches", {b: labels.batch(int(b), lang_) for b in batches}
            ),
            key="batch",
        )
        st.selectbox(
            label("filters.unit", lang_),
            [ALL, *_with_url_value("unit", units)],
            format_func=fmt("filters.all_units", {u: u for u in units}),
            key="unit",
        )
        st.selectbox(
            label("filters.status", lang_),
            [ALL, *STATUSES],
            format_func=fmt(
                "filters.all_statuses", {s: label(f"status.{s}", lang_) for s in STATUSES}
            ),
            key="status",
        )
        if any(st.session_state.get(key) for key in FILTER_KEYS):
            st.button(label("filters.reset", lang_), on_click=_clear, icon=":material/close:")
    save_to_url()
    return current_filters()


def _toggle_language() -> None:
    if lang() == "en":
        del st.query_params["lang"]
    else:
        st.query_params["lang"] = "en"


def language_switch(lang_: str) -> None:
    """One button to the other language, kept in the URL as ?lang=en (Chinese is the default)."""
    with st.sidebar:
        st.button(
            label("lang.switch", lang_),
            icon=":material/translate:",
            on_click=_toggle_language,
            key="lang_switch",
        )


def describe(filters: Filters, lang_: str) -> str:
    """The active filters as one line of text, for captions and exports."""
    parts = []
    if filters.year is not None:
        parts.append(f"{filters.year}")
    if filters.type is not None:
        parts.append(labels.value(filters.type, lang_))
    if filters.batch is not None:
        parts.append(labels.batch(filters.batch, lang_))
    if filters.unit is not None:
        parts.append(filters.unit)
    if filters.status is not None:
        parts.append(label(f"status.{filters.status}", lang_))
    return " · ".join(parts)
