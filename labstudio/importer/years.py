"""The year an assessment sheet is about: one documented precedence, for the page and the CLI.

The assessment of year N is drawn up, inspected and sent in N+1, so a sheet about 2023 nearly
always carries 2024 somewhere: 考核时间：2024年1月8日—1月19日, 报送日期, 填表日期. The year is
therefore taken from the first of these that names it, and only from words that name the year a
sheet is about:

1. a 年度 column, row by row (a blank cell takes the sheet's year from 2–4);
2. a year in the header of the score / grade column itself (2023年得分), or in a group header
   that spans only score and grade columns (2022年度考核 merged over 得分 | 等次); several years
   there make a table of years side by side, each column its year;
3. "YYYY年度", or "YYYY年" used as the year the sheet is about, in a title line above the header,
   then in the sheet name, then in the file name (a bare 2023 counts there too);
4. a year set by hand (the upload page, or `import --sheet-year`) replaces 2–4;
5. else none: an error that asks for the year.

What never decides: a date of an event — any full date (2024年1月8日, 2024-01-08, 2024年1月),
and whatever follows 考核时间, 检查时间, 报送/填报/填表/制表日期, 截止日期 (or any other …时间： …日期：);
a year in brackets such as 青卫办函〔2022〕40号. A year in Chinese numerals (二〇二三年度) is read as
that year. Two different years in one source (a title 2022—2023年度) are a question, not a choice.
When a lower source names another year than the one taken (a 年度 column says 2023 and the title
2024年度; the title 2023年度 and the file name 2024年度), a warning names both and the year taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

# The years an assessment can be about (the database's CHECK on assessments.year).
FIRST_YEAR, LAST_YEAR = 2000, 2100

# Where a year came from, strongest first; the words the report and the page show.
COLUMN, HEADER, TITLE, SHEET, FILE, MANUAL = "column", "header", "title", "sheet", "file", "manual"
SOURCE_LABELS = {
    COLUMN: "年度列",
    HEADER: "表头",
    TITLE: "标题",
    SHEET: "工作表名",
    FILE: "文件名",
    MANUAL: "手工指定",
}
SHOWN_CHARACTERS = 40  # of a title line, in year_from and in messages

_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4"}
_CN_DIGITS |= {"五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4})(?=\s*年)")
_CN_MONTH_DAY = re.compile(
    r"(?<=\d年)\s*([一二三四五六七八九十]{1,3})\s*月(?:\s*([一二三四五六七八九十]{1,3})\s*日)?"
)
_HALF_WIDTH = str.maketrans(
    {chr(0xFF10 + digit): str(digit) for digit in range(10)}
    | {"－": "-", "／": "/", "．": ".", "\u3000": " "}
)
_YEAR = r"(?:19|20|21)\d{2}"
# An event's label and what it says, up to the next separator: 考核时间：2024年1月8日—1月19日.
_EVENT = re.compile(
    r"(?:考核|检查|督查|督导|评审|评估|验收|报送|上报|填报|填表|制表|统计|打印|截止|截至|印发|发文|"
    r"申报|提交|汇总|审核)?(?:时间|日期)\s*[:：为]?\s*[^；;，,。）)】\]]*"
    r"|(?:截止|截至|截止到|截至到)\s*" + _YEAR + r"[^；;，,。）)】\]]*"
)
_FULL_DATE = re.compile(
    r"(?<!\d)" + _YEAR + r"\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?"
    r"|(?<!\d)" + _YEAR + r"[-/.](?:0?[1-9]|1[0-2])(?:[-/.]\d{1,2})?(?!\d)"
    r"|(?<!\d)" + _YEAR + r"(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])(?!\d)"
)
_BRACKETED = re.compile(r"[〔［\[【(（]\s*" + _YEAR + r"\s*[〕］\]】)）]")
_RANGE = re.compile(r"(" + _YEAR + r")\s*(?:年度?)?\s*[-—–~～至到]+\s*(" + _YEAR + r")")
_YEAR_OF = re.compile(r"(" + _YEAR + r")\s*年度")
# '2023年' as the year a sheet is about; not '2023年底', '2023年第一季度', '2023年上半年'.
_YEAR_PLAIN = re.compile(r"(" + _YEAR + r")\s*年(?!\s*(?:度|底|末|初|中|上半|下半|第|\d))")
_YEAR_BARE = re.compile(r"(?<![\d.])(" + _YEAR + r")(?![\d.]|\s*年)")


@dataclass(frozen=True)
class YearSource:
    """A year and the text that named it."""

    year: int
    kind: str  # COLUMN | HEADER | TITLE | SHEET | FILE | MANUAL
    text: str  # as written (a title line, a header, a name); the analyst's name for MANUAL

    def describe(self) -> str:
        """'标题：2023年度劳动模范…' — what the report's year_from says."""
        if self.kind == MANUAL:
            by = f"（{self.text}）" if self.text else ""
            return f"{SOURCE_LABELS[MANUAL]}{by}"
        return f"{SOURCE_LABELS[self.kind]}：{shorten(self.text)}"


