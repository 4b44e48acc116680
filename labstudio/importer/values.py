"""Cell values as people type them → canonical values.

Every parser takes one cell value (str, int, float, date … or None) and returns the canonical value,
None for an empty cell, or raises ValueError when the text cannot be understood. The pipeline
applies them once per distinct value of a column (`map_column`), so a 300,000-line ledger costs
one call per distinct amount or date, not per line.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

from labstudio.domain import (
    ALLOWED_USES,
    DISALLOWED,
    GRADES,
    STAGES,
    normalise_text,
    parse_batch,
    parse_type,
)
from labstudio.importer.years import arabic

# The rule a grade should follow from a score (warnings only: the analyst's grade is kept).
GRADE_RULE = "考核得分 90 分及以上为优秀，60 分至 90 分（不含 90）为合格，60 分以下为不合格"
EXCELLENT_FROM = 90.0
PASS_FROM = 60.0

# The notice of 2022 opens the third batch: a "batch" far beyond that is something else (a year).
MAX_BATCH = 50

# Excel serial day 0 (the 1900 leap-year bug makes 1899-12-30 the working epoch).
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serials accepted as dates: 1955-01-01 … 2118-12-31; other numbers in a date column are errors.
SERIAL_MIN, SERIAL_MAX = 20090, 80000


class Bad:
    """Marks a value that could not be read (kept apart from None, which means empty)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


def text(value: object) -> str | None:
    """A cell as trimmed text; None when empty. 3.0 → '3'.

    In front only spaces and line breaks are trimmed: a leading tab or apostrophe is kept as
    written (a tab or ' before "=" is how a file keeps a formula-like text from running; the
    exports quote such text again). Matching folds all white space away, so names still match.
    """
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    result = str(value).replace("\u3000", " ").lstrip(" \r\n").rstrip()
    return result if result.strip() else None


@functools.lru_cache(maxsize=1 << 16)
def fold(value: str) -> str:
    """Full-width → half-width, white space removed: the form names are compared in.

    Remembered: the same unit and studio names are folded again by every check and every sheet.
    """
    return normalise_text(value)


# What analysts write in a cell they mean to leave empty: a dash, a slash, 无 (folded forms).
PLACEHOLDERS = frozenset(
    {"-", "--", "---", "—", "——", "–", "――", "―", "─", "/", "//", "\\", "无", "暂无", "n/a"}
)


def is_placeholder(value: object) -> bool:
    """'—', ' / ', '－', '无' …: a cell left empty on purpose."""
    return isinstance(value, str) and fold(value).lower() in PLACEHOLDERS


# (codes, distinct values) of a column: codes[i] is the position of row i's value, -1 when empty.
Distinct = tuple[np.ndarray, np.ndarray]

# infer_dtype answers for columns without a single text cell (parsers see no str there).
NO_TEXT_KINDS = frozenset(
    {
        "empty",
        "floating",
        "integer",
        "mixed-integer-float",
        "decimal",
        "boolean",
        "date",
        "datetime",
        "datetime64",
        "time",
        "timedelta",
        "timedelta64",
    }
)


def distinct_of(series: pd.Series) -> Distinct:
    """(codes, distinct values): codes[i] is the position of row i's value, -1 when empty."""
    return pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)


def has_text(series: pd.Series) -> bool:
    """Whether a column may hold a text cell (False: only numbers, dates … or empty cells)."""
    kind = pd.api.types.infer_dtype(series.to_numpy(dtype=object), skipna=True)
    return kind not in NO_TEXT_KINDS


def distinct_flags(
    series: pd.Series, predicate: Callable[[object], bool], distinct: Distinct | None = None
) -> np.ndarray:
    """bool(predicate(value)) per row, called once per distinct value; False for empty cells."""
    codes, uniques = distinct if distinct is not None else distinct_of(series)
    flags = np.zeros(len(uniques) + 1, dtype=bool)  # the last slot answers code -1 (empty)
    for number, value in enumerate(uniques):
        try:
            flags[number] = bool(predicate(value))
        except ValueError:  # as map_column would have it: a Bad value, which is truthy
            flags[number] = True
    return flags.take(codes)


