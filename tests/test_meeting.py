"""Meeting mode: the slides follow the filters and `summary`, read from the back of the room, and
the presenter drives them (buttons, auto-advance, ?slide, ?theme)."""

from __future__ import annotations

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


def test_the_overview_figures_are_the_summary_counts(demo_con):
    slide = meeting.build_slides(demo_con.cursor(), Filters(year=2024))[0]
    summary = queries.summary(demo_con.cursor(), Filters(year=2024))
    active = summary["studios"]["by_status"]["active"]
    revoked = summary["studios"]["by_status"]["revoked"]
    assert slide.figures[0] == ("在管工作室", f"{active}家")
    assert slide.figures[1] == ("已撤销称号", f"{revoked}家")
    by_result = summary["assessments"]["2024"]["by_result"]
    rate = 100 * (by_result["优秀"] + by_result["合格"]) / sum(by_result.values())
    assert slide.figures[2] == ("2024年度合格率", f"{rate:.1f}%")


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


def test_english_slides(demo_con):
    slides = meeting.build_slides(demo_con.cursor(), Filters(year=2024), lang="en")
    assert slides[2].headline.startswith("Assessment 2024:")
    assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in s.headline) for s in slides)


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
            return body.split('class="labstudio-headline">', 1)[1].split("</p>", 1)[0]
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
        texts = [s.text_frame.text for s in page.shapes if s.has_text_frame]
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
