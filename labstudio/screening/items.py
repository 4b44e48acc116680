"""A free-text cell → its items, and each item → year, level, kind, rank, count.

"2020年获青岛市技术发明奖二等奖（排名第二）；2019年获国家发明专利1项（ZL…）" is two items. Each item
keeps its own text and its place in the cell, so a verdict can quote it and the page can
highlight it where the applicant wrote it. Reading is done on a folded copy of the item
(full-width → half-width); the text quoted is always the one written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from labstudio.domain import _CN_DIGITS
from labstudio.screening import rules as R

# Between items: a line break, a semicolon, a full stop.
_STRONG = re.compile(r"[；;。\n\r]+")
# Numbering at the start of an item: 1. 1、 （1） (1) ①
_NUMBERING = re.compile(r"\s*(?:[(（]\s*\d{1,2}\s*[)）]|\d{1,2}\s*[.、．)]|[①②③④⑤⑥⑦⑧⑨⑩])\s*")
_COMMA = "，,、"
_OPEN, _CLOSE = '(（[【《“"', ')）]】》”"'

_YEAR = re.compile(r"(?<![\dA-Za-z])((?:19|20)\d{2})(?!\d)")
_AFTER_YEAR = re.compile(
    r"\s*(?:(?P<nian>年度?)\s*(?:(?P<m1>\d{1,2})\s*月)?"
    r"|[.．/／\-](?P<m2>\d{1,2})(?!\d)"
    r"|\s*[-—~～至到]\s*(?P<to>(?:19|20)\d{2})(?!\d))"
)
_COUNT = re.compile(r"(\d{1,3}|[一二两三四五六七八九十]{1,2})\s*(?:项|件|个|篇)")
_CN_NUMBERS = {**_CN_DIGITS, "两": 2}


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@dataclass
class Item:
    """One honour or achievement as written, and what the rules read in it."""

    column: str  # the field it came from: achievements | honours | leader_title
    text: str  # as written (numbering and separators trimmed)
    start: int  # its place in the cell text (see `cell_text`), for highlighting
    end: int
    years: tuple[int, ...] = ()
    month: int | None = None
    year_note: str = ""  # where the year came from when it is not written in the item itself
    term: R.Term | None = None
    level: str | None = None
    level_word: str = ""
    level_note: str = ""
    rank: str | None = None
    rank_word: str = ""
    unplaced_rank: str = ""  # 金奖, 一级 …: a rank the table does not place
    count: int = 1
    patent_kinds: tuple[str, ...] = ()  # read from 专利号
    # Filled in by the rules (labstudio.screening.check):
    outcome: str | None = None
    reason: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def year(self) -> int | None:
        return max(self.years) if self.years else None

    def as_dict(self, evidence: bool = False) -> dict:
        return {
            "text": self.text,
            "column": self.column,
            "start": self.start,
            "end": self.end,
            "evidence": evidence,
            "year": self.year,
            "level": self.level,
            "kind": self.term.name if self.term else None,
            "rank": self.rank,
            "count": self.count
            if self.term and self.term.route in ("patent", "innovation")
            else None,
            "outcome": self.outcome,
            "reason": self.reason,
        }


def cell_text(value: object) -> str:
    """The cell as the checklist shows it: honours (a list) one per line, text as written."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    return str(value)


def _spans(text: str, pattern: re.Pattern) -> list[tuple[int, int]]:
    spans, position = [], 0
    for match in pattern.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    return spans


def _top_level_commas(text: str, start: int, end: int) -> list[int]:
    """Positions of the commas of text[start:end] that are not inside brackets or quotes."""
    depth, found = 0, []
    for position in range(start, end):
        char = text[position]
        if char in _OPEN and not (char in _CLOSE and depth):
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        elif char in _COMMA and depth == 0:
            found.append(position)
    return found


@lru_cache(maxsize=1)
def _any_term() -> re.Pattern:
    patterns = [t.pattern for t in (*R.LEADER_TERMS, *R.ACHIEVEMENT_TERMS)]
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _starts_with_year(text: str) -> bool:
    folded = fold(text).lstrip()
    return bool(re.match(r"(?:19|20)\d{2}(?!\d)", folded))