def select_distinct(distinct: Distinct, rows: np.ndarray) -> Distinct:
    """The codes of the chosen rows (a boolean mask), with the values no chosen row holds left out."""
    codes, uniques = distinct
    codes = codes[rows]
    used = np.bincount(codes + 1, minlength=len(uniques) + 1)[1:] > 0
    if used.all():
        return codes, uniques
    renumber = np.full(len(uniques) + 1, -1, dtype=codes.dtype)
    renumber[:-1][used] = np.arange(int(used.sum()), dtype=codes.dtype)
    return renumber.take(codes), uniques[used]


def _apply(
    series: pd.Series, parser: Callable[[object], object], distinct: Distinct | None = None
) -> tuple[pd.Series, pd.Series]:
    codes, uniques = distinct if distinct is not None else distinct_of(series)
    results = np.empty(len(uniques) + 1, dtype=object)  # the last slot answers code -1 (empty)
    bad = np.zeros(len(uniques) + 1, dtype=bool)
    for number, value in enumerate(uniques):
        try:
            result = parser(value)
        except ValueError as exc:
            result = Bad(str(exc))
            bad[number] = True
        else:
            if isinstance(result, float) and math.isnan(result):
                result = None
        results[number] = result
    return (
        pd.Series(results.take(codes), index=series.index, dtype=object),
        pd.Series(bad.take(codes), index=series.index, dtype=bool),
    )


def map_column(
    series: pd.Series, parser: Callable[[object], object], distinct: Distinct | None = None
) -> pd.Series:
    """Apply `parser` once per distinct value; failures become Bad(reason).

    `distinct`: the column's (codes, distinct values) when already known.
    """
    return _apply(series, parser, distinct)[0]


def map_parts(
    series: pd.Series,
    parser: Callable[[object], tuple],
    count: int,
    distinct: Distinct | None = None,
) -> list[pd.Series]:
    """A parser giving a tuple of `count` values, once per distinct value → `count` columns."""
    codes, uniques = distinct if distinct is not None else distinct_of(series)
    parts = np.full((count, len(uniques) + 1), None, dtype=object)
    for number, value in enumerate(uniques):
        for position, result in enumerate(parser(value)):
            parts[position, number] = result
    return [pd.Series(part.take(codes), index=series.index, dtype=object) for part in parts]


def parse_column(
    series: pd.Series, parser: Callable[[object], object], distinct: Distinct | None = None
) -> tuple[pd.Series, pd.Series]:
    """`map_column` and the mask of the cells that could not be read (Bad), at once.

    Columns that are all numbers (scores, amounts) skip the per-value parser: what it would
    return for them is known, and a ledger has 300,000 distinct amounts.
    """
    fast = _FAST.get(parser)
    if fast is not None:
        kind = pd.api.types.infer_dtype(series.to_numpy(dtype=object), skipna=True)
        if kind == "empty":
            # Not pd.Series(None, …): pandas 3 fills that with NaN, which is not "empty" here.
            none = pd.Series(np.full(len(series), None, dtype=object), index=series.index)
            return none, pd.Series(False, index=series.index, dtype=bool)
        if kind in fast:
            return fast[kind](series), pd.Series(False, index=series.index, dtype=bool)
    return _apply(series, parser, distinct)


def _as_floats(series: pd.Series) -> pd.Series:
    numbers = series.to_numpy(dtype=object)
    empty = pd.isna(numbers)
    values = np.where(empty, 0.0, numbers).astype(np.float64).astype(object)
    values[empty] = None
    return pd.Series(values, index=series.index, dtype=object)


def is_bad(series: pd.Series) -> pd.Series:
    return series.map(lambda v: isinstance(v, Bad)).astype(bool)


# ---------------------------------------------------------------------------- numbers


def _number_text(value: object) -> str:
    raw = text(value)
    if raw is None:
        raise ValueError("empty")
    return "".join(unicodedata.normalize("NFKC", raw).split())  # a tab in front too


def parse_score(value: object) -> float | None:
    """88, '88分', '92.5', '92.5 分' → float; range is checked by the validator."""
    if text(value) is None:
        return None
    if isinstance(value, bool):
        raise ValueError("不是数字")
    if isinstance(value, int | float):
        return float(value)
    cleaned = _number_text(value)
    match = re.fullmatch(r"([-+]?\d+(?:\.\d+)?)分?", cleaned)
    if not match:
        raise ValueError("不是可识别的分数")
    return float(match.group(1))


