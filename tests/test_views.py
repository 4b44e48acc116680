"""Per-page data: the figures agree with `summary`, the gaps are said, the lists are right."""

from __future__ import annotations

import pandas as pd
import pytest

from labstudio import queries
from labstudio.domain import CATEGORIES, GROUNDS
from labstudio.filters import Filters
from labstudio.views import assessments, funds, overview, revocations, studios, types
from labstudio.views._model import mostly_missing, table, translated, with_years

FILTER_CASES = [
    Filters(),
    Filters(year=2024),
    Filters(year=2023, type="技术创新型"),
    Filters(batch=3),
    Filters(unit="青岛市市立医院", year=2025),
    Filters(status="revoked"),
    Filters(status="active", year=2022),
    Filters(type="未分类"),
    Filters(unit="不存在的医院"),
    Filters(batch=-1),
]
PAGES = (overview, types, assessments, revocations, funds)


@pytest.mark.parametrize("filters", FILTER_CASES, ids=str)
def test_every_page_agrees_with_summary(demo_con, filters):
    cur = demo_con.cursor()
    summary = queries.summary(cur, filters)
    total = summary["studios"]["total"]
    for module in PAGES:
        assert module.page(cur, filters).studios == total, module.__name__
    if not total:
        return
    assert overview.page(cur, filters).figures["by_status"] == summary["studios"]["by_status"]
    shown = types.page(cur, filters).figures
    assert shown["by_type"] == summary["studios"]["by_type"]
    assert shown["by_batch"] == summary["studios"]["by_batch"]
    view = assessments.page(cur, filters)
    year = view.year
    expected = queries.assessment_summary(cur, filters.with_year(year)).get(str(year))
    assert view.figures["by_result"] == (expected["by_result"] if expected else None)
    history = queries.assessment_summary(cur, filters.with_year(None))
    assert {y: v["count"] for y, v in view.figures["trend"].items()} == {
        y: v["count"] for y, v in history.items()
    }
    assert (
        revocations.page(cur, filters).figures["by_reason"] == (summary["revocations"]["by_reason"])
    )
    money = funds.page(cur, filters).figures
    for key in ("granted", "spent", "prohibited", "studios_over_budget"):
        assert money[key] == pytest.approx(summary["funds"][key]), key
    assert money["by_category"] == pytest.approx(summary["funds"]["by_category"])
    assert studios.page(cur, filters).figures["total"] == total


def test_english_titles_differ_and_every_panel_is_titled(demo_con):
    cur = demo_con.cursor()
    for module in PAGES:
        zh = module.page(cur, Filters(), "zh").panels
        en = module.page(cur, Filters(), "en").panels
        assert [p.key for p in zh] == [p.key for p in en]
        for a, b in zip(zh, en, strict=True):
            assert a.title and b.title and a.title != b.title
            if a.figure is not None:
                assert a.figure.layout.title.text == a.title


def test_a_missing_score_is_said_above_the_chart(demo_con):
    cur = demo_con.cursor()
    cur.execute(
        "UPDATE assessments SET score = NULL WHERE year = 2023 AND studio_id IN "
        "(SELECT studio_id FROM assessments WHERE year = 2023 ORDER BY studio_id LIMIT 4)"
    )
    view = assessments.page(cur, Filters(year=2023))
    notes = {p.key: p.note for p in view.panels}
    assert "2023年有4家未录入分数" in notes["score_type"]
    assert notes["grades"] is None  # the grades are all there


def test_a_studio_without_its_assessment_is_listed(demo_con):
    cur = demo_con.cursor()
    assert overview.missing_assessments(cur, Filters(), 2024).empty
    cur.execute("DELETE FROM assessments WHERE studio_id = 2 AND year = 2024")
    missing = overview.missing_assessments(cur, Filters(), 2024)
    assert list(missing["studio_id"]) == [2]
    note = {p.key: p.note for p in assessments.page(cur, Filters(year=2024)).panels}
    assert "2024年有1家在管工作室无考核记录" in note["grades"]


