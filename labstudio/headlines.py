"""Headline sentences for the meeting slides, written from the figures of `queries.summary`.

Pure functions of plain dicts: every sentence is tested over a table of data cases. A leader at the
back of the room reads one sentence per slide, so each says the fact, not the chart's name, and
says it so that it cannot be misread: a year without new grants says so ("2024年未新拨经费"), it
does not print "拨付经费0.00 元" in big type. The wording lives in labels.py ("h.*").
"""

from __future__ import annotations

import re

from labstudio.domain import GRADES, GROUNDS, TYPES, UNTYPED
from labstudio.kpis import money
from labstudio.labels import label

_EN_TYPES = {"技术创新型": "technical", "服务创新型": "service", "管理创新型": "management"}
_EN_GRADES = {"优秀": "excellent", "合格": "pass", "不合格": "fail"}
_EN_GROUNDS = {
    "年度考核不合格": "failed assessment",
    "严重医疗事故": "serious medical accident",
    "严重违反医德医风": "breach of medical ethics",
    "其他": "other",
}

# A number with its unit, which no line break may split ("12 / 家" read as two things): digits
# with their separators and sign, then a unit of the slides' wording, in either language.
NUMBER_WITH_UNIT = re.compile(
    r"[+\-−]?\d[\d,]*(?:\.\d+)?"
    r"(?:\s?(?:万元|元|家|笔|项|个百分点|分|年度|年|%)|\s(?:yuan|studios?|titles?|points|pp)\b|%)?"
)


def unbreakable_spans(text: str) -> list[tuple[str, bool]]:
    """`text` cut into pieces, each with whether it is a number with its unit (kept on a line)."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in NUMBER_WITH_UNIT.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], False))
        pieces.append((match.group(), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


# After these a headline may break: the clause ends of both languages (not a comma between
# digits, which is a thousands separator).
CLAUSE_ENDS = "，：；、,;:"


def clause_ends(text: str) -> list[int]:
    """The positions just after a clause's end, where a headline breaks best."""
    inside: set[int] = set()
    position = 0
    for piece, keep in unbreakable_spans(text):
        if keep:
            inside.update(range(position + 1, position + len(piece)))
        position += len(piece)
    return [
        i + 1
        for i, ch in enumerate(text[:-1])
        if ch in CLAUSE_ENDS and i + 1 not in inside and not text[i + 1].isdigit()
    ]


def clauses(text: str) -> list[str]:
    """`text` cut after each clause's end ("技术创新型27家，" "服务创新型24家，" …)."""
    cuts = [0, *clause_ends(text), len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def english_count(number: int, word: str) -> str:
    """ "1 studio", "2 studios": English counts agree with their noun."""
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _join(parts: list[str], lang: str) -> str:
    # Punctuation, not words: the Chinese comma, or its English counterpart.
    return ("，" if lang == "zh" else ", ").join(parts)


def _count(number: int, lang: str, noun: str = "") -> str:
    """ "9家" in Chinese; in English "9 titles" with a noun, else "9"."""
    if lang == "en":
        return english_count(number, noun) if noun else str(number)
    return f"{number}家"


def overview(studios: dict, unit: str | None = None, lang: str = "zh") -> str:
    """The total first, then how it splits: the figure a leader asks for is one number."""
    active = studios["by_status"]["active"]
    revoked = studios["by_status"]["revoked"]
    total = studios.get("total", active + revoked)
    return label(
        "h.overview.unit" if unit else "h.overview",
        lang,
        unit=unit,
        total=_count(total, lang, "studio"),
        active=_count(active, lang),
        revoked=_count(revoked, lang, "title"),
    )


def types(studios: dict, lang: str = "zh") -> str:
    counts = studios["by_type"]
    names = _EN_TYPES if lang == "en" else {t: t for t in TYPES}
    parts = [label("h.part", lang, name=names[t], n=counts[t]) for t in TYPES]
    if counts.get(UNTYPED):
        parts.append(label("h.part", lang, name=label("h.untyped", lang), n=counts[UNTYPED]))
    total = studios.get("total", sum(counts.values()))
    return label("h.types", lang, total=_count(total, lang, "studio"), parts=_join(parts, lang))


def assessment(year: int | None, result: dict | None, lang: str = "zh") -> str:
    """例如 2024年度考核：优秀12家，合格33家，不合格2家."""
    if year is None or not result:
        return (
            label("h.assessment.none_in", lang, year=year)
            if year
            else label("h.assessment.none", lang)
        )
    by_result = result["by_result"]
    names = _EN_GRADES if lang == "en" else {g: g for g in GRADES}
    parts = [label("h.part", lang, name=names[g], n=by_result[g]) for g in GRADES]
    return label("h.assessment", lang, year=year, parts=_join(parts, lang))


def revocations(year: int | None, result: dict, lang: str = "zh") -> str:
    total = result["total"]
    when = label("h.in_year", lang, year=year) if year else label("h.so_far", lang)
    if not total:
        return label("h.revocations.none", lang, when=when)
    names = _EN_GROUNDS if lang == "en" else {g: g for g in GROUNDS}
    parts = [
        label("h.part", lang, name=names[g], n=result["by_reason"][g])
        for g in GROUNDS
        if result["by_reason"][g]
    ]
    key = "h.revocations.one" if total == 1 else "h.revocations"
    return label(key, lang, when=when, total=total, parts=_join(parts, lang))


def funds(result: dict, year: int | None = None, lang: str = "zh") -> str:
    """Grants and spending of a year (or to date), and what of it was not allowed.

    A year without grants says "未新拨经费": the money spent then was granted earlier.
    """
    granted, spent, prohibited = result["granted"], result["spent"], result["prohibited"]
    when = label("h.in_year", lang, year=year) if year else label("h.so_far", lang)
    if not granted and not spent:
        return label("h.funds.none", lang, when=when)
    if granted:
        first = label("h.funds.granted", lang, when=when, amount=money(granted, lang))
    else:
        first = label("h.funds.no_new_grant", lang, when=when)
    if not spent:
        second = label("h.funds.nothing_spent", lang)
    elif prohibited:
        second = label(
            "h.funds.spent_disallowed",
            lang,
            amount=money(spent, lang),
            prohibited=money(prohibited, lang),
        )
    else:
        second = label("h.funds.spent_allowed", lang, amount=money(spent, lang))
    # Without new grants the first clause stands alone: a semicolon, not a comma.
    comma, semicolon = ("，", "；") if lang == "zh" else (", ", "; ")
    glue = comma if granted else semicolon
    return first + glue + second


def action_items(counts: dict[str, int], lang: str = "zh", year: int | None = None) -> str:
    """counts: failed_not_revoked, disallowed_lines, over_budget, not_assessed, too_many_honours."""
    present = [(k, n) for k, n in counts.items() if n]
    if not present:
        return label("h.actions.none", lang)
    parts = [
        label(
            "h.action.not_assessed_in" if key == "not_assessed" and year else f"h.action.{key}",
            lang,
            n=english_count(n, "expense") if lang == "en" and key == "disallowed_lines" else n,
            year=year,
        )
        for key, n in present
    ]
    return label("h.actions", lang, parts=_join(parts, lang))
