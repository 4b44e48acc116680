"""Hostile files are parsed in the limited child, CSV included, and refused by name of the limit.

The probe's two CSVs are rebuilt at full size: 25 million short lines (95 MB) took the server from
315 MB to 6.75 GB; 2 rows × 2,000,000 columns (8 MB) ran past 150 s. Both are now refused in the
child within seconds, and the server process barely grows.
"""

from __future__ import annotations

import os
import threading
import time
import tomllib
from pathlib import Path

import pytest

from labstudio.importer import import_files, reading, safety
from tests.importer_builders import annex2_workbook, snapshot, write_csv, write_xlsx

REPO = Path(__file__).resolve().parent.parent


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def _import_watching_memory(con, paths) -> tuple[object, float, float]:
    """(outcome, seconds, how far this process's resident memory rose above where it started)."""
    start = _rss_mb()
    peak = [start]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        outcome = import_files(con, paths, dry_run=True)
    finally:
        done.set()
        sampler.join()
    return outcome, time.perf_counter() - started, peak[0] - start


def _many_lines(path: Path) -> Path:
    with path.open("w") as out:
        out.write("工作室名称,考核得分\n")
        chunk = "1,2\n" * 1_000_000
        for _ in range(25):
            out.write(chunk)
    return path


def _many_columns(path: Path) -> Path:
    row = ",".join(["1"] * 2_000_000)
    path.write_text(f"{row}\n{row}\n")
    return path


HOSTILE = {
    "25-million-lines": (_many_lines, "每张表最多 1,048,576 行", "读到第 1,048,577 行还没有结束"),
    "2-million-columns": (_many_columns, "每张表最多 256 列", "第 1 行有 2,000,000 列"),
}


@pytest.mark.parametrize(("build", "limit", "found"), HOSTILE.values(), ids=HOSTILE.keys())
def test_the_probes_csvs_are_refused_in_the_child(con, tmp_path, build, limit, found):
    path = build(tmp_path / "hostile.csv")
    assert path.stat().st_size < safety.MAX_FILE_BYTES  # under the size limit, as in the probe
    before = snapshot(con)
    outcome, seconds, grown = _import_watching_memory(con, [path])
    assert outcome.exit_code == 2
    (error,) = outcome.errors
    assert error.file == "hostile.csv" and limit in error.message and found in error.message
    assert "没有导入任何数据" in error.message
    assert snapshot(con) == before
    # Before: 6.75 GB and minutes in this process. Now the bytes as read and the child's reply
    # and nothing else; the child stops at the limit.
    assert grown < 400, f"server process grew {grown:.0f} MB"
    assert seconds < 60, f"{seconds:.1f} s"


def _lines(count: int, width: int = 2) -> list[list]:
    return [["工作室名称", "考核得分", *[f"列{i}" for i in range(width - 2)]]] + [
        [f"工作室{i}", 90, *[""] * (width - 2)] for i in range(count)
    ]


# (limit to lower, its value here, file, words the refusal must have)
LIMITS = {
    "csv-rows": ("MAX_SHEET_ROWS", 50, lambda p: write_csv(p / "a.csv", _lines(60)), "50 行"),
    "csv-columns": (
        "MAX_SHEET_COLUMNS",
        8,
        lambda p: write_csv(p / "a.csv", _lines(3, 9)),
        "每张表最多 8 列，第 1 行有 9 列",
    ),
    "csv-cells": (
        "MAX_SHEET_CELLS",
        100,
        lambda p: write_csv(p / "a.csv", _lines(60)),
        "每张表最多 100 个单元格",
    ),
    "xlsx-rows": (
        "MAX_SHEET_ROWS",
        50,
        lambda p: write_xlsx(p / "a.xlsx", {"考核": _lines(60)}),
        "工作表“考核”超出导入上限：每张表最多 50 行，这张表有 61 行",
    ),
    "xlsx-columns": (
        "MAX_SHEET_COLUMNS",
        8,
        lambda p: write_xlsx(p / "a.xlsx", {"考核": _lines(3, 12)}),
        "每张表最多 8 列，这张表有 12 列",
    ),
    "xlsx-cells": (
        "MAX_SHEET_CELLS",
        100,
        lambda p: write_xlsx(p / "a.xlsx", {"考核": _lines(60)}),
        "每张表最多 100 个单元格（行数 × 列数），这张表有 122 个单元格",
    ),
    "xlsx-file-rows": (
        "MAX_FILE_ROWS",
        100,
        lambda p: write_xlsx(p / "a.xlsx", {"一": _lines(60), "二": _lines(60)}),
        "文件超出导入上限：每个文件最多 100 行（各工作表合计），读到工作表“二”时已有 122 行",
    ),
    "xlsx-file-cells": (
        "MAX_FILE_CELLS",
        200,
        lambda p: write_xlsx(p / "a.xlsx", {"一": _lines(60), "二": _lines(60)}),
        "每个文件最多 200 个单元格（各工作表合计）",
    ),
}


