"""`make bench`: figures and ratios for the import and the pages. Prints; never fails on a time.

Each measured step runs in a child process of its own, so its peak memory (ru_maxrss) is its own.
The import parses spreadsheets in child processes of its own: its peak counts them too (the
largest child's ru_maxrss, and the whole process tree's resident memory sampled while it runs).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import build

REPO = Path(__file__).resolve().parent.parent

IMPORT = """
import json, os, resource, sys, threading, time
from pathlib import Path
from labstudio import db
from labstudio.importer import import_files


def tree_kb():
    # Resident KB of this process and all its descendants (the parsing children), from /proc.
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/status") as status:
                total += next(int(l.split()[1]) for l in status if l.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    todo.extend(int(c) for c in children.read().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total


peak = [0]
done = threading.Event()


def sample():
    while not done.wait(0.02):
        peak[0] = max(peak[0], tree_kb())


sampler = threading.Thread(target=sample, daemon=True)
if os.path.isdir("/proc/self/task"):
    sampler.start()
con = db.open_database(sys.argv[1])
started = time.perf_counter()
outcome = import_files(con, [Path(p) for p in sys.argv[2:]])
seconds = time.perf_counter() - started
done.set()
parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "status": outcome.status, "errors": len(outcome.errors),
                  "first_errors": [e.message for e in outcome.errors[:3]],
                  "rss_mb": max(parent, child, peak[0] / 1024), "parent_mb": parent,
                  "child_mb": child, "tree_mb": peak[0] / 1024 or None}))
"""

PANDAS = """
import json, resource, sys, time
import duckdb, pandas as pd
con = duckdb.connect(sys.argv[1])
started = time.perf_counter()
for i, path in enumerate(sys.argv[2:]):
    frame = pd.read_excel(path, engine="openpyxl", header=1)
    con.register("frame", frame)
    con.execute(f"CREATE TABLE t{i} AS SELECT * FROM frame")
    con.unregister("frame")
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CALAMINE = """
import json, resource, sys, time
from python_calamine import CalamineWorkbook
started = time.perf_counter()
cells = 0
for path in sys.argv[1:]:
    book = CalamineWorkbook.from_path(path)
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        cells += sum(len(r) for r in rows)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "cells": cells, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(code: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def bench_import(files: dict[str, Path], keep: Path | None = None) -> dict:
    """`keep`: where the import writes its database, for the page bench to reuse."""
    paths = [str(p) for p in files.values()]
    print("== import: 5,000 studios, 50,000 assessment rows, 300,000 ledger lines (xlsx) ==")
    with tempfile.TemporaryDirectory() as tmp:
        ours = child(IMPORT, str(keep or Path(tmp) / "ours.duckdb"), *paths)
        plain = child(PANDAS, str(Path(tmp) / "plain.duckdb"), *paths)
    bare = child(CALAMINE, *paths)
    for name, result in (
        ("labstudio import", ours),
        ("pandas.read_excel(openpyxl) + DuckDB", plain),
        ("bare python-calamine parse", bare),
    ):
        if "error" in result:
            print(f"{name:40s} failed: {result['error']}")
        else:
            print(f"{name:40s} {result['seconds']:8.2f} s   peak {result['rss_mb']:7.0f} MB")
    if "status" in ours:
        print(
            f"import status: {ours['status']}, errors: {ours['errors']} {ours.get('first_errors', '')}"
        )
    if all("seconds" in r for r in (ours, plain, bare)):
        print(
            f"speed-up over the plain pandas read: {plain['seconds'] / ours['seconds']:.1f}x (aim ≥ 5x)"
        )
        print(
            f"import time / bare calamine parse:   {ours['seconds'] / bare['seconds']:.2f}x (aim ≤ 2.5x)"
        )
        print(f"peak memory of the import:           {ours['rss_mb']:.0f} MB (aim < 1024 MB)")
    if "parent_mb" in ours:
        tree = f"{ours['tree_mb']:.0f} MB" if ours.get("tree_mb") else "not measured (no /proc)"
        print(
            f"  server process {ours['parent_mb']:.0f} MB; largest parsing child "
            f"{ours['child_mb']:.0f} MB; both together at their peak (sampled) {tree}"
        )
    return ours


def csv_copies(files: dict[str, Path], out: Path) -> list[Path]:
    """The large set's workbooks as the UTF-8 CSVs an analyst would save from them."""
    import csv

    from python_calamine import CalamineWorkbook

    def cell(value: object) -> object:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value.isoformat() if hasattr(value, "isoformat") else value

    paths = []
    for path in files.values():
        target = out / f"{path.stem}.csv"
        rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
        with target.open("w", newline="", encoding="utf-8") as stream:
            csv.writer(stream).writerows([cell(v) for v in row] for row in rows)
        paths.append(target)
    return paths


def bench_csv_import(files: dict[str, Path]) -> None:
    """The same set as CSV: parsed in the limited child like a workbook, it must stay fast."""
    print("== import: the same set as CSV (UTF-8) ==")
    with tempfile.TemporaryDirectory() as tmp:
        paths = [str(p) for p in csv_copies(files, Path(tmp))]
        result = child(IMPORT, str(Path(tmp) / "csv.duckdb"), *paths)
    if "error" in result:
        print(f"{'labstudio import (CSV)':40s} failed: {result['error']}")
        return
    print(
        f"{'labstudio import (CSV)':40s} {result['seconds']:8.2f} s   peak {result['rss_mb']:7.0f} MB"
        f"   (server process {result['parent_mb']:.0f} MB), status {result['status']}"
    )


def bench_pages(files: dict[str, Path], database: Path | None = None) -> None:
    """Page timings, when the page data functions exist (labstudio.views / pages bench hook).

    `database`: the import bench's database of `files`, reused instead of importing again.
    """
    try:
        from bench.pages import run as run_pages
    except ImportError:
        print("== pages: no page benchmark yet ==")
        return
    run_pages(files, database)


def main() -> None:
    started = time.perf_counter()
    files = build()
    print(
        f"data set ready in {time.perf_counter() - started:.1f} s: {', '.join(p.name for p in files.values())}"
    )
    with tempfile.TemporaryDirectory() as work:
        database = Path(work) / "large.duckdb"
        ours = bench_import(files, keep=database)
        bench_csv_import(files)
        bench_pages(files, database if ours.get("status") == "committed" else None)


if __name__ == "__main__":
    main()
