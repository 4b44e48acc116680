"""Drawing page views: each panel with its title, completeness line, chart and data view.

A click on a bar sets the global filters the bar stands for. The sidebar widgets own those keys
(year, type, batch, unit, status) and are drawn by app.py before the page runs, so the value is
written from the chart's on_select callback: callbacks run before any widget of the next run, the
only moment a widget's key may be assigned. state.save_to_url() then puts it in the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from labstudio import charts, export
from labstudio.filters import Filters
from labstudio.labels import label
from labstudio.ui import page_data, state
from labstudio.ui.data import db_key
from labstudio.views._model import NONE, PageView, Panel

GRID_MIN_COLUMN = 560  # px: two charts side by side on a wide screen, one under the other below


def _apply_selection(chart_key: str) -> None:
    event = st.session_state.get(chart_key)
    try:
        points = event["selection"]["points"] if event else []
    except (KeyError, TypeError):
        points = []
    if not points:
        return
    for key, value in charts.filter_pairs(points[0]).items():
        if key in state.FILTER_KEYS:
            st.session_state[key] = value


def _csv(table: pd.DataFrame) -> Callable[[], bytes]:
    # UTF-8 with a byte-order mark: Excel on a Chinese Windows opens it without mojibake.
    return lambda: table.to_csv(index=False).encode("utf-8-sig")


def _xlsx(table: pd.DataFrame, sheet: str) -> Callable[[], bytes]:
    return lambda: export.dataframe_xlsx(table, sheet)


def downloads(table: pd.DataFrame, name: str, key: str, lang: str) -> None:
    """CSV and Excel of one table, generated only when clicked (no rerun either)."""
    with st.container(horizontal=True):
        st.download_button(
            label("v.download_csv", lang),
            _csv(table),
            file_name=f"{name}.csv",
            mime="text/csv",
            key=f"{key}_csv",
            on_click="ignore",
            icon=":material/download:",
        )
        st.download_button(
            label("v.download_xlsx", lang),
            _xlsx(table, name[:31]),
            file_name=f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx",
            on_click="ignore",
            icon=":material/table_view:",
        )


def data_view(panel: Panel, lang: str, page: str) -> None:
    """The panel's table one click away, with its downloads."""
    with st.expander(label("v.data", lang), icon=":material/table_rows:"):
        st.dataframe(panel.table, hide_index=True, key=f"{page}_{panel.key}_table")
        downloads(panel.table, panel.title, f"{page}_{panel.key}", lang)


def panel(panel: Panel, lang: str, page: str) -> None:
    """Title, the completeness line, the chart (or the table) and its data view."""
    st.markdown(f"**{panel.title}**")
    if panel.note:
        st.caption(panel.note)
    if panel.figure is None:
        if panel.table.empty:
            st.caption(label("v.empty.list", lang))
        else:
            st.dataframe(panel.table, hide_index=True, key=f"{page}_{panel.key}_table")
        downloads(panel.table, panel.title, f"{page}_{panel.key}", lang)
        return
    figure = panel.figure
    # The title is drawn above, with the note under it; the figure keeps it only for downloads.
    # meta names the panel, so a test can find the chart and read its numbers.
    figure.update_layout(title={"text": ""}, margin={"t": 30}, meta={"panel": panel.key})
    chart_key = f"{page}_{panel.key}_chart"
    if panel.clickable:
        st.plotly_chart(
            figure,
            key=chart_key,
            on_select=lambda: _apply_selection(chart_key),
            selection_mode="points",
            theme=None,
            config=charts.CONFIG,
            alt=panel.title,
        )
    else:
        st.plotly_chart(figure, key=chart_key, theme=None, config=charts.CONFIG, alt=panel.title)
    data_view(panel, lang, page)


def panels(items: Sequence[Panel], lang: str, page: str) -> None:
    """Panels in a grid: two to a row where the screen is wide enough, wide ones alone."""
    if not items:
        return
    grid = st.grid(2, min_column_width=GRID_MIN_COLUMN, gap="small", border=True)
    for item in items:
        with grid.cell(column_span="all" if item.wide else 1):
            panel(item, lang, page)


def click_hint(lang: str) -> None:
    st.caption(label("v.click_hint", lang))


