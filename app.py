"""labstudio: the entry point. Page set-up, navigation, the shared sidebar; pages live in pages/."""

from __future__ import annotations

import streamlit as st

from labstudio import audit
from labstudio.labels import label
from labstudio.ui import components, data, errors, navigation, signin, state

with state.entry_script():
    st.set_page_config(
        page_title=label("app.title"),
        page_icon=":material/workspace_premium:",
        layout="wide",
    )
    audit.setup_server_log()
    lang = state.lang()

    # A damaged or unreadable database: a friendly message on every page, the details in the log.
    with errors.friendly(lang):
        options = data.filter_options(data.db_key())
        data_state = data.data_state(data.db_key())

    pages = navigation.pages(lang)
    # Drawn by navigation.sidebar(): the config hides st.navigation's own list (see there).
    current = st.navigation(pages, position="sidebar")
    state.load_from_url()
    navigation.sidebar(pages, lang)

    with st.sidebar:
        st.markdown(f"**{label('app.org', lang)}**  \n{label('app.subtitle', lang)}")
    state.language_switch(lang)
    state.sidebar_filters(
        options,
        lang,
        year_note=data.year_note(data.db_key(), navigation.name(current), lang),
    )
    signin.sidebar_signin(lang)

    # The meeting page is full screen: no title, no banner, only the slide.
    if current.url_path != "meeting":
        st.title(current.title, anchor=False)
        if data_state["demo"]:
            components.demo_banner(lang)

    with errors.friendly(lang):
        current.run()
