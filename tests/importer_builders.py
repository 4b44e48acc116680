"""Small spreadsheets shaped like the ones analysts bring, for the import tests."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment

ANNEX2_TITLE = "劳动模范（领军人才）创新工作室汇总表"
# The header exactly as the notice lays it out: line breaks and padding spaces included.
ANNEX2_HEADER = [
    "创新工作室所在单位",
    "创新工作室\n\n领衔人",
    "职称\n\n技术等级",
    "主要创新成果",
    "领衔人主要荣誉                            （限5项以内）",
]
ANNEX2_EXAMPLE = [
    "××医院",
    "××劳模创新工作室",
    "正高级",
    "××年获国家专利1项（专利号××）；\n\n××年获××市科技进步二等奖。",
    "××年市劳模",
]

UNIT_A = "青岛市市立医院"
UNIT_B = "青岛市中心医院"

# (unit, name, leader, title, achievements, honours, type, batch) — a small roster.
ROSTER = [
    (
        UNIT_A,
        "张伟劳模创新工作室",
        "张伟",
        "正高级",
        "2021年获国家发明专利1项",
        "2019年青岛市劳动模范",
        "技术创新",
        "第三批",
    ),
    (
        UNIT_A,
        "李娜护理服务创新工作室",
        "李娜",
        "副高级",
        "护理品牌“暖心护理”",
        "山东省五一劳动奖章；青岛市拔尖人才",
        "服务创新型",
        "3",
    ),
    (
        UNIT_B,
        "王强医院管理创新工作室",
        "王强",
        "正高级",
        "绩效改革方案被采纳",
        "青岛市工匠",
        "管理创新型",
        "第二批",
    ),
]


def annex2_rows(
    roster: Iterable[Sequence] = ROSTER, extra_columns: bool = True, footer: bool = True
) -> list[list]:
    """The 附件2 sheet as rows of cells (row 1 is Excel row 1)."""
    header = list(ANNEX2_HEADER) + (["创新类型", "批次"] if extra_columns else [])
    rows: list[list] = [["附件2"], [], [ANNEX2_TITLE], [], header]
    rows.append(list(ANNEX2_EXAMPLE) + (["技术创新型", "第三批"] if extra_columns else []))
    for unit, name, leader, title, achievements, honours, type_, batch in roster:
        row = [unit, f"{name}\n{leader}", title, achievements, honours]
        if extra_columns:
            row += [type_, batch]
        rows.append(row)
    rows += [[], [None] * 5]
    if footer:
        rows += [["填表人：刘洋", None, "联系电话：0532-12345678"]]
    return rows


def write_xlsx(
    path: Path,
    sheets: dict[str, list[list]],
    *,
    merges: dict[str, list[str]] | None = None,
    formulas: dict[str, dict[str, str]] | None = None,
    hidden: Sequence[str] = (),
    hidden_columns: dict[str, Sequence[str]] | None = None,
    hidden_rows: dict[str, Sequence[int]] | None = None,
    cached: dict[str, dict[str, object]] | None = None,
) -> Path:
    """A workbook with one sheet per entry; rows are lists of cell values from column A.

    A cell value such as "#N/A" or "#DIV/0!" is written as an Excel error cell. `cached` gives
    formula cells the last computed value Excel saves with them (openpyxl saves none).
    """
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    cell = sheet.cell(row=r, column=c, value=value)
                    if isinstance(value, str) and "\n" in value:
                        cell.alignment = Alignment(wrap_text=True)
        for ref in (merges or {}).get(name, []):
            sheet.merge_cells(ref)
        for ref, formula in (formulas or {}).get(name, {}).items():
            sheet[ref] = formula
        for letter in (hidden_columns or {}).get(name, []):
            sheet.column_dimensions[letter].hidden = True
        for number in (hidden_rows or {}).get(name, []):
            sheet.row_dimensions[number].hidden = True
        if name in hidden:
            sheet.sheet_state = "hidden"
    workbook.save(path)
    if cached:
        _cache_formula_values(path, list(sheets), cached)
    return path


def _cache_formula_values(path: Path, order: list[str], cached: dict[str, dict[str, object]]):
    """Write the values Excel would have stored beside formulas (`<f>…</f><v>value</v>`)."""
    import re

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for sheet, values in cached.items():
        part = f"xl/worksheets/sheet{order.index(sheet) + 1}.xml"
        xml = parts[part]
        for ref, value in values.items():
            pattern = rb'(<c r="' + ref.encode() + rb'"[^>]*>\s*<f>[^<]*</f>)\s*<v\s*/?>(?:</v>)?'
            xml = re.sub(pattern, rb"\g<1><v>" + str(value).encode() + b"</v>", xml)
        parts[part] = xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def write_xls(
    path: Path,
    sheets: dict[str, list[list]],
    *,
    merges: dict[str, list[tuple[int, int, int, int]]] | None = None,
    formulas: dict[str, dict[tuple[int, int], str]] | None = None,
    errors: dict[str, dict[tuple[int, int], str]] | None = None,
    hidden_columns: dict[str, Sequence[int]] | None = None,
) -> Path:
    """A legacy .xls workbook (what older Excel and WPS save), like write_xlsx.

    Dates are written as Excel date cells; `merges` are (first row, last row, first column,
    last column), 0-based; `formulas` map a 0-based (row, column) to a formula without "=";
    `errors` put an Excel error ("#DIV/0!", "#N/A!" as xlwt spells it) in a cell.
    """
    import datetime as dt

    import xlwt

    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    workbook = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        merged = {(r0, c0): (r1, c1) for r0, r1, c0, c1 in (merges or {}).get(name, [])}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if (r, c) in merged:
                    r1, c1 = merged[(r, c)]
                    sheet.write_merge(r, r1, c, c1, value)
                elif isinstance(value, dt.date):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
        for (r, c), formula in (formulas or {}).get(name, {}).items():
            sheet.write(r, c, xlwt.Formula(formula))
        for (r, c), code in (errors or {}).get(name, {}).items():
            sheet.row(r).set_cell_error(c, code)
        for column in (hidden_columns or {}).get(name, []):
            sheet.col(column).hidden = True
    workbook.save(str(path))
    return path


def annex2_workbook(path: Path, roster: Iterable[Sequence] = ROSTER, **kwargs) -> Path:
    """The notice's 附件2 summary table, laid out as the notice does (merged title, example row)."""
    rows = annex2_rows(roster, **kwargs)
    width = len(rows[4])
    last = openpyxl.utils.get_column_letter(width)
    return write_xlsx(path, {"汇总表": rows}, merges={"汇总表": [f"A3:{last}3"]})


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def assessment_rows(
    title: str | None = "2023年度创新工作室考核结果",
    year_column: bool = False,
    results: Sequence[tuple] | None = None,
) -> list[list]:
    """An assessment sheet: a title line, a header, results (studio, score, grade), a total."""
    results = (
        results
        if results is not None
        else [
            ("张伟劳模创新工作室", 92.5, "优秀"),
            ("李娜护理服务创新工作室", "88分", "合格"),
            ("王强医院管理创新工作室", 75, "合格"),
        ]
    )
    header = ["序号", "所在单位", "工作室名称", "考核得分", "考核等次"]
    if year_column:
        header.insert(1, "年度")
    rows: list[list] = [[title]] if title else []
    rows.append(header)
    units = {r[1]: r[0] for r in ROSTER}
    for number, (studio, score, grade, *rest) in enumerate(results, start=1):
        row = [number, units.get(studio, rest[0] if rest else None), studio, score, grade]
        if year_column:
            row.insert(1, 2023)
        rows.append(row)
    rows.append(["合计", None, None, None, None])
    return rows


