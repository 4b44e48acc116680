"""申报初审 rules: real-looking cell texts per rule, each with the verdict and the words it quotes."""

from __future__ import annotations

import datetime as dt

import pytest

from labstudio.screening import check, rules
from labstudio.screening.items import split_items

APPLIED = dt.date(2022, 5, 20)  # the third batch's deadline: the window is 2019-05-21 … 2022-05-20
MEETS, FAILS, CHECK = rules.MEETS, rules.FAILS, rules.CHECK


def technical(achievements: str, applied_on: dt.date = APPLIED) -> check.RuleResult:
    return check.type_conditions("技术创新型", achievements, None, applied_on)


# (achievements cell, verdict, evidence quoted, words the note must contain)
TECHNICAL = [
    # 三(一)1, first route: one municipal second prize or higher, inside the window.
    (
        "2020年获青岛市技术发明奖二等奖（排名第二）；2019年获国家发明专利1项（ZL201910123456.7）",
        MEETS,
        ["2020年获青岛市技术发明奖二等奖（排名第二）"],
        "市级二等奖",
    ),
    ("2021年获山东省科学技术进步奖一等奖", MEETS, ["2021年获山东省科学技术进步奖一等奖"], ""),
    ("2021年获青岛市科技进步一等奖", MEETS, ["2021年获青岛市科技进步一等奖"], ""),
    ("2020年度获国家科学技术进步奖二等奖", MEETS, ["2020年度获国家科学技术进步奖二等奖"], ""),
    ("2022年3月获青岛市自然科学奖二等奖", MEETS, ["2022年3月获青岛市自然科学奖二等奖"], ""),
    # Outside the window, on its edge, after the date of applying.
    ("2018年获青岛市科技进步一等奖", FAILS, ["2018年获青岛市科技进步一等奖"], "不在申报前3年内"),
    (
        "2019年获青岛市科技进步一等奖",
        CHECK,
        ["2019年获青岛市科技进步一等奖"],
        "跨过申报前3年的起点",
    ),
    ("2019年8月获青岛市科技进步一等奖", MEETS, ["2019年8月获青岛市科技进步一等奖"], ""),
    (
        "2019年3月获青岛市科技进步一等奖",
        FAILS,
        ["2019年3月获青岛市科技进步一等奖"],
        "不在申报前3年内",
    ),
    ("2023年获青岛市科技进步一等奖", CHECK, ["2023年获青岛市科技进步一等奖"], "晚于申报日期"),
    ("获青岛市科技进步一等奖", CHECK, ["获青岛市科技进步一等奖"], "未写年份"),
    # Levels: 市 counts, 区县 and 院 do not; a city the table does not know needs a person.
    ("2021年获市南区科技进步一等奖", FAILS, ["2021年获市南区科技进步一等奖"], "区县级"),
    ("2021年获胶州市科学技术进步奖一等奖", FAILS, ["2021年获胶州市科学技术进步奖一等奖"], "区县级"),
    (
        "2021年获青岛市市立医院科技进步一等奖",
        FAILS,
        ["2021年获青岛市市立医院科技进步一等奖"],
        "院级",
    ),
    ("2021年获院级科技进步一等奖", FAILS, ["2021年获院级科技进步一等奖"], "院级"),
    ("2021年获潍坊市科技进步二等奖", MEETS, ["2021年获潍坊市科技进步二等奖"], ""),
    ("2021年获驻马店市科技进步二等奖", CHECK, ["2021年获驻马店市科技进步二等奖"], "地级市"),
    ("2021年获科技进步二等奖", CHECK, ["2021年获科技进步二等奖"], "未写明级别"),
    ("2021年获北京市科技进步二等奖", MEETS, ["2021年获北京市科技进步二等奖"], ""),
    # Ranks: 市 third prize does not count; a provincial third prize needs a person, and says why.
    (
        "2021年获青岛市科技进步三等奖",
        FAILS,
        ["2021年获青岛市科技进步三等奖"],
        "低于通知要求的二等奖",
    ),
    (
        "2021年获山东省科技进步三等奖",
        CHECK,
        ["2021年获山东省科技进步三等奖"],
        "级别高于市级，等次低于二等",
    ),
    ("2021年获国家科技进步三等奖", CHECK, ["2021年获国家科技进步三等奖"], "级别高于市级"),
    ("2021年获青岛市科技进步奖", CHECK, ["2021年获青岛市科技进步奖"], "未写等次"),
    ("2021年获青岛市科技进步优秀奖", FAILS, ["2021年获青岛市科技进步优秀奖"], "优秀奖"),
    ("2021年获青岛市科技进步奖金奖", CHECK, ["2021年获青岛市科技进步奖金奖"], "金奖"),
    # Society awards are not the government's science awards.
    ("2021年获中华医学科技奖二等奖", CHECK, ["2021年获中华医学科技奖二等奖"], "社会力量"),
    ("2021年获山东省医学科技奖一等奖", CHECK, ["2021年获山东省医学科技奖一等奖"], "社会力量"),
    # 三(一)1, second route: innovation awards and invention patents, two together.
    (
        "2021年获国家发明专利2项（ZL202010123456.1、ZL202010654321.2）",
        MEETS,
        ["2021年获国家发明专利2项（ZL202010123456.1、ZL202010654321.2）"],
        "合计2项",
    ),
    (
        "2021年获青岛市职工优秀技术创新成果奖；2020年获国家发明专利1项",
        MEETS,
        ["2021年获青岛市职工优秀技术创新成果奖", "2020年获国家发明专利1项"],
        "合计2项",
    ),
    (
        "2021年获山东省行业性技术创新成果奖，2022年获青岛市职工优秀技术创新成果奖",
        MEETS,
        ["2021年获山东省行业性技术创新成果奖", "2022年获青岛市职工优秀技术创新成果奖"],
        "合计2项",
    ),
    ("2021年获国家发明专利1项", FAILS, ["2021年获国家发明专利1项"], "合计1项，不足2项"),
    (
        "2021年获国家发明专利1项；2018年获国家发明专利1项",
        FAILS,
        ["2018年获国家发明专利1项", "2021年获国家发明专利1项"],
        "不在申报前3年内",
    ),
    (
        "2021年获发明专利1项、实用新型专利3项、外观设计专利1项",
        FAILS,
        ["实用新型专利3项", "外观设计专利1项", "2021年获发明专利1项"],
        "实用新型、外观设计专利不计",
    ),
    ("2021年获实用新型专利5项", FAILS, ["2021年获实用新型专利5项"], "只认国家发明专利"),
    ("2021年获市南区职工技术创新成果奖；2021年获发明专利1项", FAILS, None, "区县级"),
    # A patent whose kind is not written: the patent number can tell, or a person must.
    ("2021年获国家专利2项", CHECK, ["2021年获国家专利2项"], "未写明是发明专利"),
    ("2021年获国家专利1项（ZL202110234567.8）；2020年获国家发明专利1项", MEETS, None, "合计2项"),
    (
        "2021年获国家专利2项（ZL202120234567.8）",
        FAILS,
        ["2021年获国家专利2项（ZL202120234567.8）"],
        "实用新型",
    ),
    (
        "2021年获发明专利1项（ZL202120234567.8）；2021年获发明专利1项",
        CHECK,
        None,
        "专利号却是实用新型",
    ),
    ("2021年申请发明专利3项", FAILS, ["2021年申请发明专利3项"], "尚在申请"),
    ("2021年获美国发明专利1项；2020年获国家发明专利1项", CHECK, None, "国外专利"),
    ("2021年获中国专利优秀奖", CHECK, ["2021年获中国专利优秀奖"], "专利奖"),
    # Nothing of the kinds the notice names.
    ("发表SCI论文10篇，主持省级课题2项", FAILS, [], "没有市级二等奖"),
]


