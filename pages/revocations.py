"""称号撤销: by ground, year and unit, the timeline, and the failed-but-not-revoked list."""

from labstudio.ui import charts_ui

charts_ui.chart_page("revocations")
