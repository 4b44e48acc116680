"""The demo data set: a deterministic, made-up world of units, studios, results and money.

Everything is drawn from one seeded random generator, so every run (and every test) sees the same
figures. The data is fictional: the dashboard says so on every page while it shows it.
"""

from __future__ import annotations

import random
from datetime import date

import duckdb
import pandas as pd

from labstudio import db, store
from labstudio.domain import ALLOWED_USES, STANDARD_GRANT, TYPES

SEED = 20220506  # the notice's date

UNITS = (
    "青岛市市立医院",
    "青岛市中心医院",
    "青岛市海慈医疗集团",
    "青岛市第三人民医院",
    "青岛市第六人民医院",
    "青岛市第八人民医院",
    "青岛市胸科医院",
    "青岛市妇女儿童医院",
    "青岛市精神卫生中心",
    "青岛市口腔医院",
    "青岛市疾病预防控制中心",
    "青岛市急救中心",
)

# Batch number → the year its studios were confirmed (the third batch is the 2022 notice).
BATCH_YEARS = {1: 2019, 2: 2020, 3: 2022}
BATCH_SIZES = {1: 18, 2: 20, 3: 22}
ASSESSMENT_YEARS = range(2020, 2026)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉宁波鹏飞"
SPECIALTIES = {
    "技术创新型": (
        "微创介入",
        "精准放疗",
        "心脏康复",
        "内镜诊疗",
        "检验技术",
        "智慧影像",
        "疼痛治疗",
    ),
    "服务创新型": ("护理服务", "急救服务", "母婴健康", "社区慢病", "互联网诊疗", "志愿服务"),
    "管理创新型": ("医院管理", "质量控制", "药事管理", "院感防控", "绩效管理", "后勤保障"),
}
TITLES = ("正高级", "正高级", "副高级", "副高级", "中级", "高级技师")
HONOURS = (
    "青岛市劳动模范",
    "山东省五一劳动奖章",
    "青岛市拔尖人才",
    "青岛市工匠",
    "国务院政府特殊津贴专家",
    "富民兴鲁劳动奖章",
    "青岛市优秀共产党员",
    "山东省卫生健康系统先进个人",
)
EXPENSE_TEXT = {
    "设备购置": ("购置教学模型", "购置便携式超声探头", "购置实训设备"),
    "项目研究": ("课题检测试剂", "项目数据采集", "专利申请代理费"),
    "培训学习": ("外出培训进修", "参加全国学术会议", "技能培训课程"),
    "创新成果宣传推广": ("成果宣传册印制", "科普视频制作", "宣传展板"),
    "办公条件改善": ("工作室办公家具", "会议室投影设备", "资料柜"),
}
DISALLOWED_TEXT = ("来访专家接待餐费", "团队聚餐", "节日福利购物卡", "外出住宿费")


