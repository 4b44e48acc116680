"""Rendering pieces shared by the pages: KPI cards, empty states, banners."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

import streamlit as st

from labstudio.kpis import Card
from labstudio.labels import label


def demo_banner(lang: str) -> None:
    st.info(label("demo.banner", lang), icon=":material/science:")


def empty_database(lang: str) -> None:
    """No studio at all: say so and point to the import page, instead of empty charts."""
    with st.container(border=True):
        st.subheader(label("empty.title", lang), anchor=False)
        st.write(label("empty.body", lang))
        if st.session_state.get("analyst"):
            st.page_link(
                "pages/data_import.py",
                label=label("page.import", lang),
                icon=":material/upload_file:",
            )
        else:
            st.caption(label("empty.signin", lang))


def no_match(lang: str) -> None:
    st.warning(label("empty.filtered", lang), icon=":material/filter_alt_off:")


def coming(lang: str) -> None:
    st.info(label("coming", lang), icon=":material/construction:")
    st.page_link(
        "pages/overview.py", label=label("page.overview", lang), icon=":material/dashboard:"
    )


# Below this the grid puts fewer cards to a row. Three fit beside the sidebar of a 1024-pixel
# beamer with the values a size smaller there (PAGE_CSS); in 36-pixel figures on 214
# pixels, "5,467.31 元" and "57.00 万元" were cut off ("57.00 …").
KPI_MIN_WIDTH = 200


def kpi_cards(cards: Sequence[Card], columns: int = 4) -> None:
    """Cards grouped by section, up to `columns` to a row, fewer where the screen is narrow.

    The grid draws the borders, so the cards of a row are equally tall whether or not they
    have a trend line.
    """
    for section, group in groupby(cards, key=lambda card: card.section):
        st.markdown(f"**{section}**")
        group = list(group)
        # As many columns as cards (up to `columns`): an empty column would squeeze the others.
        grid = st.grid(
            min(columns, len(group)), min_column_width=KPI_MIN_WIDTH, gap="small", border=True
        )
        for card in group:
            grid.metric(
                card.label,
                card.value,
                delta=card.delta,
                delta_color=card.delta_color,
                delta_description=card.delta_description,
                help=card.help,
                chart_data=card.trend if len(card.trend) > 1 else None,
                chart_type="line",
            )


# What no configuration option sets, in one style sheet (a style-only st.html takes no space):
# - Streamlit pads the wide layout by 5rem a side whenever the window is wider than about 860
#   pixels, whether or not the sidebar already takes 300 of them: on a 1024 × 768 beamer that
#   left the pages 564 pixels, tables scrolled sideways and card values were cut off. Below 1280
#   pixels the sides get 1.5rem, and the card values 1.75rem instead of 2.25rem.
# - A short list (charts_ui.short_list) keeps dates, types and amounts on one line: the cell's
#   white-space (set per column through the pandas Styler) reaches the Markdown inside it.
PAGE_CSS = """<style>
@media (max-width: 1279.98px) {
  .stMain [data-testid="stMainBlockContainer"] {
    padding-left: 1.5rem;
    padding-right: 1.5rem;
  }
  .stMain [data-testid="stMetricValue"] {
    font-size: 1.75rem;
  }
}
[data-testid="stTable"] td > [data-testid="stMarkdownContainer"],
[data-testid="stTable"] td > [data-testid="stMarkdownContainer"] > p {
  white-space: inherit;
}
</style>"""


def page_style() -> None:
    st.html(PAGE_CSS)
