"""The meeting slides as a deck to hand out: PPTX (python-pptx) and PDF.

Chart images come from kaleido, which drives the server's Chromium; the server needs a CJK font
for them (`make run` and `make test` install Debian's fonts-noto-cjk). Text stays text in both
files (the PDF pages are vector prints of plotly figures), so the headline can be searched and
copied.
"""

from __future__ import annotations

import html
import io
import tempfile
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt
from pypdf import PdfReader, PdfWriter

from labstudio.safe_text import neutralise, neutralise_figure

# Fonts for the PPTX: WPS and PowerPoint on the commission's PCs have Microsoft YaHei; the
# east-Asian typeface must be named separately from the Latin one or CJK text falls back oddly.
PPTX_FONT = "Microsoft YaHei"
PAGE_WIDTH, PAGE_HEIGHT = 1280, 720  # 16:9, in CSS pixels for the PDF pages
INK = RGBColor(0x1B, 0x1F, 0x24)
MUTED = RGBColor(0x5A, 0x63, 0x70)
ACCENT = RGBColor(0x1F, 0x4E, 0x79)


class DeckUnavailable(Exception):
    """The server cannot draw static images (no Chromium for kaleido)."""


@dataclass
class Slide:
    key: str
    title: str
    headline: str
    figures: list[tuple[str, str]] = field(default_factory=list)  # (label, value), at most 3
    chart: go.Figure | None = None
    note: str | None = None  # what the data lacks, said above the chart


def handout_slide(slide: Slide) -> Slide:
    """The slide with its text from data made inert: pasted from a handout into a spreadsheet (or
    read from a chart's embedded data), a studio named "=HYPERLINK(…)" must not run."""
    return replace(
        slide,
        title=neutralise(slide.title),
        headline=neutralise(slide.headline),
        figures=[(neutralise(name), neutralise(value)) for name, value in slide.figures],
        chart=neutralise_figure(slide.chart) if slide.chart is not None else None,
        note=neutralise(slide.note),
    )


def available() -> bool:
    """Whether this server can draw chart images: kaleido needs a Chromium of the system's."""
    import shutil

    return any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))


def _images(figures: list[go.Figure], fmt: str, width: int, height: int) -> list[bytes]:
    """Render figures in one kaleido session (one Chromium start for the whole deck)."""
    import plotly.io as pio

    if not figures:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"{i}.{fmt}" for i in range(len(figures))]
        try:
            pio.write_images(figures, paths, format=fmt, width=width, height=height)
        except Exception as exc:  # kaleido reports a missing browser in several ways
            raise DeckUnavailable(
                "服务器无法生成图表图片（需要 Chromium 和中文字体）。"
                "请在服务器上运行 make run（以 root 身份会自动安装），或联系管理员。"
                f"（{type(exc).__name__}: {exc}）"
            ) from exc
        return [p.read_bytes() for p in paths]


def _text(frame, text: str, size: int, bold: bool = False, color: RGBColor = INK) -> None:
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color
    run.font.name = PPTX_FONT
    properties = run._r.get_or_add_rPr()
    east_asian = properties.find(qn("a:ea"))
    if east_asian is None:
        east_asian = properties.makeelement(qn("a:ea"), {})
        properties.append(east_asian)
    east_asian.set("typeface", PPTX_FONT)


