"""数据导入: upload and check spreadsheets, commit, roll back (analysts only)."""

from labstudio.ui import components, importing, state

lang = state.lang()
components.page_style()
importing.render(lang)
