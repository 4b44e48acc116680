"""The three rules of cli.md's `screen`, applied to one application.

Each rule gives 符合, 不符合 or 需人工核实, the items it rests on (their own text is the
evidence), and a note in words an analyst can act on. What a rule cannot settle is never
guessed: it is 需人工核实 with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from labstudio.domain import MAX_HONOURS, TYPES
from labstudio.screening import rules as R
from labstudio.screening.items import Item, fold, items_of_list, split_items


@dataclass
class RuleResult:
    rule: str
    verdict: str
    note: str
    items: list[Item] = field(default_factory=list)  # the items the verdict rests on
    considered: list[Item] = field(default_factory=list)  # every item the rule read
    # The section of the notice in detail (三(一)1 for a technical studio's conditions).
    detail: str | None = None

    @property
    def section(self) -> str:
        return self.detail or R.RULE_SECTIONS[self.rule]

    @property
    def evidence(self) -> list[str]:
        return list(dict.fromkeys(item.text for item in self.items))

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "section": self.section,
            "verdict": self.verdict,
            "evidence": self.evidence,
            "note": self.note,
            "items": [
                item.as_dict(evidence=any(item is e for e in self.items))
                for item in self.considered
                if item.term is not None
            ],
        }


@dataclass
class Screening:
    applied_on: dt.date
    rules: list[RuleResult]
    verdict: str
    for_the_reviewer: list[str]

    def rule(self, name: str) -> RuleResult:
        return next(r for r in self.rules if r.rule == name)

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "rules": [r.as_dict() for r in self.rules],
            "for_the_reviewer": self.for_the_reviewer,
        }


# ---------------------------------------------------------------------------- the window


def window(applied_on: dt.date) -> tuple[dt.date, dt.date]:
    """申报前3年内: the days after `start` up to and including `applied_on`."""
    try:
        start = applied_on.replace(year=applied_on.year - R.WINDOW_YEARS)
    except ValueError:  # 29 February
        start = applied_on.replace(year=applied_on.year - R.WINDOW_YEARS, day=28)
    return start, applied_on


def window_text(applied_on: dt.date) -> str:
    start, end = window(applied_on)
    first = start + dt.timedelta(days=1)
    return f"申报前{R.WINDOW_YEARS}年内：{first.isoformat()} 至 {end.isoformat()}"


def _span(item: Item) -> tuple[dt.date, dt.date]:
    first, last = min(item.years), max(item.years)
    if item.month and first == last:
        begin = dt.date(first, item.month, 1)
        following = dt.date(first + (item.month == 12), item.month % 12 + 1, 1)
        return begin, following - dt.timedelta(days=1)
    return dt.date(first, 1, 1), dt.date(last, 12, 31)


def _in_window(item: Item, applied_on: dt.date) -> tuple[str, str]:
    """(outcome, reason) of an item's date against the window; COUNTS inside it."""
    start, end = window(applied_on)
    if not item.years:
        return R.PERSON, f"未写年份，无法判断是否在申报前{R.WINDOW_YEARS}年内"
    begin, finish = _span(item)
    when = (
        f"{item.years[0]}年{item.month}月"
        if item.month and len(item.years) == 1
        else "、".join(f"{y}年" for y in item.years)
    )
    if finish <= start:
        return R.NO, f"{when}不在{window_text(applied_on)}"
    if begin > end:
        return R.PERSON, f"{when}晚于申报日期 {end.isoformat()}，请核实年份"
    if begin <= start:
        first = (start + dt.timedelta(days=1)).isoformat()
        return (
            R.PERSON,
            f"{when}跨过申报前{R.WINDOW_YEARS}年的起点 {first}：只写到"
            f"{'月' if item.month else '年'}，需核实具体日期是否在此之后",
        )
    return R.COUNTS, ""


# ---------------------------------------------------------------------------- one item


def _level_check(item: Item, term: R.Term) -> tuple[str, str]:
    if term.min_level is None:
        return R.COUNTS, ""
    if item.level is None:
        if item.level_word:
            return R.PERSON, f"“{item.level_word}”：{item.level_note}"
        if term.unknown == R.COUNTS:
            return R.COUNTS, ""
        return R.PERSON, f"未写明级别（{term.reason}）"
    if R.LEVEL_ORDER[item.level] > R.LEVEL_ORDER[term.min_level]:
        why = f"{item.level}级（“{item.level_word}”）"
        return term.below, f"{why}，{term.reason}"
    return R.COUNTS, ""