@pytest.mark.parametrize(("cell", "verdict", "evidence", "note"), TECHNICAL)
def test_technical_conditions(cell, verdict, evidence, note):
    result = technical(cell)
    assert result.verdict == verdict, result.note
    if evidence is not None:
        assert sorted(result.evidence) == sorted(evidence)
    for quoted in result.evidence:
        assert quoted in cell  # the evidence is the applicant's own words
    assert note in result.note


MANAGEMENT = [
    ("2021年获青岛市医院管理创新成果一等奖", MEETS, ["2021年获青岛市医院管理创新成果一等奖"], ""),
    ("2020年度山东省卫生健康管理创新奖", MEETS, ["2020年度山东省卫生健康管理创新奖"], ""),
    ("2020年获院级管理创新奖", FAILS, ["2020年获院级管理创新奖"], "院级"),
    (
        "2018年获青岛市管理创新成果二等奖",
        FAILS,
        ["2018年获青岛市管理创新成果二等奖"],
        "不在申报前3年内",
    ),
    ("2021年入选全国医院管理优秀案例", CHECK, ["2021年入选全国医院管理优秀案例"], "案例评选"),
    ("2021年获山东省医院协会管理创新奖", CHECK, ["2021年获山东省医院协会管理创新奖"], "社会力量"),
    ("2021年获管理创新成果奖", CHECK, ["2021年获管理创新成果奖"], "未写明级别"),
    ("绩效改革方案被采纳", FAILS, [], "没有市级以上管理成果"),
]


