"""What a sheet holds, from the fields its header names."""

from __future__ import annotations

from labstudio.importer.headers import Header

STUDIOS, ASSESSMENTS, REVOCATIONS, FUNDS, SKIPPED = (
    "studios",
    "assessments",
    "revocations",
    "funds",
    "skipped",
)
KINDS = (STUDIOS, ASSESSMENTS, REVOCATIONS, FUNDS, SKIPPED)
KIND_LABELS = {
    STUDIOS: "工作室名单",
    ASSESSMENTS: "年度考核结果",
    REVOCATIONS: "撤销称号名单",
    FUNDS: "经费台账",
    SKIPPED: "未导入",
}

# Generic fields resolved per kind: 日期 is the revocation date in a revocation list and the entry
# date in a ledger; 备注 is a remark or a ledger line's description; 类别 a type or a use.
_GENERIC = {
    STUDIOS: {"date": "named_on", "note": "remarks", "class": "type"},
    ASSESSMENTS: {"note": "remarks"},
    REVOCATIONS: {"date": "revoked_on", "note": "reason_note"},
    FUNDS: {"date": "entry_date", "note": "description", "class": "category"},
}

# Fields each kind reads; any other recognised column is ignored with a note.
KIND_FIELDS = {
    STUDIOS: {
        "unit",
        "name",
        "name_leader",
        "leader",
        "leader_title",
        "type",
        "batch",
        "stage",
        "named_on",
        "achievements",
        "honours",
        "remarks",
    },
    ASSESSMENTS: {"unit", "name", "name_leader", "year", "score", "grade", "remarks"},
    REVOCATIONS: {"unit", "name", "name_leader", "revoked_on", "ground", "reason_note"},
    FUNDS: {
        "unit",
        "name",
        "name_leader",
        "entry_date",
        "direction",
        "category",
        "amount",
        "income",
        "expense",
        "description",
        "debit",
        "credit",
    },
}


_NAMED = {"name", "name_leader"}
# Kind → the fields whose presence decides it, in the order detect_kind tries them.
_DECIDING = (
    (REVOCATIONS, {"ground", "revoked_on"}),
    (FUNDS, {"amount", "income", "expense", "debit", "credit"}),
    (ASSESSMENTS, {"score", "grade"}),
    (
        STUDIOS,
        {
            "unit",
            "leader",
            "leader_title",
            "type",
            "batch",
            "achievements",
            "honours",
            "stage",
            "named_on",
            "class",
            "name_leader",
        },
    ),
)


def detect_kind(header: Header) -> str:
    """Revocations, then funds, then assessments, then a roster; else skipped."""
    fields = {cell.field for cell in header.cells if cell.field}
    if not fields & _NAMED:
        return SKIPPED
    for kind, deciding in _DECIDING:
        if fields & deciding:
            return kind
    return SKIPPED


def kind_evidence(header: Header, kind: str) -> list[str]:
    """The headers, as written, that made the sheet this kind: its studio-name column and the
    columns of the first rule that fitted (考核得分, 考核等次 for assessment results)."""
    deciding = dict(_DECIDING).get(kind, set()) | _NAMED
    # Before resolve_fields: 日期 in a revocation list is still the generic 'date'.
    return [cell.text for cell in header.cells if cell.field in deciding]


def resolve_fields(header: Header, kind: str) -> None:
    """Give generic fields their kind-specific meaning, in place."""
    generic = _GENERIC.get(kind, {})
    for cell in header.cells:
        if cell.field in generic:
            cell.field = generic[cell.field]
