"""Cells out of a checked file: xlsx/xlsm/xls in a child process, CSV here.

The spreadsheet parser (python-calamine) runs in a short-lived child process: on some crafted
files it aborts the process instead of raising, and the server must survive that. The child
returns typed Arrow columns (see _worker.py); this module turns them into one DataFrame per sheet
of plain cell values whose index is the row number the analyst sees in Excel (or the CSV line
number). Several files are parsed at once (`read_excel_many`), each in a child of its own.
"""

from __future__ import annotations

import csv
import io
import json
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from charset_normalizer import from_bytes

from labstudio.importer.safety import UnreadableFile

WORKER = Path(__file__).with_name("_worker.py")
# The child's address-space cap: well above what the largest accepted file needs.
CHILD_MEMORY_LIMIT = 3 * 1024 * 1024 * 1024
CHILD_TIMEOUT_SECONDS = 300
# Files parsed at the same time, each in a child of its own (each child may use up to the limit).
PARALLEL_READS = 2
# Must match _worker.MAGIC (the worker is a script of its own and cannot be imported here).
REPLY_MAGIC = b"LSWORKER1"
BLANKS = ("", " ", "\u3000")


@dataclass
class RawSheet:
    name: str
    # Columns 0..n-1 of cell values (None for empty); index = 1-based row (CSV: line) numbers.
    frame: pd.DataFrame
    visible: bool = True
    worksheet: bool = True
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row number, column index)
    # Cells holding an Excel error (#N/A, #DIV/0! …), which read as empty: (row, column) → text.
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_columns: set[int] = field(default_factory=set)  # 0-based indexes of hidden columns
    hidden_rows: set[int] = field(default_factory=set)  # row numbers (1-based) hidden in Excel
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def _frame(columns: list[list], first_row: int = 1) -> pd.DataFrame:
    if not columns:
        return pd.DataFrame()
    height = len(columns[0])
    frame = pd.DataFrame(
        {index: pd.Series(values, dtype=object) for index, values in enumerate(columns)}
    )
    frame.index = pd.RangeIndex(first_row, first_row + height)
    # calamine writes "" for an empty cell; None is what every later step tests for.
    for column in frame.columns:
        values = frame[column]
        empty = values.isin(BLANKS)
        if empty.any():
            frame[column] = values.where(~empty, None)
    return frame


