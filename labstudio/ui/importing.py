"""The import page for analysts: upload, preview and check, commit; history with rollback; templates.

The page checks files with a dry run of the same pipeline the command line uses, and commits with
a second call only when the analyst presses the button, so nothing is written before that.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import pandas as pd
import streamlit as st

from labstudio import audit, backups, db, store
from labstudio.importer import ImportOutcome, import_files
from labstudio.importer.errors_report import error_workbook, template_workbook
from labstudio.importer.headers import FIELD_LABELS
from labstudio.labels import LABELS, label
from labstudio.ui import charts_ui, data, signin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ("studios", "assessments", "revocations", "funds")


def _connection():
    return db.connection(db.default_db_path())


def _uploads_key(uploads: list[tuple[str, bytes]], overrides: dict, years: dict) -> str:
    digest = hashlib.sha256()
    for name, content in uploads:
        digest.update(name.encode("utf-8"))
        digest.update(hashlib.sha256(content).digest())
    digest.update(repr(sorted(overrides.items())).encode("utf-8"))
    digest.update(repr(sorted(years.items())).encode("utf-8"))
    return digest.hexdigest()


def _overrides() -> dict[tuple[str, str], dict[str, str | None]]:
    """Column mappings the analyst fixed by hand, per (file, sheet)."""
    return st.session_state.setdefault("import_overrides", {})


YEAR_KEY = "import_year_"  # + file + sheet: the year control of one assessment sheet


def _years() -> dict[tuple[str, str], int]:
    """Years of assessment sheets the analyst set by hand, per (file, sheet)."""
    return st.session_state.setdefault("import_years", {})


def _set_year(file: str, sheet: str, key: str) -> None:
    year = st.session_state.get(key)
    if year is None:
        _years().pop((file, sheet), None)
    else:
        _years()[(file, sheet)] = int(year)


def _hand_made() -> dict:
    """What the analyst fixed by hand, passed to the check and to the commit alike."""
    return {"overrides": _overrides(), "years_by_hand": _years()}


def _forget_hand_made() -> None:
    """After a commit: the next upload starts from what its files say."""
    for key in [k for k in st.session_state if str(k).startswith((YEAR_KEY, "mapping_"))]:
        del st.session_state[key]
    st.session_state.pop("import_overrides", None)
    st.session_state.pop("import_years", None)


def _checked(uploads: list[tuple[str, bytes]]) -> ImportOutcome:
    """The dry run for these files, kept for the session so a rerun does not parse them again."""
    key = "import_check_" + _uploads_key(uploads, _overrides(), _years())
    if key not in st.session_state:
        for old in [k for k in st.session_state if str(k).startswith("import_check_")]:
            del st.session_state[old]
        st.session_state[key] = import_files(
            _connection(),
            uploads,
            dry_run=True,
            user_name=signin.analyst(),
            client=signin.client(),
            **_hand_made(),
        )
    return st.session_state[key]


def _messages_frame(messages, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                label("import.col.file", lang): m.file,
                label("import.col.sheet", lang): m.sheet,
                label("import.col.row", lang): m.row,
                label("import.col.column", lang): m.column,
                label("import.col.message", lang): m.message,
            }
            for m in messages
        ]
    )


MESSAGES_SHOWN = 30  # whole, wrapped; the rest in a grid and in the downloadable report


def _messages(messages, lang: str, key: str) -> None:
    """Messages as a static table whose 说明 wraps: an analyst must read them to the end.

    A long list shows its first MESSAGES_SHOWN rows so; all of them are one click away in a
    grid, and in the error report workbook next to the offending cells.
    """
    frame = _messages_frame(messages, lang)
    charts_ui.short_list(frame.head(MESSAGES_SHOWN), lang)
    if len(frame) > MESSAGES_SHOWN:
        with st.expander(label("import.all_messages", lang, count=len(frame))):
            st.dataframe(frame, hide_index=True, key=f"{key}_all")


def _sheets_frame(outcome: ImportOutcome, lang: str) -> pd.DataFrame:
    rows = []
    for entry in outcome.files:
        for sheet in entry["sheets"]:
            rows.append(
                {
                    label("import.col.file", lang): entry["file"],
                    label("import.col.sheet", lang): sheet["sheet"],
                    label("import.col.kind", lang): label(f"import.kind.{sheet['kind']}", lang),
                    label("import.col.rows", lang): sheet["rows"],
                    label("import.col.inserted", lang): sheet["inserted"],
                    label("import.col.updated", lang): sheet["updated"],
                    label("import.col.unchanged", lang): sheet["unchanged"],
                    label("import.col.year", lang): _year_cell(sheet, lang),
                }
            )
    return pd.DataFrame(rows)


def _year_cell(sheet: dict, lang: str) -> str:
    """An assessment sheet's year and where it came from, for the table of sheets."""
    if sheet["kind"] != "assessments":
        return ""
    if sheet.get("year") is not None:
        return f"{sheet['year']}：{sheet['year_from']}"
    return sheet.get("year_from") or label("import.year.unknown", lang)


