"""The hand-out deck: PPTX with native charts and text of 14 pt and more, laid out to fill the
slide, that LibreOffice Impress opens; PDF whose Chinese is real text; headlines broken where a
reader would break them."""

from __future__ import annotations

import io
import re

import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.util import Emu
from pypdf import PdfReader

from labstudio import deck
from labstudio.deck import Figure
from tests.office import to_pdf

# Kangxi radicals and the CJK radicals supplement: what the PDF's text layer held for 工, 人 …
RADICALS = re.compile("[\u2e80-\u2fdf]")


def slides() -> list[deck.Slide]:
    bars = go.Figure(
        [
            go.Bar(
                name="技术创新型", x=["第一批", "第二批"], y=[9, 8], marker={"color": "#0072B2"}
            ),
            go.Bar(
                name="服务创新型", x=["第一批", "第二批"], y=[8, 0], marker={"color": "#E69F00"}
            ),
        ]
    )
    bars.update_layout(barmode="stack")
    pie = go.Figure(go.Pie(labels=["优秀", "合格", "不合格"], values=[12, 33, 2]))
    spend = go.Figure(
        go.Bar(
            x=[69203.4, 5467.3],
            y=["设备购置", "不允许的支出"],
            orientation="h",
            marker={"color": ["#5a6370", "#D55E00"]},
        )
    )
    return [
        deck.Slide(
            "types",
            "类型分布",
            "技术创新型27家，服务创新型24家，管理创新型8家",
            [Figure("在管", "51家"), Figure("撤销", "9家", "较上年 +2")],
            bars,
            "有1家未填类型",
        ),
        deck.Slide(
            "assessments",
            "年度考核",
            "2024年度考核：优秀12家，合格33家，不合格2家",
            [Figure("合格率", "95.7%")],
            pie,
        ),
        deck.Slide("funds", "经费使用", "2024年未新拨经费；支出7.85 万元", [], spend),
        deck.Slide("actions", "待办事项", "没有需要跟进的事项"),
    ]


def texts_of(page) -> list[str]:
    return [shape.text_frame.text for shape in page.shapes if shape.has_text_frame]


def test_pptx_has_a_slide_each_with_its_headline_and_native_charts():
    presentation = Presentation(io.BytesIO(deck.pptx_deck(slides(), "会议投屏")))
    assert len(presentation.slides) == 4
    assert "2024年度考核：优秀12家，合格33家，不合格2家" in texts_of(presentation.slides[1])
    for page in presentation.slides:
        assert not [s for s in page.shapes if s.shape_type == 13]  # no pictures
    charts = [[s.chart for s in page.shapes if s.has_chart] for page in presentation.slides]
    assert [len(c) for c in charts] == [1, 1, 1, 0]
    stacked = charts[0][0]
    # The series are the figure's, with their numbers and colours, editable in PowerPoint.
    assert [s.name for s in stacked.plots[0].series] == ["技术创新型", "服务创新型"]
    assert list(stacked.plots[0].series[0].values) == [9, 8]
    assert list(stacked.plots[0].series[1].values) == [8, None]  # no "0" segment
    assert list(stacked.plots[0].categories) == ["第一批（共17）", "第二批（共8）"]  # totals
    assert str(stacked.plots[0].series[0].format.fill.fore_color.rgb) == "0072B2"
    assert all(s.data_labels.show_value for s in stacked.plots[0].series)  # numbers on bars
    spend = charts[2][0].plots[0]
    assert list(spend.categories) == ["设备购置", "不允许的支出"]
    assert str(spend.series[0].points[1].format.fill.fore_color.rgb) == "D55E00"
    # The east-Asian typeface is named, so WPS and PowerPoint pick a CJK font.
    xml = presentation.slides[0].shapes[1].text_frame._txBody.xml
    assert 'a:ea typeface="Microsoft YaHei"' in xml


def point_sizes(xml: str) -> list[int]:
    return [int(v) for v in re.findall(r'\bsz="(\d+)"', xml)]


