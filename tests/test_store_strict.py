"""The store never turns a bad value into "not given" (issue 9).

A staged value that does not fit its column is refused before anything is written: the old
TRY_CASTs stored a batch "三批" as NULL (counted "unchanged") and a score "八十八" as an empty
score. The importer's parsers refuse such values at the cell; if one slips past them, the import
is rejected whole with a message that names the cell.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from labstudio import db, store
from labstudio.importer import import_files, pipeline
from tests.importer_builders import annex2_workbook, assessment_rows, snapshot, write_xlsx

UNIT = "青岛市市立医院"


def _studio(**values) -> pd.DataFrame:
    return pd.DataFrame([{"unit": UNIT, "name": "甲工作室", **values}])


def _result(**values) -> pd.DataFrame:
    row = {"unit": UNIT, "studio": "甲工作室", "year": 2023, "score": 88.0, "grade": "合格"}
    return pd.DataFrame([row | values])


def _revocation(**values) -> pd.DataFrame:
    row = {"unit": UNIT, "studio": "甲工作室", "revoked_on": dt.date(2024, 3, 20), "ground": "其他"}
    return pd.DataFrame([row | values])


def _line(**values) -> pd.DataFrame:
    row = {
        "unit": UNIT,
        "studio": "甲工作室",
        "entry_date": dt.date(2024, 3, 20),
        "direction": "expense",
        "category": "培训学习",
        "amount": 800.0,
        "description": "培训",
    }
    return pd.DataFrame([row | values])


def _staged(table: str, frame: pd.DataFrame) -> store.Staged:
    if table == "studios":
        return store.Staged(studios=frame)
    return store.Staged(studios=_studio(), **{table: frame})


REFUSED = {
    "batch-in-words": ("studios", _studio(batch="三批"), "batch"),
    "batch-zero": ("studios", _studio(batch=0), "batch"),
    "batch-fraction": ("studios", _studio(batch=2.5), "batch"),
    "type-not-canonical": ("studios", _studio(type="技术创新"), "type"),
    "stage-unknown": ("studios", _studio(stage="已命名"), "stage"),
    "named-on-in-words": ("studios", _studio(named_on="去年三月"), "named_on"),
    "named-on-not-iso": ("studios", _studio(named_on="2024/3/20"), "named_on"),
    "honours-as-one-text": ("studios", _studio(honours="市劳模；省劳模"), "honours"),
    "unit-missing": ("studios", _studio(unit=None), "unit"),
    "score-in-words": ("assessments", _result(score="八十八"), "score"),
    "score-as-text": ("assessments", _result(score="88"), "score"),
    "score-over-100": ("assessments", _result(score=100.5), "score"),
    "score-below-0": ("assessments", _result(score=-1), "score"),
    "score-three-decimals": ("assessments", _result(score=88.333), "score"),
    "score-not-a-number": ("assessments", _result(score=float("inf")), "score"),
    "score-true": ("assessments", _result(score=True), "score"),
    "grade-not-canonical": ("assessments", _result(grade="良好"), "grade"),
    "year-fraction": ("assessments", _result(year=2023.5), "year"),
    "year-as-text": ("assessments", _result(year="2023年度"), "year"),
    "year-out-of-range": ("assessments", _result(year=1999), "year"),
    "ground-free-text": ("revocations", _revocation(ground="医疗事故"), "ground"),
    "revoked-on-a-number": ("revocations", _revocation(revoked_on=45371), "revoked_on"),
    "amount-as-text": ("ledger", _line(amount="1,200"), "amount"),
    "amount-negative": ("ledger", _line(amount=-5), "amount"),
    "amount-too-large": ("ledger", _line(amount=1e13), "amount"),
    "amount-fraction-of-a-cent": ("ledger", _line(amount=0.001), "amount"),
    "category-free-text": ("ledger", _line(category="餐费"), "category"),
    "direction-in-chinese": ("ledger", _line(direction="支出"), "direction"),
    "entry-date-impossible": ("ledger", _line(entry_date="2024-02-30"), "entry_date"),
}


@pytest.mark.parametrize("table, frame, column", REFUSED.values(), ids=REFUSED.keys())
def test_a_value_that_does_not_fit_is_refused_and_nothing_is_written(con, table, frame, column):
    before = snapshot(con)
    with pytest.raises(store.StagedValueError) as refused, db.write(con) as cur:
        store.commit(cur, _staged(table, frame.assign(source="7:考核.xlsx|S", source_row=12)))
    assert (refused.value.table, refused.value.column) == (table, column)
    if table == refused.value.table and column not in ("unit",):
        assert (refused.value.source, refused.value.row) == ("7:考核.xlsx|S", 12)
    assert snapshot(con) == before
    assert con.execute("SELECT count(*) FROM imports").fetchall() == [(0,)]


FITTING = {
    "score-bounds-and-cents": ("assessments", _result(score=100), ("score", 100)),
    "score-zero": ("assessments", _result(score=0), ("score", 0)),
    "score-two-decimals": ("assessments", _result(score=92.55), ("score", Decimal("92.55"))),
    "score-numpy": ("assessments", _result(score=np.float64(91.5)), ("score", Decimal("91.5"))),
    "grade-only": ("assessments", _result(score=None), ("grade", "合格")),
    "year-numpy-int": ("assessments", _result(year=np.int64(2024)), ("year", 2024)),
    "year-float-whole": ("assessments", _result(year=2022.0), ("year", 2022)),
    "amount-decimal": ("ledger", _line(amount=Decimal("12.30")), ("amount", Decimal("12.30"))),
    "amount-a-cent": ("ledger", _line(amount=0.01), ("amount", Decimal("0.01"))),
    "iso-date-text": (
        "ledger",
        _line(entry_date="2024-03-20"),
        ("entry_date", dt.date(2024, 3, 20)),
    ),
    "grant-without-category": (
        "ledger",
        _line(direction="grant", category=None),
        ("direction", "grant"),
    ),
    "batch-numpy": ("studios", _studio(batch=np.int64(3)), ("batch", 3)),
    "honours-list": ("studios", _studio(honours=["市劳模"]), ("honours", ["市劳模"])),
}


@pytest.mark.parametrize("table, frame, expected", FITTING.values(), ids=FITTING.keys())
def test_values_that_fit_are_stored_as_given(con, table, frame, expected):
    column, value = expected
    with db.write(con) as cur:
        store.commit(cur, _staged(table, frame))
    (stored,) = con.execute(f"SELECT {column} FROM {table}").fetchone()
    assert stored == value


def test_a_value_the_parser_let_through_rejects_the_import_at_its_cell(con, tmp_path, monkeypatch):
    """A parser defect (simulated: the batch parser hands on the text it was given) must not be
    stored as "not given": the import is rejected whole, naming file, sheet, row and column."""
    roster = annex2_workbook(tmp_path / "名单.xlsx")
    before = snapshot(con)
    monkeypatch.setattr(pipeline, "parse_batch_value", lambda value: value)
    outcome = import_files(con, [roster])
    assert outcome.status == "rejected" and outcome.exit_code == 1
    (error,) = outcome.errors
    assert (error.file, error.sheet, error.row, error.column) == ("名单.xlsx", "汇总表", 7, "批次")
    assert "缺陷" in error.message and "没有写入任何数据" in error.message
    assert snapshot(con) == before


def test_scores_with_more_than_two_decimals_are_rounded_at_the_cell_with_a_warning(con, tmp_path):
    roster = annex2_workbook(tmp_path / "名单.xlsx")
    rows = assessment_rows(results=[("张伟劳模创新工作室", 88.335, "合格")])
    results = write_xlsx(tmp_path / "2023年度考核.xlsx", {"S": rows})
    outcome = import_files(con, [roster, results])
    assert outcome.errors == [], outcome.errors
    assert con.execute("SELECT score FROM assessments").fetchall() == [(Decimal("88.34"),)]
    (warning,) = [w for w in outcome.warnings if "两位以上小数" in w.message]
    assert (warning.sheet, warning.row, warning.column) == ("S", 3, "考核得分")
    assert "88.335" in warning.message and "88.34" in warning.message


def test_an_amount_beyond_what_the_ledger_holds_is_an_error_at_its_cell(con, tmp_path):
    roster = annex2_workbook(tmp_path / "名单.xlsx")
    rows = [
        ["日期", "工作室名称", "用途", "金额（万元）"],
        ["2024-02-02", "张伟劳模创新工作室", "设备购置", 2e8],
    ]
    outcome = import_files(con, [roster, write_xlsx(tmp_path / "台账.xlsx", {"台账": rows})])
    assert outcome.status == "rejected"
    (error,) = outcome.errors
    assert (error.sheet, error.row, error.column) == ("台账", 2, "金额（万元）")
    assert "超出可以记录的范围" in error.message
