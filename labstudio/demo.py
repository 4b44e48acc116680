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


# ---------------------------------------------------------------------------- 申报初审 demo
# A fourth batch of applications (made up, like everything here), of all three types: some that
# pass, some that fail, some that need a person. Saved as screened; most recommended by their
# unit, one declined, none confirmed yet (so the dashboards' studios stay as above).

FOURTH_BATCH = 4
FOURTH_BATCH_APPLIED_ON = date(2025, 5, 20)
FOURTH_BATCH_FILE = "演示数据：第四批申报汇总表"
# (unit, studio, leader, title, type, 主要创新成果, 领衔人主要荣誉)
APPLICATIONS: tuple[tuple[str, str, str, str, str | None, str, str], ...] = (
    (
        UNITS[0],
        "刘晓东智慧影像创新工作室",
        "刘晓东",
        "主任医师",
        "技术创新型",
        "2023年获青岛市科技进步二等奖（排名第一）；2024年获国家发明专利1项（ZL202310456789.2）",
        "2021年青岛市劳动模范；2023年青岛市拔尖人才",
    ),
    (
        UNITS[1],
        "孙静精准检验创新工作室",
        "孙静",
        "副主任技师",
        "技术创新型",
        "2023年获青岛市职工优秀技术创新成果奖；2024年获国家发明专利1项",
        "山东省五一劳动奖章",
    ),
    (
        UNITS[5],
        "周涛疼痛微创创新工作室",
        "周涛",
        "副主任医师",
        "技术创新型",
        "2020年获青岛市科技进步二等奖；2023年获实用新型专利4项",
        "青岛市劳动模范",
    ),
    (
        UNITS[2],
        "郑华心脏康复创新工作室",
        "郑华",
        "主任医师",
        "技术创新型",
        "2024年获山东省科技进步三等奖；2023年获国家发明专利1项",
        "青岛工匠",
    ),
    (
        UNITS[6],
        "高磊呼吸介入创新工作室",
        "高磊",
        "主任医师",
        "技术创新型",
        "2022年获青岛市科技进步一等奖；发表SCI论文6篇",
        "2018年青岛市劳动模范",
    ),
    (
        UNITS[3],
        "马丽内镜诊疗创新工作室",
        "马丽",
        "副主任医师",
        "技术创新型",
        "2024年获青岛市技术发明奖二等奖",
        "李沧区劳动模范；青岛市优秀共产党员",
    ),
    (
        UNITS[7],
        "何静母胎医学创新工作室",
        "何静",
        "主任医师",
        "技术创新型",
        "2023年获中华医学科技奖三等奖；2024年获国家专利2项",
        "青岛市三八红旗手",
    ),
    (
        UNITS[9],
        "罗鹏数字化种植创新工作室",
        "罗鹏",
        "正高级",
        "技术创新型",
        "2022年10月获青岛市科技进步一等奖；2024年获国家发明专利2项（ZL202410123456.1、ZL202410654321.7）",
        "享受国务院政府特殊津贴专家",
    ),
    (
        UNITS[0],
        "王芳暖心护理服务创新工作室",
        "王芳",
        "主任护师",
        "服务创新型",
        "打造“暖心护理”服务品牌，2023年获评青岛市优质护理服务品牌；开通互联网护理服务平台",
        "全国五一劳动奖章；青岛市劳动模范",
    ),
    (
        UNITS[11],
        "徐强急救服务创新工作室",
        "徐强",
        "副高级",
        "服务创新型",
        "创建“5分钟急救圈”服务品牌",
        "青岛市优秀共产党员；青岛市卫生健康系统先进个人",
    ),
    (
        UNITS[4],
        "林娜肝病关爱服务创新工作室",
        "林娜",
        "主任医师",
        "服务创新型",
        "“肝胆相照”患者关爱服务品牌",
        "青岛市先进工作者",
    ),
    (
        UNITS[8],
        "赵敏心理援助服务创新工作室",
        "赵敏",
        "副主任医师",
        "服务创新型",
        "开通24小时心理援助热线，年服务来电1.2万人次",
        "山东省富民兴鲁劳动奖章",
    ),
    (
        UNITS[10],
        "宋杰预防接种服务创新工作室",
        "宋杰",
        "主任医师",
        "服务创新型",
        "“接种小助手”互联网预约服务",
        "青岛市劳动模范；青岛市拔尖人才；青岛工匠；山东省五一劳动奖章；青岛市优秀共产党员；"
        "青岛市三八红旗手",
    ),
    (
        UNITS[1],
        "韩梅医路同行志愿服务创新工作室",
        "韩梅",
        "中级",
        "服务创新型",
        "“医路同行”志愿服务品牌",
        "",
    ),
    (
        UNITS[0],
        "曹军绩效管理创新工作室",
        "曹军",
        "研究员",
        "管理创新型",
        "2023年获青岛市医院管理创新成果一等奖；绩效改革方案在全市推广",
        "青岛市拔尖人才",
    ),
    (
        UNITS[5],
        "袁伟后勤保障管理创新工作室",
        "袁伟",
        "高级工程师",
        "管理创新型",
        "2024年获院级管理创新奖；后勤一站式服务改革",
        "青岛工匠",
    ),
    (
        UNITS[2],
        "邓红药事管理创新工作室",
        "邓红",
        "主任药师",
        "管理创新型",
        "2024年入选全国医院药事管理优秀案例",
        "青岛市劳动模范",
    ),
    (
        UNITS[6],
        "许明院感防控管理创新工作室",
        "许明",
        "主任医师",
        "管理创新型",
        "2023年获山东省卫生健康管理创新奖二等奖",
        "2020年山东省劳动模范",
    ),
    (
        UNITS[9],
        "彭亮质量控制管理创新工作室",
        "彭亮",
        "副主任医师",
        "管理创新型",
        "2021年获青岛市管理创新成果二等奖",
        "青岛市拔尖人才",
    ),
    (
        UNITS[3],
        "吕洋康复治疗创新工作室",
        "吕洋",
        "副主任治疗师",
        None,
        "2024年获青岛市科技进步二等奖",
        "青岛市劳动模范",
    ),
)
# Rows (0-based) without a decision yet, and the one the commission declined (with why).
UNDECIDED = (4, 6, 13, 16, 19)
DECLINED = (5, "领衔人为区级劳模，职称副高级，不符合通知二(二)的领衔人条件")


