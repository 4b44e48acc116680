"""Meeting mode in a real browser: every slide at 1024×768 and 1920×1080, read from the back.

Each slide is checked where a projector shows it: no Streamlit chrome, the headline at least
40 px, every chart label at least 20 px, nothing scrolling either way; the presenter's keys move
the slides, ?auto advances them, ?theme=dark darkens them; a headline never breaks between a
number and its unit. Screenshots go to tests/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from labstudio import db, demo, meeting
from labstudio.filters import Filters
from tests.browser import (
    CHROMIUM_ARGS,
    DRAWN,
    READY,
    SCREENSHOTS,
    SIZES,
    app_server,
    chromium_path,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# What a projector shows of the slide: sizes in CSS pixels, and whether anything scrolls.
MEASURE = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const page = document.scrollingElement;
    const headline = document.querySelector('.labstudio-headline');
    const texts = [...document.querySelectorAll(
        '.st-key-meeting_stage .main-svg text')].filter(t => t.textContent.trim());
    const visible = sel => [...document.querySelectorAll(sel)]
        .some(e => e.getBoundingClientRect().width > 0 && getComputedStyle(e).display !== 'none');
    const controls = document.querySelector('.st-key-meeting_controls').getBoundingClientRect();
    return {
        headline: headline.textContent,
        headlineSize: parseFloat(getComputedStyle(headline).fontSize),
        chartTextSizes: texts.map(t => parseFloat(t.style.fontSize || getComputedStyle(t).fontSize)),
        sideways: Math.max(page.scrollWidth - page.clientWidth, main.scrollWidth - main.clientWidth),
        downwards: Math.max(page.scrollHeight - page.clientHeight,
                            main.scrollHeight - main.clientHeight),
        controlsBottom: controls.bottom,
        chrome: visible('[data-testid="stSidebar"]') || visible('[data-testid="stHeader"]')
            || visible('[data-testid="stToolbar"]'),
        background: getComputedStyle(document.querySelector('.stApp')).backgroundColor,
        // A number and its unit drawn on two lines ("12" at a line's end, "家" on the next).
        split: [...document.querySelectorAll('.labstudio-headline .labstudio-nowrap')]
            .filter(s => s.getClientRects().length > 1).map(s => s.textContent),
    };
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("meeting") / "demo.duckdb"
    connection = db.open_database(path)
    demo.load(connection)
    headlines = [s.headline for s in meeting.build_slides(connection.cursor(), Filters())]
    connection.close()
    with app_server(path) as url:
        yield url, headlines


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def settle(page: Page) -> None:
    page.wait_for_selector(READY, timeout=90_000)
    page.wait_for_selector(".labstudio-headline", timeout=90_000)
    page.wait_for_function(DRAWN, timeout=60_000)
    page.wait_for_timeout(300)  # plotly's relayout to the stretched height


def open_meeting(browser: Browser, url: str, size: str, query: str = "") -> Page:
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{url}/meeting{query}")
    settle(page)
    return page


def wait_for_headline(page: Page, text: str) -> None:
    page.wait_for_function(
        "t => document.querySelector('.labstudio-headline')?.textContent === t",
        arg=text,
        timeout=30_000,
    )
    settle(page)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_slide_reads_from_the_back_of_the_room(browser, server, size, theme):
    url, headlines = server
    page = open_meeting(browser, url, size, "" if theme == "light" else "?theme=dark")
    height = SIZES[size][1]
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for number, expected in enumerate(headlines, start=1):
        wait_for_headline(page, expected)
        seen = page.evaluate(MEASURE)
        page.screenshot(path=str(folder / f"meeting-{theme}-{size}-{number}.png"))
        where = f"slide {number} ({theme}, {size})"
        assert not page.locator('[data-testid="stException"]').count(), where
        assert seen["headlineSize"] >= 40, where
        assert seen["chartTextSizes"], f"{where}: no chart"
        assert min(seen["chartTextSizes"]) >= 20, (where, seen["chartTextSizes"])
        assert seen["sideways"] <= 1 and seen["downwards"] <= 1, (where, seen)
        assert seen["controlsBottom"] <= height, where  # the buttons are on screen
        assert not seen["chrome"], where
        assert not seen["split"], (where, seen["split"])
        if theme == "dark":
            assert seen["background"] == "rgb(14, 17, 23)", where
        page.keyboard.press("ArrowRight")
    # after the last slide, → comes back to the first
    wait_for_headline(page, headlines[0])
    page.close()


def test_the_presenters_keys_and_clicker(browser, server):
    url, headlines = server
    page = open_meeting(browser, url, "1024x768")
    page.keyboard.press("Space")
    wait_for_headline(page, headlines[1])
    page.keyboard.press("PageDown")  # what a presenter's clicker sends
    wait_for_headline(page, headlines[2])
    page.keyboard.press("ArrowLeft")
    wait_for_headline(page, headlines[1])
    page.keyboard.press("PageUp")
    wait_for_headline(page, headlines[0])
    assert page.get_by_text("第1页，共6页").count() == 1
    page.close()


def test_auto_advance_and_the_way_back(browser, server):
    url, headlines = server
    page = open_meeting(browser, url, "1920x1080", "?auto=5")
    wait_for_headline(page, headlines[0])
    wait_for_headline(page, headlines[1])  # within about five seconds, without a key
    page.get_by_role("link", name="返回看板").click()
    page.wait_for_selector('[data-testid="stSidebar"]', timeout=30_000)
    page.wait_for_selector(READY, timeout=60_000)
    assert "/meeting" not in page.url
    page.close()