@dataclass
class Mentions:
    """What one text says about years."""

    tags: list[int] = field(default_factory=list)  # years the text is about (年度 first)
    strong: bool = False  # the tags are "YYYY年度" (else "YYYY年" or a bare year)
    events: list[str] = field(default_factory=list)  # dates of events, as written

    @property
    def years(self) -> set[int]:
        return set(self.tags)


@dataclass
class YearDecision:
    """The sheet's year (for the rows without a 年度 cell), or the question to ask."""

    year: int | None = None
    source: YearSource | None = None
    warnings: list[str] = field(default_factory=list)  # sources that name another year
    question: str | None = None  # the error to show when no year could be taken
    events: list[str] = field(default_factory=list)  # event dates seen, which did not decide
    previous: YearSource | None = None  # for a year set by hand: what the importer had found


def shorten(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def arabic(text: str) -> str:
    """二〇二三年 → 2023年 (and 2024年一月八日 → 2024年1月8日, so that it reads as a date)."""
    text = _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group(1)), text)
    return _CN_MONTH_DAY.sub(_month_day, text)


def _cn_number(text: str) -> str:
    values = {c: int(d) for c, d in _CN_DIGITS.items() if d != "0"}
    if text == "十":
        return "10"
    if text.startswith("十"):
        return str(10 + values.get(text[1:], 0))
    if "十" in text:
        tens, _, ones = text.partition("十")
        return str(values.get(tens, 0) * 10 + values.get(ones, 0))
    return str(values.get(text, 0))


def _month_day(match: re.Match) -> str:
    month = _cn_number(match.group(1))
    day = f"{_cn_number(match.group(2))}日" if match.group(2) else ""
    return f"{month}月{day}"


def mentions(text: str | None, bare: bool = False) -> Mentions:
    """The years `text` is about, with the event dates set aside.

    `bare`: a year written without 年 counts too (in a sheet or file name: '考核2023').
    """
    found = Mentions()
    if not text:
        return found
    # Full-width digits folded, the punctuation kept: the event dates are shown as written.
    folded = arabic(str(text).translate(_HALF_WIDTH))
    for match in _EVENT.finditer(folded):
        if re.search(_YEAR, match.group(0)):
            found.events.append(match.group(0).strip())
    folded = _BRACKETED.sub(" ", _EVENT.sub(" ", folded))
    # 2022—2023年度 before the dates: '2022-20' is not a month.
    for match in _RANGE.finditer(folded):
        found.tags += [int(match.group(1)), int(match.group(2))]
    folded = _RANGE.sub(" ", folded)
    found.events += [m.group(0).strip() for m in _FULL_DATE.finditer(folded)]
    folded = _FULL_DATE.sub(" ", folded)
    of_year = [int(m.group(1)) for m in _YEAR_OF.finditer(folded)]
    if of_year:
        found.tags += of_year
        found.strong = True
        return found
    found.tags += [int(m.group(1)) for m in _YEAR_PLAIN.finditer(folded)]
    if bare and not found.tags:
        found.tags += [int(m.group(1)) for m in _YEAR_BARE.finditer(folded)]
    return found


def year_tag(text: str | None) -> int | None:
    """The one year a header cell names (2023年得分 → 2023); None for none or several."""
    years = mentions(text, bare=True).years
    return years.pop() if len(years) == 1 else None


# ---------------------------------------------------------------------------- header tags