def pptx_deck(slides: list[Slide], title: str) -> bytes:
    slides = [handout_slide(slide) for slide in slides]
    presentation = Presentation()
    presentation.slide_width = Inches(13.333)
    presentation.slide_height = Inches(7.5)
    presentation.core_properties.title = title
    blank = presentation.slide_layouts[6]
    charts = [s.chart for s in slides if s.chart is not None]
    images = iter(_images(charts, "png", 1600, 800))
    width = presentation.slide_width
    margin = Inches(0.5)
    for number, slide in enumerate(slides, start=1):
        page = presentation.slides.add_slide(blank)
        _text(
            page.shapes.add_textbox(
                margin, Inches(0.25), width - 2 * margin, Inches(0.4)
            ).text_frame,
            f"{slide.title}  ·  {number}/{len(slides)}",
            14,
            color=MUTED,
        )
        _text(
            page.shapes.add_textbox(
                margin, Inches(0.65), width - 2 * margin, Inches(1.0)
            ).text_frame,
            slide.headline,
            30,
            bold=True,
        )
        top = Inches(1.75)
        if slide.figures:
            box_width = Emu(int((width - 2 * margin) / len(slide.figures)))
            for i, (label, value) in enumerate(slide.figures):
                left = margin + box_width * i
                _text(
                    page.shapes.add_textbox(left, top, box_width, Inches(0.4)).text_frame,
                    label,
                    16,
                    color=MUTED,
                )
                _text(
                    page.shapes.add_textbox(
                        left, top + Inches(0.38), box_width, Inches(0.7)
                    ).text_frame,
                    value,
                    32,
                    bold=True,
                    color=ACCENT,
                )
            top = Inches(2.95)
        if slide.note:
            _text(
                page.shapes.add_textbox(margin, top, width - 2 * margin, Inches(0.35)).text_frame,
                slide.note,
                13,
                color=MUTED,
            )
            top += Inches(0.35)
        if slide.chart is not None:
            picture = io.BytesIO(next(images))
            height = presentation.slide_height - top - Inches(0.2)
            page.shapes.add_picture(picture, margin, top, height=height)
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def wrap(text: str, width: int = 34) -> list[str]:
    """Break a long headline at a comma or colon near the middle (plotly never wraps text)."""
    if len(text) <= width:
        return [text]
    breaks = [i + 1 for i, ch in enumerate(text) if ch in "，：；,;:" and i + 1 < len(text)]
    if not breaks:
        return [text[:width], *wrap(text[width:], width)]
    cut = min(breaks, key=lambda i: abs(i - len(text) / 2) if i <= width else width * 10 + i)
    return [text[:cut], *wrap(text[cut:], width)]


# Plotly reads title text as a little HTML: a studio name with < or & must stay text.
_markup_safe = partial(html.escape, quote=False)


def page_figure(slide: Slide, number: int, total: int) -> go.Figure:
    """One PDF page: the slide's words in the page title, its chart in the lower part.

    The words go in layout.title, which (unlike annotations) can be placed against the page
    rather than the plot area, so they line up at the left edge whatever the axis labels need.
    """
    figure = go.Figure(slide.chart) if slide.chart is not None else go.Figure()
    lines = [
        f"<span style='font-size:16px;color:#5a6370'>{_markup_safe(slide.title)} · {number}/{total}"
        "</span>",
        *(f"<b>{_markup_safe(line)}</b>" for line in wrap(slide.headline)),
    ]
    if slide.figures:
        lines.append(
            "　　".join(
                f"<span style='font-size:18px;color:#5a6370'>{_markup_safe(name)}</span> "
                f"<span style='font-size:30px;color:#1f4e79'><b>{_markup_safe(value)}</b></span>"
                for name, value in slide.figures
            )
        )
    if slide.note:
        lines.append(
            f"<span style='font-size:16px;color:#5a6370'>{_markup_safe(slide.note)}</span>"
        )
    head = 40 + 46 * (len(lines) - 1) + (14 if slide.figures else 0)  # px taken by the words
    figure.update_layout(
        title={
            "text": "<br>".join(lines),
            "xref": "container",
            "yref": "container",
            "x": 0.04,
            "y": 0.96,
            "xanchor": "left",
            "yanchor": "top",
            "font": {"size": 30, "color": "#1b1f24"},
        },
        width=PAGE_WIDTH,
        height=PAGE_HEIGHT,
        margin={"l": 50, "r": 50, "t": head + 40, "b": 70},
        font={"family": "Noto Sans CJK SC, LabSans, sans-serif"},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    # The legend sits just above the chart, under the words.
    if slide.chart is not None and figure.layout.showlegend is not False:
        figure.update_layout(legend={"y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"})
    if slide.chart is None:
        figure.update_xaxes(visible=False)
        figure.update_yaxes(visible=False)
    return figure


def pdf_deck(slides: list[Slide]) -> bytes:
    slides = [handout_slide(slide) for slide in slides]
    pages = [page_figure(slide, i, len(slides)) for i, slide in enumerate(slides, start=1)]
    writer = PdfWriter()
    for document in _images(pages, "pdf", PAGE_WIDTH, PAGE_HEIGHT):
        for page in PdfReader(io.BytesIO(document)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
