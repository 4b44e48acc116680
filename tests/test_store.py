"""The write path: upserts with counts, idempotence, corrections, rollback and its refusals."""

from __future__ import annotations

import pandas as pd
import pytest

from labstudio import db, store


def roster(*names: str, unit: str = "青岛市市立医院", **values) -> pd.DataFrame:
    return pd.DataFrame([{"unit": unit, "name": n, **values} for n in names])


def results(year: int, scores: dict[str, float], unit: str = "青岛市市立医院") -> pd.DataFrame:
    return pd.DataFrame(
        [{"unit": unit, "studio": n, "year": year, "score": s} for n, s in scores.items()]
    )


def commit(con, staged: store.Staged, **kwargs) -> store.CommitResult:
    with db.write(con) as cur:
        return store.commit(cur, staged, **kwargs)


def rollback(con, import_id: int) -> int:
    with db.write(con) as cur:
        return store.rollback(cur, import_id)


def snapshot(con) -> dict[str, list]:
    return {
        t: con.execute(f"SELECT * EXCLUDE (import_id) FROM {t} ORDER BY ALL").fetchall()
        for t in store.DATA_TABLES
    }


def test_first_import_inserts_and_a_repeat_changes_nothing(con):
    staged = store.Staged(
        studios=roster("甲工作室", "乙工作室", type="技术创新型", batch=3),
        assessments=results(2023, {"甲工作室": 88, "乙工作室": 92.5}),
    )
    first = commit(con, staged)
    assert (first.totals.inserted, first.totals.updated, first.totals.unchanged) == (4, 0, 0)
    before = snapshot(con)
    second = commit(con, staged)
    assert (second.totals.inserted, second.totals.updated, second.totals.unchanged) == (0, 0, 4)
    assert snapshot(con) == before
    history = store.history(con.cursor())
    assert [h["inserted"] for h in history] == [0, 4]


def test_a_corrected_score_updates_and_counts_per_source(con):
    commit(
        con,
        store.Staged(studios=roster("甲", "乙"), assessments=results(2023, {"甲": 88, "乙": 70})),
    )
    corrected = results(2023, {"甲": 88, "乙": 75}).assign(source="考核.xlsx|Sheet1")
    result = commit(con, store.Staged(assessments=corrected))
    assert result.by_source["考核.xlsx|Sheet1"] == store.Counts(inserted=0, updated=1, unchanged=1)
    assert con.execute("SELECT score FROM assessments ORDER BY score").fetchall() == [(75,), (88,)]


def test_a_value_not_given_keeps_what_is_stored(con):
    commit(
        con,
        store.Staged(studios=roster("甲", leader="张伟", type="服务创新型", honours=["市劳模"])),
    )
    result = commit(con, store.Staged(studios=roster("甲", leader_title="正高级")))
    assert result.totals.updated == 1
    row = con.execute("SELECT leader, leader_title, type, honours FROM studios").fetchall()
    assert row == [("张伟", "正高级", "服务创新型", ["市劳模"])]


def test_two_units_may_each_have_a_studio_of_the_same_name(con):
    staged = store.Staged(
        studios=pd.concat(
            [roster("护理创新工作室", unit="甲医院"), roster("护理创新工作室", unit="乙医院")]
        ),
        assessments=pd.concat(
            [
                results(2024, {"护理创新工作室": 90}, unit="甲医院"),
                results(2024, {"护理创新工作室": 60}, unit="乙医院"),
            ]
        ),
    )
    commit(con, staged)
    rows = con.execute(
        "SELECT u.name, a.score FROM assessments a JOIN studios s USING (studio_id) "
        "JOIN units u USING (unit_id) ORDER BY u.name"
    ).fetchall()
    assert rows == [("乙医院", 60), ("甲医院", 90)]


def test_identical_ledger_lines_are_kept_apart_and_not_duplicated_on_reimport(con):
    line = {
        "unit": "青岛市市立医院",
        "studio": "甲",
        "entry_date": "2024-03-20",
        "direction": "expense",
        "category": "培训学习",
        "amount": 800,
        "description": "培训",
    }
    staged = store.Staged(studios=roster("甲"), ledger=pd.DataFrame([line, line]))
    commit(con, staged)
    commit(con, staged)
    assert con.execute("SELECT count(*) FROM ledger").fetchall() == [(2,)]
    recategorised = pd.DataFrame([line | {"category": "设备购置"}, line])
    result = commit(con, store.Staged(ledger=recategorised))
    assert (result.totals.updated, result.totals.unchanged) == (1, 1)


def test_conflicting_repeats_in_one_import_are_refused(con):
    staged = store.Staged(
        studios=pd.concat([roster("甲", leader="张伟"), roster("甲", leader="李强")])
    )
    with pytest.raises(ValueError, match="repeat a key"):
        commit(con, staged)
    assert snapshot(con)["studios"] == []


def test_identical_repeats_in_one_import_are_merged(con):
    staged = store.Staged(
        studios=pd.concat([roster("甲", leader="张伟"), roster("甲", leader="张伟")])
    )
    assert commit(con, staged).totals.inserted == 1


def test_rows_naming_an_unknown_studio_are_refused(con):
    with pytest.raises(ValueError, match="unknown studios"):
        commit(con, store.Staged(assessments=results(2023, {"无此工作室": 80})))
    assert con.execute("SELECT count(*) FROM imports").fetchall() == [(0,)]


def test_rollback_restores_updated_rows_and_removes_inserted_ones(con):
    commit(con, store.Staged(studios=roster("甲", "乙"), assessments=results(2023, {"甲": 88})))
    before = snapshot(con)
    second = commit(
        con,
        store.Staged(
            studios=roster("丙"),
            assessments=pd.concat([results(2023, {"甲": 95}), results(2024, {"丙": 70})]),
        ),
    )
    entry = rollback(con, second.import_id)
    assert snapshot(con) == before
    history = {h["import_id"]: h for h in store.history(con.cursor())}
    assert history[second.import_id]["status"] == "rolled_back"
    assert history[entry]["status"] == "rollback"
    assert history[entry]["target_import_id"] == second.import_id


def test_rollback_is_refused_while_a_later_import_builds_on_it(con):
    first = commit(con, store.Staged(studios=roster("甲")))
    second = commit(con, store.Staged(assessments=results(2023, {"甲": 88})))
    third = commit(con, store.Staged(assessments=results(2023, {"甲": 90})))
    with pytest.raises(store.RollbackRefused) as refused:
        rollback(con, first.import_id)
    assert refused.value.blockers == [second.import_id, third.import_id]
    assert f"#{second.import_id}" in str(refused.value)
    with pytest.raises(store.RollbackRefused) as refused:
        rollback(con, second.import_id)
    assert refused.value.blockers == [third.import_id]
    rollback(con, third.import_id)
    rollback(con, second.import_id)
    rollback(con, first.import_id)
    assert snapshot(con) == {t: [] for t in store.DATA_TABLES}


@pytest.mark.parametrize(
    ("target", "message"),
    [(99, "没有编号为 #99"), (1, "已经撤销过了")],
)
def test_rollback_of_a_missing_or_undone_import_says_why(con, target, message):
    first = commit(con, store.Staged(studios=roster("甲")))
    rollback(con, first.import_id)
    with pytest.raises(store.RollbackError, match=message):
        rollback(con, target)


def test_a_rollback_entry_itself_cannot_be_rolled_back(con):
    first = commit(con, store.Staged(studios=roster("甲")))
    entry = rollback(con, first.import_id)
    with pytest.raises(store.RollbackError, match="本身是一次撤销"):
        rollback(con, entry)
