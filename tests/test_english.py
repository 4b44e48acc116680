"""English mode is English: every dashboard page under ?lang=en shows no Chinese character and
no Chinese punctuation, except in data (the names of units, studios and people, their honours,
achievements, reasons and ledger descriptions, as the database holds them).

Everything a page sends to the browser is read: every element's text fields, every table's
headers and cells, and every chart's titles, axes, ticks, legends and hover text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from labstudio import db, labels
from labstudio.filters import from_mapping
from labstudio.views import assessments, funds, overview, revocations, types
from labstudio.views import studios as studios_view
from tests.conftest import REPO

# Han characters, CJK punctuation (、。「」【】 …), the full-width forms (：，（）；！？) and the
# curly quotes Chinese text uses (“”), which a Chinese font draws full width.
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef“”‘’]")

VIEWS = {
    "overview": overview,
    "types": types,
    "assessments": assessments,
    "revocations": revocations,
    "funds": funds,
}
PAGES = [
    ("pages/overview.py", {}),
    ("pages/overview.py", {"year": "2024", "batch": "3"}),
    ("pages/types.py", {}),
    ("pages/assessments.py", {}),
    ("pages/revocations.py", {}),
    ("pages/funds.py", {}),
    ("pages/studios.py", {}),
    ("pages/studios.py", {"studio": "4"}),  # seven honours: the warning, the lists
]


def data_texts() -> list[str]:
    """Every text the database holds, longest first (so a studio's name goes before its
    unit's, which it may contain)."""
    cur = db.cursor()
    texts: set[str] = set()
    queries = [
        "SELECT name FROM units",
        "SELECT name FROM studios",
        "SELECT leader FROM studios",
        "SELECT leader_title FROM studios",
        "SELECT achievements FROM studios",
        "SELECT unnest(honours) FROM studios",
        "SELECT reason FROM revocations",
        "SELECT description FROM ledger",
    ]
    for sql in queries:
        texts |= {row[0] for row in cur.execute(sql).fetchall() if row[0]}
    return sorted(texts, key=len, reverse=True)


# Chart fields that are never shown: the filter values a click carries (canonical, such as
# 技术创新型), and the panel's name for the tests.
UNSHOWN = {"customdata", "meta"}
# The language button names the other language in that language: 中文 in English mode.
LANGUAGE_BUTTON = labels.label("lang.switch", "en")


def strings(value: object) -> Iterator[str]:
    """Every string in a decoded protobuf message, a chart spec (JSON inside a string) included."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in UNSHOWN:
                yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        if value.startswith("{"):
            try:
                yield from strings(json.loads(value))
                return
            except ValueError:
                pass
        yield value


def page_texts(at: AppTest) -> Iterator[str]:
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is not None:
            yield from strings(MessageToDict(proto))
        frame = getattr(node, "value", None) if node.type in ("arrow_data_frame", "table") else None
        if frame is not None:
            yield from map(str, frame.columns)
            for column in frame.columns:
                yield from (v for v in frame[column] if isinstance(v, str))


def chinese_outside_data(texts: Iterator[str], data: list[str]) -> list[str]:
    found = []
    for text in texts:
        if text == LANGUAGE_BUTTON:
            continue
        rest = text
        for name in data:
            if name in rest:
                rest = rest.replace(name, "")
        if CHINESE.search(rest):
            found.append(text if len(text) < 200 else text[:200] + "…")
    return sorted(set(found))


def open_data_views(at: AppTest, page: str, query: dict[str, str]) -> None:
    """Open every chart's 数据 view: its table is drawn only when open (charts_ui.data_view)."""
    name = page.removeprefix("pages/").removesuffix(".py")
    if "studio" in query:
        view, name = studios_view.profile_page(db.cursor(), int(query["studio"]), "en"), "profile"
    elif name == "studios":
        return
    else:
        view = VIEWS[name].page(db.cursor(), from_mapping(query), "en")
    for panel in view.panels:
        if panel.figure is not None:
            at.session_state[f"{name}_{panel.key}_data"] = True
    at.run()


@pytest.mark.parametrize(("page", "query"), PAGES, ids=lambda p: str(p))
def test_english_pages_have_no_chinese_outside_data(demo_db, page, query):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    open_data_views(at, page, query)
    assert not at.exception
    assert at.title[0].value.isascii()
    found = chinese_outside_data(page_texts(at), data_texts())
    assert not found, found


def test_the_check_finds_chinese_outside_data(demo_db):
    """The check itself: a Chinese label (not data) in English output is found."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()  # Chinese mode
    found = chinese_outside_data(page_texts(at), data_texts())
    assert "总览" in found and any("筛选" in text for text in found)
    assert not chinese_outside_data(iter(["青岛市市立医院", "Unit: 青岛市市立医院"]), data_texts())
    assert chinese_outside_data(iter(["青岛市市立医院："]), data_texts()) == ["青岛市市立医院："]


@pytest.mark.parametrize(
    "query", [{"unit": "不存在的医院"}, {"year": "abc"}], ids=["no-match", "bad-year"]
)
def test_english_states_have_no_chinese_outside_data(demo_db, query):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params.update(lang="en", **query)
    at.run()
    assert not at.exception
    # The value the link carried is data too (shown as given, with "(no match)").
    found = chinese_outside_data(page_texts(at), [*query.values(), *data_texts()])
    assert not found, found


def test_an_empty_database_in_english(empty_db):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert not chinese_outside_data(page_texts(at), [])
