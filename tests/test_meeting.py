"""Meeting mode: the slides follow the filters and `summary`, read from the back of the room, and
the presenter drives them (buttons, auto-advance, ?slide, ?theme)."""

from __future__ import annotations

import html
import re
import time

import pytest
from streamlit.testing.v1 import AppTest

from labstudio import db, headlines, meeting, queries
from labstudio.filters import Filters, from_mapping
from labstudio.labels import label
from labstudio.ui import state
from tests.conftest import REPO

FILTER_CASES = [
    {},
    {"year": "2024"},
    {"year": "2023", "type": "技术创新型"},
    {"batch": "3"},
    {"unit": "青岛市市立医院"},
    {"year": "2022", "status": "active"},
    {"unit": "没有这个单位"},
]


def case_id(query: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in query.items()) or "none"


def font_sizes(figure) -> list[float]:
    """Every text size the figure sets that a reader at the back must read."""
    layout = figure.layout
    sizes = [layout.font.size, layout.legend.font.size]
    for name in layout:
        if name.startswith(("xaxis", "yaxis")) and layout[name].visible is not False:
            sizes += [layout[name].tickfont.size]
            if layout[name].title.text:
                sizes += [layout[name].title.font.size]
    sizes += [a.font.size for a in layout.annotations or ()]
    sizes += [t.textfont.size for t in figure.data if t.type == "bar" and t.texttemplate]
    return sizes


@pytest.mark.parametrize("query", FILTER_CASES, ids=case_id)
def test_slides_follow_the_filters_and_summary(demo_con, query):
    filters = from_mapping(query)
    slides = meeting.build_slides(demo_con.cursor(), filters)
    assert tuple(s.key for s in slides) == meeting.SLIDE_ORDER
    summary = queries.summary(demo_con.cursor(), filters)
    by_key = {s.key: s for s in slides}
    assert by_key["overview"].headline == headlines.overview(summary["studios"], filters.unit)
    assert by_key["types"].headline == headlines.types(summary["studios"])
    assert by_key["revocations"].headline == headlines.revocations(
        filters.year, summary["revocations"]
    )
    assert by_key["funds"].headline == headlines.funds(summary["funds"], filters.year)
    year = filters.year or queries.latest_assessment_year(demo_con.cursor())
    result = queries.summary(demo_con.cursor(), filters.with_year(year))["assessments"].get(
        str(year)
    )
    assert by_key["assessments"].headline == headlines.assessment(year, result)
    for slide in slides:
        assert len(slide.figures) <= 3, slide.key
        assert slide.headline


def test_the_overview_figures_are_the_total_then_active_and_revoked(demo_con):
    slide = meeting.build_slides(demo_con.cursor(), Filters(year=2024))[0]
    studios = queries.summary(demo_con.cursor(), Filters(year=2024))["studios"]
    assert [tuple(f[:2]) for f in slide.figures] == [
        ("工作室总数", f"{studios['total']}家"),
        ("在管工作室", f"{studios['by_status']['active']}家"),
        ("已撤销称号", f"{studios['by_status']['revoked']}家"),
    ]
    assert slide.headline.startswith(f"全委创新工作室{studios['total']}家：")


@pytest.mark.parametrize("year", [None, 2024, 2023])
def test_the_assessment_slide_compares_with_the_year_before_as_the_dashboard_does(demo_con, year):
    """The changes beside the figures are the overview cards' (kpis) changes."""
    from labstudio import kpis

    cur = demo_con.cursor()
    slide = meeting.build_slides(cur, Filters(year=year))[2]
    cards = {c.label: c for c in kpis.cards(queries.overview(cur, Filters(year=year)))}
    shown = queries.latest_assessment_year(cur) if year is None else year
    assessed, rate = slide.figures[0], slide.figures[1]
    assert assessed.label == f"{shown}年度参加考核" and rate.label == f"{shown}年度合格率"
    for figure in (assessed, rate):
        card = cards[figure.label]
        assert figure.value.replace(" ", "") == card.value.replace(" ", "")
        if card.delta:
            assert figure.change == f"较上年 {card.delta}"
        else:
            assert figure.change in ("与上年持平", f"{shown - 1}年度无考核结果可比", None)
    # The chart: this year's grades beside the year before's, a number on every bar.
    history = queries.summary(cur, Filters())["assessments"]
    assert [t.name for t in slide.chart.data] == [f"{shown - 1}年度", f"{shown}年度"]
    for trace, y in zip(slide.chart.data, (shown - 1, shown), strict=True):
        assert list(trace.y) == [
            history[str(y)]["by_result"][g] for g in ("优秀", "合格", "不合格")
        ]
        assert trace.texttemplate


