"""Chart builders: pure functions DataFrame → plotly Figure, in one house style.

Every figure uses TEMPLATE (one font family that can draw Chinese, the Okabe–Ito palette) and,
wherever studios are split by type, the same colour per type (TYPE_COLOURS). Builders take the
words they show (title, axis titles, the unit in the hover text) from the caller, so they stay
free of Streamlit and of the label table, and the tests can call them directly.

A bar that stands for a filter value carries it in `customdata` as alternating key/value strings
(["type", "技术创新型", "batch", "3"]); the Streamlit side turns a click on it into that filter.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from labstudio.domain import GRADES, TYPES, UNTYPED

FONT = "LabSans, Noto Sans CJK SC, sans-serif"
INK = "#1b1f24"
MUTED = "#5a6370"
GRID = "#e6e9ee"

# Okabe–Ito: distinguishable with the common colour-vision deficiencies (same list as
# .streamlit/config.toml's chartCategoricalColors).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
TYPE_COLOURS: dict[str, str] = {
    "技术创新型": "#0072B2",
    "服务创新型": "#E69F00",
    "管理创新型": "#009E73",
    UNTYPED: "#999999",
}
# Grades never share a chart with the type colours: sky blue, slate, and vermillion for the
# one that matters (a fail is grounds for revocation).
GRADE_COLOURS: dict[str, str] = {"优秀": "#56B4E9", "合格": "#8C9BAB", "不合格": "#D55E00"}
NEUTRAL = "#5a6370"  # a single series that is not split by type
ALERT = "#D55E00"  # what needs action: disallowed spending, over budget, failed

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "size": 13, "color": INK},
        title={"font": {"family": FONT, "size": 15, "color": INK}, "x": 0, "xanchor": "left"},
        colorway=list(OKABE_ITO),
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        hoverlabel={"font": {"family": FONT, "size": 13}, "namelength": -1},
        separators=".,",
        margin={"l": 10, "r": 20, "t": 40, "b": 10},
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "font": {"family": FONT, "size": 12},
            "title": {"text": ""},
            # Types in their fixed order; plotly would reverse them for stacked bars.
            "traceorder": "normal",
        },
        xaxis={
            "gridcolor": GRID,
            "linecolor": "#c5ccd6",
            "zeroline": False,
            "automargin": True,
            # A fixed gap to the tick labels: the default one left "金额（元）" touching "3,000".
            "title": {"font": {"size": 12, "color": MUTED}, "standoff": 12},
            "tickfont": {"size": 12},
        },
        yaxis={
            "gridcolor": GRID,
            "linecolor": "#c5ccd6",
            "zeroline": False,
            "automargin": True,
            # A fixed gap to the tick labels: the default one left "金额（元）" touching "3,000".
            "title": {"font": {"size": 12, "color": MUTED}, "standoff": 12},
            "tickfont": {"size": 12},
        },
        bargap=0.3,
        hovermode="closest",
        dragmode=False,
    )
)

# The plotly modebar: keep the picture download, drop what confuses (zoom, lasso, logo).
CONFIG: dict = {
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": [
        "zoom2d",
        "pan2d",
        "select2d",
        "lasso2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
        "resetScale2d",
    ],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}

Labeller = Callable[[object], str]


def _identity(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _figure(title: str, height: int) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE, title={"text": title}, height=height)
    return fig


def _filter_value(value: object) -> str | None:
    """A raw category value as the URL carries it (3, not 3.0); None where it cannot filter."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _pairs(**filters: object) -> list[str]:
    pairs: list[str] = []
    for key, value in filters.items():
        text = _filter_value(value)
        if text is not None:
            pairs += [key, text]
    return pairs


# A category label wider than this (a CJK character counts two) goes on two lines under a
# vertical bar, instead of plotly slanting every label once one of them is too wide.
WRAP_WIDTH = 12


def _text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_label(text: str, width: int = WRAP_WIDTH) -> str:
    """`text` broken into balanced lines (joined by <br>) when it is wider than `width`.

    Words break at a space (the one that makes the longer line shortest); Chinese, which has none,
    in equal parts: 创新成果宣传推广 → 创新成果 / 宣传推广, 年度考核不合格 → 年度考核 / 不合格.
    """
    total = _text_width(text)
    if total <= width or "<br>" in text:
        return text
    words = text.split()
    if len(words) > 1:
        splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
        first, rest = min(splits, key=lambda pair: max(map(_text_width, pair)))
        # Two lines unless the second would still be much too wide.
        if _text_width(rest) > width * 3 // 2:
            rest = wrap_label(rest, width)
        return f"{first}<br>{rest}"
    lines = math.ceil(total / width)
    size = math.ceil(len(text) / lines)
    return "<br>".join(text[i : i + size] for i in range(0, len(text), size))


def _wrapped_ticks(labels: Sequence[str]) -> dict:
    """Axis settings that show long category labels on two lines (the data keep the label)."""
    wrapped = [wrap_label(label) for label in labels]
    if wrapped == list(labels):
        return {}
    return {"tickmode": "array", "tickvals": list(labels), "ticktext": wrapped}