def test_pptx_text_is_14_pt_or_more_and_the_chart_fills_the_slide():
    presentation = Presentation(io.BytesIO(deck.pptx_deck(slides(), "会议投屏")))
    width, height = presentation.slide_width, presentation.slide_height
    for page in presentation.slides:
        sizes = point_sizes(page.shapes._spTree.xml)
        for shape in page.shapes:
            if shape.has_chart:
                sizes += point_sizes(shape.chart.part.blob.decode())
            # Inside the slide, and nothing overlaps the shape below it.
            assert shape.left >= 0 and shape.top >= 0, shape.name
            assert shape.left + shape.width <= width and shape.top + shape.height <= height
        assert sizes and min(sizes) >= 1400, sizes  # hundredths of a point
        shapes = sorted(page.shapes, key=lambda s: (s.top, s.left))
        for upper, lower in zip(shapes, shapes[1:], strict=False):
            if upper.left == lower.left:
                assert upper.top + upper.height <= lower.top, (upper.name, lower.name)
        for shape in page.shapes:
            if shape.has_chart:
                assert shape.width >= 0.9 * width
                assert shape.top + shape.height >= height - Emu(914400 // 2)  # to the foot


@pytest.mark.xdist_group("office")
def test_impress_opens_the_pptx_with_its_text_and_chart_numbers(tmp_path):
    """As a person would: LibreOffice Impress renders every slide, its words and its charts."""
    source = tmp_path / "会议材料.pptx"
    source.write_bytes(deck.pptx_deck(slides(), "会议投屏"))
    pages = [re.sub(r"\s", "", p.extract_text()) for p in PdfReader(to_pdf(source)).pages]
    assert len(pages) == 4
    assert "技术创新型27家，服务创新型24家，管理创新型8家" in pages[0]
    assert "第一批（共17）" in pages[0] and "较上年+2" in pages[0]
    assert "69,203" in pages[2] and "5,467" in pages[2]  # the numbers on the bars
    assert "没有需要跟进的事项" in pages[3]


@pytest.mark.xdist_group("browser")  # kaleido starts chromium
def test_pdf_chinese_is_real_text():
    """The text layer holds 工 (U+5DE5), not the Kangxi radical ⼯ (U+2F2F) that looks the same:
    a search for 工作室 finds it, copied text is right. No folding of the extracted text."""
    reader = PdfReader(io.BytesIO(deck.pdf_deck(slides())))
    assert len(reader.pages) == 4
    text = [page.extract_text() for page in reader.pages]
    assert "2024年度考核：优秀12家，合格33家，不合格2家" in text[1]
    assert "技术创新型27家" in text[0]
    assert "没有需要跟进的事项" in text[3]
    for page in text:
        assert not RADICALS.findall(page), RADICALS.findall(page)


def test_the_pdf_font_is_opentype_without_radicals():
    from fontTools.ttLib import TTFont

    config = deck.pdf_fontconfig()
    assert config is not None and config.is_file()
    fonts = sorted(config.parent.glob("LabSans-*.otf"))
    assert [f.name for f in fonts] == ["LabSans-Bold.otf", "LabSans-Regular.otf"]
    for path in fonts:
        cmap = TTFont(path).getBestCmap()
        assert ord("工") in cmap and not [c for c in cmap if 0x2E80 <= c <= 0x2FDF]
        assert ord("見") in cmap  # a radical's traditional twin, drawn here, not by a fallback
    assert str(config.parent) in config.read_text()


@pytest.mark.parametrize(
    ("headline", "width", "lines"),
    [
        ("没有需要跟进的事项", 68, ["没有需要跟进的事项"]),
        (
            "累计撤销称号9家：年度考核不合格6家，严重医疗事故1家，严重违反医德医风1家，其他1家",
            68,
            [
                "累计撤销称号9家：年度考核不合格6家，",
                "严重医疗事故1家，严重违反医德医风1家，其他1家",
            ],
        ),
        ("甲" * 40, 68, ["甲" * 34, "甲" * 6]),  # no comma: cut at the width
        # Never between a number and its unit, nor inside the number.
        ("甲" * 33 + "12家乙", 68, ["甲" * 33, "12家乙"]),  # "12" would fit, "家" not
        (
            "累计拨付经费57.00 万元，支出35.16 万元，其中不允许的支出5,467.31 元",
            50,
            ["累计拨付经费57.00 万元，支出35.16 万元，", "其中不允许的支出5,467.31 元"],
        ),
        ("甲" * 20 + "5,467.31 元", 48, ["甲" * 20, "5,467.31 元"]),
        (
            "No new grants in 2024; spent 78,462 yuan, of which 992 yuan disallowed",
            40,
            ["No new grants in 2024;", "spent 78,462 yuan,", "of which 992 yuan disallowed"],
        ),
        ("Granted 570,000 yuan to date", 20, ["Granted 570,000 yuan", "to date"]),
    ],
)
def test_long_headlines_break_where_a_reader_would(headline, width, lines):
    assert deck.wrap(headline, width) == lines
    assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", headline)


def test_a_chart_the_deck_cannot_draw_natively_is_refused():
    with pytest.raises(TypeError, match="scatter"):
        deck.chart_data(go.Figure(go.Scatter(x=[1], y=[2])))


# --- python -m labstudio deck ------------------------------------------------------------------


def slide_texts(data: bytes) -> list[list[str]]:
    return [
        [s.text_frame.text.replace("\n", "") for s in page.shapes if s.has_text_frame]
        for page in Presentation(io.BytesIO(data)).slides
    ]


def test_the_deck_command_writes_the_meeting_pages_slides(demo_db, tmp_path, capsys):
    from labstudio import cli, db, meeting
    from labstudio.filters import Filters

    out = tmp_path / "材料" / "会议.pptx"
    code = cli.main(["deck", str(out), "--db", str(demo_db), "--batch", "第三批"])
    assert code == 0, capsys.readouterr().err
    assert str(out) in capsys.readouterr().out
    connection = db.open_database(demo_db)
    try:
        expected = meeting.build_slides(connection.cursor(), Filters(batch=3))
        same = meeting.handout(connection.cursor(), Filters(batch=3), "zh", "pptx")
    finally:
        connection.close()
    written = slide_texts(out.read_bytes())
    assert len(written) == len(meeting.SLIDE_ORDER)
    assert [s.headline for s in expected] == [texts[1] for texts in written]
    assert written == slide_texts(same)  # what the meeting page's PPTX button hands out


def test_the_deck_command_in_english(demo_db, tmp_path, capsys):
    from labstudio import cli

    out = tmp_path / "deck.pptx"
    code = cli.main(["deck", str(out), "--db", str(demo_db), "--year", "2024", "--lang", "en"])
    assert code == 0
    assert capsys.readouterr().out.startswith("Wrote the deck (6 slides)")
    headlines = [texts[1] for texts in slide_texts(out.read_bytes())]
    assert headlines[2].startswith("Assessment 2024:")
    assert headlines[4].startswith("No new grants in 2024;")
    # Every word of it: titles, figures, notes, the charts' categories and series.
    presentation = Presentation(io.BytesIO(out.read_bytes()))
    for page in presentation.slides:
        words = [s.text_frame.text for s in page.shapes if s.has_text_frame]
        words += [s.chart.part.blob.decode() for s in page.shapes if s.has_chart]
        for text in words:
            assert not re.findall("[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]", text), text[:300]


@pytest.mark.parametrize(
    ("args", "message"),
    [(["x.docx"], "只能是 .pdf 或 .pptx"), (["x.pptx", "--year", "二〇二四"], "无法识别")],
)
def test_the_deck_command_refuses_what_it_cannot_write(demo_db, tmp_path, capsys, args, message):
    from labstudio import cli

    out = tmp_path / args[0]
    code = cli.main(["deck", str(out), *args[1:], "--db", str(demo_db)])
    assert code == 2 and message in capsys.readouterr().err
    assert not out.exists()


def test_the_pdf_without_chromium_says_why(demo_db, tmp_path, capsys, monkeypatch):
    import plotly.io as pio

    from labstudio import cli

    def no_browser(*args, **kwargs):
        raise RuntimeError("BrowserFailedError: no chrome")

    monkeypatch.setattr(pio, "write_images", no_browser)
    out = tmp_path / "deck.pdf"
    code = cli.main(["deck", str(out), "--db", str(demo_db)])
    assert code == cli.EXIT_CANNOT_DRAW
    assert "Chromium" in capsys.readouterr().err and not out.exists()


@pytest.mark.xdist_group("browser")  # kaleido starts chromium
def test_the_deck_command_writes_a_searchable_pdf(demo_db, tmp_path):
    from labstudio import cli, db, meeting
    from labstudio.filters import Filters

    out = tmp_path / "deck.pdf"
    assert cli.main(["deck", str(out), "--db", str(demo_db), "--year", "2024"]) == 0
    connection = db.open_database(demo_db)
    try:
        expected = meeting.build_slides(connection.cursor(), Filters(year=2024))
    finally:
        connection.close()
    pages = [p.extract_text() for p in PdfReader(out).pages]
    assert len(pages) == len(expected)
    for page, slide in zip(pages, expected, strict=True):
        for line in deck.wrap(slide.headline, deck.pdf_headline_width("zh")):
            assert line in page, line
        assert not RADICALS.findall(page)
