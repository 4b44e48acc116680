"""The hand-out deck: PPTX and PDF open, have one page per slide, and carry the Chinese text."""

from __future__ import annotations

import io
import unicodedata

import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pypdf import PdfReader

from labstudio import deck

pytestmark = pytest.mark.xdist_group("browser")  # kaleido starts chromium


def slides() -> list[deck.Slide]:
    bars = go.Figure(go.Bar(x=["技术创新型", "服务创新型", "管理创新型"], y=[27, 24, 8]))
    pie = go.Figure(go.Pie(labels=["优秀", "合格", "不合格"], values=[12, 33, 2]))
    return [
        deck.Slide(
            "types",
            "类型分布",
            "技术创新型27家，服务创新型24家，管理创新型8家",
            [("在管", "51 家"), ("撤销", "9 家")],
            bars,
            "有1家未填类型",
        ),
        deck.Slide(
            "assessments",
            "年度考核",
            "2024年度考核：优秀12家，合格33家，不合格2家",
            [("合格率", "95.7%")],
            pie,
        ),
        deck.Slide("actions", "待办事项", "没有需要跟进的事项"),
    ]


def test_pptx_has_a_slide_each_with_its_headline():
    presentation = Presentation(io.BytesIO(deck.pptx_deck(slides(), "会议投屏")))
    assert len(presentation.slides) == 3
    texts = [
        [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        for slide in presentation.slides
    ]
    assert "2024年度考核：优秀12家，合格33家，不合格2家" in texts[1]
    pictures = [s for s in presentation.slides[0].shapes if s.shape_type == 13]
    assert len(pictures) == 1
    # The east-Asian typeface is named, so WPS and PowerPoint pick a CJK font.
    xml = presentation.slides[0].shapes[1].text_frame._txBody.xml
    assert 'a:ea typeface="Microsoft YaHei"' in xml


def test_pdf_has_a_page_each_with_searchable_chinese():
    reader = PdfReader(io.BytesIO(deck.pdf_deck(slides())))
    assert len(reader.pages) == 3

    # Text extraction may return CJK radicals for some glyphs; NFKC folds them back.
    def folded(text: str) -> str:
        return unicodedata.normalize("NFKC", text)

    text = [folded(page.extract_text()) for page in reader.pages]
    assert folded("2024年度考核：优秀12家，合格33家，不合格2家") in text[1]
    assert folded("技术创新型27家") in text[0]
    assert folded("没有需要跟进的事项") in text[2]


@pytest.mark.parametrize(
    ("headline", "lines"),
    [
        ("没有需要跟进的事项", ["没有需要跟进的事项"]),
        (
            "累计撤销称号9家：年度考核不合格6家，严重医疗事故1家，严重违反医德医风1家，其他1家",
            [
                "累计撤销称号9家：年度考核不合格6家，",
                "严重医疗事故1家，严重违反医德医风1家，其他1家",
            ],
        ),
        ("甲" * 40, ["甲" * 34, "甲" * 6]),  # no comma: cut at the width
    ],
)
def test_long_headlines_break_at_a_comma(headline, lines):
    assert deck.wrap(headline) == lines
    assert "".join(deck.wrap(headline)) == headline
