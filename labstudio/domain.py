"""The notice 青卫办函〔2022〕40号 as constants: types, grades, grounds, allowed uses of the grant."""

from __future__ import annotations

import re
import unicodedata

TYPES: tuple[str, ...] = ("技术创新型", "服务创新型", "管理创新型")
UNTYPED = "未分类"

GRADES: tuple[str, ...] = ("优秀", "合格", "不合格")
PASSING_GRADES: tuple[str, ...] = ("优秀", "合格")

# Section 四(四): exactly four grounds, shortened as the summary contract names them.
GROUNDS: tuple[str, ...] = ("年度考核不合格", "严重医疗事故", "严重违反医德医风", "其他")

# Section 四(三): what the 10,000 yuan may be spent on; everything else is 不允许的支出.
ALLOWED_USES: tuple[str, ...] = (
    "设备购置",
    "项目研究",
    "培训学习",
    "创新成果宣传推广",
    "办公条件改善",
)
DISALLOWED = "不允许的支出"
CATEGORIES: tuple[str, ...] = (*ALLOWED_USES, DISALLOWED)

# The grant each commission-level studio gets from the city medical trade union, in yuan.
STANDARD_GRANT = 10_000

STAGES: tuple[str, ...] = ("创建管理", "委级命名", "推荐市总工会", "推荐省医务工会")

MAX_HONOURS = 5

_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}


def normalise_text(value: str) -> str:
    """Fold full-width forms to half-width and drop all white space, for matching names."""
    folded = unicodedata.normalize("NFKC", value)
    return re.sub(r"\s+", "", folded)


def parse_batch(value: object) -> int | None:
    """第三批, 三, 3, '3', 3.0 → 3; anything else → None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value > 0 else None
    text = normalise_text(str(value))
    match = re.fullmatch(r"第?(\d+)批?(次)?", text)
    if match:
        number = int(match.group(1))
        return number if number > 0 else None
    match = re.fullmatch(r"第?([一二三四五六七八九十])批?(次)?", text)
    if match:
        return _CN_DIGITS[match.group(1)]
    return None


def batch_label(batch: int | None) -> str:
    """3 → 第三批; the inverse of parse_batch for the numbers a notice uses."""
    if batch is None:
        return "未知批次"
    names = {number: digit for digit, number in _CN_DIGITS.items()}
    return f"第{names.get(batch, str(batch))}批"


def parse_type(value: object) -> str | None:
    """技术创新 / 技术创新型 / 技术 → 技术创新型; unknown → None."""
    if value is None:
        return None
    text = normalise_text(str(value))
    if not text:
        return None
    for canonical in TYPES:
        stem = canonical[:2]
        if text in (canonical, canonical[:-1], stem) or text.startswith(stem):
            return canonical
    return None