def _how(column: dict, lang: str) -> str:
    if not column["how"]:
        return ""
    if column["how"] == "fuzzy":
        return label("import.how.fuzzy", lang, score=column["score"] or 0)
    return label(f"import.how.{column['how']}", lang)


def _mapping_editor(preview, lang: str) -> None:
    """The header → field mapping of one sheet, editable: a wrong guess is fixed by hand.
    Beside each mapping: how it was found (exact, variant, keyword, fuzzy with its score, by
    hand) and, for an ignored column, why."""
    ignore = label("import.field.ignore", lang)
    choices = {ignore: None, **{text: name for name, text in FIELD_LABELS.items()}}
    why = {entry["column"]: entry["why"] for entry in preview.inferences.get("ignored", [])}
    shown = pd.DataFrame(
        [
            {
                label("import.col.header", lang): c["column"],
                label("import.col.field", lang): FIELD_LABELS.get(c["field"], ignore)
                if c["field"]
                else ignore,
                label("import.col.how", lang): _how(c, lang),
                label("import.col.note", lang): why.get(c["column"], ""),
            }
            for c in preview.columns
        ]
    )
    edited = st.data_editor(
        shown,
        hide_index=True,
        disabled=[
            label("import.col.header", lang),
            label("import.col.how", lang),
            label("import.col.note", lang),
        ],
        column_config={
            label("import.col.field", lang): st.column_config.SelectboxColumn(
                options=list(choices), required=True
            )
        },
        key=f"mapping_{preview.file}_{preview.sheet}",
    )
    changed = {
        header: choices[field]
        for header, field, before in zip(
            edited[label("import.col.header", lang)],
            edited[label("import.col.field", lang)],
            shown[label("import.col.field", lang)],
            strict=True,
        )
        if field != before
    }
    if changed:
        fixed = _overrides().setdefault((preview.file, preview.sheet), {})
        fixed.update(changed)
        st.rerun()


def _year_block(preview, lang: str) -> None:
    """An assessment sheet's year, where it came from, the dates that did not decide it, and
    the control that sets it by hand."""
    found = preview.inferences
    safe = charts_ui.markdown_text
    if found.get("year_by_hand"):
        previous = found.get("year_found") or label("import.year.unknown", lang)
        st.markdown(label("import.year.by_hand", lang, year=found["year"], found=safe(previous)))
    elif found.get("year") is not None:
        st.markdown(
            label("import.year.found", lang, year=found["year"], source=safe(found["year_from"]))
        )
    elif found.get("year_from"):
        st.markdown(label("import.year.several", lang, source=safe(found["year_from"])))
    else:
        st.warning(label("import.year.none", lang), icon=":material/help:")
    if found.get("year_not_from"):
        dates = "、".join(f"“{safe(d)}”" for d in found["year_not_from"])
        st.caption(label("import.year.not_from", lang, dates=dates))
    if preview.year_settable:
        key = f"{YEAR_KEY}{preview.file}_{preview.sheet}"
        st.number_input(
            label("import.year.set", lang),
            min_value=2000,
            max_value=2100,
            value=None,
            step=1,
            format="%d",
            placeholder=label("import.year.placeholder", lang),
            help=label("import.year.set_help", lang),
            key=key,
            on_change=_set_year,
            args=(preview.file, preview.sheet, key),
            width=320,
        )


