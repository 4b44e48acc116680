"""The meeting slides: one headline, at most three big figures and one large chart per slide.

The slides reuse the dashboards' figures and charts (labstudio.views), so a slide never tells a
different number from the page a leader opens afterwards. `for_projector` restyles a chart for the
back of a room: every label at least 20 px, no chart title (the headline says it), the light or
dark theme. The same slides become the PDF and PPTX deck (labstudio.deck).
"""

from __future__ import annotations

import copy

import duckdb
import pandas as pd
import plotly.graph_objects as go

from labstudio import charts, headlines, labels, queries
from labstudio.deck import Slide
from labstudio.domain import CATEGORIES, DISALLOWED, GRADES, PASSING_GRADES
from labstudio.filters import Filters
from labstudio.kpis import money
from labstudio.labels import label
from labstudio.views import _sql, assessments, overview, revocations
from labstudio.views._model import PageView, Panel

SLIDE_ORDER: tuple[str, ...] = (
    "overview",
    "types",
    "assessments",
    "revocations",
    "funds",
    "actions",
)

# Sizes in CSS pixels of the browser (plotly draws text in px): at least 20 for anything read.
TICK_SIZE = 20
LABEL_SIZE = 22
LEGEND_SIZE = 20

PROJECTOR_THEMES: dict[str, dict[str, str]] = {
    "light": {"ink": "#000000", "muted": "#2b313a", "grid": "#c9ced6", "paper": "#ffffff"},
    "dark": {"ink": "#ffffff", "muted": "#d5dbe3", "grid": "#3a414d", "paper": "#0e1117"},
}

_ACTION_KEYS: tuple[str, ...] = (
    "failed_unrevoked",
    "disallowed",
    "over_budget",
    "missing_assessment",
    "honours",
)
# headlines.action_items speaks of these names (and counts disallowed spending in lines).
_HEADLINE_KEYS = {
    "failed_unrevoked": "failed_not_revoked",
    "disallowed": "disallowed_lines",
    "over_budget": "over_budget",
    "missing_assessment": "not_assessed",
    "honours": "too_many_honours",
}


def for_projector(figure: go.Figure, theme: str = "light") -> go.Figure:
    """A copy of a dashboard chart, restyled to be read from the back of a meeting room."""
    colours = PROJECTOR_THEMES.get(theme, PROJECTOR_THEMES["light"])
    fig = charts.plain_legend(go.Figure(copy.deepcopy(figure)))
    axis = {
        "tickfont": {"size": TICK_SIZE, "color": colours["ink"]},
        "title": {"font": {"size": TICK_SIZE, "color": colours["muted"]}},
        "gridcolor": colours["grid"],
        "linecolor": colours["grid"],
        "automargin": True,
    }
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    fig.update_layout(
        title={"text": ""},
        height=None,
        autosize=True,
        font={"family": charts.FONT, "size": TICK_SIZE, "color": colours["ink"]},
        paper_bgcolor=colours["paper"],
        plot_bgcolor=colours["paper"],
        legend={
            "font": {"size": LEGEND_SIZE, "color": colours["ink"]},
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
        },
        margin={"l": 10, "r": 30, "t": 50, "b": 10},
        hoverlabel={"font": {"size": TICK_SIZE}},
        uniformtext={"minsize": LABEL_SIZE - 4, "mode": "hide"},
    )
    # Annotations (an empty chart's message) are read too.
    for annotation in fig.layout.annotations or ():
        annotation.font = {"size": LABEL_SIZE, "color": colours["muted"]}
    return fig


def _value_labels(figure: go.Figure, horizontal: bool, fmt: str = ",.0f") -> go.Figure:
    """Print each bar's value on it: a projector has no hover."""
    outside = figure.layout.barmode != "stack"
    if outside:
        # Room beyond the longest bar for its number, which would otherwise be cut at the edge.
        values = [v for t in figure.data if t.type == "bar" for v in (t.x if horizontal else t.y)]
        longest = max((float(v) for v in values if v is not None), default=0)
        if longest > 0:
            axis = figure.layout.xaxis if horizontal else figure.layout.yaxis
            axis.range = [0, longest * 1.18]
    for trace in figure.data:
        if trace.type != "bar":
            continue
        trace.texttemplate = f"%{{{'x' if horizontal else 'y'}:{fmt}}}"
        trace.textposition = "outside" if outside else "inside"
        trace.textfont = {"size": LABEL_SIZE}
        trace.textangle = 0  # a number too big for its segment is hidden, never turned sideways
        trace.cliponaxis = False
    return figure