def fourth_batch():
    """The fourth batch's applications, screened as `python -m labstudio screen` would."""
    from labstudio.importer.values import split_honours
    from labstudio.screening import ScreenedApplication, screen_row
    from labstudio.screening.reading import ApplicationRow

    screened = []
    for number, (unit, studio, leader, title, type_, achievements, honours) in enumerate(
        APPLICATIONS
    ):
        row = ApplicationRow(
            file=FOURTH_BATCH_FILE,
            sheet="附件2",
            row=number + 5,  # under the 附件2 title and header lines
            unit=unit,
            studio=studio,
            leader=leader,
            leader_title=title,
            type=type_,
            type_written=None,
            batch=FOURTH_BATCH,
            batch_from="演示数据",
            achievements=achievements,
            honours=split_honours(honours) or [],
        )
        screened.append(ScreenedApplication(row, screen_row(row, FOURTH_BATCH_APPLIED_ON)))
    return screened


def _load_fourth_batch(cur: duckdb.DuckDBPyConnection, demo_entry: int) -> None:
    """The fourth batch and its decisions, as part of the demo's own history entry."""
    from labstudio.screening import records

    screened = fourth_batch()
    saved = store.save_applications(
        cur,
        pd.DataFrame([records.record(a) for a in screened]),
        files=[FOURTH_BATCH_FILE],
        sha256=[],
        report={},
        part_of=demo_entry,
    )
    ids = [
        int(r[0])
        for r in cur.execute(
            "SELECT application_id FROM applications WHERE import_id = ? ORDER BY application_id",
            [saved],
        ).fetchall()
    ]
    for number, application in enumerate(screened):
        if number in UNDECIDED:
            continue
        name = f"{application.row.unit} {application.row.studio}"
        store.record_decision(
            cur,
            ids[number],
            records.RECOMMENDED,
            note=None,
            user_name="演示数据",
            description=f"申报初审：{records.RECOMMENDED} {name}",
            part_of=demo_entry,
        )
        if number == DECLINED[0]:
            store.record_decision(
                cur,
                ids[number],
                records.DECLINED,
                note=DECLINED[1],
                user_name="演示数据",
                description=f"申报初审：{records.DECLINED} {name}",
                part_of=demo_entry,
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
        result = store.commit(cur, build(), action="demo", files=["演示数据"], sha256=[])
        _load_fourth_batch(cur, result.import_id)
        return result
