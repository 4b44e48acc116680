"""The audit log: who did what, when, from where — in the database, and in the server log.

The table `audit_log` is append-only. DuckDB has no trigger to forbid an UPDATE or a DELETE, so
the rule is kept by construction: this module is the only code that writes the table, and it
only inserts (tests/test_audit.py checks the source tree for any other statement on it).
`record()` writes inside the caller's `db.write()` transaction, so an entry stands or falls with
the change it describes; its line in the server log is written once that transaction commits.

Who: the analyst's user name, the OS user for the command line, None for a viewer.
From where: the browser's address when Streamlit knows it, "cli:HOST" for the command line.
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import json
import logging
import os
import socket
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from labstudio import db

# The actions the log knows; a screening decision is added by the screening code at merge time.
ACTIONS = {
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "import",
    "dry_run",
    "rollback",
    "export",
    "backup",
    "restore",
    "demo",
    "screening",
    "screening_decision",
}

_log = logging.getLogger("labstudio.audit")


def cli_actor() -> tuple[str, str]:
    """(user, client) for the command line: the OS user and this host."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container): the uid is still someone
        user = f"uid {os.getuid()}"
    return user, f"cli:{socket.gethostname()}"


def record(
    cur: duckdb.DuckDBPyConnection,
    action: str,
    user: str | None,
    details: dict[str, Any],
    client: str | None = None,
) -> int:
    """Append one entry inside the caller's `db.write()` transaction; returns its id."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; add it to labstudio.audit.ACTIONS")
    if not db.in_write():
        raise RuntimeError("audit.record() belongs inside db.write(), with the change it records")
    at = datetime.now().replace(microsecond=0)
    text = _canonical(details)
    entry_id = _insert(cur, at, user, action, client, text)
    line = {
        "audit": entry_id,
        "at": at.isoformat(),
        "user": user,
        "action": action,
        "client": client,
        "details": json.loads(text),
    }
    db.after_commit(functools.partial(_log.info, "%s", action, extra={"audit": line}))
    return entry_id


def _insert(cur, at: datetime, user, action: str, client, details: str) -> int:
    """The one statement that writes the table."""
    (entry_id,) = db.fetch_one(cur, "SELECT nextval('audit_id_seq')")
    cur.execute(
        "INSERT INTO audit_log (entry_id, happened_at, user_name, action, client, details) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [entry_id, at, user, action, client, details],
    )
    return int(entry_id)


def record_now(
    con: duckdb.DuckDBPyConnection,
    action: str,
    user: str | None,
    details: dict[str, Any],
    client: str | None = None,
) -> int:
    """An entry of its own (a sign-in, an export): one short write transaction."""
    with db.write(con) as cur:
        return record(cur, action, user, details, client)


_ENTRY_COLUMNS = "entry_id, happened_at, user_name, action, client, details"


def entries(cur: duckdb.DuckDBPyConnection, limit: int | None = None) -> list[dict]:
    """The log, newest first, in the shape `audit --json` prints (plus "client" and "id")."""
    rows = cur.execute(
        f"SELECT {_ENTRY_COLUMNS} FROM audit_log ORDER BY happened_at DESC, entry_id DESC"
        + (" LIMIT ?" if limit is not None else ""),
        [limit] if limit is not None else None,
    ).fetchall()
    return [
        {
            "at": at.isoformat(),
            "user": user,
            "action": action,
            "details": json.loads(details),
            "client": client,
            "id": int(entry_id),
        }
        for entry_id, at, user, action, client, details in rows
    ]


def carry_over(cur: duckdb.DuckDBPyConnection, old: Sequence[dict]) -> int:
    """Append the entries of `old` (from `entries()`) that this log lacks; returns how many.

    For a restore: the backup's log ends when the backup was made, the current one goes on.
    An entry is the same when its time, user, action, client and details are.
    """
    present = {
        (e["at"], e["user"], e["action"], e["client"], _canonical(e["details"]))
        for e in entries(cur)
    }
    added = 0
    for entry in sorted(old, key=lambda e: (e["at"], e["id"])):
        key = (entry["at"], entry["user"], entry["action"], entry["client"])
        if (*key, _canonical(entry["details"])) in present:
            continue
        at = datetime.fromisoformat(entry["at"])
        _insert(cur, at, *key[1:], _canonical(entry["details"]))
        added += 1
    return added


def _canonical(details: object) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)


def _file_entries(paths: Sequence[Path | tuple[str, bytes]]) -> list[dict]:
    files = []
    for item in paths:
        if isinstance(item, tuple):
            name, content = item
            files.append({"file": name, "sha256": hashlib.sha256(content).hexdigest()})
            continue
        try:
            digest = hashlib.sha256(Path(item).read_bytes()).hexdigest()
        except OSError:
            digest = None  # unreadable: the import's own report says why
        files.append({"file": str(item), "sha256": digest})
    return files


def audited_import(import_files: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps the import entry point: every import and dry run is recorded with its outcome.

    Recorded after the pipeline returns, in a transaction of its own, whatever the outcome
    (committed, validated, rejected, or an exception). Takes one more keyword, `client`.
    """

    @functools.wraps(import_files)
    def audited(
        con: duckdb.DuckDBPyConnection,
        paths: Sequence[Path | tuple[str, bytes]],
        *,
        dry_run: bool = False,
        user_name: str | None = None,
        client: str | None = None,
        **options: Any,
    ):
        action = "dry_run" if dry_run else "import"
        details: dict[str, Any] = {"files": _file_entries(paths)}
        try:
            outcome = import_files(con, paths, dry_run=dry_run, user_name=user_name, **options)
        except Exception as exc:
            details |= {"status": "failed", "error": type(exc).__name__}
            if db.is_damage(exc):
                # Nothing more is written to a damaged file; the entry goes to the log alone.
                _log.error(
                    "%s", action, extra={"audit": _unrecorded(action, user_name, client, details)}
                )
            else:
                _record_outcome(con, action, user_name, details, client)
            raise
        details |= {
            "status": outcome.status,
            "import_id": outcome.import_id,
            "errors": len(outcome.errors),
            "warnings": len(outcome.warnings),
            "sheets": [
                {"file": f["file"], "sheet": s["sheet"], "kind": s["kind"], "rows": s["rows"]}
                for f in outcome.files
                for s in f["sheets"]
            ],
        }
        _record_outcome(con, action, user_name, details, client)
        return outcome

    return audited