def header_years(
    cells: Sequence[tuple[int, str]],
    raw: pd.DataFrame,
    merged: Iterable[tuple[tuple[int, int], tuple[int, int]]],
    lines: Sequence[int],
) -> dict[int, YearSource]:
    """Column → the year its score / grade header names (step 2 of the precedence).

    `cells`: (column, header text) of the score and grade columns; `raw`: the sheet's cells as
    read (merged ranges not filled in); `lines`: the positions of the header's lines and of the
    line just above it, lowest first. A cell above a score column is a group header when its
    merged range spans only score and grade columns (a line merged across the whole table is a
    title, not a group header).
    """
    result_columns = {column for column, _ in cells}
    ranges = [
        (r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged if c1 > c0 or r1 > r0
    ]  # (first row, first column, last row, last column), 0-based positions
    found: dict[int, YearSource] = {}
    for column, header_text in cells:
        year = year_tag(header_text)
        if year is not None:
            found[column] = YearSource(year, HEADER, header_text)
            continue
        for line in lines:
            text, span = _cell_above(raw, ranges, line, column)
            if text is None or text == header_text:
                continue
            if not set(span) <= result_columns:
                continue  # spans other columns too: a title line, not this column's group
            year = year_tag(text)
            if year is not None:
                found[column] = YearSource(year, HEADER, text)
                break
    return found


def _cell_above(
    raw: pd.DataFrame, ranges: list[tuple[int, int, int, int]], line: int, column: int
) -> tuple[str | None, range]:
    """The text at (line, column) — a merged range's value at its top-left — and its columns."""
    for r0, c0, r1, c1 in ranges:
        if r0 <= line <= r1 and c0 <= column <= c1:
            value = raw.iat[r0, c0] if r0 < raw.shape[0] and c0 < raw.shape[1] else None
            return (str(value).strip() if isinstance(value, str) else None), range(c0, c1 + 1)
    if not 0 <= line < raw.shape[0] or column >= raw.shape[1]:
        return None, range(column, column + 1)
    value = raw.iat[line, column]
    return (str(value).strip() if isinstance(value, str) else None), range(column, column + 1)


# ---------------------------------------------------------------------------- the decision


def sheet_year(
    header: Sequence[YearSource],
    titles: Sequence[str],
    sheet_name: str,
    file_name: str,
    by_hand: int | None = None,
    analyst: str | None = None,
) -> YearDecision:
    """Steps 2–5 of the precedence for one sheet (step 1, the 年度 column, is per row: see
    `column_disagreement`). `header`: the year tags of the score / grade columns."""
    decision = YearDecision()
    candidates: list[tuple[str, list[YearSource], bool]] = []  # (kind, sources, ambiguous)
    if header:
        candidates.append((HEADER, list(header), len({s.year for s in header}) > 1))
    title_sources: list[YearSource] = []
    strong_titles: list[YearSource] = []
    for line in titles:
        said = mentions(line)
        decision.events += said.events
        for year in dict.fromkeys(said.tags):
            source = YearSource(year, TITLE, line)
            (strong_titles if said.strong else title_sources).append(source)
    # A "YYYY年度" line outranks a "YYYY年" line: 关于2024年开展2023年度考核… is about 2023.
    titled = strong_titles or title_sources
    if titled:
        candidates.append((TITLE, titled, len({s.year for s in titled}) > 1))
    stem = Path(file_name).stem
    for kind, name in ((SHEET, sheet_name), (FILE, stem)):
        said = mentions(name, bare=True)
        decision.events += said.events
        if said.tags:
            sources = [YearSource(y, kind, name) for y in dict.fromkeys(said.tags)]
            shown = file_name if kind == FILE else name
            sources = [YearSource(s.year, kind, shown) for s in sources]
            candidates.append((kind, sources, len(said.years) > 1))

    if by_hand is not None:
        decision.year = by_hand
        decision.source = YearSource(by_hand, MANUAL, analyst or "")
        found = next((c for c in candidates if not c[2]), None)
        decision.previous = found[1][0] if found else None
        return decision

    for position, (kind, sources, ambiguous) in enumerate(candidates):
        if ambiguous:
            years = "、".join(str(y) for y in sorted({s.year for s in sources}))
            where = "；".join(dict.fromkeys(s.describe() for s in sources))
            decision.question = (
                f"不能确定这张考核表是哪一年度的：{SOURCE_LABELS[kind]}里写了不止一个年度"
                f"（{years}：{where}）。{_how_to_answer()}"
            )
            return decision
        taken = sources[0]
        decision.year, decision.source = taken.year, taken
        for _, others, others_ambiguous in candidates[position + 1 :]:
            if others_ambiguous:
                continue
            other = others[0]
            if other.year != taken.year:
                decision.warnings.append(disagreement(taken, other))
        return decision

    decision.question = no_year_question(decision.events)
    return decision


def _how_to_answer() -> str:
    return (
        "请加上“年度”列，或在标题里写明（例如“2023年度考核结果”），"
        "或在上传页面为这张表指定年度（命令行：--sheet-year 文件名:工作表=年度）。"
    )


def no_year_question(events: Sequence[str]) -> str:
    """The error that asks for the year, naming the event dates that did not decide it."""
    text = "不知道这张考核表是哪一年度的：表中没有“年度”列，表头、标题、工作表名和文件名里也没有写年度。"
    if events:
        shown = "、".join(f"“{shorten(e, 24)}”" for e in dict.fromkeys(events))
        text += (
            f"表中的 {shown} 是考核或报送工作的日期，不是考核年度"
            "（某一年度的考核通常在次年进行），没有用它来定年度。"
        )
    return text + _how_to_answer()


def disagreement(taken: YearSource, other: YearSource) -> str:
    """The warning when a lower source names another year than the one taken."""
    return (
        f"考核年度按{taken.describe()}取 {taken.year} 年度；但{other.describe()}"
        f"写的是 {other.year}。请核对：如果这不是 {taken.year} 年度的考核结果，"
        "请改正表格，或在上传页面为这张表指定年度。"
    )


def column_disagreement(column: str, years: Sequence[int], other: YearSource | None) -> str | None:
    """The warning when the 年度 column and the sheet's other sources name different years."""
    if other is None:
        return None
    differing = sorted({int(y) for y in years} - {other.year})
    if not differing:
        return None
    listed = "、".join(str(y) for y in differing)
    return (
        f"考核年度按“{column}”列逐行导入（{listed}）；但{other.describe()}写的是 {other.year}。"
        "请核对年度列和标题是否一致。"
    )


def in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR
