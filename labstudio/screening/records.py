"""Applications as records of their own: saving a screening, the decisions after it, reading back.

Every write goes through labstudio.store inside db.write(), as one history entry: saving is an
entry of action 'screening', each decision one of action 'decision'; `rollback` undoes either.
委审核确认 writes the studio itself (stage 创建管理) into the tables the dashboards read.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import duckdb
import pandas as pd

from labstudio import audit, db, store
from labstudio.domain import batch_label
from labstudio.importer.validate import StudioIndex
from labstudio.importer.values import fold
from labstudio.screening import ScreenedApplication, ScreeningOutcome
from labstudio.screening import rules as R

RECOMMENDED, CONFIRMED, DECLINED = "单位推荐", "委审核确认", "不予确认"
DECISIONS: tuple[str, ...] = (RECOMMENDED, CONFIRMED, DECLINED)
# Section 四(一): 个人申报 → 单位初审与推荐 → 市卫生健康委审核确认. What may follow what.
NEXT: dict[str | None, tuple[str, ...]] = {
    None: (RECOMMENDED,),
    RECOMMENDED: (CONFIRMED, DECLINED),
    CONFIRMED: (),
    DECLINED: (),
}
CONFIRMED_STAGE = "创建管理"


class RecordError(Exception):
    """A save or a decision that cannot be made, worded for the analyst."""


def record(application: ScreenedApplication) -> dict:
    """A screened application as the row `store.save_applications` writes."""
    r = application.row
    return {
        "batch": r.batch,
        "batch_from": r.batch_from,
        "unit": r.unit,
        "studio": r.studio,
        "leader": r.leader,
        "leader_title": r.leader_title,
        "type": r.type,
        "achievements": r.achievements,
        "honours": list(r.honours),
        "applied_on": application.screening.applied_on,
        "source_file": r.file,
        "source_sheet": r.sheet,
        "source_row": r.row,
        "verdict": application.screening.verdict,
        "screening": json.dumps(application.screening.as_dict(), ensure_ascii=False),
    }


def _already_saved(cur: duckdb.DuckDBPyConnection, rows: list[dict]) -> list[str]:
    saved = cur.execute(
        "SELECT unit, studio, batch, import_id FROM applications ORDER BY application_id"
    ).fetchall()
    known = {(fold(u), fold(s), b): i for u, s, b, i in saved}
    clashes = []
    for row in rows:
        import_id = known.get((fold(row["unit"]), fold(row["studio"]), row["batch"]))
        if import_id is not None:
            clashes.append(
                f"{row['unit']} {row['studio']}（{batch_label(row['batch'])}）已在 #{import_id} 保存"
            )
    return clashes


def save(
    con: duckdb.DuckDBPyConnection,
    outcome: ScreeningOutcome,
    user_name: str | None = None,
    client: str | None = None,
) -> int:
    """Store the screened applications of `outcome` as one history entry; returns its id."""
    if outcome.errors:
        raise RecordError("初审有错误，没有保存。请先改正表格中的错误再保存。")
    if not outcome.applications:
        raise RecordError("没有可以保存的申报。")
    rows = [record(a) for a in outcome.applications]
    report = {
        "applied_on": outcome.applied_on.isoformat(),
        "applied_on_from": outcome.applied_on_from,
        "counts": {v: sum(r["verdict"] == v for r in rows) for v in R.VERDICTS},
        "warnings": [m.as_dict() for m in outcome.warnings],
    }
    with db.write(con) as cur:
        clashes = _already_saved(cur, rows)
        if clashes:
            raise RecordError(
                "这些申报已经保存过："
                + "；".join(clashes[:5])
                + "。如要按改正后的表格重新初审，请先在导入历史中撤销那次保存。"
            )
        entry = store.save_applications(
            cur,
            pd.DataFrame(rows),
            files=outcome.files,
            sha256=outcome.sha256,
            report=report,
            user_name=user_name,
        )
        audit.record(
            cur,
            "screening",
            user_name,
            {
                "import_id": entry,
                "files": [
                    {"file": f, "sha256": h}
                    for f, h in zip(outcome.files, outcome.sha256, strict=True)
                ],
                "applications": len(rows),
                "counts": report["counts"],
                "applied_on": report["applied_on"],
            },
            client=client,
        )
        return entry


def _application(cur: duckdb.DuckDBPyConnection, application_id: int) -> dict | None:
    frame = cur.execute(
        "SELECT * FROM applications WHERE application_id = $id", {"id": application_id}
    ).df()
    return frame.to_dict("records")[0] if len(frame) else None


def decisions_of(cur: duckdb.DuckDBPyConnection, application_id: int) -> list[dict]:
    frame = cur.execute(
        """
        SELECT decision_id, decision, decided_by, decided_at, note, studio_id, import_id
        FROM application_decisions WHERE application_id = $id ORDER BY decision_id
        """,
        {"id": application_id},
    ).df()
    return frame.to_dict("records")


def allowed_decisions(decisions: Sequence[dict]) -> tuple[str, ...]:
    return NEXT[decisions[-1]["decision"] if decisions else None]


def _studio_of(application: dict, batch: int | None, index: StudioIndex) -> store.Staged:
    unit, name = index.canonical(application["unit"], application["studio"])
    if (fold(unit), fold(name)) in index.studios:
        raise RecordError(
            f"{unit} 已有名为“{name}”的工作室，不能再确认为新工作室。请核实是否重复申报，"
            "或先改正已有工作室的名称。"
        )
    honours = application["honours"]
    return store.Staged(
        studios=pd.DataFrame(
            [
                {
                    "unit": unit,
                    "name": name,
                    "leader": application["leader"],
                    "leader_title": application["leader_title"],
                    "type": application["type"],
                    "batch": batch,
                    "stage": CONFIRMED_STAGE,
                    "named_on": None,
                    "achievements": application["achievements"],
                    "honours": list(honours) if honours is not None else [],
                    "remarks": f"申报初审 #{application['application_id']} 经委审核确认",
                }
            ]
        )
    )


def decide(
    con: duckdb.DuckDBPyConnection,
    application_id: int,
    decision: str,
    *,
    note: str | None = None,
    user_name: str | None = None,
    batch: int | None = None,
    client: str | None = None,
) -> int:
    """Record one decision on an application; returns its history entry's id.

    This is the one place a decision is recorded (the audit log hooks in here). 委审核确认
    makes the application a studio under management (stage 创建管理) in the same entry.
    """
    note = (note or "").strip() or None
    index = StudioIndex.from_database(con)
    with db.write(con) as cur:
        application = _application(cur, application_id)
        if application is None:
            raise RecordError(f"没有编号为 #{application_id} 的申报。")
        done = decisions_of(cur, application_id)
        allowed = allowed_decisions(done)
        if decision not in DECISIONS:
            raise RecordError(f"“{decision}”不是可以记录的决定：{'、'.join(DECISIONS)}。")
        if decision not in allowed:
            last = done[-1]["decision"] if done else None
            if last in (CONFIRMED, DECLINED):
                raise RecordError(
                    f"这份申报已经{last}，不能再改。如记错了，请在导入历史中撤销那次决定。"
                )
            raise RecordError(f"“{decision}”之前须先有单位初审推荐（{RECOMMENDED}）。")
        studio = None
        if decision == CONFIRMED:
            if application["verdict"] != R.MEETS and not note:
                raise RecordError(
                    f"这份申报的初审结论是“{application['verdict']}”。确认前请在说明中写明核实了什么、结论如何。"
                )
            chosen = application["batch"] if not pd.isna(application["batch"]) else batch
            if chosen is None or pd.isna(chosen):
                raise RecordError("这份申报没有批次。请先填写它属于第几批，再确认。")
            studio = _studio_of(application, int(chosen), index)
        if decision == DECLINED and not note:
            raise RecordError("请在说明中写明不予确认的理由。")
        description = f"申报初审：{decision} {application['unit']} {application['studio']}"
        entry = store.record_decision(
            cur,
            application_id,
            decision,
            note=note,
            user_name=user_name,
            description=description,
            studio=studio,
        )
        audit.record(
            cur,
            "screening_decision",
            user_name,
            {
                "import_id": entry,
                "application_id": application_id,
                "unit": application["unit"],
                "studio": application["studio"],
                "decision": decision,
                "note": note,
            },
            client=client,
        )
        return entry


# ---------------------------------------------------------------------------- reading back


def batches(cur: duckdb.DuckDBPyConnection) -> list[int | None]:
    """The batches that have saved applications, newest first (None: batch unknown)."""
    rows = cur.execute(
        "SELECT DISTINCT batch FROM applications ORDER BY batch DESC NULLS LAST"
    ).fetchall()
    return [None if r[0] is None else int(r[0]) for r in rows]


_LIST = """
    WITH last AS (
        SELECT application_id, arg_max(decision, decision_id) AS decision,
               arg_max(decided_by, decision_id) AS decided_by,
               arg_max(decided_at, decision_id) AS decided_at,
               arg_max(note, decision_id) AS decision_note,
               max(studio_id) AS studio_id
        FROM application_decisions GROUP BY application_id)
    SELECT a.*, l.decision, l.decided_by, l.decided_at, l.decision_note, l.studio_id
    FROM applications a LEFT JOIN last l USING (application_id)
    WHERE ($all OR a.batch IS NOT DISTINCT FROM $batch)
    ORDER BY a.unit, a.studio, a.application_id
"""


def saved_applications(
    cur: duckdb.DuckDBPyConnection, batch: int | None = None, *, every_batch: bool = False
) -> list[dict]:
    """The saved applications of one batch (or all), each with its latest decision."""
    frame = cur.execute(_LIST, {"all": every_batch, "batch": batch}).df()
    records = frame.to_dict("records")
    for item in records:
        item["screening"] = json.loads(item["screening"])
        item["honours"] = list(item["honours"]) if item["honours"] is not None else []
        for key, value in list(item.items()):
            if not isinstance(value, list | dict) and pd.isna(value):
                item[key] = None
    return records