@pytest.mark.parametrize(("name", "value", "build", "says"), LIMITS.values(), ids=LIMITS.keys())
def test_each_limit_is_refused_by_name(con, tmp_path, monkeypatch, name, value, build, says):
    monkeypatch.setattr(safety, name, value)
    path = build(tmp_path)
    outcome = import_files(con, [path])
    assert outcome.exit_code == 2 and outcome.status == "rejected"
    (error,) = outcome.errors
    assert error.file == path.name and "超出导入上限" in error.message
    assert says in error.message, error.message
    assert snapshot(con)["studios"] == []


def test_a_file_within_the_limits_reads_as_before(con, tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_SHEET_ROWS", 61)
    monkeypatch.setattr(safety, "MAX_SHEET_CELLS", 122)
    (sheet,) = reading.read_csv(
        write_csv(tmp_path / "考核.csv", _lines(60)).read_bytes(), "考核.csv"
    )
    assert sheet.name == "考核" and sheet.frame.shape == (61, 2)


def test_csv_line_numbers_count_the_lines_a_quoted_cell_spans(tmp_path):
    text = '名单\n工作室名称,备注\n甲,"第一行\n第二行"\n乙,\n\n丙,"x"\n'
    (sheet,) = reading.read_csv(text.encode("gb18030"), "名单.csv")
    assert list(sheet.frame.index) == [1, 2, 3, 5, 6, 7]
    assert sheet.frame.loc[3].tolist() == ["甲", "第一行\n第二行"]
    assert sheet.frame.loc[5].tolist() == ["乙", None]  # empty cells read as None
    assert sheet.frame.loc[6].tolist() == [None, None]  # the blank line


CSV_PROBLEMS = {
    "open-quote": (b'a,b\n1,"never closed\n' + b"x" * 140_000, "超过 131,072 个字符"),
    "undecodable": (bytes(range(0x80, 0x100)) * 4 + b"\n", "文字编码"),
}


@pytest.mark.parametrize(("data", "says"), CSV_PROBLEMS.values(), ids=CSV_PROBLEMS.keys())
def test_a_broken_csv_is_refused_with_the_reason(data, says):
    with pytest.raises(safety.UnreadableFile, match=says):
        reading.read_csv(data, "坏.csv")


def test_the_child_is_stopped_at_its_time_limit(con, tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "CHILD_TIMEOUT_SECONDS", 0.01)
    path = write_csv(tmp_path / "a.csv", _lines(5))
    outcome = import_files(con, [path])
    assert outcome.exit_code == 2
    assert "读取文件超过 0.01 秒仍未完成，已停止" in outcome.errors[0].message


def test_a_refused_file_leaves_the_others_of_the_call_alone(con, tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_SHEET_COLUMNS", 8)
    good = annex2_workbook(tmp_path / "名单.xlsx")
    wide = write_csv(tmp_path / "宽.csv", _lines(3, 9))
    outcome = import_files(con, [good, wide])
    assert outcome.exit_code == 2 and [e.file for e in outcome.errors] == ["宽.csv"]
    assert snapshot(con)["studios"] == []  # all or nothing
    assert import_files(con, [good]).exit_code == 0


# ---------------------------------------------------------------------------- the upload limit


def test_the_upload_limit_is_the_one_number_of_config_toml():
    with (REPO / ".streamlit" / "config.toml").open("rb") as stream:
        configured = tomllib.load(stream)["server"]["maxUploadSize"]
    assert configured == safety.MAX_FILE_MB == 100
    assert configured * 1024 * 1024 == safety.MAX_FILE_BYTES  # Streamlit counts MiB


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("[server]\nmaxUploadSize = 30\n", None, 30),
        ("[server]\nheadless = true\n", None, safety.STREAMLIT_DEFAULT_UPLOAD_MB),
        ("not toml [", None, safety.STREAMLIT_DEFAULT_UPLOAD_MB),
        (None, None, safety.STREAMLIT_DEFAULT_UPLOAD_MB),
        ("[server]\nmaxUploadSize = 30\n", "12", 12),  # Streamlit's variable wins, as in Streamlit
        ("[server]\nmaxUploadSize = 30\n", "junk", 30),
    ],
    ids=["set", "unset", "broken", "missing", "environment", "bad-environment"],
)
def test_the_importer_reads_the_limit_as_streamlit_does(tmp_path, monkeypatch, text, env, expected):
    config = tmp_path / "config.toml"
    if text is not None:
        config.write_text(text)
    if env is None:
        monkeypatch.delenv("STREAMLIT_SERVER_MAX_UPLOAD_SIZE", raising=False)
    else:
        monkeypatch.setenv("STREAMLIT_SERVER_MAX_UPLOAD_SIZE", env)
    assert safety._upload_limit_mb(config) == expected


def test_a_file_over_the_upload_limit_names_it(con, monkeypatch):
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 1024 * 1024)
    outcome = import_files(con, [("大.csv", b"a,b\n" + b"1,2\n" * 600_000)])
    assert outcome.exit_code == 2
    assert "文件大小 2 MB，超过 1 MB 的导入上限" in outcome.errors[0].message


def test_no_child_is_left_behind(con, tmp_path):
    import_files(con, [_many_columns(tmp_path / "wide.csv")], dry_run=True)
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
    assert children == []
