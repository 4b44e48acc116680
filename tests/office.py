"""LibreOffice, headless, for the tests that print an export or a deck as a person would."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

# A conversion starts LibreOffice (a first start with a fresh profile takes seconds).
TIMEOUT_SECONDS = 180


def to_pdf(source: Path) -> Path:
    """`source` (.xlsx, .pptx) converted to PDF beside it, by LibreOffice, as its File, Export would.

    Each call has its own LibreOffice profile: two instances sharing one (other tests, another
    checkout on the same machine) would wait for each other's lock or fail.
    """
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail(
            "LibreOffice is not installed: run `make test` (it installs it as root) or "
            "apt-get install libreoffice-calc libreoffice-impress"
        )
    profile = source.parent / f".lo-profile-{source.stem}"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
    )
    out = source.with_suffix(".pdf")
    assert out.is_file(), f"LibreOffice wrote no PDF for {source.name}"
    return out