def action_items(items: Sequence[Panel], lang: str) -> None:
    """The overview's to-do list: one expander per kind, its count in the label."""
    st.subheader(label("v.action.title", lang), anchor=False)
    pending = [item for item in items if item.count]
    if not pending:
        st.success(label("v.action.none", lang), icon=":material/task_alt:")
        return
    st.caption(label("v.action.caption", lang))
    for item in items:
        with st.expander(
            f"{item.title}：{item.count or 0}",
            icon=":material/priority_high:" if item.count else ":material/check:",
        ):
            if item.table.empty:
                st.caption(label("v.empty.list", lang))
                continue
            st.dataframe(item.table, hide_index=True, key=f"overview_{item.key}_table")
            downloads(item.table, item.title, f"overview_{item.key}", lang)


def export_button(filters: Filters, lang: str) -> None:
    """The filtered view as the notice's 附件2 workbook (built when clicked)."""
    path = db_key()
    st.download_button(
        label("v.export", lang),
        lambda: page_data.workbook(path, filters),
        file_name=_export_name(filters),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help=label("v.export_help", lang),
        key="export_workbook",
        on_click="ignore",
        icon=":material/download:",
    )


def _export_name(filters: Filters) -> str:
    parts = ["附件2汇总表", *filters.as_query().values()]
    return "_".join(p.replace("/", "-") for p in parts) + ".xlsx"


def header(view: PageView, filters: Filters, lang: str, *, year_scoped: bool = False) -> None:
    """The line under the page title: active filters, the year spoken of, the export."""
    with st.container(horizontal=True, vertical_alignment="center"):
        described = state.describe(filters, lang)
        parts = []
        if described:
            parts.append(label("overview.filters_active", lang, filters=described))
        if year_scoped and view.year is not None and filters.year is None:
            parts.append(label("v.year_scope", lang, year=view.year))
        if parts:
            st.caption(" · ".join(parts))
        st.space("stretch")
        export_button(filters, lang)


# --- 工作室档案 --------------------------------------------------------------------------------

PROFILE_PARAM = "studio"


def _open_profile(table_key: str, ids: list[int]) -> None:
    event = st.session_state.get(table_key)
    try:
        rows = event["selection"]["rows"] if event else []
    except (KeyError, TypeError):
        rows = []
    if rows and 0 <= rows[0] < len(ids):
        st.query_params[PROFILE_PARAM] = str(ids[rows[0]])


def _close_profile() -> None:
    if PROFILE_PARAM in st.query_params:
        del st.query_params[PROFILE_PARAM]


def search_box(lang: str) -> str:
    return st.text_input(
        label("v.search", lang),
        key="studio_search",
        placeholder=label("v.search_placeholder", lang),
        icon=":material/search:",
    )


def directory(view: PageView, lang: str) -> None:
    """The directory: sortable by any header; selecting a row opens that studio's profile."""
    item = view.panels[0]
    st.caption(
        label("v.directory_count", lang, count=item.count) + " · " + label("v.directory_hint", lang)
    )
    table_key = "studios_directory"
    st.dataframe(
        item.table,
        hide_index=True,
        key=table_key,
        on_select=lambda: _open_profile(table_key, view.extra["ids"]),
        selection_mode="single-row",
    )
    downloads(item.table, item.title, "studios_directory", lang)


def profile(view: PageView, lang: str, studio_id: object) -> None:
    """One studio: basics, honours, achievements, revocation, funds, history chart, ledger."""
    st.button(label("v.profile.back", lang), on_click=_close_profile, icon=":material/arrow_back:")
    if view.studios == 0:
        st.warning(label("v.profile.not_found", lang, id=studio_id), icon=":material/search_off:")
        return
    info = view.extra
    st.subheader(info["studio"], anchor=False)
    if info["revocation"]:
        st.error(info["revocation"], icon=":material/block:")
    else:
        st.caption(info["active"])
    grid = st.grid(2, min_column_width=GRID_MIN_COLUMN, gap="small", border=True)
    with grid.cell():
        st.markdown(f"**{label('v.profile.basics', lang)}**")
        st.markdown("  \n".join(f"{name}：**{value}**" for name, value in info["basics"]))
    with grid.cell():
        st.markdown(f"**{label('v.col.honours', lang)}**")
        if info["honours_warning"]:
            st.warning(info["honours_warning"], icon=":material/warning:")
        st.markdown("\n".join(f"- {h}" for h in info["honours"]) or NONE)
        st.markdown(f"**{label('v.col.achievements', lang)}**")
        st.text(info["achievements"])
        (st.error if info["over_budget"] else st.info)(info["funds"], icon=":material/payments:")
    for item in view.panels:
        with grid.cell(column_span=1 if item.figure is not None else "all"):
            panel(item, lang, "profile")
