"""The notice's application conditions (青卫办函〔2022〕40号, sections 二 and 三) as tables.

Each table is meant to be read beside the notice: every row names the section it comes from, the
words that identify it in an applicant's cell, and what it does to the verdict. The code in
`labstudio.screening.items` and `labstudio.screening.check` only walks these tables; a change of
the rules is a change of a row here. `rules_table()` lays them out for the page and the README.

Outcomes of one item (a honour, an award, a patent):
- COUNTS: the item meets the condition.
- PERSON: the rules cannot settle it; a reviewer must (the reason says why).
- NO: the item is of the kind the rule looks at, but does not meet it (the reason says why).
"""

from __future__ import annotations

from dataclasses import dataclass

COUNTS, PERSON, NO = "counts", "person", "no"

# Verdicts of a rule and of an application, exactly as cli.md spells them.
MEETS, FAILS, CHECK = "符合", "不符合", "需人工核实"
VERDICTS: tuple[str, ...] = (MEETS, CHECK, FAILS)

LEADER, TYPE, HONOURS_LIMIT = "leader_qualification", "type_conditions", "honours_limit"
RULE_SECTIONS = {LEADER: "二(二)", TYPE: "三", HONOURS_LIMIT: "附件2"}
RULE_NAMES = {
    LEADER: "领衔人条件",
    TYPE: "类型申报条件",
    HONOURS_LIMIT: "荣誉限5项",
}

# The notice's own words, for the checklist and the rules table.
NOTICE: dict[str, str] = {
    "二(一)": "以具备较高理论水平、实践经验、创新能力的劳动模范或领军人才为带头人，以一线技术人才为主体，"
    "积极开展创新突破和协作交流活动，并取得良好经济效益和社会效益的创新团队",
    "二(二)": "至少有一名市级以上劳模或一名高层次人才（拔尖人才、五一劳动奖章获得者、富民兴鲁劳动奖章获得者、"
    "工匠人才、政府特贴人才、突出贡献专家或优秀的正高级专业技术人员）领衔",
    "二(三)": "创新团队专业技术结构、学历结构、年龄结构相对合理，团队协作氛围浓厚",
    "三(一)1": "申报前3年内获得过至少1项市级二等奖（包括科学技术最高奖项、自然科学奖、技术发明奖、科技进步奖、"
    "国际科技合作奖）及以上奖励或者获得过至少2项由市级以上有关部门颁发的技术创新成果奖（包括职工优秀技术"
    "创新成果奖、行业性技术创新成果奖）、国家发明专利",
    "三(一)2": "相关创新成果已产生良好的经济效益或社会效益",
    "三(一)3": "至少有1项创新成果已在行业（系统）内推广应用",
    "三(一)4": "在提高职工职业技能和革新创新能力、培养业务骨干等方面取得显著成绩",
    "三(二)1": "品牌响亮，有特色鲜明、社会广泛认可的服务名称和标识，服务质量在同行业处于领先水平",
    "三(二)2": "理念先进，有先进的服务理念和团队文化，有与现代科技特别是“互联网+”相结合的服务手段",
    "三(二)3": "科学规范，有科学的服务质量管理体系、高标准的服务规范和完善的服务保障机制，服务规范高效",
    "三(二)4": "所提供的服务得到服务对象的广泛认可，有较高的社会知名度和美誉度",
    "三(三)1": "管理工作突破传统的思路或做法，解决了本地区、本行业、本单位建设发展中的重大问题或热点难点问题，"
    "经济、社会效益明显，在全省、全市同行业中处于首创或领先水平",
    "三(三)2": "管理创新取得明显成效，管理创新与业务工作紧密结合，积极引入国际先进管理理念，有完善的管理创新体系"
    "和与之相适应的管理创新监督保障和考核评价机制",
    "三(三)3": "围绕本行业、本单位发展大局，提出有原创性、先进性、可行性的改革创新思路和对策建议，经实施后效果"
    "突出、作用明显，得到国家及省市主管部门肯定，并在本行业（系统）或更大范围内广泛推广",
    "三(三)4": "申报前3年内获得过市级以上管理成果认定或奖励",
    "附件2": "领衔人主要荣誉（限5项以内）",
}

# "申报前3年内" (三(一)1, 三(三)4): counted back from the date the application was made.
WINDOW_YEARS = 3

# ---------------------------------------------------------------------------- levels