def _record_outcome(con, action, user, details, client) -> None:
    try:
        record_now(con, action, user, details, client)
    except Exception:
        # The import has happened (or not) already; its entry must at least reach the log.
        _log.exception(
            "%s: the audit entry could not be written to the database",
            action,
            extra={"audit": _unrecorded(action, user, client, details)},
        )


def _unrecorded(action: str, user, client, details: dict) -> dict:
    """An entry's log line when the database could not take it."""
    at = datetime.now().replace(microsecond=0).isoformat()
    return {"audit": None, "at": at, "user": user, "action": action, "client": client} | {
        "details": details
    }


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the audit entry, a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if isinstance(getattr(record, "audit", None), dict):
            line |= record.audit
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def setup_server_log() -> None:
    """labstudio's loggers write JSON lines to stderr (the server's log); idempotent."""
    logger = logging.getLogger("labstudio")
    if any(getattr(h, "labstudio", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler.labstudio = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonLines())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def summary(details: dict[str, Any], lang: str = "zh") -> str:
    """One line saying what an entry's details hold, for the import page and `audit`."""
    from labstudio.labels import LABELS, label

    parts: list[str] = []
    if details.get("what"):
        parts.append(str(details["what"]))
    status = details.get("status")
    if status:
        key = f"audit.status.{status}"
        parts.append(label(key, lang) if key in LABELS else str(status))
    if details.get("import_id") is not None:
        parts.append(f"#{details['import_id']}")
    files = details.get("files") or []
    names = [f["file"] if isinstance(f, dict) else str(f) for f in files]
    if details.get("file"):
        names.append(str(details["file"]))
    if names:
        parts.append("、".join(names))
    if details.get("filters"):
        shown = "，".join(f"{k}={v}" for k, v in details["filters"].items())
        parts.append(label("audit.filters", lang, filters=shown))
    if details.get("errors"):
        parts.append(label("audit.errors", lang, count=details["errors"]))
    reason = details.get("reason")
    if reason:
        key = f"audit.reason.{reason}"
        parts.append(label(key, lang) if key in LABELS else str(reason))
    return "；".join(parts)


def session_ended(cur: duckdb.DuckDBPyConnection, session_id: str) -> bool:
    """Whether a sign-in session was signed out (its token is then no good, even if copied)."""
    row = db.fetch_one(
        cur,
        "SELECT count(*) FROM audit_log WHERE action = 'sign_out' "
        "AND json_extract_string(details, '$.session') = ?",
        [session_id],
    )
    return bool(row and row[0])
