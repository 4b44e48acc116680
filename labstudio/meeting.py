"""The meeting slides: one headline, at most three big figures and one large chart per slide.

The slides reuse the dashboards' figures and charts (labstudio.views), so a slide never tells a
different number from the page a leader opens afterwards. `for_projector` restyles a chart for the
back of a room: every label at least 20 px, no chart title (the headline says it), the light or
dark theme; `_value_labels` prints every bar's number, and a stacked bar's total at its end. The
same slides become the PDF and PPTX deck (labstudio.deck, `handout`).

What nobody recorded is not drawn: a chart whose data is mostly missing (the studios' stages)
becomes a one-line note, and a slide whose data is absent shows no zero figures.
"""

from __future__ import annotations

import copy

import duckdb
import pandas as pd
import plotly.graph_objects as go

from labstudio import charts, deck, headlines, labels, queries
from labstudio.deck import Figure, Slide
from labstudio.domain import CATEGORIES, DISALLOWED, GRADES, PASSING_GRADES
from labstudio.filters import Filters
from labstudio.kpis import money, signed
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
    # The dashboard's stacked-bar totals are a text trace; a slide prints its own, larger ones.
    fig.data = [t for t in fig.data if (t.meta or {}).get("role") != "totals"]
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
    """Print each bar's value on it (a projector has no hover); a stacked bar also gets its
    total at its end, so a segment too small for its number still adds up in front of the room."""
    stacked = figure.layout.barmode == "stack"
    bars = [t for t in figure.data if t.type == "bar"]
    totals: dict[object, float] = {}
    for trace in bars:
        for category, number in zip(
            trace.y if horizontal else trace.x, trace.x if horizontal else trace.y, strict=True
        ):
            totals[category] = totals.get(category, 0.0) + float(number or 0)
    if bars:
        # Room beyond the longest bar for its number, which would otherwise be cut at the edge.
        longest = (
            max(totals.values())
            if stacked
            else max(
                (float(v) for t in bars for v in (t.x if horizontal else t.y) if v is not None),
                default=0,
            )
        )
        if longest > 0:
            axis = figure.layout.xaxis if horizontal else figure.layout.yaxis
            axis.range = [0, longest * 1.18]
    for trace in bars:
        trace.texttemplate = f"%{{{'x' if horizontal else 'y'}:{fmt}}}"
        trace.textposition = "inside" if stacked else "outside"
        trace.textfont = {"size": LABEL_SIZE}
        trace.textangle = 0  # a number too big for its segment is hidden, never turned sideways
        trace.cliponaxis = False
        if stacked:  # no "0" printed on an empty segment
            template = trace.texttemplate
            trace.texttemplate = [
                template if v else "" for v in (trace.x if horizontal else trace.y)
            ]
    if stacked and len(bars) > 1:
        for category, total in totals.items():
            if not total:
                continue
            figure.add_annotation(
                x=total if horizontal else category,
                y=category if horizontal else total,
                text=f"<b>{total:{fmt}}</b>",
                showarrow=False,
                xanchor="left" if horizontal else "center",
                yanchor="middle" if horizontal else "bottom",
                xshift=6 if horizontal else 0,
                yshift=0 if horizontal else 4,
                font={"size": LABEL_SIZE},
            )
    return figure


def _panel(view: PageView, key: str) -> Panel | None:
    return next((p for p in view.panels if p.key == key), None)


def _chart(panel: Panel | None, theme: str, horizontal: bool = False, fmt: str = ",.0f"):
    if panel is None or panel.figure is None:
        return None
    return _value_labels(for_projector(panel.figure, theme), horizontal, fmt)


def _pass_rate(result: dict) -> float | None:
    """优秀 and 合格 over every graded studio of the year, as the overview's card counts it."""
    by_result = result["by_result"]
    graded = sum(by_result[g] for g in GRADES)
    passed = sum(by_result[g] for g in PASSING_GRADES)
    return queries.round_half_up(100 * passed / graded) if graded else None


def _count(number: int, lang: str) -> str:
    if lang == "en":
        return headlines.english_count(number, "studio")
    return f"{number}{label('v.unit.studios', lang)}"


def _change(
    current: float | None, previous: float | None, lang: str, unit: str = "", places: int = 0
) -> str | None:
    """ "较上年 +3" / "y/y -1.2 pp"; "与上年持平" when nothing changed; None with nothing to compare."""
    if current is None or previous is None:
        return None
    difference = round(current - previous, places)
    if difference == 0:
        return label("meeting.unchanged", lang)
    return f"{label('kpi.vs_last_year', lang)} {signed(difference, unit, places)}"


