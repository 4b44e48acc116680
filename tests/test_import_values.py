"""Values and headers as people type them."""

from __future__ import annotations

import datetime as dt

import pytest

from labstudio.importer import values as V
from labstudio.importer.headers import match_header


@pytest.mark.parametrize(
    ("parser", "raw", "expected"),
    [
        (V.parse_score, 88, 88.0),
        (V.parse_score, "88分", 88.0),
        (V.parse_score, "92.5", 92.5),
        (V.parse_score, "９２.５ 分", 92.5),
        (V.parse_money, 1200, 1200.0),
        (V.parse_money, "1,200.00", 1200.0),
        (V.parse_money, "¥800", 800.0),
        (V.parse_money, "￥1,560.00", 1560.0),
        (V.parse_money, "0.3万", 3000.0),
        (V.parse_money, "1.2万元", 12000.0),
        (V.parse_money, "800元", 800.0),
        (V.parse_date, dt.datetime(2024, 3, 20), dt.date(2024, 3, 20)),
        (V.parse_date, 45371, dt.date(2024, 3, 20)),
        (V.parse_date, "2024-03-20", dt.date(2024, 3, 20)),
        (V.parse_date, "2024/3/20", dt.date(2024, 3, 20)),
        (V.parse_date, "2024.04.02", dt.date(2024, 4, 2)),
        (V.parse_date, "2024年3月20日", dt.date(2024, 3, 20)),
        (V.parse_date, "20240320", dt.date(2024, 3, 20)),
        (V.parse_grade, "优秀", "优秀"),
        (V.parse_grade, " 不合格 ", "不合格"),
        (V.parse_grade, "優秀", "优秀"),
        (V.parse_grade, "优", "优秀"),
        (V.parse_batch_value, "第三批", 3),
        (V.parse_batch_value, 3, 3),
        (V.parse_batch_value, "3", 3),
        (V.parse_type_value, "技术创新", "技术创新型"),
        (V.parse_type_value, "服务创新型", "服务创新型"),
        (V.parse_year, "2023年度", 2023),
        (V.parse_ground, "2023年度考核不合格", "年度考核不合格"),
        (V.parse_ground, "发生一级医疗事故", "严重医疗事故"),
        (V.parse_ground, "领衔人收受红包", "严重违反医德医风"),
        (V.parse_ground, "领衔人调离本单位", "其他"),
        (V.parse_category, "购置设备", "设备购置"),
        (V.parse_category, "外出培训", "培训学习"),
        (V.parse_category, "宣传推广", "创新成果宣传推广"),
        (V.parse_category, "课题检测试剂", "项目研究"),
        (V.parse_category, "工作室办公家具", "办公条件改善"),
        (V.parse_category, "来访专家接待", "不允许的支出"),
        (V.parse_category, "节日福利", "不允许的支出"),
        (V.parse_category, "其他", "不允许的支出"),
        (V.parse_direction, "拨款", "grant"),
        (V.parse_direction, "支出", "expense"),
        (V.split_name_leader, "张伟劳模创新工作室\n张伟", ("张伟劳模创新工作室", "张伟")),
        (V.split_name_leader, "张伟劳模创新工作室（领衔人：张伟）", ("张伟劳模创新工作室", "张伟")),
        (V.split_honours, "1.市劳模；2.五一劳动奖章、工匠", ["市劳模", "五一劳动奖章", "工匠"]),
        # Variants met in hand-made files.
        (V.parse_batch_value, "（第三批）", 3),
        (V.parse_batch_value, "2022年第三批", 3),
        (V.parse_batch_value, "第二批（2020年）", 2),
        (V.parse_batch_value, "首批", 1),
        (V.parse_date, "2024年3月20号", dt.date(2024, 3, 20)),
        (V.parse_date, "2024/03/20 星期三", dt.date(2024, 3, 20)),
        (V.parse_date, "2024-03-20T00:00:00", dt.date(2024, 3, 20)),
        (V.parse_date, " 2024 - 06 - 01 ", dt.date(2024, 6, 1)),
        (V.parse_money, "人民币1200元", 1200.0),
        (V.parse_money, "800.00元整", 800.0),
        (V.parse_ground, "考核结果：不合格", "年度考核不合格"),
        (V.parse_ground, "考核得分低于60分", "年度考核不合格"),
        (V.parse_ground, "年度考核优秀，但收受红包", "严重违反医德医风"),
        (V.parse_category, "图书资料", "培训学习"),
        (V.parse_category, "购买实验耗材", "项目研究"),
        (V.parse_category, "购买统计软件", "设备购置"),
        (V.parse_category, "培训住宿费", "不允许的支出"),
        (V.parse_direction, "拨入", "grant"),
        (V.is_placeholder, " — ", True),
        (V.is_placeholder, "／", True),
        (V.is_placeholder, "无", True),
        (V.is_placeholder, "无锡", False),
        (V.is_placeholder, 0, False),
    ],
)
def test_value_variants(parser, raw, expected):
    assert parser(raw) == expected