def test_a_stacked_bar_carries_its_total(demo_con):
    slides = {s.key: s for s in meeting.build_slides(demo_con.cursor(), Filters())}
    types = slides["types"].chart
    assert types.layout.barmode == "stack"
    totals = {}
    for trace in types.data:
        for batch, count in zip(trace.x, trace.y, strict=True):
            totals[batch] = totals.get(batch, 0) + count
    shown = {a.x: a.text for a in types.layout.annotations}
    assert shown == {b: f"<b>{t:,.0f}</b>" for b, t in totals.items()}
    by_batch = queries.summary(demo_con.cursor(), Filters())["studios"]["by_batch"]
    assert sorted(totals.values()) == sorted(v for v in by_batch.values() if v)
    # No "0" printed on an empty segment.
    for trace in types.data:
        for count, template in zip(trace.y, trace.texttemplate, strict=True):
            assert bool(template) == bool(count)


def test_a_year_without_grants_says_so_instead_of_zero(demo_con):
    slide = meeting.build_slides(demo_con.cursor(), Filters(year=2024))[4]
    assert slide.headline.startswith("2024年未新拨经费；支出")
    assert slide.figures[0] == ("拨付经费（2024年）", "未新拨", None)
    assert "0.00" not in slide.headline


def test_stages_nobody_recorded_make_a_note_not_a_chart(demo_con):
    cur = demo_con.cursor()
    cur.execute("UPDATE studios SET stage = NULL")
    slide = meeting.build_slides(cur, Filters())[0]
    active = queries.summary(cur, Filters())["studios"]["by_status"]["active"]
    assert slide.chart is None
    assert slide.note == f"{active}家在管工作室未填写所处阶段，阶段分布不作图。"
    # A few missing stages still make the chart, with the page's note.
    cur.execute("UPDATE studios SET stage = '委级命名' WHERE studio_id > 3")
    slide = meeting.build_slides(cur, Filters())[0]
    assert slide.chart is not None and slide.note and "未填写阶段" in slide.note


def test_no_ledger_means_no_zero_figures(demo_con):
    cur = demo_con.cursor()
    cur.execute("DELETE FROM ledger")
    slide = meeting.build_slides(cur, Filters())[4]
    assert slide.headline == "累计暂无经费拨付与支出记录"
    assert slide.figures == [] and slide.chart is None


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_chart_label_is_projector_size(demo_con, theme):
    slides = meeting.build_slides(demo_con.cursor(), Filters(), theme=theme)
    charted = [s for s in slides if s.chart is not None]
    assert len(charted) == len(slides)
    for slide in charted:
        sizes = [s for s in font_sizes(slide.chart) if s is not None]
        assert sizes and min(sizes) >= meeting.TICK_SIZE, (slide.key, sizes)
        assert not slide.chart.layout.title.text  # the headline says what the chart shows
    background = meeting.PROJECTOR_THEMES[theme]["paper"]
    assert all(s.chart.layout.paper_bgcolor == background for s in charted)


def test_bars_carry_their_numbers(demo_con):
    slides = {s.key: s for s in meeting.build_slides(demo_con.cursor(), Filters())}
    funds = slides["funds"].chart
    assert funds.data[0].texttemplate
    # the longest bar's number stays inside the plot
    assert funds.layout.xaxis.range[1] > max(funds.data[0].x)


def test_action_items_count_what_the_overview_lists(demo_con):
    from labstudio.views import overview

    cur = demo_con.cursor()
    year = queries.latest_assessment_year(cur)
    items = overview.action_items(cur, Filters(), year)
    counts = meeting.action_counts(items)
    slide = meeting.build_slides(cur, Filters())[-1]
    assert list(slide.chart.data[0].x) == [counts[k] for k in counts]
    assert counts["disallowed"] == len(items["disallowed"]) > 0
    assert f"不允许的支出{counts['disallowed']}笔" in slide.headline


