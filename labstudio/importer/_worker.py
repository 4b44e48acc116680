"""Parse one untrusted workbook in a process of its own.

Run as a plain script (`python -I _worker.py`), never imported by the server: python-calamine
aborts the process on some crafted files, and a memory limit set here keeps a zip bomb from taking
the machine. Reads a pickled request on stdin (from the parent: trusted) and writes its reply on
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


_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>\s*<f\b')


def _column_index(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number - 1


def _formula_cells(data: bytes) -> dict:
    """Sheet path → [(row, column)] of cells holding a formula, from the xlsx XML (0-based)."""
    found = {}
    archive = zipfile.ZipFile(io.BytesIO(data))
    targets = _sheet_paths(archive)
    for name, path in targets.items():
        try:
            with archive.open(path) as stream:
                cells = []
                tail = b""
                while True:
                    chunk = stream.read(4 * 1024 * 1024)
                    if not chunk:
                        break
                    block = tail + chunk
                    if b"<f" in block:
                        for match in _CELL.finditer(block):
                            cells.append((int(match.group(2)) - 1, _column_index(match.group(1))))
                    tail = block[-512:]
                found[name] = sorted(set(cells))
        except KeyError:
            continue
    return found


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


def _text_array(values, present):
    """Text cells (where `present`) → a dictionary-encoded Arrow array; blanks and others null."""
    import numpy as np
    import pyarrow as pa

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
    return pa.array(np.where(present, values, None), type=arrow_type)


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


def _prepare(fmt: str, data: bytes, formulas: dict) -> None:
    """Work done on a second thread while calamine parses (it releases the GIL meanwhile)."""
    import numpy  # noqa: F401 - loaded now, used by the encoder
    import pyarrow.ipc  # noqa: F401

    if fmt == "xlsx":
        try:
            formulas.update(_formula_cells(data))
        except Exception:  # noqa: BLE001 - formula warnings are a courtesy, not a must
            formulas.clear()


def parse(data: bytes, fmt: str) -> tuple[dict, list]:
    """(JSON-able head, Arrow IPC streams): the head says which sheet each stream belongs to."""
    import threading

    import python_calamine as pc

    formulas: dict = {}
    helper = threading.Thread(target=_prepare, args=(fmt, data, formulas), daemon=True)
    helper.start()
    try:
        return _parse(pc, data, formulas, helper)
    finally:
        helper.join()


def _parse(pc, data: bytes, formulas: dict, helper) -> tuple[dict, list]:
    try:
        workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        return {"ok": False, "kind": "password", "detail": ""}, []
    except Exception as exc:  # noqa: BLE001 - any parser complaint means "cannot read"
        return {"ok": False, "kind": "corrupt", "detail": f"{type(exc).__name__}: {exc}"}, []
    sheets = []
    streams: list = []
    for meta in workbook.sheets_metadata:
        entry = {
            "name": meta.name,
            "visible": str(meta.visible).endswith("Visible"),
            "worksheet": str(meta.typ).endswith("WorkSheet"),
            "height": 0,
            "width": 0,
            "stream": None,
            "merged": [],
            "formulas": [],
        }
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
            entry["height"] = len(rows) if width else 0
            entry["width"] = width
            entry["merged"] = [[list(cell) for cell in cells] for cells in merged]
            if width:
                table = _encode_sheet(rows, width)
                del rows
                if table is not None:
                    entry["stream"] = len(streams)
                    streams.append(_ipc(table))
        sheets.append(entry)
    helper.join()
    for entry in sheets:
        entry["formulas"] = formulas.get(entry["name"], [])
    return {"ok": True, "sheets": sheets}, streams


def _block(out, payload) -> None:
    size = payload.size if hasattr(payload, "size") else len(payload)
    out.write(size.to_bytes(8, "little"))
    out.write(memoryview(payload))


def main() -> None:
    import json

    sys.meta_path.insert(0, _NoPandas())
    request = pickle.load(sys.stdin.buffer)
    _limit_memory(request["memory_limit"])
    head, streams = parse(request["data"], request["format"])
    out = sys.stdout.buffer
    out.write(MAGIC)
    _block(out, json.dumps(head, ensure_ascii=False).encode("utf-8"))
    for stream in streams:
        _block(out, stream)
    out.flush()


if __name__ == "__main__":
    main()
