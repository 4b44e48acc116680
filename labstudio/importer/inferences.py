"""Every guess the importer makes about a sheet, with where it came from: one record per sheet.

The upload page shows it before the commit, `import --json` prints it beside cli.md's keys, and
the import's history entry keeps it (imports.report). Nothing here decides anything: the
pipeline fills the record in as it decides. `standard_grants` finds the one default the figures
apply per studio (the 10,000-yuan grant), for the report of the import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from labstudio import store
from labstudio.domain import STANDARD_GRANT
from labstudio.importer import years as Y
from labstudio.importer.values import Distinct, text

EXAMPLES = 2  # raw values shown per canonical value


@dataclass
class SheetInferences:
    header_row: int | None = None
    kind_from: list[str] = field(default_factory=list)  # the headers that decided the kind
    # {"column": as written, "field": name or None, "how": exact|variant|rule|fuzzy|manual,
    #  "score": fuzzy score or None}
    columns: list[dict] = field(default_factory=list)
    ignored: list[dict] = field(default_factory=list)  # {"column", "why"}
    # Assessment sheets only (None elsewhere): the sheet's year and where it came from.
    year: int | None = None
    year_from: str | None = None
    year_by_hand: bool = False
    year_found: str | None = None  # for a year set by hand: what the importer had found
    years: list[dict] = field(default_factory=list)  # {"year", "year_from", "rows"}
    year_not_from: list[str] = field(default_factory=list)  # event dates that did not decide
    # {"field", "column", "value", "count", "examples"}: free text read as a canonical value.
    canonicalised: list[dict] = field(default_factory=list)
    # {"field", "column", "value", "rows", "why"}: a value the importer filled in.
    defaults: list[dict] = field(default_factory=list)
    assessment: bool = False

    def as_dict(self) -> dict:
        result = {
            "header_row": self.header_row,
            "kind_from": self.kind_from,
            "columns": self.columns,
            "ignored": self.ignored,
            "canonicalised": self.canonicalised,
            "defaults": self.defaults,
        }
        if self.assessment:
            result |= {
                "year": self.year,
                "year_from": self.year_from,
                "year_by_hand": self.year_by_hand,
                "year_found": self.year_found,
                "years": self.years,
                "year_not_from": self.year_not_from,
            }
        return result

    def canonical_values(
        self,
        field_name: str,
        column: str | None,
        raw: Distinct,
        results: pd.Series,
        rows: np.ndarray,
        shown: dict[object, str] | None = None,
    ) -> None:
        """Record the raw texts of a column that were read as another, canonical value.

        `raw`: the column's (codes, distinct values); `results`: the canonical value per row;
        `rows`: the rows that count (a boolean mask). Work is per distinct value: a ledger's
        300,000 lines cost one pass of numpy over their codes.
        """
        codes, uniques = raw
        if not len(uniques) or not rows.any():
            return
        chosen = codes[rows]
        chosen = chosen[chosen >= 0]
        if not len(chosen):
            return
        counts = np.bincount(chosen, minlength=len(uniques))
        used = np.flatnonzero(counts)
        positions = np.flatnonzero(rows)
        positions = positions[codes[positions] >= 0]
        # A counted row of each distinct value gives that value's canonical result (the same
        # for every counted row holding it).
        first = np.full(len(uniques), -1, dtype=np.int64)
        first[codes[positions]] = positions
        values = results.to_numpy(dtype=object)
        grouped: dict[object, list[tuple[int, str]]] = {}
        for number in used:
            result = values[first[number]]
            if result is None or (isinstance(result, float) and np.isnan(result)):
                continue
            written = text(uniques[number])
            if written is None or written in (str(result), str((shown or {}).get(result))):
                continue
            grouped.setdefault(result, []).append((int(counts[number]), written))
        for result, found in grouped.items():
            found.sort(key=lambda item: (-item[0], item[1]))
            self.canonicalised.append(
                {
                    "field": field_name,
                    "column": column,
                    "value": (shown or {}).get(result, result),
                    "count": sum(count for count, _ in found),
                    "examples": [written for _, written in found[:EXAMPLES]],
                }
            )

    def record_years(
        self,
        decision: Y.YearDecision,
        years: pd.Series,
        from_column: np.ndarray,
        column: str | None,
    ) -> None:
        """The sheet's year, where it came from, and how many results each source gave.

        `years`: the year of each result; `from_column`: which of them the 年度 column gave.
        """
        self.year_by_hand = decision.source is not None and decision.source.kind == Y.MANUAL
        if self.year_by_hand and decision.previous is not None:
            self.year_found = f"{decision.previous.year}（{decision.previous.describe()}）"
        entries = []
        if from_column.any():
            label = f"{Y.SOURCE_LABELS[Y.COLUMN]}：{column}"
            counts = years[from_column].value_counts().sort_index()
            entries += [
                {"year": int(y), "year_from": label, "rows": int(n)} for y, n in counts.items()
            ]
        if (~from_column).any() and decision.source is not None:
            rows = int((~from_column).sum())
            entries.append(
                {"year": decision.year, "year_from": decision.source.describe(), "rows": rows}
            )
        self.years = entries
        distinct = {entry["year"] for entry in entries}
        self.year = distinct.pop() if len(distinct) == 1 else None
        if not entries:
            # Nothing imported (an error, or no rows): say what the sheet's year would be.
            self.year = decision.year
            self.year_from = decision.source.describe() if decision.source else None
        elif len(entries) == 1:
            self.year_from = entries[0]["year_from"]
        else:
            self.year_from = "；".join(
                f"{e['year']}：{e['year_from']}（{e['rows']} 行）" for e in entries
            )

    def default(
        self, field_name: str, column: str | None, value: object, rows: int, why: str
    ) -> None:
        if rows:
            self.defaults.append(
                {"field": field_name, "column": column, "value": value, "rows": rows, "why": why}
            )


def standard_grants(cur: duckdb.DuckDBPyConnection, staged: store.Staged) -> list[dict]:
    """The studios of this import that no grant is recorded for, in the database or in the
    import: the figures count them as granted the standard 10,000 yuan (queries._BUDGET)."""
    pairs = [staged.studios[["unit", "name"]].set_axis(["unit", "studio"], axis=1)]
    for frame in (staged.assessments, staged.revocations, staged.ledger):
        pairs.append(frame[["unit", "studio"]].drop_duplicates())  # 300,000 lines, 5,000 studios
    named = pd.concat(pairs, ignore_index=True).dropna().drop_duplicates()
    if named.empty:
        return []
    granted = cur.execute(
        """SELECT u.name AS unit, s.name AS studio FROM studios s JOIN units u USING (unit_id)
           WHERE s.studio_id IN (SELECT studio_id FROM ledger WHERE direction = 'grant')"""
    ).df()
    ledger = staged.ledger
    if len(ledger):
        grants = ledger.loc[ledger["direction"] == "grant", ["unit", "studio"]].drop_duplicates()
        granted = pd.concat([granted, grants])
    known = pd.MultiIndex.from_frame(granted.astype(object)) if len(granted) else None
    keys = pd.MultiIndex.from_frame(named)
    without = named[~keys.isin(known)] if known is not None else named
    if without.empty:
        return []
    without = without.sort_values(["unit", "studio"], kind="stable")
    return [
        {
            "default": "standard_grant",
            "field": "granted",
            "value": float(STANDARD_GRANT),
            "why": (
                f"没有拨款记录的工作室，经费按市医务工会标准拨款 {STANDARD_GRANT:,} 元计算"
                "（超支判断用它）；有拨款记录后按实际拨款计算"
            ),
            "count": len(without),
            "studios": without.to_dict("records"),
        }
    ]
