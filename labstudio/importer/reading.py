"""Cells out of a checked file: xlsx/xlsm/xls in a child process, CSV here.

The spreadsheet parser (python-calamine) runs in a short-lived child process: on some crafted
files it aborts the process instead of raising, and the server must survive that. The child
returns plain columns of cell values; this module turns them into one DataFrame per sheet whose
index is the row number the analyst sees in Excel (or the CSV line number).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import pickle
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from charset_normalizer import from_bytes

from labstudio.importer.safety import UnreadableFile

WORKER = Path(__file__).with_name("_worker.py")
# The child's address-space cap: well above what the largest accepted file needs.
CHILD_MEMORY_LIMIT = 3 * 1024 * 1024 * 1024
CHILD_TIMEOUT_SECONDS = 300


@dataclass
class RawSheet:
    name: str
    # Columns 0..n-1 of cell values (None for empty); index = 1-based row (CSV: line) numbers.
    frame: pd.DataFrame
    visible: bool = True
    worksheet: bool = True
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row number, column index)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


class _ReplyUnpickler(pickle.Unpickler):
    """Only built-in values and dates may come back from the child."""

    ALLOWED = {
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "time"),
        ("datetime", "timedelta"),
    }

    def find_class(self, module: str, name: str) -> type:
        if (module, name) in self.ALLOWED:
            return getattr(dt, name)
        raise pickle.UnpicklingError(f"unexpected type {module}.{name}")


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
        empty = values.isin(("", " ", "\u3000"))
        if empty.any():
            frame[column] = values.where(~empty, None)
    return frame


def _run_child(data: bytes, fmt: str) -> dict:
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
    try:
        return _ReplyUnpickler(io.BytesIO(done.stdout)).load()
    except Exception as exc:  # noqa: BLE001 - a garbled reply is a failed read
        raise UnreadableFile("读取文件时出错，文件可能已损坏。请另存为 .xlsx 后再导入。") from exc


def read_excel(data: bytes, fmt: str) -> list[RawSheet]:
    reply = _run_child(data, fmt)
    if not reply.get("ok"):
        if reply.get("kind") == "password":
            raise UnreadableFile(
                "文件设置了密码保护，无法读取。请在 Excel 或 WPS 中取消密码后另存，再导入。"
            )
        raise UnreadableFile(
            "文件已损坏或不是有效的 Excel 表格，无法读取。请在 Excel 或 WPS 中打开并另存为 .xlsx 后再导入。"
        )
    sheets = []
    for entry in reply["sheets"]:
        sheets.append(
            RawSheet(
                name=entry["name"],
                frame=_frame(entry["columns"]),
                visible=entry["visible"],
                worksheet=entry["worksheet"],
                formulas={(row + 1, column) for row, column in entry["formulas"]},
                merged=[tuple(map(tuple, cells)) for cells in entry["merged"]],
            )
        )
    return sheets


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


def read_csv(data: bytes, name: str) -> list[RawSheet]:
    try:
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            "CSV 文件的文字编码有误。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入。"
        ) from exc
    sample = text[:20000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
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
