"""Messages, studio matching and the checks that look across rows, sheets and files."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd
from rapidfuzz import fuzz, process

from labstudio.importer.values import fold

# More than this many messages of one sort in one column of one sheet are summed up in one line:
# an analyst fixes a column, not 30,000 cells one by one.
MAX_MESSAGES_PER_GROUP = 20


@dataclass
class Message:
    """One problem, located the way the analyst sees the file."""

    file: str
    sheet: str
    row: int | None
    column: str | None
    message: str  # what is wrong and what to do, in Chinese

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class Messages:
    """Errors and warnings, with repeats of one sort in one column summed up."""

    def __init__(self) -> None:
        self.errors: list[Message] = []
        self.warnings: list[Message] = []
        self.unreadable = False  # a file could not be read at all: exit code 2
        self._counts: dict[tuple, int] = defaultdict(int)
        self._summaries: dict[tuple, Message] = {}

    def _add(
        self,
        target: list[Message],
        file: str,
        sheet: str,
        row: int | None,
        column: str | None,
        message: str,
        group: str | None,
        weight: int = 1,
    ) -> None:
        key = (target is self.errors, file, sheet, column, group or message)
        self._counts[key] += weight
        count = self._counts[key]
        if count <= MAX_MESSAGES_PER_GROUP:
            target.append(Message(file, sheet, _int(row), column, message))
            return
        extra = count - MAX_MESSAGES_PER_GROUP
        summary = self._summaries.get(key)
        text = f"另有 {extra} 行有同样的问题（此处只列出前 {MAX_MESSAGES_PER_GROUP} 行）：{message}"
        if summary is None:
            summary = Message(file, sheet, None, column, text)
            self._summaries[key] = summary
            target.append(summary)
        else:
            summary.message = text

    def extend(self, other: Messages) -> None:
        """Append another set's messages after these (groups of both keep counting together)."""
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)
        self.unreadable |= other.unreadable
        for key, count in other._counts.items():
            self._counts[key] += count
        for key, summary in other._summaries.items():
            self._summaries.setdefault(key, summary)

    def drop(self, file: str, sheet: str, cells: set[tuple[int, str | None]]) -> None:
        """Forget the messages listed so far about these (row, column) cells of one sheet."""

        def kept(message: Message) -> bool:
            return not (
                message.file == file
                and message.sheet == sheet
                and (message.row, message.column) in cells
            )

        self.errors[:] = [m for m in self.errors if kept(m)]
        self.warnings[:] = [m for m in self.warnings if kept(m)]

    def error(
        self,
        file: str,
        sheet: str,
        row: int | None,
        column: str | None,
        message: str,
        group: str | None = None,
    ) -> None:
        self._add(self.errors, file, sheet, row, column, message, group)

    def warning(
        self,
        file: str,
        sheet: str,
        row: int | None,
        column: str | None,
        message: str,
        group: str | None = None,
    ) -> None:
        self._add(self.warnings, file, sheet, row, column, message, group)

    def for_rows(
        self,
        is_error: bool,
        file: str,
        sheet: str,
        rows: Sequence[int],
        column: str | None,
        make: Callable[[int], str],
        group: str,
    ) -> None:
        """One message per row, built only for the rows that get listed (fast on 300,000)."""
        target = self.errors if is_error else self.warnings
        rows = list(rows)
        for row in rows[:MAX_MESSAGES_PER_GROUP]:
            self._add(target, file, sheet, row, column, make(row), group)
        if len(rows) > MAX_MESSAGES_PER_GROUP:
            row = rows[MAX_MESSAGES_PER_GROUP]
            weight = len(rows) - MAX_MESSAGES_PER_GROUP
            self._add(target, file, sheet, row, column, make(row), group, weight=weight)


def _int(value: object) -> int | None:
    return None if value is None else int(value)


# ---------------------------------------------------------------------------- studio matching


@dataclass
class Resolved:
    unit: str | None = None
    name: str | None = None
    problem: str | None = None  # Chinese message when no single studio matched


