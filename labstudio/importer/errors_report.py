"""Workbooks for analysts: their own file with the problems marked, and blank templates."""

from __future__ import annotations

import io
import pickle
import re
import subprocess
import sys
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from labstudio.domain import ALLOWED_USES, GRADES, GROUNDS, STAGES, TYPES
from labstudio.importer.headers import fold_header
from labstudio.importer.reading import CHILD_MEMORY_LIMIT, RawSheet, read_csv, read_excel
from labstudio.importer.safety import UnreadableFile, check_file
from labstudio.importer.validate import Message
from labstudio.safe_text import inert_xlsx_cell, is_formula_like

ERROR_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
WARNING_FILL = PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")
HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
NOTE_HEADER = "问题说明"
LIST_SHEET = "问题清单"
HEADER_SCAN_ROWS = 40


def error_workbook(
    original_bytes: bytes,
    file_name: str,
    messages: Sequence[Message],
    warnings: Sequence[Message] = (),
) -> bytes:
    """The analyst's workbook with offending cells filled and a 问题说明 column; always xlsx.

    `messages` are errors (red); `warnings`, if given, are marked too (yellow). Messages of other
    files are left out. A CSV or .xls comes back as an xlsx with the same rows.

    The file is untrusted: openpyxl reads it in a child process with the importer's memory and
    time limits (a 12 MB ledger takes openpyxl a minute and 1.4 GB). When the child cannot make
    the copy, the workbook holds the list of problems alone and says why.
    """
    mine = [(m, True) for m in messages if m.file == file_name]
    mine += [(m, False) for m in warnings if m.file == file_name]
    request = pickle.dumps(
        {
            "data": original_bytes,
            "file_name": file_name,
            "items": mine,
            "memory_limit": CHILD_MEMORY_LIMIT,
        },
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _CHILD, str(Path(__file__).resolve().parents[2])],
            input=request,
            capture_output=True,
            timeout=REPORT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        done = None
    if done is not None and done.returncode == 0 and done.stdout.startswith(b"PK"):
        return done.stdout
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    _list_sheet(workbook, mine, note=NO_COPY)
    return _saved(workbook)


REPORT_TIMEOUT_SECONDS = 120
NO_COPY = (
    "原文件过大或结构异常，无法在它的副本中标出问题（已超出读取的内存或时间上限）。"
    "下面列出全部问题，请对照原文件修改。"
)
FORMULAS_AS_VALUES = (
    "原文件中的公式在这份副本里已换成它们的计算结果（也就是导入时读到的值），"
    "以免打开副本时运行文件带来的公式。"
)
# Run as `python -I -c _CHILD REPO`: the limits are set after the imports (trusted code).
_CHILD = """
import pickle, resource, sys
sys.path.insert(0, sys.argv[1])
from labstudio.importer.errors_report import marked_copy
request = pickle.load(sys.stdin.buffer)
limit = request["memory_limit"]
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.stdout.buffer.write(marked_copy(request["data"], request["file_name"], request["items"]))
"""


def marked_copy(data: bytes, file_name: str, items: list[tuple[Message, bool]]) -> bytes:
    """The marked workbook itself; runs in the child process of `error_workbook`."""
    workbook, had_formulas = _open_as_openpyxl(data, file_name)
    by_sheet: dict[str, list[tuple[Message, bool]]] = defaultdict(list)
    for message, is_error in items:
        if message.sheet in workbook.sheetnames and message.row:
            by_sheet[message.sheet].append((message, is_error))
    for sheet_name, marked in by_sheet.items():
        _mark_sheet(workbook[sheet_name], marked)
    for sheet in workbook.worksheets:
        _inert_text(sheet)
    _list_sheet(workbook, items, note=FORMULAS_AS_VALUES if had_formulas else None)
    return _saved(workbook)


def _saved(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _inert_text(sheet) -> None:
    """Text of the file that a spreadsheet would run (=HYPERLINK(…) written as text) stays text."""
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and is_formula_like(cell.value):
                inert_xlsx_cell(cell)


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet of an xlsx holds a formula (<f> elements), read in chunks."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", name):
                continue
            with archive.open(name) as stream:
                tail = b""
                while chunk := stream.read(4 * 1024 * 1024):
                    if _FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-16:]
    return False


