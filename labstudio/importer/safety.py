"""Checks made on a file's bytes before any parser sees them.

A spreadsheet from outside is untrusted: a 2 MB zip can inflate to gigabytes, and python-calamine
aborts the whole process (it does not raise) when a sheet's extent is absurd. These checks are
cheap, never parse cell data, and say in plain Chinese why a file is refused.
"""

from __future__ import annotations

import io
import os
import re
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree

# Limits. A real hospital workbook is a few MB; the benchmark set (300,000 ledger lines) is ~15 MB.
CONFIG_TOML = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"
# What Streamlit accepts when config.toml sets no server.maxUploadSize (its own default, in MiB).
STREAMLIT_DEFAULT_UPLOAD_MB = 200


def _upload_limit_mb(config: Path = CONFIG_TOML) -> int:
    """server.maxUploadSize of the app's config.toml: the one number for both limits.

    Streamlit refuses a larger upload before it reaches the app; the importer refuses a larger
    file from the command line. Streamlit's environment variable overrides the file, and without
    either Streamlit applies its own default: so does the importer, the two cannot disagree.
    """
    override = os.environ.get("STREAMLIT_SERVER_MAX_UPLOAD_SIZE", "")
    if override.strip().isdigit() and int(override) > 0:
        return int(override)
    try:
        with config.open("rb") as stream:
            value = tomllib.load(stream).get("server", {}).get("maxUploadSize")
    except (OSError, tomllib.TOMLDecodeError):
        value = None
    return value if isinstance(value, int) and value > 0 else STREAMLIT_DEFAULT_UPLOAD_MB


MAX_FILE_MB = _upload_limit_mb()
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024  # Streamlit counts its limit in MiB too
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_ZIP_ENTRIES = 5_000
# Ratio limit only for big members: tiny XML parts legitimately compress 100× and more.
MAX_RATIO = 200
RATIO_MIN_BYTES = 8 * 1024 * 1024
# A sheet's declared extent (<dimension>): python-calamine allocates it before reading a cell.
# Past Excel's own bounds (1,048,576 rows, column XFD) it is malformed.
MAX_DECLARED_CELLS = 20_000_000
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
# What a parsed sheet (or CSV) and a whole file may hold, checked in the parsing child before any
# cell reaches the server: the server holds each accepted cell as a Python object (~200 bytes
# through the import), so these keep one file's import under about 1 GB. 1,048,576 rows is
# Excel's own limit; the benchmark set's largest sheet has 300,002 rows × 7 columns (2.1 million
# cells), the whole set 2.4 million.
MAX_SHEET_ROWS = 1_048_576
MAX_SHEET_COLUMNS = 256
MAX_SHEET_CELLS = 5_000_000
MAX_FILE_ROWS = 1_048_576
MAX_FILE_CELLS = 6_000_000


def parse_limits() -> dict[str, int]:
    """The limits the parsing child enforces (read at call time, so a test can lower them)."""
    return {
        "sheet_rows": MAX_SHEET_ROWS,
        "sheet_columns": MAX_SHEET_COLUMNS,
        "sheet_cells": MAX_SHEET_CELLS,
        "file_rows": MAX_FILE_ROWS,
        "file_cells": MAX_FILE_CELLS,
    }


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

FORMATS = ("xlsx", "xls", "csv")


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet at all (exit code 2)."""


@dataclass
class FileCheck:
    format: str  # "xlsx" (also .xlsm) | "xls" | "csv"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (ord(char) - 64)
    return number


def _cell_extent(ref: str) -> tuple[int, int] | None:
    """'A1:XFD1048576' → (rows, columns) of the whole range; None when unparseable."""
    last = ref.split(":")[-1].replace("$", "").upper()
    match = re.fullmatch(r"([A-Z]{1,3})(\d{1,7})", last)
    if not match:
        return None
    return int(match.group(2)), _column_number(match.group(1))


def _declared_dimension(archive: zipfile.ZipFile, member: str) -> str | None:
    """The ref of a worksheet's <dimension> tag, read without resolving any entity."""
    with archive.open(member) as stream:
        head = stream.read(64 * 1024)
    # The tag sits before <sheetData>; parse only the part up to it, as a closed document.
    cut = head.find(b"<sheetData")
    if cut < 0:
        match = re.search(rb"<(?:\w+:)?dimension\b[^>]*>", head)
        return match and _dimension_ref(match.group(0))
    fragment = head[:cut]
    root_match = re.search(rb"<(?:\w+:)?worksheet\b", fragment)
    if root_match is None:
        return None
    tag = re.match(rb"<((?:\w+:)?worksheet)", fragment[root_match.start() :]).group(1)
    document = fragment + b"</" + tag + b">"
    try:
        root = ElementTree.fromstring(document)
    except Exception as exc:  # defusedxml refuses entities and DTDs: a crafted file
        if exc.__class__.__module__.startswith("defusedxml"):
            raise UnreadableFile(
                "文件中含有不安全的 XML 内容（实体定义），已拒绝读取。请在 Excel 中另存为新的 .xlsx 文件后再导入。"
            ) from exc
        return None
    for element in root:
        if element.tag.endswith("}dimension") or element.tag == "dimension":
            return element.get("ref")
    return None