def split_items(text: str, column: str, terms: tuple[R.Term, ...]) -> list[Item]:
    """The items of one cell, each with its span in `text`.

    Items are parted by line breaks, semicolons and full stops; a comma parts them too when
    what follows starts with a year, or when both sides name an honour or achievement of
    their own ("发明专利2项、实用新型专利3项"). A part without a year of its own takes the year
    of the part before it in the same sentence, and says so.
    """
    items: list[Item] = []
    for start, end in _spans(text, _STRONG):
        numbering = _NUMBERING.match(text, start, end) if start < end else None
        if numbering:
            start = numbering.end()
        pieces: list[list[int]] = []
        cut = start
        for comma in [*_top_level_commas(text, start, end), end]:
            part = text[cut:comma]
            if part.strip():
                current = text[pieces[-1][0] : pieces[-1][1]] if pieces else ""
                separate = not pieces or _starts_with_year(part)
                if not separate:
                    separate = bool(_any_term().search(fold(current))) and bool(
                        _any_term().search(fold(part))
                    )
                if separate:
                    pieces.append([cut, comma])
                else:
                    pieces[-1][1] = comma
            cut = comma + 1
        sentence_year: tuple[int, ...] = ()
        for piece_start, piece_end in pieces:
            while piece_start < piece_end and text[piece_start] in " \t\u3000" + _COMMA:
                piece_start += 1
            raw = text[piece_start:piece_end].rstrip(" \t\u3000。.")
            if not raw:
                continue
            item = Item(column, raw, piece_start, piece_start + len(raw))
            read_item(item, terms)
            if item.years:
                sentence_year = item.years
            elif sentence_year:
                item.years = sentence_year
                item.year_note = f"年份沿用同一句前文的{max(sentence_year)}年"
            items.append(item)
    return items


def items_of_list(values: list[str] | None, column: str, terms: tuple[R.Term, ...]) -> list[Item]:
    """Items of a cell already split into a list (honours), placed as `cell_text` joins them."""
    items, position = [], 0
    for value in values or []:
        item = Item(column, value, position, position + len(value))
        read_item(item, terms)
        items.append(item)
        position += len(value) + 1
    return items


def _years(folded: str) -> tuple[tuple[int, ...], int | None]:
    years: list[int] = []
    month = None
    for match in _YEAR.finditer(folded):
        after = _AFTER_YEAR.match(folded, match.end())
        at_start = not folded[: match.start()].strip()
        if not after and not at_start:
            continue
        years.append(int(match.group(1)))
        if after:
            if after.group("to"):
                years.append(int(after.group("to")))
            found = after.group("m1") or after.group("m2")
            if found and 1 <= int(found) <= 12 and month is None:
                month = int(found)
    return tuple(dict.fromkeys(years)), month


def _level(folded: str, before: int) -> tuple[str | None, str, str]:
    """(level, the word it was read from, a note) from the level word nearest before `before`."""
    best: tuple[int, int, R.LevelWord, str] | None = None
    for word in R.LEVEL_WORDS:
        for match in re.finditer(word.pattern, folded):
            if match.end() > before or match.start() == match.end():
                continue
            key = (match.end(), word.priority)
            if best is None or key > best[:2]:
                best = (match.end(), word.priority, word, match.group(0))
    if best is None:
        return None, "", ""
    _, _, word, found = best
    return word.level, found, word.note


def _count(folded: str) -> int:
    match = _COUNT.search(folded)
    if not match:
        return 1
    value = match.group(1)
    if value.isdigit():
        return max(1, int(value))
    if value == "十":
        return 10
    if value.startswith("十"):
        return 10 + _CN_NUMBERS.get(value[1], 0)
    if len(value) == 2 and value[1] == "十":
        return _CN_NUMBERS.get(value[0], 1) * 10
    return _CN_NUMBERS.get(value[0], 1)


def read_item(item: Item, terms: tuple[R.Term, ...]) -> None:
    """Year, kind (the first of `terms` whose words occur), level, rank, count."""
    folded = fold(item.text)
    item.years, item.month = _years(folded)
    for term in terms:
        match = re.search(term.pattern, folded)
        if match:
            item.term = term
            item.level, item.level_word, item.level_note = _level(folded, match.start())
            if item.level is None and not item.level_word:
                # "劳动模范（青岛市）": the level written after the kind.
                item.level, item.level_word, item.level_note = _level(folded, len(folded))
            break
    for pattern, rank in R.RANK_WORDS:
        match = re.search(pattern, folded)
        if match and (item.rank is None or R.RANK_ORDER[rank] < R.RANK_ORDER[item.rank]):
            item.rank, item.rank_word = rank, match.group(0)
    unplaced = re.search(R.UNPLACED_RANKS, folded)
    item.unplaced_rank = unplaced.group(0) if unplaced else ""
    numbers = re.findall(R.PATENT_NUMBER, folded)
    item.patent_kinds = tuple(
        dict.fromkeys(R.PATENT_KIND_DIGITS.get(a or b, "未知") for a, b in numbers)
    )
    item.count = max(_count(folded), len(numbers))