def _open_as_openpyxl(data: bytes, file_name: str) -> tuple[openpyxl.Workbook, bool]:
    """(the file as a workbook to mark, whether its formulas were replaced by their values)."""
    try:
        check = check_file(file_name, data)
    except UnreadableFile:
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        return workbook, False
    if check.format == "xlsx":
        try:
            # Values, not formulas: no formula of the file leaves in the copy (the importer
            # read these same cached values).
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
            return workbook, _has_formulas(data)
        except Exception:  # noqa: BLE001 - fall back to the values calamine can read
            pass
    try:
        sheets = (
            read_csv(data, file_name) if check.format == "csv" else read_excel(data, check.format)
        )
    except UnreadableFile:
        sheets = []
    return _from_raw(sheets), False


def _from_raw(sheets: list[RawSheet]) -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for raw in sheets:
        sheet = workbook.create_sheet(_safe_title(raw.name))
        for row_number, values in zip(
            raw.frame.index, raw.frame.itertuples(index=False), strict=True
        ):
            for column, value in enumerate(values, start=1):
                if value is not None:
                    sheet.cell(row=int(row_number), column=column, value=value)
    return workbook


def _safe_title(name: str) -> str:
    for char in "[]:*?/\\":
        name = name.replace(char, "_")
    return name[:31] or "Sheet1"


def _find_column(sheet, header: str | None, row: int) -> int | None:
    if not header:
        return None
    target = fold_header(header)[0]
    best = None
    for cells in sheet.iter_rows(
        min_row=1, max_row=min(HEADER_SCAN_ROWS, max(row, 1)), values_only=False
    ):
        for cell in cells:
            if isinstance(cell.value, str) and fold_header(cell.value)[0] == target:
                best = cell.column
                break
        if best is not None:
            break
    return best


def _mark_sheet(sheet, items: list[tuple[Message, bool]]) -> None:
    note_column = sheet.max_column + 1
    header_row = None
    notes: dict[int, list[str]] = defaultdict(list)
    worst: dict[int, bool] = {}
    for message, is_error in items:
        column = _find_column(sheet, message.column, message.row)
        fill = ERROR_FILL if is_error else WARNING_FILL
        if column is not None:
            cell = sheet.cell(row=message.row, column=column)
            if is_error or cell.fill != ERROR_FILL:
                cell.fill = fill
            if header_row is None:
                header_row = _header_row(sheet, message.column, message.row)
        prefix = "错误" if is_error else "提示"
        where = f"【{message.column}】" if message.column else ""
        notes[message.row].append(f"{prefix}{where}{message.message}")
        worst[message.row] = worst.get(message.row, False) or is_error
    header_row = header_row or 1
    head = sheet.cell(row=header_row, column=note_column, value=NOTE_HEADER)
    head.font = Font(bold=True, color="C00000")
    head.fill = HEADER_FILL
    sheet.column_dimensions[get_column_letter(note_column)].width = 60
    for row, lines in notes.items():
        if row == header_row:
            continue  # notes on the header itself (ignored columns) stay in the list sheet
        cell = sheet.cell(row=row, column=note_column, value="\n".join(lines))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = ERROR_FILL if worst[row] else WARNING_FILL
        cell.font = Font(color="9C0006" if worst[row] else "7F6000")


def _header_row(sheet, header: str, row: int) -> int | None:
    target = fold_header(header)[0]
    for cells in sheet.iter_rows(min_row=1, max_row=min(HEADER_SCAN_ROWS, row), values_only=False):
        for cell in cells:
            if isinstance(cell.value, str) and fold_header(cell.value)[0] == target:
                return cell.row
    return None