# The columns of the two tables of values the importer read or filled in: label → entry key.
_CANONICAL_COLUMNS = {
    "import.col.column": "column",
    "import.col.read_as": "value",
    "import.col.count": "count",
    "import.col.examples": "examples",
}
_DEFAULT_COLUMNS = {
    "import.col.filled": "value",
    "import.col.count": "rows",
    "import.col.why": "why",
}


def _entries(entries: list[dict], columns: dict[str, str], lang: str) -> pd.DataFrame:
    def cell(value: object) -> object:
        if isinstance(value, list):
            return "、".join(value)
        return value if isinstance(value, int) else str(value or "")

    return pd.DataFrame(
        [
            {
                label("import.col.field_name", lang): FIELD_LABELS.get(e["field"], e["field"]),
                **{label(key, lang): cell(e[name]) for key, name in columns.items()},
            }
            for e in entries
        ]
    )


def _value_tables(preview, lang: str) -> None:
    """Free text read as canonical values, and values filled in, with counts and examples."""
    for title, name, columns in (
        ("import.canonical", "canonicalised", _CANONICAL_COLUMNS),
        ("import.defaults", "defaults", _DEFAULT_COLUMNS),
    ):
        entries = preview.inferences.get(name)
        if entries:
            st.markdown(f"**{label(title, lang)}**")
            charts_ui.short_list(_entries(entries, columns, lang), lang)


def _grant_defaults(outcome: ImportOutcome, lang: str) -> None:
    """The studios of the upload that the figures will count as granted the standard 10,000."""
    for entry in outcome.defaults:
        if entry["default"] != "standard_grant":
            continue
        st.info(
            label("import.grant_default", lang, count=entry["count"], amount=entry["value"]),
            icon=":material/info:",
        )
        with st.expander(label("import.grant_default_list", lang, count=entry["count"])):
            charts_ui.list_view(
                pd.DataFrame(
                    [
                        {
                            label("import.col.unit", lang): s["unit"],
                            label("import.col.studio", lang): s["studio"],
                        }
                        for s in entry["studios"]
                    ]
                ),
                "import_grant_defaults",
                lang,
            )


def _preview(outcome: ImportOutcome, lang: str) -> None:
    for preview in outcome.previews:
        title = label(
            "import.preview_of",
            lang,
            file=preview.file,
            sheet=preview.sheet,
            kind=label(f"import.kind.{preview.kind}", lang),
        )
        # The year of an assessment sheet is the guess that matters most: shown open.
        expanded = (preview.kind == "skipped" and bool(preview.columns)) or (
            preview.kind == "assessments"
        )
        with st.expander(title, expanded=expanded):
            if preview.kind == "assessments":
                _year_block(preview, lang)
            if preview.header_row:
                if preview.inferences.get("kind_from"):
                    headers = "、".join(
                        charts_ui.markdown_text(h.replace("\n", " ").strip())
                        for h in preview.inferences["kind_from"]
                    )
                    kind = label(f"import.kind.{preview.kind}", lang)
                    st.caption(label("import.kind_from", lang, kind=kind, headers=headers))
                st.caption(
                    label(
                        "import.header_found",
                        lang,
                        row=preview.header_row,
                        rows=preview.rows,
                        skipped=preview.skipped,
                    )
                )
            if preview.columns:
                _mapping_editor(preview, lang)
            _value_tables(preview, lang)
            if len(preview.first_rows):
                st.dataframe(preview.first_rows, hide_index=True)