def _panel(view: PageView, key: str) -> Panel | None:
    return next((p for p in view.panels if p.key == key), None)


def _chart(panel: Panel | None, theme: str, horizontal: bool = False, fmt: str = ",.0f"):
    if panel is None or panel.figure is None:
        return None
    return _value_labels(for_projector(panel.figure, theme), horizontal, fmt)


def _pass_rate(result: dict) -> str:
    """优秀 and 合格 over every graded studio of the year, as the overview's card says it."""
    by_result = result["by_result"]
    graded = sum(by_result[g] for g in GRADES)
    passed = sum(by_result[g] for g in PASSING_GRADES)
    return f"{100 * passed / graded:.1f}%" if graded else "—"


def _count(number: int, lang: str) -> str:
    if lang == "en":
        return f"{number} studio" if number == 1 else f"{number} studios"
    return f"{number}{label('v.unit.studios', lang)}"


def overview_slide(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    lang: str,
    theme: str,
    summary: dict,
    year: int | None,
    result: dict | None,
) -> Slide:
    studios = summary["studios"]
    figures = [
        (label("kpi.active", lang), _count(studios["by_status"]["active"], lang)),
        (label("kpi.revoked", lang), _count(studios["by_status"]["revoked"], lang)),
    ]
    if result:
        figures.append((label("kpi.pass_rate", lang, year=year), _pass_rate(result)))
    panel = overview.life_cycle_panel(overview.life_cycle(cur, filters), lang)
    return Slide(
        key="overview",
        title=label("slide.overview", lang),
        headline=headlines.overview(studios, filters.unit, lang),
        figures=figures,
        chart=_chart(panel, theme, horizontal=True) if studios["total"] else None,
        note=panel.note if studios["total"] else None,
    )


def types_slide(
    cur: duckdb.DuckDBPyConnection, filters: Filters, lang: str, theme: str, summary: dict
) -> Slide:
    studios = summary["studios"]
    panel = None
    if studios["total"]:
        panel = overview.batch_type_panel(overview.studio_counts(cur, filters), lang)
    figures = [
        (labels.value(t, lang), _count(studios["by_type"][t], lang))
        for t in overview.TYPE_ORDER
        if studios["by_type"].get(t)
    ][:3]
    return Slide(
        key="types",
        title=label("slide.types", lang),
        headline=headlines.types(studios, lang),
        figures=figures,
        chart=_chart(panel, theme),
        note=panel.note if panel else None,
    )


def assessments_slide(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    lang: str,
    theme: str,
    year: int | None,
    result: dict | None,
) -> Slide:
    figures: list[tuple[str, str]] = []
    panel = None
    if result:
        figures = [
            (label("kpi.assessed", lang, year=year), _count(result["count"], lang)),
            (label("kpi.pass_rate", lang, year=year), _pass_rate(result)),
        ]
        if result.get("mean_score") is not None:
            points = label("v.unit.points", lang)
            mean = f"{result['mean_score']:.1f}"
            figures.append(
                (
                    label("meeting.mean_score", lang),
                    f"{mean} {points}" if lang == "en" else mean + points,
                )
            )
        view = assessments.page(cur, filters.with_year(year), lang)
        panel = _panel(view, "grades")
    return Slide(
        key="assessments",
        title=label("slide.assessments", lang),
        headline=headlines.assessment(year, result, lang),
        figures=figures,
        chart=_chart(panel, theme),
        note=panel.note if panel else None,
    )


def revocations_slide(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    lang: str,
    theme: str,
    summary: dict,
    items: dict[str, pd.DataFrame],
) -> Slide:
    result = summary["revocations"]
    figures = [
        (label("meeting.revoked_total", lang), _count(result["total"], lang)),
        (label("meeting.due", lang), _count(len(items["failed_unrevoked"]), lang)),
    ]
    panel = _panel(revocations.page(cur, filters, lang), "by_ground")
    return Slide(
        key="revocations",
        title=label("slide.revocations", lang),
        headline=headlines.revocations(filters.year, result, lang),
        figures=figures,
        chart=_chart(panel, theme),
        note=panel.note if panel else None,
    )


