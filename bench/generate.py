"""The large data set for the benchmarks, as the xlsx files analysts would bring.

5,000 studios over 250 units, 50,000 assessment rows (ten years), 300,000 ledger lines: written
once into bench/out/ and reused while the generator's version stays the same.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from labstudio.domain import ALLOWED_USES, TYPES

OUT = Path(__file__).resolve().parent / "out"
VERSION = 1
STUDIOS = 5_000
UNITS = 250
YEARS = range(2016, 2026)  # ten years × 5,000 studios = 50,000 assessment rows
LEDGER_LINES = 300_000


def _workbook(path: Path, title: str, header: list[str], rows) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def studio_names() -> list[tuple[str, str]]:
    return [(f"青岛市第{i % UNITS + 1}医院", f"第{i + 1}号创新工作室") for i in range(STUDIOS)]


def build(out: Path = OUT) -> dict[str, Path]:
    """Write the three workbooks (when missing or stale) and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "studios": out / "工作室名单.xlsx",
        "assessments": out / "考核结果.xlsx",
        "ledger": out / "经费台账.xlsx",
    }
    stamp = out / "version.json"
    if (
        stamp.exists()
        and json.loads(stamp.read_text()) == {"version": VERSION}
        and all(p.exists() for p in files.values())
    ):
        return files
    rng = random.Random(7)
    names = studio_names()
    _workbook(
        files["studios"],
        "劳动模范（领军人才）创新工作室名单",
        ["序号", "所在单位", "工作室名称", "领衔人", "职称", "创新类型", "批次"],
        (
            [
                i + 1,
                unit,
                name,
                f"领衔人{i + 1}",
                "正高级",
                rng.choice(TYPES),
                f"第{rng.randint(1, 3)}批",
            ]
            for i, (unit, name) in enumerate(names)
        ),
    )

    def assessment_rows():
        for year in YEARS:
            for unit, name in names:
                score = round(rng.uniform(55, 99), 1)
                grade = "优秀" if score >= 90 else "合格" if score >= 60 else "不合格"
                yield [year, unit, name, score, grade]

    _workbook(
        files["assessments"],
        "创新工作室年度考核结果",
        ["年度", "所在单位", "工作室名称", "考核得分", "考核等次"],
        assessment_rows(),
    )

    def ledger_rows():
        start = date(2016, 1, 1)
        for i in range(LEDGER_LINES):
            unit, name = names[i % STUDIOS]
            when = start + timedelta(days=rng.randint(0, 3650))
            if i < STUDIOS:
                yield [when, unit, name, "拨款", 10000, "", "市医务工会经费资助"]
            else:
                yield [
                    when,
                    unit,
                    name,
                    "支出",
                    round(rng.uniform(10, 300), 2),
                    rng.choice(ALLOWED_USES),
                    "日常支出",
                ]

    _workbook(
        files["ledger"],
        "创新工作室经费台账",
        ["日期", "所在单位", "工作室名称", "收支", "金额（元）", "用途", "摘要"],
        ledger_rows(),
    )
    stamp.write_text(json.dumps({"version": VERSION}))
    return files