@pytest.mark.parametrize(
    ("parser", "raw"),
    [
        (V.parse_score, "八十"),
        (V.parse_money, "三百"),
        (V.parse_date, "2024-13-45"),
        (V.parse_date, "明年"),
        (V.parse_grade, "良好"),
        (V.parse_type_value, "综合型"),
        (V.parse_batch_value, "最新一批"),
        (V.parse_batch_value, 2022),  # a year in the batch column
        (V.parse_grade, "基本合格"),  # a grade of its own in some schemes, not 合格
    ],
)
def test_unreadable_values_raise(parser, raw):
    with pytest.raises(ValueError):
        parser(raw)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("创新工作室所在单位", "unit"),
        ("  创新工作室\n\n领衔人 ", "name_leader"),
        ("职称\n\n技术等级", "leader_title"),
        ("领衔人主要荣誉                            （限5项以内）", "honours"),
        ("主要创新成果", "achievements"),
        ("考核得分", "score"),
        ("考核得分（分）", "score"),
        ("考核等次", "grade"),
        ("考核结果", "grade"),
        ("金额（元）", "amount"),
        ("收入（元）", "income"),
        ("支出金额", "expense"),
        ("撤销原因", "ground"),
        ("经费支出（元）", "expense"),
        ("实际支出", "expense"),
        ("支出用途", "category"),
        ("领办人", "leader"),
        ("拨付额", "income"),
        ("报销额", "expense"),
        ("开支额", "amount"),
        ("拨付时间", "date"),
        ("余额", None),
        ("经费额度", None),
        ("借方", "debit"),
        ("贷方金额", "credit"),
        ("工作室名称\u3000", "name"),
        ("金额(元)", "amount"),
        ("序号", "seq"),
        ("工作室名字", "name"),
        ("联系人手机", None),
    ],
)
def test_header_variants(header, field):
    assert match_header(header)[0] == field


def test_year_from_titles():
    assert V.year_in(None, "2023年度创新工作室考核结果") == 2023
    assert V.year_in("考核结果", "Sheet1", "考核") is None


def test_cells_come_back_from_the_parsing_child_with_their_types(tmp_path):
    """The child sends typed columns (text, numbers, dates …); the parent gets plain values."""
    import datetime as dt

    from labstudio.importer.reading import read_excel
    from tests.importer_builders import write_xls, write_xlsx

    rows = [
        ["标题"],
        ["文本", "数字", "日期", "混合"],
        ["甲", 1.5, dt.date(2024, 3, 20), True],
        [" ", 2, dt.datetime(2024, 3, 20, 8, 30), dt.date(2024, 1, 2)],
        ["\u3000", None, None, 7.25],
        ["乙", 3.0, dt.date(2024, 3, 21), "文字"],
    ]
    path = write_xlsx(tmp_path / "t.xlsx", {"S": rows})
    (sheet,) = read_excel(path.read_bytes(), "xlsx")
    assert list(sheet.frame.index) == [1, 2, 3, 4, 5, 6]
    got = sheet.frame.to_numpy().tolist()
    assert got[0] == ["标题", None, None, None]
    assert got[2] == ["甲", 1.5, dt.date(2024, 3, 20), True]
    assert got[3][0] is None and got[3][1] == 2 and got[3][2] == dt.datetime(2024, 3, 20, 8, 30)
    assert got[4] == [None, None, None, 7.25]
    assert got[5] == ["乙", 3.0, dt.date(2024, 3, 21), "文字"]

    (sheet,) = read_excel(write_xls(tmp_path / "t.xls", {"S": rows[:3]}).read_bytes(), "xls")
    assert sheet.frame.to_numpy().tolist()[2] == ["甲", 1.5, dt.date(2024, 3, 20), True]
