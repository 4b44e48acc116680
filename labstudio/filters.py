"""The global filters (year, type, batch, unit, status) and their translation to SQL.

A filter never pastes a value into SQL: `studio_condition()` returns a WHERE fragment over fixed
column names and a dict of bound parameters. Values that match nothing simply select nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace

from labstudio import labels
from labstudio.domain import TYPES, UNTYPED, normalise_text, parse_batch, parse_type

STATUSES: tuple[str, ...] = ("active", "revoked")
FILTER_KEYS: tuple[str, ...] = ("year", "type", "batch", "unit", "status")


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    type: str | None = None  # a canonical type, or 未分类 for studios of unknown type
    batch: int | None = None
    unit: str | None = None
    status: str | None = None  # active | revoked

    def with_year(self, year: int | None) -> Filters:
        return replace(self, year=year)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def as_query(self) -> dict[str, str]:
        """The URL query form (?year=2023&type=技术创新型&batch=3&unit=…)."""
        return {k: str(v) for k, v in asdict(self).items() if v is not None}


def parse_year(value: object) -> int | None:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return year if 1900 <= year <= 2200 else None


def from_mapping(values: Mapping[str, object]) -> Filters:
    """Filters from loose input (URL query, CLI options). Unreadable values are dropped.

    A type or unit that matches no studio is kept as given: the view is then empty, not an error.
    """

    def get(key: str) -> object:
        value = values.get(key)
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return value

    raw_type = get("type")
    if raw_type is None:
        type_ = None
    elif str(raw_type).strip() == UNTYPED:
        type_ = UNTYPED
    else:
        type_ = parse_type(raw_type) or str(raw_type).strip()
    raw_batch = get("batch")
    batch = parse_batch(raw_batch) if raw_batch is not None else None
    if raw_batch is not None and batch is None:
        batch = -1  # a batch that cannot exist: an empty view, as for any value matching nothing
    status = get("status")
    unit = get("unit")
    return Filters(
        year=parse_year(get("year")) if get("year") is not None else None,
        type=type_,
        batch=batch,
        unit=str(unit).strip() if unit is not None else None,
        status=str(status) if status in STATUSES else None,
    )


# The option of each filter that means "no filter", whose label a link may carry (links copied
# while the dashboard wrote labels into the URL held ?year=全部年度&type=全部类型).
_ALL_LABELS = {
    "year": "filters.all_years",
    "type": "filters.all_types",
    "batch": "filters.all_batches",
    "unit": "filters.all_units",
    "status": "filters.all_statuses",
}


def canonical_value(key: str, value: object) -> str:
    """A filter value from a link or a click as the URL and the session keep it: "" for none.

    Display labels in either language become the stored value they stand for (全部年度 → "",
    第三批 / Batch 3 → "3", Technical innovation → 技术创新型, 已撤销 / Revoked → revoked). A value
    that stands for nothing known is kept as given: the view is then empty and the sidebar says
    the value matches nothing, rather than the filter being silently dropped.
    """
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    folded = normalise_text(text).casefold()

    def said(label_key: str) -> set[str]:
        return {normalise_text(labels.label(label_key, lang)).casefold() for lang in labels.LANGS}

    if folded in said(_ALL_LABELS[key]):
        return ""
    if key == "year":
        year = parse_year(text)
        return str(year) if year is not None else text
    if key == "type":
        if text == UNTYPED or folded in said_value(UNTYPED):
            return UNTYPED
        for canonical in TYPES:
            if folded in said_value(canonical):
                return canonical
        return parse_type(text) or text
    if key == "batch":
        english = re.fullmatch(r"batch(\d+)", folded)
        batch = int(english.group(1)) if english else parse_batch(text)
        return str(batch) if batch is not None else text
    if key == "status":
        for status in STATUSES:
            if folded == status or folded in said(f"status.{status}"):
                return status
        return text
    return text


def said_value(value: str) -> set[str]:
    """A domain value as written in either language, folded for comparison."""
    return {normalise_text(labels.value(value, lang)).casefold() for lang in labels.LANGS}


# Full-width ASCII forms (U+FF01-U+FF5E) and the ideographic space, and what NFKC makes of them.
_WIDE = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
_NARROW = "".join(chr(c) for c in range(0x21, 0x7F)) + " "


def studio_condition(filters: Filters, studio: str = "s", unit: str = "u") -> tuple[str, dict]:
    """WHERE fragment over a studios alias `studio` joined to units alias `unit`.

    The aliases are chosen by the calling query, from its own fixed text.
    """
    clauses: list[str] = []
    params: dict[str, object] = {}
    if filters.type is not None:
        if filters.type == UNTYPED:
            clauses.append(f"{studio}.type IS NULL")
        elif filters.type in TYPES:
            clauses.append(f"{studio}.type = $f_type")
            params["f_type"] = filters.type
        else:
            clauses.append("FALSE")
    if filters.batch is not None:
        clauses.append(f"{studio}.batch = $f_batch")
        params["f_batch"] = filters.batch
    if filters.unit is not None:
        # As studios are matched (cli.md): white space and full/half width do not count, so
        # --unit 青岛大学附属医院(市南院区) finds the stored 青岛大学附属医院（市南院区）.
        clauses.append(
            f"regexp_replace(translate({unit}.name, $f_wide, $f_narrow), '\\s+', '', 'g') = $f_unit"
        )
        params.update(f_unit=normalise_text(filters.unit), f_wide=_WIDE, f_narrow=_NARROW)
    # studio_id is never NULL, so NOT IN is safe; DuckDB hashes revocations once for it.
    if filters.status == "revoked":
        clauses.append(f"{studio}.studio_id IN (SELECT studio_id FROM revocations)")
    elif filters.status == "active":
        clauses.append(f"{studio}.studio_id NOT IN (SELECT studio_id FROM revocations)")
    return (" AND ".join(clauses) or "TRUE"), params


def year_condition(filters: Filters, column: str, *, is_date: bool = True) -> tuple[str, dict]:
    """Limit a DATE column (or, with is_date=False, an INTEGER year column) to the filter's year.

    `column` is a fixed name from the calling query.
    """
    if filters.year is None:
        return "TRUE", {}
    expression = f"year({column})" if is_date else column
    return f"{expression} = $f_year", {"f_year": filters.year}