def parse_money(value: object) -> float | None:
    """1200, '1,200.00', '¥800', '￥1,560.00', '0.3万', '800元', '1.2万元' → yuan."""
    if text(value) is None:
        return None
    if isinstance(value, bool):
        raise ValueError("不是金额")
    if isinstance(value, int | float):
        return float(value)
    cleaned = _number_text(value).replace("¥", "").replace("￥", "").replace("RMB", "")
    cleaned = cleaned.replace(",", "").replace("，", "").removeprefix("人民币").removesuffix("整")
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        negative, cleaned = True, cleaned[1:-1]
    match = re.fullmatch(r"([-+]?\d+(?:\.\d+)?)(万元|万|元)?", cleaned)
    if not match:
        raise ValueError("不是可识别的金额")
    amount = float(match.group(1))
    if match.group(2) in ("万", "万元"):
        amount *= 10_000
    return -amount if negative else amount


def money_has_unit(value: object) -> bool:
    """'3000元', '0.3万': an amount that says its unit (a 万元 header does not apply to it)."""
    return isinstance(value, str) and ("元" in value or "万" in value)


def parse_year(value: object) -> int | None:
    """2023, '2023', '2023年', '2023年度', '二〇二三年度' → 2023. A date is refused: in a 年度
    column it is the date of an event (the inspection, the report), not the year assessed."""
    if text(value) is None:
        return None
    if isinstance(value, dt.date):
        raise ValueError("是日期，不是年度")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = re.fullmatch(r"((?:19|20|21)\d{2})(?:年度?)?", arabic(_number_text(value)))
    if not match:
        raise ValueError("不是可识别的年度")
    return int(match.group(1))


def year_in(*texts: str | None) -> int | None:
    """The year a title or file name speaks of: '2023年度考核结果' → 2023."""
    for source in texts:
        if not source:
            continue
        folded = unicodedata.normalize("NFKC", source)
        for pattern in (
            r"((?:19|20)\d{2})\s*年度",
            r"((?:19|20)\d{2})\s*年",
            r"(?<!\d)((?:19|20)\d{2})(?!\d)",
        ):
            match = re.search(pattern, folded)
            if match:
                return int(match.group(1))
    return None


# ---------------------------------------------------------------------------- dates