def _upload_tab(lang: str) -> None:
    files = st.file_uploader(
        label("import.drop", lang),
        type=["xlsx", "xlsm", "xls", "csv"],
        accept_multiple_files=True,
        key="import_files",
        help=label("import.drop_help", lang),
    )
    if not files:
        st.caption(label("import.nothing_yet", lang))
        return
    uploads = [(f.name, f.getvalue()) for f in files]
    with st.spinner(label("import.checking", lang)):
        outcome = _checked(uploads)

    st.subheader(label("import.what_changes", lang), anchor=False)
    sheets = _sheets_frame(outcome, lang)
    if len(sheets):
        st.dataframe(sheets, hide_index=True)
    if outcome.errors:
        st.error(
            label("import.has_errors", lang, count=len(outcome.errors)), icon=":material/error:"
        )
        _messages(outcome.errors, lang, "import_errors")
        for name, content in uploads:
            mine = [m for m in [*outcome.errors, *outcome.warnings] if m.file == name]
            if not mine:
                continue
            st.download_button(
                label("import.error_report", lang, file=name),
                # Made when clicked, in a child process: it reads the untrusted file again.
                lambda content=content, name=name, mine=mine: error_workbook(content, name, mine),
                file_name=f"问题说明-{name.rsplit('.', 1)[0]}.xlsx",
                mime=XLSX,
                icon=":material/download:",
                key=f"error_report_{name}",
                on_click="ignore",
            )
    if outcome.warnings:
        st.warning(
            label("import.has_warnings", lang, count=len(outcome.warnings)),
            icon=":material/warning:",
        )
        _messages(outcome.warnings, lang, "import_warnings")
    _grant_defaults(outcome, lang)
    _preview(outcome, lang)

    can_commit = not outcome.errors and outcome.exit_code == 0
    if st.button(
        label("import.commit", lang),
        type="primary",
        disabled=not can_commit,
        icon=":material/database_upload:",
        key="import_commit",
    ):
        # The commit reads the files with the same hand-made fixes as the check it confirms.
        result = import_files(
            _connection(),
            uploads,
            user_name=signin.analyst(),
            client=signin.client(),
            **_hand_made(),
        )
        for key in [k for k in st.session_state if str(k).startswith("import_check_")]:
            del st.session_state[key]
        data.clear()
        if result.status == "committed":
            _forget_hand_made()
            st.session_state["import_done"] = result.import_id
        else:
            st.session_state["import_failed"] = [m.message for m in result.errors][:5]
        st.rerun()


def _history_tab(lang: str) -> None:
    entries = store.history(data.cursor())
    if not entries:
        st.caption(label("import.no_history", lang))
        return
    table = pd.DataFrame(
        [
            {
                "#": e["import_id"],
                label("import.col.time", lang): e["at"].replace("T", " "),
                label("import.col.files", lang): "、".join(e["files"]),
                label("import.col.status", lang): label(f"import.status.{e['status']}", lang),
                label("import.col.rows", lang): e["rows"],
                label("import.col.inserted", lang): e["inserted"],
                label("import.col.updated", lang): e["updated"],
                label("import.col.user", lang): e["user"] or "",
            }
            for e in entries
        ]
    )
    st.dataframe(table, hide_index=True)
    undoable = [e for e in entries if e["status"] == "committed"]
    if not undoable:
        return
    with st.form("rollback"):
        choice = st.selectbox(
            label("import.rollback_pick", lang),
            [e["import_id"] for e in undoable],
            format_func=lambda i: (
                f"#{i} " + "、".join(next(e["files"] for e in undoable if e["import_id"] == i))
            ),
        )
        if st.form_submit_button(label("import.rollback", lang), icon=":material/undo:"):
            try:
                with db.write(_connection()) as cur:
                    store.rollback(
                        cur, int(choice), user_name=signin.analyst(), client=signin.client()
                    )
            except (store.RollbackRefused, store.RollbackError) as exc:
                st.error(str(exc))
                return
            data.clear()
            st.session_state["import_rolled_back"] = int(choice)
            st.rerun()


