"""工作室档案: a searchable, sortable directory; ?studio=<id> opens one studio's profile."""

import streamlit as st

from labstudio.ui import charts_ui, components, data, page_data, state
from labstudio.views.studios import parse_studio_id

lang = state.lang()
components.page_style()
filters = state.current_filters()
if data.data_state(data.db_key())["empty"]:
    components.empty_database(lang)
    st.stop()

requested = st.query_params.get(charts_ui.PROFILE_PARAM)
if requested is not None:
    studio_id = parse_studio_id(requested)
    view = page_data.profile(data.db_key(), studio_id or 0, lang)
    charts_ui.profile(view, filters, lang, requested)
    st.stop()

search = charts_ui.search_box(lang)
view = page_data.studios(data.db_key(), filters, lang, search)
if view.studios == 0:
    components.no_match(lang)
    st.stop()
charts_ui.header(view, filters, lang)
charts_ui.directory(view, lang)