def _colon(name: str) -> str:
    """The colon after a name in hover text: full width after Chinese, ": " after English."""
    return "：" if any(_text_width(ch) == 2 for ch in name) else ": "


def _bar_height(categories: int, horizontal: bool, base: int = 360) -> int:
    # Horizontal bars get a row each, so 40 units stay readable instead of squeezed.
    return max(base, 120 + 26 * categories) if horizontal else base


def empty_figure(title: str, message: str, height: int = 260) -> go.Figure:
    """A titled figure that says there is nothing to draw (instead of blank axes)."""
    fig = _figure(title, height)
    fig.add_annotation(
        text=message,
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        font={"color": MUTED, "size": 14},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def stacked_by_type(
    df: pd.DataFrame,
    *,
    category: str,
    title: str,
    category_title: str,
    value_title: str,
    unit: str,
    value: str = "count",
    category_filter: str | None = None,
    category_filters: Callable[[object], dict[str, object]] | None = None,
    category_label: Labeller = _identity,
    type_label: Labeller = _identity,
    order: Sequence[object] | None = None,
    horizontal: bool = False,
    type_filter: bool = True,
    empty_message: str = "",
) -> go.Figure:
    """Counts per category, one stacked segment per studio type (in the type's own colour).

    `df` has columns `category`, "type" (with 未分类 for unknown) and `value`. Each segment
    carries its number where it fits, each bar its total beside it. A click on a bar filters by
    its category (`category_filter`, when that is one of the global filters, or the filters
    `category_filters` gives for it), whichever segment was hit; a click on a type in the
    legend filters by the type (`type_filter`).
    """
    if df.empty or df[value].sum() == 0:
        return empty_figure(title, empty_message)
    categories = list(order) if order is not None else list(dict.fromkeys(df[category]))
    labels = [category_label(c) for c in categories]
    fig = _figure(title, _bar_height(len(categories), horizontal))
    by_type_itself = bool((df[category] == df["type"]).all())
    custom = [
        _pairs(
            **({category_filter: c} if category_filter else {}),
            **(category_filters(c) if category_filters else {}),
        )
        for c in categories
    ]
    legend: list[tuple[str, str, float, list[str]]] = []
    totals = df.groupby(category, dropna=False)[value].sum()
    bar_totals = [float(totals.get(c, 0)) for c in categories]
    fits = _fits(fig.layout.height, max(bar_totals), horizontal)
    for type_ in (*TYPES, UNTYPED):
        part = df[df["type"] == type_]
        if part.empty:
            continue
        counts = part.groupby(category, dropna=False, sort=False)[value].sum()
        values = [float(counts.get(c, 0)) for c in categories]
        name = type_label(type_)
        legend.append((name, TYPE_COLOURS[type_], sum(values), _pairs(type=type_)))
        axis = "%{y}" if horizontal else "%{x}"
        number = "%{x:,}" if horizontal else "%{y:,}"
        if by_type_itself:  # the bar is the type: "技术创新型 / 27 家", not its name twice
            hover = f"<b>{name}</b><br>{number} {unit}<extra></extra>"
        else:
            hover = f"<b>{axis}</b><br>{name}{_colon(name)}{number} {unit}<extra></extra>"
        fig.add_trace(
            go.Bar(
                name=name,
                x=values if horizontal else labels,
                y=labels if horizontal else values,
                orientation="h" if horizontal else "v",
                marker={"color": TYPE_COLOURS[type_]},
                customdata=custom,
                hovertemplate=hover,
                # The segment's own number, where it fits.
                text=[_count_text(v) if fits(v) else "" for v in values],
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                textfont={"size": 12},
            )
        )
    fig.update_layout(barmode="stack", uniformtext={"minsize": 10, "mode": "hide"})
    if not by_type_itself and len(legend) > 1:
        _bar_totals(fig, labels, bar_totals, horizontal)
    elif by_type_itself:
        # One segment per bar: its number above it reads better than inside a thin bar.
        for trace in fig.data:
            trace.update(textposition="outside", cliponaxis=False)
    tallest = max(bar_totals)
    count_axis = {
        "title": {"text": value_title},
        **_count_ticks(tallest),
        # Room for the totals beside the longest bar.
        "range": [0, tallest * 1.15],
    }
    if horizontal:
        fig.update_xaxes(**count_axis)
        fig.update_yaxes(
            title={"text": category_title}, autorange="reversed", categoryorder="array"
        )
    else:
        fig.update_xaxes(title={"text": category_title}, type="category", **_wrapped_ticks(labels))
        fig.update_yaxes(**count_axis)
    if by_type_itself:
        fig.update_layout(showlegend=False)
    elif type_filter:
        clickable_legend(
            fig,
            legend,
            unit,
            min_plot=MIN_PLOT_WIDTH["horizontal" if horizontal else "vertical"],
        )
    return fig


# The smallest plot a bar chart gets (a half-width panel at 1024 px, less its labels), and the
# room a number needs inside a segment: its height (vertical bars) or its width (horizontal).
MIN_PLOT = {"vertical": 220, "horizontal": 300}
LABEL_ROOM = {"vertical": 16, "horizontal": 22}


def _fits(height: int, tallest: float, horizontal: bool) -> Callable[[float], bool]:
    """Whether a segment of `value` is big enough for its number, on the smallest screen."""
    direction = "horizontal" if horizontal else "vertical"
    plot = MIN_PLOT[direction] if horizontal else max(MIN_PLOT[direction], height - 140)
    per_unit = plot / (tallest * 1.15) if tallest else 0
    return lambda value: value * per_unit >= LABEL_ROOM[direction]


def plain_legend(figure: go.Figure) -> go.Figure:
    """`figure` with plotly's own legend instead of the clickable one (for slides and pictures,
    where nobody clicks): the legend row's traces dropped, the plot its full height again."""
    clickable = [t for t in figure.data if (t.meta or {}).get("role") == "legend"]
    if not clickable:
        return figure
    figure.data = [t for t in figure.data if (t.meta or {}).get("role") != "legend"]
    figure.update_layout(showlegend=True, yaxis={"domain": [0, 1]})
    return figure


def _count_text(number: float) -> str:
    """A count or amount as a bar's label: none for zero, no ".0" for a whole number."""
    if not number:
        return ""
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.1f}"