# Levels from the highest down; a condition names the lowest one that counts.
LEVELS: tuple[str, ...] = ("国家", "省", "市", "区县", "院")
LEVEL_ORDER = {name: position for position, name in enumerate(LEVELS)}  # 0 is the highest

_SHANDONG_CITIES = "济南|青岛|淄博|枣庄|东营|烟台|潍坊|济宁|泰安|威海|日照|临沂|德州|聊城|滨州|菏泽"
_QINGDAO_COUNTIES = (
    "市南区|市北区|李沧区|崂山区|城阳区|黄岛区|即墨区|西海岸新区|胶州市|平度市|莱西市|"
    "胶州|平度|莱西|即墨|黄岛|城阳|崂山|李沧"
)
# What an institution's name may go on with after a place name ("青岛市总工会", "市南区科技局").
_AFTER_PLACE = (
    "人民政府|政府|委|总工会|工会|科学技术|科技|卫生|卫健|自然科学|技术发明|职工|劳动|劳模|五一|拔尖|"
    "工匠|管理|级|优秀|医学|医院|青年|首届|第"
)


@dataclass(frozen=True)
class LevelWord:
    """A word that says who gave an honour or an award. `level` None: the table cannot tell."""

    pattern: str
    level: str | None
    priority: int  # between words that end at the same place, the higher priority wins
    note: str = ""
    shown: str = ""  # the words as the rules table shows them, where `pattern` is not plain


# The level of an item is read from the word of this table that ends nearest before the
# item's kind word ("青岛市市南区…科技进步奖" → 市南区 → 区县).
LEVEL_WORDS: tuple[LevelWord, ...] = (
    LevelWord("全国|国家级|国家|国务院|中华人民共和国|中国|中华", "国家", 3),
    LevelWord("北京市|上海市|天津市|重庆市", "省", 5, "直辖市与省同级"),
    LevelWord("山东省|省级|齐鲁", "省", 3),
    LevelWord(
        r"(?:^|(?<=[年获得度于评、，,\s]))省", "省", 2, shown="省（单写，如“获省科技进步奖”）"
    ),
    LevelWord(r"[\u4e00-\u9fa5]{2}省", "省", 1, shown="其他“某某省”"),
    LevelWord(
        f"(?:{_SHANDONG_CITIES})市?",
        "市",
        3,
        "山东省16个地级市",
        _SHANDONG_CITIES.replace("|", "、"),
    ),
    LevelWord(
        r"市级|(?:^|(?<=[年获得度于评、，,\s]))市", "市", 2, shown="市级、市（单写，如“市劳模”）"
    ),
    LevelWord(
        f"{_QINGDAO_COUNTIES}|区级|县级",
        "区县",
        4,
        "青岛市辖区、县级市",
        f"{_QINGDAO_COUNTIES.replace('|', '、')}、区级、县级",
    ),
    LevelWord(
        f"[\u4e00-\u9fa5]{{1,3}}(?:区|县)(?={_AFTER_PLACE})",
        "区县",
        1,
        shown="其他“某某区”“某某县”后接政府、科技、卫生、总工会等",
    ),
    LevelWord(
        f"[\u4e00-\u9fa5]{{2}}市(?={_AFTER_PLACE})",
        None,
        0,
        "规则表不认识这个市名：地级市（市级）还是县级市（区县级）需人工核实",
        "其他“某某市”后接政府、科技、卫生、总工会等",
    ),
    # "医院管理" names a field of work, not who gave the award.
    LevelWord(
        "院级|院内|本院|医院(?!管理|协会)|医学院|院长奖|科室|本单位|单位内",
        "院",
        3,
        "“医院管理”“医院协会”里的“医院”不算",
        "院级、院内、本院、医院、医学院、院长奖、科室、本单位、单位内",
    ),
)

# ---------------------------------------------------------------------------- ranks

RANKS: tuple[str, ...] = ("特等", "一等", "二等", "三等", "等外")
RANK_ORDER = {name: position for position, name in enumerate(RANKS)}  # 0 is the highest
RANK_WORDS: tuple[tuple[str, str], ...] = (
    ("特等奖?", "特等"),
    ("[一1１壹]等奖?", "一等"),
    ("[二2２贰]等奖?", "二等"),
    ("[三3３叁]等奖?", "三等"),
    ("优秀奖|鼓励奖|提名奖|入围奖|参与奖", "等外"),
)
# A rank the table does not place: a reviewer must compare it with 二等.
UNPLACED_RANKS = "金奖|银奖|铜奖|一级|二级|三级|甲等|乙等|丙等"

