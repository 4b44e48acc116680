"""年度考核: grades and scores of the chosen year, the trend, the grid, the failed list."""

import streamlit as st

from labstudio.ui import charts_ui, components, data, page_data, state

lang = state.lang()
components.page_style()
filters = state.current_filters()
if data.data_state(data.db_key())["empty"]:
    components.empty_database(lang)
    st.stop()

view = page_data.assessments(data.db_key(), filters, lang)
if view.studios == 0:
    components.no_match(lang)
    st.stop()

charts_ui.header(view, filters, lang, year_scoped=True)
charts_ui.click_hint(lang)
charts_ui.panels(view.panels, lang, "assessments")