def _bar_totals(fig: go.Figure, labels: list[str], totals: list[float], horizontal: bool) -> None:
    """Each stacked bar's total beside its end (a text trace: it takes no click or hover)."""
    # A space before the number keeps it off the end of a horizontal bar.
    text = [("\u00a0" if horizontal else "") + _count_text(t) for t in totals]
    fig.add_trace(
        go.Scatter(
            x=totals if horizontal else labels,
            y=labels if horizontal else totals,
            mode="text",
            text=text,
            textposition="middle right" if horizontal else "top center",
            textfont={"color": INK},
            hoverinfo="skip",
            showlegend=False,
            cliponaxis=False,
            meta={"role": "totals"},
        )
    )


# The legend row of a clickable chart, in pixels: plotly's own legend only hides a series when
# clicked, and Streamlit passes on clicks on points alone, so the legend is drawn as points.
LEGEND_ROW = 30
LEGEND_AXES = {"xaxis": "x9", "yaxis": "y9"}
# An entry's width: the square and the gaps, and per character of its name (a CJK one counts
# two) at the 12-pixel legend font.
LEGEND_ENTRY_PX, LEGEND_CHAR_PX = 30, 6.6
# The narrowest plot of a chart at 1024 × 768: a horizontal one loses its long row labels.
MIN_PLOT_WIDTH = {"vertical": 560, "horizontal": 420}


