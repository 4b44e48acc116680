"""会议投屏: one slide at a time, full screen, driven from the keyboard; the deck as PDF and PPTX.

The slides follow the filters in the URL, so a prepared link (/meeting?year=2024&unit=…) opens
the right meeting. ?theme=dark switches to the dark theme, ?auto=15 advances every 15 seconds,
?slide=3 opens on the third slide.
"""

from __future__ import annotations

import contextlib
import html
import time

import streamlit as st

from labstudio import deck, headlines, meeting
from labstudio.charts import _text_width
from labstudio.filters import Filters
from labstudio.labels import label
from labstudio.ui import audited, components, data, state

MIN_AUTO_SECONDS = 5  # faster than this nobody can read a slide

# The projector look is a theme: these rules change sizes and colours of the same elements and
# hide Streamlit's chrome. The stage is a flex column as tall as the screen minus the control row,
# and the chart stretches into whatever the headline and figures leave, so nothing scrolls.
_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"], header, footer {{
    display: none !important; }}
.stMain .block-container, [data-testid="stMainBlockContainer"] {{
    padding: 0.8rem 2rem 0.4rem 2rem !important; max-width: 100% !important; }}
.stApp, .stMain, [data-testid="stAppViewContainer"] {{
    background: {background} !important; color: {ink} !important; }}
.st-key-meeting_stage {{ height: calc(100vh - 5.8rem) !important; flex: none !important;
    min-height: 0; gap: 0.4rem; overflow: hidden; }}
.st-key-meeting_stage > div:has([data-testid="stPlotlyChart"]) {{
    flex: 1 1 0 !important; min-height: 0 !important; height: auto !important; }}
.st-key-meeting_stage [data-testid="stPlotlyChart"],
.st-key-meeting_stage [data-testid="stPlotlyChart"] > div,
.st-key-meeting_stage .js-plotly-plot {{ height: 100% !important; }}
.labstudio-slide-title {{ font-size: 20px; color: {muted}; margin: 0; }}
.labstudio-headline {{ font-size: clamp(40px, 4vw, 60px); font-weight: 700; line-height: 1.2;
    color: {ink}; margin: 0; }}
.labstudio-figures {{ display: flex; gap: 3rem; flex-wrap: wrap; }}
.labstudio-figure-label {{ font-size: clamp(20px, 1.6vw, 28px); color: {muted}; }}
.labstudio-figure-value {{ font-size: clamp(36px, 3.2vw, 54px); font-weight: 700;
    color: {accent}; line-height: 1.1; }}
.labstudio-figure-change {{ font-size: clamp(16px, 1.2vw, 22px); color: {muted}; }}
.labstudio-nowrap {{ white-space: nowrap; }}
.labstudio-note {{ font-size: 20px; color: {muted}; margin: 0; }}
.st-key-meeting_controls p, .st-key-meeting_controls span {{ color: {ink}; }}
.st-key-meeting_controls button, .st-key-meeting_controls a {{ font-size: 18px;
    background: transparent !important; color: {ink} !important; border-color: {muted} !important; }}
.st-key-meeting_controls button:hover, .st-key-meeting_controls a:hover {{
    border-color: {accent} !important; color: {accent} !important; }}
.st-key-meeting_hidden {{ position: absolute; left: -10000px; width: 1px; height: 1px;
    overflow: hidden; }}