def _list_sheet(
    workbook: openpyxl.Workbook, items: list[tuple[Message, bool]], note: str | None = None
) -> None:
    sheet = workbook.create_sheet(LIST_SHEET, 0)
    sheet.append(["类别", "工作表", "行号", "列", "问题说明"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for message, is_error in items:
        sheet.append(
            [
                "错误" if is_error else "提示",
                message.sheet,
                message.row,
                message.column,
                message.message,
            ]
        )
    for letter, width in zip("ABCDE", (8, 16, 8, 20, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    if not items:
        sheet.append(["", "", None, "", "没有发现问题。"])
    if note:
        sheet.append(["说明", "", None, "", note])
    # Sheet names, headers and messages quote the file: =… there is text, never a formula.
    _inert_text(sheet)


# ---------------------------------------------------------------------------- templates

TEMPLATE_KINDS = ("studios", "assessments", "revocations", "funds")

_TEMPLATES: dict[str, tuple[str, list[str], dict[str, Sequence[str]], list[str]]] = {
    # kind: (title, headers, drop-downs per header, notes)
    "studios": (
        "劳动模范（领军人才）创新工作室名单",
        [
            "序号",
            "创新工作室所在单位",
            "创新工作室名称",
            "领衔人",
            "职称（技术等级）",
            "创新类型",
            "批次",
            "阶段",
            "命名时间",
            "主要创新成果",
            "领衔人主要荣誉（限5项以内）",
            "备注",
        ],
        {
            "创新类型": TYPES,
            "批次": ("第一批", "第二批", "第三批", "第四批", "第五批"),
            "阶段": STAGES,
        },
        [
            "每个工作室一行；“所在单位”请写单位全称。",
            "荣誉之间用顿号或分号隔开，限 5 项以内。",
            "命名时间写成 2024-03-20 这样的日期。",
        ],
    ),
    "assessments": (
        "创新工作室年度考核结果",
        ["序号", "创新工作室所在单位", "创新工作室名称", "年度", "考核得分", "考核等次", "备注"],
        {"考核等次": GRADES},
        [
            "得分 0–100；90 分及以上为优秀，60–89 分为合格，60 分以下为不合格。",
            "“年度”写四位数年份，例如 2023。",
        ],
    ),
    "revocations": (
        "撤销（不再保留）创新工作室称号名单",
        ["序号", "创新工作室所在单位", "创新工作室名称", "撤销时间", "撤销原因"],
        {"撤销原因": GROUNDS},
        ["撤销原因可从下拉列表选择，也可以直接写明具体情况。"],
    ),
    "funds": (
        "创新工作室经费台账",
        [
            "序号",
            "创新工作室所在单位",
            "创新工作室名称",
            "日期",
            "收支",
            "支出类别",
            "金额（元）",
            "摘要",
        ],
        {"收支": ("收入", "支出"), "支出类别": ALLOWED_USES},
        [
            "拨款（收入）的“支出类别”留空。",
            "金额填正数，单位为元。",
            "经费只能用于：设备购置、项目研究、培训学习、创新成果宣传推广、办公条件改善。",
        ],
    ),
}
TEMPLATE_ROWS = 500


def template_workbook(kind: str) -> bytes:
    """A blank xlsx with the headers the importer recognises best and drop-down lists."""
    if kind not in _TEMPLATES:
        raise ValueError(f"unknown template kind {kind!r}; one of {TEMPLATE_KINDS}")
    title, headers, choices, notes = _TEMPLATES[kind]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = {
        "studios": "工作室名单",
        "assessments": "考核结果",
        "revocations": "撤销名单",
        "funds": "经费台账",
    }[kind]
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=2, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = max(
            10, min(40, len(header) * 2 + 4)
        )
        if header in choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(choices[header]) + '"',
                allow_blank=True,
                showDropDown=False,  # openpyxl's flag is inverted: False shows the arrow
            )
            if header == "撤销原因":
                # A reason may be written out in full; the list only helps.
                validation.errorStyle = "information"
            validation.error = f"请从下拉列表中选择：{'、'.join(choices[header])}"
            validation.errorTitle = header
            validation.prompt = f"可选：{'、'.join(choices[header])}"
            validation.promptTitle = header
            letter = get_column_letter(column)
            validation.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
            sheet.add_data_validation(validation)
        if header == "考核得分":
            validation = DataValidation(
                type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True
            )
            validation.error = "考核得分应在 0–100 之间"
            letter = get_column_letter(column)
            validation.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A3"
    guide = workbook.create_sheet("填表说明")
    guide.column_dimensions["A"].width = 90
    guide.append(["填表说明"])
    guide["A1"].font = Font(bold=True)
    for number, note in enumerate(notes, start=1):
        guide.append([f"{number}. {note}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