def clickable_legend(
    fig: go.Figure,
    entries: Sequence[tuple[str, str, float, list[str]]],
    unit: str,
    *,
    number_format: str | None = None,
    min_plot: int = 560,
) -> None:
    """A legend whose entries filter: (name, colour, total, filter pairs) per series.

    Each entry is a square in the series' colour and its name, in rows above the plot; a click
    anywhere on it is a click on a transparent bar carrying the entry's filter pairs, and its
    hover text gives the series' total. As many entries share a row as fit in `min_plot`
    pixels, the narrowest the plot gets (at 1024 × 768): "Management innovation" needs two rows
    where 管理创新型 needs one.
    """
    widest = max(LEGEND_ENTRY_PX + LEGEND_CHAR_PX * _text_width(n) for n, _, _, _ in entries)
    columns = max(1, min(len(entries), 4, int(min_plot // widest)))
    rows = math.ceil(len(entries) / columns)
    height = (fig.layout.height or 360) + (rows - 1) * LEGEND_ROW
    fig.update_layout(height=height)
    band = rows * LEGEND_ROW / height
    # Each entry as wide as the widest needs on the narrowest plot, a quarter at least.
    step = min(max(widest / min_plot, 1 / 4), 1 / columns)
    starts = [(i % columns) * step for i in range(len(entries))]
    lines = [-(i // columns) for i in range(len(entries))]
    names = [name for name, _, _, _ in entries]
    totals = [total for _, _, total, _ in entries]
    fig.add_trace(
        go.Bar(
            **LEGEND_AXES,
            orientation="h",
            base=starts,
            x=[step * 0.95] * len(entries),
            y=lines,
            width=1,
            marker={"color": "rgba(0,0,0,0)", "line": {"width": 0}},
            customdata=[pairs for _, _, _, pairs in entries],
            hovertemplate=[
                f"<b>{name}</b>{_colon(name)}"
                f"{f'{total:{number_format}}' if number_format else _count_text(total)} {unit}"
                "<extra></extra>"
                for name, total in zip(names, totals, strict=True)
            ],
            showlegend=False,
            meta={"role": "legend"},
        )
    )
    fig.add_trace(
        go.Scatter(
            **LEGEND_AXES,
            x=[start + 0.012 for start in starts],
            y=lines,
            mode="markers+text",
            marker={"symbol": "square", "size": 12, "color": [c for _, c, _, _ in entries]},
            text=names,
            textposition="middle right",
            textfont={"size": 12, "color": INK},
            hoverinfo="skip",
            showlegend=False,
            cliponaxis=False,
            meta={"role": "legend"},
        )
    )
    hidden = {"visible": False, "fixedrange": True}
    fig.update_layout(
        showlegend=False,
        xaxis9={**hidden, "domain": [0, 1], "anchor": "y9", "range": [0, 1]},
        yaxis9={
            **hidden,
            "domain": [1 - band, 1],
            "anchor": "x9",
            "range": [-(rows - 0.5), 0.5],
        },
        yaxis={"domain": [0, 1 - band - 0.4 * LEGEND_ROW / height]},
    )


def _count_ticks(tallest: float) -> dict:
    """Whole numbers on a count axis: no "1.5 家" tick when a bar is only two high."""
    if tallest <= 8:
        return {"dtick": 1, "tickformat": "d", "rangemode": "tozero"}
    return {"tickformat": ",d", "rangemode": "tozero"}


def bars(
    df: pd.DataFrame,
    *,
    category: str,
    value: str,
    title: str,
    category_title: str,
    value_title: str,
    unit: str,
    category_label: Labeller = _identity,
    category_filter: str | None = None,
    highlight: Iterable[object] = (),
    horizontal: bool = False,
    value_format: str = ",.0f",
    value_labels: bool = False,
    empty_message: str = "",
) -> go.Figure:
    """One bar per category in the neutral colour; the `highlight` ones in the alert colour.

    `value_labels`: each bar's number at its end, to the whole unit (the hover has the rest).
    """
    if df.empty:
        return empty_figure(title, empty_message)
    marked = set(highlight)
    raw = list(df[category])
    labels = [category_label(c) for c in raw]
    values = [float(v) for v in df[value]]
    colours = [ALERT if c in marked else NEUTRAL for c in raw]
    custom = [_pairs(**({category_filter: c} if category_filter else {})) for c in raw]
    axis = "%{y}" if horizontal else "%{x}"
    number = f"%{{x:{value_format}}}" if horizontal else f"%{{y:{value_format}}}"
    fig = _figure(title, _bar_height(len(raw), horizontal))
    fig.add_trace(
        go.Bar(
            x=values if horizontal else labels,
            y=labels if horizontal else values,
            orientation="h" if horizontal else "v",
            marker={"color": colours},
            customdata=custom,
            showlegend=False,
            hovertemplate=f"<b>{axis}</b><br>{number} {unit}<extra></extra>",
            **(
                {
                    "text": [f"{v:,.0f}" if v else "" for v in values],
                    "textposition": "outside",
                    "textangle": 0,
                    "cliponaxis": False,
                    "textfont": {"size": 12, "color": INK},
                }
                if value_labels
                else {}
            ),
        )
    )
    value_axis = {"title": {"text": value_title}, "tickformat": ",.0f", "rangemode": "tozero"}
    if value_labels and values and max(values) > 0:
        value_axis["range"] = [0, max(values) * 1.15]  # room for the numbers above the bars
    if horizontal:
        fig.update_xaxes(**value_axis)
        fig.update_yaxes(title={"text": category_title}, autorange="reversed")
    else:
        fig.update_xaxes(title={"text": category_title}, type="category", **_wrapped_ticks(labels))
        fig.update_yaxes(**value_axis)
    return fig


def score_boxes(
    df: pd.DataFrame,
    *,
    category: str,
    title: str,
    category_title: str,
    value_title: str,
    unit: str,
    stat_names: dict[str, str],
    category_label: Labeller = _identity,
    by_type: bool = False,
    horizontal: bool = False,
    empty_message: str = "",
) -> go.Figure:
    """Score distributions from precomputed statistics (min, q1, median, q3, max, mean, n).

    `stat_names` words the hover text: keys n, range, median, mean. Statistics, not raw scores, travel to the browser: 5,000 studios cost as little as 50.
    """
    df = df[df["n"] > 0] if not df.empty else df
    if df.empty:
        return empty_figure(title, empty_message)
    fig = _figure(title, _bar_height(len(df), horizontal, base=380))
    said = {key: f"{name}{_colon(name)}" for key, name in stat_names.items()}
    hover = (
        f"<b>%{{{'y' if horizontal else 'x'}}}</b><br>"
        f"{said['n']}%{{customdata[0]}}<br>"
        f"{said['range']}%{{customdata[1]:.1f}}–%{{customdata[5]:.1f}} {unit}<br>"
        f"{said['median']}%{{customdata[3]:.1f}} {unit}<br>"
        f"{said['mean']}%{{customdata[6]:.1f}} {unit}<extra></extra>"
    )
    groups = [(row[category], df[df[category] == row[category]]) for _, row in df.iterrows()]
    if not by_type:
        groups = [(None, df)]
    for key, part in groups:
        labels = [category_label(c) for c in part[category]]
        stats = {
            name: [float(v) for v in part[name]]
            for name in ("min", "q1", "median", "q3", "max", "mean")
        }
        position = {"y": labels} if horizontal else {"x": labels}
        colour = TYPE_COLOURS.get(str(key), NEUTRAL) if by_type else NEUTRAL
        fig.add_trace(
            go.Box(
                **position,
                q1=stats["q1"],
                median=stats["median"],
                q3=stats["q3"],
                lowerfence=stats["min"],
                upperfence=stats["max"],
                mean=stats["mean"],
                orientation="h" if horizontal else "v",
                marker={"color": colour},
                line={"color": colour},
                fillcolor=_tint(colour),
                name=category_label(key) if by_type else "",
                showlegend=False,
                customdata=[
                    [int(n), lo, a, m, b, hi, mean]
                    for n, lo, a, m, b, hi, mean in zip(
                        part["n"],
                        stats["min"],
                        stats["q1"],
                        stats["median"],
                        stats["q3"],
                        stats["max"],
                        stats["mean"],
                        strict=True,
                    )
                ],
                hovertemplate=hover,
            )
        )
    # From a round ten below the lowest score: a 0–100 axis squeezes every box to the right.
    low = max(0.0, (float(df["min"].min()) // 10) * 10 - 5)
    value_axis = {"title": {"text": value_title}, "range": [low, 101]}
    if horizontal:
        fig.update_xaxes(**value_axis)
        fig.update_yaxes(title={"text": category_title}, autorange="reversed")
    else:
        fig.update_yaxes(**value_axis)
        fig.update_xaxes(
            title={"text": category_title},
            type="category",
            **_wrapped_ticks([category_label(c) for c in df[category]]),
        )
    return fig


def _tint(colour: str, alpha: float = 0.35) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def assessment_trend(
    df: pd.DataFrame,
    *,
    title: str,
    year_title: str,
    pass_rate_name: str,
    mean_name: str,
    rate_title: str,
    score_title: str,
    score_unit: str,
    empty_message: str = "",
) -> go.Figure:
    """Pass rate (%) and mean score (分) by year, on two axes; a click on a year filters by it.

    `df`: year, pass_rate (0–100 or None), mean_score (or None).
    """
    if df.empty:
        return empty_figure(title, empty_message)
    years = [str(y) for y in df["year"]]
    custom = [_pairs(year=y) for y in df["year"]]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.update_layout(template=TEMPLATE, title={"text": title}, height=360)
    fig.add_trace(
        go.Bar(
            x=years,
            y=[None if pd.isna(v) else float(v) for v in df["pass_rate"]],
            name=pass_rate_name,
            marker={"color": "#56B4E9"},
            text=[None if pd.isna(v) else f"{float(v):.1f}%" for v in df["pass_rate"]],
            textposition="inside",
            insidetextanchor="end",
            textangle=0,
            textfont={"size": 12, "color": INK},
            customdata=custom,
            hovertemplate=f"<b>%{{x}}</b><br>{pass_rate_name}{_colon(pass_rate_name)}%{{y:.1f}}%<extra></extra>",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=years,
            y=[None if pd.isna(v) else float(v) for v in df["mean_score"]],
            name=mean_name,
            mode="lines+markers",
            line={"color": INK, "width": 2},
            marker={"size": 8},
            customdata=custom,
            hovertemplate=f"<b>%{{x}}</b><br>{mean_name}{_colon(mean_name)}%{{y:.1f}} {score_unit}<extra></extra>",
        ),
        secondary_y=True,
    )
    fig.update_xaxes(title={"text": year_title}, type="category")
    fig.update_yaxes(title={"text": rate_title}, range=[0, 105], secondary_y=False)
    fig.update_yaxes(title={"text": score_title}, range=[0, 105], showgrid=False, secondary_y=True)
    return fig


def grade_grid(
    df: pd.DataFrame,
    *,
    title: str,
    year_title: str,
    studio_title: str,
    grade_label: Labeller = _identity,
    missing: str = "—",
    score_unit: str = "",
    empty_message: str = "",
) -> go.Figure:
    """Studio × year, each cell coloured by its grade (a categorical heat map).

    `df`: studio (display name, unique), year, grade (or None), score (or None).
    """
    if df.empty:
        return empty_figure(title, empty_message)
    studios = list(dict.fromkeys(df["studio"]))
    years = sorted(int(y) for y in df["year"].dropna().unique())
    code = {g: i for i, g in enumerate(GRADES)}
    coded = df.assign(code=df["grade"].map(code))
    grid = coded.pivot_table(index="studio", columns="year", values="code", aggfunc="first")
    scores = coded.pivot_table(index="studio", columns="year", values="score", aggfunc="first")
    grid = grid.reindex(index=studios, columns=years)
    scores = scores.reindex(index=studios, columns=years)
    z = [[None if pd.isna(v) else int(v) for v in row] for row in grid.to_numpy()]
    text = [
        [grade_label(GRADES[int(v)]) if not pd.isna(v) else "" for v in row]
        for row in grid.to_numpy()
    ]
    hover_scores = [
        [missing if pd.isna(v) else f"{v:.1f}" for v in row] for row in scores.to_numpy()
    ]
    # A stepped colour scale: three equal bands, one per grade.
    scale = []
    for i, grade in enumerate(GRADES):
        scale += [[i / 3, GRADE_COLOURS[grade]], [(i + 1) / 3, GRADE_COLOURS[grade]]]
    fig = _figure(title, max(320, 110 + 24 * len(studios)))
    fig.add_trace(
        go.Heatmap(
            x=[str(y) for y in years],
            y=studios,
            z=z,
            zmin=-0.5,
            zmax=2.5,
            colorscale=scale,
            showscale=False,
            text=text,
            texttemplate="%{text}",
            # No fixed colour: plotly picks dark or white text per cell, whichever reads on it
            # (white on the sky blue and grey was too faint for a projector).
            textfont={"size": 11},
            customdata=hover_scores,
            xgap=2,
            ygap=2,
            hoverongaps=False,
            hovertemplate=(
                f"<b>%{{y}}</b><br>%{{x}}{_colon(grade_label(GRADES[0]))}%{{text}}"
                f" %{{customdata}} {score_unit}<extra></extra>"
            ),
        )
    )
    # No tick marks: beside a studio's name a tick reads as a dash ("…创新工作室 –"); a little
    # room between the name and its first cell instead.
    fig.update_xaxes(
        title={"text": year_title}, type="category", side="top", showgrid=False, ticks=""
    )
    fig.update_yaxes(
        title={"text": studio_title},
        autorange="reversed",
        showgrid=False,
        ticks="",
        ticklabelstandoff=6,
    )
    return fig


# Revocations on one day under one ground are stacked this far apart (in rows): each shows.
TIMELINE_STACK = 0.22
# Points closer than this share of the time shown overlap (a 12-pixel point on a plot some 500
# pixels wide, at 1024 × 768) and are stacked like those of one day.
TIMELINE_OVERLAP = 1 / 40


def _overlapping(df: pd.DataFrame) -> pd.Series:
    """A group number per revocation (sorted by row, then day): a new group starts where a
    point no longer overlaps the group's first one in its row."""
    span = (df["_day"].max() - df["_day"].min()) + pd.Timedelta(days=120)  # the axis margins
    reach = max(span * TIMELINE_OVERLAP, pd.Timedelta(days=1))
    groups, group, start, row = [], -1, None, None
    for day, this_row in zip(df["_day"], df["_row"], strict=True):
        if this_row != row or day - start >= reach:
            group, start, row = group + 1, day, this_row
        groups.append(group)
    return pd.Series(groups, index=df.index)


def revocation_timeline(
    df: pd.DataFrame,
    *,
    title: str,
    date_title: str,
    ground_title: str,
    grounds: Sequence[str],
    ground_label: Labeller = _identity,
    type_label: Labeller = _identity,
    empty_message: str = "",
) -> go.Figure:
    """Each revocation as a point: when (x), on which ground (row), the studio's type (colour).

    Revocations of one ground whose points would overlap (the same day, or days closer than a
    point is wide) are stacked in their row, one above the other, so three on one day are three
    points, not one. `df`: revoked_on (date), ground, type, studio, unit.
    """
    df = df.dropna(subset=["revoked_on"]) if not df.empty else df
    if df.empty:
        return empty_figure(title, empty_message)
    rows = {g: i for i, g in enumerate(grounds)}
    df = df.assign(_day=pd.to_datetime(df["revoked_on"]), _row=df["ground"].map(rows))
    df = df.sort_values(["_row", "_day", "type", "studio"], kind="stable")
    df = df.assign(_group=_overlapping(df))
    stack = df.groupby(["_row", "_group"]).cumcount()
    size = df.groupby(["_row", "_group"])["_row"].transform("size")
    # The stack centred on its row, squeezed to stay inside it when many share one day.
    step = (0.8 / size).clip(upper=TIMELINE_STACK)
    df = df.assign(_y=df["_row"] + (stack - (size - 1) / 2) * step, _n=size)
    fig = _figure(title, 340)
    labels = [ground_label(g) for g in grounds]
    for type_ in (*TYPES, UNTYPED):
        part = df[df["type"] == type_]
        if part.empty:
            continue
        name = type_label(type_)
        fig.add_trace(
            go.Scatter(
                x=list(part["_day"]),
                y=[float(y) for y in part["_y"]],
                mode="markers",
                name=name,
                marker={
                    "color": TYPE_COLOURS[type_],
                    "size": 12,
                    "opacity": 0.85,  # two revocations in the same weeks both show
                    "line": {"width": 1, "color": "#fff"},
                },
                customdata=[
                    [s, u, ground_label(g), int(n)]
                    for s, u, g, n in zip(
                        part["studio"], part["unit"], part["ground"], part["_n"], strict=True
                    )
                ],
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
                    f"%{{x|%Y-%m-%d}} · %{{customdata[2]}} · {name}<extra></extra>"
                ),
            )
        )
    # Two months of room either side: the first and last revocations are not cut in half by
    # the frame of the plot.
    dates = df["_day"]
    margin = pd.Timedelta(days=60)
    fig.update_xaxes(
        title={"text": date_title},
        type="date",
        tickformat="%Y-%m",
        range=[dates.min() - margin, dates.max() + margin],
    )
    # The grounds top to bottom in the notice's order, as the bar chart beside reads them.
    fig.update_yaxes(
        title={"text": ground_title},
        tickmode="array",
        tickvals=list(range(len(grounds))),
        ticktext=labels,
        range=[len(grounds) - 0.5, -0.5],
        showgrid=False,
        zeroline=False,
    )
    # A faint line along each ground's row, as the category grid drew before.
    for i in range(len(grounds)):
        fig.add_hline(y=i, line={"color": GRID, "width": 1}, layer="below")
    return fig


def budget_by_studio(
    df: pd.DataFrame,
    *,
    title: str,
    studio_title: str,
    money_title: str,
    spent_name: str,
    budget_name: str,
    balance_name: str,
    over_name: str,
    unit: str,
    type_label: Labeller = _identity,
    empty_message: str = "",
) -> go.Figure:
    """Spent per studio (a bar in its type's colour; over budget in the alert colour) against
    its budget (a tick mark), the balance in the hover text.

    `df`: studio (display name, unique), type, budget, spent, balance.
    """
    if df.empty:
        return empty_figure(title, empty_message)
    studios = list(df["studio"])
    types = [t if t in TYPE_COLOURS else UNTYPED for t in df["type"]]
    over = [float(b) < 0 for b in df["balance"]]
    custom = [
        [float(b), float(s), float(bal), type_label(t)]
        for b, s, bal, t in zip(df["budget"], df["spent"], df["balance"], types, strict=True)
    ]
    fig = _figure(title, max(360, 130 + 26 * len(studios)))
    hover = (
        "<b>%{y}</b> · %{customdata[3]}<br>"
        f"{spent_name}{_colon(spent_name)}%{{customdata[1]:,.2f}} {unit}<br>"
        f"{budget_name}{_colon(budget_name)}%{{customdata[0]:,.2f}} {unit}<br>"
        f"{balance_name}{_colon(balance_name)}%{{customdata[2]:,.2f}} {unit}<extra></extra>"
    )
    # One trace per type (the legend names the colours), and the over-budget ones in red.
    groups = [(type_label(t), TYPE_COLOURS[t], t, False) for t in (*TYPES, UNTYPED)]
    groups.append((over_name, ALERT, None, True))
    for name, colour, type_, is_over in groups:
        keep = [
            (o if is_over else (not o and t == type_)) for t, o in zip(types, over, strict=True)
        ]
        if not any(keep):
            continue
        fig.add_trace(
            go.Bar(
                y=studios,
                x=[float(s) if k else None for s, k in zip(df["spent"], keep, strict=True)],
                orientation="h",
                name=name,
                marker={"color": colour},
                customdata=custom,
                hovertemplate=hover,
            )
        )
    fig.add_trace(
        go.Scatter(
            y=studios,
            x=[float(b) for b in df["budget"]],
            mode="markers",
            name=budget_name,
            marker={
                "symbol": "line-ns-open",
                "size": 18,
                "color": INK,
                "line": {"width": 3, "color": INK},
            },
            customdata=custom,
            hovertemplate=(
                f"<b>%{{y}}</b><br>{budget_name}{_colon(budget_name)}%{{x:,.2f}} {unit}<extra></extra>"
            ),
        )
    )
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title={"text": money_title}, tickformat=",.0f", rangemode="tozero")
    # A fixed range, first studio on top: left to autorange, plotly pads a category axis for
    # the budget marks' size, an empty band as tall as two bars above the first and below
    # the last studio.
    fig.update_yaxes(
        title={"text": studio_title}, type="category", range=[len(studios) - 0.5, -0.5]
    )
    return fig


def monthly_spend(
    df: pd.DataFrame,
    *,
    title: str,
    month_title: str,
    money_title: str,
    unit: str,
    type_label: Labeller = _identity,
    empty_message: str = "",
) -> go.Figure:
    """Spending per month, stacked by the studios' type. `df`: month (first day), type, amount.

    A click on a month filters by its year; a click on a type in the legend by the type.
    """
    if df.empty or df["amount"].sum() == 0:
        return empty_figure(title, empty_message)
    fig = _figure(title, 360)
    legend: list[tuple[str, str, float, list[str]]] = []
    for type_ in (*TYPES, UNTYPED):
        part = df[df["type"] == type_]
        if part.empty:
            continue
        name = type_label(type_)
        months = pd.to_datetime(part["month"])
        amounts = [float(a) for a in part["amount"]]
        legend.append((name, TYPE_COLOURS[type_], sum(amounts), _pairs(type=type_)))
        fig.add_trace(
            go.Bar(
                x=list(months),
                y=amounts,
                name=name,
                marker={"color": TYPE_COLOURS[type_]},
                customdata=[_pairs(year=m.year) for m in months],
                hovertemplate=f"<b>%{{x|%Y-%m}}</b><br>{name}{_colon(name)}%{{y:,.2f}} {unit}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", bargap=0.15)
    fig.update_xaxes(title={"text": month_title}, type="date", tickformat="%Y-%m")
    fig.update_yaxes(title={"text": money_title}, tickformat=",.0f")
    clickable_legend(fig, legend, unit, number_format=",.2f")
    return fig


def score_history(
    df: pd.DataFrame,
    *,
    title: str,
    year_title: str,
    score_title: str,
    unit: str,
    grade_label: Labeller = _identity,
    empty_message: str = "",
) -> go.Figure:
    """One studio's scores by year, each bar in its grade's colour. `df`: year, score, grade."""
    if df.empty:
        return empty_figure(title, empty_message)
    grades = [g if g in GRADE_COLOURS else None for g in df["grade"]]
    fig = _figure(title, 300)
    fig.add_trace(
        go.Bar(
            x=[str(y) for y in df["year"]],
            y=[None if pd.isna(s) else float(s) for s in df["score"]],
            marker={"color": [GRADE_COLOURS.get(g, NEUTRAL) if g else NEUTRAL for g in grades]},
            text=[grade_label(g) if g else "" for g in grades],
            textposition="outside",
            cliponaxis=False,
            showlegend=False,
            hovertemplate=f"<b>%{{x}}</b><br>%{{y:.1f}} {unit} · %{{text}}<extra></extra>",
        )
    )
    fig.update_xaxes(title={"text": year_title}, type="category")
    fig.update_yaxes(title={"text": score_title}, range=[0, 110])
    return fig


def filter_pairs(point: dict) -> dict[str, str]:
    """The filters a clicked point stands for (see the module note on `customdata`)."""
    custom = point.get("customdata")
    if not isinstance(custom, list | tuple) or len(custom) % 2:
        return {}
    result: dict[str, str] = {}
    for key, value in zip(custom[::2], custom[1::2], strict=True):
        if isinstance(key, str) and isinstance(value, str | int):
            result[key] = str(value)
    return result


# The year before in a light shade, the year itself in full: read as "then → now".
EARLIER_YEAR = "#A9B4C0"
LATER_YEAR = "#1F4E79"


def grades_compared(
    df: pd.DataFrame,
    *,
    title: str,
    grade_title: str,
    value_title: str,
    unit: str,
    year_label: Labeller = _identity,
    grade_label: Labeller = _identity,
    empty_message: str = "",
) -> go.Figure:
    """Studios per grade, one bar per year side by side (the year-on-year comparison).

    `df` has columns year, grade, count, for one or two years; grades in GRADES order.
    """
    if df.empty or df["count"].sum() == 0:
        return empty_figure(title, empty_message)
    years = sorted(set(df["year"]))
    labels = [grade_label(g) for g in GRADES]
    fig = _figure(title, 360)
    for index, year in enumerate(years):
        counts = df[df["year"] == year].set_index("grade")["count"]
        name = year_label(year)
        fig.add_trace(
            go.Bar(
                name=name,
                x=labels,
                y=[float(counts.get(g, 0)) for g in GRADES],
                marker={"color": LATER_YEAR if index == len(years) - 1 else EARLIER_YEAR},
                hovertemplate=f"<b>%{{x}}</b><br>{name}{_colon(name)}%{{y:,}} {unit}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title={"text": grade_title}, type="category")
    fig.update_yaxes(title={"text": value_title}, **_count_ticks(df["count"].max()))
    return fig


# ---------------------------------------------------------------------------- 申报初审 (issue 12)

# Verdicts of a screening: bluish green, orange, vermillion (Okabe–Ito), each also said in words.
VERDICT_COLOURS: dict[str, str] = {"符合": "#009E73", "需人工核实": "#E69F00", "不符合": "#D55E00"}


def verdicts_by(
    df: pd.DataFrame,
    *,
    category: str,
    title: str,
    category_title: str,
    value_title: str,
    unit: str,
    verdict_label: Labeller = _identity,
    category_label: Labeller = _identity,
    horizontal: bool = False,
    empty_message: str = "",
) -> go.Figure:
    """Applications per category, one stacked segment per verdict (columns `category`,
    "verdict", "count"), in the order 符合, 需人工核实, 不符合."""
    if df.empty or df["count"].sum() == 0:
        return empty_figure(title, empty_message)
    categories = list(dict.fromkeys(df[category]))
    labels = [category_label(c) for c in categories]
    fig = _figure(title, _bar_height(len(categories), horizontal, base=320))
    for verdict, colour in VERDICT_COLOURS.items():
        counts = df[df["verdict"] == verdict].groupby(category, sort=False)["count"].sum()
        if counts.empty:
            continue
        values = [float(counts.get(c, 0)) for c in categories]
        name = verdict_label(verdict)
        axis = "%{y}" if horizontal else "%{x}"
        number = "%{x:,}" if horizontal else "%{y:,}"
        fig.add_trace(
            go.Bar(
                name=name,
                x=values if horizontal else labels,
                y=labels if horizontal else values,
                orientation="h" if horizontal else "v",
                marker={"color": colour},
                hovertemplate=f"<b>{axis}</b><br>{name}{_colon(name)}{number} {unit}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    tallest = df.groupby(category)["count"].sum().max()
    count_axis = {"title": {"text": value_title}, **_count_ticks(tallest)}
    if horizontal:
        fig.update_xaxes(**count_axis)
        fig.update_yaxes(title={"text": category_title}, autorange="reversed")
    else:
        fig.update_xaxes(title={"text": category_title}, type="category", **_wrapped_ticks(labels))
        fig.update_yaxes(**count_axis)
    return fig
