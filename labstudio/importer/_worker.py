"""Parse one untrusted workbook in a process of its own.

Run as a plain script (`python -I _worker.py`), never imported by the server: python-calamine
aborts the process on some crafted files, and a memory limit set here keeps a zip bomb from taking
the machine. Reads a pickled request on stdin, writes a pickled reply on stdout. Only built-in
types and datetime values travel back; the parent unpickles with an allow-list.
"""

import io
import pickle
import re
import sys
import zipfile


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


def parse(data: bytes, fmt: str) -> dict:
    import python_calamine as pc

    try:
        workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        return {"ok": False, "kind": "password", "detail": ""}
    except Exception as exc:  # noqa: BLE001 - any parser complaint means "cannot read"
        return {"ok": False, "kind": "corrupt", "detail": f"{type(exc).__name__}: {exc}"}
    formulas = {}
    if fmt == "xlsx":
        try:
            formulas = _formula_cells(data)
        except Exception:  # noqa: BLE001 - formula warnings are a courtesy, not a must
            formulas = {}
    sheets = []
    for meta in workbook.sheets_metadata:
        entry = {
            "name": meta.name,
            "visible": str(meta.visible).endswith("Visible"),
            "worksheet": str(meta.typ).endswith("WorkSheet"),
            "columns": [],
            "height": 0,
            "merged": [],
            "formulas": formulas.get(meta.name, []),
        }
        if entry["worksheet"]:
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
                rows = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or []
            except pc.PasswordError:
                return {"ok": False, "kind": "password", "detail": ""}
            except Exception as exc:  # noqa: BLE001
                return {"ok": False, "kind": "corrupt", "detail": f"{type(exc).__name__}: {exc}"}
            # Columns travel better than rows: the parent builds one array per column.
            entry["height"] = len(rows)
            entry["columns"] = [list(column) for column in zip(*rows, strict=True)] if rows else []
            entry["merged"] = [tuple(map(tuple, cells)) for cells in merged]
            del rows
        sheets.append(entry)
    return {"ok": True, "sheets": sheets}


def main() -> None:
    request = pickle.load(sys.stdin.buffer)
    _limit_memory(request["memory_limit"])
    reply = parse(request["data"], request["format"])
    pickle.dump(reply, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