def _rank_check(item: Item) -> tuple[str, str]:
    if item.rank is None:
        if item.unplaced_rank:
            return R.PERSON, f"等次“{item.unplaced_rank}”无法与二等比较，需人工判断"
        return R.PERSON, "未写等次，无法判断是否为二等奖及以上"
    if R.RANK_ORDER[item.rank] <= R.RANK_ORDER["二等"]:
        return R.COUNTS, ""
    rank = f"{item.rank}奖" if item.rank != "等外" else item.rank_word
    if item.level is not None and R.LEVEL_ORDER[item.level] < R.LEVEL_ORDER["市"]:
        return (
            R.PERSON,
            f"{item.level}级{rank}：级别高于市级，等次低于二等；通知“市级二等奖及以上”"
            "未说明高级别、低等次的奖是否算“及以上”，需人工判断",
        )
    return R.NO, f"{item.level or ''}{'级' if item.level else ''}{rank}，低于通知要求的二等奖"


def _patent_number_check(item: Item, term: R.Term) -> tuple[R.Term, str, str]:
    """What the 专利号 says beside the words: (term, outcome or "", reason)."""
    kinds = set(item.patent_kinds)
    if not kinds or term.route != "patent":
        return term, "", ""
    if term.key == "invention_patent" and kinds - {"发明"}:
        return (
            term,
            R.PERSON,
            f"文字写发明专利，专利号却是{'、'.join(sorted(kinds - {'发明'}))}专利的编号",
        )
    if term.key == "patent_unspecified":
        if kinds == {"发明"}:
            invention = next(t for t in R.ACHIEVEMENT_TERMS if t.key == "invention_patent")
            item.notes.append("专利号表明是发明专利")
            return invention, "", ""
        if "发明" not in kinds and "未知" not in kinds:
            return term, R.NO, f"专利号表明是{'、'.join(sorted(kinds))}专利，通知只认国家发明专利"
    return term, "", ""


def judge(item: Item, applied_on: dt.date | None) -> None:
    """The item's outcome and reason under its term (None: an item no rule looks at)."""
    term = item.term
    if term is None:
        return
    findings: list[tuple[str, str]] = []
    term, outcome, reason = _patent_number_check(item, term)
    item.term = term
    if outcome:
        findings.append((outcome, reason))
    if term.outcome != R.COUNTS:
        findings.append((term.outcome, term.reason))
    else:
        findings.append(_level_check(item, term))
        if term.needs_rank:
            findings.append(_rank_check(item))
    if term.route in ("tech_award", "innovation", "management") and re.search(
        R.SOCIETY_AWARD.pattern, fold(item.text)
    ):
        findings.append((R.PERSON, R.SOCIETY_AWARD.reason))
    if term.in_window and applied_on is not None:
        findings.append(_in_window(item, applied_on))
    for wanted in (R.NO, R.PERSON):
        reasons = [why for found, why in findings if found == wanted and why]
        if any(found == wanted for found, _ in findings):
            item.outcome = wanted
            item.reason = "；".join(dict.fromkeys(reasons))
            return
    item.outcome = R.COUNTS
    item.reason = "；".join(item.notes)


def _quoted(items: list[Item]) -> str:
    return "；".join(f"“{i.text}”：{i.reason}" if i.reason else f"“{i.text}”" for i in items)


# ---------------------------------------------------------------------------- the rules


