"""`make bench`, second part: the dashboard pages on the large set. Prints; never fails on a time.

For each page and a few filter cases, on the large set (5,000 studios, 50,000 assessments,
300,000 ledger lines) imported once:

  view    median of RUNS uncached runs of what the page asks for: its view function
          (`labstudio.views.<page>.page`: SQL, pandas, the plotly figures and the tables; the
          overview also `queries.overview`, its KPI cards)
  cpu     the CPU time of those view runs (this process, DuckDB's threads included): steadier
          than wall time when other work shares the cores, and above it when DuckDB runs a
          query on several
  sql     median of RUNS runs of the very statements that view ran, alone: recorded from the view
          by a cursor stand-in, replayed with their results fetched as Arrow tables (DuckDB's
          work, no pandas, no Python objects). Nothing is written twice, so nothing can drift.
  ratio   view / sql: what Python adds on top of the database
  cached  median of RUNS repeat calls through `labstudio.ui.page_data` (st.cache_data, keyed on
          the database, the filters and the language): what a rerun with the same filters costs
          before drawing; "first" is the call that filled the cache (view + pickling)

Then whole page scripts under AppTest (the server side of a page: data, figures and the
elements sent to the browser), first with empty caches and then rerun with the same filters, and
an import followed by `ui.data.clear()`, as the import page does, to show the caches emptied.

Aim: a page run under 250 ms, a cached repeat under 50 ms (figures to read, not to fail on).
"""

from __future__ import annotations

import logging
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from bench.generate import YEARS, studio_names
from labstudio import db, queries
from labstudio.domain import TYPES
from labstudio.filters import Filters
from labstudio.importer import import_files
from labstudio.views import assessments, funds, overview, revocations, studios, types

RUNS = 5
AIM_PAGE_MS = 250
AIM_CACHED_MS = 50
LANG = "zh"

REPO = Path(__file__).resolve().parent.parent


class Recorder:
    """A cursor stand-in: runs every statement on the real cursor and notes its text and values."""

    def __init__(self, cur: Any) -> None:
        self._cur = cur
        self.statements: list[tuple[str, Any]] = []

    def execute(self, sql: str, params: Any = None) -> Any:
        self.statements.append((sql, params))
        return self._cur.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cur, name)


def _ms(seconds: float) -> float:
    return seconds * 1000


def timed(call: Callable[[], object], runs: int = RUNS) -> float:
    """Median wall time of `runs` calls, in ms."""
    return timed_cpu(call, runs)[0]


