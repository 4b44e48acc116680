"""Shared fixtures: every test makes its own small database; nothing touches data/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from labstudio import db, demo

REPO = Path(__file__).resolve().parent.parent


# What the schema gained after version 1 (newest first): a version-1 file is today's minus these.
# A new migration adds its tables and sequences here.
SINCE_VERSION_1 = {
    "tables": ["applications", "application_decisions", "audit_log"],
    "sequences": ["application_id_seq", "decision_id_seq", "audit_id_seq"],
}


def make_version_1(path: Path) -> None:
    """Turn a labstudio database file into one of schema version 1, its data kept."""
    raw = duckdb.connect(str(path))
    try:
        for table in SINCE_VERSION_1["tables"]:
            raw.execute(f"DROP TABLE {table}")
        for sequence in SINCE_VERSION_1["sequences"]:
            raw.execute(f"DROP SEQUENCE {sequence}")
        raw.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    finally:
        raw.close()


@pytest.fixture(autouse=True)
def _isolated_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may read or write the real data/ folder by accident."""
    monkeypatch.setenv("LABSTUDIO_DB", str(tmp_path / "unset.duckdb"))
    monkeypatch.setenv("LABSTUDIO_USERS", str(tmp_path / "users.json"))


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = db.open_database(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def demo_con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = db.open_database(":memory:")
    demo.load(connection)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database file built once per session; copy it, never open it directly."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    connection = db.open_database(path)
    demo.load(connection)
    connection.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the demo database, set as the app's database (LABSTUDIO_DB)."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, path)
    monkeypatch.setenv("LABSTUDIO_DB", str(path))
    yield path
    db.close_all()


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "empty.duckdb"
    monkeypatch.setenv("LABSTUDIO_DB", str(path))
    yield path
    db.close_all()