# ---------------------------------------------------------------------------- terms


@dataclass(frozen=True)
class Term:
    """One kind of honour or achievement the notice names (or that must be told apart from one).

    `min_level`: the lowest level that counts (None: any). `below`: the outcome for a lower
    level. `unknown`: the outcome when no level can be read. `outcome`: for a term that never
    counts by itself (PERSON or NO), what it is, with `reason`.
    """

    key: str
    section: str
    name: str  # as the notice words it, or what it is
    pattern: str  # the words that identify it in a cell (a regular expression)
    route: str  # leader | tech_award | innovation | patent | management
    outcome: str = COUNTS
    min_level: str | None = None
    below: str = NO
    unknown: str = PERSON
    needs_rank: bool = False  # 三(一)1's first route: 市级二等奖及以上
    in_window: bool = False  # 申报前3年内
    reason: str = ""
    shown: str = ""  # the words as the rules table shows them, where `pattern` is not plain


# 二(二): who may lead a studio. Read from 领衔人主要荣誉 (and 职称 for the last one). A honour
# matching none of these is not one the notice lists.
LEADER_TERMS: tuple[Term, ...] = (
    Term(
        "model_worker",
        "二(二)",
        "市级以上劳模",
        "劳动模范|劳模",
        "leader",
        min_level="市",
        below=NO,
        unknown=PERSON,
        reason="通知要求市级以上劳模",
    ),
    Term(
        "advanced_worker",
        "二(二)",
        "先进工作者",
        "先进工作者",
        "leader",
        outcome=PERSON,
        reason="“先进工作者”与劳动模范同台表彰（劳动模范和先进工作者），是否按市级以上劳模认定需人工核实",
    ),
    Term(
        "may_day_medal",
        "二(二)",
        "五一劳动奖章获得者",
        "五一劳动奖章|五一奖章",
        "leader",
        min_level="市",
        below=PERSON,
        unknown=COUNTS,
        reason="通知未限奖章级别，区县级及以下是否算高层次人才需人工判断",
    ),
    Term(
        "fumin_xinglu_medal",
        "二(二)",
        "富民兴鲁劳动奖章获得者",
        "富民兴鲁",
        "leader",
        unknown=COUNTS,
    ),
    Term(
        "top_talent",
        "二(二)",
        "拔尖人才",
        "拔尖人才",
        "leader",
        min_level="市",
        below=PERSON,
        unknown=COUNTS,
        reason="通知未限拔尖人才级别，区县级、院级是否算高层次人才需人工判断",
    ),
    Term(
        "craftsman",
        "二(二)",
        "工匠人才",
        "工匠",
        "leader",
        min_level="市",
        below=PERSON,
        unknown=COUNTS,
        reason="通知未限工匠级别，区县级、院级是否算高层次人才需人工判断",
    ),
    Term(
        "special_allowance",
        "二(二)",
        "政府特贴人才",
        "政府特殊津贴|政府特贴|特殊津贴|特贴专家|享受特贴",
        "leader",
        unknown=COUNTS,
    ),
    Term(
        "outstanding_expert",
        "二(二)",
        "突出贡献专家",
        "突出贡献",
        "leader",
        min_level="市",
        below=PERSON,
        unknown=COUNTS,
        reason="通知未限级别，区县级、院级是否算高层次人才需人工判断",
    ),
    Term(
        "excellent_professional",
        "二(二)",
        "优秀的正高级专业技术人员",
        "优秀专业技术人才|优秀专业技术人员|优秀科技工作者",
        "leader",
        outcome=PERSON,
        reason="与通知“优秀的正高级专业技术人员”相近，需结合职称由评审判断",
    ),
    Term(
        "other_talent",
        "二(二)",
        "通知未列举的人才称号",
        "泰山学者|长江学者|院士|杰出青年|杰青|领军人才|青年专家|名医|名家|学科带头人|特聘专家|优秀青年|"
        "首席专家|首席技师",
        "leader",
        outcome=PERSON,
        reason="不在通知列举的高层次人才中，是否认定为高层次人才需人工判断",
    ),
)

