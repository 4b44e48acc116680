"""Headline sentences for the meeting slides, written from the figures of `queries.summary`.

Pure functions of plain dicts: every sentence is tested over a table of data cases. A leader at the
back of the room reads one sentence per slide, so each says the fact, not the chart's name.
"""

from __future__ import annotations

from labstudio.domain import GRADES, GROUNDS, TYPES, UNTYPED
from labstudio.kpis import money

_EN_TYPES = {"技术创新型": "technical", "服务创新型": "service", "管理创新型": "management"}
_EN_GRADES = {"优秀": "excellent", "合格": "pass", "不合格": "fail"}
_EN_GROUNDS = {
    "年度考核不合格": "failed assessment",
    "严重医疗事故": "serious medical accident",
    "严重违反医德医风": "breach of medical ethics",
    "其他": "other",
}


def _scope(unit: str | None, lang: str) -> str:
    if unit:
        return unit
    return "" if lang == "en" else "全委"


def overview(studios: dict, unit: str | None = None, lang: str = "zh") -> str:
    active = studios["by_status"]["active"]
    revoked = studios["by_status"]["revoked"]
    if lang == "en":
        where = f" at {unit}" if unit else ""
        return f"{active} studios active{where}, {revoked} titles revoked"
    return f"{_scope(unit, lang)}在管创新工作室{active}家，已撤销称号{revoked}家"


def types(studios: dict, lang: str = "zh") -> str:
    counts = studios["by_type"]
    if lang == "en":
        parts = [f"{_EN_TYPES[t]} {counts[t]}" for t in TYPES]
        if counts.get(UNTYPED):
            parts.append(f"unclassified {counts[UNTYPED]}")
        return "Studios by type: " + ", ".join(parts)
    parts = [f"{t}{counts[t]}家" for t in TYPES]
    if counts.get(UNTYPED):
        parts.append(f"{UNTYPED}{counts[UNTYPED]}家")
    return "，".join(parts)


def assessment(year: int | None, result: dict | None, lang: str = "zh") -> str:
    """例如 2024年度考核：优秀12家，合格33家，不合格2家."""
    if year is None or not result:
        if lang == "en":
            return f"No assessment results for {year}" if year else "No assessment results yet"
        return f"{year}年度暂无考核结果" if year else "暂无考核结果"
    by_result = result["by_result"]
    if lang == "en":
        parts = ", ".join(f"{_EN_GRADES[g]} {by_result[g]}" for g in GRADES)
        return f"Assessment {year}: {parts}"
    return f"{year}年度考核：" + "，".join(f"{g}{by_result[g]}家" for g in GRADES)


def revocations(year: int | None, result: dict, lang: str = "zh") -> str:
    total = result["total"]
    grounds = [(g, result["by_reason"][g]) for g in GROUNDS if result["by_reason"][g]]
    if lang == "en":
        when = f"in {year}" if year else "in all"
        if not total:
            return f"No title revoked {when}"
        detail = ", ".join(f"{_EN_GROUNDS[g]} {n}" for g, n in grounds)
        return f"{total} titles revoked {when}: {detail}"
    when = f"{year}年" if year else "累计"
    if not total:
        return f"{when}没有撤销称号的工作室"
    return f"{when}撤销称号{total}家：" + "，".join(f"{g}{n}家" for g, n in grounds)


def funds(result: dict, year: int | None = None, lang: str = "zh") -> str:
    granted, spent, prohibited = result["granted"], result["spent"], result["prohibited"]
    if lang == "en":
        when = f"in {year}" if year else "to date"
        if not granted and not spent:
            return f"No grants or spending recorded {when}"
        text = f"Granted {money(granted, 'en')}, spent {money(spent, 'en')} {when}"
        return text + (f"; {money(prohibited, 'en')} disallowed" if prohibited else "")
    when = f"{year}年" if year else "累计"
    if not granted and not spent:
        return f"{when}暂无经费拨付与支出记录"
    text = f"{when}拨付经费{money(granted)}，支出{money(spent)}"
    return text + (
        f"，其中不允许的支出{money(prohibited)}" if prohibited else "，支出均在允许用途内"
    )


def action_items(counts: dict[str, int], lang: str = "zh") -> str:
    """counts: failed_not_revoked, disallowed_lines, over_budget, not_assessed, too_many_honours."""
    zh = {
        "failed_not_revoked": "考核不合格未撤销{n}家",
        "disallowed_lines": "不允许的支出{n}笔",
        "over_budget": "超支{n}家",
        "not_assessed": "未录入本年考核{n}家",
        "too_many_honours": "荣誉超过5项{n}家",
    }
    en = {
        "failed_not_revoked": "{n} failed but not revoked",
        "disallowed_lines": "{n} disallowed expenses",
        "over_budget": "{n} over budget",
        "not_assessed": "{n} not assessed this year",
        "too_many_honours": "{n} with more than five honours",
    }
    present = [(k, n) for k, n in counts.items() if n]
    if lang == "en":
        if not present:
            return "Nothing needs following up"
        return "To follow up: " + ", ".join(en[k].format(n=n) for k, n in present)
    if not present:
        return "没有需要跟进的事项"
    return "需要跟进：" + "，".join(zh[k].format(n=n) for k, n in present)
