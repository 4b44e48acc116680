"""Cells out of a checked file: xlsx/xlsm/xls and CSV alike, each parsed in a child process.

The parsers run in a short-lived child process with a memory and time limit: python-calamine
aborts the process on some crafted files instead of raising, and a CSV of 25 million short lines
(or 2 million columns) would take gigabytes and minutes of the server's own process. The child
enforces the limits on rows, columns and cells (safety.parse_limits) before any cell comes here,
and the server must survive whatever the child does. The child
returns typed Arrow columns (see _worker.py); this module turns them into one DataFrame per sheet
of plain cell values whose index is the row number the analyst sees in Excel (or the CSV line
number). Several files are parsed at once (`read_excel_many`), each in a child of its own.
"""

from __future__ import annotations

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

from labstudio.importer.safety import UnreadableFile, parse_limits

WORKER = Path(__file__).with_name("_worker.py")
# The child's address-space cap: well above what the largest accepted file needs.
CHILD_MEMORY_LIMIT = 3 * 1024 * 1024 * 1024
CHILD_TIMEOUT_SECONDS = 300
# Files parsed at the same time, each in a child of its own (each child may use up to the limit).
PARALLEL_READS = 2
# Must match _worker.MAGIC (the worker is a script of its own and cannot be imported here).
REPLY_MAGIC = b"LSWORKER1"


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


def _run_child(data: bytes, fmt: str) -> bytes:
    # The request (small, pickled) goes first with its length, then the file's bytes as they
    # are: pickling them in would hold a second copy of a 100 MB upload in the server.
    request = pickle.dumps(
        {"format": fmt, "memory_limit": CHILD_MEMORY_LIMIT, "limits": parse_limits()},
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    with subprocess.Popen(
        [sys.executable, "-I", str(WORKER)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        try:
            child.stdin.write(len(request).to_bytes(8, "little") + request)
            reply, _ = child.communicate(data, timeout=CHILD_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            child.kill()
            child.communicate()
            raise UnreadableFile(
                f"读取文件超过 {CHILD_TIMEOUT_SECONDS} 秒仍未完成，已停止。文件可能过大或结构异常，"
                "请在 Excel 中另存为新的 .xlsx 或拆分后再导入。"
            ) from exc
        except BrokenPipeError:  # the child died before it read everything
            reply = b""
            child.wait()
    if child.returncode != 0 or not reply:
        raise UnreadableFile(
            "文件结构异常，读取程序无法处理（可能已损坏，或工作表的数据范围大得异常）。"
            "请在 Excel 或 WPS 中打开，把数据复制到一个新工作簿，另存为 .xlsx 后再导入。"
        )
    return reply


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


# What a limit is called in a refusal, and what the analyst can do about it.
_LIMITS = {
    "sheet_rows": ("每张表最多 {maximum:,} 行", "行", "请把数据拆成几个文件分别导入。"),
    "sheet_columns": (
        "每张表最多 {maximum:,} 列",
        "列",
        "请删除数据区以外的多余列；如果是 CSV，请检查分隔符是否正确。",
    ),
    "sheet_cells": (
        "每张表最多 {maximum:,} 个单元格（行数 × 列数）",
        "个单元格",
        "请删除多余的行列，或把数据拆成几个文件分别导入。",
    ),
    "file_rows": (
        "每个文件最多 {maximum:,} 行（各工作表合计）",
        "行",
        "请把工作表分到几个文件里分别导入。",
    ),
    "file_cells": (
        "每个文件最多 {maximum:,} 个单元格（各工作表合计）",
        "个单元格",
        "请把工作表分到几个文件里分别导入。",
    ),
}


def _refusal(head: dict, fmt: str) -> str:
    """The analyst's message for a child's refusal (a reply head whose "ok" is false)."""
    kind = head.get("kind")
    if kind == "password":
        return "文件设置了密码保护，无法读取。请在 Excel 或 WPS 中取消密码后另存，再导入。"
    if kind == "limit" and head.get("limit") in _LIMITS:
        limit = head["limit"]
        rule, unit, advice = _LIMITS[limit]
        value, line, sheet = int(head["value"]), head.get("line"), head.get("sheet")
        if fmt == "csv":
            where = "CSV 文件"
            if limit == "sheet_columns":
                found = f"第 {int(line):,} 行有 {value:,} 列"
            elif limit == "sheet_rows":
                found = f"读到第 {int(line):,} 行还没有结束"
            else:
                found = f"读到第 {int(line):,} 行时已有 {value:,} {unit}"
        elif limit.startswith("file_"):
            where, found = "文件", f"读到工作表“{sheet}”时已有 {value:,} {unit}"
        else:
            where, found = f"工作表“{sheet}”", f"这张表有 {value:,} {unit}"
        return (
            f"{where}超出导入上限：{rule.format(maximum=int(head['maximum']))}，{found}。"
            f"已停止读取，没有导入任何数据。{advice}"
        )
    if kind == "memory":
        return (
            f"读取这个文件需要的内存超过了上限（{int(head['maximum']) // 1024**3} GB），已停止读取。"
            "文件可能过大或结构异常，请把数据拆成几个文件，或在 Excel 中另存为新的 .xlsx 后再导入。"
        )
    if kind == "encoding":
        return "无法识别 CSV 文件的文字编码。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入。"
    if kind == "csv":
        line = int(head.get("line") or 0)
        if head.get("problem") == "field":
            return (
                f"CSV 文件第 {line:,} 行附近有一个单元格超过 {int(head['maximum']):,} 个字符"
                "（多半是引号不成对，把后面的内容都算进了一个单元格）。请检查后再导入。"
            )
        return f"CSV 文件格式有误（第 {line:,} 行附近）：引号不成对。请检查后再导入。"
    return "文件已损坏或不是有效的 Excel 表格，无法读取。请在 Excel 或 WPS 中打开并另存为 .xlsx 后再导入。"


def _sheets(reply: bytes, fmt: str, name: str) -> list[RawSheet]:
    try:
        head, tables = _decode(reply)
    except Exception as exc:  # noqa: BLE001 - a garbled reply is a failed read
        raise UnreadableFile("读取文件时出错，文件可能已损坏。请另存为 .xlsx 后再导入。") from exc
    if not head.get("ok"):
        raise UnreadableFile(_refusal(head, fmt))
    sheets = []
    try:
        for entry in head["sheets"]:
            stream = entry["stream"]
            table = tables[stream] if stream is not None else None
            frame = _table_frame(table, entry["height"], entry["width"])
            if entry.get("lines") is not None:
                lines = tables[entry["lines"]].column("line").to_numpy()
                if len(lines) != len(frame):
                    raise ValueError("line numbers do not match the rows")
                frame.index = pd.Index(lines)
            sheets.append(
                RawSheet(
                    # A CSV's one sheet is named after its file, as Excel names it on opening.
                    name=entry["name"] if entry["name"] is not None else Path(name).stem,
                    frame=frame,
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


def read_excel(data: bytes, fmt: str, name: str = "") -> list[RawSheet]:
    """The sheets of a checked file of format `fmt` ("xlsx", "xls" or "csv")."""
    return _sheets(_run_child(data, fmt), fmt, name)


def read_csv(data: bytes, name: str) -> list[RawSheet]:
    """A CSV's one sheet, named after the file; decoded and split in the child like a workbook."""
    return read_excel(data, "csv", name)


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