def test_action_items(demo_con):
    cur = demo_con.cursor()
    items = overview.action_items(cur, Filters(), 2025)
    assert len(items["failed_unrevoked"]) == 1  # the demo's latest failure, not yet acted on
    assert (
        len(items["over_budget"]) == queries.summary(cur, Filters())["funds"]["studios_over_budget"]
    )
    assert items["disallowed"]["amount"].sum() == pytest.approx(
        queries.summary(cur, Filters())["funds"]["prohibited"]
    )
    assert list(items["honours"]["honours_count"]) == [7]
    panels = overview.page(cur, Filters()).extra["actions"]
    assert [p.count for p in panels] == [len(v) for v in items.values()]


def test_failed_list_says_whether_revoked(demo_con):
    cur = demo_con.cursor()
    failed = assessments.failed(cur, Filters(), None)
    assert failed["revoked"].sum() == len(failed) - 1
    due = revocations.due(cur, Filters())
    assert (
        len(due) == 1
        and not failed.loc[failed["studio_id"] == due.iloc[0]["studio_id"], "revoked"].any()
    )


def test_revocation_grounds_are_the_four_of_the_notice(demo_con):
    view = revocations.page(demo_con.cursor(), Filters())
    assert list(view.figures["by_reason"]) == list(GROUNDS)
    table = {p.key: p.table for p in view.panels}["by_ground"]
    assert len(table) == 4


def test_funds_by_use_lists_every_category(demo_con):
    view = funds.page(demo_con.cursor(), Filters())
    table = {p.key: p.table for p in view.panels}["by_category"]
    assert list(table.iloc[:, 0]) == list(CATEGORIES)


def test_directory_search_is_a_bound_value(demo_con):
    cur = demo_con.cursor()
    everyone = studios.directory(cur, Filters())
    assert len(studios.directory(cur, Filters(), "劳模")) < len(everyone)
    assert studios.directory(cur, Filters(), "'; DROP TABLE studios; --").empty
    assert studios.directory(cur, Filters(), "100%").empty
    assert len(studios.directory(cur, Filters())) == len(everyone) == 60


def test_a_profile(demo_con):
    cur = demo_con.cursor()
    view = studios.profile_page(cur, 4)
    assert view.studios == 1
    assert view.extra["honours_warning"]
    assert {p.key for p in view.panels} == {"history", "ledger"}
    assert studios.profile_page(cur, 99999).studios == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [("4", 4), (" 12 ", 12), (["7"], 7), ("abc", None), ("-1", None), ("1.5", None), (None, None)],
)
def test_parse_studio_id(value, expected):
    assert studios.parse_studio_id(value) == expected


def test_an_empty_database_gives_empty_views(con):
    cur = con.cursor()
    for module in PAGES:
        view = module.page(cur, Filters())
        assert view.studios == 0 and not view.panels
    assert studios.page(cur, Filters()).studios == 0


# --- helpers made faster for the large set (bench/pages.py) -----------------------------------


def test_translated_calls_the_label_once_per_distinct_value():
    calls = []

    def fmt(value):
        calls.append(value)
        return "?" if value is None or value != value else f"<{value}>"

    values = pd.Series(["a", "b", None, "a", None, "b", "a"])
    assert translated(values, fmt) == ["<a>", "<b>", "?", "<a>", "?", "<b>", "<a>"]
    assert len(calls) == 3  # a, b and the missing value: not seven calls
    batches = pd.Series([3, None, 1, 3], dtype="Int64")
    assert translated(batches, lambda v: "none" if v is pd.NA else str(int(v))) == [
        "3",
        "none",
        "1",
        "3",
    ]
    assert translated(pd.Series([["x"], ["y"]]), lambda v: "|".join(v)) == ["x", "y"]
    assert translated(pd.Series([], dtype=object), str) == []
    assert translated(pd.Series([float("nan"), float("nan")]), lambda v: "blank") == [
        "blank",
        "blank",
    ]


