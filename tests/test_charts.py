"""Chart builders, without Streamlit: titled, one colour per type, units in the hover text."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from labstudio import charts
from labstudio.domain import TYPES, UNTYPED
from labstudio.filters import Filters
from labstudio.views import assessments, funds, overview, revocations, studios, types

COUNTS = pd.DataFrame(
    {
        "batch": [1, 1, 2, 3],
        "type": ["技术创新型", "服务创新型", "技术创新型", UNTYPED],
        "count": [3, 2, 5, 1],
    }
)


def bar_colours(fig: go.Figure) -> dict[str, str]:
    return {t.name: t.marker.color for t in fig.data if t.type == "bar" and t.name}


def segments(fig: go.Figure) -> list:
    """The stacked bars themselves (not the totals or the clickable legend)."""
    return [t for t in fig.data if t.type == "bar" and t.name]


def role(fig: go.Figure, name: str) -> list:
    return [t for t in fig.data if (t.meta or {}).get("role") == name]


def batch_chart(counts: pd.DataFrame = COUNTS) -> go.Figure:
    return charts.stacked_by_type(
        counts,
        category="batch",
        title="各批次工作室数量",
        category_title="批次",
        value_title="家",
        unit="家",
        category_filter="batch",
        order=list(dict.fromkeys(counts["batch"])),
    )


def test_stacked_bars_are_titled_coloured_by_type_and_clickable():
    fig = batch_chart()
    assert fig.layout.title.text == "各批次工作室数量"
    assert bar_colours(fig) == {
        t: charts.TYPE_COLOURS[t] for t in ("技术创新型", "服务创新型", UNTYPED)
    }
    assert all(" 家" in t.hovertemplate for t in segments(fig))
    first = fig.data[0]
    # A click on any segment of a bar filters by the bar's batch, not by the segment's type.
    assert list(first.customdata[0]) == ["batch", "1"]
    assert charts.filter_pairs({"customdata": list(first.customdata[1])}) == {"batch": "2"}
    assert all(list(t.customdata[2]) == ["batch", "3"] for t in segments(fig))
    # … and a click on a type in the legend by the type.
    (legend_bars,) = [t for t in role(fig, "legend") if t.type == "bar"]
    assert [charts.filter_pairs({"customdata": list(c)}) for c in legend_bars.customdata] == [
        {"type": "技术创新型"},
        {"type": "服务创新型"},
        {"type": UNTYPED},
    ]
    assert legend_bars.hovertemplate[0] == "<b>技术创新型</b>：8 家<extra></extra>"
    assert not fig.layout.showlegend  # plotly's own legend would only hide a series
    assert fig.layout.yaxis.dtick == 1  # a count axis never shows 1.5 家


def test_stacked_bars_carry_their_numbers_where_they_fit_and_their_totals():
    fig = batch_chart()
    by_type = {t.name: list(t.text) for t in segments(fig)}
    assert by_type["技术创新型"] == ["3", "5", ""]  # no "0" on a batch without the type
    assert by_type["服务创新型"] == ["2", "", ""]
    (totals,) = role(fig, "totals")
    assert list(totals.text) == ["5", "5", "1"] and list(totals.y) == [5, 5, 1]
    assert fig.layout.yaxis.range[1] > 5  # room above the tallest bar for its total
    # A segment too thin for its number shows none: 1 of 60 in a 360-pixel chart.
    tall = pd.DataFrame({"batch": [1, 1], "type": ["技术创新型", UNTYPED], "count": [59, 1]})
    fig = batch_chart(tall)
    assert {t.name: list(t.text) for t in segments(fig)} == {"技术创新型": ["59"], UNTYPED: [""]}
    assert list(role(fig, "totals")[0].text) == ["60"]


def test_the_template_has_one_chinese_font_and_the_okabe_ito_palette():
    fig = charts.bars(
        pd.DataFrame({"c": ["设备购置", "不允许的支出"], "v": [1.0, 2.0]}),
        category="c",
        value="v",
        title="按用途统计的支出",
        category_title="用途",
        value_title="元",
        unit="元",
        highlight=["不允许的支出"],
    )
    font = fig.layout.template.layout.font.family
    assert font == "LabSans, Noto Sans CJK SC, sans-serif"
    assert list(fig.layout.template.layout.colorway) == list(charts.OKABE_ITO)
    assert list(fig.data[0].marker.color) == [charts.NEUTRAL, charts.ALERT]
    assert " 元" in fig.data[0].hovertemplate


def test_empty_data_gives_a_titled_message_not_blank_axes():
    fig = charts.stacked_by_type(
        COUNTS.iloc[0:0],
        category="batch",
        title="标题",
        category_title="",
        value_title="",
        unit="家",
        empty_message="没有数据",
    )
    assert fig.layout.title.text == "标题"
    assert fig.layout.annotations[0].text == "没有数据"
    assert not fig.data


def test_score_boxes_use_precomputed_statistics():
    stats = pd.DataFrame(
        {
            "type": ["技术创新型", "管理创新型"],
            "n": [10, 4],
            "min": [60.0, 70.0],
            "q1": [80.0, 75.0],
            "median": [85.0, 80.0],
            "q3": [90.0, 85.0],
            "max": [98.0, 90.0],
            "mean": [84.0, 80.0],
        }
    )
    fig = charts.score_boxes(
        stats,
        category="type",
        title="得分分布",
        category_title="类型",
        value_title="分",
        unit="分",
        stat_names={"n": "家数", "range": "最低–最高", "median": "中位数", "mean": "平均分"},
        by_type=True,
    )
    assert [t.marker.color for t in fig.data] == [
        charts.TYPE_COLOURS["技术创新型"],
        charts.TYPE_COLOURS["管理创新型"],
    ]
    assert fig.data[0].median == (85.0,)
    assert "分" in fig.data[0].hovertemplate


def test_other_builders():
    trend = charts.assessment_trend(
        pd.DataFrame({"year": [2023, 2024], "pass_rate": [95.0, None], "mean_score": [84.1, 85.0]}),
        title="趋势",
        year_title="年度",
        pass_rate_name="合格率",
        mean_name="平均分",
        rate_title="%",
        score_title="分",
        score_unit="分",
    )
    assert trend.layout.title.text == "趋势" and len(trend.data) == 2
    grid = charts.grade_grid(
        pd.DataFrame(
            {
                "studio": ["甲", "甲", "乙"],
                "year": [2023, 2024, 2024],
                "grade": ["优秀", "不合格", None],
                "score": [92.0, 50.0, None],
            }
        ),
        title="等次",
        year_title="年度",
        studio_title="",
    )
    assert [list(row) for row in grid.data[0].z] == [[0, 2], [None, None]]
    timeline = charts.revocation_timeline(
        pd.DataFrame(
            {
                "revoked_on": [dt.date(2024, 2, 1), None],
                "ground": ["其他", "其他"],
                "type": ["服务创新型", "服务创新型"],
                "studio": ["甲", "乙"],
                "unit": ["单位", "单位"],
            }
        ),
        title="时间线",
        date_title="日期",
        ground_title="",
        grounds=("年度考核不合格", "严重医疗事故", "严重违反医德医风", "其他"),
    )
    assert len(timeline.data[0].x) == 1  # an undated revocation is not drawn (the note says so)
    budget = charts.budget_by_studio(
        pd.DataFrame(
            {
                "studio": ["甲", "乙"],
                "type": ["技术创新型", None],
                "budget": [10000.0, 10000.0],
                "spent": [12000.0, 3000.0],
                "balance": [-2000.0, 7000.0],
            }
        ),
        title="经费",
        studio_title="",
        money_title="元",
        spent_name="已支出",
        budget_name="额度",
        balance_name="余额",
        over_name="超支",
        unit="元",
    )
    colours = bar_colours(budget)
    assert colours == {UNTYPED: charts.TYPE_COLOURS[UNTYPED], "超支": charts.ALERT}
    assert all("元" in t.hovertemplate for t in budget.data)


def test_every_page_figure_is_titled_and_types_keep_their_colour(demo_con):
    cur = demo_con.cursor()
    views = [m.page(cur, Filters()) for m in (overview, types, assessments, revocations, funds)]
    views.append(studios.profile_page(cur, 4))
    type_names = set(TYPES) | {UNTYPED}
    figures = 0
    for view in views:
        for panel in view.panels:
            if panel.figure is None:
                continue
            figures += 1
            assert panel.figure.layout.title.text == panel.title
            for trace in panel.figure.data:
                if trace.name in type_names and trace.type in ("bar", "scatter"):
                    assert trace.marker.color == charts.TYPE_COLOURS[trace.name]
                hovers = trace.hovertemplate
                for hover in [hovers] if isinstance(hovers, str) else hovers or []:
                    assert any(u in hover for u in ("家", "分", "元", "%")), hover
    assert figures >= 15


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ({"customdata": ["type", "技术创新型"]}, {"type": "技术创新型"}),
        ({"customdata": ["year"]}, {}),
        ({"customdata": None}, {}),
        ({}, {}),
    ],
)
def test_filter_pairs(point, expected):
    assert charts.filter_pairs(point) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("技术创新型", "技术创新型"),
        ("不允许的支出", "不允许的支出"),
        ("创新成果宣传推广", "创新成果<br>宣传推广"),
        ("年度考核不合格", "年度考核<br>不合格"),
        ("Technical innovation", "Technical<br>innovation"),
        ("Serious breach of medical ethics", "Serious breach<br>of medical ethics"),
    ],
)
def test_long_category_labels_go_on_two_balanced_lines(text, expected):
    assert charts.wrap_label(text) == expected


def test_long_labels_under_vertical_bars_wrap_instead_of_slanting():
    uses = pd.DataFrame({"c": ["设备购置", "创新成果宣传推广"], "v": [1.0, 2.0]})
    fig = charts.bars(
        uses, category="c", value="v", title="t", category_title="", value_title="", unit="元"
    )
    # The bars keep their names (a click, the hover and the tests read them); only the tick
    # text is broken.
    assert list(fig.data[0].x) == ["设备购置", "创新成果宣传推广"]
    assert list(fig.layout.xaxis.ticktext) == ["设备购置", "创新成果<br>宣传推广"]
    short = charts.bars(
        uses.iloc[:1],
        category="c",
        value="v",
        title="t",
        category_title="",
        value_title="",
        unit="元",
    )
    assert short.layout.xaxis.ticktext is None


def test_hover_text_punctuation_follows_the_language():
    def figure(type_label):
        return charts.stacked_by_type(
            COUNTS,
            category="batch",
            title="t",
            category_title="",
            value_title="",
            unit="studios",
            type_label=type_label,
        )

    assert "技术创新型：" in figure(str).data[0].hovertemplate
    english = figure(lambda t: "Technical innovation" if t == "技术创新型" else str(t))
    assert "Technical innovation: " in english.data[0].hovertemplate


def test_a_bar_that_is_the_type_does_not_name_it_twice():
    shares = pd.DataFrame({"type": ["技术创新型", "服务创新型"], "count": [3, 2]})
    fig = charts.stacked_by_type(
        shares.assign(category=shares["type"]),
        category="category",
        title="t",
        category_title="",
        value_title="",
        unit="家",
    )
    assert fig.data[0].hovertemplate == "<b>技术创新型</b><br>%{y:,} 家<extra></extra>"


def test_the_grade_grid_reads_on_a_projector():
    grid = charts.grade_grid(
        pd.DataFrame(
            {
                "studio": ["甲", "乙"],
                "year": [2024, 2024],
                "grade": ["优秀", "合格"],
                "score": [92.0, 80.0],
            }
        ),
        title="等次",
        year_title="年度",
        studio_title="",
    )
    # Plotly picks dark or light text per cell: no fixed white on sky blue and grey.
    assert grid.data[0].textfont.color is None
    # No tick marks, which read as dashes after the studios' names.
    assert grid.layout.xaxis.ticks == "" and grid.layout.yaxis.ticks == ""


def test_budget_bars_start_at_the_top_without_an_empty_band():
    budget = charts.budget_by_studio(
        pd.DataFrame(
            {
                "studio": ["甲", "乙", "丙"],
                "type": ["技术创新型", "服务创新型", "管理创新型"],
                "budget": [10000.0] * 3,
                "spent": [12000.0, 3000.0, 1000.0],
                "balance": [-2000.0, 7000.0, 9000.0],
            }
        ),
        title="经费",
        studio_title="",
        money_title="元",
        spent_name="已支出",
        budget_name="额度",
        balance_name="余额",
        over_name="超支",
        unit="元",
    )
    # A fixed range, first studio on top: autorange padded it for the budget marks' size.
    assert list(budget.layout.yaxis.range) == [2.5, -0.5]


def test_the_timeline_keeps_its_points_inside_and_the_grounds_in_order():
    timeline = charts.revocation_timeline(
        pd.DataFrame(
            {
                "revoked_on": [dt.date(2021, 1, 5), dt.date(2024, 6, 1)],
                "ground": ["年度考核不合格", "其他"],
                "type": ["服务创新型", "技术创新型"],
                "studio": ["甲", "乙"],
                "unit": ["单位", "单位"],
            }
        ),
        title="时间线",
        date_title="日期",
        ground_title="",
        grounds=("年度考核不合格", "严重医疗事故", "严重违反医德医风", "其他"),
    )
    low, high = (pd.Timestamp(v) for v in timeline.layout.xaxis.range)
    assert low < pd.Timestamp(2021, 1, 5) - pd.Timedelta(days=30)
    assert high > pd.Timestamp(2024, 6, 1) + pd.Timedelta(days=30)
    low, high = timeline.layout.yaxis.range
    assert low > high  # the first ground on top
    assert list(timeline.layout.yaxis.ticktext) == [
        "年度考核不合格",
        "严重医疗事故",
        "严重违反医德医风",
        "其他",
    ]


def test_revocations_on_one_day_are_stacked_so_each_shows():
    """Five revocations, three of them on one day under one ground: five points, not three."""
    day = dt.date(2024, 3, 1)
    timeline = charts.revocation_timeline(
        pd.DataFrame(
            {
                "revoked_on": [day, day, day, dt.date(2023, 5, 2), day],
                "ground": ["年度考核不合格"] * 3 + ["其他", "严重医疗事故"],
                "type": ["服务创新型", "技术创新型", "服务创新型", "技术创新型", "技术创新型"],
                "studio": list("甲乙丙丁戊"),
                "unit": ["单位"] * 5,
            }
        ),
        title="时间线",
        date_title="日期",
        ground_title="",
        grounds=("年度考核不合格", "严重医疗事故", "严重违反医德医风", "其他"),
    )
    points = [
        (pd.Timestamp(x), round(y, 3), c[0])
        for trace in timeline.data
        for x, y, c in zip(trace.x, trace.y, trace.customdata, strict=True)
    ]
    assert len(points) == 5
    assert len({(x, y) for x, y, _ in points}) == 5, points
    same_day = sorted(y for x, y, _ in points if x == pd.Timestamp(day) and y < 0.5)
    assert len(same_day) == 3 and same_day[0] < 0 < same_day[-1]  # around their row, inside it
    assert all(abs(y) < 0.5 for y in same_day)
    assert {c for *_, c in points} == set("甲乙丙丁戊")


def test_a_slide_gets_plotlys_own_legend_back():
    fig = charts.plain_legend(batch_chart())
    assert not role(fig, "legend")
    assert fig.layout.showlegend and list(fig.layout.yaxis.domain) == [0, 1]
    assert [t.name for t in segments(fig)] == ["技术创新型", "服务创新型", UNTYPED]
    assert role(fig, "totals")  # the totals stay: a projector has no hover either


def test_revocations_days_apart_that_would_overlap_are_stacked_too():
    dates = [dt.date(2021, 1, 5), dt.date(2025, 1, 10), dt.date(2025, 1, 20), dt.date(2025, 9, 1)]
    timeline = charts.revocation_timeline(
        pd.DataFrame(
            {
                "revoked_on": dates,
                "ground": ["年度考核不合格"] * 4,
                "type": ["技术创新型"] * 4,
                "studio": list("甲乙丙丁"),
                "unit": ["单位"] * 4,
            }
        ),
        title="t",
        date_title="",
        ground_title="",
        grounds=("年度考核不合格", "严重医疗事故", "严重违反医德医风", "其他"),
    )
    rows = dict(zip((c[0] for c in timeline.data[0].customdata), timeline.data[0].y, strict=True))
    assert rows["乙"] != rows["丙"]  # ten days apart on a five-year axis: one above the other
    assert rows["甲"] == rows["丁"] == 0  # alone where they are: on the row's line


def test_long_legend_names_take_two_rows_short_ones_one():
    def legend_lines(type_label) -> set[float]:
        fig = charts.stacked_by_type(
            COUNTS,
            category="batch",
            title="t",
            category_title="",
            value_title="",
            unit="",
            type_label=type_label,
            horizontal=True,
        )
        (bars,) = [t for t in role(fig, "legend") if t.type == "bar"]
        return set(bars.y)

    assert legend_lines(str) == {0}
    english = {"技术创新型": "Technical innovation", "服务创新型": "Service innovation"}
    assert legend_lines(lambda t: english.get(t, "Management innovation")) == {0, -1}
    # Two long names on one row are as far apart as the first is wide, on the narrowest plot.
    two = COUNTS[COUNTS["type"] != UNTYPED]
    fig = charts.stacked_by_type(
        two,
        category="batch",
        title="t",
        category_title="",
        value_title="",
        unit="",
        type_label=lambda t: english[t],
        horizontal=True,
    )
    (bars,) = [t for t in role(fig, "legend") if t.type == "bar"]
    width = charts.LEGEND_ENTRY_PX + charts.LEGEND_CHAR_PX * len("Technical innovation")
    assert list(bars.y) == [0, 0]
    assert bars.base[1] * charts.MIN_PLOT_WIDTH["horizontal"] >= width
