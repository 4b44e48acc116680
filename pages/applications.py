"""申报初审: screen the units' 附件2 tables against the notice, then record the decisions."""

from labstudio.ui import applications, components, state

lang = state.lang()
components.page_style()
applications.render(lang)
