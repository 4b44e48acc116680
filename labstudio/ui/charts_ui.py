"""Drawing page views: each panel with its title, completeness line, chart and data view.

A click on a bar (or on a type in a chart's clickable legend) sets the global filters it stands
for, from the chart's on_select callback: callbacks run before app.py draws the sidebar, whose
select boxes are then drawn from the new values (state.set_filters), and state.save_to_url()
puts them in the URL.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from labstudio import charts, export
from labstudio.filters import Filters
from labstudio.labels import label
from labstudio.ui import audited, components, data, navigation, page_data, state
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
    state.set_filters(charts.filter_pairs(points[0]))


def _csv(table: pd.DataFrame) -> Callable[[], bytes]:
    return lambda: export.dataframe_csv(table)


def _xlsx(table: pd.DataFrame, sheet: str) -> Callable[[], bytes]:
    return lambda: export.dataframe_xlsx(table, sheet)


def downloads(table: pd.DataFrame, name: str, key: str, lang: str) -> None:
    """CSV and Excel of one table, generated only when clicked (no rerun either)."""
    with st.container(horizontal=True):
        st.download_button(
            label("v.download_csv", lang),
            audited.download(_csv(table), "table", f"{name}.csv"),
            file_name=f"{name}.csv",
            mime="text/csv",
            key=f"{key}_csv",
            on_click="ignore",
            icon=":material/download:",
        )
        st.download_button(
            label("v.download_xlsx", lang),
            audited.download(_xlsx(table, name[:31]), "table", f"{name}.xlsx"),
            file_name=f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx",
            on_click="ignore",
            icon=":material/table_view:",
        )


# Columns of money (their headers in either language): thousands separators and fen, as in
# the charts' hover text, instead of 10000 beside 1297.74.
MONEY_COLUMNS = ("v.col.amount", "v.col.budget", "v.col.spent", "v.col.balance")
MONEY_FORMAT = "%,.2f"


def column_config(table: pd.DataFrame, lang: str) -> dict:
    money = {label(key, lang) for key in MONEY_COLUMNS}
    return {
        column: st.column_config.NumberColumn(format=MONEY_FORMAT)
        for column in table.columns
        if column in money and pd.api.types.is_numeric_dtype(table[column])
    }


def table_view(table: pd.DataFrame, key: str, lang: str, **kwargs) -> None:
    """A data table as every page shows it: no index, money formatted, and a missing value
    (a date not yet set, a score not entered) blank rather than the word "None"."""
    config = column_config(table, lang)
    profile = label("v.col.open_profile", lang)
    if profile in table.columns:
        config[profile] = st.column_config.LinkColumn(display_text=label("v.open_profile", lang))
    st.dataframe(
        table,
        hide_index=True,
        key=key,
        column_config=config,
        placeholder="",
        **kwargs,
    )


def with_profile_links(table: pd.DataFrame, ids: Sequence[int] | None, lang: str) -> pd.DataFrame:
    """`table` with a last column linking each row to its studio's profile."""
    if not ids or len(ids) != len(table):
        return table
    urls = [navigation.profile_url(i, lang) for i in ids]
    return table.assign(**{label("v.col.open_profile", lang): urls})


# A list this short is shown whole, as a static table that wraps its cells to the width of the
# page: at 1024 × 768 a scrolling grid hid the columns that matter most (撤销日期, 余额) behind
# a sideways scroll. Longer lists keep the grid, which scrolls and sorts.
SHORT_LIST = 15


def _one_line(value: object) -> bool:
    """A value that reads badly broken: a date or an amount, or up to five Chinese characters
    (技术创新型, 已撤销); longer names may wrap, English at its spaces."""
    text = "" if value is None else str(value)
    if any(unicodedata.east_asian_width(ch) in "WF" for ch in text):
        return len(text) <= 5
    return len(text) <= 12


_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _markdown_safe(value: object) -> object:
    """st.table reads its cells as Markdown: a studio's "*" or "_" must show as itself."""
    return _MARKDOWN.sub(r"\\\1", value) if isinstance(value, str) else value


def markdown_text(value: str) -> str:
    """Text from a file (a title line, a header) put into st.markdown / st.caption: as itself."""
    return str(_markdown_safe(value))


