"""The global filters and the language: canonical values in the session and the URL.

A copied link (?year=2023&type=技术创新型&batch=3&unit=…) reopens the same view, and the values
survive page switches and language switches. Where each value lives:

- `st.session_state["year"]` … `["status"]` hold the canonical values ("" for no filter): the
  stored type, the batch number, "revoked". Pages, chart clicks and the reset button read and
  write only these.
- The select boxes are drawn from them on every run, under a key of their own per language
  (`filter_year_zh`). Streamlit sends a select box's value between browser and server as its
  *displayed label*: under one key for both languages, the Chinese label 全部年度 came back
  into an English box, matched no option there, and was kept as a value of its own, which the
  URL then carried as ?year=全部年度 and every page filtered by. A box of the other language is
  a new widget, seeded from the canonical value, so a label never crosses languages.
- The URL is written from the canonical values after the widgets (never `bind=`, which writes
  labels), and read once per browser session: a reload or a copied link starts from it, with
  labels it may carry (全部年度, 第三批, Revoked) turned into the values they stand for.

A URL value that matches nothing in the data is kept as an extra option, so the view is empty
rather than silently widened to everything.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import streamlit as st

from labstudio import labels
from labstudio.filters import (
    FILTER_KEYS,
    STATUSES,
    Filters,
    canonical_value,
    from_mapping,
    parse_year,
)
from labstudio.labels import label

ALL = ""  # the option that means "no filter"; dropped from the URL as the default
LOADED = "_filters_loaded"

# --- the entry script and the pages/ folder ----------------------------------------------------

# Set while app.py runs in this thread (the script thread of one session's run): a page file
# run without it is Streamlit's old pages/ mode, below.
_entry = threading.local()


class entry_script:
    """`with state.entry_script():` around app.py's body: pages run inside it are at home."""

    def __enter__(self) -> None:
        _entry.running = True

    def __exit__(self, *exc: object) -> None:
        _entry.running = False


def _leave_the_pages_folder_mode(pages: Callable[[], Sequence[st.Page]]) -> None:
    """Start over through app.py when Streamlit ran a file of pages/ on its own.

    Streamlit decides per process, before the first run, that an app with a `pages/` folder is
    an old-style multipage app, and gives that up when `st.navigation` is called, which app.py
    does. So the first visit after a server start to a link such as /types?year=2023 runs
    pages/types.py without app.py: no filters, no title, no navigation. The page then calls
    `st.navigation` itself (the public way out of that mode; hidden, it draws nothing) and
    reruns, which runs app.py with the same URL. (`client.showSidebarNavigation = false` in
    .streamlit/config.toml keeps that mode's own list of file names from being drawn meanwhile.)
    """
    if getattr(_entry, "running", False):
        return
    st.navigation(list(pages()), position="hidden")
    st.rerun()


def lang() -> str:
    """The language of this session: ?lang=en for English, Chinese otherwise.

    Every page asks for it first, which is where a page run outside app.py is noticed.
    """
    from labstudio.ui import navigation  # the page list, which itself needs lang()

    _leave_the_pages_folder_mode(lambda: navigation.pages(_lang()))
    return _lang()


def _lang() -> str:
    value = st.query_params.get("lang", "zh")
    return value if value in labels.LANGS else "zh"


# --- filters: session state and URL ------------------------------------------------------------


def widget_key(key: str, lang_: str) -> str:
    """The key of the select box of filter `key` in language `lang_` (see the module note)."""
    return f"filter_{key}_{lang_}"


def load_from_url() -> None:
    """Once per browser session, before the widgets: the filters the link carries.

    A filter the link does not carry keeps a value the session already holds (a test seeds
    them so; in a browser there is none before this first run) and is otherwise unset. Values
    are made canonical whether they come from the link or a test.
    """
    if st.session_state.get(LOADED):
        return
    for key in FILTER_KEYS:
        value = st.query_params.get(key)
        if not isinstance(value, str):
            value = st.session_state.get(key)
        st.session_state[key] = canonical_value(key, value)
    st.session_state[LOADED] = True