def _leader(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        if name not in used:
            used.add(name)
            return name


def _grade(score: float) -> str:
    if score >= 90:
        return "优秀"
    if score >= 60:
        return "合格"
    return "不合格"


def build() -> store.Staged:
    """The demo world as staged rows, ready for store.commit()."""
    rng = random.Random(SEED)
    used: set[str] = set()
    studios, assessments, revocations, ledger = [], [], [], []

    for batch, size in BATCH_SIZES.items():
        confirmed_year = BATCH_YEARS[batch]
        for _ in range(size):
            unit = rng.choice(UNITS)
            type_ = rng.choices(TYPES, weights=(5, 3, 2))[0]
            leader = _leader(rng, used)
            name = f"{leader}{rng.choice(SPECIALTIES[type_])}创新工作室"
            if rng.random() < 0.35:
                name = f"{leader}劳模创新工作室"
            honours = rng.sample(HONOURS, k=rng.choice((1, 2, 2, 3, 4)))
            studios.append(
                {
                    "unit": unit,
                    "name": name,
                    "leader": leader,
                    "leader_title": rng.choice(TITLES),
                    "type": type_,
                    "batch": batch,
                    "stage": "委级命名",
                    "named_on": date(confirmed_year + 1, 3, rng.randint(1, 28)),
                    "achievements": (
                        f"{confirmed_year - 1}年获国家发明专利{rng.randint(1, 3)}项；"
                        f"{confirmed_year - 2}年获青岛市科技进步{rng.choice('一二三')}等奖。"
                    ),
                    "honours": honours,
                    "remarks": None,
                }
            )

    # A few studios tell the rest of the life cycle: one over the honours limit, some put
    # forward to the unions, the newest only confirmed and not yet named.
    studios[3]["honours"] = list(HONOURS[:7])
    for row in studios[:4]:
        row["stage"] = "推荐市总工会"
    studios[5]["stage"] = "推荐省医务工会"
    for row in studios[-3:]:
        row["stage"] = "创建管理"
        row["named_on"] = None
    studios[-1]["type"] = None  # a roster line where the type was left blank

    failures: dict[int, int] = {}  # studio index → year failed
    for index, studio in enumerate(studios):
        first_year = BATCH_YEARS[studio["batch"]] + 1
        for year in ASSESSMENT_YEARS:
            if year < first_year or (index in failures and year > failures[index]):
                continue
            score = round(min(99.0, max(40.0, rng.gauss(84, 6))), 1)
            if rng.random() < 0.02 and index not in failures:
                score = round(rng.uniform(48, 59), 1)
            grade = _grade(score)
            if grade == "不合格":
                failures[index] = year
            assessments.append(
                {
                    "unit": studio["unit"],
                    "studio": studio["name"],
                    "year": year,
                    "score": score,
                    "grade": grade,
                    "remarks": None,
                }
            )

    # Every failure is grounds for revocation; all but the latest one were acted on.
    latest_failure = max(failures, key=lambda i: (failures[i], i), default=None)
    for index, year in sorted(failures.items()):
        if index == latest_failure:
            continue
        studio = studios[index]
        revocations.append(
            {
                "unit": studio["unit"],
                "studio": studio["name"],
                "revoked_on": date(year + 1, 2, rng.randint(1, 28)),
                "ground": "年度考核不合格",
                "reason": f"{year}年度考核不合格",
            }
        )
    revoked = set(failures)
    others = [i for i in range(len(studios)) if i not in revoked]
    for ground, reason in (
        ("严重医疗事故", "发生一级医疗事故，经鉴定负主要责任"),
        ("严重违反医德医风", "领衔人收受患者红包，违反医德医风规定"),
        ("其他", "领衔人调离本单位，工作室无法继续运行"),
    ):
        index = others.pop(rng.randrange(len(others)))
        studio = studios[index]
        revocations.append(
            {
                "unit": studio["unit"],
                "studio": studio["name"],
                "revoked_on": date(rng.choice((2023, 2024, 2025)), rng.randint(1, 12), 15),
                "ground": ground,
                "reason": reason,
            }
        )

    over_budget = others[0]
    for index, studio in enumerate(studios):
        if studio["stage"] == "创建管理":
            continue  # the grant comes with the commission-level name
        named = studio["named_on"]
        base = {"unit": studio["unit"], "studio": studio["name"]}
        ledger.append(
            base
            | {
                "entry_date": named,
                "direction": "grant",
                "category": None,
                "amount": STANDARD_GRANT,
                "description": "市医务工会创新工作室经费资助",
            }
        )
        budget = STANDARD_GRANT * (1.18 if index == over_budget else rng.uniform(0.45, 0.95))
        spent = 0.0
        while True:
            use = rng.choice(ALLOWED_USES)
            amount = round(rng.uniform(300, 2600), 2)
            if spent + amount > budget:
                break
            spent += amount
            year = rng.randint(named.year, 2025)
            ledger.append(
                base
                | {
                    "entry_date": date(year, rng.randint(1, 12), rng.randint(1, 28)),
                    "direction": "expense",
                    "category": use,
                    "amount": amount,
                    "description": rng.choice(EXPENSE_TEXT[use]),
                }
            )
        if rng.random() < 0.1:
            ledger.append(
                base
                | {
                    "entry_date": date(rng.randint(named.year, 2025), rng.randint(1, 12), 10),
                    "direction": "expense",
                    "category": "不允许的支出",
                    "amount": round(rng.uniform(200, 1500), 2),
                    "description": rng.choice(DISALLOWED_TEXT),
                }
            )

    return store.Staged(
        studios=pd.DataFrame(studios),
        assessments=pd.DataFrame(assessments),
        revocations=pd.DataFrame(revocations),
        ledger=pd.DataFrame(ledger),
    )


class NotEmpty(Exception):
    pass


def load(con: duckdb.DuckDBPyConnection) -> store.CommitResult:
    """Load the demo into an empty database, in one transaction, as a 'demo' history entry."""
    with db.write(con) as cur:
        existing = db.fetch_one(cur, "SELECT count(*) FROM studios")[0]
        if existing:
            raise NotEmpty(
                f"数据库里已有 {existing} 个工作室，演示数据只能载入空数据库。"
                "如需演示，请用 --db 指定一个新的数据库文件。"
            )
        return store.commit(cur, build(), action="demo", files=["演示数据"], sha256=[])
