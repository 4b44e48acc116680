"""The served font draws every character the dashboards show: a meeting-room PC may have no
other font with Chinese in it, and would draw a missing glyph as an empty box."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from labstudio import labels
from tests.conftest import REPO

FONTS = sorted((REPO / "static" / "fonts").glob("LabSans-*.woff2"))
# The files whose string literals reach the screen: the label table and the page-drawing code.
SOURCES = [
    REPO / "labstudio" / "labels.py",
    REPO / "labstudio" / "ui" / "components.py",
    REPO / "labstudio" / "ui" / "charts_ui.py",
]


def shown_text(demo_con) -> str:
    text = "".join(path.read_text(encoding="utf-8") for path in SOURCES)
    text += "".join(zh + en for zh, en in labels.LABELS.values())
    cur = demo_con.cursor()
    tables = cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    for (table,) in tables:
        for row in cur.execute(f'SELECT * FROM "{table}"').fetchall():
            text += " ".join(str(value) for value in row if isinstance(value, str))
    return text


@pytest.mark.parametrize("font", FONTS, ids=lambda path: path.stem)
def test_the_served_font_has_every_character_shown(demo_con, font):
    assert len(FONTS) == 2
    cmap = set(TTFont(font).getBestCmap())
    missing = {ch for ch in shown_text(demo_con) if ch.isprintable() and ord(ch) not in cmap}
    missing -= {" "}  # drawn as space whatever the font
    assert not missing, "make fonts: " + "".join(sorted(missing))
