"""申报初审: a batch of applications at a glance, and one application's checklist.

The page shows either a saved batch (labstudio.screening.records) or tables just uploaded and
screened (not yet saved); both come here as the same application records.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from labstudio import charts, labels
from labstudio.domain import UNTYPED
from labstudio.export import SUMMARY_HEADER, Column, attachment2_workbook
from labstudio.labels import label
from labstudio.screening import ScreeningOutcome, records
from labstudio.screening import rules as R
from labstudio.screening.items import cell_text
from labstudio.views._model import NONE, PageView, Panel, table

OPINION_COLUMN = "初审意见"
OPINION_WIDTH = 60
# The cells each rule reads, in the order the checklist shows them.
RULE_CELLS = {
    R.LEADER: ("honours", "leader_title"),
    R.TYPE: ("achievements", "honours"),
    R.HONOURS_LIMIT: ("honours",),
}
CELL_LABELS = {
    "honours": "v.col.honours",
    "leader_title": "v.col.title",
    "achievements": "v.col.achievements",
}


def unsaved(outcome: ScreeningOutcome) -> list[dict]:
    """An upload's screened applications as records like the saved ones (no id, no decision)."""
    result = []
    for application in outcome.applications:
        row = records.record(application)
        row["screening"] = json.loads(row["screening"])
        row.update(application_id=None, decision=None, decided_by=None, decided_at=None)
        row["decision_note"] = None
        result.append(row)
    return result


def saved(cur: duckdb.DuckDBPyConnection, batch: int | None) -> list[dict]:
    return records.saved_applications(cur, batch)


def key_of(application: dict) -> str:
    """A stable id for widgets: the saved id, or the file, sheet and row it came from."""
    if application.get("application_id") is not None:
        return str(application["application_id"])
    return f"{application['source_file']}|{application['source_sheet']}|{application['source_row']}"


def _type(value: object) -> str:
    return value if isinstance(value, str) else UNTYPED


def batch_page(applications: list[dict], lang: str = "zh") -> PageView:
    """KPIs, verdicts by unit and by type, and the list of applications."""
    view = PageView(studios=len(applications))
    frame = pd.DataFrame(
        {
            "key": [key_of(a) for a in applications],
            "unit": [a["unit"] for a in applications],
            "studio": [a["studio"] for a in applications],
            "leader": [a["leader"] or "" for a in applications],
            "type": [_type(a["type"]) for a in applications],
            "verdict": [a["verdict"] for a in applications],
            "decision": [a["decision"] or "" for a in applications],
        }
    )
    verdicts = {v: int((frame["verdict"] == v).sum()) if len(frame) else 0 for v in R.VERDICTS}
    decisions = {
        d: int((frame["decision"] == d).sum()) if len(frame) else 0 for d in records.DECISIONS
    }
    view.figures = {"total": len(frame), **verdicts, **decisions}

    def verdict_name(verdict: object) -> str:
        return labels.value(str(verdict), lang)

    def counts(category: str) -> pd.DataFrame:
        if frame.empty:
            return pd.DataFrame(columns=[category, "verdict", "count"])
        return frame.groupby([category, "verdict"], sort=False).size().reset_index(name="count")

    by_unit = counts("unit").sort_values("unit", kind="stable")
    by_type = counts("type")
    order = {t: i for i, t in enumerate(("技术创新型", "服务创新型", "管理创新型", UNTYPED))}
    by_type = by_type.sort_values("type", key=lambda s: s.map(order), kind="stable")

    def chart(key: str, data: pd.DataFrame, category: str, **options) -> Panel:
        """One panel of verdicts per `category` (unit or type), with its data as a table."""
        title = label(f"a.chart.{key}", lang)
        names = options.get("category_label")
        return Panel(
            key=key,
            title=title,
            figure=charts.verdicts_by(
                data,
                category=category,
                title=title,
                category_title=label(f"v.col.{category}", lang),
                value_title=label("a.axis.applications", lang),
                unit=label("a.unit.applications", lang),
                verdict_label=verdict_name,
                empty_message=label("a.none", lang),
                **options,
            ),
            table=table(
                data,
                {category: f"v.col.{category}", "verdict": "a.col.verdict", "count": "a.col.count"},
                lang,
                translate={"verdict": verdict_name, **({category: names} if names else {})},
            ),
        )

    view.panels.append(chart("by_unit", by_unit, "unit", horizontal=True))
    view.panels.append(
        chart("by_type", by_type, "type", category_label=lambda t: labels.value(t, lang))
    )
    view.panels.append(
        Panel(
            key="applications",
            title=label("a.list", lang),
            table=table(
                frame,
                {
                    "unit": "v.col.unit",
                    "studio": "v.col.studio",
                    "leader": "v.col.leader",
                    "type": "v.col.type",
                    "verdict": "a.col.verdict",
                    "decision": "a.col.decision",
                },
                lang,
                translate={
                    "type": lambda t: labels.value(t, lang),
                    "verdict": verdict_name,
                    "decision": lambda d: labels.value(d, lang) if d else "",
                },
            ),
            count=len(frame),
            wide=True,
        )
    )
    view.extra["keys"] = list(frame["key"])
    view.extra["choices"] = {
        key_of(a): f"{labels.value(a['verdict'], lang)} · {a['studio']}（{a['unit']}）"
        for a in applications
    }
    return view