def test_table_blanks_empty_text_and_keeps_other_columns():
    df = pd.DataFrame(
        {"unit": ["甲", None], "count": [1, 2], "score": [1.5, None], "none": [None, None]}
    )
    out = table(df, {"unit": "v.col.unit", "count": "v.col.studios", "score": "v.col.score"}, "zh")
    assert list(out.iloc[:, 0]) == ["甲", ""]
    assert list(out.iloc[:, 1]) == [1, 2]
    assert pd.isna(out.iloc[1, 2])  # a missing number stays missing, not ""


def test_a_directory_with_some_unknown_stages(demo_con):
    cur = demo_con.cursor()
    cur.execute("UPDATE studios SET stage = NULL WHERE studio_id IN (1, 2)")
    view = studios.page(cur, Filters(), "en")
    stages = dict(zip(view.extra["ids"], view.panels[0].table["Stage"], strict=True))
    assert stages[1] == stages[2] == ""
    assert stages[3]  # the others keep theirs


def test_a_search_counts_every_studio_and_lists_the_matches(demo_con):
    cur = demo_con.cursor()
    for filters in (Filters(), Filters(batch=3), Filters(unit="不存在的医院")):
        everyone = len(studios.directory(cur, filters))
        assert studios.studio_total(cur, filters) == everyone
        view = studios.page(cur, filters, "zh", "劳模")
        assert view.studios == everyone == view.figures["total"]
        assert view.figures["shown"] == len(studios.directory(cur, filters, "劳模"))


def test_latest_results():
    data = pd.DataFrame(
        {
            "latest_year": pd.Series([2025, None, 2024], dtype="Int32"),
            "latest_grade": pd.Series(["优秀", None, None], dtype="str"),
        }
    )
    assert list(studios.latest_results(data, "zh")) == ["2025 优秀", "", ""]
    assert list(studios.latest_results(data, "en")) == ["2025 Excellent", "", ""]


def test_the_grade_grid_pivots_every_assessment(demo_con):
    cur = demo_con.cursor()
    # a name two units share gets its unit added; a grade left empty stays empty
    first, other = cur.execute(
        "SELECT min(studio_id) FILTER (WHERE unit_id = lo), min(studio_id) FILTER (WHERE unit_id = hi)"
        " FROM studios, (SELECT min(unit_id) AS lo, max(unit_id) AS hi FROM studios)"
    ).fetchall()[0]
    [(name,)] = cur.execute(
        "SELECT name FROM studios WHERE studio_id = $id", {"id": first}
    ).fetchall()
    cur.execute("UPDATE studios SET name = $n WHERE studio_id = $id", {"n": name, "id": other})
    cur.execute(
        "UPDATE assessments SET grade = NULL WHERE studio_id = $id AND year = 2024", {"id": other}
    )
    years = [int(y) for y in assessments.trend(cur, Filters())["year"]]
    grid = assessments.grade_grid(cur, Filters(), years)
    long = cur.execute(
        "SELECT studio_id, year, grade, score::DOUBLE AS score FROM assessments"
    ).df()
    assert sorted(grid["studio_id"]) == sorted(long["studio_id"].unique())
    cells = assessments.grid_long(grid, years).assign(
        studio_id=[sid for sid in grid["studio_id"] for _ in years]
    )
    merged = cells.merge(long, on=["studio_id", "year"], how="left", suffixes=("", "_db"))
    assert list(merged["grade"].fillna("-")) == list(merged["grade_db"].fillna("-"))
    assert merged["score"].equals(merged["score_db"])
    shared = grid[grid["studio_id"].isin([first, other])]["name"]
    assert all(text.startswith(name + "（") for text in shared)
    assert shared.nunique() == 2
    shown = assessments.grid_table(grid, years, "en")
    assert list(shown.columns) == ["Unit", "Studio", *map(str, years)]
    row = shown[grid["studio_id"].to_numpy() == other].iloc[0]
    assert row["2024"] == ""  # no grade that year
    assert set(shown[str(years[-1])]) <= {"Excellent", "Pass", "Fail", ""}
    empty = assessments.grade_grid(cur, Filters(unit="不存在的医院"), [])
    assert empty.empty and assessments.grid_table(empty, [], "zh").empty
    assert pd.api.types.is_integer_dtype(grid["studio_id"])