def leader_qualification(honours: list[str] | None, leader_title: str | None) -> RuleResult:
    """二(二): a municipal-or-higher model worker or one of the listed high-level talents."""
    items = items_of_list(honours, "honours", R.LEADER_TERMS)
    for item in items:
        judge(item, None)
    considered = list(items)
    if leader_title and re.search(R.SENIOR_TITLE.pattern, fold(leader_title)):
        title = Item("leader_title", leader_title, 0, len(leader_title), term=R.SENIOR_TITLE)
        judge(title, None)
        considered.append(title)
    counting = [i for i in considered if i.outcome == R.COUNTS]
    if counting:
        names = "、".join(dict.fromkeys(i.term.name for i in counting))
        return RuleResult(R.LEADER, R.MEETS, f"领衔人为{names}", counting, considered)
    person = [i for i in considered if i.outcome == R.PERSON]
    if person:
        return RuleResult(R.LEADER, R.CHECK, _quoted(person), person, considered)
    if not items:
        return RuleResult(
            R.LEADER,
            R.CHECK,
            "领衔人主要荣誉为空：表格无法说明领衔人是否为市级以上劳模或高层次人才，请向申报单位核实",
            [],
            considered,
        )
    refused = [i for i in considered if i.outcome == R.NO]
    listed = "、".join(f"“{i.text}”" for i in items if i.outcome is None)
    parts = [_quoted(refused)] if refused else []
    if listed:
        parts.append(f"{listed}不是通知二(二)所列的市级以上劳模或高层次人才")
    return RuleResult(R.LEADER, R.FAILS, "；".join(parts), refused, considered)


def _type_verdict(type_: str, items: list[Item]) -> tuple[str, str, list[Item]]:
    routes = R.TYPE_ROUTES[type_]
    relevant = [i for i in items if i.term is not None and i.term.route in routes]
    counting = [i for i in relevant if i.outcome == R.COUNTS]
    person = [i for i in relevant if i.outcome == R.PERSON]
    refused = [i for i in relevant if i.outcome == R.NO]
    if type_ == "管理创新型":
        if counting:
            return R.MEETS, "有市级以上管理成果认定或奖励", counting
        if person:
            return R.CHECK, _quoted(person), person
        why = "申报前3年内没有市级以上管理成果认定或奖励"
        return R.FAILS, "；".join([why, _quoted(refused)] if refused else [why]), refused
    awards = [i for i in counting if i.term.route == "tech_award"]
    if awards:
        return R.MEETS, "有市级二等奖及以上的科技奖励", awards
    paired = [i for i in counting if i.term.route in ("innovation", "patent")]
    certain = sum(i.count for i in paired)
    if certain >= R.INNOVATION_ITEMS_NEEDED:
        return (
            R.MEETS,
            f"技术创新成果奖与国家发明专利合计{certain}项（至少{R.INNOVATION_ITEMS_NEEDED}项）",
            paired,
        )
    possible = certain + sum(i.count for i in person if i.term.route in ("innovation", "patent"))
    award_person = [i for i in person if i.term.route == "tech_award"]
    if award_person or possible >= R.INNOVATION_ITEMS_NEEDED:
        unsure = [*award_person, *(i for i in person if i not in award_person)]
        note = _quoted(unsure)
        if paired:
            note += f"；已确定计入的技术创新成果奖、国家发明专利{certain}项"
        return R.CHECK, note, [*unsure, *paired]
    parts = [
        "申报前3年内没有市级二等奖及以上的科技奖励；技术创新成果奖与国家发明专利"
        f"合计{certain}项，不足{R.INNOVATION_ITEMS_NEEDED}项"
    ]
    if paired:
        parts.append("计入的：" + "、".join(f"“{i.text}”（{i.count}项）" for i in paired))
    if refused or person:
        parts.append(_quoted([*refused, *person]))
    return R.FAILS, "；".join(parts), [*refused, *paired, *person]


_SERVICE_WORDS = re.compile(r"品牌|服务名称|标识|互联网|服务模式|服务")