def _segments(text: str, items: list[dict]) -> list[tuple[str, str | None]]:
    """The cell's text in pieces, each evidence item marked with its outcome."""
    marks = sorted(
        (i for i in items if i.get("evidence") and 0 <= i["start"] < i["end"] <= len(text)),
        key=lambda i: i["start"],
    )
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for item in marks:
        if item["start"] < position:
            continue  # overlapping marks: the first one wins
        if item["start"] > position:
            pieces.append((text[position : item["start"]], None))
        pieces.append((text[item["start"] : item["end"]], item["outcome"]))
        position = item["end"]
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces


def checklist(application: dict, lang: str = "zh") -> dict:
    """One application: its facts, each rule with its verdict, note and the cells it read
    (evidence marked), and what is left for the reviewer."""
    screening = application["screening"]
    cells = {
        "honours": cell_text(application["honours"]),
        "leader_title": application["leader_title"] or "",
        "achievements": application["achievements"] or "",
    }
    rules = []
    for rule in screening["rules"]:
        items = rule.get("items", [])
        # The honours limit marks every honour when there are too many.
        if rule["rule"] == R.HONOURS_LIMIT and rule["verdict"] == R.FAILS:
            items = []
            position = 0
            for honour in application["honours"]:
                items.append(
                    {
                        "start": position,
                        "end": position + len(honour),
                        "evidence": True,
                        "outcome": R.NO,
                    }
                )
                position += len(honour) + 1
        shown = []
        # A form within the limit needs no second look at its honours.
        columns = RULE_CELLS[rule["rule"]]
        if rule["rule"] == R.HONOURS_LIMIT and rule["verdict"] != R.FAILS:
            columns = ()
        for column in columns:
            mine = [i for i in items if i.get("column", "honours") == column]
            if column == "honours" and rule["rule"] == R.TYPE and not mine:
                continue  # the type rule reads the honours only when the achievements fall short
            shown.append(
                {
                    "label": label(CELL_LABELS[column], lang),
                    "empty": not cells[column],
                    "segments": _segments(cells[column], mine),
                }
            )
        rules.append(
            {
                "rule": rule["rule"],
                "name": label(f"screen.rule.{rule['rule']}", lang),
                "section": rule["section"],
                "verdict": rule["verdict"],
                "verdict_label": labels.value(rule["verdict"], lang),
                "note": rule["note"],
                "decisive": rule["rule"] != R.HONOURS_LIMIT,
                "cells": shown,
            }
        )
    facts = [
        (label("v.col.unit", lang), application["unit"]),
        (label("v.col.leader", lang), application["leader"] or NONE),
        (label("v.col.title", lang), application["leader_title"] or NONE),
        (label("v.col.type", lang), labels.value(_type(application["type"]), lang)),
        (
            label("v.col.batch", lang),
            f"{labels.batch(application['batch'], lang)}（{application['batch_from']}）",
        ),
        (label("a.col.applied_on", lang), str(application["applied_on"])[:10]),
        (
            label("a.col.source", lang),
            label(
                "a.source",
                lang,
                file=application["source_file"],
                sheet=application["source_sheet"],
                row=application["source_row"],
            ),
        ),
    ]
    return {
        "key": key_of(application),
        "application_id": application.get("application_id"),
        "title": application["studio"],
        "verdict": application["verdict"],
        "verdict_label": labels.value(application["verdict"], lang),
        "facts": facts,
        "rules": rules,
        "for_the_reviewer": screening["for_the_reviewer"],
        "decision": application.get("decision"),
    }


def opinion(application: dict) -> str:
    """The 初审意见 cell of the batch's 附件2 export: the verdict, each rule, the decision."""
    screening = application["screening"]
    parts = [f"{application['verdict']}。"]
    for rule in screening["rules"]:
        if rule["rule"] == R.HONOURS_LIMIT and rule["verdict"] != R.FAILS:
            continue  # only a form over the limit is worth a line on paper
        name = R.RULE_NAMES[rule["rule"]]
        parts.append(f"{name}（{rule['section']}）{rule['verdict']}：{rule['note']}。")
    if application.get("decision"):
        when = str(application.get("decided_at") or "")[:10]
        parts.append(
            f"决定：{application['decision']}（{when}）"
            + (f"，{application['decision_note']}" if application.get("decision_note") else "")
            + "。"
        )
    return "".join(parts)


def batch_workbook(applications: list[dict]) -> bytes:
    """The batch as the notice's 附件2 table, with 初审意见 added at the right."""
    rows = pd.DataFrame(
        {
            SUMMARY_HEADER[0]: [a["unit"] for a in applications],
            SUMMARY_HEADER[1]: [
                f"{a['studio']}\n{a['leader']}" if a["leader"] else a["studio"]
                for a in applications
            ],
            SUMMARY_HEADER[2]: [a["leader_title"] for a in applications],
            SUMMARY_HEADER[3]: [a["achievements"] for a in applications],
            SUMMARY_HEADER[4]: ["\n".join(a["honours"]) for a in applications],
            SUMMARY_HEADER[5]: [_type(a["type"]) for a in applications],
            SUMMARY_HEADER[6]: [
                labels.batch(a["batch"]) if a["batch"] else "" for a in applications
            ],
            OPINION_COLUMN: [opinion(a) for a in applications],
        }
    )
    return attachment2_workbook(rows, [Column(OPINION_COLUMN, OPINION_WIDTH)])
