"""Every guess the importer makes about a sheet, with where it came from: one record per sheet.

The upload page shows it before the commit, `import --json` prints it beside cli.md's keys, and
the import's history entry keeps it (imports.report). Nothing here decides anything: the
pipeline fills the record in as it decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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

    def default(
        self, field_name: str, column: str | None, value: object, rows: int, why: str
    ) -> None:
        if rows:
            self.defaults.append(
                {"field": field_name, "column": column, "value": value, "rows": rows, "why": why}
            )