def test_over_budget_rows_are_those_of_the_budget(demo_con):
    cur = demo_con.cursor()
    for filters in (Filters(), Filters(batch=3), Filters(unit="不存在的医院")):
        budget = queries.budget_by_studio(cur, filters)
        expected = budget[budget["balance"] < 0].reset_index(drop=True)
        # (an empty result's text columns come back as objects, not str: same rows, though)
        pd.testing.assert_frame_equal(
            queries.studios_over_budget(cur, filters), expected, check_dtype=False
        )


@pytest.mark.parametrize("year", [2020, 2022, 2024, 2025])
def test_missing_assessments_match_a_count_in_python(demo_con, year):
    cur = demo_con.cursor()
    cur.execute("DELETE FROM assessments WHERE studio_id IN (2, 9) AND year = $y", {"y": year})
    marks = cur.execute("SELECT studio_id, year FROM assessments").fetchall()
    roster = cur.execute("SELECT studio_id, batch, year(named_on) FROM studios").fetchall()
    revoked = dict(cur.execute("SELECT studio_id, year(revoked_on) FROM revocations").fetchall())
    batch_of = {sid: batch for sid, batch, _ in roster}
    first: dict[int, int] = {}
    batch_first: dict[int, int] = {}
    for sid, y in marks:
        first[sid] = min(first.get(sid, y), y)
        if batch_of[sid] is not None:
            batch_first[batch_of[sid]] = min(batch_first.get(batch_of[sid], y), y)
    assessed = set(marks)
    expected = set()
    for sid, batch, named in roster:
        starts = [s for s in (first.get(sid), batch_first.get(batch), named) if s is not None]
        started = bool(starts) and min(starts) <= year
        gone = sid in revoked and (revoked[sid] is None or revoked[sid] <= year)
        if started and not gone and (sid, year) not in assessed:
            expected.add(sid)
    assert set(overview.missing_assessments(cur, Filters(), year)["studio_id"]) == expected


# --- issue 10: missing data named, years said ---------------------------------------------------


def without_grant(cur) -> list[int]:
    rows = cur.execute(
        "SELECT studio_id FROM studios WHERE studio_id NOT IN "
        "(SELECT studio_id FROM ledger WHERE direction = 'grant') ORDER BY studio_id"
    ).fetchall()
    return [r[0] for r in rows]


def test_the_studios_without_a_grant_are_named_and_flagged_on_their_profile(demo_con):
    cur = demo_con.cursor()
    cur.execute("DELETE FROM ledger WHERE studio_id = 4 AND direction = 'grant'")
    expected = without_grant(cur)
    assert 4 in expected
    # The to-do list on the overview and a list on the funds page, each row a studio profile.
    actions = {p.key: p for p in overview.page(cur, Filters()).extra["actions"]}
    listed = actions["action_standard_grant"]
    assert sorted(listed.profile_ids) == expected
    assert listed.count_label == f"未录入拨款、额度暂按1万元计：{len(expected)}家"
    assert "" not in set(listed.table["类型"])  # an unknown type reads 未分类, not blank
    panels = {p.key: p for p in funds.page(cur, Filters()).panels}
    assert sorted(panels["standard_grant"].profile_ids) == expected
    assert f"{len(expected)}家未录入拨款" in panels["budget"].note
    assert "名单见下方" in panels["budget"].note
    # The profile says its grant is the assumed one; a studio with a grant says nothing.
    flagged = studios.profile_page(cur, 4).extra
    assert flagged["standard_grant"] and "1万元" in flagged["standard_grant"]
    granted = next(i for i in range(1, 61) if i not in expected)
    assert studios.profile_page(cur, granted).extra["standard_grant"] is None


