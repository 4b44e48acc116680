"""The meeting slides as a deck to hand out: PPTX (python-pptx) and PDF.

PPTX: every chart is a native PowerPoint chart (python-pptx's chart API) built from the plotly
figure's own data, so a leader can restyle or re-colour it in WPS or PowerPoint; all text is at
least 14 pt and the chart takes the rest of the slide. No browser is needed.

PDF: each slide is drawn as one plotly page by kaleido, which prints it through the server's
Chromium; text stays text. Chromium's PDF printer names a glyph's character in the text layer by
the lowest code point that the font maps to that glyph. Noto Sans CJK maps the Kangxi radicals
(U+2F00-U+2FDF) and the CJK radicals supplement to the same glyphs as the ideographs, so 工 came
out as ⼯ (U+2F2F) and a search for 工作室 found nothing. The deck is therefore drawn in LabSans,
the app's own subset of Noto Sans CJK SC, which holds no radical code points
(scripts/build_font.py): it is given to Chromium through a fontconfig file of its own, as
OpenType (a WOFF2 file would be printed as outlines without any text).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache, partial
from pathlib import Path
from typing import NamedTuple

import plotly.graph_objects as go
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.text import MSO_ANCHOR
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt
from pypdf import PdfReader, PdfWriter

from labstudio.charts import FONT, _text_width
from labstudio.headlines import clause_ends, unbreakable_spans
from labstudio.labels import label
from labstudio.safe_text import neutralise, neutralise_figure

# Fonts for the PPTX: WPS and PowerPoint on the commission's PCs have Microsoft YaHei; the
# east-Asian typeface must be named separately from the Latin one or CJK text falls back oddly.
PPTX_FONT = "Microsoft YaHei"
PAGE_WIDTH, PAGE_HEIGHT = 1280, 720  # 16:9, in CSS pixels for the PDF pages
INK = RGBColor(0x1B, 0x1F, 0x24)
MUTED = RGBColor(0x5A, 0x63, 0x70)
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
GRID = RGBColor(0xC9, 0xCE, 0xD6)

# PPTX text sizes in points: nothing under 14, the size a projected handout still reads at.
MIN_PT = 14
SIZE_TOP = 14  # "总览 · 1/6"
SIZE_HEADLINE = 30
SIZE_FIGURE_LABEL = 16
SIZE_FIGURE = 32
SIZE_CHANGE = 16
SIZE_NOTE = 16
SIZE_CHART = 16  # axis labels, legend, numbers on the bars

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
_FONT_FILES = ("LabSans-Regular.woff2", "LabSans-Bold.woff2")


class DeckUnavailable(Exception):
    """The server cannot draw the PDF (no Chromium for kaleido)."""


class Figure(NamedTuple):
    """A big figure of a slide: its label, its value, and the change on the year before."""

    label: str
    value: str
    change: str | None = None


@dataclass
class Slide:
    key: str
    title: str
    headline: str
    figures: list[Figure] = field(default_factory=list)  # at most 3
    chart: go.Figure | None = None
    note: str | None = None  # what the data lacks, said above the chart


def handout_slide(slide: Slide) -> Slide:
    """The slide with its text from data made inert: pasted from a handout into a spreadsheet (or
    read from a chart's embedded data), a studio named "=HYPERLINK(…)" must not run."""
    return replace(
        slide,
        title=neutralise(slide.title),
        headline=neutralise(slide.headline),
        figures=[
            Figure(neutralise(f.label), neutralise(f.value), neutralise(f.change))
            for f in slide.figures
        ],
        chart=neutralise_figure(slide.chart) if slide.chart is not None else None,
        note=neutralise(slide.note),
    )


def available() -> bool:
    """Whether this server can draw the PDF: kaleido needs a Chromium of the system's."""
    import shutil

    return any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))


# --- headlines broken into lines ---------------------------------------------------------------


