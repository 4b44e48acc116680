"""Find the header row under the title lines and map each header cell to a field.

Headers are compared after folding: full-width → half-width, white space and line breaks removed,
a trailing colon or asterisk dropped, and a parenthesised note such as （元） or （限5项以内） set
aside. Exact variants first, then keyword rules, then a fuzzy match (rapidfuzz) for typos.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process

from labstudio.importer.values import text

# Field → header variants (folded form). Generic fields ('date', 'class', 'note') are resolved
# once the sheet's kind is known: 日期 is a revocation date in one sheet, a ledger date in another.
VARIANTS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "序", "no", "行号"),
    "unit": (
        "创新工作室所在单位",
        "工作室所在单位",
        "所在单位",
        "单位",
        "申报单位",
        "单位名称",
        "所属单位",
        "推荐单位",
        "医院",
        "医院名称",
        "所在医院",
        "所在单位名称",
        "填报单位",
    ),
    "name": ("创新工作室", "工作室名称", "工作室", "创新工作室名称", "名称", "工作室全称"),
    "name_leader": (
        "创新工作室领衔人",
        "工作室领衔人姓名",
        "工作室及领衔人",
        "创新工作室及领衔人",
        "工作室名称及领衔人",
        "创新工作室和领衔人",
        "创新工作室名称领衔人",
    ),
    "leader": (
        "领衔人",
        "带头人",
        "负责人",
        "领办人",
        "牵头人",
        "领衔人姓名",
        "带头人姓名",
        "负责人姓名",
        "工作室领衔人",
        "姓名",
        "领军人才",
    ),
    "leader_title": ("职称", "技术等级", "职称技术等级", "领衔人职称", "职务职称", "专业技术职称"),
    "type": ("类型", "创新类型", "工作室类型", "创新工作室类型"),
    "batch": ("批次", "命名批次", "所属批次", "认定批次"),
    "stage": ("阶段", "管理阶段", "状态", "工作室状态", "创建阶段"),
    "named_on": ("命名时间", "命名日期", "认定时间", "认定日期", "授牌时间", "授牌日期"),
    "achievements": ("主要创新成果", "创新成果", "主要成果", "成果"),
    "honours": ("领衔人主要荣誉", "主要荣誉", "荣誉", "领衔人荣誉", "获得荣誉", "荣誉称号"),
    "year": ("年度", "考核年度", "年份", "考核年份"),
    "score": (
        "考核得分",
        "得分",
        "分数",
        "考核分数",
        "成绩",
        "考核成绩",
        "评分",
        "总分",
        "最终得分",
    ),
    "grade": (
        "考核等次",
        "考核结果",
        "等次",
        "考核等级",
        "结果",
        "评定等次",
        "考核评定",
        "等级",
        "评定结果",
        "考核档次",
    ),
    "revoked_on": (
        "撤销时间",
        "撤销日期",
        "取消日期",
        "取消时间",
        "撤销称号时间",
        "取消称号时间",
        "撤销称号日期",
        "取消称号日期",
        "撤销文件日期",
    ),
    "ground": (
        "撤销原因",
        "取消原因",
        "原因",
        "撤销理由",
        "取消称号原因",
        "撤销称号原因",
        "撤销依据",
        "不再保留原因",
        "理由",
        "撤销事由",
        "取消理由",
    ),
    "date": (
        "日期",
        "时间",
        "发生日期",
        "拨付日期",
        "支出日期",
        "入账日期",
        "记账日期",
        "报销日期",
        "业务日期",
        "凭证日期",
        "拨款日期",
        "收支日期",
    ),
    "direction": ("收支", "收支类型", "收支方向", "收入支出", "收支类别", "收支项目"),
    "category": (
        "支出类别",
        "用途",
        "支出用途",
        "经费用途",
        "科目",
        "支出项目",
        "开支范围",
        "开支类别",
        "费用类别",
        "支出科目",
        "用途类别",
        "经费类别",
        "费用类型",
        "支出类型",
        "开支项目",
    ),
    "class": ("类别", "分类"),
    "amount": ("金额", "发生额", "经费金额", "金额元", "数额"),
    "income": ("收入", "拨款", "拨款金额", "收入金额", "到账金额", "拨付金额", "资助金额", "拨入"),
    "expense": ("支出", "支出金额", "报销金额", "开支金额", "支付金额"),
    # Book-keeping columns: which of them is the grant depends on the account, so a ledger
    # kept this way is recognised (not taken for a roster) and sent back with a question.
    "debit": ("借方", "借方金额", "借方发生额"),
    "credit": ("贷方", "贷方金额", "贷方发生额"),
    "description": (
        "摘要",
        "事由",
        "内容",
        "支出内容",
        "用途说明",
        "说明",
        "明细",
        "支出事项",
        "项目名称",
    ),
    "note": ("备注", "附注", "备注说明"),
}

# Keyword rules for headers no variant matches (first rule that fits wins).
_RULES: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    # (all of, none of, field)
    (("荣誉",), (), "honours"),
    (("成果",), (), "achievements"),
    (("工作室", "领衔人"), (), "name_leader"),
    (("撤销", "时间"), (), "revoked_on"),
    (("撤销", "日期"), (), "revoked_on"),
    (("取消", "日期"), (), "revoked_on"),
    (("原因",), (), "ground"),
    (("得分",), (), "score"),
    (("分数",), (), "score"),
    (("等次",), (), "grade"),
    (("考核", "结果"), (), "grade"),
    (("年度",), (), "year"),
    (("职称",), (), "leader_title"),
    (("类型",), ("支出", "费用", "收支"), "type"),
    (("批次",), (), "batch"),
    (("领衔人",), (), "leader"),
    (("单位",), (), "unit"),
    (("工作室",), (), "name"),
    (("用途",), (), "category"),
    (("科目",), (), "category"),
    (("收入",), (), "income"),
    (("拨款",), (), "income"),
    (("支出", "金额"), (), "expense"),
    # 经费支出, 实际支出, 本期支出 …: an amount; 支出类别, 支出日期 … are caught above or below.
    (
        ("支出",),
        ("类别", "用途", "日期", "时间", "类型", "项目", "科目", "内容", "事项", "说明", "范围"),
        "expense",
    ),
    (("金额",), (), "amount"),
    (("拨付",), ("日期", "时间", "单位"), "income"),
    (("拨入",), ("日期", "时间", "单位"), "income"),
    (("到账",), ("日期", "时间"), "income"),
    (("报销",), ("日期", "时间", "人"), "expense"),
    (("额",), ("余额", "限额", "定额", "额度", "预算"), "amount"),  # 发生额, 开支额 …
    (("日期",), (), "date"),
    (("时间",), (), "date"),  # 拨付时间, 报销时间 …
    (("摘要",), (), "description"),
    (("备注",), (), "note"),
)

_ALL_VARIANTS = {variant: name for name, variants in VARIANTS.items() for variant in variants}
_LISTED = ("exact", "variant")  # a header found in VARIANTS as written
FUZZY_CUTOFF = 82
HEADER_SCAN_ROWS = 40
MIN_HEADER_FIELDS = 2

# Shown in messages: what a field is called in the analyst's language.
FIELD_LABELS = {
    "unit": "所在单位",
    "name": "创新工作室名称",
    "name_leader": "创新工作室及领衔人",
    "leader": "领衔人",
    "leader_title": "职称（技术等级）",
    "type": "类型",
    "batch": "批次",
    "stage": "阶段",
    "named_on": "命名时间",
    "achievements": "主要创新成果",
    "honours": "领衔人主要荣誉",
    "remarks": "备注",
    "year": "年度",
    "score": "考核得分",
    "grade": "考核等次",
    "revoked_on": "撤销时间",
    "ground": "撤销原因",
    "reason": "撤销原因",
    "entry_date": "日期",
    "direction": "收支",
    "category": "支出类别",
    "amount": "金额",
    "income": "收入（拨款）",
    "expense": "支出",
    "description": "摘要",
    "debit": "借方",
    "credit": "贷方",
}


@dataclass
class HeaderCell:
    column: int  # 0-based column index in the sheet
    text: str  # the header as written (trimmed)
    field: str | None  # None: not recognised
    scale: float = 1.0  # 10,000 for a header in 万元
    how: str = "exact"  # exact | variant | rule | fuzzy | manual (see match_header)
    hidden: bool = False  # a hidden column: a visible one naming the same field comes first
    score: float | None = None  # a fuzzy match's score (0–100)


@dataclass
class Header:
    row: int  # the header's row number (1-based, as in Excel)
    rows_used: int  # 1, or 2 for a two-line header
    cells: list[HeaderCell] = field(default_factory=list)

    def fields(self) -> dict[str, HeaderCell]:
        """Field → its first visible column (else its first hidden one); duplicates left out."""
        found: dict[str, HeaderCell] = {}
        for cell in sorted(self.cells, key=lambda c: c.hidden):  # stable: visible ones first
            if cell.field and cell.field not in found and cell.field != "seq":
                found[cell.field] = cell
        return found


def fold_header(raw: str) -> tuple[str, float]:
    """'金额\\n（万元）' → ('金额', 10000.0); '领衔人主要荣誉 （限5项以内）' → ('领衔人主要荣誉', 1)."""
    folded = unicodedata.normalize("NFKC", raw)
    folded = re.sub(r"\s+", "", folded).lower()
    scale = 10_000.0 if "万元" in folded else 1.0
    folded = re.sub(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|<[^<>]*>", "", folded)
    folded = folded.strip("*:：.。、")
    folded = folded.replace("/", "").replace("、", "")
    return folded, scale


def match_header(raw: str) -> tuple[str | None, str, float | None]:
    """A header text → (field, how, fuzzy score) or (None, '', None).

    how: "exact" (the template's header), "variant" (another listed way of writing it), "rule"
    (a keyword rule: 经费支出 …), "fuzzy" (a typo, with rapidfuzz's score 0–100).
    """
    folded, _ = fold_header(raw)
    if not folded or len(folded) > 30:
        return None, "", None
    if folded in _ALL_VARIANTS:
        name = _ALL_VARIANTS[folded]
        return name, "exact" if folded == VARIANTS[name][0] else "variant", None
    for all_of, none_of, name in _RULES:
        if all(word in folded for word in all_of) and not any(word in folded for word in none_of):
            return name, "rule", None
    best = process.extractOne(
        folded, list(_ALL_VARIANTS), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
    )
    if best is not None:
        return _ALL_VARIANTS[best[0]], "fuzzy", round(float(best[1]), 1)
    return None, "", None


def _row_cells(values: list[object]) -> list[HeaderCell]:
    cells = []
    for column, value in enumerate(values):
        if not isinstance(value, str):
            continue  # headers are text; numbers and dates in a row mean data
        raw = text(value)
        if raw is None:
            continue
        name, how, score = match_header(raw)
        cells.append(HeaderCell(column, raw, name, fold_header(raw)[1], how, score=score))
    return cells


def _score(cells: list[HeaderCell]) -> int:
    return len({c.field for c in cells if c.field and c.field != "seq"})


def mark_hidden(header: Header, hidden_columns: set[int]) -> None:
    for cell in header.cells:
        cell.hidden = cell.column in hidden_columns


def find_header(frame: pd.DataFrame) -> Header | None:
    """The row among the first lines whose cells name the most distinct fields (at least two)."""
    best: tuple[int, int, list[HeaderCell]] | None = None
    for position in range(min(HEADER_SCAN_ROWS, len(frame))):
        values = frame.iloc[position].tolist()
        cells = _row_cells(values)
        score = _score(cells)
        if score >= MIN_HEADER_FIELDS and (best is None or score > best[1]):
            best = (position, score, cells)
    if best is None:
        return None
    position, _, cells = best
    header = Header(row=int(frame.index[position]), rows_used=1, cells=cells)
    _merge_second_line(frame, position, header)
    if header.rows_used == 1:
        _merge_line_above(frame, position, header)
    return header


def _merge_line_above(frame: pd.DataFrame, position: int, header: Header) -> None:
    """A two-line header whose upper line holds some names alone (工作室名称 | 日期 | 经费 over
    收入 | 支出, nothing merged): the lower line scored best; add the upper line's names above
    its empty cells."""
    if position == 0:
        return
    values = frame.iloc[position - 1].tolist()
    if any(v is not None and not isinstance(v, str) for v in values):
        return
    taken = {cell.column for cell in header.cells}
    have = {cell.field for cell in header.cells}
    above = [c for c in _row_cells(values) if c.column not in taken and c.how in _LISTED]
    if not any(c.field not in have and c.field != "seq" for c in above):
        return
    header.cells = sorted(header.cells + above, key=lambda c: c.column)
    header.row = int(frame.index[position - 1])
    header.rows_used = 2


def _merge_second_line(frame: pd.DataFrame, position: int, header: Header) -> None:
    """A two-line header (经费 over 收入 | 支出): take the lower line's names where it has them."""
    if position + 1 >= len(frame):
        return
    values = frame.iloc[position + 1].tolist()
    if any(v is not None and not isinstance(v, str) for v in values):
        return
    below = _row_cells(values)
    if not below or any(cell.how not in _LISTED for cell in below):
        return
    by_column = {cell.column: cell for cell in header.cells}
    # The lower line must add something: a name under an empty or unrecognised upper cell.
    if not any(by_column.get(c.column) is None or by_column[c.column].field is None for c in below):
        return
    for cell in below:
        by_column[cell.column] = cell
    header.cells = [by_column[c] for c in sorted(by_column)]
    header.rows_used = 2


def apply_overrides(header: Header, overrides: dict[str, str | None]) -> None:
    """Fix a mapping by hand: header text as written → field name (None: ignore the column)."""
    for cell in header.cells:
        if cell.text in overrides:
            cell.field = overrides[cell.text]
            cell.how = "manual"
            cell.score = None