def parse_date(value: object) -> dt.date | None:
    """Excel dates and serials, 2024-03-20, 2024/3/20, 2024.04.02, 2024年3月20日, 20240320."""
    if text(value) is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError("不是日期")
    if isinstance(value, int | float):
        return _from_number(float(value))
    cleaned = _number_text(value)
    # '2024/03/20 星期三', '2024-03-20（周三）': the weekday adds nothing.
    cleaned = re.sub(r"[(（]?(?:星期|周|礼拜)[一二三四五六日天][)）]?$", "", cleaned)
    match = re.fullmatch(
        r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?(?:T?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?",
        cleaned,
    )
    if match:
        return _date(*map(int, match.groups()))
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?", cleaned)
    if match:  # a month only: the notice's documents often date an act to the month
        return _date(int(match.group(1)), int(match.group(2)), 1)
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", cleaned)
    if match:  # how an English-locale Excel shows dates in CSV: month/day/year
        return _date(int(match.group(3)), int(match.group(1)), int(match.group(2)))
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        return _from_number(float(cleaned))
    raise ValueError("不是可识别的日期")


def _date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError("日期不存在") from exc


def _from_number(number: float) -> dt.date:
    if number.is_integer() and 19000101 <= number <= 21001231:
        digits = str(int(number))
        return _date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    if SERIAL_MIN <= number <= SERIAL_MAX:
        return EXCEL_EPOCH + dt.timedelta(days=int(number))
    raise ValueError("不是可识别的日期")


# ---------------------------------------------------------------------------- words


def parse_grade(value: object) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    folded = fold(raw)
    if folded in GRADES:
        return folded
    aliases = {
        "良好": None,
        "优": "优秀",  # the one-character form of a grade column
        "優秀": "优秀",  # traditional characters (a file typed on a Hong Kong or Taiwan setup)
        "優": "优秀",
        "及格": "合格",
        "称职": "合格",
        "通过": "合格",
        "不及格": "不合格",
        "未通过": "不合格",
    }
    if folded in aliases and aliases[folded] is not None:
        return aliases[folded]
    if "基本" in folded:  # 基本合格 is a grade of its own in some schemes, not the notice's 合格
        raise ValueError("不是可识别的考核等次")
    for grade in ("不合格", "优秀", "合格"):  # 不合格 first: it contains 合格
        if folded.startswith(grade) or folded.endswith(grade):
            return grade
    raise ValueError("不是可识别的考核等次")


def parse_type_value(value: object) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    result = parse_type(raw)
    if result is None:
        raise ValueError("不是可识别的工作室类型")
    return result


def parse_batch_value(value: object) -> int | None:
    raw = text(value)
    if raw is None:
        return None
    result = parse_batch(value if isinstance(value, int | float) else raw)
    if result is None and not isinstance(value, int | float):
        # '（第三批）', '2022年第三批', '第二批（2020年）', '首批': the batch inside a note.
        folded = re.sub(r"[(（\[【][^)）\]】]*[)）\]】]", "", fold(raw)) or fold(raw)
        folded = re.sub(r"(?:19|20)\d{2}年度?", "", folded).strip("()（）[]【】")
        result = 1 if folded in ("首批", "第一批次") else parse_batch(folded)
    if result is None or result > MAX_BATCH:  # 2022 in a batch column is a year, not a batch
        raise ValueError("不是可识别的批次")
    return result


def parse_stage(value: object) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    folded = fold(raw)
    if folded in STAGES:
        return folded
    for keyword, stage in (
        ("省医务工会", "推荐省医务工会"),
        ("市总工会", "推荐市总工会"),
        ("命名", "委级命名"),
        ("创建", "创建管理"),
        ("管理", "创建管理"),
    ):
        if keyword in folded:
            return stage
    raise ValueError("不是可识别的阶段")


_HONOUR_SPLIT = re.compile(r"[\n;；、，,]+")
_HONOUR_NUMBER = re.compile(r"^\s*(?:[(（]?\d{1,2}[)）.、．]|[①②③④⑤⑥⑦⑧⑨⑩])\s*")


def split_honours(value: object) -> list[str] | None:
    """'2019年市劳模；2021年五一劳动奖章' → two items; numbering like '1.' is dropped."""
    raw = text(value)
    if raw is None:
        return None
    items = []
    for part in _HONOUR_SPLIT.split(raw):
        item = _HONOUR_NUMBER.sub("", part).strip().rstrip("。.")
        if item:
            items.append(item)
    return items or None


def split_name_leader(value: object) -> tuple[str | None, str | None]:
    """附件2's combined cell: 'XX创新工作室\\n张伟' or 'XX创新工作室（领衔人：张伟）' → (name, leader)."""
    raw = text(value)
    if raw is None:
        return None, None
    lines = [line.strip() for line in re.split(r"[\r\n]+", raw) if line.strip()]
    if len(lines) >= 2:
        leader = re.sub(r"^(领衔人|带头人|负责人)[:：]\s*", "", " ".join(lines[1:])).strip()
        return lines[0], leader or None
    match = re.fullmatch(
        r"(.+?工作室)\s*[(（/／]?\s*(?:领衔人|带头人|负责人)?[:：]?\s*([^()（）/／]{2,8})?[)）]?",
        raw,
    )
    if match and match.group(2):
        return match.group(1).strip(), match.group(2).strip()
    return raw, None


def studio_name(value: object) -> str | None:
    """The studio name from a cell that may also hold the leader on its second line."""
    return split_name_leader(value)[0]


# ---------------------------------------------------------------------------- grounds, uses

_GROUND_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("年度考核不合格", ("考核不合格", "考核结果不合格", "考核未通过", "考核不达标")),
    ("严重医疗事故", ("医疗事故", "医疗差错", "医疗纠纷")),
    ("严重违反医德医风", ("医德", "医风", "红包", "回扣", "收受", "行风", "违纪")),
)
# '考核结果：不合格', '考核得分低于60分': an assessment word and a failing word, apart.
_FAILED_WORDS = ("不合格", "不达标", "未通过", "未达到", "不及格", "低于60", "低于六十")