def wrap(text: str, width: int = 68) -> list[str]:
    """`text` in lines at most `width` wide (a Chinese character counts two), for the PDF and
    the PPTX, which do not break lines where a reader would.

    A break comes after a comma, colon or semicolon, the one that balances the lines best when
    two lines do, else the last that fits; never inside a number with its unit ("12家",
    "57.00 万元", "5,467.31 元"). Text with no such place breaks at a space (English) or
    between two characters that are not one number.
    """
    if _text_width(text) <= width:
        return [text]
    inside: set[int] = set()  # positions a break may not come before
    position = 0
    for piece, keep in unbreakable_spans(text):
        if keep:
            inside.update(range(position + 1, position + len(piece)))
        position += len(piece)
    ends = clause_ends(text)
    fitting = [i for i in ends if _text_width(text[:i].rstrip()) <= width]
    if fitting:
        last = [i for i in fitting if _text_width(text[i:].strip()) <= width]
        half = _text_width(text) / 2
        cut = min(last, key=lambda i: abs(_text_width(text[:i]) - half)) if last else max(fitting)
    else:
        # Words (English) break at spaces; Chinese between any two characters.
        spaced = any(" " in piece.strip() for piece, keep in unbreakable_spans(text) if not keep)
        allowed = [
            i
            for i in range(1, len(text))
            if i not in inside
            and (text[i - 1] == " " if spaced else True)
            and _text_width(text[:i].rstrip()) <= width
        ]
        cut = max(allowed) if allowed else len(text)
    head, rest = text[:cut].rstrip(), text[cut:].lstrip()
    return [head, *wrap(rest, width)] if rest else [head]


# --- PPTX ---------------------------------------------------------------------------------------


def _name_fonts(run_properties) -> None:
    """Latin and east-Asian typefaces both named, so WPS and PowerPoint pick a CJK font."""
    for tag in ("a:latin", "a:ea"):
        element = run_properties.find(qn(tag))
        if element is None:
            element = run_properties.makeelement(qn(tag), {})
            run_properties.append(element)
        element.set("typeface", PPTX_FONT)


