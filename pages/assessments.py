"""年度考核: grades and scores of the chosen year, the trend, the grid, the failed list."""

from labstudio.ui import charts_ui

charts_ui.chart_page("assessments")