# 二(二)'s last item, read from 职称: only a reviewer can judge 优秀.
SENIOR_TITLE = Term(
    "senior_title",
    "二(二)",
    "优秀的正高级专业技术人员",
    "(?<!副)(?:正高级|正高|主任医师|主任护师|主任药师|主任技师|教授|研究员)",
    "leader",
    outcome=PERSON,
    reason="职称为正高级；通知要求“优秀的”正高级专业技术人员，是否优秀只有评审能判断",
    shown="正高级、正高、主任医师、主任护师、主任药师、主任技师、教授、研究员（前面不带“副”）",
)

# 三(一)1 and 三(三)4: what an achievement item is. The first term whose words occur in the
# item decides what the item is; the order matters (专利奖 is not a patent, 医学科技奖 not a
# government science award).
ACHIEVEMENT_TERMS: tuple[Term, ...] = (
    Term(
        "patent_award",
        "三(一)1",
        "专利奖",
        "专利奖|专利金奖|专利银奖|专利优秀奖",
        "tech_award",
        outcome=PERSON,
        in_window=True,
        reason="专利奖既不是通知所列的科技奖励，也不是专利本身，需人工判断",
    ),
    Term(
        "patent_pending",
        "三(一)1",
        "专利申请（未授权）",
        r"(?:申请|受理|公开|实审|实质审查)[^，。；]{0,8}专利|专利[^，。；]{0,6}(?:申请|受理|公开|实审|实质审查)",
        "patent",
        outcome=NO,
        reason="专利尚在申请（未授权），通知要求获得的国家发明专利",
        shown="申请、受理、公开、实审……专利",
    ),
    Term(
        "foreign_patent",
        "三(一)1",
        "国外专利",
        r"PCT|(?:国际|美国|欧洲|日本|国外|海外)[^，。；、]{0,4}专利",
        "patent",
        outcome=PERSON,
        in_window=True,
        reason="国外专利不是国家发明专利，是否认可需人工判断",
        shown="PCT、国际……专利、美国……专利、欧洲……专利、日本……专利、国外……专利",
    ),
    Term(
        "utility_patent",
        "三(一)1",
        "实用新型、外观设计专利",
        "实用新型|外观设计|新型专利",
        "patent",
        outcome=NO,
        reason="实用新型、外观设计专利不计，通知只认国家发明专利",
    ),
    Term(
        "invention_patent",
        "三(一)1",
        "国家发明专利",
        "发明专利",
        "patent",
        in_window=True,
    ),
    Term(
        "patent_unspecified",
        "三(一)1",
        "未写类型的专利",
        "专利",
        "patent",
        outcome=PERSON,
        in_window=True,
        reason="未写明是发明专利还是实用新型、外观设计专利",
    ),
    Term(
        "science_award",
        "三(一)1",
        "科学技术最高奖、自然科学奖、技术发明奖、科技进步奖、国际科技合作奖",
        "(?:科学技术最高|最高科学技术|科技最高|自然科学|技术发明|科技进步|科学技术进步|国际科技合作|"
        "国际科学技术合作|科学技术|科技)(?:奖?(?:[特一二三123]等|优秀|鼓励|提名))?奖",
        "tech_award",
        min_level="市",
        below=NO,
        unknown=PERSON,
        needs_rank=True,
        in_window=True,
        reason="通知要求市级二等奖及以上",
        shown="科学技术最高奖、自然科学奖、技术发明奖、科技进步奖、国际科技合作奖（“科技进步二等奖”等写法同）、科学技术奖、科技奖",
    ),
    Term(
        "innovation_award",
        "三(一)1",
        "技术创新成果奖（职工优秀技术创新成果奖、行业性技术创新成果奖）",
        "技术创新成果",
        "innovation",
        min_level="市",
        below=NO,
        unknown=PERSON,
        in_window=True,
        reason="通知要求市级以上有关部门颁发",
    ),
    Term(
        "management_award",
        "三(三)4",
        "市级以上管理成果认定或奖励",
        r"管理[^，。；、]{0,10}?(?:成果|奖|认定)",
        "management",
        min_level="市",
        below=NO,
        unknown=PERSON,
        in_window=True,
        reason="通知要求市级以上管理成果认定或奖励",
        shown="管理……成果、管理……奖、管理……认定",
    ),
    Term(
        "management_case",
        "三(三)4",
        "管理案例评选",
        r"管理[^，。；、]{0,10}?案例",
        "management",
        outcome=PERSON,
        in_window=True,
        reason="案例评选是否属于管理成果认定需人工判断",
        shown="管理……案例",
    ),
    Term(
        "innovation_vague",
        "三(一)1",
        "未写明类别的创新奖",
        "创新成果奖|技术创新奖|创新奖|创新成果",
        "innovation",
        outcome=PERSON,
        in_window=True,
        reason="未写明是否为职工优秀技术创新成果奖或行业性技术创新成果奖",
    ),
)

