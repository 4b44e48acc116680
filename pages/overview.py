"""总览: the KPI cards for the current filters, then batch × type, units, life cycle, to-dos."""

import streamlit as st

from labstudio import kpis
from labstudio.labels import label
from labstudio.ui import charts_ui, components, data, page_data, state

lang = state.lang()
components.page_style()
filters = state.current_filters()
if data.data_state(data.db_key())["empty"]:
    components.empty_database(lang)
    st.stop()

overview = data.overview(data.db_key(), filters)
if overview["studios"]["total"] == 0:
    components.no_match(lang)
    st.stop()

view = page_data.overview(data.db_key(), filters, lang)
# The filters in force and the export first: they apply to the cards as much as to the charts.
charts_ui.header(view, filters, lang)
components.kpi_cards(kpis.cards(overview, lang))
money_scope = (
    label("kpi.in_year", lang, year=filters.year)
    if filters.year
    else label("kpi.money_all_years", lang)
)
st.caption(label("overview.caption", lang, money_scope=money_scope))
charts_ui.click_hint(lang)
charts_ui.panels(view.panels, lang, "overview")
charts_ui.page_notes(view)
charts_ui.action_items(view.extra["actions"], lang)