def parse_ground(value: object) -> str | None:
    """Free text of a revocation → one of the four grounds ('其他' for everything else)."""
    raw = text(value)
    if raw is None:
        return None
    folded = fold(raw)
    if "考核" in folded and any(word in folded for word in _FAILED_WORDS):
        return "年度考核不合格"
    for ground, keywords in _GROUND_KEYWORDS:
        if folded == ground or any(keyword in folded for keyword in keywords):
            return ground
    if "年度考核" in folded:  # '2023年度考核' alone: the ground is the assessment
        return "年度考核不合格"
    return "其他"


# Checked before the allowed uses: '培训住宿费' is lodging, which the notice does not allow.
_DISALLOWED_KEYWORDS = (
    "接待",
    "招待",
    "宴请",
    "餐",
    "饭",
    "伙食",
    "食宿",
    "住宿",
    "酒店",
    "宾馆",
    "福利",
    "奖金",
    "奖励",
    "补贴",
    "补助",
    "慰问",
    "购物卡",
    "礼品",
    "旅游",
    "娱乐",
    "烟酒",
    "加班费",
    "劳务费",
)
_USE_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("创新成果宣传推广", ("宣传", "推广", "印制", "印刷", "展板", "科普", "宣传册", "视频制作")),
    ("办公条件改善", ("办公", "家具", "装修", "改善", "场地", "桌椅", "资料柜")),
    (
        "培训学习",
        (
            "培训",
            "学习",
            "进修",
            "学术会议",
            "会议",
            "讲座",
            "教材",
            "考察",
            "研修",
            "学术交流",
            "图书",
            "书籍",
            "资料费",
            "注册费",
        ),
    ),
    (
        "项目研究",
        (
            "研究",
            "课题",
            "项目",
            "科研",
            "试剂",
            "实验",
            "专利",
            "检测",
            "调研",
            "论文",
            "耗材",
            "版面费",
            "专著",
            "发表",
        ),
    ),
    (
        "设备购置",
        ("设备", "购置", "采购", "仪器", "器材", "器械", "模型", "电脑", "计算机", "软件"),
    ),
)
_DISALLOWED_WORDS = ("不允许的支出", "不允许", "不合规", "违规支出", "其他", "其它")


def parse_category(value: object) -> str | None:
    """Free text of an expense → one of the five allowed uses, else 不允许的支出."""
    raw = text(value)
    if raw is None:
        return None
    folded = fold(raw)
    if folded in ALLOWED_USES:
        return folded
    if folded in _DISALLOWED_WORDS or any(k in folded for k in _DISALLOWED_KEYWORDS):
        return DISALLOWED
    for use, keywords in _USE_KEYWORDS:
        if any(keyword in folded for keyword in keywords):
            return use
    return DISALLOWED


_GRANT_WORDS = (
    "收入",
    "拨款",
    "拨付",
    "资助",
    "到账",
    "下拨",
    "划拨",
    "经费拨款",
    "入账",
    "拨入",
    "收",
    "income",
    "grant",
)
_EXPENSE_WORDS = ("支出", "支", "付", "报销", "开支", "expense", "费用")


def parse_direction(value: object) -> str | None:
    """收入 / 拨款 → 'grant'; 支出 / 报销 → 'expense'; None when the text says neither."""
    raw = text(value)
    if raw is None:
        return None
    folded = fold(raw).lower()
    if folded in _GRANT_WORDS or any(word in folded for word in _GRANT_WORDS[:-3]):
        return "grant"
    if folded in _EXPENSE_WORDS or any(word in folded for word in _EXPENSE_WORDS[:-3]):
        return "expense"
    return None


# Whole columns whose parse is known without looking at each value (see parse_column):
# pandas' inferred kind of the column → the parsed column.
_NUMBERS = {"floating": _as_floats, "integer": _as_floats, "mixed-integer-float": _as_floats}
_FAST: dict[Callable, dict[str, Callable[[pd.Series], pd.Series]]] = {
    parse_score: _NUMBERS,
    parse_money: _NUMBERS,
}
