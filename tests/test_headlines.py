"""The meeting slides' headline sentences over a table of data cases."""

from __future__ import annotations

import pytest

from labstudio import headlines

STUDIOS = {
    "total": 50,
    "by_status": {"active": 45, "revoked": 5},
    "by_type": {"技术创新型": 20, "服务创新型": 15, "管理创新型": 12, "未分类": 3},
}


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        # The total first: the figure a leader asks for is one number.
        (lambda: headlines.overview(STUDIOS), "全委创新工作室50家：在管45家，已撤销称号5家"),
        (
            lambda: headlines.overview(STUDIOS, "青岛市市立医院"),
            "青岛市市立医院创新工作室50家：在管45家，已撤销称号5家",
        ),
        (lambda: headlines.overview(STUDIOS, lang="en"), "50 studios: 45 active, 5 titles revoked"),
        (
            lambda: headlines.overview(
                {"total": 2, "by_status": {"active": 1, "revoked": 1}}, "X Hospital", "en"
            ),
            "2 studios at X Hospital: 1 active, 1 title revoked",
        ),
        (
            lambda: headlines.types(STUDIOS),
            "共50家：技术创新型20家，服务创新型15家，管理创新型12家，未分类3家",
        ),
        (
            lambda: headlines.types(
                {"by_type": {"技术创新型": 1, "服务创新型": 0, "管理创新型": 2, "未分类": 0}}
            ),
            "共3家：技术创新型1家，服务创新型0家，管理创新型2家",
        ),
        (
            lambda: headlines.assessment(
                2024, {"by_result": {"优秀": 12, "合格": 33, "不合格": 2}}
            ),
            "2024年度考核：优秀12家，合格33家，不合格2家",
        ),
        (lambda: headlines.assessment(2019, None), "2019年度暂无考核结果"),
        (lambda: headlines.assessment(None, None), "暂无考核结果"),
        (
            lambda: headlines.assessment(
                2024, {"by_result": {"优秀": 1, "合格": 2, "不合格": 0}}, "en"
            ),
            "Assessment 2024: excellent 1, pass 2, fail 0",
        ),
        (
            lambda: headlines.revocations(
                2024,
                {
                    "total": 3,
                    "by_reason": {
                        "年度考核不合格": 2,
                        "严重医疗事故": 0,
                        "严重违反医德医风": 1,
                        "其他": 0,
                    },
                },
            ),
            "2024年撤销称号3家：年度考核不合格2家，严重违反医德医风1家",
        ),
        (
            lambda: headlines.revocations(
                None,
                {
                    "total": 0,
                    "by_reason": {
                        "年度考核不合格": 0,
                        "严重医疗事故": 0,
                        "严重违反医德医风": 0,
                        "其他": 0,
                    },
                },
            ),
            "累计没有撤销称号的工作室",
        ),
        (
            lambda: headlines.funds(
                {"granted": 570000.0, "spent": 354556.11, "prohibited": 5467.31}
            ),
            "累计拨付经费57.00 万元，支出35.46 万元，其中不允许的支出5,467.31 元",
        ),
        (
            lambda: headlines.funds({"granted": 10000.0, "spent": 800.0, "prohibited": 0.0}, 2024),
            "2024年拨付经费1.00 万元，支出800.00 元，均在允许用途内",
        ),
        # A year without grants: not "拨付经费0.00 元" (which reads as nothing was ever given).
        (
            lambda: headlines.funds(
                {"granted": 0.0, "spent": 78461.88, "prohibited": 991.52}, 2024
            ),
            "2024年未新拨经费；支出7.85 万元，其中不允许的支出991.52 元",
        ),
        (
            lambda: headlines.funds(
                {"granted": 0.0, "spent": 800.0, "prohibited": 0.0}, 2024, "en"
            ),
            "No new grants in 2024; spent 800 yuan, all on allowed uses",
        ),
        (
            lambda: headlines.funds({"granted": 190000.0, "spent": 0.0, "prohibited": 0.0}, 2023),
            "2023年拨付经费19.00 万元，尚无支出",
        ),
        (
            lambda: headlines.funds({"granted": 0.0, "spent": 0.0, "prohibited": 0.0}, 2019),
            "2019年暂无经费拨付与支出记录",
        ),
        (
            lambda: headlines.action_items(
                {
                    "failed_not_revoked": 1,
                    "disallowed_lines": 4,
                    "over_budget": 1,
                    "not_assessed": 0,
                    "too_many_honours": 1,
                }
            ),
            "需要跟进：考核不合格未撤销1家，不允许的支出4笔，超支1家，荣誉超过5项1家",
        ),
        (
            lambda: headlines.action_items({"not_assessed": 3, "disallowed_lines": 1}, "zh", 2025),
            "需要跟进：未录入2025年度考核3家，不允许的支出1笔",
        ),
        (
            lambda: headlines.action_items({"disallowed_lines": 1}, "en"),
            "To follow up: 1 expense disallowed",
        ),
        (
            lambda: headlines.action_items({"failed_not_revoked": 0, "over_budget": 0}),
            "没有需要跟进的事项",
        ),
        (lambda: headlines.action_items({"over_budget": 2}, "en"), "To follow up: 2 over budget"),
    ],
)
def test_headline(call, expected):
    assert call() == expected


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("在管51家，已撤销称号9家", ["51家", "9家"]),
        ("支出35.16 万元，其中5,467.31 元", ["35.16 万元", "5,467.31 元"]),
        ("较上年 -0.1个百分点", ["-0.1个百分点"]),
        ("2025年度考核：优秀3家", ["2025年度", "3家"]),
        ("60 studios: 51 active, 9 titles revoked", ["60 studios", "51", "9 titles"]),
        ("spent 78,462 yuan", ["78,462 yuan"]),
    ],
)
def test_a_number_keeps_its_unit(text, kept):
    pieces = headlines.unbreakable_spans(text)
    assert "".join(p for p, _ in pieces) == text
    assert [p for p, keep in pieces if keep] == kept