def _templates_tab(lang: str) -> None:
    st.caption(label("import.templates_help", lang))
    columns = st.columns(len(KINDS))
    for column, kind in zip(columns, KINDS, strict=True):
        with column:
            st.download_button(
                label(f"import.kind.{kind}", lang),
                template_workbook(kind),
                file_name=f"{label(f'import.kind.{kind}', 'zh')}模板.xlsx",
                mime=XLSX,
                icon=":material/download:",
                key=f"template_{kind}",
            )


# --- audit log and backups (issue 11) ---
AUDIT_SHOWN = 200


def _audit_tab(lang: str) -> None:
    entries = audit.entries(data.cursor(), AUDIT_SHOWN)
    if not entries:
        st.caption(label("audit.empty", lang))
        return
    st.caption(label("audit.caption", lang, count=len(entries)))
    table = pd.DataFrame(
        [
            {
                label("audit.col.time", lang): e["at"].replace("T", " "),
                label("audit.col.user", lang): e["user"] or label("audit.viewer", lang),
                label("audit.col.action", lang): label(f"audit.action.{e['action']}", lang)
                if f"audit.action.{e['action']}" in LABELS
                else e["action"],
                label("audit.col.client", lang): e["client"] or "",
                label("audit.col.details", lang): audit.summary(e["details"], lang),
            }
            for e in entries
        ]
    )
    st.dataframe(table, hide_index=True)


def _backup_now() -> None:
    try:
        with db.write(_connection()) as cur:
            path = backups.snapshot_now(cur, signin.analyst(), signin.client())
    except db.DatabaseError as exc:
        st.session_state["backup_message"] = ("backup.failed", {"error": str(exc)})
        return
    st.session_state["backup_message"] = ("backup.done", {"file": path.name})


def _backups_tab(lang: str) -> None:
    path = db.default_db_path()
    keep = backups.keep_count()
    if keep:
        st.caption(label("backup.caption", lang, keep=keep, folder=backups.backup_dir(path)))
    else:
        st.caption(label("backup.off", lang))
    st.button(
        label("backup.now", lang),
        icon=":material/backup:",
        on_click=_backup_now,
        key="backup_now",
    )
    if (message := st.session_state.pop("backup_message", None)) is not None:
        key, values = message
        (st.success if key == "backup.done" else st.error)(label(key, lang, **values))
    kept = backups.snapshots(path)
    if not kept:
        st.caption(label("backup.none", lang))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    label("backup.col.file", lang): p.name,
                    label("backup.col.time", lang): datetime.fromtimestamp(p.stat().st_mtime)
                    .replace(microsecond=0)
                    .isoformat(sep=" "),
                    label("backup.col.size", lang): round(p.stat().st_size / 1e6, 1),
                }
                for p in reversed(kept)
            ]
        ),
        hide_index=True,
    )


def render(lang: str) -> None:
    if not signin.analyst():
        # The navigation never offers this page to viewers; this is the second lock.
        st.stop()
    if (done := st.session_state.pop("import_done", None)) is not None:
        st.success(label("import.committed", lang, id=done), icon=":material/check_circle:")
    if (failed := st.session_state.pop("import_failed", None)) is not None:
        st.error(label("import.commit_failed", lang) + " " + "；".join(failed))
    if (undone := st.session_state.pop("import_rolled_back", None)) is not None:
        st.success(label("import.rolled_back", lang, id=undone), icon=":material/undo:")
    upload, history, templates, audit_log, backup = st.tabs(
        [
            label("import.tab.upload", lang),
            label("import.tab.history", lang),
            label("import.tab.templates", lang),
            label("import.tab.audit", lang),
            label("import.tab.backups", lang),
        ]
    )
    with upload:
        _upload_tab(lang)
    with history:
        _history_tab(lang)
    with templates:
        _templates_tab(lang)
    with audit_log:
        _audit_tab(lang)
    with backup:
        _backups_tab(lang)