def _text(
    frame,
    lines: str | list[str],
    size: int,
    bold: bool = False,
    color: RGBColor = INK,
) -> None:
    """`lines` as paragraphs of one text frame (an explicit break beats PowerPoint's own, which
    would split "12家" between two lines)."""
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = 0
    frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = MSO_ANCHOR.TOP
    for index, line in enumerate([lines] if isinstance(lines, str) else lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = color
        _name_fonts(run._r.get_or_add_rPr())


def _line_height(size: int, lines: int = 1) -> Emu:
    return Emu(int(Pt(size) * 1.25 * lines))


def _colour(value: object) -> RGBColor | None:
    if isinstance(value, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        return RGBColor.from_string(value[1:].upper())
    return None


@dataclass
class _ChartData:
    """What a native chart needs from a plotly figure."""

    kind: str  # "bar" or "pie"
    categories: list[str]
    series: list[tuple[str, list[float], list[RGBColor | None]]]
    horizontal: bool = False
    stacked: bool = False
    show_legend: bool = False


def _plain_label(value: object) -> str:
    return re.sub(r"<br\s*/?>", "", str(value))


def chart_data(figure: go.Figure) -> _ChartData:
    """The categories, series and colours of a slide's plotly bar or pie chart.

    Raises TypeError for any other kind of trace: the slides draw only these two.
    """
    traces = list(figure.data)
    if traces and all(t.type == "pie" for t in traces):
        pie = traces[0]
        colours = list(pie.marker.colors or [])
        labels = [_plain_label(v) for v in pie.labels]
        return _ChartData(
            "pie",
            labels,
            [("", [float(v) for v in pie.values], [_colour(c) for c in colours])],
            show_legend=True,
        )
    if not traces or any(t.type != "bar" for t in traces):
        raise TypeError(f"no native chart for traces {[t.type for t in traces]}")
    horizontal = traces[0].orientation == "h"
    categories: list[str] = []
    for trace in traces:
        for value in trace.y if horizontal else trace.x:
            if _plain_label(value) not in categories:
                categories.append(_plain_label(value))
    series = []
    for trace in traces:
        keys = [_plain_label(v) for v in (trace.y if horizontal else trace.x)]
        numbers = dict(zip(keys, trace.x if horizontal else trace.y, strict=True))
        colour = trace.marker.color
        per_point = dict(zip(keys, colour, strict=True)) if isinstance(colour, list | tuple) else {}
        series.append(
            (
                trace.name or "",
                [float(numbers.get(c) or 0) for c in categories],
                [_colour(per_point.get(c, colour)) for c in categories],
            )
        )
    return _ChartData(
        "bar",
        categories,
        series,
        horizontal=horizontal,
        stacked=figure.layout.barmode == "stack",
        show_legend=len(series) > 1 and figure.layout.showlegend is not False,
    )


def _font(font, size: int = SIZE_CHART, color: RGBColor = INK) -> None:
    font.size = Pt(size)
    font.color.rgb = color
    font.name = PPTX_FONT
    _name_fonts(font._rPr)


def _on(colour: RGBColor | None) -> RGBColor:
    """Ink or white, whichever reads on a bar of `colour`."""
    if colour is None:
        return INK
    red, green, blue = colour
    return INK if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else RGBColor(0xFF, 0xFF, 0xFF)


def _add_chart(
    page, data: _ChartData, left: Emu, top: Emu, width: Emu, height: Emu, lang: str
) -> None:
    """A native chart with a number on every bar. A stacked bar's total goes with its category
    label ("第三批（22）"): PowerPoint has no total of a stack, and the usual device (an empty
    series labelled with the totals, its legend entry deleted) loses the wrong legend entry in
    LibreOffice once the categories run top-down."""
    categories = data.categories
    stacked = data.kind == "bar" and data.stacked and len(data.series) > 1
    if stacked:
        categories = [
            label(
                "deck.category_total",
                lang,
                category=c,
                total=f"{sum(v[i] for _, v, _ in data.series):,.0f}",
            )
            for i, c in enumerate(categories)
        ]
    content = CategoryChartData(number_format="#,##0")
    content.categories = categories
    for name, values, _ in data.series:
        # An empty segment is no segment: no "0" printed on it.
        content.add_series(name, [v if v or not data.stacked else None for v in values])
    if data.kind == "pie":
        kind = XL_CHART_TYPE.PIE
    elif data.horizontal:
        kind = XL_CHART_TYPE.BAR_STACKED if data.stacked else XL_CHART_TYPE.BAR_CLUSTERED
    else:
        kind = XL_CHART_TYPE.COLUMN_STACKED if data.stacked else XL_CHART_TYPE.COLUMN_CLUSTERED
    chart = page.shapes.add_chart(kind, left, top, width, height, content).chart
    _font(chart.font)
    chart.has_title = False
    chart.has_legend = data.show_legend
    if data.show_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        _font(chart.legend.font)
    plot = chart.plots[0]
    if data.kind == "bar":
        plot.gap_width = 60
        if data.stacked:
            plot.overlap = 100
        category_axis, value_axis = chart.category_axis, chart.value_axis
        _font(category_axis.tick_labels.font)
        _font(value_axis.tick_labels.font, color=MUTED)
        value_axis.has_major_gridlines = True
        value_axis.major_gridlines.format.line.color.rgb = GRID
        value_axis.format.line.fill.background()
        value_axis.tick_labels.number_format = "#,##0"
        value_axis.tick_labels.number_format_is_linked = False
        value_axis.minimum_scale = 0
        longest = (
            max(
                (
                    sum(v[i] for _, v, _ in data.series)
                    if data.stacked
                    else max(v[i] for _, v, _ in data.series)
                )
                for i in range(len(data.categories))
            )
            if data.categories
            else 0
        )
        if longest:
            value_axis.maximum_scale = longest * 1.15  # room for the number after the longest bar
        if data.horizontal:
            # The first category on top, as on screen. That puts the value axis at the top;
            # every bar carries its number, so it goes.
            category_axis.reverse_order = True
            value_axis.visible = False
    for series, (_, values, colours) in zip(plot.series, data.series, strict=True):
        points = [(i, c) for i, c in enumerate(colours) if c is not None]
        single = len({c for _, c in points}) == 1 and len(points) == len(values)
        if data.kind == "bar" and single:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = points[0][1]
        else:
            for i, colour in points:
                fill = series.points[i].format.fill
                fill.solid()
                fill.fore_color.rgb = colour
        labels = series.data_labels
        labels.show_value = True
        labels.number_format = "#,##0"
        labels.number_format_is_linked = False
        if data.kind == "pie":
            labels.show_category_name = True
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
            _font(labels.font)
        elif data.stacked:
            labels.position = XL_LABEL_POSITION.CENTER
            _font(labels.font, color=_on(points[0][1] if single else None))
        else:
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
            _font(labels.font)


def pptx_deck(slides: list[Slide], title: str, lang: str = "zh") -> bytes:
    slides = [handout_slide(slide) for slide in slides]
    presentation = Presentation()
    presentation.slide_width = Inches(13.333)
    presentation.slide_height = Inches(7.5)
    presentation.core_properties.title = title
    blank = presentation.slide_layouts[6]
    width = presentation.slide_width
    margin = Inches(0.5)
    inner = width - 2 * margin
    # Headline characters a line holds (a Chinese one counts two), with some in hand: Impress
    # and WPS put a little space between Chinese and digits.
    headline_width = int(2 * inner / Pt(SIZE_HEADLINE) * 0.85)
    for number, slide in enumerate(slides, start=1):
        page = presentation.slides.add_slide(blank)
        top = Inches(0.3)
        _text(
            page.shapes.add_textbox(margin, top, inner, _line_height(SIZE_TOP)).text_frame,
            f"{slide.title} · {label('meeting.slide_of', lang, number=number, total=len(slides))}",
            SIZE_TOP,
            color=MUTED,
        )
        top += _line_height(SIZE_TOP) + Inches(0.1)
        lines = wrap(slide.headline, headline_width)
        height = _line_height(SIZE_HEADLINE, len(lines))
        _text(
            page.shapes.add_textbox(margin, top, inner, height).text_frame,
            lines,
            SIZE_HEADLINE,
            bold=True,
        )
        top += height + Inches(0.15)
        if slide.figures:
            box = Emu(int(inner / len(slide.figures)))
            tallest = 0
            for i, figure in enumerate(slide.figures):
                left, y = margin + box * i, top
                for text, size, bold, colour in (
                    (figure.label, SIZE_FIGURE_LABEL, False, MUTED),
                    (figure.value, SIZE_FIGURE, True, ACCENT),
                    (figure.change, SIZE_CHANGE, False, MUTED),
                ):
                    if not text:
                        continue
                    box_lines = wrap(text, int(2 * (box - Inches(0.2)) / Pt(size) * 0.85))
                    height = _line_height(size, len(box_lines))
                    frame = page.shapes.add_textbox(left, y, box - Inches(0.2), height).text_frame
                    _text(frame, box_lines, size, bold=bold, color=colour)
                    y += height
                tallest = max(tallest, y - top)
            top += tallest + Inches(0.15)
        if slide.note:
            lines = wrap(slide.note, int(2 * inner / Pt(SIZE_NOTE) * 0.85))
            height = _line_height(SIZE_NOTE, len(lines))
            frame = page.shapes.add_textbox(margin, top, inner, height).text_frame
            _text(frame, lines, SIZE_NOTE, color=MUTED)
            top += height + Inches(0.1)
        if slide.chart is not None:
            bottom = presentation.slide_height - Inches(0.3)
            _add_chart(page, chart_data(slide.chart), margin, top, inner, bottom - top, lang)
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


# --- PDF ----------------------------------------------------------------------------------------

# Plotly reads title text as a little HTML: a studio name with < or & must stay text.
_markup_safe = partial(html.escape, quote=False)
# Between the figures of a PDF page: wide spaces that are not Chinese punctuation.
_GAP = "\u2003\u2003"


def pdf_headline_width(lang: str) -> int:
    """What a 30 px bold line of a 1280 px page holds: 37 Chinese characters, or some 64 letters
    (a bold Latin letter is wider than half a Chinese one)."""
    return 64 if lang == "en" else 74


def page_figure(slide: Slide, number: int, total: int, lang: str = "zh") -> go.Figure:
    """One PDF page: the slide's words in the page title, its chart in the lower part.

    The words go in layout.title, which (unlike annotations) can be placed against the page
    rather than the plot area, so they line up at the left edge whatever the axis labels need.
    """
    figure = go.Figure(slide.chart) if slide.chart is not None else go.Figure()
    position = label("meeting.slide_of", lang, number=number, total=total)
    lines = [
        f"<span style='font-size:16px;color:#5a6370'>{_markup_safe(slide.title)} · "
        f"{_markup_safe(position)}</span>",
        *(
            f"<b>{_markup_safe(line)}</b>"
            for line in wrap(slide.headline, pdf_headline_width(lang))
        ),
    ]
    if slide.figures:
        lines.append(
            _GAP.join(
                f"<span style='font-size:18px;color:#5a6370'>{_markup_safe(f.label)}</span> "
                f"<span style='font-size:30px;color:#1f4e79'><b>{_markup_safe(f.value)}</b></span>"
                + (
                    f" <span style='font-size:18px;color:#5a6370'>{_markup_safe(f.change)}</span>"
                    if f.change
                    else ""
                )
                for f in slide.figures
            )
        )
    if slide.note:
        lines += [
            f"<span style='font-size:16px;color:#5a6370'>{_markup_safe(line)}</span>"
            for line in wrap(slide.note, 130)
        ]
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
        font={"family": FONT},
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


def _fonts_digest() -> str:
    digest = hashlib.sha256()
    for name in _FONT_FILES:
        digest.update((FONT_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


@cache
def pdf_fontconfig() -> Path | None:
    """A fontconfig file for Chromium: the system's fonts plus LabSans as OpenType.

    Written once per font version into the temporary folder (shared by processes: each file is
    written under a private name and renamed into place). None when the fonts are missing.
    """
    if not all((FONT_DIR / name).is_file() for name in _FONT_FILES):
        return None
    from fontTools.ttLib import TTFont

    folder = Path(tempfile.gettempdir()) / f"labstudio-fonts-{_fonts_digest()}"
    folder.mkdir(exist_ok=True)
    for name in _FONT_FILES:
        target = folder / name.replace(".woff2", ".otf")
        if not target.is_file():
            font = TTFont(FONT_DIR / name)
            font.flavor = None  # WOFF2 → plain OpenType (CFF), which Chromium's printer embeds
            partial_file = target.with_suffix(f".{os.getpid()}.part")
            font.save(partial_file)
            os.replace(partial_file, target)
    system = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    config = folder / "fonts.conf"
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        f'  <include ignore_missing="yes">{html.escape(system)}</include>\n'
        f"  <dir>{html.escape(str(folder))}</dir>\n"
        f"  <cachedir>{html.escape(str(folder / 'cache'))}</cachedir>\n"
        "</fontconfig>\n"
    )
    if not config.is_file() or config.read_text() != text:
        partial_file = config.with_suffix(f".{os.getpid()}.part")
        partial_file.write_text(text)
        os.replace(partial_file, config)
    return config


# The environment is the process's: one deck at a time sets FONTCONFIG_FILE for its Chromium.
_ENVIRONMENT = threading.Lock()


@contextlib.contextmanager
def _chromium_fonts() -> Iterator[None]:
    config = pdf_fontconfig()
    with _ENVIRONMENT:
        before = os.environ.get("FONTCONFIG_FILE")
        if config is not None:
            os.environ["FONTCONFIG_FILE"] = str(config)
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("FONTCONFIG_FILE", None)
            else:
                os.environ["FONTCONFIG_FILE"] = before


def _pdf_pages(figures: list[go.Figure], lang: str) -> list[bytes]:
    """Print figures in one kaleido session (one Chromium start for the whole deck)."""
    import plotly.io as pio

    if not figures:
        return []
    with tempfile.TemporaryDirectory() as tmp, _chromium_fonts():
        paths = [Path(tmp) / f"{i}.pdf" for i in range(len(figures))]
        try:
            pio.write_images(figures, paths, format="pdf", width=PAGE_WIDTH, height=PAGE_HEIGHT)
        except Exception as exc:  # kaleido reports a missing browser in several ways
            raise DeckUnavailable(
                label("deck.unavailable", lang, error=f"{type(exc).__name__}: {exc}")
            ) from exc
        return [p.read_bytes() for p in paths]


def pdf_deck(slides: list[Slide], lang: str = "zh") -> bytes:
    slides = [handout_slide(slide) for slide in slides]
    pages = [page_figure(slide, i, len(slides), lang) for i, slide in enumerate(slides, start=1)]
    writer = PdfWriter()
    for document in _pdf_pages(pages, lang):
        for page in PdfReader(io.BytesIO(document)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
