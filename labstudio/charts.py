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
    category_label: Labeller = _identity,
    type_label: Labeller = _identity,
    order: Sequence[object] | None = None,
    horizontal: bool = False,
    empty_message: str = "",
) -> go.Figure:
    """Counts per category, one stacked segment per studio type (in the type's own colour).

    `df` has columns `category`, "type" (with 未分类 for unknown) and `value`. Clicking a segment
    filters by the category (`category_filter`, when it is one of the global filters) and type.
    """
    if df.empty or df[value].sum() == 0:
        return empty_figure(title, empty_message)
    categories = list(order) if order is not None else list(dict.fromkeys(df[category]))
    labels = [category_label(c) for c in categories]
    fig = _figure(title, _bar_height(len(categories), horizontal))
    by_type_itself = bool((df[category] == df["type"]).all())
    for type_ in (*TYPES, UNTYPED):
        part = df[df["type"] == type_]
        if part.empty:
            continue
        counts = part.groupby(category, dropna=False, sort=False)[value].sum()
        values = [float(counts.get(c, 0)) for c in categories]
        custom = [
            _pairs(**({category_filter: c} if category_filter else {}), type=type_)
            for c in categories
        ]
        name = type_label(type_)
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
            )
        )
    fig.update_layout(barmode="stack")
    tallest = df.groupby(category, dropna=False)[value].sum().max()
    count_axis = {"title": {"text": value_title}, **_count_ticks(tallest)}
    if horizontal:
        fig.update_xaxes(**count_axis)
        fig.update_yaxes(
            title={"text": category_title}, autorange="reversed", categoryorder="array"
        )
    else:
        fig.update_xaxes(title={"text": category_title}, type="category", **_wrapped_ticks(labels))
        fig.update_yaxes(**count_axis)
    return fig


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
    empty_message: str = "",
) -> go.Figure:
    """One bar per category in the neutral colour; the `highlight` ones in the alert colour."""
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
        )
    )
    value_axis = {"title": {"text": value_title}, "tickformat": ",.0f", "rangemode": "tozero"}
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
    """Each revocation as a point: when (x), on which ground (y), the studio's type (colour).

    `df`: revoked_on (date), ground, type, studio, unit.
    """
    df = df.dropna(subset=["revoked_on"]) if not df.empty else df
    if df.empty:
        return empty_figure(title, empty_message)
    fig = _figure(title, 340)
    labels = [ground_label(g) for g in grounds]
    for type_ in (*TYPES, UNTYPED):
        part = df[df["type"] == type_]
        if part.empty:
            continue
        name = type_label(type_)
        fig.add_trace(
            go.Scatter(
                x=list(pd.to_datetime(part["revoked_on"])),
                y=[ground_label(g) for g in part["ground"]],
                mode="markers",
                name=name,
                marker={
                    "color": TYPE_COLOURS[type_],
                    "size": 12,
                    "opacity": 0.85,  # two revocations in the same weeks both show
                    "line": {"width": 1, "color": "#fff"},
                },
                customdata=[[s, u] for s, u in zip(part["studio"], part["unit"], strict=True)],
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
                    f"%{{x|%Y-%m-%d}} · %{{y}} · {name}<extra></extra>"
                ),
            )
        )
    # Two months of room either side: the first and last revocations are not cut in half by
    # the frame of the plot.
    dates = pd.to_datetime(df["revoked_on"])
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
        type="category",
        categoryorder="array",
        categoryarray=labels,
        autorange="reversed",
    )
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
    """Spending per month, stacked by the studios' type. `df`: month (first day), type, amount."""
    if df.empty or df["amount"].sum() == 0:
        return empty_figure(title, empty_message)
    fig = _figure(title, 360)
    for type_ in (*TYPES, UNTYPED):
        part = df[df["type"] == type_]
        if part.empty:
            continue
        name = type_label(type_)
        fig.add_trace(
            go.Bar(
                x=list(pd.to_datetime(part["month"])),
                y=[float(a) for a in part["amount"]],
                name=name,
                marker={"color": TYPE_COLOURS[type_]},
                customdata=[_pairs(type=type_)] * len(part),
                hovertemplate=f"<b>%{{x|%Y-%m}}</b><br>{name}{_colon(name)}%{{y:,.2f}} {unit}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", bargap=0.15)
    fig.update_xaxes(title={"text": month_title}, type="date", tickformat="%Y-%m")
    fig.update_yaxes(title={"text": money_title}, tickformat=",.0f")
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