def short_list(table: pd.DataFrame, lang: str) -> None:
    """A short list as a static table: every column visible, long cells wrapped."""
    money = {label(key, lang) for key in MONEY_COLUMNS}
    formats: dict[str, object] = {}
    profile = label("v.col.open_profile", lang)
    opening = label("v.open_profile", lang)
    for column in table.columns:
        if column == profile:
            # Our own link (a URL of an id and the filters, percent-encoded) to the profile.
            formats[column] = lambda url: f"[{opening}]({url})"
        elif not pd.api.types.is_numeric_dtype(table[column]):
            formats[column] = _markdown_safe
        elif column in money:
            formats[column] = "{:,.2f}"
        elif pd.api.types.is_float_dtype(table[column]):
            formats[column] = "{:.1f}"
    # Dates, amounts, types and 是/否 stay on one line; names and descriptions wrap.
    short = [
        column
        for column in table.columns
        if column == profile or all(map(_one_line, table[column]))
    ]
    long = [column for column in table.columns if column not in short]
    styled = (
        table.style.format(formats, na_rep="")
        .set_properties(subset=short, **{"white-space": "nowrap"})
        .set_properties(subset=long, **{"white-space": "normal"})
    )
    st.table(styled, hide_index=True, border="horizontal")


def list_view(
    table: pd.DataFrame, key: str, lang: str, profile_ids: Sequence[int] | None = None
) -> None:
    """A list panel's rows: whole when short, in a scrolling grid when long; with a link to
    each row's studio profile when the rows are studios."""
    table = with_profile_links(table, profile_ids, lang)
    if len(table) <= SHORT_LIST:
        short_list(table, lang)
    else:
        table_view(table, key, lang)


def data_view(panel: Panel, lang: str, page: str) -> None:
    """The panel's table one click away, with its downloads.

    The expander reruns when opened and draws its table only while open: a closed one would
    otherwise send every row (5,000 for a large commission) to the browser on every run.
    """
    key = f"{page}_{panel.key}"
    expander = st.expander(
        label("v.data", lang), icon=":material/table_rows:", key=f"{key}_data", on_change="rerun"
    )
    if expander.open:
        with expander:
            table_view(panel.table, f"{key}_table", lang)
            downloads(panel.table, panel.title, key, lang)


def panel(panel: Panel, lang: str, page: str) -> None:
    """Title, the completeness line, the chart (or the table) and its data view."""
    st.markdown(f"**{panel.title}**")
    if panel.note:
        st.caption(panel.note)
    if panel.figure is None:
        if panel.table.empty:
            st.caption(label("v.empty.list", lang))
        else:
            list_view(panel.table, f"{page}_{panel.key}_table", lang, panel.profile_ids)
        downloads(panel.table, panel.title, f"{page}_{panel.key}", lang)
        return
    figure = panel.figure
    # The title is drawn above, with the note under it, so the figure carries none; a picture
    # downloaded from the chart's toolbar is at least named after it.
    # meta names the panel, so a test can find the chart and read its numbers.
    figure.update_layout(title={"text": ""}, margin={"t": 30}, meta={"panel": panel.key})
    config = charts.CONFIG | {
        "toImageButtonOptions": charts.CONFIG["toImageButtonOptions"] | {"filename": panel.title}
    }
    chart_key = f"{page}_{panel.key}_chart"
    if panel.clickable:
        st.plotly_chart(
            figure,
            key=chart_key,
            on_select=lambda: _apply_selection(chart_key),
            selection_mode="points",
            theme=None,
            config=config,
            alt=panel.title,
        )
    else:
        st.plotly_chart(figure, key=chart_key, theme=None, config=config, alt=panel.title)
    data_view(panel, lang, page)


def panels(items: Sequence[Panel], lang: str, page: str) -> None:
    """Panels in a grid: two to a row where the screen is wide enough, wide ones alone."""
    if not items:
        return
    grid = st.grid(2, min_column_width=GRID_MIN_COLUMN, gap="small", border=True)
    for item in items:
        with grid.cell(column_span="all" if item.wide else 1):
            panel(item, lang, page)