def test_every_grant_recorded_gives_no_list(demo_con):
    cur = demo_con.cursor()
    for studio_id in without_grant(cur):
        cur.execute(
            "INSERT INTO ledger SELECT max(entry_id) + 1, $id, DATE '2023-01-05', 'grant', NULL,"
            " 10000, '拨款', 'test-grant', 1 FROM ledger",
            {"id": studio_id},
        )
    assert "standard_grant" not in {p.key for p in funds.page(cur, Filters()).panels}
    actions = {p.key: p for p in overview.page(cur, Filters()).extra["actions"]}
    assert actions["action_standard_grant"].count == 0


@pytest.mark.parametrize(
    ("missing", "total", "expected"),
    [(0, 0, False), (0, 10, False), (5, 10, False), (6, 10, True), (10, 10, True), (1, 1, True)],
)
def test_mostly_missing_is_more_than_half(missing, total, expected):
    assert mostly_missing(missing, total) is expected


def test_a_life_cycle_of_mostly_unrecorded_stages_becomes_one_line(demo_con):
    cur = demo_con.cursor()
    view = overview.page(cur, Filters())
    assert "life_cycle" in {p.key for p in view.panels} and not view.notes
    cur.execute("UPDATE studios SET stage = NULL WHERE studio_id <= 40")
    view = overview.page(cur, Filters())
    assert "life_cycle" not in {p.key for p in view.panels}
    (note,) = view.notes
    active = queries.summary(cur, Filters())["studios"]["by_status"]["active"]
    unrecorded = cur.execute(
        "SELECT count(*) FROM studios WHERE stage IS NULL AND studio_id NOT IN "
        "(SELECT studio_id FROM revocations)"
    ).fetchone()[0]
    assert note == (
        f"工作室所处阶段：{active}家在管工作室中{unrecorded}家未填写阶段，暂不绘图；"
        "在名单中补填“阶段”后显示。"
    )
    assert overview.stage_note(overview.life_cycle(cur, Filters()), "en").startswith(
        f"Life-cycle stages: {unrecorded} of {active}"
    )
    # A few gaps keep the chart, with its completeness line.
    cur.execute("UPDATE studios SET stage = '委级命名' WHERE studio_id <= 35")
    panels = {p.key: p for p in overview.page(cur, Filters()).panels}
    assert "未填写阶段" in panels["life_cycle"].note


def test_lists_of_failed_studios_say_their_years(demo_con):
    cur = demo_con.cursor()
    actions = {p.key: p for p in overview.page(cur, Filters()).extra["actions"]}
    failed = overview.failed_unrevoked(cur, Filters())
    years = sorted(set(failed["year"]))
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    assert actions["action_failed_unrevoked"].title == f"考核不合格、尚未撤销称号（{span}年度）"
    due = {p.key: p for p in revocations.page(cur, Filters()).panels}["due"]
    assert due.title == f"考核不合格但尚未撤销称号（{span}年度）"
    # An empty list in a chosen year says the year it is empty for.
    empty = {p.key: p for p in overview.page(cur, Filters(year=2021)).extra["actions"]}
    assert empty["action_failed_unrevoked"].count == 0
    assert empty["action_failed_unrevoked"].title.endswith("（2021年度）")
    assert with_years("t", [2023, 2025, 2024], "en") == "t (2023–2025)"
    assert with_years("t", [], "zh") == "t"


def test_year_scoped_pages_say_which_year_they_show(demo_con):
    cur = demo_con.cursor()
    latest = queries.latest_assessment_year(cur)
    for module in (overview, assessments):
        assert module.page(cur, Filters()).year_note == f"考核数字为{latest}年度（最近一次考核）"
        assert module.page(cur, Filters(year=2023)).year_note is None
    assert revocations.page(cur, Filters()).year_note is None
