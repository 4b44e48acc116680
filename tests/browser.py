"""A real app server and headless Debian chromium, for the browser tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import REPO

SCREENSHOTS = REPO / "tests" / "screenshots"
SIZES = {"1920x1080": (1920, 1080), "1024x768": (1024, 768)}
# The script has finished its run.
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Every element has come in (lazily loaded ones show a skeleton first), nothing is greyed out
# from a previous run, and every plotly chart is drawn at its container's width.
DRAWN = """() =>
    !document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')
    && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(chart => {
        const svg = chart.querySelector('.main-svg');
        return svg && Math.abs(Number(svg.getAttribute('width')) - chart.clientWidth) <= 2;
    })
"""

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(db_path: Path, users_path: Path | None = None) -> Iterator[str]:
    """Serve app.py on a free loopback port with `db_path`; yields the base URL."""
    port = free_port()
    env = os.environ | {"LABSTUDIO_DB": str(db_path)}
    if users_path is not None:
        env["LABSTUDIO_USERS"] = str(users_path)
    log = open(db_path.with_suffix(".server.log"), "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "the app server did not start: "
                    + db_path.with_suffix(".server.log").read_text()
                )
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise RuntimeError(
            "Debian's chromium is not installed: run `make test` (it installs it) or apt-get install chromium"
        )
    return path