class StudioIndex:
    """The studios a row may name: those in the database and those in this call's rosters.

    Names are compared folded (white space dropped, full-width → half-width); what gets staged is
    always the canonical spelling, so the store's exact match finds the row.
    """

    def __init__(self) -> None:
        self.units: dict[str, str] = {}  # folded unit → canonical unit
        self.studios: dict[tuple[str, str], tuple[str, str]] = {}  # (folded unit, folded name)
        self.by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.revoked: set[tuple[str, str]] = set()  # canonical (unit, name) with a revocation

    @classmethod
    def from_database(cls, con: duckdb.DuckDBPyConnection) -> StudioIndex:
        index = cls()
        cur = con.cursor()
        try:
            for (unit,) in cur.execute("SELECT name FROM units ORDER BY unit_id").fetchall():
                index.add_unit(unit)
            rows = cur.execute(
                """
                SELECT u.name, s.name, r.studio_id IS NOT NULL
                FROM studios s JOIN units u USING (unit_id)
                LEFT JOIN revocations r USING (studio_id)
                ORDER BY s.studio_id
                """
            ).fetchall()
        finally:
            cur.close()
        for unit, name, revoked in rows:
            index.add_studio(unit, name)
            if revoked:
                index.revoked.add((unit, name))
        return index

    def add_unit(self, unit: str) -> str:
        """Register a unit; returns its canonical spelling (an existing one wins)."""
        return self.units.setdefault(fold(unit), unit)

    def add_studio(self, unit: str, name: str) -> tuple[str, str]:
        unit = self.add_unit(unit)
        key = (fold(unit), fold(name))
        if key not in self.studios:
            self.studios[key] = (unit, name)
            self.by_name[key[1]].append((unit, name))
        return self.studios[key]

    def canonical(self, unit: str, name: str) -> tuple[str, str]:
        """A roster row's (unit, name), spelled as already known where it is known."""
        known = self.studios.get((fold(unit), fold(name)))
        if known:
            return known
        return self.units.get(fold(unit), unit), name

    def resolve(self, unit: str | None, name: str) -> Resolved:
        folded = fold(name)
        candidates = self.by_name.get(folded, [])
        if unit:
            folded_unit = fold(unit)
            exact = [c for c in candidates if fold(c[0]) == folded_unit]
            if not exact:
                # '市立医院' for '青岛市市立医院': accepted only when it points at one studio.
                exact = [
                    c for c in candidates if folded_unit in fold(c[0]) or fold(c[0]) in folded_unit
                ]
            candidates = exact
        if len(candidates) == 1:
            return Resolved(*candidates[0])
        if len(candidates) > 1:
            listed = "；".join(f"{u}·{n}" for u, n in candidates[:5])
            return Resolved(
                problem=f"“{name}”对应多个工作室（{listed}），无法确定是哪一个。"
                "请在表中加上“所在单位”列并填写单位全称。"
            )
        where = f"“{unit}”的" if unit else ""
        return Resolved(
            problem=f"找不到{where}工作室“{name}”：数据库和本次导入的名单里都没有它。"
            f"{self.suggest(unit, name)}请核对名称，或先导入包含该工作室的名单。"
        )

    def suggest(self, unit: str | None, name: str, limit: int = 3) -> str:
        if not self.studios:
            return "目前还没有任何工作室。"
        choices = {key: f"{u}·{n}" for key, (u, n) in self.studios.items()}
        query = fold(name)
        folded_names = {key: key[1] for key in choices}
        found = process.extract(query, folded_names, scorer=fuzz.WRatio, limit=limit * 3)
        ranked = sorted(
            found,
            key=lambda item: (
                -(item[1] + (10 if unit and fold(unit) in item[2][0] else 0)),
                choices[item[2]],
            ),
        )
        names = [choices[key] for _, _, key in ranked[:limit]]
        return f"最接近的是：{'；'.join(names)}。" if names else ""


# ---------------------------------------------------------------------------- conflicts


def conflicting_rows(
    frame: pd.DataFrame, keys: list[str], values: list[str]
) -> list[tuple[int, int]]:
    """Positions (later, first) of rows that repeat a key with different values."""
    if frame.empty:
        return []
    hashable = frame[keys + values].astype(object)
    for column in hashable.columns:
        cells = hashable[column]
        if cells.map(type).eq(list).any():  # honours: lists compare as tuples
            hashable[column] = cells.map(lambda v: tuple(v) if isinstance(v, list) else v)
    hashable = hashable.where(hashable.notna(), None)
    distinct = hashable.drop_duplicates()
    clashing = distinct[distinct.duplicated(keys, keep=False)]
    if clashing.empty:
        return []
    pairs = []
    key_tuples = [tuple(r) for r in clashing[keys].itertuples(index=False)]
    for key in dict.fromkeys(key_tuples):
        mask = (hashable[keys] == pd.Series(key, index=keys)).all(axis=1)
        positions = list(hashable.index[mask])
        first = positions[0]
        first_values = tuple(hashable.loc[first, values])
        for later in positions[1:]:
            if tuple(hashable.loc[later, values]) != first_values:
                pairs.append((later, first))
    return pairs
