"""数据导入: upload and check spreadsheets, commit, roll back (analysts only)."""

from labstudio.ui import importing, state

importing.render(state.lang())
