"""The one write path: staged rows in, upserted rows out, every change recorded for rollback.

Importers (the spreadsheet import, the demo loader) build a `Staged` set of DataFrames with
canonical values and exact studio names, then call `commit()` inside `db.write()`. Everything here
is set-based SQL over registered DataFrames: no row-by-row loops, so 300,000 ledger lines cost the
same few statements as ten.

A value left empty (NULL) in a staged row means "not given": the stored value is kept. A value
that does not fit its column (a batch "三批", a score "八十八", a date "去年") is never turned into
"not given": `commit` checks every staged value against its column first (STAGED_RULES) and raises
StagedValueError, naming the source and row, before anything is written. The importer's parsers
refuse such values with a message at the cell; one reaching the store is a defect of the parser,
and the import is rejected whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import duckdb
import numpy as np
import pandas as pd

from labstudio import audit, backups
from labstudio.db import fetch_one
from labstudio.domain import CATEGORIES, GRADES, GROUNDS, STAGES, TYPES

STUDIO_COLUMNS = [
    "unit",
    "name",
    "leader",
    "leader_title",
    "type",
    "batch",
    "stage",
    "named_on",
    "achievements",
    "honours",
    "remarks",
]
ASSESSMENT_COLUMNS = ["unit", "studio", "year", "score", "grade", "remarks"]
REVOCATION_COLUMNS = ["unit", "studio", "revoked_on", "ground", "reason"]
LEDGER_COLUMNS = ["unit", "studio", "entry_date", "direction", "category", "amount", "description"]

# An optional column in every staged frame: where the row came from ("file|sheet"), so that the
# counts can be reported per sheet.
SOURCE = "source"
# Another optional column: the row number in that sheet, for a refused value's message.
SOURCE_ROW = "source_row"


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in columns})


@dataclass
class Staged:
    """Rows to write, with canonical values (types, grades, grounds, categories as in domain)."""

    studios: pd.DataFrame = field(default_factory=lambda: _empty(STUDIO_COLUMNS))
    assessments: pd.DataFrame = field(default_factory=lambda: _empty(ASSESSMENT_COLUMNS))
    revocations: pd.DataFrame = field(default_factory=lambda: _empty(REVOCATION_COLUMNS))
    ledger: pd.DataFrame = field(default_factory=lambda: _empty(LEDGER_COLUMNS))

    @property
    def rows(self) -> int:
        return sum(len(f) for f in (self.studios, self.assessments, self.revocations, self.ledger))


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: Counts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged


@dataclass
class CommitResult:
    import_id: int
    totals: Counts
    by_source: dict[str, Counts]


class RollbackRefused(Exception):
    """A later import built on the rows this rollback would remove."""

    def __init__(self, import_id: int, blockers: list[int]):
        self.import_id = import_id
        self.blockers = blockers
        names = "、".join(f"#{b}" for b in blockers)
        super().__init__(
            f"不能撤销导入 #{import_id}：之后的导入 {names} 修改或引用了它写入的数据。"
            f"请先撤销 {names}，再撤销 #{import_id}。"
        )


class RollbackError(Exception):
    pass


class StagedValueError(ValueError):
    """A staged value that does not fit its column: refused, never stored as "not given"."""

    def __init__(self, table: str, column: str, value: object, reason: str, source, row):
        self.table, self.column, self.value, self.reason = table, column, value, reason
        self.source = source or None
        self.row = int(row) if row is not None and not pd.isna(row) else None
        where = f"{self.source or '?'} row {self.row}" if self.row else self.source or "?"
        super().__init__(f"staged {table}.{column} = {value!r} ({where}): {reason}")


# Column → (kind, details) of every value a staged row may carry; None is "not given" everywhere
# but the keys. Kinds: key (non-empty text), text, texts (a list of texts), choice (one of the
# values), int (a whole number within bounds), decimal (a number within bounds with at most two
# decimals, as DECIMAL(·, 2) stores it), date (a date, or ISO text of one).
STAGED_RULES: dict[str, dict[str, tuple]] = {
    "studios": {
        "unit": ("key",),
        "name": ("key",),
        "leader": ("text",),
        "leader_title": ("text",),
        "type": ("choice", TYPES, "工作室类型"),
        "batch": ("int", 1, 2**31 - 1, "批次"),
        "stage": ("choice", STAGES, "阶段"),
        "named_on": ("date",),
        "achievements": ("text",),
        "honours": ("texts",),
        "remarks": ("text",),
    },
    "assessments": {
        "unit": ("key",),
        "studio": ("key",),
        "year": ("int", 2000, 2100, "年度"),
        "score": ("decimal", 0, 100, "考核得分"),
        "grade": ("choice", GRADES, "考核等次"),
        "remarks": ("text",),
    },
    "revocations": {
        "unit": ("key",),
        "studio": ("key",),
        "revoked_on": ("date",),
        "ground": ("choice", GROUNDS, "撤销依据"),
        "reason": ("text",),
    },
    "ledger": {
        "unit": ("key",),
        "studio": ("key",),
        "entry_date": ("date",),
        "direction": ("choice", ("grant", "expense"), "收支"),
        "category": ("choice", CATEGORIES, "支出类别"),
        "amount": ("decimal", 0, 10**12 - 0.01, "金额"),
        "description": ("text",),
    },
}
_NUMBER_TYPES = (int, float, Decimal, np.integer, np.floating)  # bool is refused apart
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _misfits(rule: tuple, values: pd.Series) -> tuple[pd.Series, str]:
    """(a mask of the values that do not fit, why), for the non-empty values of one column.

    Vectorised: pandas' inferred kind of the column answers for most columns at once; only a
    column of mixed kinds is looked at value by value.
    """
    kind = rule[0]
    inferred = pd.api.types.infer_dtype(values.to_numpy(dtype=object), skipna=True)
    if kind in ("key", "text"):
        if inferred == "string":
            bad = pd.Series(False, index=values.index)
        else:
            bad = ~values.map(lambda v: isinstance(v, str)).astype(bool)
        if kind == "key":
            bad |= values.eq("")
        return bad, "不是文字"
    if kind == "texts":
        return ~values.map(
            lambda v: isinstance(v, list | tuple) and all(isinstance(i, str) for i in v)
        ).astype(bool), "不是文字的列表"
    if kind == "choice":
        allowed = rule[1]
        return ~values.isin(allowed), f"不是{rule[2]}的规范值（{'、'.join(allowed)}）"
    if kind == "date":
        if inferred in ("date", "datetime"):
            return pd.Series(False, index=values.index), "不是日期"
        fits = values.map(lambda v: isinstance(v, dt.date) or _iso_date(v)).astype(bool)
        return ~fits, "不是日期"
    low, high, what = rule[1], rule[2], rule[3]
    if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
        numeric = np.ones(len(values), dtype=bool)
    else:
        numeric = values.map(
            lambda v: isinstance(v, _NUMBER_TYPES) and not isinstance(v, bool)
        ).to_numpy(dtype=bool)
    numbers = np.zeros(len(values), dtype=np.float64)
    numbers[numeric] = values.to_numpy(dtype=object)[numeric].astype(np.float64)
    with np.errstate(invalid="ignore"):
        within = numeric & np.isfinite(numbers) & (numbers >= low) & (numbers <= high)
        if kind == "int":
            fits = within & (numbers == np.round(numbers))
            why = f"不是 {low}–{high} 之间的整数{what}"
        else:
            fits = within & (np.abs(numbers * 100 - np.round(numbers * 100)) < 1e-6)
            why = f"不是 {low:g}–{high:g} 之间、至多两位小数的{what}"
    return pd.Series(~fits, index=values.index), why


def _iso_date(value: object) -> bool:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_staged(table: str, frame: pd.DataFrame) -> None:
    """Raise StagedValueError at the first value of `frame` that does not fit its column."""
    for column, rule in STAGED_RULES[table].items():
        if column not in frame.columns:
            continue
        values = frame[column]
        if rule[0] == "key":  # never "not given"
            given = pd.Series(True, index=frame.index)
        elif rule[0] == "texts":
            given = values.map(_given_list).astype(bool)
        else:
            given = values.notna()
        if not given.any():
            continue
        bad, why = _misfits(rule, values[given] if not given.all() else values)
        if bad.any():
            first = bad[bad].index[0]
            raise StagedValueError(
                table,
                column,
                values.loc[first],
                why,
                frame[SOURCE].loc[first] if SOURCE in frame.columns else None,
                frame[SOURCE_ROW].loc[first] if SOURCE_ROW in frame.columns else None,
            )


def _given_list(value: object) -> bool:
    """An honours cell: None and an empty list are "not given" (NaN too)."""
    if isinstance(value, list | tuple | np.ndarray):
        return True
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _with_source(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The frame with every expected column (missing ones empty: "not given") and a source."""
    frame = frame.copy(deep=False)  # columns are added or replaced, never changed in place
    for name in columns:
        if name not in frame.columns:
            frame[name] = None
    if SOURCE not in frame.columns:
        frame[SOURCE] = ""
    frame[SOURCE] = frame[SOURCE].fillna("").astype(str)
    return frame


