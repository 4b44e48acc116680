"""申报初审: new studio applications checked against the notice, then followed to a decision.

`screen_files` is what `python -m labstudio screen` and the /applications page call: read the
附件2 tables (labstudio.screening.reading), apply the rules (labstudio.screening.check, over
the tables of labstudio.screening.rules) and, when asked, save the applications
(labstudio.screening.records).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from labstudio.importer.validate import Message
from labstudio.screening.check import Screening, screen
from labstudio.screening.reading import ApplicationRow, read_applications


@dataclass
class ScreenedApplication:
    row: ApplicationRow
    screening: Screening

    def as_json(self) -> dict:
        """One entry of cli.md's `applications` list (with a few keys beside its own)."""
        r = self.row
        return {
            "file": r.file,
            "sheet": r.sheet,
            "row": r.row,
            "unit": r.unit,
            "studio": r.studio,
            "leader": r.leader,
            "type": r.type,
            "verdict": self.screening.verdict,
            "rules": [rule.as_dict() for rule in self.screening.rules],
            "for_the_reviewer": self.screening.for_the_reviewer,
            "leader_title": r.leader_title,
            "batch": r.batch,
            "batch_from": r.batch_from,
        }


@dataclass
class ScreeningOutcome:
    applied_on: dt.date
    applied_on_from: str  # "given" | "today"
    applications: list[ScreenedApplication]
    files: list[str]
    sha256: list[str]
    errors: list[Message]
    warnings: list[Message]
    exit_code: int
    status: str = "screened"  # "screened" | "saved" | "rejected"
    import_id: int | None = None
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "applied_on": self.applied_on.isoformat(),
            "applications": [a.as_json() for a in self.applications],
            "errors": [m.as_dict() for m in self.errors],
            "warnings": [m.as_dict() for m in self.warnings],
            "status": self.status,
            "import_id": self.import_id,
            "counts": verdict_counts(self.applications),
        }


def verdict_counts(applications: Sequence[ScreenedApplication]) -> dict[str, int]:
    from labstudio.screening.rules import VERDICTS

    counts = dict.fromkeys(VERDICTS, 0)
    for application in applications:
        counts[application.screening.verdict] += 1
    return counts


def screen_row(row: ApplicationRow, applied_on: dt.date) -> Screening:
    return screen(
        type_=row.type,
        leader_title=row.leader_title,
        achievements=row.achievements,
        honours=row.honours,
        applied_on=applied_on,
        type_written=row.type_written,
    )


def screen_files(
    con: duckdb.DuckDBPyConnection | None,
    paths: Sequence[Path | tuple[str, bytes]],
    *,
    applied_on: dt.date | None = None,
    batch: int | None = None,
) -> ScreeningOutcome:
    """Read and screen the applications of `paths`; writes nothing (see records.save)."""
    read = read_applications(con, paths, batch)
    messages = read.messages
    given = applied_on is not None
    day = applied_on or dt.date.today()
    if not given:
        messages.warning(
            "",
            "",
            None,
            None,
            f"没有给出申报日期，按今天（{day.isoformat()}）往前数“申报前3年内”。"
            "如申报在别的日期，请指定申报日期后重新初审。",
        )
    applications = [ScreenedApplication(row, screen_row(row, day)) for row in read.rows]
    exit_code = 0
    if messages.errors:
        exit_code = 2 if messages.unreadable else 1
    return ScreeningOutcome(
        applied_on=day,
        applied_on_from="given" if given else "today",
        applications=applications,
        files=read.files,
        sha256=read.sha256,
        errors=messages.errors,
        warnings=messages.warnings,
        exit_code=exit_code,
        status="rejected" if messages.errors else "screened",
    )
