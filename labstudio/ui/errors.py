"""Errors as viewers see them: a friendly Chinese message, never a traceback or a server path.

`client.showErrorDetails = "none"` (.streamlit/config.toml) already hides Streamlit's own error
boxes; this puts a message of ours in their place and writes the details to the server log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import streamlit as st

from labstudio import db
from labstudio.labels import label

_log = logging.getLogger("labstudio.errors")


@contextmanager
def friendly(lang: str) -> Iterator[None]:
    """Runs a block; an exception stops the page with a message instead of its details.

    Only Exception is caught: Streamlit's own StopException / RerunException are BaseException
    and pass through.
    """
    try:
        yield
    except db.DatabaseDamaged:
        # db.damaged() has logged the file and DuckDB's words already.
        _stop("db.damaged", lang)
    except db.DatabaseError:
        _log.exception("the database could not be opened")
        _stop("db.unavailable", lang)
    except duckdb.Error as exc:
        if db.is_damage(exc):
            db.damaged(db.default_db_path(), exc)
            _stop("db.damaged", lang)
        _log.exception("a page failed on a database error")
        _stop("app.error", lang)
    except Exception:
        _log.exception("a page failed")
        _stop("app.error", lang)


def _stop(key: str, lang: str) -> None:
    st.error(label(key, lang), icon=":material/error:")
    st.stop()