def _register(cur: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    cur.unregister(name)
    cur.register(name, frame)


def _counts_by_source(cur: duckdb.DuckDBPyConnection, table: str) -> dict[str, Counts]:
    rows = cur.execute(
        f"""
        SELECT {SOURCE},
               count(*) FILTER (WHERE NOT existed) AS inserted,
               count(*) FILTER (WHERE existed AND changed) AS updated,
               count(*) FILTER (WHERE existed AND NOT changed) AS unchanged
        FROM {table} GROUP BY {SOURCE}
        """
    ).fetchall()
    return {source: Counts(int(i), int(u), int(n)) for source, i, u, n in rows}


def _upsert(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    incoming: str,
    keys: Sequence[str],
    values: Sequence[str],
    import_id: int,
    insert_extra: dict[str, str] | None = None,
    insert_defaults: dict[str, str] | None = None,
) -> dict[str, Counts]:
    """Merge the rows of the relation `incoming` (keys, values, source) into `table`.

    Table and column names come from the fixed lists in this module, never from data.
    """
    key_match = " AND ".join(f"t.{k} = i.{k}" for k in keys)
    # A staged NULL keeps the stored value, so "changed" compares the merged value with the old.
    changed = " OR ".join(f"(coalesce(i.{v}, t.{v}) IS DISTINCT FROM t.{v})" for v in values)
    cur.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE merge_rows AS
        SELECT i.*, t.{keys[0]} IS NOT NULL AS existed,
               t.{keys[0]} IS NOT NULL AND ({changed}) AS changed
        FROM {incoming} i LEFT JOIN {table} t ON {key_match}
        """
    )
    counts = _counts_by_source(cur, "merge_rows")
    # Keep the rows as they were, for rollback.
    cur.execute(
        f"""
        INSERT INTO {table}_replaced
        SELECT t.*, $import_id FROM {table} t
        WHERE EXISTS (SELECT 1 FROM merge_rows i WHERE i.changed AND {key_match})
        """,
        {"import_id": import_id},
    )
    assignments = ", ".join(f"{v} = coalesce(i.{v}, t.{v})" for v in values)
    cur.execute(
        f"""
        UPDATE {table} AS t SET {assignments}, import_id = $import_id
        FROM merge_rows i WHERE i.changed AND {key_match}
        """,
        {"import_id": import_id},
    )
    extra = insert_extra or {}
    columns = [*keys, *values, *extra, "import_id"]
    defaults = insert_defaults or {}
    selected = [
        *(f"i.{c}" for c in keys),
        *(f"coalesce(i.{c}, {defaults[c]})" if c in defaults else f"i.{c}" for c in values),
        *extra.values(),
        "$import_id",
    ]
    cur.execute(
        f"""
        INSERT INTO {table} ({", ".join(columns)})
        SELECT {", ".join(selected)} FROM merge_rows i WHERE NOT i.existed
        """,
        {"import_id": import_id},
    )
    cur.execute("DROP TABLE merge_rows")
    return counts


def _check_unique(frame: pd.DataFrame, keys: list[str], what: str) -> pd.DataFrame:
    """Identical repeats are merged; the same key with different values is the caller's bug."""
    # Lists (honours) are not hashable; compare them as tuples.
    hashable = frame.copy(deep=False)
    for column in hashable.columns:
        if hashable[column].dtype == object:
            values = hashable[column]
            lists = values.map(type).isin((list,)) if len(values) else values.astype(bool)
            if lists.any():
                hashable[column] = values.map(lambda v: tuple(v) if isinstance(v, list) else v)
    keep = ~hashable.duplicated(subset=[c for c in frame.columns if c not in (SOURCE, SOURCE_ROW)])
    deduped = frame[keep]
    repeated = hashable[keep].duplicated(subset=keys, keep=False)
    if repeated.any():
        sample = deduped.loc[repeated, keys].head(3).to_dict("records")
        raise ValueError(f"staged {what} repeat a key with different values: {sample}")
    return deduped


# A ledger line's identity: date, direction, amount, and which repeat of those it is within its
# studio; category and description are the values a corrected ledger may change. The key is the
# first 20 hex digits of the SHA-1 of "date|direction|amount with 2 decimals|repeat" — the date
# and direction as text ('None' when empty), the repeat counted from 0 in staged order. Written
# to the database, so it must never change: rows imported earlier are found again by it.
LEDGER_BASE_SQL = """
    coalesce(CAST(entry_date AS VARCHAR), 'None') || '|' ||
    coalesce(CAST(direction AS VARCHAR), 'None') || '|' ||
    printf('%.2f', CAST(amount AS DOUBLE))
"""
LEDGER_KEYED_SQL = f"""
    SELECT * EXCLUDE (ledger_base),
           left(sha1(ledger_base || '|' || CAST(row_number() OVER (
               PARTITION BY unit, studio, ledger_base ORDER BY staged_position) - 1 AS VARCHAR)),
                20) AS entry_key
    FROM (SELECT *, {LEDGER_BASE_SQL} AS ledger_base FROM staged_ledger)
    ORDER BY staged_position
"""


def _ledger_keys(ledger: pd.DataFrame) -> pd.Series:
    """The keys LEDGER_KEYED_SQL gives, computed in Python (kept to check the SQL against)."""
    base = (
        ledger["entry_date"].astype(str)
        + "|"
        + ledger["direction"].astype(str)
        + "|"
        + ledger["amount"].map(lambda a: f"{float(a):.2f}")
    )
    occurrence = ledger.assign(_base=base).groupby(["unit", "studio", "_base"]).cumcount()
    joined = base + "|" + occurrence.astype(str)
    return joined.map(lambda text: hashlib.sha1(text.encode("utf-8")).hexdigest()[:20])


def _add(total: dict[str, Counts], part: dict[str, Counts]) -> None:
    for source, counts in part.items():
        total.setdefault(source, Counts()).add(counts)


def next_import_id(cur: duckdb.DuckDBPyConnection) -> int:
    return int(fetch_one(cur, "SELECT nextval('import_id_seq')")[0])


def commit(
    cur: duckdb.DuckDBPyConnection,
    staged: Staged,
    *,
    action: str = "import",
    files: Sequence[str] = (),
    sha256: Sequence[str] = (),
    report: dict | None = None,
    user_name: str | None = None,
) -> CommitResult:
    """Write `staged` and record the import. Call inside `db.write()`; raises on bad input.

    The database as it was is kept as a snapshot first (labstudio.backups), before any write.
    """
    for table, frame in (
        ("studios", staged.studios),
        ("assessments", staged.assessments),
        ("revocations", staged.revocations),
        ("ledger", staged.ledger),
    ):
        check_staged(table, frame)
    backups.snapshot(cur, action)
    import_id = next_import_id(cur)
    by_source: dict[str, Counts] = {}

    studios = _with_source(staged.studios, STUDIO_COLUMNS)
    studios = _check_unique(studios, ["unit", "name"], "studios")
    children = {
        "assessments": _with_source(staged.assessments, ASSESSMENT_COLUMNS),
        "revocations": _with_source(staged.revocations, REVOCATION_COLUMNS),
        "ledger": _with_source(staged.ledger, LEDGER_COLUMNS),
    }
    children["assessments"] = _check_unique(
        children["assessments"], ["unit", "studio", "year"], "assessments"
    )
    children["revocations"] = _check_unique(
        children["revocations"], ["unit", "studio"], "revocations"
    )

    # Units: named by rosters and by any row that names a unit.
    unit_names = pd.concat(
        [studios["unit"], *(frame["unit"] for frame in children.values())], ignore_index=True
    )
    unit_frame = pd.DataFrame({"name": unit_names.dropna().astype(str).unique()})
    _register(cur, "incoming_units", unit_frame)
    cur.execute(
        """
        INSERT INTO units (unit_id, name, import_id)
        SELECT nextval('unit_id_seq'), i.name, $import_id FROM incoming_units i
        WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.name = i.name)
        """,
        {"import_id": import_id},
    )

    if len(studios):
        frame = studios.rename(columns={"unit": "unit_name"})
        frame["honours"] = frame["honours"].map(
            lambda h: list(h) if isinstance(h, list | tuple) and len(h) else None
        )
        _register(cur, "staged_studios", frame)
        cur.execute(
            """
            CREATE OR REPLACE TEMP VIEW incoming_studios AS
            SELECT u.unit_id, s.name, s.leader, s.leader_title, s.type,
                   CAST(s.batch AS INTEGER) AS batch, s.stage,
                   CAST(s.named_on AS DATE) AS named_on, s.achievements,
                   CAST(s.honours AS VARCHAR[]) AS honours, s.remarks, s.source
            FROM staged_studios s JOIN units u ON u.name = s.unit_name
            """
        )
        _add(
            by_source,
            _upsert(
                cur,
                "studios",
                "incoming_studios",
                ["unit_id", "name"],
                [
                    "leader",
                    "leader_title",
                    "type",
                    "batch",
                    "stage",
                    "named_on",
                    "achievements",
                    "honours",
                    "remarks",
                ],
                import_id,
                insert_extra={"studio_id": "nextval('studio_id_seq')"},
                insert_defaults={"honours": "[]::VARCHAR[]"},
            ),
        )

    for table, frame in children.items():
        if not len(frame):
            continue
        source = f"staged_{table}"
        if table == "ledger":
            frame = frame.assign(staged_position=np.arange(len(frame)))
        _register(cur, source, frame)
        if table == "ledger":
            # The keys of the whole staged ledger at once (repeats count across sources).
            cur.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE keyed_ledger AS {LEDGER_KEYED_SQL}
                """
            )
            source = "keyed_ledger"
        missing = cur.execute(
            f"""
            SELECT DISTINCT c.unit, c.studio FROM {source} c
            WHERE NOT EXISTS (
                SELECT 1 FROM studios s JOIN units u USING (unit_id)
                WHERE s.name = c.studio AND u.name = c.unit)
            LIMIT 5
            """
        ).fetchall()
        if missing:
            raise ValueError(f"staged {table} name unknown studios: {missing}")
        select = {
            # CAST, never TRY_CAST: check_staged has refused what would not fit, and should
            # anything slip past it, DuckDB's refusal fails the commit instead of storing NULL.
            "assessments": """CAST(c.year AS INTEGER) AS year,
                              CAST(c.score AS DECIMAL(5, 2)) AS score, c.grade, c.remarks""",
            "revocations": """CAST(c.revoked_on AS DATE) AS revoked_on, c.ground, c.reason""",
            "ledger": """c.entry_key, CAST(c.entry_date AS DATE) AS entry_date, c.direction,
                         c.category, CAST(c.amount AS DECIMAL(14, 2)) AS amount,
                         c.description""",
        }[table]
        cur.execute(
            f"""
            CREATE OR REPLACE TEMP VIEW incoming_{table} AS
            SELECT s.studio_id, {select}, c.source
            FROM {source} c
            JOIN units u ON u.name = c.unit
            JOIN studios s ON s.unit_id = u.unit_id AND s.name = c.studio
            """
        )
        keys, values, extra = {
            "assessments": (["studio_id", "year"], ["score", "grade", "remarks"], None),
            "revocations": (["studio_id"], ["revoked_on", "ground", "reason"], None),
            "ledger": (
                ["studio_id", "entry_key"],
                ["entry_date", "direction", "category", "amount", "description"],
                {"entry_id": "nextval('ledger_id_seq')"},
            ),
        }[table]
        _add(by_source, _upsert(cur, table, f"incoming_{table}", keys, values, import_id, extra))

    totals = Counts()
    for counts in by_source.values():
        totals.add(counts)
    cur.execute(
        """
        INSERT INTO imports (import_id, happened_at, action, files, sha256, status, row_count,
                             inserted, updated, unchanged, user_name, report)
        VALUES ($id, $at, $action, $files, $sha, 'committed', $rows, $ins, $upd, $unch, $user,
                $report)
        """,
        {
            "id": import_id,
            "at": datetime.now().replace(microsecond=0),
            "action": action,
            "files": list(files),
            "sha": list(sha256),
            "rows": staged.rows,
            "ins": totals.inserted,
            "upd": totals.updated,
            "unch": totals.unchanged,
            "user": user_name,
            "report": json.dumps(report, ensure_ascii=False) if report is not None else None,
        },
    )
    for name in ("incoming_units", "staged_studios", *(f"staged_{t}" for t in children)):
        cur.unregister(name)
    cur.execute("DROP TABLE IF EXISTS keyed_ledger")
    return CommitResult(import_id, totals, by_source)


DATA_TABLES = ("ledger", "revocations", "assessments", "studios", "units")
# Applications are only ever inserted (a decision is a row of its own), so a rollback deletes
# what the import wrote and has nothing to put back.
APPLICATION_TABLES = ("application_decisions", "applications")
CHILD_TABLES = ("ledger", "revocations", "assessments")


def rollback_blockers(cur: duckdb.DuckDBPyConnection, import_id: int) -> list[int]:
    """Later, still-committed imports that updated or refer to rows `import_id` wrote."""
    later = "SELECT import_id FROM imports WHERE import_id > $id AND status = 'committed'"
    checks = [
        # A later import replaced a row this import wrote.
        *(
            f"SELECT replaced_by FROM {t}_replaced WHERE import_id = $id AND replaced_by IN ({later})"
            for t in DATA_TABLES
        ),
        # A later import hung rows on a studio this import created.
        *(
            f"""SELECT c.import_id FROM {t} c JOIN studios s USING (studio_id)
                WHERE s.import_id = $id AND c.import_id IN ({later})
                  AND NOT EXISTS (SELECT 1 FROM studios_replaced r
                                  WHERE r.studio_id = s.studio_id AND r.replaced_by = $id)"""
            for t in CHILD_TABLES
        ),
        # ...including rows of that later import that a still later one has since replaced.
        *(
            f"""SELECT c.import_id FROM {t}_replaced c JOIN studios s USING (studio_id)
                WHERE s.import_id = $id AND c.import_id IN ({later})
                  AND NOT EXISTS (SELECT 1 FROM studios_replaced r
                                  WHERE r.studio_id = s.studio_id AND r.replaced_by = $id)"""
            for t in CHILD_TABLES
        ),
        # A later import put a studio in a unit this import created.
        f"""SELECT s.import_id FROM studios s JOIN units u USING (unit_id)
            WHERE u.import_id = $id AND s.import_id IN ({later})""",
        # A later decision on an application this import saved or decided.
        f"""SELECT d.import_id FROM application_decisions d
            WHERE d.import_id IN ({later}) AND d.application_id IN (
                SELECT application_id FROM applications WHERE import_id = $id
                UNION SELECT application_id FROM application_decisions WHERE import_id = $id)""",
    ]
    rows = cur.execute(
        " UNION ".join(f"({q})" for q in checks) + " ORDER BY 1", {"id": import_id}
    ).fetchall()
    return [int(r[0]) for r in rows]


def rollback(
    cur: duckdb.DuckDBPyConnection,
    import_id: int,
    user_name: str | None = None,
    client: str | None = None,
) -> int:
    """Undo one import inside `db.write()`; returns the id of the rollback's own history entry.

    A snapshot is kept before anything changes, and the rollback is recorded in the audit log
    in the same transaction.
    """
    row = fetch_one(cur, "SELECT status, action FROM imports WHERE import_id = ?", [import_id])
    if row is None:
        raise RollbackError(f"没有编号为 #{import_id} 的导入记录。请用 history 命令查看导入编号。")
    status, action = row
    if action == "rollback":
        raise RollbackError(f"#{import_id} 本身是一次撤销，不能再撤销。")
    if status != "committed":
        raise RollbackError(f"导入 #{import_id} 已经撤销过了。")
    blockers = rollback_blockers(cur, import_id)
    if blockers:
        raise RollbackRefused(import_id, blockers)
    backups.snapshot(cur, "rollback")
    params = {"id": import_id}
    for table in (*APPLICATION_TABLES, *DATA_TABLES):
        cur.execute(f"DELETE FROM {table} WHERE import_id = $id", params)
    for table in reversed(DATA_TABLES):
        cur.execute(
            f"INSERT INTO {table} SELECT * EXCLUDE (replaced_by) FROM {table}_replaced "
            "WHERE replaced_by = $id",
            params,
        )
        cur.execute(f"DELETE FROM {table}_replaced WHERE replaced_by = $id", params)
    cur.execute("UPDATE imports SET status = 'rolled_back' WHERE import_id = $id", params)
    entry = next_import_id(cur)
    files, sha = fetch_one(cur, "SELECT files, sha256 FROM imports WHERE import_id = $id", params)
    cur.execute(
        """
        INSERT INTO imports (import_id, happened_at, action, files, sha256, status, target_import_id,
                             user_name)
        VALUES ($entry, $at, 'rollback', $files, $sha, 'rollback', $id, $user)
        """,
        {
            "entry": entry,
            "at": datetime.now().replace(microsecond=0),
            "files": files,
            "sha": sha,
            "id": import_id,
            "user": user_name,
        },
    )
    audit.record(
        cur,
        "rollback",
        user_name,
        {"import_id": import_id, "rollback_entry": entry, "files": files, "sha256": sha},
        client,
    )
    return entry


def history(cur: duckdb.DuckDBPyConnection) -> list[dict]:
    """The import history, newest first, in the shape `history --json` prints."""
    rows = cur.execute(
        """
        SELECT import_id, happened_at, action, files, sha256, status, row_count, inserted, updated, unchanged,
               target_import_id, user_name
        FROM imports ORDER BY import_id DESC
        """
    ).fetchall()
    keys = (
        "import_id",
        "at",
        "action",
        "files",
        "sha256",
        "status",
        "rows",
        "inserted",
        "updated",
        "unchanged",
        "target_import_id",
        "user",
    )
    entries = []
    for row in rows:
        entry = dict(zip(keys, row, strict=True))
        entry["at"] = entry["at"].isoformat()
        entries.append(entry)
    return entries


# ---------------------------------------------------------------------------- applications
# 申报初审 (issue 12): applications saved as screened, and the decisions that follow. Both are
# history entries of their own (actions 'screening' and 'decision'), undone by `rollback`.

APPLICATION_COLUMNS = [
    "batch",
    "batch_from",
    "unit",
    "studio",
    "leader",
    "leader_title",
    "type",
    "achievements",
    "honours",
    "applied_on",
    "source_file",
    "source_sheet",
    "source_row",
    "verdict",
    "screening",
]


def _history_entry(
    cur: duckdb.DuckDBPyConnection,
    import_id: int,
    action: str,
    files: Sequence[str],
    sha256: Sequence[str],
    rows: int,
    report: dict,
    user_name: str | None,
) -> None:
    cur.execute(
        """
        INSERT INTO imports (import_id, happened_at, action, files, sha256, status, row_count,
                             inserted, user_name, report)
        VALUES ($id, $at, $action, $files, $sha, 'committed', $rows, $rows, $user, $report)
        """,
        {
            "id": import_id,
            "at": datetime.now().replace(microsecond=0),
            "action": action,
            "files": list(files),
            "sha": list(sha256),
            "rows": rows,
            "user": user_name,
            "report": json.dumps(report, ensure_ascii=False),
        },
    )


def save_applications(
    cur: duckdb.DuckDBPyConnection,
    rows: pd.DataFrame,
    *,
    files: Sequence[str],
    sha256: Sequence[str],
    report: dict,
    user_name: str | None = None,
    part_of: int | None = None,
) -> int:
    """Insert screened applications (APPLICATION_COLUMNS) as one history entry; inside
    `db.write()`. Returns the entry's import id. `part_of`: written as part of that entry
    (the demo load) instead of an entry of their own."""
    if part_of is None:
        backups.snapshot(cur, "screening")
    import_id = part_of if part_of is not None else next_import_id(cur)
    frame = rows[APPLICATION_COLUMNS].copy()
    frame["honours"] = frame["honours"].map(
        lambda h: list(h) if isinstance(h, list | tuple) else []
    )
    _register(cur, "staged_applications", frame)
    cur.execute(
        f"""
        INSERT INTO applications (application_id, {", ".join(APPLICATION_COLUMNS)}, import_id)
        SELECT nextval('application_id_seq'), CAST(batch AS INTEGER), batch_from, unit, studio,
               leader, leader_title, type, achievements, CAST(honours AS VARCHAR[]),
               CAST(applied_on AS DATE), source_file, source_sheet,
               CAST(source_row AS INTEGER), verdict, CAST(screening AS JSON), $import_id
        FROM staged_applications
        """,
        {"import_id": import_id},
    )
    cur.unregister("staged_applications")
    if part_of is None:
        _history_entry(cur, import_id, "screening", files, sha256, len(frame), report, user_name)
    return import_id


def record_decision(
    cur: duckdb.DuckDBPyConnection,
    application_id: int,
    decision: str,
    *,
    note: str | None,
    user_name: str | None,
    description: str,
    studio: Staged | None = None,
    part_of: int | None = None,
) -> int:
    """One decision on an application, as a history entry of its own; inside `db.write()`.

    With `studio` (委审核确认), the studio is written by the same entry, so rolling the
    decision back removes it again. The caller has checked the order of decisions.
    `part_of`: written as part of that entry (the demo load), for a decision without a studio.
    """
    report = {"application_id": application_id, "decision": decision, "note": note}
    studio_id = None
    if studio is not None:
        result = commit(
            cur,
            studio,
            action="decision",
            files=[description],
            report=report,
            user_name=user_name,
        )
        import_id = result.import_id
        row = studio.studios.iloc[0]
        studio_id = fetch_one(
            cur,
            "SELECT s.studio_id FROM studios s JOIN units u USING (unit_id) "
            "WHERE u.name = $unit AND s.name = $name",
            {"unit": row["unit"], "name": row["name"]},
        )[0]
    elif part_of is not None:
        import_id = part_of
    else:
        backups.snapshot(cur, "decision")
        import_id = next_import_id(cur)
        _history_entry(cur, import_id, "decision", [description], [], 1, report, user_name)
    cur.execute(
        """
        INSERT INTO application_decisions (decision_id, application_id, decision, decided_by,
                                           decided_at, note, studio_id, import_id)
        VALUES (nextval('decision_id_seq'), $application, $decision, $user, $at, $note, $studio,
                $import_id)
        """,
        {
            "application": application_id,
            "decision": decision,
            "user": user_name,
            "at": datetime.now().replace(microsecond=0),
            "note": note,
            "studio": studio_id,
            "import_id": import_id,
        },
    )
    return import_id