def test_an_empty_database_makes_slides_that_say_so(con):
    slides = meeting.build_slides(con.cursor(), Filters())
    assert [s.headline for s in slides][2] == "暂无考核结果"
    assert slides[-1].headline == "没有需要跟进的事项"
    # Nothing to draw: no chart of noughts, no zero figures in big type.
    assert all(s.chart is None for s in slides)
    assert all(not s.figures for s in slides)


CHINESE = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")  # characters and punctuation


@pytest.mark.parametrize("query", [{}, {"year": "2024"}, {"year": "2023", "batch": "3"}])
def test_english_slides_are_english(demo_con, query):
    """Every word of an English slide, its chart's labels and hover text included: no Chinese
    character nor Chinese punctuation (the data here hold no unit or studio name)."""
    slides = meeting.build_slides(demo_con.cursor(), from_mapping(query), lang="en")
    for slide in slides:
        words = [slide.title, slide.headline, slide.note or ""]
        words += [part for figure in slide.figures for part in figure if part]
        if slide.chart is not None:
            words.append(slide.chart.to_json())
        for text in words:
            assert not CHINESE.findall(text), (slide.key, CHINESE.findall(text), text[:200])
    assert slides[2].headline.startswith("Assessment ")


# --- the page -------------------------------------------------------------------------------


