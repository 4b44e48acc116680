"""经费使用: spending against each studio's grant, by use, disallowed lines, per month."""

from labstudio.ui import charts_ui

charts_ui.chart_page("funds")
