"""Parse one untrusted file (workbook or CSV) in a process of its own.

Run as a plain script (`python -I _worker.py`), never imported by the server: python-calamine
aborts the process on some crafted files, a memory limit set here keeps a zip bomb from taking
the machine, and a CSV of 25 million lines or 2 million columns costs this process, not the
server, until the limits on rows, columns and cells (the parent's, sent with the request) refuse
it. Reads on stdin a pickled request (from the parent: trusted) after its 8-byte length, then the
file's bytes to the end, and writes its reply on
stdout in a format that carries no code: a JSON head (sheet names, merged ranges, formula cells)
followed by one Arrow IPC stream per sheet, one typed Arrow column per cell type found in a sheet
column (text, number, date …). Pickled Python objects would cost more than the parse itself on a
300,000-line ledger; Arrow buffers cost next to nothing to write and to read.
"""

import io
import pickle
import re
import sys
import zipfile


class _NoPandas:
    """The worker never uses pandas, but pyarrow imports it (0.4 s) when it can: it cannot here."""

    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not used in the worker")
        return None


def _limit_memory(limit: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the parent's size checks still apply


# Bounded repeats: a crafted tag without its '>' must not make the search quadratic.
_CELL = re.compile(rb'<c\b[^>]{0,300}?\br="([A-Z]{1,3})(\d+)"[^>]{0,300}>\s*<f\b')
# A cell holding an Excel error (#N/A, #DIV/0! …): calamine reads it as an empty cell.
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<v>([^<]{0,20})</v>")


def _column_index(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number - 1


def _formula_cells(data: bytes) -> dict:
    """What calamine does not tell, per sheet name, from the xlsx XML (all 0-based):
    "formulas" [(row, column)] of cells holding a formula, "errors" [(row, column, text)] of
    cells holding an Excel error such as #N/A, "hidden" [(first, last)] hidden column ranges."""
    marks = {}
    archive = zipfile.ZipFile(io.BytesIO(data))
    targets = _sheet_paths(archive)
    for name, path in targets.items():
        try:
            with archive.open(path) as stream:
                cells, wrong, hidden, hidden_rows = [], {}, [], set()
                tail = b""
                first = True
                while True:
                    chunk = stream.read(4 * 1024 * 1024)
                    if not chunk:
                        break
                    block = tail + chunk
                    if first:  # <cols> comes before <sheetData>
                        hidden = _hidden_columns(block)
                        first = False
                    if b"<f" in block:
                        for match in _CELL.finditer(block):
                            cells.append((int(match.group(2)) - 1, _column_index(match.group(1))))
                    if b't="e"' in block:
                        wrong.update(_error_cells(block))
                    if b'hidden="' in block:
                        hidden_rows.update(_hidden_rows(block))
                    tail = block[-4096:]
        except KeyError:
            continue
        marks[name] = {
            "formulas": sorted(set(cells)),
            "errors": [[row, column, text] for (row, column), text in sorted(wrong.items())],
            "hidden": hidden,
            "hidden_rows": sorted(hidden_rows),
        }
    return marks


_ROW_START = re.compile(rb"<(?:\w+:)?row[\s>]")


def _hidden_rows(block: bytes) -> set:
    """0-based numbers of the rows an XML block marks hidden (<row r="7" hidden="1">): rows an
    AutoFilter or the analyst hid. Found from each hidden= outward, like the error cells."""
    found = set()
    for hit in re.finditer(rb'\bhidden="(?:1|true)"', block):
        start = block.rfind(b"<", max(0, hit.start() - 300), hit.start())
        if start < 0 or not _ROW_START.match(block, start):
            continue  # a hidden column or another element
        tag = block[start : hit.start()]
        if b">" in tag:
            continue
        number = re.search(rb'\br="(\d{1,7})"', block[start : hit.end() + 300].split(b">", 1)[0])
        if number:
            found.add(int(number.group(1)) - 1)
    return found


def _error_cells(block: bytes) -> dict:
    """(row, column) → error text of the cells in an XML block marked t="e" (0-based).

    Found from each t="e" outward, within a few hundred bytes: the work grows with the number
    of error cells, and a crafted tag cannot make the search quadratic.
    """
    found = {}
    for hit in re.finditer(rb't="e"', block):
        start = block.rfind(b"<c", max(0, hit.start() - 300), hit.start())
        close = block.find(b">", hit.end(), hit.end() + 300)
        if start < 0 or close < 0:
            continue
        tag = block[start:close]
        if b">" in tag or not re.match(rb"<c[\s/]", tag):
            continue  # t="e" of another element, or of a tag that is not a cell
        ref = _REF.search(tag)
        if ref is None:
            continue
        end = block.find(b"</c>", close, close + 4000)
        value = _VALUE.search(block, close, end) if end > 0 else None
        text = value.group(1).decode("utf-8", "replace") if value else "#错误"
        found[(int(ref.group(2)) - 1, _column_index(ref.group(1)))] = text
    return found


_COLS = re.compile(rb"<(?:\w+:)?cols\b")
_COL = re.compile(rb"<(?:\w+:)?col\b[^>]{0,2000}>")


def _hidden_columns(head: bytes) -> list:
    """[(first, last)] 0-based column ranges a sheet marks hidden (<col hidden="1">)."""
    cut = head.find(b"<sheetData")
    head = head if cut < 0 else head[:cut]
    opening = _COLS.search(head)  # found once, then a plain find: no quadratic search
    if opening is None:
        return []
    closing = head.find(b"cols>", opening.end())
    ranges = []
    for tag in _COL.findall(head, opening.end(), closing if closing > 0 else len(head)):
        hidden = re.search(rb'\bhidden="(1|true)"', tag)
        low = re.search(rb'\bmin="(\d{1,5})"', tag)
        high = re.search(rb'\bmax="(\d{1,5})"', tag)
        if hidden and low and high:
            ranges.append([int(low.group(1)) - 1, int(high.group(1)) - 1])
    return ranges


def _sheet_paths(archive: zipfile.ZipFile) -> dict:
    """Sheet name → worksheet part, from workbook.xml and its relationships."""
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {}
    for match in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        tag = match.group(0)
        rid = re.search(rb'\bId="([^"]+)"', tag)
        target = re.search(rb'\bTarget="([^"]+)"', tag)
        if rid and target:
            path = target.group(1).decode("utf-8")
            path = path.lstrip("/") if path.startswith("/") else "xl/" + path
            targets[rid.group(1)] = path
    sheets = {}
    for match in re.finditer(rb"<(?:\w+:)?sheet\b[^>]*>", workbook):
        tag = match.group(0)
        name = re.search(rb'\bname="([^"]*)"', tag)
        rid = re.search(rb'\br:id="([^"]+)"', tag) or re.search(rb'\bid="([^"]+)"', tag)
        if name and rid and rid.group(1) in targets:
            text = name.group(1).decode("utf-8")
            for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
                text = text.replace(entity, char)
            sheets[text.replace("&amp;", "&")] = targets[rid.group(1)]
    return sheets


# Legacy .xls: a BIFF record stream inside an OLE compound file. calamine gives cell values only;
# formula cells and error cells (#N/A …) are found here by walking the records.
_BIFF_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}
_END_OF_CHAIN = 0xFFFFFFFE


def _ole_stream(data: bytes, names: tuple[str, ...]) -> bytes | None:
    """The bytes of the first stream called one of `names` in an OLE compound file."""
    import struct

    if len(data) < 512:
        return None
    sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini_sector = 1 << struct.unpack_from("<H", data, 0x20)[0]
    if sector not in (512, 4096) or mini_sector != 64:
        return None
    first_dir, _, cutoff, first_mini_fat, _, first_difat, difat_count = struct.unpack_from(
        "<7I", data, 0x30
    )
    per_sector = sector // 4
    total = max(len(data) // sector, 1)

    def read_sector(number: int) -> bytes:
        start = (number + 1) * sector
        if start >= len(data):
            raise ValueError("sector out of range")
        return data[start : start + sector]

    fat_sectors = [n for n in struct.unpack_from("<109I", data, 0x4C) if n < _END_OF_CHAIN]
    next_difat = first_difat
    for _ in range(min(difat_count, total)):
        if next_difat >= _END_OF_CHAIN:
            break
        block = struct.unpack(f"<{per_sector}I", read_sector(next_difat).ljust(sector, b"\0"))
        fat_sectors += [n for n in block[:-1] if n < _END_OF_CHAIN]
        next_difat = block[-1]
    fat: list[int] = []
    for number in fat_sectors:
        if len(fat) > total:  # entries past the file's last sector point nowhere
            break
        fat += struct.unpack(f"<{per_sector}I", read_sector(number).ljust(sector, b"\0"))

    def chain(start: int, table: list[int]) -> list[int]:
        found = []
        while start < _END_OF_CHAIN and len(found) <= len(table):
            if start >= len(table):
                raise ValueError("broken chain")
            found.append(start)
            start = table[start]
        return found

    def read_chain(start: int) -> bytes:
        return b"".join(read_sector(n) for n in chain(start, fat))

    directory = read_chain(first_dir)
    entries = []
    for offset in range(0, len(directory) - 127, 128):
        length = struct.unpack_from("<H", directory, offset + 64)[0]
        name = directory[offset : offset + max(0, min(length, 64) - 2)].decode(
            "utf-16-le", "replace"
        )
        kind = directory[offset + 66]
        start, size = struct.unpack_from("<IQ", directory, offset + 116)
        entries.append((name, kind, start, size if sector == 4096 else size & 0xFFFFFFFF))
    if not entries:
        return None
    for wanted in names:
        for name, kind, start, size in entries:
            if kind != 2 or name != wanted:
                continue
            if size >= cutoff:
                return read_chain(start)[:size]
            root = read_chain(entries[0][2])
            mini_fat_bytes = b"".join(read_sector(n) for n in chain(first_mini_fat, fat))
            mini_fat = list(struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes))
            parts = [root[n * 64 : n * 64 + 64] for n in chain(start, mini_fat)]
            return b"".join(parts)[:size]
    return None


def _biff_cells(data: bytes) -> dict:
    """Like _formula_cells, for a BIFF5/BIFF8 workbook (.xls)."""
    import bisect
    import struct

    stream = _ole_stream(data, ("Workbook", "Book"))
    if not stream:
        return {}
    starts: list[tuple[int, str]] = []  # (offset of a sheet's BOF, sheet name)
    # (record offset, row, column, is a formula, error text or None)
    cells: list[tuple[int, int, int, bool, str | None]] = []
    hidden: list[tuple[int, int, int]] = []  # (record offset, first column, last column)
    position, end = 0, len(stream)
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        body = stream[position + 4 : position + 4 + length]
        if kind == 0x0085 and len(body) >= 8:  # BOUNDSHEET: where a sheet starts, and its name
            offset, count, flags = struct.unpack_from("<IxxBB", body, 0)
            if flags & 1:  # BIFF8, UTF-16
                name = body[8 : 8 + count * 2].decode("utf-16-le", "replace")
            elif len(body) >= 8 + count and flags == 0 and body[6] == count:  # BIFF8, Latin-1
                name = body[8 : 8 + count].decode("latin-1")
            else:  # BIFF5: one length byte, then the name in the code page (GBK in China)
                raw = body[7 : 7 + body[6]]
                try:
                    name = raw.decode("gbk")
                except UnicodeDecodeError:
                    name = raw.decode("latin-1")
            starts.append((offset, name))
        elif kind == 0x0006 and len(body) >= 14:  # FORMULA: row, column, xf, cached result
            row, column = struct.unpack_from("<HH", body, 0)
            error = None
            if body[12:14] == b"\xff\xff" and body[6] == 2:
                error = _BIFF_ERRORS.get(body[8], "#错误")
            cells.append((position, row, column, True, error))
        elif kind == 0x0205 and len(body) >= 8 and body[7] == 1:  # BOOLERR holding an error
            row, column = struct.unpack_from("<HH", body, 0)
            cells.append((position, row, column, False, _BIFF_ERRORS.get(body[6], "#错误")))
        elif kind == 0x007D and len(body) >= 10:  # COLINFO: a column range's width and flags
            low, high, _, _, flags = struct.unpack_from("<HHHHH", body, 0)
            if flags & 1:
                hidden.append((position, low, high))
        position += 4 + length
    if not starts:
        return {}
    starts.sort()
    offsets = [offset for offset, _ in starts]

    def sheet_at(offset: int) -> dict | None:
        index = bisect.bisect_right(offsets, offset) - 1
        if index < 0:
            return None
        name = starts[index][1]
        return marks.setdefault(name, {"formulas": set(), "errors": {}, "hidden": []})

    marks: dict[str, dict] = {}
    for offset, row, column, formula, error in cells:
        found = sheet_at(offset)
        if found is None:
            continue
        if formula:
            found["formulas"].add((row, column))
        if error:
            found["errors"][(row, column)] = error
    for offset, low, high in hidden:
        found = sheet_at(offset)
        if found is not None:
            found["hidden"].append([low, high])
    for found in marks.values():
        found["formulas"] = sorted(found["formulas"])
        found["errors"] = [[r, c, text] for (r, c), text in sorted(found["errors"].items())]
    return marks


# ---------------------------------------------------------------------------- CSV


class _Refused(Exception):
    """A file or sheet over one of the parent's limits: becomes the reply's head."""

    def __init__(self, head: dict):
        super().__init__(head.get("limit", ""))
        self.head = head


def _over(limit: str, value: int, maximum: int, sheet=None, line=None, partial=False):
    return _Refused(
        {
            "ok": False,
            "kind": "limit",
            "limit": limit,
            "value": value,
            "maximum": maximum,
            "sheet": sheet,
            "line": line,
            "partial": partial,  # True: the count stopped at the limit (there is more)
        }
    )


def _csv_encoding(data: bytes):
    """(encoding to read with, a sample of the text) or None: UTF-8 (with or without BOM),
    UTF-16 with BOM, GBK/GB18030, else charset-normalizer's best guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            # Decoded whole once to know the encoding holds for every byte; read again in a
            # stream below, so the full text is not kept beside the rows.
            return encoding, data.decode(encoding)[:20000]
        except UnicodeDecodeError:
            continue
    if candidates != ("utf-8", "gb18030"):
        return None
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    return best.encoding, str(best)[:20000]


DELIMITERS = ",\t;|"


def _delimiter(sample: str) -> str:
    """The CSV's separator: the sniffer's answer, else the one found on the most lines.

    The sniffer gives up on a file whose title line has no separator ("2023年度考核结果"), which
    is how analysts' files start; counting lines still finds ';' in a file of '1,200.00' amounts.
    """
    import csv

    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    lines = [line for line in sample.splitlines()[:200] if line.strip()]

    def weight(candidate: str) -> tuple:
        on_lines = sum(1 for line in lines if candidate in line)
        return on_lines, sample.count(candidate), -DELIMITERS.index(candidate)

    best = max(DELIMITERS, key=weight)
    return best if weight(best)[0] else ","


def _csv_rows(data: bytes, limits: dict):
    """(records, line where each starts, or None when record n is on line n, width)."""
    import csv

    found = _csv_encoding(data)
    if found is None:
        raise _Refused({"ok": False, "kind": "encoding"})
    encoding, sample = found
    delimiter = _delimiter(sample)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    max_rows, max_columns = limits["sheet_rows"], limits["sheet_columns"]
    max_cells = min(limits["sheet_cells"], limits["file_cells"])
    rows, lines = [], None
    width = previous = 0
    try:
        for record in reader:
            # A quoted cell may span lines; the analyst's line number is where the record starts.
            line = previous + 1
            previous = reader.line_num
            if len(record) > width:
                width = len(record)
                if width > max_columns:
                    raise _over("sheet_columns", width, max_columns, line=line)
            rows.append(record)
            if lines is not None:
                lines.append(line)
            elif line != len(rows):
                lines = list(range(1, len(rows))) + [line]
            if len(rows) > max_rows:
                raise _over("sheet_rows", len(rows), max_rows, line=line, partial=True)
            if len(rows) * width > max_cells:
                raise _over("sheet_cells", len(rows) * width, max_cells, line=line, partial=True)
    except csv.Error as exc:
        kind = "field" if "field larger" in str(exc) else "quote"
        raise _Refused(
            {
                "ok": False,
                "kind": "csv",
                "problem": kind,
                "line": previous + 1,
                "maximum": csv.field_size_limit(),
            }
        ) from exc
    return rows, lines, width


def _parse_csv(data: bytes, limits: dict) -> tuple:
    rows, lines, width = _csv_rows(data, limits)
    # The parent names the one sheet after the file.
    entry = _entry(None, visible=True, worksheet=True)
    streams: list = []
    height = len(rows)
    table = _encode_sheet(rows, width) if width else None
    del rows  # the Python objects before the IPC copy: memory
    _add_cells(entry, height, width, table, streams)
    if width and lines is not None:
        import pyarrow as pa

        entry["lines"] = len(streams)
        streams.append(_ipc(pa.table({"line": pa.array(lines, type=pa.int64())})))
    return {"ok": True, "sheets": [entry]}, streams


def _entry(name, visible: bool, worksheet: bool) -> dict:
    """A sheet's part of the reply head, before its cells are read."""
    return {
        "name": name,
        "visible": visible,
        "worksheet": worksheet,
        "height": 0,
        "width": 0,
        "stream": None,
        "lines": None,  # a CSV's line numbers, when its records do not map one to one
        "merged": [],
        "formulas": [],
        "errors": [],
        "hidden": [],
        "hidden_rows": [],
    }


def _add_cells(entry: dict, height: int, width: int, table, streams: list) -> None:
    """A sheet's size, and its cells (`_encode_sheet`'s table) as the next Arrow stream."""
    entry["height"] = height if width else 0
    entry["width"] = width
    if table is not None:
        entry["stream"] = len(streams)
        streams.append(_ipc(table))


def _check_size(name: str, height: int, width: int, totals: list, limits: dict) -> None:
    """Refuse a parsed sheet over the limits, and the file once its sheets together are."""
    if height > limits["sheet_rows"]:
        raise _over("sheet_rows", height, limits["sheet_rows"], sheet=name)
    if width > limits["sheet_columns"]:
        raise _over("sheet_columns", width, limits["sheet_columns"], sheet=name)
    if height * width > limits["sheet_cells"]:
        raise _over("sheet_cells", height * width, limits["sheet_cells"], sheet=name)
    totals[0] += height
    totals[1] += height * width
    if totals[0] > limits["file_rows"]:
        raise _over("file_rows", totals[0], limits["file_rows"], sheet=name, partial=True)
    if totals[1] > limits["file_cells"]:
        raise _over("file_cells", totals[1], limits["file_cells"], sheet=name, partial=True)


# Reply framing: MAGIC, then blocks of an 8-byte little-endian length and that many bytes. The first
# block is the JSON head; each sheet with cells has one block holding an Arrow IPC stream.
MAGIC = b"LSWORKER1"
# Cells that count as empty, as everywhere in the importer.
BLANKS = ("", " ", "\u3000")


def _type_codes() -> dict:
    """Python type of a cell → (code in the column name, Arrow type). bool is not int here."""
    import datetime as dt

    import pyarrow as pa

    return {
        str: ("s", pa.string()),
        float: ("f", pa.float64()),
        int: ("i", pa.int64()),
        bool: ("b", pa.bool_()),
        dt.datetime: ("t", pa.timestamp("us")),
        dt.date: ("d", pa.date32()),
        dt.time: ("h", pa.time64("us")),
        dt.timedelta: ("u", pa.duration("us")),
    }


def _grid(rows: list, width: int):
    """Rows of cells → an object array of shape (width, height): one contiguous array a column."""
    import numpy as np

    try:
        grid = np.array(rows, dtype=object)
        if grid.shape != (len(rows), width):
            raise ValueError("ragged")
    except ValueError:  # calamine's rows are rectangular; pad anyway rather than trust it
        grid = np.full((len(rows), width), "", dtype=object)
        for number, row in enumerate(rows):
            grid[number, : len(row)] = row
    return grid.T.copy()


def _text_array(values, present, cells=None):
    """Text cells (where `present`) → a dictionary-encoded Arrow array; blanks and others null.

    `cells`: the column's cells as a list, when already made. Only the distinct texts go to
    Arrow: converting every cell would make Python keep a UTF-8 copy of each (memory).
    """
    import numpy as np
    import pyarrow as pa

    if cells is not None and present is None:
        chosen = cells
    else:
        chosen = (values if present is None else values[present]).tolist()  # lists iterate faster
    distinct = list(dict.fromkeys(chosen))
    position = {value: number for number, value in enumerate(distinct)}
    codes = np.fromiter(map(position.__getitem__, chosen), dtype=np.int32, count=len(chosen))
    blank = np.isin(codes, [position[b] for b in BLANKS if b in position])
    if present is not None:
        full = np.zeros(len(values), dtype=np.int32)
        full[present] = codes
        codes, missing = full, ~present
        missing[present] = blank
    else:
        missing = blank
    return pa.DictionaryArray.from_arrays(
        pa.array(codes, mask=missing), pa.array(distinct, type=pa.string())
    )


def _typed_array(values, present, kind, arrow_type):
    import numpy as np
    import pyarrow as pa

    if kind is float or kind is int:
        dtype = np.float64 if kind is float else np.int64
        full = np.zeros(len(values), dtype=dtype)
        try:
            full[present] = values[present].astype(dtype)
        except OverflowError:  # an integer beyond 64 bits: keep it as a number all the same
            return _typed_array(values, present, float, pa.float64())
        return pa.array(full, mask=~present, type=arrow_type)
    if kind is _date_type():
        # Days since 1970-01-01 from the ordinals: ten times faster than Arrow's own conversion.
        days = np.zeros(len(values), dtype=np.int32)
        ordinals = np.fromiter(map(kind.toordinal, values[present]), dtype=np.int64)
        days[present] = ordinals - _EPOCH_ORDINAL
        # int32 first, then the type: Arrow converts an ndarray to date32 one value at a time.
        return pa.array(days, mask=~present).cast(arrow_type)
    return pa.array(np.where(present, values, None), type=arrow_type)


_EPOCH_ORDINAL = 719163  # datetime.date(1970, 1, 1).toordinal()


def _date_type():
    import datetime as dt

    return dt.date


def _encode_sheet(rows: list, width: int):
    """Rows of cell values → an Arrow table: a column "<index>:<code>" per cell type present.

    A column holds its cells of that type and nulls elsewhere; empty cells are null everywhere.
    Text is dictionary-encoded: a column repeats a few hundred unit and studio names.
    """
    import numpy as np
    import pyarrow as pa

    codes = _type_codes()
    type_of = np.frompyfunc(type, 1, 1)
    names, arrays = [], []
    for index, values in enumerate(_grid(rows, width)):
        cells = values.tolist()
        if set(map(type, cells)) == {str}:  # most columns: all text, no per-cell type array
            array = _text_array(values, None, cells)
            if array.null_count != len(array):
                names.append(f"{index}:s")
                arrays.append(array)
            continue
        del cells
        types = type_of(values)
        kinds = set(types)
        if not kinds <= codes.keys():  # not a type calamine gives: keep its text
            values = np.array([v if type(v) in codes else str(v) for v in values], dtype=object)
            types = type_of(values)
            kinds = set(types)
        parts = []
        for kind in kinds:
            present = None if len(kinds) == 1 else types == kind
            if kind is str:
                parts.append(("s", _text_array(values, present)))
            else:
                mask = np.ones(len(values), dtype=bool) if present is None else present
                parts.append((codes[kind][0], _typed_array(values, mask, kind, codes[kind][1])))
        for code, array in parts:
            if array.null_count == len(array):
                continue
            names.append(f"{index}:{code}")
            arrays.append(array)
    return pa.table(arrays, names=names) if names else None


def _ipc(table):
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _prepare(fmt: str, data: bytes, marks: dict) -> None:
    """Work done on a second thread while calamine parses (it releases the GIL meanwhile)."""
    import contextlib

    import numpy
    import pyarrow as pa
    import pyarrow.ipc  # noqa: F401 - loaded now, used by the encoder

    with contextlib.suppress(Exception):  # only a head start
        # Arrow sets up its conversion kernels on the first cast (a quarter of a second): here,
        # while calamine parses, rather than in the encoder after it.
        pa.array(numpy.zeros(1, dtype=numpy.int32)).cast(pa.date32())

    try:
        if fmt == "xlsx":
            marks.update(_formula_cells(data))
        elif fmt == "xls":
            marks.update(_biff_cells(data))
    except Exception:  # noqa: BLE001 - a courtesy: the cells themselves come from calamine
        marks.clear()


_NO_LIMITS = dict.fromkeys(
    ("sheet_rows", "sheet_columns", "sheet_cells", "file_rows", "file_cells"), float("inf")
)


def parse(data: bytes, fmt: str, limits: dict | None = None) -> tuple[dict, list]:
    """(JSON-able head, Arrow IPC streams): the head says which sheet each stream belongs to.

    `limits`: the parent's limits on rows, columns and cells (see safety.parse_limits); a file
    over one gets a head {"ok": False, "kind": "limit", …} naming it, and no streams.
    """
    import threading

    limits = {**_NO_LIMITS, **(limits or {})}
    try:
        if fmt == "csv":
            return _parse_csv(data, limits)
        import python_calamine as pc

        marks: dict = {}
        helper = threading.Thread(target=_prepare, args=(fmt, data, marks), daemon=True)
        helper.start()
        try:
            return _parse(pc, data, marks, helper, limits)
        finally:
            helper.join()
    except _Refused as refused:
        return refused.head, []


def _parse(pc, data: bytes, marks: dict, helper, limits: dict) -> tuple[dict, list]:
    try:
        workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        return {"ok": False, "kind": "password", "detail": ""}, []
    except Exception as exc:  # noqa: BLE001 - any parser complaint means "cannot read"
        return {"ok": False, "kind": "corrupt", "detail": f"{type(exc).__name__}: {exc}"}, []
    sheets = []
    streams: list = []
    totals = [0, 0]  # rows, cells of the file's sheets so far
    for meta in workbook.sheets_metadata:
        entry = _entry(
            meta.name,
            visible=str(meta.visible).endswith("Visible"),
            worksheet=str(meta.typ).endswith("WorkSheet"),
        )
        if entry["worksheet"]:
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
                rows = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or []
            except pc.PasswordError:
                return {"ok": False, "kind": "password", "detail": ""}, []
            except Exception as exc:  # noqa: BLE001
                return {
                    "ok": False,
                    "kind": "corrupt",
                    "detail": f"{type(exc).__name__}: {exc}",
                }, []
            width = max((len(row) for row in rows), default=0)
            _check_size(meta.name, len(rows) if width else 0, width, totals, limits)
            entry["merged"] = [[list(cell) for cell in cells] for cells in merged]
            height = len(rows)
            table = _encode_sheet(rows, width) if width else None
            del rows
            _add_cells(entry, height, width, table, streams)
        sheets.append(entry)
    helper.join()
    for entry in sheets:
        entry.update(marks.get(entry["name"], {}))
    return {"ok": True, "sheets": sheets}, streams


def _block(out, payload) -> None:
    size = payload.size if hasattr(payload, "size") else len(payload)
    out.write(size.to_bytes(8, "little"))
    out.write(memoryview(payload))


def main() -> None:
    import json

    sys.meta_path.insert(0, _NoPandas())
    stream = sys.stdin.buffer
    request = pickle.loads(stream.read(int.from_bytes(stream.read(8), "little")))
    memory_limit = request["memory_limit"]
    _limit_memory(memory_limit)
    data, fmt, limits = stream.read(), request["format"], request.get("limits")
    try:
        head, streams = parse(data, fmt, limits)
    except MemoryError:
        # The parse's own objects are gone once the exception unwinds: room enough to say so.
        head, streams = {"ok": False, "kind": "memory", "maximum": memory_limit}, []
    out = sys.stdout.buffer
    out.write(MAGIC)
    _block(out, json.dumps(head, ensure_ascii=False).encode("utf-8"))
    for stream in streams:
        _block(out, stream)
    out.flush()


if __name__ == "__main__":
    main()
