"""类型分布: studios by type × batch × unit, stacked bars and the table."""

from labstudio.ui import charts_ui

charts_ui.chart_page("types")