@pytest.mark.parametrize(("cell", "verdict", "evidence", "note"), MANAGEMENT)
def test_management_conditions(cell, verdict, evidence, note):
    result = check.type_conditions("管理创新型", cell, None, APPLIED)
    assert result.verdict == verdict, result.note
    assert result.evidence == evidence
    assert note in result.note


def test_service_studios_always_need_a_person_and_point_at_their_brand():
    result = check.type_conditions(
        "服务创新型", "打造护理服务品牌“暖心护理”；2021年获国家发明专利3项", None, APPLIED
    )
    assert result.verdict == CHECK
    assert result.evidence == ["打造护理服务品牌“暖心护理”"]
    assert "表格无法说明" in result.note


@pytest.mark.parametrize(
    ("type_", "written", "note"),
    [(None, None, "未填写创新类型"), (None, "综合型", "“综合型”")],
)
def test_a_type_not_given_or_not_known_needs_a_person(type_, written, note):
    result = check.type_conditions(type_, "2021年获青岛市科技进步一等奖", None, APPLIED, written)
    assert result.verdict == CHECK
    assert note in result.note


def test_an_award_listed_only_among_the_honours_needs_a_person():
    result = check.type_conditions(
        "技术创新型", "发表论文3篇", ["2021年获青岛市科技进步一等奖", "青岛市劳动模范"], APPLIED
    )
    assert result.verdict == CHECK
    assert result.evidence == ["2021年获青岛市科技进步一等奖"]
    assert "领衔人主要荣誉" in result.note


# (honours, title, verdict, evidence, note)
LEADERS = [
    (["2019年青岛市劳动模范"], "副高级", MEETS, ["2019年青岛市劳动模范"], "市级以上劳模"),
    (["全国劳动模范"], None, MEETS, ["全国劳动模范"], ""),
    (["2018年山东省劳动模范"], None, MEETS, ["2018年山东省劳动模范"], ""),
    (["市劳模"], None, MEETS, ["市劳模"], ""),
    (["市南区劳动模范"], "副高级", FAILS, ["市南区劳动模范"], "区县级"),
    (["平度市劳动模范"], None, FAILS, ["平度市劳动模范"], "区县级"),
    (["院级劳动模范"], None, FAILS, ["院级劳动模范"], "院级"),
    (["劳动模范"], None, CHECK, ["劳动模范"], "未写明级别"),
    (["全国五一劳动奖章"], None, MEETS, ["全国五一劳动奖章"], "五一劳动奖章获得者"),
    (["山东省富民兴鲁劳动奖章"], None, MEETS, ["山东省富民兴鲁劳动奖章"], ""),
    (["青岛市拔尖人才"], None, MEETS, ["青岛市拔尖人才"], "拔尖人才"),
    (["齐鲁工匠"], None, MEETS, ["齐鲁工匠"], "工匠人才"),
    (["青岛工匠"], None, MEETS, ["青岛工匠"], ""),
    (["享受国务院政府特殊津贴专家"], None, MEETS, ["享受国务院政府特殊津贴专家"], "政府特贴人才"),
    (
        ["山东省有突出贡献的中青年专家"],
        None,
        MEETS,
        ["山东省有突出贡献的中青年专家"],
        "突出贡献专家",
    ),
    (["院级拔尖人才"], None, CHECK, ["院级拔尖人才"], "院级"),
    (["青岛市先进工作者"], None, CHECK, ["青岛市先进工作者"], "先进工作者"),
    (["泰山学者青年专家"], None, CHECK, ["泰山学者青年专家"], "不在通知列举"),
    (
        ["青岛市优秀共产党员", "三八红旗手"],
        "主任医师",
        CHECK,
        ["主任医师"],
        "是否优秀只有评审能判断",
    ),
    (["青岛市优秀共产党员", "三八红旗手"], "副主任医师", FAILS, [], "不是通知二(二)所列"),
    (["青岛市优秀共产党员"], "正高级", CHECK, ["正高级"], "优秀"),
    ([], "中级", CHECK, [], "荣誉为空"),
    (["青岛市劳动模范", "市南区劳动模范"], None, MEETS, ["青岛市劳动模范"], ""),
]