def ledger_rows() -> list[list]:
    """A ledger with separate 收入 and 支出 columns and a total line."""
    return [
        ["创新工作室经费台账（2023年）"],
        ["日期", "工作室", "摘要", "支出类别", "收入（元）", "支出（元）"],
        ["2023-03-01", "张伟劳模创新工作室", "市医务工会拨款", None, "10,000.00", None],
        ["2023/4/2", "张伟劳模创新工作室", "购置便携式超声探头", "购置设备", None, "¥3,200"],
        ["2023.05.06", "张伟劳模创新工作室", "参加全国学术会议", "外出培训", None, "￥1,560.00"],
        ["2023年6月20日", "张伟劳模创新工作室", "成果展板", "宣传推广", None, "0.3万"],
        ["2023-07-01", "张伟劳模创新工作室", "团队聚餐", "餐费", None, 800],
        ["合计", None, None, None, 10000, 8560],
    ]


def revocation_rows() -> list[list]:
    return [
        ["撤销称号名单"],
        ["序号", "单位", "创新工作室", "撤销时间", "撤销原因"],
        [1, UNIT_B, "王强医院管理创新工作室", "2024年3月20日", "领衔人收受红包，严重违反医德医风"],
    ]


def bomb_xlsx(path: Path) -> Path:
    """A few KB whose sheet reaches XFD1048576: python-calamine aborts the process on it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "工作室名称"
    sheet["B1"] = "考核得分"
    sheet["XFD1048576"] = "x"
    workbook.save(path)
    return path


def bomb_xlsx_hidden_extent(path: Path) -> Path:
    """Like bomb_xlsx, but the dimension tag lies (A1:B2): only the child process can catch it."""
    bomb_xlsx(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b'ref="A1:XFD1048576"', b'ref="A1:B2"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def ratio_bomb_xlsx(path: Path, megabytes: int = 40) -> Path:
    """A valid-looking workbook with one part that inflates ~1000×."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "工作室名称"
    workbook.save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (megabytes * 1024 * 1024))
    return path


def encrypted_xlsx(path: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: an OLE compound file."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    names = (
        "EncryptionInfo".encode("utf-16-le") + b"\0" * 50 + "EncryptedPackage".encode("utf-16-le")
    )
    path.write_bytes(header + names + b"\0" * 2048)
    return path


DATA_TABLES = ("units", "studios", "assessments", "revocations", "ledger")


def snapshot(con) -> dict[str, list[tuple]]:
    """Every row of every data table (and the import history), to compare before and after."""
    cur = con.cursor()
    try:
        tables = {
            table: sorted(cur.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in DATA_TABLES
        }
        tables["imports"] = cur.execute(
            "SELECT import_id, status, inserted, updated FROM imports ORDER BY import_id"
        ).fetchall()
    finally:
        cur.close()
    return tables


def count(con, table: str) -> int:
    cur = con.cursor()
    try:
        return cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    finally:
        cur.close()