def _run_child(data: bytes, fmt: str) -> bytes:
    request = pickle.dumps(
        {"data": data, "format": fmt, "memory_limit": CHILD_MEMORY_LIMIT},
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    try:
        done = subprocess.run(
            [sys.executable, "-I", str(WORKER)],
            input=request,
            capture_output=True,
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise UnreadableFile(
            f"读取文件超过 {CHILD_TIMEOUT_SECONDS} 秒仍未完成，已停止。文件可能过大或结构异常，"
            "请在 Excel 中另存为新的 .xlsx 或拆分后再导入。"
        ) from exc
    if done.returncode != 0 or not done.stdout:
        raise UnreadableFile(
            "文件结构异常，读取程序无法处理（可能已损坏，或工作表的数据范围大得异常）。"
            "请在 Excel 或 WPS 中打开，把数据复制到一个新工作簿，另存为 .xlsx 后再导入。"
        )
    return done.stdout


def _blocks(reply: bytes) -> list[memoryview]:
    """The length-prefixed blocks after the magic bytes."""
    if not reply.startswith(REPLY_MAGIC):
        raise ValueError("not a worker reply")
    view = memoryview(reply)
    position, blocks = len(REPLY_MAGIC), []
    while position < len(view):
        if position + 8 > len(view):
            raise ValueError("truncated reply")
        size = int.from_bytes(view[position : position + 8], "little")
        position += 8
        if position + size > len(view):
            raise ValueError("truncated reply")
        blocks.append(view[position : position + size])
        position += size
    if not blocks:
        raise ValueError("empty reply")
    return blocks


def _cells(array: pa.Array, code: str) -> np.ndarray:
    """One typed Arrow column → an object array of Python values (nulls: anything; masked)."""
    if code == "s":
        if pa.types.is_dictionary(array.type):
            # Each distinct text becomes one Python string, shared by every cell that holds it.
            distinct = array.dictionary.to_numpy(zero_copy_only=False)
            values = distinct.take(array.indices.fill_null(0).to_numpy(zero_copy_only=False))
            if array.null_count:
                values[~array.is_valid().to_numpy(zero_copy_only=False)] = None
            return values
        return array.to_numpy(zero_copy_only=False)
    if code == "f":
        return array.to_numpy(zero_copy_only=False).astype(object)
    if code == "i":
        return array.fill_null(0).to_numpy(zero_copy_only=False).astype(object)
    if code in ("d", "t"):  # datetime64[D] → datetime.date, datetime64[us] → datetime.datetime
        return array.to_numpy(zero_copy_only=False).astype(object)
    if code in ("b", "h", "u"):  # booleans, times of day, durations: rare; plain conversion
        values = np.empty(len(array), dtype=object)
        values[:] = array.to_pylist()
        return values
    raise ValueError(f"unknown cell type {code!r}")


def _table_frame(table: pa.Table | None, height: int, width: int) -> pd.DataFrame:
    if not height or not width:
        return pd.DataFrame()
    parts: dict[int, list[tuple[str, pa.Array]]] = {}
    if table is not None:
        for name, chunked in zip(table.column_names, table.columns, strict=True):
            index, code = name.split(":")
            if not 0 <= int(index) < width or len(chunked) != height:
                raise ValueError(f"bad column {name}")
            parts.setdefault(int(index), []).append((code, chunked.combine_chunks()))
    columns = {}
    for index in range(width):
        found = parts.get(index, [])
        if len(found) == 1 and found[0][0] == "s":
            values = _cells(found[0][1], "s")  # text columns: nulls already come back as None
        else:
            values = np.full(height, None, dtype=object)
            for code, array in found:
                valid = array.is_valid().to_numpy(zero_copy_only=False)
                values[valid] = _cells(array, code)[valid]
        columns[index] = pd.Series(values, dtype=object, copy=False)
    frame = pd.DataFrame(columns)
    frame.index = pd.RangeIndex(1, height + 1)
    return frame


def _decode(reply: bytes) -> tuple[dict, list[pa.Table]]:
    blocks = _blocks(reply)
    head = json.loads(bytes(blocks[0]).decode("utf-8"))
    tables = [pa.ipc.open_stream(pa.py_buffer(block)).read_all() for block in blocks[1:]]
    return head, tables


def _sheets(reply: bytes) -> list[RawSheet]:
    try:
        head, tables = _decode(reply)
    except Exception as exc:  # noqa: BLE001 - a garbled reply is a failed read
        raise UnreadableFile("读取文件时出错，文件可能已损坏。请另存为 .xlsx 后再导入。") from exc
    if not head.get("ok"):
        if head.get("kind") == "password":
            raise UnreadableFile(
                "文件设置了密码保护，无法读取。请在 Excel 或 WPS 中取消密码后另存，再导入。"
            )
        raise UnreadableFile(
            "文件已损坏或不是有效的 Excel 表格，无法读取。请在 Excel 或 WPS 中打开并另存为 .xlsx 后再导入。"
        )
    sheets = []
    try:
        for entry in head["sheets"]:
            stream = entry["stream"]
            table = tables[stream] if stream is not None else None
            sheets.append(
                RawSheet(
                    name=entry["name"],
                    frame=_table_frame(table, entry["height"], entry["width"]),
                    visible=entry["visible"],
                    worksheet=entry["worksheet"],
                    formulas={(row + 1, column) for row, column in entry["formulas"]},
                    errors={
                        (int(row) + 1, int(column)): str(text)
                        for row, column, text in entry.get("errors", [])
                    },
                    hidden_columns=_hidden(entry.get("hidden", []), entry["width"]),
                    hidden_rows={int(row) + 1 for row in entry.get("hidden_rows", [])},
                    merged=[tuple(map(tuple, cells)) for cells in entry["merged"]],
                )
            )
    except (KeyError, IndexError, TypeError, ValueError, pa.ArrowException) as exc:
        raise UnreadableFile("读取文件时出错，文件可能已损坏。请另存为 .xlsx 后再导入。") from exc
    return sheets


def _hidden(ranges: list, width: int) -> set[int]:
    """Hidden column ranges (first, last) → the indexes among the sheet's columns."""
    hidden: set[int] = set()
    for low, high in ranges:
        hidden.update(range(max(int(low), 0), min(int(high), width - 1) + 1))
    return hidden


def read_excel(data: bytes, fmt: str) -> list[RawSheet]:
    return _sheets(_run_child(data, fmt))


def read_many(
    jobs: Sequence[tuple[int, Callable[[], list[RawSheet]]]],
) -> Iterator[tuple[int, list[RawSheet] | UnreadableFile]]:
    """Run read jobs (size in bytes, job) a few at a time; yield (job number, result) pairs as
    the jobs finish.

    Each Excel job parses in a child of its own, so the parent works on the files whose cells
    have arrived while the children parse the others; the largest files start first. A job that
    raises UnreadableFile yields the exception instead of sheets: the caller reports it for that
    file and goes on.
    """

    def run(job: Callable[[], list[RawSheet]]) -> list[RawSheet] | UnreadableFile:
        try:
            return job()
        except UnreadableFile as exc:
            return exc

    if len(jobs) <= 1:
        for number, (_, job) in enumerate(jobs):
            yield number, run(job)
        return
    with ThreadPoolExecutor(max_workers=min(PARALLEL_READS, len(jobs))) as pool:
        order = sorted(range(len(jobs)), key=lambda i: -jobs[i][0])
        futures = {pool.submit(run, jobs[i][1]): i for i in order}
        for future in as_completed(futures):
            yield futures[future], future.result()


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030, else the best guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFile(
            "无法识别 CSV 文件的文字编码。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入。"
        )
    return str(best)


DELIMITERS = ",\t;|"


def _delimiter(sample: str) -> str:
    """The CSV's separator: the sniffer's answer, else the one found on the most lines.

    The sniffer gives up on a file whose title line has no separator ("2023年度考核结果"), which
    is how analysts' files start; counting lines still finds ';' in a file of '1,200.00' amounts.
    """
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    lines = [line for line in sample.splitlines()[:200] if line.strip()]

    def weight(candidate: str) -> tuple[int, int, int]:
        on_lines = sum(1 for line in lines if candidate in line)
        return on_lines, sample.count(candidate), -DELIMITERS.index(candidate)

    best = max(DELIMITERS, key=weight)
    return best if weight(best)[0] else ","


def read_csv(data: bytes, name: str) -> list[RawSheet]:
    try:
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            "CSV 文件的文字编码有误。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入。"
        ) from exc
    delimiter = _delimiter(text[:20000])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    previous = 0
    try:
        for record in reader:
            # A quoted cell may span lines; the analyst's line number is where the record starts.
            lines.append(previous + 1)
            previous = reader.line_num
            rows.append(record)
    except csv.Error as exc:
        raise UnreadableFile(
            f"CSV 文件格式有误（第 {previous + 1} 行附近）：引号不成对。请检查后再导入。"
        ) from exc
    width = max((len(row) for row in rows), default=0)
    columns = [[row[i] if i < len(row) else None for row in rows] for i in range(width)]
    frame = _frame(columns)
    if len(frame):
        frame.index = pd.Index(lines)
    stem = Path(name).stem
    return [RawSheet(name=stem, frame=frame)]