def timed_cpu(call: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """Median wall time and median CPU time (this process, all its threads) of `runs` calls,
    in ms. CPU time hardly moves when other work shares the cores; wall time does."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return _ms(statistics.median(wall)), _ms(statistics.median(cpu))


def replay(cur: Any, statements: list[tuple[str, Any]]) -> None:
    for sql, params in statements:
        cur.sql(sql, params=params).to_arrow_table()


def _cases() -> list[tuple[str, Filters]]:
    year = max(YEARS) - 1  # a year with a year before it: the KPI cards compare the two
    unit = studio_names()[0][0]
    return [
        ("none", Filters()),
        (f"year={year}", Filters(year=year)),
        (f"year={year} type={TYPES[0]}", Filters(year=year, type=TYPES[0])),
        (f"unit={unit}", Filters(unit=unit)),
    ]


def _pages() -> list[tuple[str, Callable, Callable]]:
    """(name, uncached call, cached call): each call takes (cursor or db key, filters)."""
    from labstudio.ui import data, page_data

    def overview_view(cur, filters):
        return queries.overview(cur, filters), overview.page(cur, filters, LANG)

    def overview_cached(key, filters):
        return data.overview(key, filters), page_data.overview(key, filters, LANG)

    def view(module):
        return lambda cur, filters: module.page(cur, filters, LANG)

    def cached(function):
        return lambda key, filters: function(key, filters, LANG)

    return [
        ("overview", overview_view, overview_cached),
        ("types", view(types), cached(page_data.types)),
        ("assessments", view(assessments), cached(page_data.assessments)),
        ("revocations", view(revocations), cached(page_data.revocations)),
        ("funds", view(funds), cached(page_data.funds)),
        ("studios", view(studios), cached(page_data.studios)),
    ]


HEADER = (
    f"{'page':12s} {'filters':28s} {'queries':>7s} {'view ms':>8s} {'cpu ms':>7s} {'sql ms':>7s} "
    f"{'view/sql':>8s} {'first ms':>8s} {'cached ms':>9s}"
)


def _row(page: str, case: str, statements: int, result: dict, first: float) -> None:
    view, sql, hit = result["view"], result["sql"], result["cached"]
    ratio = f"{view / sql:7.1f}x" if sql else "      -"
    flags = ""
    if view > AIM_PAGE_MS:
        flags += f"  > {AIM_PAGE_MS} ms"
    if hit > AIM_CACHED_MS:
        flags += f"  cached > {AIM_CACHED_MS} ms"
    print(
        f"{page:12s} {case:28s} {statements:7d} {view:8.1f} {result['cpu']:7.1f} {sql:7.1f} "
        f"{ratio:>8s} {first:8.1f} {hit:9.1f}{flags}"
    )


def measure(name: str, uncached: Callable, cached: Callable, filters: Filters, case: str) -> dict:
    from labstudio.ui import data

    cur = db.cursor()
    uncached(cur, filters)  # warm: DuckDB's file pages, pandas and plotly code paths
    recorder = Recorder(cur)
    uncached(recorder, filters)
    view_ms, cpu_ms = timed_cpu(lambda: uncached(cur, filters))
    sql_ms = timed(lambda: replay(cur, recorder.statements))
    key = data.db_key()
    started = time.perf_counter()
    cached(key, filters)
    first_ms = _ms(time.perf_counter() - started)
    hit_ms = timed(lambda: cached(key, filters))
    result = {
        "page": name,
        "case": case,
        "view": view_ms,
        "cpu": cpu_ms,
        "sql": sql_ms,
        "cached": hit_ms,
    }
    _row(name, case, len(recorder.statements), result, first_ms)
    return result


def bench_views() -> list[dict]:
    print(
        f"== pages, direct calls: median of {RUNS} runs (aim: view < {AIM_PAGE_MS} ms, "
        f"cached < {AIM_CACHED_MS} ms) =="
    )
    print(HEADER)
    results = []
    for name, uncached, cached in _pages():
        for case, filters in _cases():
            results.append(measure(name, uncached, cached, filters, case))
    # The directory's search box and one studio's profile (?studio=<id>): filters do not apply.
    from labstudio.ui import page_data

    search = "第12"
    results.append(
        measure(
            "studios",
            lambda cur, f: studios.page(cur, f, LANG, search),
            lambda key, f: page_data.studios(key, f, LANG, search),
            Filters(),
            f"search={search}",
        )
    )
    studio_id = db.fetch_one(db.cursor(), "SELECT min(studio_id) FROM studios")[0]
    results.append(
        measure(
            "profile",
            lambda cur, f: studios.profile_page(cur, studio_id, LANG),
            lambda key, f: page_data.profile(key, studio_id, LANG),
            Filters(),
            f"studio={studio_id}",
        )
    )
    return results


# --- whole page scripts under AppTest ----------------------------------------------------------

APP_PAGES = [
    "pages/overview.py",
    "pages/types.py",
    "pages/assessments.py",
    "pages/revocations.py",
    "pages/funds.py",
    "pages/studios.py",
]


def _app(page: str, filters: Filters):
    """`page` run on its own with the filters in session state, as tests/test_pages.py does."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.switch_page(page)
    for key, value in filters.as_query().items():
        at.session_state[key] = value
    return at


def bench_apptest() -> None:
    """Whole page scripts: what the server does per page view (the sidebar of app.py aside)."""
    from labstudio.ui import data

    print(
        f"== pages under AppTest: a whole script run with empty caches, then the median of "
        f"{RUNS} reruns with the same filters (data from the cache; drawing, every time) =="
    )
    print(f"{'page':24s} {'filters':28s} {'first ms':>9s} {'rerun ms':>9s}")
    _app(APP_PAGES[0], Filters()).run()  # warm: streamlit's own imports and first script run
    reruns = []
    for page in APP_PAGES:
        for case, filters in _cases()[:2]:
            data.clear()
            at = _app(page, filters)
            started = time.perf_counter()
            at.run()
            first = _ms(time.perf_counter() - started)
            if at.exception:
                print(f"{page:24s} {case:28s} failed: {at.exception[0].message}")
                continue
            rerun = timed(at.run)
            reruns.append((rerun, f"{page} ({case})"))
            flags = f"  rerun > {AIM_CACHED_MS} ms" if rerun > AIM_CACHED_MS else ""
            print(f"{page:24s} {case:28s} {first:9.1f} {rerun:9.1f}{flags}")
    if reruns:
        over = [name for ms, name in reruns if ms > AIM_CACHED_MS]
        print(
            f"slowest rerun: {max(reruns)[0]:.1f} ms; over {AIM_CACHED_MS} ms: "
            + (", ".join(over) or "none")
        )


# --- an import empties the caches -------------------------------------------------------------


def _revocations_workbook(path: Path, count: int) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(["撤销称号名单"])
    sheet.append(["序号", "所在单位", "工作室名称", "撤销时间", "撤销原因"])
    for i, (unit, name) in enumerate(studio_names()[:count]):
        sheet.append([i + 1, unit, name, f"{max(YEARS)}-03-{i % 28 + 1:02d}", "年度考核不合格"])
    book.save(path)
    return path


def bench_clear(tmp: Path) -> None:
    """An import changes the data; `ui.data.clear()` (called by the import page after every
    import and rollback) empties the caches, so the next call runs the views again."""
    from labstudio.ui import data, page_data

    print("== an import clears the caches ==")
    key = data.db_key()
    filters = Filters()

    def shown() -> tuple[int, int]:
        """(revocations on the revocations page, revoked studios on the overview's cards)."""
        page = page_data.revocations(key, filters, LANG)
        cards = data.overview(key, filters)
        return page.figures["total"], cards["studios"]["by_status"]["revoked"]

    before = shown()
    hit = timed(shown)
    count = 250
    started = time.perf_counter()
    outcome = import_files(db.connection(), [_revocations_workbook(tmp / "撤销名单.xlsx", count)])
    imported = _ms(time.perf_counter() - started)
    stale = shown()
    data.clear()
    started = time.perf_counter()
    after = shown()
    refill = _ms(time.perf_counter() - started)
    print(
        f"before the import: revocations page {before[0]}, overview cards {before[1]} revoked "
        f"(both cached: {hit:.1f} ms)"
    )
    print(
        f"import of {count} revocations: {outcome.status} in {imported:.0f} ms; "
        f"the caches alone would still say {stale[0]} and {stale[1]}"
    )
    print(
        f"after ui.data.clear(): {after[0]} and {after[1]}; both views ran again ({refill:.1f} ms)"
    )
    view_ms = timed(lambda: revocations.page(db.cursor(), filters, LANG))
    print(f"revocations page with {count} revocations, uncached: {view_ms:.1f} ms")


# --- the whole --------------------------------------------------------------------------------


@contextmanager
def _database(files: dict[str, Path], database: Path | None):
    """The large set in a DuckDB file: the import bench's when handed over, else imported here."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pages.duckdb"
        if database is not None and database.exists():
            shutil.copyfile(database, path)  # a copy: the cache bench imports into it
            print(f"database: the import bench's, copied ({path.stat().st_size / 2**20:.0f} MB)")
        else:
            started = time.perf_counter()
            outcome = import_files(db.connection(path), list(files.values()))
            print(
                f"database: imported here, {outcome.status} in "
                f"{time.perf_counter() - started:.1f} s"
            )
        previous = os.environ.get("LABSTUDIO_DB")
        os.environ["LABSTUDIO_DB"] = str(path)
        try:
            yield Path(tmp)
        finally:
            db.close_all()
            if previous is None:
                os.environ.pop("LABSTUDIO_DB", None)
            else:
                os.environ["LABSTUDIO_DB"] = previous


def run(files: dict[str, Path], database: Path | None = None) -> None:
    """The page bench on `files` (the large set); `database`: the import bench's import of them."""
    # Streamlit outside a running server warns on every cached call (no runtime, no script
    # context): true, and expected here.
    logging.disable(logging.WARNING)
    try:
        with _database(files, database) as tmp:
            _run(tmp)
    finally:
        logging.disable(logging.NOTSET)


def _run(tmp: Path) -> None:
    cur = db.cursor()
    counts = {
        t: db.fetch_one(cur, f"SELECT count(*) FROM {t}")[0]
        for t in ("studios", "assessments", "ledger")
    }
    print(
        "== pages: the large set ("
        + ", ".join(f"{n:,} {t}" for t, n in counts.items())
        + f") on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start "
        "(other work on the machine slows every figure) =="
    )
    results = bench_views()
    slow = [r for r in results if r["view"] > AIM_PAGE_MS]
    slow_cached = [r for r in results if r["cached"] > AIM_CACHED_MS]
    print(
        f"slowest view: {max(r['view'] for r in results):.1f} ms; over {AIM_PAGE_MS} ms: "
        + (", ".join(f"{r['page']} ({r['case']})" for r in slow) or "none")
    )
    print(
        f"slowest cached repeat: {max(r['cached'] for r in results):.1f} ms; over "
        f"{AIM_CACHED_MS} ms: "
        + (", ".join(f"{r['page']} ({r['case']})" for r in slow_cached) or "none")
    )
    bench_apptest()
    bench_clear(tmp)