@pytest.mark.parametrize(("honours", "title", "verdict", "evidence", "note"), LEADERS)
def test_leader_qualification(honours, title, verdict, evidence, note):
    result = check.leader_qualification(honours, title)
    assert result.verdict == verdict, result.note
    assert result.evidence == evidence
    assert note in result.note


@pytest.mark.parametrize(("count", "verdict"), [(0, MEETS), (5, MEETS), (6, FAILS), (7, FAILS)])
def test_honours_limit_flags_more_than_five(count, verdict):
    honours = [f"荣誉{i}" for i in range(count)]
    result = check.honours_limit(honours)
    assert result.verdict == verdict
    assert result.evidence == (honours if verdict == FAILS else [])


@pytest.mark.parametrize(
    ("leader", "type_", "overall"),
    [
        (MEETS, MEETS, MEETS),
        (MEETS, CHECK, CHECK),
        (CHECK, MEETS, CHECK),
        (CHECK, CHECK, CHECK),
        (FAILS, MEETS, FAILS),
        (MEETS, FAILS, FAILS),
        (FAILS, CHECK, FAILS),
        (CHECK, FAILS, FAILS),
    ],
)
def test_overall_verdict(leader, type_, overall):
    assert check.overall(leader, type_) == overall


def test_the_honours_limit_does_not_change_the_verdict():
    screening = check.screen(
        type_="技术创新型",
        leader_title="正高级",
        achievements="2021年获青岛市科技进步一等奖",
        honours=["青岛市劳动模范", *[f"荣誉{i}" for i in range(6)]],
        applied_on=APPLIED,
    )
    assert screening.rule(rules.HONOURS_LIMIT).verdict == FAILS
    assert screening.verdict == MEETS


def test_the_reviewer_gets_the_conditions_no_table_shows_and_what_is_left_open():
    screening = check.screen(
        type_="技术创新型",
        leader_title="副高级",
        achievements="2019年获青岛市科技进步一等奖",
        honours=["青岛市劳动模范"],
        applied_on=APPLIED,
    )
    assert screening.verdict == CHECK
    sections = [line.split("：", 1)[0] for line in screening.for_the_reviewer]
    assert sections[:5] == ["二(一)", "二(三)", "三(一)2", "三(一)3", "三(一)4"]
    assert "跨过申报前3年的起点" in screening.for_the_reviewer[-1]


def test_items_keep_their_place_in_the_cell_for_highlighting():
    cell = "1. 2020年获青岛市技术发明奖二等奖（排名第二，共5人）；\n2. 2021年获国家发明专利2项、实用新型专利1项。"
    items = split_items(cell, "achievements", rules.ACHIEVEMENT_TERMS)
    assert [i.text for i in items] == [
        "2020年获青岛市技术发明奖二等奖（排名第二，共5人）",
        "2021年获国家发明专利2项",
        "实用新型专利1项",
    ]
    for item in items:
        assert cell[item.start : item.end] == item.text
    assert items[2].year == 2021 and "沿用" in items[2].year_note
    assert items[1].count == 2


@pytest.mark.parametrize(
    ("applied_on", "first_day"),
    [(dt.date(2022, 5, 20), "2019-05-21"), (dt.date(2024, 2, 29), "2021-03-01")],
)
def test_the_window_counts_back_three_years(applied_on, first_day):
    assert first_day in check.window_text(applied_on)


def test_the_rules_table_names_a_section_for_every_row():
    table = rules.rules_table()
    assert len(table) > 20
    assert all(row["条款"] in rules.NOTICE or "、" in row["条款"] for row in table)
    assert {row["结论"] for row in table} == {"计入", "需人工核实", "不计"}