def funds_slide(
    filters: Filters, lang: str, theme: str, summary: dict, items: dict[str, pd.DataFrame]
) -> Slide:
    result = summary["funds"]
    figures = [
        (label("kpi.granted", lang), money(result["granted"], lang)),
        (label("kpi.spent", lang), money(result["spent"], lang)),
        (label("kpi.prohibited", lang), money(result["prohibited"], lang)),
    ]
    lines = len(items["disallowed"])
    note = label("meeting.disallowed_lines", lang, count=lines) if lines else None
    # Horizontal bars: the six uses are long words that would otherwise print slanted.
    spend = pd.DataFrame(
        {"category": list(CATEGORIES), "amount": [result["by_category"][c] for c in CATEGORIES]}
    )
    chart = None
    if spend["amount"].sum() > 0:
        figure = charts.bars(
            spend,
            category="category",
            value="amount",
            title=label("v.chart.by_category", lang),
            category_title="",
            value_title=label("v.axis.money", lang),
            unit=label("v.unit.yuan", lang),
            category_label=lambda c: labels.value(str(c), lang),
            highlight=[DISALLOWED],
            horizontal=True,
        )
        chart = _value_labels(for_projector(figure, theme), horizontal=True)
    return Slide(
        key="funds",
        title=label("slide.funds", lang),
        headline=headlines.funds(result, filters.year, lang),
        figures=figures,
        chart=chart,
        note=note,
    )


def action_counts(items: dict[str, pd.DataFrame]) -> dict[str, int]:
    """How many studios (or, for disallowed spending, ledger lines) each action item lists."""
    return {key: len(items[key]) for key in _ACTION_KEYS}


def actions_chart(counts: dict[str, int], year: int | None, lang: str) -> go.Figure:
    """One bar per action item, in the alert colour where something needs doing."""
    names = {
        key: label(
            f"v.action.{key}",
            lang,
            **({"year": year or "—"} if key == "missing_assessment" else {}),
        )
        for key in _ACTION_KEYS
    }
    data = pd.DataFrame({"item": list(_ACTION_KEYS), "count": [counts[k] for k in _ACTION_KEYS]})
    return charts.bars(
        data,
        category="item",
        value="count",
        title=label("slide.actions", lang),
        category_title="",
        value_title=label("meeting.count", lang),
        unit="",
        category_label=lambda key: names[str(key)],
        highlight=[k for k in _ACTION_KEYS if counts[k]],
        horizontal=True,
    )


def actions_slide(lang: str, theme: str, year: int | None, items: dict[str, pd.DataFrame]) -> Slide:
    counts = action_counts(items)
    headline = headlines.action_items({_HEADLINE_KEYS[k]: n for k, n in counts.items()}, lang)
    chart = _value_labels(for_projector(actions_chart(counts, year, lang), theme), True, "d")
    chart.update_xaxes(visible=False)
    return Slide(
        key="actions",
        title=label("slide.actions", lang),
        headline=headline,
        chart=chart,
    )


def build_slides(
    cur: duckdb.DuckDBPyConnection, filters: Filters, lang: str = "zh", theme: str = "light"
) -> list[Slide]:
    """Every slide, in SLIDE_ORDER, for the studios the filters select.

    `summary` and the action items are read once and shared: the slides repeat their figures.
    """
    summary = queries.summary(cur, filters)
    year = _sql.assessment_year(cur, filters)
    # Without a year filter the summary holds every year's results, the latest among them.
    result = summary["assessments"].get(str(year)) if year is not None else None
    items = overview.action_items(cur, filters, year)
    return [
        overview_slide(cur, filters, lang, theme, summary, year, result),
        types_slide(cur, filters, lang, theme, summary),
        assessments_slide(cur, filters, lang, theme, year, result),
        revocations_slide(cur, filters, lang, theme, summary, items),
        funds_slide(filters, lang, theme, summary, items),
        actions_slide(lang, theme, year, items),
    ]