def page_notes(view: PageView) -> None:
    """The lines that stand in for charts of data that is mostly missing."""
    for note in view.notes:
        st.caption(note)


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
            item.count_label or item.title,
            icon=":material/priority_high:" if item.count else ":material/check:",
        ):
            if item.table.empty:
                st.caption(label("v.empty.list", lang))
                continue
            list_view(item.table, f"overview_{item.key}_table", lang, item.profile_ids)
            downloads(item.table, item.title, f"overview_{item.key}", lang)


def export_button(filters: Filters, lang: str) -> None:
    """The filtered view as the notice's 附件2 workbook (built when clicked)."""
    path = db_key()
    name = _export_name(filters)
    st.download_button(
        label("v.export", lang),
        audited.download(lambda: page_data.workbook(path, filters), "附件2", name, filters),
        file_name=name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help=label("v.export_help", lang),
        key="export_workbook",
        on_click="ignore",
        icon=":material/download:",
    )


def _export_name(filters: Filters) -> str:
    parts = ["附件2汇总表", *filters.as_query().values()]
    return "_".join(p.replace("/", "-") for p in parts) + ".xlsx"


def header(view: PageView, filters: Filters, lang: str) -> None:
    """The line under the page title: active filters, the year spoken of, the export."""
    with st.container(horizontal=True, vertical_alignment="center"):
        described = state.describe(filters, lang)
        parts = []
        if described:
            parts.append(label("overview.filters_active", lang, filters=described))
        if view.year_note:
            parts.append(view.year_note)
        if parts:
            st.caption(" · ".join(parts))
        st.space("stretch")
        export_button(filters, lang)


# --- 工作室档案 --------------------------------------------------------------------------------

PROFILE_PARAM = navigation.PROFILE_PARAM


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
    table_view(
        item.table,
        table_key,
        lang,
        on_select=lambda: _open_profile(table_key, view.extra["ids"]),
        selection_mode="single-row",
    )
    downloads(item.table, item.title, "studios_directory", lang)


def profile(view: PageView, filters: Filters, lang: str, studio_id: object) -> None:
    """One studio: basics, honours, achievements, revocation, funds, history chart, ledger."""
    # The way back, and the 附件2 export every page has (of the filtered view, as elsewhere).
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(
            label("v.profile.back", lang), on_click=_close_profile, icon=":material/arrow_back:"
        )
        st.space("stretch")
        export_button(filters, lang)
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
        st.markdown(
            "  \n".join(
                f"{label('punct.field', lang, name=name)}**{value}**"
                for name, value in info["basics"]
            )
        )
    with grid.cell():
        st.markdown(f"**{label('v.col.honours', lang)}**")
        if info["honours_warning"]:
            st.warning(info["honours_warning"], icon=":material/warning:")
        st.markdown("\n".join(f"- {h}" for h in info["honours"]) or NONE)
        leader_rule = info["leader_rule"]
        show = {"符合": st.success, "不符合": st.error}.get(leader_rule["verdict"], st.warning)
        show(_markdown_safe(leader_rule["text"]), icon=":material/verified_user:")
        st.markdown(f"**{label('v.col.achievements', lang)}**")
        st.text(info["achievements"])
        (st.error if info["over_budget"] else st.info)(info["funds"], icon=":material/payments:")
        if info["standard_grant"]:
            st.warning(info["standard_grant"], icon=":material/help:")
    for item in view.panels:
        with grid.cell(column_span=1 if item.figure is not None else "all"):
            panel(item, lang, "profile")


# The chart pages that show one PageView and nothing else, and the reader of each one's view.
CHART_PAGES: dict[str, Callable[[str, Filters, str], PageView]] = {
    "types": page_data.types,
    "assessments": page_data.assessments,
    "revocations": page_data.revocations,
    "funds": page_data.funds,
}


def chart_page(page: str) -> None:
    """A whole chart page: the empty and no-match states, the header, the panels."""
    lang = state.lang()
    components.page_style()
    filters = state.current_filters()
    if data.data_state(data.db_key())["empty"]:
        components.empty_database(lang)
        return
    view = CHART_PAGES[page](data.db_key(), filters, lang)
    if view.studios == 0:
        components.no_match(lang)
        return
    header(view, filters, lang)
    if view.cards:
        components.kpi_cards(view.cards, columns=5)
    click_hint(lang)
    panels(view.panels, lang, page)
    page_notes(view)