# More than this share of the active studios without a stage, and no stage chart is drawn.
MOSTLY_MISSING = 0.5


def _stages_known(stages: pd.DataFrame) -> tuple[bool, int]:
    """Whether enough active studios have a stage for a chart, and how many have none."""
    unknown = int(stages.loc[stages["stage"] == overview.UNKNOWN_STAGE, "count"].sum())
    active = int(stages.loc[stages["stage"] != overview.REVOKED_STAGE, "count"].sum())
    return active > 0 and unknown <= active * MOSTLY_MISSING, unknown


def overview_slide(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    lang: str,
    theme: str,
    summary: dict,
) -> Slide:
    """The total, then active and revoked beside it; the life-cycle chart where stages are known."""
    studios = summary["studios"]
    figures = [
        Figure(label("meeting.total", lang), _count(studios["total"], lang)),
        Figure(label("kpi.active", lang), _count(studios["by_status"]["active"], lang)),
        Figure(label("kpi.revoked", lang), _count(studios["by_status"]["revoked"], lang)),
    ]
    chart, note = None, None
    if studios["total"]:
        stages = overview.life_cycle(cur, filters)
        known, unknown = _stages_known(stages)
        if known:
            panel = overview.life_cycle_panel(stages, lang)
            chart, note = _chart(panel, theme, horizontal=True), panel.note
        else:
            note = label("meeting.no_stages", lang, count=unknown)
    return Slide(
        key="overview",
        title=label("slide.overview", lang),
        headline=headlines.overview(studios, filters.unit, lang),
        figures=figures if studios["total"] else [],
        chart=chart,
        note=note,
    )


