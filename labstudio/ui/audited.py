"""Downloads that are recorded in the audit log when someone takes them.

A download button's data is made only when clicked (a callable), outside the script run, so who
and from where are taken when the button is drawn, and the entry is written when the bytes are.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

import streamlit as st

from labstudio import audit, db
from labstudio.filters import Filters
from labstudio.ui import signin, state

_log = logging.getLogger("labstudio.exports")


def download(
    make: Callable[[], bytes], what: str, file_name: str, filters: Filters | None = None
) -> Callable[[], bytes]:
    """`make`, recording an export (what, file, sha256, filters) each time it is called."""
    user = st.session_state.get("analyst")  # already checked by signin.analyst() this run
    where = signin.client()
    shown = (filters if filters is not None else state.current_filters()).as_query()

    def generate() -> bytes:
        content = make()
        details = {
            "what": what,
            "file": file_name,
            "sha256": hashlib.sha256(content).hexdigest(),
            "filters": shown,
        }
        try:
            audit.record_now(db.connection(db.default_db_path()), "export", user, details, where)
        except Exception:
            # No entry, no file: an export that cannot be recorded is not handed out.
            _log.exception("an export could not be recorded; it was not handed out")
            raise
        return content

    return generate