def type_conditions(
    type_: str | None,
    achievements: str | None,
    honours: list[str] | None,
    applied_on: dt.date,
    type_written: str | None = None,
) -> RuleResult:
    """三: the condition of the studio's type that the table can show."""
    items = split_items(achievements or "", "achievements", R.ACHIEVEMENT_TERMS)
    for item in items:
        judge(item, applied_on)
    if type_ not in TYPES:
        if type_written:
            note = f"创新类型“{type_written}”不是技术创新型、服务创新型或管理创新型，需人工核实申报类型"
        else:
            note = "未填写创新类型，无法判断适用三(一)、三(二)还是三(三)的条件，请向申报单位核实"
        return RuleResult(R.TYPE, R.CHECK, note, [], items)
    if type_ == "服务创新型":
        pointers = [i for i in items if _SERVICE_WORDS.search(fold(i.text))]
        return RuleResult(
            R.TYPE,
            R.CHECK,
            "服务创新型的条件（三(二)：服务品牌与标识、“互联网+”服务手段、服务质量管理体系、社会认可）"
            "表格无法说明，需对照申报材料人工核实",
            pointers,
            items,
            R.TYPE_SECTIONS[type_],
        )
    detail = R.TYPE_SECTIONS[type_]
    verdict, note, decided = _type_verdict(type_, items)
    if verdict == R.FAILS and honours:
        # The achievement may have been listed with the leader's honours instead.
        elsewhere = items_of_list(honours, "honours", R.ACHIEVEMENT_TERMS)
        for item in elsewhere:
            judge(item, applied_on)
        found = [
            i
            for i in elsewhere
            if i.term is not None
            and i.term.route in R.TYPE_ROUTES[type_]
            and i.outcome in (R.COUNTS, R.PERSON)
        ]
        if found:
            return RuleResult(
                R.TYPE,
                R.CHECK,
                f"主要创新成果不满足{R.TYPE_SECTIONS[type_]}；领衔人主要荣誉中的"
                f"{_quoted(found)}可能满足，请核实是否为本工作室的成果",
                found,
                [*items, *found],
                detail,
            )
    return RuleResult(R.TYPE, verdict, note, decided, items, detail)


def honours_limit(honours: list[str] | None) -> RuleResult:
    """附件2: at most five honours. It flags the form; it does not decide eligibility."""
    items = items_of_list(honours, "honours", ())
    if len(items) > MAX_HONOURS:
        return RuleResult(
            R.HONOURS_LIMIT,
            R.FAILS,
            f"领衔人主要荣誉列了{len(items)}项，附件2要求限5项以内（只提示表格填写，不影响初审结论）",
            items,
            items,
        )
    return RuleResult(R.HONOURS_LIMIT, R.MEETS, f"列了{len(items)}项", [], items)


def overall(leader: str, type_: str) -> str:
    """cli.md: 不符合 if either decisive rule fails, else 需人工核实 if either needs a person."""
    if R.FAILS in (leader, type_):
        return R.FAILS
    if R.CHECK in (leader, type_):
        return R.CHECK
    return R.MEETS


def for_the_reviewer(type_: str | None, results: list[RuleResult]) -> list[str]:
    """The notice's conditions no table can show, then what the rules left open."""
    sections = [*R.FOR_THE_REVIEWER[None]]
    if type_ is not None and type_ in R.FOR_THE_REVIEWER:
        sections += R.FOR_THE_REVIEWER[type_]
    lines = [f"{section}：{R.NOTICE[section]}" for section in sections]
    for result in results:
        if result.verdict == R.CHECK and result.rule != R.HONOURS_LIMIT:
            lines.append(f"{result.section}（{R.RULE_NAMES[result.rule]}）：{result.note}")
    return lines


def screen(
    *,
    type_: str | None,
    leader_title: str | None,
    achievements: str | None,
    honours: list[str] | None,
    applied_on: dt.date,
    type_written: str | None = None,
) -> Screening:
    """All three rules and the verdict that follows, for one application."""
    leader = leader_qualification(honours, leader_title)
    conditions = type_conditions(type_, achievements, honours, applied_on, type_written)
    limit = honours_limit(honours)
    results = [leader, conditions, limit]
    return Screening(
        applied_on=applied_on,
        rules=results,
        verdict=overall(leader.verdict, conditions.verdict),
        for_the_reviewer=for_the_reviewer(type_, results),
    )


@lru_cache(maxsize=4096)
def _leader_opinion(honours: tuple[str, ...], leader_title: str | None) -> str:
    result = leader_qualification(list(honours), leader_title)
    return f"{result.verdict}：{result.note}"


def leader_opinion(honours: object, leader_title: object) -> str:
    """二(二) for a studio on record, in one line ("符合：领衔人为市级以上劳模")."""
    # A list, or the array a DuckDB VARCHAR[] comes back as; the column is never NULL.
    listed = tuple(str(h) for h in honours) if honours is not None else ()
    title = leader_title if isinstance(leader_title, str) else None
    return _leader_opinion(listed, title)