def types_slide(
    cur: duckdb.DuckDBPyConnection, filters: Filters, lang: str, theme: str, summary: dict
) -> Slide:
    studios = summary["studios"]
    panel = None
    if studios["total"]:
        panel = overview.batch_type_panel(overview.studio_counts(cur, filters), lang)
    figures = [
        Figure(labels.value(t, lang), _count(studios["by_type"][t], lang))
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


def _year_name(year: object, lang: str) -> str:
    return label("meeting.assessment_year", lang, year=year)


def assessments_slide(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    lang: str,
    theme: str,
    year: int | None,
    history: dict[str, dict],
) -> Slide:
    """The year's grades beside the year before's, and each figure's change on it."""
    result = history.get(str(year)) if year is not None else None
    previous = history.get(str(year - 1)) if year is not None else None
    figures: list[Figure] = []
    chart, note = None, None
    if result:
        points = label("v.unit.points", lang)
        rate = _pass_rate(result)
        mean = result.get("mean_score")
        no_previous = label("meeting.no_previous", lang, year=year - 1)
        figures = [
            Figure(
                label("kpi.assessed", lang, year=year),
                _count(result["count"], lang),
                _change(result["count"], previous["count"], lang) if previous else no_previous,
            ),
            Figure(
                label("kpi.pass_rate", lang, year=year),
                f"{rate:.1f}%" if rate is not None else "—",
                _change(rate, _pass_rate(previous), lang, label("kpi.pp", lang), 1)
                if previous
                else None,
            ),
        ]
        if mean is not None:
            figures.append(
                Figure(
                    label("meeting.mean_score", lang, year=year),
                    f"{mean:.1f} {points}" if lang == "en" else f"{mean:.1f}{points}",
                    _change(
                        mean, previous.get("mean_score"), lang, points if lang == "zh" else "", 1
                    )
                    if previous
                    else None,
                )
            )
        rows = [
            {"year": y, "grade": g, "count": history[str(y)]["by_result"][g]}
            for y in (year - 1, year)
            if str(y) in history
            for g in GRADES
        ]
        figure = charts.grades_compared(
            pd.DataFrame(rows, columns=["year", "grade", "count"]),
            title=label("v.chart.grades", lang, year=year),
            grade_title="",
            value_title=label("v.axis.studios", lang),
            unit=label("v.unit.studios", lang),
            year_label=lambda y: _year_name(y, lang),
            grade_label=lambda g: labels.value(str(g), lang),
        )
        chart = _value_labels(for_projector(figure, theme), horizontal=False, fmt=",.0f")
        grades = _panel(assessments.page(cur, filters.with_year(year), lang), "grades")
        note = grades.note if grades else None
    return Slide(
        key="assessments",
        title=label("slide.assessments", lang),
        headline=headlines.assessment(year, result, lang),
        figures=figures,
        chart=chart,
        note=note,
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
    when = (
        label("meeting.in_year", lang, year=filters.year)
        if filters.year
        else label("meeting.to_date", lang)
    )
    figures = [
        Figure(label("meeting.revoked_total", lang, when=when), _count(result["total"], lang)),
        Figure(label("meeting.due", lang), _count(len(items["failed_unrevoked"]), lang)),
    ]
    if not summary["studios"]["total"]:  # no studio, no count of their revocations
        figures = []
    panel = None
    if result["total"]:
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
    """Grants and spending of the year (or to date). A year without grants says 未新拨, not 0."""
    result = summary["funds"]
    headline = headlines.funds(result, filters.year, lang)
    if not result["granted"] and not result["spent"]:  # nothing recorded: no zeros in big type
        return Slide(key="funds", title=label("slide.funds", lang), headline=headline)
    when = (
        label("meeting.in_year", lang, year=filters.year)
        if filters.year
        else label("meeting.to_date", lang)
    )
    figures = [
        Figure(
            label("meeting.granted", lang, when=when),
            money(result["granted"], lang)
            if result["granted"]
            else label("meeting.no_new_grant", lang),
        ),
        Figure(label("meeting.spent", lang, when=when), money(result["spent"], lang)),
        Figure(label("meeting.prohibited", lang, when=when), money(result["prohibited"], lang)),
    ]
    lines = len(items["disallowed"])
    note = (
        label(
            "meeting.disallowed_lines",
            lang,
            count=headlines.english_count(lines, "expense") if lang == "en" else lines,
        )
        if lines
        else None
    )
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
        headline=headline,
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
    headline = headlines.action_items({_HEADLINE_KEYS[k]: n for k, n in counts.items()}, lang, year)
    chart = None
    if any(counts.values()):  # five bars of nought would only repeat the headline
        chart = _value_labels(for_projector(actions_chart(counts, year, lang), theme), True, "d")
        chart.update_xaxes(visible=False)
    # "超支" of a studio without a grant record counts against the 10,000 yuan assumed for it.
    over = items["over_budget"]
    assumed = list(over.loc[over["standard_grant"].astype(bool), "studio"]) if len(over) else []
    note = None
    if assumed:
        names = ("、" if lang == "zh" else ", ").join(assumed[:3])
        more = label("meeting.and_more", lang) if len(assumed) > 3 else ""
        note = label("meeting.assumed_grant", lang, count=len(assumed), names=names + more)
    return Slide(
        key="actions",
        title=label("slide.actions", lang),
        headline=headline,
        chart=chart,
        note=note,
    )


def build_slides(
    cur: duckdb.DuckDBPyConnection, filters: Filters, lang: str = "zh", theme: str = "light"
) -> list[Slide]:
    """Every slide, in SLIDE_ORDER, for the studios the filters select.

    `summary` and the action items are read once and shared: the slides repeat their figures.
    """
    summary = queries.summary(cur, filters)
    year = _sql.assessment_year(cur, filters)
    # Every year's results (the year before's too), whatever the year filter says.
    history = (
        summary["assessments"]
        if filters.year is None
        else queries.assessment_summary(cur, filters.with_year(None))
    )
    items = overview.action_items(cur, filters, year)
    return [
        overview_slide(cur, filters, lang, theme, summary),
        types_slide(cur, filters, lang, theme, summary),
        assessments_slide(cur, filters, lang, theme, year, history),
        revocations_slide(cur, filters, lang, theme, summary, items),
        funds_slide(filters, lang, theme, summary, items),
        actions_slide(lang, theme, year, items),
    ]


HANDOUT_KINDS: tuple[str, ...] = ("pdf", "pptx")


def handout(cur: duckdb.DuckDBPyConnection, filters: Filters, lang: str, kind: str) -> bytes:
    """The deck to hand out, as the meeting page's buttons and `python -m labstudio deck` make
    it: the same slides, on white whatever the screen's theme. `kind` is "pdf" or "pptx"."""
    slides = build_slides(cur, filters, lang, "light")
    if kind == "pdf":
        return deck.pdf_deck(slides, lang)
    if kind == "pptx":
        return deck.pptx_deck(slides, label("page.meeting", lang), lang)
    raise ValueError(f"no handout of kind {kind!r}: {HANDOUT_KINDS}")