def meeting_app(**query: str) -> AppTest:
    """The meeting page on its own (AppTest runs a switched-to page without app.py)."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("pages/meeting.py")
    # Also where the sidebar widgets (drawn by app.py) keep the URL's filters, for the runs in
    # which AppTest leaves app.py out.
    for key, value in query.items():
        if key in state.FILTER_KEYS:
            at.session_state[key] = value
    return at.run()


def headline(at: AppTest) -> str:
    """The headline paragraph of the slide on screen."""
    for element in at.get("html"):
        body = element.proto.body
        if "labstudio-headline" in body:
            inner = body.split('class="labstudio-headline">', 1)[1].split("</p>", 1)[0]
            return html.unescape(re.sub(r"<[^>]+>", "", inner))
    raise AssertionError("no headline on the page")


def expected_headlines(**filters) -> list[str]:
    return [s.headline for s in meeting.build_slides(db.cursor(), Filters(**filters))]


def test_next_and_previous_walk_the_slides_in_order(demo_db):
    at = meeting_app()
    assert not at.exception
    expected = expected_headlines()
    seen = [headline(at)]
    for _ in range(len(expected)):
        at.button(key="meeting_next").click().run()
        seen.append(headline(at))
    assert seen == [*expected, expected[0]]  # after the last slide comes the first
    at.button(key="meeting_previous").click().run()
    assert headline(at) == expected[-1]
    assert at.query_params["slide"] == str(len(expected))


def test_keyboard_shortcuts_are_on_the_buttons(demo_db):
    at = meeting_app()
    shortcuts = {b.key: b.proto.shortcut for b in at.button}
    assert shortcuts["meeting_next"].lower() == "right"
    assert shortcuts["meeting_previous"].lower() == "left"
    assert shortcuts["meeting_space"].lower() == "space"
    at.button(key="meeting_space").click().run()
    assert headline(at) == expected_headlines()[1]


def test_a_prepared_link_opens_the_right_slide_and_filters(demo_db):
    at = meeting_app(year="2024", slide="3")
    assert headline(at) == expected_headlines(year=2024)[2]
    assert headline(at).startswith("2024年度考核：")


def test_auto_advance_moves_on_only_after_the_interval(demo_db):
    at = meeting_app(auto="15")
    first = headline(at)
    at.run()  # a rerun within the interval stays put
    assert headline(at) == first
    at.session_state["meeting_moved_at"] = time.monotonic() - 16
    at.run()
    assert headline(at) == expected_headlines()[1]
    assert at.session_state["meeting_slide"] == 1


def test_auto_advance_is_off_by_default(demo_db):
    at = meeting_app()
    at.session_state["meeting_moved_at"] = time.monotonic() - 3600
    at.run()
    assert at.session_state["meeting_slide"] == 0


def test_dark_theme_and_full_screen(demo_db):
    at = meeting_app(theme="dark")
    assert not at.exception
    css = next(e.proto.body for e in at.get("html") if "<style>" in e.proto.body)
    assert "#0e1117" in css  # the dark background
    assert 'data-testid="stSidebar"' in css and "display: none" in css
    chart = at.get("plotly_chart")[0]
    assert '"paper_bgcolor":"#0e1117"' in chart.proto.spec.replace(" ", "")


def test_an_empty_database_points_to_the_import_page(empty_db):
    at = meeting_app()
    assert not at.exception
    assert label("empty.title") in [s.value for s in at.subheader]
    assert not at.get("plotly_chart")


@pytest.mark.xdist_group("browser")  # kaleido starts chromium
def test_the_handouts_carry_the_same_slides(demo_con):
    import io

    from pptx import Presentation
    from pypdf import PdfReader

    from labstudio import deck

    slides = meeting.build_slides(demo_con.cursor(), Filters(year=2024))
    presentation = Presentation(io.BytesIO(deck.pptx_deck(slides, "会议投屏")))
    assert len(presentation.slides) == len(slides)
    for page, slide in zip(presentation.slides, slides, strict=True):
        # The headline, in the lines the deck broke it into.
        texts = [s.text_frame.text.replace("\n", "") for s in page.shapes if s.has_text_frame]
        assert slide.headline in texts
    reader = PdfReader(io.BytesIO(deck.pdf_deck(slides)))
    assert len(reader.pages) == len(slides)
    first = reader.pages[0].extract_text()
    assert "在管" in first and "51" in first


@pytest.mark.xdist_group("browser")  # kaleido starts chromium
def test_the_handout_is_made_once_per_view(demo_db):
    import io

    from pptx import Presentation

    from labstudio.ui import data
    from labstudio.ui import meeting as meeting_ui

    started = time.monotonic()
    first = meeting_ui.handout(data.db_key(), Filters(year=2024), "zh", "pptx")
    made = time.monotonic() - started
    started = time.monotonic()
    again = meeting_ui.handout(data.db_key(), Filters(year=2024), "zh", "pptx")
    assert again == first and time.monotonic() - started < made / 5
    assert len(Presentation(io.BytesIO(first)).slides) == len(meeting.SLIDE_ORDER)


def test_a_headline_breaks_between_clauses_never_inside_a_number(demo_db):
    at = meeting_app(slide="2")
    body = next(e.proto.body for e in at.get("html") if "labstudio-headline" in e.proto.body)
    spans = re.findall(r'<span class="labstudio-nowrap">([^<]*)</span>', body)
    assert spans[:3] == ["共60家：", "技术创新型27家，", "服务创新型24家，"]
    assert headline(at) == "".join(spans)


def test_the_pptx_needs_no_chromium(demo_db, monkeypatch):
    from labstudio import deck

    monkeypatch.setattr(deck, "available", lambda: False)
    at = meeting_app()
    keys = {b.key for b in at.get("download_button")}
    assert "meeting_pptx" in keys and "meeting_pdf" not in keys
    assert label("meeting.no_deck") in [c.value for c in at.caption]


def test_a_figure_shows_its_change_on_the_year_before(demo_db):
    at = meeting_app(slide="3", year="2024")
    body = next(e.proto.body for e in at.get("html") if "labstudio-figures" in e.proto.body)
    assert '<div class="labstudio-figure-change">较上年 -1</div>' in body


def test_over_budget_on_an_assumed_grant_is_said(demo_con):
    """A studio with no grant record is over budget against the 10,000 yuan assumed for it:
    the action slide names it, since the count rests on that assumption."""
    cur = demo_con.cursor()
    studio = cur.execute(
        "SELECT s.studio_id, s.name FROM studios s WHERE NOT EXISTS (SELECT 1 FROM ledger l"
        " WHERE l.studio_id = s.studio_id AND l.direction = 'grant') ORDER BY 1 LIMIT 1"
    ).fetchone()
    assert meeting.build_slides(cur, Filters())[-1].note is None
    cur.execute(
        "INSERT INTO ledger (entry_id, studio_id, entry_date, direction, category, amount,"
        " description, entry_key, import_id) SELECT max(entry_id) + 1, ?, DATE '2025-03-01',"
        " 'expense', '设备购置', 12000, '购置设备', 'test', 1 FROM ledger",
        [studio[0]],
    )
    slide = meeting.build_slides(cur, Filters())[-1]
    assert slide.note == f"超支的工作室中1家未录入拨款，按1万元计：{studio[1]}"
    assert "超支2家" in slide.headline