def _dimension_ref(tag: bytes) -> str | None:
    match = re.search(rb'ref="([^"]+)"', tag)
    return match.group(1).decode("ascii", "replace") if match else None


def _check_zip(data: bytes, name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(
            "文件已损坏，无法作为 Excel 表格打开。请在 Excel 或 WPS 中打开并另存为 .xlsx 后再导入。"
        ) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise UnreadableFile("文件内部结构异常（压缩包成员过多），已拒绝读取。")
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            if "word/document.xml" in names:
                raise UnreadableFile(
                    "这是一个 Word 文档，不是 Excel 表格。请导入 .xlsx、.xls 或 .csv 表格。"
                )
            raise UnreadableFile(
                "文件不是 Excel 表格（压缩包里没有工作簿）。请导入 .xlsx、.xls 或 .csv 表格。"
            )
        if "xl/workbook.bin" in names:
            raise UnreadableFile(
                "暂不支持 .xlsb 二进制工作簿。请在 Excel 中另存为 .xlsx 后再导入。"
            )
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise UnreadableFile(
                    f"文件的压缩比异常（{info.filename} 解压后是压缩前的 "
                    f"{info.file_size // max(info.compress_size, 1)} 倍），疑似“压缩炸弹”，已拒绝读取。"
                )
        if total > MAX_UNCOMPRESSED_BYTES:
            raise UnreadableFile(
                f"文件解压后超过 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB，超出导入上限。"
                "请把数据拆成几个文件分别导入。"
            )
        for member in sorted(n for n in names if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n)):
            ref = _declared_dimension(archive, member)
            extent = _cell_extent(ref) if ref else None
            if extent is None:
                continue
            rows, columns = extent
            # The limits on what a sheet holds are the child's to check, on the cells it reads.
            if rows > EXCEL_ROWS or columns > EXCEL_COLUMNS or rows * columns > MAX_DECLARED_CELLS:
                raise UnreadableFile(
                    f"工作表的声明范围异常（{ref}，约 {rows:,} 行 × {columns:,} 列），"
                    "读取会耗尽内存，已拒绝。请在 Excel 中删除数据区以外的空行空列（或把数据复制到新工作簿）后再导入。"
                )


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    if b"\x00" in sample:
        return False
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    return controls <= len(sample) // 100


def check_file(name: str, data: bytes) -> FileCheck:
    """Decide how to read the file, or raise UnreadableFile with the reason."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(
            f"文件大小 {len(data) / 1024 / 1024:.0f} MB，超过 {MAX_FILE_BYTES // 1024 // 1024} MB 的导入上限。"
            "请把数据拆成几个文件分别导入。"
        )
    if not data:
        raise UnreadableFile("文件是空的（0 字节）。请检查是否选对了文件。")
    if data.startswith(OLE_MAGIC):
        head = data[: 1024 * 1024]
        if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in head:
            raise UnreadableFile(
                "文件设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中取消密码"
                "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存，再导入。"
            )
        if _utf16("Workbook") in data or _utf16("Book") in data:
            return FileCheck("xls")
        if suffix in ("xlsx", "xlsm"):
            # Excel stores a password-protected .xlsx as an OLE container; that is what this is.
            raise UnreadableFile(
                "文件设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中取消密码后另存，再导入。"
            )
        raise UnreadableFile(
            "文件不是 Excel 表格（可能是 Word 或其他 Office 文档）。请导入 .xlsx、.xls 或 .csv 表格。"
        )
    if data.startswith(ZIP_MAGIC):
        _check_zip(data, name)
        return FileCheck("xlsx")
    if suffix in ("xlsx", "xlsm", "xls"):
        if _looks_like_text(data):
            raise UnreadableFile(
                f"文件扩展名是 .{suffix}，但内容是纯文本，不是 Excel 表格。"
                "如果它是 CSV 文件，请把扩展名改为 .csv 后再导入；否则请在 Excel 中另存为 .xlsx。"
            )
        raise UnreadableFile(
            f"文件扩展名是 .{suffix}，但内容不是 Excel 表格（可能已损坏或是改了扩展名的其他文件）。"
            "请在 Excel 或 WPS 中打开并另存为 .xlsx 后再导入。"
        )
    if suffix in ("csv", "txt") or _looks_like_text(data):
        if not _looks_like_text(data):
            raise UnreadableFile(
                "文件不是文本格式的 CSV 表格（含有二进制内容）。请在 Excel 中另存为 CSV 或 .xlsx。"
            )
        return FileCheck("csv")
    raise UnreadableFile(
        "文件不是可以识别的表格。请导入 .xlsx、.xlsm、.xls 或 .csv（UTF-8 或 GBK 编码）文件。"
    )