# An award given by a society or an association rather than a government department: whatever
# its kind, a reviewer decides whether the notice's "市级以上有关部门" / 科技奖励 covers it.
SOCIETY_AWARD = Term(
    "society_award",
    "三(一)1、三(三)4",
    "学会、协会等社会力量设立的奖",
    "医学科技|医学会|学会|协会|研究会|基金会|联合会|华夏",
    "award",
    outcome=PERSON,
    in_window=True,
    reason="由学会、协会等社会力量设立，是否等同于通知所指有关部门颁发的奖励需人工判断",
)

# Routes each type's condition looks at (三(一)1: a science award, or innovation awards and
# invention patents together; 三(三)4: a management award).
TYPE_ROUTES: dict[str, tuple[str, ...]] = {
    "技术创新型": ("tech_award", "innovation", "patent"),
    "管理创新型": ("management",),
    "服务创新型": (),
}
TYPE_SECTIONS = {"技术创新型": "三(一)1", "管理创新型": "三(三)4", "服务创新型": "三(二)"}
# 三(一)1's second route: at least this many innovation awards and invention patents together.
INNOVATION_ITEMS_NEEDED = 2

# Patent numbers (专利号): the digit after the filing year says the kind (since 2003:
# ZL + year + kind + 7 digits; 1985–2003: ZL + 2-digit year + kind + 5 digits).
PATENT_NUMBER = r"ZL\s*(?:(?:19|20)\d{2}([1-9])\d{7}|\d{2}([1-9])\d{5})\s*[.．·]?\s*[\dXx]?"
PATENT_KIND_DIGITS = {"1": "发明", "8": "发明", "2": "实用新型", "9": "实用新型", "3": "外观设计"}

# What no table can show: listed for the reviewer, never part of the verdict.
FOR_THE_REVIEWER: dict[str | None, tuple[str, ...]] = {
    None: ("二(一)", "二(三)"),
    "技术创新型": ("三(一)2", "三(一)3", "三(一)4"),
    "服务创新型": ("三(二)1", "三(二)2", "三(二)3", "三(二)4"),
    "管理创新型": ("三(三)1", "三(三)2", "三(三)3"),
}


def rules_table() -> list[dict[str, str]]:
    """Every row of the tables above, in words a person can check against the notice."""
    rows = []

    def level_text(term: Term) -> str:
        if term.outcome != COUNTS:
            return ""
        if term.min_level is None:
            return "不限"
        return f"{term.min_level}级及以上"

    outcome_text = {COUNTS: "计入", PERSON: "需人工核实", NO: "不计"}
    for term in (*LEADER_TERMS, SENIOR_TITLE, *ACHIEVEMENT_TERMS, SOCIETY_AWARD):
        rows.append(
            {
                "条款": term.section,
                "项目": term.name,
                "识别用语": term.shown or term.pattern.replace("|", "、"),
                "级别要求": level_text(term),
                "等次要求": "二等及以上（省级以上三等奖需人工核实）" if term.needs_rank else "",
                "时间": f"申报前{WINDOW_YEARS}年内" if term.in_window else "",
                "结论": outcome_text[term.outcome],
                "说明": term.reason,
            }
        )
    return rows


def levels_table() -> list[dict[str, str]]:
    """The words levels are read from, and the ranks, for the page and the README."""
    rows = [
        {
            "级别": word.level or "需人工核实",
            "识别用语": word.shown or word.pattern.replace("|", "、"),
            "说明": word.note,
        }
        for word in LEVEL_WORDS
    ]
    rows.append(
        {
            "级别": "等次",
            "识别用语": "特等奖、一等奖、二等奖、三等奖；优秀奖、鼓励奖、提名奖（低于三等）",
            "说明": f"无法与二等比较的写法（{UNPLACED_RANKS.replace('|', '、')}）需人工核实",
        }
    )
    return rows
