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
            st.caption(label("auth.title", lang) + " ←")


def no_match(lang: str) -> None:
    st.warning(label("empty.filtered", lang), icon=":material/filter_alt_off:")


def coming(lang: str) -> None:
    st.info(label("coming", lang), icon=":material/construction:")
    st.page_link(
        "pages/overview.py", label=label("page.overview", lang), icon=":material/dashboard:"
    )


def kpi_cards(cards: Sequence[Card], columns: int = 4) -> None:
    """Cards grouped by section, `columns` to a row; Streamlit stacks them on narrow screens."""
    for section, group in groupby(cards, key=lambda card: card.section):
        st.markdown(f"**{section}**")
        group = list(group)
        for start in range(0, len(group), columns):
            # As many columns as cards (up to `columns`): an empty column would squeeze the others.
            row = st.columns(min(columns, len(group)))
            for column, card in zip(row, group[start : start + columns], strict=False):
                with column:
                    st.metric(
                        card.label,
                        card.value,
                        delta=card.delta,
                        delta_color=card.delta_color,
                        delta_description=card.delta_description,
                        help=card.help,
                        border=True,
                        chart_data=card.trend if len(card.trend) > 1 else None,
                        chart_type="line",
                    )