def save_to_url() -> None:
    """After the widgets: the URL shows the filters in force, so it can be copied."""
    for key, value in query().items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    for key in FILTER_KEYS:
        if key in st.query_params and not st.session_state.get(key):
            del st.query_params[key]


def query() -> dict[str, str]:
    """The filters in force as URL parameters (canonical values; none for "no filter")."""
    return {key: value for key in FILTER_KEYS if (value := st.session_state.get(key) or ALL)}


def link_query(lang_: str) -> dict[str, str]:
    """What a link to another page carries: the filters and the language."""
    return {**query(), **({"lang": "en"} if lang_ == "en" else {})}


def current_filters() -> Filters:
    """The filters in force (read by the pages)."""
    return from_mapping({key: st.session_state.get(key) or None for key in FILTER_KEYS})


def set_filters(values: dict[str, str]) -> None:
    """Set some filters from a click (callbacks only: they run before the sidebar is drawn)."""
    for key, value in values.items():
        if key in FILTER_KEYS:
            st.session_state[key] = canonical_value(key, value)


def _clear() -> None:
    for key in FILTER_KEYS:
        st.session_state[key] = ALL


def _from_widget(key: str, widget: str) -> None:
    st.session_state[key] = st.session_state.get(widget) or ALL


def _with_requested(key: str, options: list[str]) -> list[str]:
    requested = st.session_state.get(key)
    if requested and requested not in options:
        return [*options, requested]
    return options


def sidebar_filters(
    options: dict[str, list], lang_: str, *, year_note: str | None = None
) -> Filters:
    """Render the filter widgets in the sidebar and return the filters they hold.

    `year_note` is said under the year box: which year the page shows when no year is chosen
    (the page says it in the same words).
    """
    unknown = label("filters.unknown_value", lang_)

    def fmt(all_key: str, shown: dict[str, str]) -> Callable[[str], str]:
        def format_option(option: str) -> str:
            if option == ALL:
                return label(all_key, lang_)
            if option not in shown:
                return f"{option} {unknown}"
            return shown[option]

        return format_option

    years = [str(y) for y in options["year"]]
    types = list(options["type"])
    batches = [str(b) for b in options["batch"]]
    units = list(options["unit"])
    boxes = {
        "year": ("filters.year", years, fmt("filters.all_years", {y: y for y in years})),
        "type": (
            "filters.type",
            types,
            fmt("filters.all_types", {t: labels.value(t, lang_) for t in types}),
        ),
        "batch": (
            "filters.batch",
            batches,
            fmt("filters.all_batches", {b: labels.batch(int(b), lang_) for b in batches}),
        ),
        "unit": ("filters.unit", units, fmt("filters.all_units", {u: u for u in units})),
        "status": (
            "filters.status",
            list(STATUSES),
            fmt("filters.all_statuses", {s: label(f"status.{s}", lang_) for s in STATUSES}),
        ),
    }

    load_from_url()
    with st.sidebar:
        st.subheader(label("filters.title", lang_), anchor=False)
        for key, (title, values, format_option) in boxes.items():
            widget = widget_key(key, lang_)
            # The canonical value decides what the box shows, every run: a click on a chart or
            # the reset button changed it in a callback, before this run drew anything.
            st.session_state[widget] = st.session_state.get(key) or ALL
            st.selectbox(
                label(title, lang_),
                [ALL, *_with_requested(key, values)],
                format_func=format_option,
                key=widget,
                on_change=_from_widget,
                args=(key, widget),
            )
            if key == "year":
                chosen = st.session_state.get("year")
                if chosen and parse_year(chosen) is None:
                    st.warning(label("filters.bad_year", lang_, value=chosen))
                elif year_note and not chosen:
                    st.caption(year_note)
        if any(st.session_state.get(key) for key in FILTER_KEYS):
            st.button(label("filters.reset", lang_), on_click=_clear, icon=":material/close:")
    save_to_url()
    return current_filters()


def _toggle_language() -> None:
    if _lang() == "en":
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