</style>
"""

THEMES: dict[str, dict[str, str]] = {
    # High contrast on a washed-out beamer: black on white, a deep blue for the figures.
    "light": {"background": "#ffffff", "ink": "#000000", "muted": "#2b313a", "accent": "#0b3d6b"},
    "dark": {"background": "#0e1117", "ink": "#ffffff", "muted": "#d5dbe3", "accent": "#7cc4ff"},
}


# (kind, MIME type, icon) of the handouts under the slides.
HANDOUTS: tuple[tuple[str, str, str], ...] = (
    ("pdf", "application/pdf", ":material/picture_as_pdf:"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ":material/slideshow:",
    ),
)


def theme() -> str:
    value = st.query_params.get("theme", "light")
    return value if value in THEMES else "light"


def auto_seconds() -> int | None:
    """?auto=N: advance every N seconds (at least MIN_AUTO_SECONDS); off when absent or 0."""
    try:
        seconds = int(st.query_params.get("auto", "0"))
    except ValueError:
        return None
    return max(seconds, MIN_AUTO_SECONDS) if seconds > 0 else None


@st.cache_data(show_spinner=False, max_entries=64)
def slides(db_path: str, filters: Filters, lang: str, theme: str) -> list[deck.Slide]:
    return meeting.build_slides(data.cursor(), filters, lang, theme)


def _go(step: int, total: int) -> None:
    index = (st.session_state.get("meeting_slide", 0) + step) % total
    st.session_state["meeting_slide"] = index
    st.session_state["meeting_moved_at"] = time.monotonic()
    # The URL names the slide, so a reload (or a copied link) stays on it.
    st.query_params["slide"] = str(index + 1)


def _escape(text: object) -> str:
    return html.escape(str(text))


# A clause this wide or narrower (a Chinese character counts two) is kept on one line, so the
# headline breaks after a comma rather than before "8家"; a longer one may break inside.
CLAUSE_WIDTH = 30


def _unbroken(text: str) -> str:
    """Escaped text that breaks between clauses, and never between a number and its unit."""
    out = []
    for clause in headlines.clauses(text):
        if _text_width(clause) <= CLAUSE_WIDTH:
            out.append(f'<span class="labstudio-nowrap">{_escape(clause)}</span>')
            continue
        out += [
            f'<span class="labstudio-nowrap">{_escape(piece)}</span>' if keep else _escape(piece)
            for piece, keep in headlines.unbreakable_spans(clause)
        ]
    return "".join(out)


def _show(items: list[deck.Slide], lang: str, chart_theme: str) -> None:
    index = st.session_state.get("meeting_slide", 0) % len(items)
    slide = items[index]
    position = label("meeting.slide_of", lang, number=index + 1, total=len(items))
    with st.container(key="meeting_stage"):
        st.html(
            f'<p class="labstudio-slide-title">{_escape(slide.title)} · {_escape(position)}</p>'
            f'<p class="labstudio-headline">{_unbroken(slide.headline)}</p>'
        )
        if slide.figures:
            cells = "".join(
                f'<div><div class="labstudio-figure-label">{_escape(figure.label)}</div>'
                f'<div class="labstudio-figure-value">{_escape(figure.value)}</div>'
                + (
                    f'<div class="labstudio-figure-change">{_escape(figure.change)}</div>'
                    if figure.change
                    else ""
                )
                + "</div>"
                for figure in slide.figures
            )
            st.html(f'<div class="labstudio-figures">{cells}</div>')
        if slide.note:
            st.html(f'<p class="labstudio-note">{_escape(slide.note)}</p>')
        if slide.chart is not None:
            st.plotly_chart(
                slide.chart,
                key=f"meeting_chart_{slide.key}_{chart_theme}",
                height="stretch",
                theme=None,
                config={"displayModeBar": False, "responsive": True, "staticPlot": False},
            )


@st.cache_data(show_spinner=False, max_entries=16)
def handout(db_path: str, filters: Filters, lang: str, kind: str) -> bytes:
    """The deck for these filters (meeting.handout, as `python -m labstudio deck` makes it);
    cached, since the PDF starts a Chromium (seconds).

    Cleared with every other cache after an import, like the slides it is made of.
    """
    return meeting.handout(data.cursor(), filters, lang, kind)


def _controls(items: list[deck.Slide], filters: Filters, lang: str) -> None:
    total = len(items)
    with st.container(key="meeting_controls", horizontal=True, vertical_alignment="center"):
        st.button(
            label("meeting.previous", lang),
            icon=":material/arrow_back:",
            on_click=_go,
            args=(-1, total),
            shortcut="Left",
            key="meeting_previous",
        )
        st.button(
            label("meeting.next", lang),
            icon=":material/arrow_forward:",
            on_click=_go,
            args=(1, total),
            shortcut="Right",
            key="meeting_next",
        )
        st.page_link(
            "pages/overview.py",
            label=label("meeting.back", lang),
            icon=":material/dashboard:",
            query_params=filters.as_query() | ({"lang": "en"} if lang == "en" else {}),
        )
        # The handouts are made only when clicked: a PDF costs a Chromium start. The PPTX
        # (native charts) needs no browser; the PDF does.
        can_print = deck.available()
        for kind, mime, icon in HANDOUTS:
            if kind == "pdf" and not can_print:
                continue
            name = f"{label('page.meeting', lang)}.{kind}"
            st.download_button(
                kind.upper(),
                audited.download(
                    lambda kind=kind: handout(data.db_key(), filters, lang, kind),
                    "handout",
                    name,
                    filters,
                ),
                file_name=name,
                mime=mime,
                icon=icon,
                key=f"meeting_{kind}",
                on_click="ignore",
            )
        if not can_print:
            st.caption(label("meeting.no_deck", lang))
        st.caption(label("meeting.keys", lang))
    # Space and a presenter's clicker (PageDown / PageUp) drive the slides too; these buttons
    # carry the shortcuts and sit off screen.
    with st.container(key="meeting_hidden"):
        for key, step, shortcut in (
            ("meeting_space", 1, "Space"),
            ("meeting_page_down", 1, "PageDown"),
            ("meeting_page_up", -1, "PageUp"),
        ):
            st.button(
                label("meeting.space", lang) if step > 0 else label("meeting.previous", lang),
                on_click=_go,
                args=(step, total),
                shortcut=shortcut,
                key=key,
            )


def render(lang: str) -> None:
    chart_theme = theme()
    st.html(_CSS.format(**THEMES[chart_theme]))
    filters = state.current_filters()
    if data.data_state(data.db_key())["empty"]:
        components.empty_database(lang)
        st.page_link(
            "pages/overview.py", label=label("meeting.back", lang), icon=":material/dashboard:"
        )
        return
    items = slides(data.db_key(), filters, lang, chart_theme)
    if "meeting_slide" not in st.session_state:
        st.session_state["meeting_slide"] = 0
        with contextlib.suppress(KeyError, TypeError, ValueError):
            st.session_state["meeting_slide"] = max(int(st.query_params["slide"]) - 1, 0)
        st.session_state["meeting_moved_at"] = time.monotonic()
    auto = auto_seconds()

    @st.fragment(run_every=auto)
    def stage() -> None:
        # A timed rerun advances only when the presenter has not just moved by hand.
        moved = st.session_state.get("meeting_moved_at", 0.0)
        if auto and time.monotonic() - moved >= auto - 0.5:
            _go(1, len(items))
        _show(items, lang, chart_theme)

    stage()
    _controls(items, filters, lang)
