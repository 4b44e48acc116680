"""The import pipeline: files → checked, parsed, validated rows → one transaction (or none).

Order of work, whatever the order of the files: read every file (a crash-proof child process for
Excel), find each sheet's header and kind, parse the rosters first so that result sheets of the
same call can name the studios they introduce, then match, validate and stage everything, and
commit only when there is no error. A dry run commits inside a transaction it then rolls back, so
its counts are exactly what a real import would do.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from labstudio import audit, db, store
from labstudio.domain import DISALLOWED, MAX_HONOURS
from labstudio.importer import kinds as K
from labstudio.importer import years as Y
from labstudio.importer.headers import (
    FIELD_LABELS,
    Header,
    apply_overrides,
    find_header,
    mark_hidden,
)
from labstudio.importer.inferences import SheetInferences, standard_grants
from labstudio.importer.reading import RawSheet, read_csv, read_excel, read_many
from labstudio.importer.safety import UnreadableFile, check_file
from labstudio.importer.validate import Message, Messages, StudioIndex, conflicting_rows
from labstudio.importer.values import (
    EXCELLENT_FROM,
    GRADE_RULE,
    PASS_FROM,
    Distinct,
    distinct_flags,
    distinct_of,
    fold,
    has_text,
    is_placeholder,
    map_column,
    map_parts,
    money_has_unit,
    parse_batch_value,
    parse_category,
    parse_column,
    parse_date,
    parse_direction,
    parse_grade,
    parse_ground,
    parse_money,
    parse_score,
    parse_stage,
    parse_type_value,
    parse_year,
    select_distinct,
    split_honours,
    split_name_leader,
    text,
)

ROW = "_row"  # the Excel row (CSV line) number a parsed row came from
PREVIEW_ROWS = 20

_TOTAL = re.compile(r"^(合计|小计|总计|总合计|累计|本页合计|本年合计|共计)")
_FOOTER = re.compile(
    r"^(填表人|填报人|制表人|审核人|联系人|联系电话|电话|说明|注[:：]|注\d|备注[:：]|填表说明|"
    r"填表日期|填报日期|单位负责人|负责人[:：]|主管领导|日期[:：]|盖章|\(盖章\)|（盖章）)"
)
_EXAMPLE = re.compile(r"××|ｘｘ|XX|xx|XX")
_TITLE_UNIT = re.compile(
    r"(?:填报|申报|所在|推荐)?单位(?:名称)?(?:[(（]盖章[)）])?[:：]\s*([^\s:：,，]+)"
)


# ---------------------------------------------------------------------------- public results


@dataclass
class SheetPreview:
    """What the upload page shows per sheet before the commit."""

    file: str
    sheet: str
    kind: str
    header_row: int | None
    columns: list[dict]  # [{"column": header text, "field": name or None, "how": ...}]
    rows: int
    skipped: int
    first_rows: pd.DataFrame
    inferences: dict = field(default_factory=dict)  # SheetInferences.as_dict()
    # An assessment sheet whose one year (not a 年度 column, not years side by side) can be set
    # by hand on the upload page.
    year_settable: bool = False


@dataclass
class ImportOutcome:
    status: str  # "committed" | "rejected" | "validated"
    import_id: int | None
    files: list[dict]
    errors: list[Message]
    warnings: list[Message]
    exit_code: int
    staged: store.Staged | None
    previews: list[SheetPreview] = field(default_factory=list)
    # Values assumed per studio: [{"default": "standard_grant", "amount", "why", "studios"}].
    defaults: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        """The report of cli.md, its keys first; beside them, per sheet, every inference
        (SheetInferences: header row, kind_from, columns, year and year_from …) and, at the
        top, the defaults applied per studio."""
        return {
            "status": self.status,
            "import_id": self.import_id,
            "files": [
                {"file": entry["file"], "sheets": [dict(sheet) for sheet in entry["sheets"]]}
                for entry in self.files
            ],
            "errors": [m.as_dict() for m in self.errors],
            "warnings": [m.as_dict() for m in self.warnings],
            "defaults": self.defaults,
        }


# ---------------------------------------------------------------------------- per-sheet state


@dataclass
class Sheet:
    file: str
    file_index: int
    raw: RawSheet
    kind: str = K.SKIPPED
    header: Header | None = None
    titles: list[str] = field(default_factory=list)
    rows: int = 0
    skipped: int = 0
    data: pd.DataFrame | None = None  # raw cells of the data rows, columns = field names
    parsed: pd.DataFrame | None = None
    note: str | None = None
    # Step 2 of the year precedence (years.py): score / grade column → the year its header names.
    header_years: dict[int, Y.YearSource] = field(default_factory=dict)
    year_by_hand: int | None = None  # set on the upload page (or --sheet-year)
    analyst: str | None = None
    record: SheetInferences = field(default_factory=SheetInferences)
    # A field read from another field's column: {"score": "grade"} for 88 in a 考核结果 column.
    aliases: dict[str, str] = field(default_factory=dict)
    # (codes, distinct values) of the text columns of `data`, found once in _locate and reused
    # by every parser of the column.
    distinct: dict[str, Distinct] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.raw.name

    @property
    def source(self) -> str:
        return f"{self.file_index}:{self.file}|{self.name}"

    def column(self, field_name: str) -> str | None:
        """The header as written for a field, for messages."""
        if self.header is None:
            return None
        fields = self.header.fields()
        cell = fields.get(field_name) or fields.get(self.aliases.get(field_name, ""))
        return cell.text if cell else None


def _fill_merged(raw: RawSheet) -> pd.DataFrame:
    """Give every cell of a merged range the value of its top-left cell (units merged down)."""
    frame = raw.frame
    if not raw.merged or frame.empty:
        return frame
    frame = frame.copy()
    height, width = frame.shape
    for (r0, c0), (r1, c1) in raw.merged:
        if r0 >= height or c0 >= width:
            continue
        r1, c1 = min(r1, height - 1), min(c1, width - 1)
        value = frame.iat[r0, c0]
        if value is None:
            continue
        for column in range(c0, c1 + 1):
            frame.iloc[r0 : r1 + 1, column] = value
    return frame


def _first_cells(frame: pd.DataFrame) -> pd.Series:
    """Each row's first non-empty cell."""
    values = frame.to_numpy(dtype=object)
    first = values[:, 0].copy()
    missing = pd.isna(first)
    for column in range(1, values.shape[1]):
        if not missing.any():
            break
        first[missing] = values[missing, column]
        missing = pd.isna(first)
    return pd.Series(first, index=frame.index, dtype=object)


def _first_text_flags(value: object) -> tuple[bool, bool]:
    """(a total line, a footer line) from a row's first cell; numbers and dates are neither."""
    if not isinstance(value, str):
        return False, False
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
    return bool(_TOTAL.match(folded)), bool(_FOOTER.match(folded))


def _not_data(value: object) -> bool:
    """A studio or unit cell that marks a total line or the notice's example row (××医院)."""
    folded = fold(text(value) or "")
    return bool(_TOTAL.match(folded) or _EXAMPLE.search(folded))


def _locate(sheet: Sheet, overrides: Mapping[str, str | None] | None) -> None:
    """Header, kind and the data rows of one sheet."""
    raw = sheet.raw
    frame = _fill_merged(raw)
    if frame.empty or not raw.worksheet:
        sheet.note = "空白工作表"
        return
    header = find_header(frame)
    if header is None:
        sheet.skipped = len(frame)
        sheet.note = "没有找到表头"
        return
    mark_hidden(header, raw.hidden_columns)
    if overrides:
        apply_overrides(header, overrides)
    kind = K.detect_kind(header)
    sheet.record.header_row = header.row
    sheet.record.kind_from = K.kind_evidence(header, kind)
    K.resolve_fields(header, kind)
    sheet.header = header
    sheet.kind = kind
    position = frame.index.get_loc(header.row)
    # A title merged across the table reads once, not once per column it covers.
    sheet.titles = [
        " ".join(dict.fromkeys(t for t in (text(v) for v in frame.iloc[i].tolist()) if t))
        for i in range(position)
    ]
    if kind == K.ASSESSMENTS:
        sheet.record.assessment = True
        _year_columns(sheet, header, position)
    sheet.record.columns = [
        {
            # score@2023 (a table of years side by side) shows as what it is: a score.
            "column": c.text,
            "field": c.field.split("@")[0] if c.field else None,
            "how": c.how if c.field else None,
            "score": c.score,
        }
        for c in header.cells
    ]
    if kind == K.SKIPPED:
        sheet.skipped = len(frame)
        return
    body = frame.iloc[position + header.rows_used :]
    fields = header.fields()
    data = pd.DataFrame(index=body.index)
    for name, cell in fields.items():
        if _wanted(name, kind) and cell.column < body.shape[1]:
            data[name] = body.iloc[:, cell.column]
    # Each column holding text is factorised once: its distinct values serve every check here
    # and every parser later. Columns of numbers or dates hold no placeholder and no label.
    distinct: dict[str, Distinct] = {}
    for name in data.columns:
        if not has_text(data[name]):
            continue
        codes, uniques = distinct_of(data[name])
        # '—', '/', '无' in a data cell mean "nothing here": the same as an empty cell.
        placeholder = distinct_flags(data[name], is_placeholder, (codes, uniques))
        if placeholder.any():
            data[name] = data[name].where(~placeholder, None)
            codes = np.where(placeholder, -1, codes)
        distinct[name] = (codes, uniques)
    if kind == K.ASSESSMENTS:
        before = {name: data[name] for name in ("score", "grade") if name in data}
        _scores_and_grades_in_one_column(sheet, data)
        for name in ("score", "grade"):
            if name not in before or data[name] is not before[name]:
                distinct.pop(name, None)
    first = _first_cells(body)
    if has_text(first):
        total, footer = map_parts(first, _first_text_flags, 2)
        skip = total.fillna(False).astype(bool)
        footer = footer.fillna(False).astype(bool)
        if footer.any():
            # Everything under the first footer line (填表人, 说明 …) belongs to the footer.
            skip |= footer.cumsum() > 0
    else:  # numbers and dates only: neither a total line nor a footer line
        skip = pd.Series(False, index=body.index)
    keyed = [c for c in ("unit", "name", "name_leader") if c in distinct]
    for column in keyed:
        skip |= distinct_flags(data[column], _not_data, distinct[column])
    content = [c for c in data.columns]
    if content:
        blank = np.ones(len(data), dtype=bool)
        for name in content:
            blank &= distinct[name][0] < 0 if name in distinct else data[name].isna().to_numpy()
        skip |= blank
    else:
        skip |= True
    skip |= _layout_lines(raw, body, frame.iloc[position], header, data)
    keep = ~skip.to_numpy(dtype=bool)
    sheet.data = data[keep]
    sheet.distinct = {name: select_distinct(found, keep) for name, found in distinct.items()}
    sheet.rows = len(sheet.data)
    sheet.skipped = len(frame) - sheet.rows


def _wanted(name: str | None, kind: str) -> bool:
    """Whether a sheet of this kind reads the field (score@2023 is a score)."""
    return bool(name) and name.split("@")[0] in K.KIND_FIELDS[kind]


def _year_columns(sheet: Sheet, header: Header, position: int) -> None:
    """Step 2 of the year precedence (years.py): score and grade columns that name their year,
    '2022年得分', or 得分 under a group header '2022年度考核' merged over only the result columns.
    Several years: the sheet is a table of years side by side, and the columns become fields
    score@2022, grade@2022 … A sheet with a 年度 column keeps it (the tags are then only
    compared with it)."""
    cells = [(c.column, c.text) for c in header.cells if c.field in ("score", "grade")]
    # The header's own lines, lowest first, and the line just above it.
    lines = range(position + header.rows_used - 1, max(position - 1, 0) - 1, -1)
    tagged = Y.header_years(cells, sheet.raw.frame, sheet.raw.merged, lines)
    sheet.header_years = tagged
    if any(cell.field == "year" for cell in header.cells):
        return
    if len({source.year for source in tagged.values()}) > 1:
        for cell in header.cells:
            if cell.column in tagged:
                cell.field = f"{cell.field}@{tagged[cell.column].year}"


def _score_like(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and bool(re.fullmatch(r"\d+(?:\.\d+)?分?", fold(value)))


def _grade_like(value: object) -> bool:
    try:
        return parse_grade(value) is not None
    except ValueError:
        return False


def _scores_and_grades_in_one_column(sheet: Sheet, data: pd.DataFrame) -> None:
    """88 in a 考核结果 column is a score, 优秀 in a 考核得分 column a grade, when the sheet has
    only one of the two columns: the cells are read as what they are."""
    for source, target, like in (("grade", "score", _score_like), ("score", "grade", _grade_like)):
        if source in data and target not in data:
            moved = map_column(data[source], like).fillna(False).astype(bool)
            if moved.any():
                examples = data[source][moved].map(text).value_counts()
                sheet.record.canonicalised.append(
                    {
                        "field": target,
                        "column": sheet.column(source),
                        "value": f"读作{FIELD_LABELS[target]}",
                        "count": int(moved.sum()),
                        "examples": examples.index[:2].tolist(),
                    }
                )
                data[target] = data[source].where(moved, None)
                data[source] = data[source].where(~moved, None)
                sheet.aliases[target] = source


def _section_text(value: object) -> bool:
    """Text that is neither an amount nor a date: a section line such as '一、技术创新型'."""
    if not isinstance(value, str):
        return False
    for parser in (parse_money, parse_date):
        try:
            if parser(value) is not None:
                return False
        except ValueError:
            continue
    return True


def _layout_lines(
    raw: RawSheet, body: pd.DataFrame, header_line: pd.Series, header: Header, data: pd.DataFrame
) -> pd.Series:
    """Lines under the header that belong to the layout, not to the data (all vectorised):

    - the header again: a second table stacked under the first, or a header whose cells are
      merged over two lines (a table pasted from Word);
    - a line merged across columns: the title or a section line of a stacked table;
    - a line of one text cell outside the studio-name column: a section line ("一、技术创新型");
    - a line without a studio name whose every cell is a formula: totals without a 合计 label.
    """
    values = body.to_numpy(dtype=object)
    present = ~pd.isna(values)
    layout = np.zeros(len(body), dtype=bool)
    if not len(body):
        return pd.Series(layout, index=body.index)
    repeats = np.zeros(len(body), dtype=int)
    for cell in header.cells:
        if cell.column < values.shape[1]:
            column = values[:, cell.column]
            same = column == cell.text
            written = header_line.iloc[cell.column]
            if isinstance(written, str):  # never compare with None: empty cells would match
                same = same | (column == written)
            repeats += same.astype(bool)
    layout |= repeats >= 2
    merged_rows = {
        row + 1 for (r0, c0), (r1, c1) in raw.merged if c1 > c0 for row in range(r0, r1 + 1)
    }
    if merged_rows:
        first = _first_cells(body).to_numpy(dtype=object)
        candidates = body.index.isin(list(merged_rows)) & (present.sum(axis=1) >= 2)
        same = np.ones(len(body), dtype=bool)
        for number in range(values.shape[1]):
            same &= ~present[:, number] | (values[:, number] == first)
        layout |= candidates & same
    names = [c for c in ("name", "name_leader") if c in data]
    no_name = data[names].isna().all(axis=1).to_numpy() if names else np.ones(len(body), bool)
    lone = present.sum(axis=1) == 1
    if lone.any():
        # Words only: a lone amount or date without a name stays, to be reported as an error.
        first = _first_cells(body)
        words = map_column(first.where(lone, None), _section_text).fillna(False).astype(bool)
        layout |= lone & words.to_numpy(dtype=bool) & no_name
    if raw.formulas:
        cells = np.array(sorted(raw.formulas), dtype=np.int64).reshape(-1, 2)
        rows = body.index.get_indexer(cells[:, 0])
        inside = (rows >= 0) & (cells[:, 1] < values.shape[1])
        formula = np.zeros(values.shape, dtype=bool)
        formula[rows[inside], cells[inside, 1]] = True
        only_formulas = (~present | formula).all(axis=1) & present.any(axis=1)
        layout |= only_formulas & no_name
    return pd.Series(layout, index=body.index)


# ---------------------------------------------------------------------------- parsing helpers


class _Parser:
    def __init__(self, sheet: Sheet, messages: Messages):
        self.sheet = sheet
        self.messages = messages
        self.data = sheet.data if sheet.data is not None else pd.DataFrame()
        self.unreadable: dict[str, pd.Series] = {}  # field → cells that could not be read
        self._mapped: dict[tuple, pd.Series] = {}
        self._distinct: dict[str, Distinct | None] = dict(sheet.distinct)

    def distinct(self, name: str) -> Distinct | None:
        """The (codes, distinct values) of a field's cells, when the field has a column of text
        (None otherwise: the parsers find them, cheaply, if they need them at all)."""
        if name not in self._distinct:
            column = self.data.get(name)
            has = column is not None and has_text(column)
            self._distinct[name] = distinct_of(column) if has else None
        return self._distinct[name]

    def map(self, name: str, parser) -> pd.Series:
        """`map_column` over a field's cells."""
        return map_column(self.raw(name), parser, self.distinct(name))

    def map_parts(self, name: str, parser, count: int) -> list[pd.Series]:
        return map_parts(self.raw(name), parser, count, self.distinct(name))

    def raw(self, name: str) -> pd.Series:
        if name in self.data:
            return self.data[name]
        return pd.Series([None] * len(self.data), index=self.data.index, dtype=object)

    def error(self, rows, field_name: str | None, message, group: str | None = None) -> None:
        """`message` is a text, or a function of the row number giving one."""
        self._each(True, rows, field_name, message, group)

    def warning(self, rows, field_name: str | None, message, group: str | None = None) -> None:
        self._each(False, rows, field_name, message, group)

    def _each(self, is_error, rows, field_name, message, group) -> None:
        column = self.sheet.column(field_name) if field_name else None
        make = message if callable(message) else (lambda _row: message)
        self.messages.for_rows(
            is_error,
            self.sheet.file,
            self.sheet.name,
            [int(r) for r in rows],
            column,
            make,
            group or (message if isinstance(message, str) else field_name or ""),
        )

    def mapped(self, name: str, parser) -> pd.Series:
        """`parser` over a field's cells, once per distinct value (and once per sheet)."""
        key = (name, parser)
        if key not in self._mapped:
            self._mapped[key] = self.map(name, parser)
        return self._mapped[key]

    def parse(self, name: str, parser, what: str, hint: str) -> pd.Series:
        """Parse a column; unreadable cells are errors naming the value and how to write it."""
        values, bad = parse_column(self.raw(name), parser, self.distinct(name))
        if bad.any():
            raw = self.raw(name)
            self.error(
                values.index[bad],
                name,
                lambda row: f"无法识别的{what}“{text(raw.loc[row])}”。{hint}",
                group=f"bad-{name}",
            )
            values = values.where(~bad, None)
        self.unreadable[name] = bad
        return values

    def text(self, name: str) -> pd.Series:
        return self.mapped(name, text)

    def canonical(
        self,
        name: str,
        results: pd.Series,
        rows: pd.Series | None = None,
        field_name: str | None = None,
        shown: dict | None = None,
    ) -> None:
        """Record, for the report, the cells of `name` read as another (canonical) value."""
        found = self.distinct(name)
        if found is None:
            return
        mask = np.ones(len(self.data), dtype=bool) if rows is None else rows.to_numpy(dtype=bool)
        self.sheet.record.canonical_values(
            field_name or name.split("@")[0], self.sheet.column(name), found, results, mask, shown
        )

    def default(self, name: str | None, value: object, rows: pd.Series, why: str) -> None:
        """Record, for the report, a value the importer filled in for these rows."""
        column = self.sheet.column(name) if name else None
        self.sheet.record.default(name, column, value, int(rows.sum()), why)

    def studio_names(self) -> tuple[pd.Series, pd.Series, str]:
        """(name, leader from a combined cell, the field the name came from)."""
        if "name" in self.data:
            names, leaders = self.map_parts("name", split_name_leader, 2)
            source = "name"
            if "name_leader" in self.data:
                combined_name = self.map_parts("name_leader", split_name_leader, 2)[0]
                names = names.where(names.notna(), combined_name)
        else:
            names, leaders = self.map_parts("name_leader", split_name_leader, 2)
            source = "name_leader"
        return names, leaders, source

    def units(self) -> pd.Series:
        units = self.text("unit")
        default, line = _title_unit(self.sheet.titles)
        if default:
            self.default("unit", default, units.isna(), f"取自标题行“{Y.shorten(line)}”")
            units = units.where(units.notna(), default)
        return units

    def frame(self, columns: dict[str, pd.Series]) -> pd.DataFrame:
        result = pd.DataFrame(columns, index=self.data.index)
        result[ROW] = self.data.index.astype(int)
        return result


def _title_unit(titles: list[str]) -> tuple[str | None, str]:
    """(the unit a title line names, that line): 填报单位：青岛市市立医院."""
    for line in titles:
        match = _TITLE_UNIT.search(line)
        if match:
            return match.group(1).strip(), line
    return None, ""


def _needs_studio(p: _Parser, names: pd.Series, source: str) -> pd.Series:
    missing = names.isna()
    if missing.any():
        p.error(
            names.index[missing],
            source,
            "这一行有数据，但工作室名称是空的。请填写工作室名称，或删除这一行。",
            group="no-name",
        )
    return ~missing


def _parse_studios(p: _Parser) -> pd.DataFrame:
    names, combined_leaders, source = p.studio_names()
    keep = _needs_studio(p, names, source)
    units = p.units()
    if "unit" not in p.data and units.isna().all():
        p.messages.error(
            p.sheet.file,
            p.sheet.name,
            p.sheet.header.row,
            None,
            "名单里没有“所在单位”列。工作室按“单位 + 名称”识别，请加上“创新工作室所在单位”列后再导入。",
        )
    else:
        no_unit = units.isna() & keep
        if no_unit.any():
            p.error(
                names.index[no_unit],
                "unit",
                "所在单位为空。请填写工作室所在单位的全称。",
                group="no-unit",
            )
    leaders = p.text("leader")
    leaders = leaders.where(leaders.notna(), combined_leaders)
    honours = p.map("honours", split_honours)
    many = honours.map(lambda h: isinstance(h, list) and len(h) > MAX_HONOURS)
    p.warning(
        honours.index[many.astype(bool)],
        "honours",
        lambda row: (
            f"领衔人主要荣誉列了 {len(honours.loc[row])} 项，通知要求限 5 项以内。"
            "已全部导入，请核对后精简。"
        ),
        group="honours",
    )
    types = p.parse(
        "type", parse_type_value, "工作室类型", "请填写 技术创新型、服务创新型 或 管理创新型。"
    )
    batches = p.parse(
        "batch", parse_batch_value, "批次", "请填写 第一批、第二批、第三批 或数字 1、2、3。"
    )
    stages = p.parse(
        "stage", parse_stage, "阶段", "请填写 创建管理、委级命名、推荐市总工会 或 推荐省医务工会。"
    )
    for name, values in (("type", types), ("batch", batches), ("stage", stages)):
        p.canonical(name, values, keep)
    frame = p.frame(
        {
            "unit": units,
            "name": names,
            "leader": leaders,
            "leader_title": p.text("leader_title"),
            "type": types,
            "batch": batches,
            "stage": stages,
            "named_on": p.parse(
                "named_on",
                parse_date,
                "日期",
                "请写成 2024-03-20、2024/3/20 或 2024年3月20日 这样的日期。",
            ),
            "achievements": p.text("achievements"),
            "honours": honours,
            "remarks": p.text("remarks"),
        }
    )
    return frame[keep & frame["unit"].notna()]


def _parse_results_base(p: _Parser) -> tuple[pd.Series, pd.Series, str, pd.Series]:
    names, _, source = p.studio_names()
    keep = _needs_studio(p, names, source)
    return names, p.units(), source, keep


def _parse_assessments(p: _Parser) -> pd.DataFrame:
    """Results with their year, by the precedence of years.py (the record says where from)."""
    names, units, source, keep = _parse_results_base(p)
    sheet = p.sheet
    record = sheet.record
    side_by_side = sorted({int(c.split("@")[1]) for c in p.data.columns if "@" in c})
    if side_by_side:
        return _parse_years_side_by_side(p, names, units, keep, side_by_side)
    decision = Y.sheet_year(
        list(dict.fromkeys(sheet.header_years.values())),
        sheet.titles,
        sheet.name,
        sheet.file,
        sheet.year_by_hand,
        sheet.analyst,
    )
    record.year_not_from = [Y.shorten(e) for e in dict.fromkeys(decision.events)]
    has_column = "year" in p.data
    if has_column and sheet.year_by_hand is not None:
        p.messages.error(
            sheet.file,
            sheet.name,
            sheet.header.row,
            sheet.column("year"),
            "这张表有“年度”列，年度按这一列逐行导入，不能再为整张表指定年度。"
            "如果年度列有误，请改正表格后重新上传。",
        )
    column_years = p.parse("year", parse_year, "年度", "请填写四位数年度，例如 2023。")
    unreadable = p.unreadable["year"]
    from_column = column_years.notna()
    sheet_rows = ~from_column & ~unreadable & keep
    fallback = decision.year
    if fallback is not None and not Y.in_range(fallback) and sheet_rows.any():
        p.messages.error(
            sheet.file,
            sheet.name,
            sheet.header.row,
            None,
            f"考核年度 {fallback}（{decision.source.describe()}）超出 "
            f"{Y.FIRST_YEAR}–{Y.LAST_YEAR} 的范围。请核对年度。",
        )
        fallback = None
    years = column_years
    if fallback is not None:
        years = column_years.where(~sheet_rows, fallback)
        if sheet_rows.any():
            for warning in decision.warnings:
                p.messages.warning(sheet.file, sheet.name, sheet.header.row, None, warning)
    missing = years.isna() & keep & ~unreadable
    if missing.any():
        question = decision.question or Y.no_year_question(decision.events)
        if has_column:
            p.error(
                years.index[missing],
                "year",
                "年度为空，表头、标题和文件名里也不能确定年度。请填写考核年度，例如 2023。"
                + ("" if decision.question is None else question),
                group="no-year",
            )
        else:
            p.messages.error(sheet.file, sheet.name, sheet.header.row, None, question)
    out_of_range = years.map(lambda y: y is not None and not Y.in_range(y)).astype(bool)
    if out_of_range.any():
        p.error(
            years.index[out_of_range],
            "year",
            f"年度超出 {Y.FIRST_YEAR}–{Y.LAST_YEAR} 的范围。请核对年度。",
        )
        years = years.where(~out_of_range, None)
    if has_column:
        in_column = column_years[from_column & keep & ~out_of_range]
        warning = Y.column_disagreement(
            sheet.column("year"), in_column.unique().tolist(), decision.source
        )
        if warning:
            p.messages.warning(
                sheet.file, sheet.name, sheet.header.row, sheet.column("year"), warning
            )
    frame = _results(p, names, units, keep, years, "score", "grade", warn_empty=True)
    column_rows = from_column.reindex(frame.index, fill_value=False).to_numpy(dtype=bool)
    record.record_years(decision, frame["year"], column_rows, sheet.column("year"))
    return frame


def _parse_years_side_by_side(
    p: _Parser, names: pd.Series, units: pd.Series, keep: pd.Series, years: list[int]
) -> pd.DataFrame:
    """One result per studio and year from a table with a score / grade column per year."""
    nothing = keep.copy()
    for year in years:
        nothing &= p.raw(f"score@{year}").isna() & p.raw(f"grade@{year}").isna()
    if nothing.any():
        first = f"score@{years[0]}" if f"score@{years[0]}" in p.data else f"grade@{years[0]}"
        p.warning(
            names.index[nothing],
            first,
            "这一行哪一年都没有考核得分或考核等次，未导入。如果该工作室已考核，请补填结果。",
            group="no-result",
        )
    frames = []
    record = p.sheet.record
    for year in years:
        column = pd.Series(year, index=p.data.index, dtype=object)
        score, grade = f"score@{year}", f"grade@{year}"
        frame = _results(p, names, units, keep & ~nothing, column, score, grade)
        frames.append(frame)
        tags = [t for t in p.sheet.header_years.values() if t.year == year]
        record.years.append({"year": year, "year_from": tags[0].describe(), "rows": len(frame)})
        if not Y.in_range(year):
            p.messages.error(
                p.sheet.file,
                p.sheet.name,
                p.sheet.header.row,
                tags[0].text,
                f"表头写的年度 {year} 超出 {Y.FIRST_YEAR}–{Y.LAST_YEAR} 的范围。请核对年度。",
            )
    record.year_from = "；".join(f"{e['year']}：{e['year_from']}" for e in record.years)
    return pd.concat(frames)


def _results(
    p: _Parser,
    names: pd.Series,
    units: pd.Series,
    keep: pd.Series,
    years: pd.Series,
    score_field: str,
    grade_field: str,
    warn_empty: bool = False,
) -> pd.DataFrame:
    """The rows of one year's score and grade columns; an empty pair is dropped (with a
    warning when `warn_empty`: in a table of years side by side, a year may well be empty)."""
    scores = p.parse(
        score_field, parse_score, "考核得分", "请填写 0–100 之间的数字，例如 88 或 92.5。"
    )
    outside = scores.map(lambda s: s is not None and not 0 <= s <= 100).astype(bool)
    if outside.any():
        p.error(
            scores.index[outside],
            score_field,
            lambda row: f"考核得分 {scores.loc[row]:g} 超出 0–100 的范围。请核对分数。",
            group="score-range",
        )
        scores = scores.where(~outside, None)
    scores = _in_cents(p, score_field, scores, "考核得分")
    grades = p.parse(grade_field, parse_grade, "考核等次", "请填写 优秀、合格 或 不合格。")
    p.canonical(grade_field, grades, keep)
    empty = scores.isna() & grades.isna() & keep
    empty &= ~p.unreadable[score_field] & ~outside & ~p.unreadable[grade_field]
    if empty.any():
        if warn_empty:
            p.warning(
                names.index[empty],
                score_field if score_field in p.data else grade_field,
                "这一行既没有考核得分也没有考核等次，未导入。如果该工作室已考核，请补填结果。",
                group="no-result",
            )
        keep = keep & ~empty
    expected = map_column(scores, lambda s: _grade_for(float(s)))
    contradicts = (scores.notna() & grades.notna() & (expected != grades)).astype(bool)
    p.warning(
        scores.index[contradicts],
        grade_field,
        lambda row: (
            f"考核等次“{grades.loc[row]}”与得分 {float(scores.loc[row]):g} 不一致"
            f"（{GRADE_RULE}）。已按表中等次导入，请核对。"
        ),
        group="grade-score",
    )
    frame = p.frame(
        {
            "unit": units,
            "studio": names,
            "year": years,
            "score": scores,
            "grade": grades,
            "remarks": p.text("remarks"),
        }
    )
    return frame[keep & frame["year"].notna()]


# What the ledger's DECIMAL(14, 2) holds, in yuan.
MAX_AMOUNT = 10**12


def _in_cents(p: _Parser, name: str, values: pd.Series, what: str) -> pd.Series:
    """Scores and amounts as the database keeps them, to the cent (two decimals): a value with
    more is rounded half up, with a warning at the cell, never cut off in silence by the store.
    (Both are never negative here: a negative amount is an error already.)"""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        more = np.abs(numbers * 100 - np.round(numbers * 100)) > 1e-6
        # 88.335 is 88.33499… in binary: the small nudge makes it round up, as written.
        cents = np.floor(numbers * 100 + 0.5 + 1e-7) / 100
    if not more.any():
        return values
    before = pd.Series(numbers, index=values.index)
    after = pd.Series(cents, index=values.index)
    p.warning(
        values.index[more],
        name,
        lambda row: (
            f"{what} {before.loc[row]:g} 有两位以上小数，按四舍五入记为 {after.loc[row]:.2f}"
            "（数据库保留两位小数）。请核对。"
        ),
        group=f"cents-{name}",
    )
    return values.where(~more, after.astype(object))


def _grade_for(score: float) -> str:
    if score >= EXCELLENT_FROM:
        return "优秀"
    if score >= PASS_FROM:
        return "合格"
    return "不合格"


def _parse_revocations(p: _Parser) -> pd.DataFrame:
    names, units, _, keep = _parse_results_base(p)
    reasons = p.text("ground")
    notes = p.text("reason_note")
    grounds = p.map("ground", parse_ground)
    p.canonical("ground", grounds, keep)
    no_reason = grounds.isna() & keep
    if no_reason.any():
        p.default("ground", "其他", no_reason, "没有填写撤销原因")
        p.warning(
            names.index[no_reason],
            "ground" if "ground" in p.data else None,
            "没有填写撤销原因，已按“其他”导入。如属年度考核不合格、严重医疗事故或严重违反医德医风，请补填原因。",
            group="no-ground",
        )
        grounds = grounds.where(grounds.notna(), "其他")
    dates = p.parse(
        "revoked_on",
        parse_date,
        "日期",
        "请写成 2024-03-20、2024/3/20 或 2024年3月20日 这样的日期。",
    )
    frame = p.frame(
        {
            "unit": units,
            "studio": names,
            "revoked_on": dates,
            "ground": grounds,
            "reason": reasons.where(reasons.notna(), notes),
        }
    )
    return frame[keep]


def _parse_ledger(p: _Parser) -> pd.DataFrame:
    names, units, _, keep = _parse_results_base(p)
    header = p.sheet.header
    fields = header.fields()
    dates = p.parse(
        "entry_date",
        parse_date,
        "日期",
        "请写成 2024-03-20、2024/3/20 或 2024年3月20日 这样的日期。",
    )
    categories_text = p.text("category")
    descriptions = p.text("description")
    parts = []

    def amounts(name: str) -> tuple[pd.Series, pd.Series]:
        values = p.parse(
            name, parse_money, "金额", "请填写数字金额，例如 1200、1,200.00、¥800 或 0.3万。"
        )
        scale = fields[name].scale if name in fields else 1.0
        numbers = pd.to_numeric(values, errors="coerce").astype(float)
        if scale != 1.0:
            # '3000元' under a 万元 header says its own unit: parse_money gave yuan already.
            own_unit = map_column(p.raw(name), money_has_unit, p.distinct(name))
            own_unit = own_unit.fillna(False).astype(bool)
            numbers = numbers.where(own_unit, numbers * scale).round(2)
        values = numbers.astype(object).where(numbers.notna(), None)
        negative = (numbers < 0).fillna(False).astype(bool)
        if negative.any():
            p.error(
                values.index[negative],
                name,
                "金额是负数。收入和支出请都填正数，用“收支”列或分列的“收入”“支出”区分。",
                group="negative",
            )
            values = values.where(~negative, None)
        huge = (numbers >= MAX_AMOUNT).fillna(False).astype(bool)
        if huge.any():
            p.error(
                values.index[huge],
                name,
                lambda row: (
                    f"金额 {numbers.loc[row]:,.2f} 元超出可以记录的范围。请核对金额和单位（元、万元）。"
                ),
                group="huge",
            )
            values = values.where(~huge, None)
        values = _in_cents(p, name, values, "金额")
        unreadable = p.unreadable[name] | negative | huge
        return values, unreadable

    if not {"amount", "income", "expense"} & set(p.data) and {"debit", "credit"} & set(p.data):
        book = "debit" if "debit" in p.data else "credit"
        p.messages.error(
            p.sheet.file,
            p.sheet.name,
            header.row,
            p.sheet.column(book),
            "台账按“借方”“贷方”记账，无法判断哪一列是拨款、哪一列是支出（要看科目的性质）。"
            "请把拨款所在的列改名为“收入”，支出所在的列改名为“支出”，再导入。",
        )
    if "amount" in p.data:
        values, unreadable = amounts("amount")
        direction = p.mapped("direction", parse_direction)
        if "direction" in p.data:
            unknown = direction.isna() & p.raw("direction").notna()
            if unknown.any():
                p.error(
                    direction.index[unknown],
                    "direction",
                    "无法判断这一行是收入还是支出。请在“收支”列填写“收入”（拨款）或“支出”。",
                    group="bad-direction",
                )
        from_category = p.mapped("category", parse_direction)
        from_category = from_category.where(from_category == "grant", None)
        counted = keep & values.notna()
        p.canonical("direction", direction, counted, shown=_DIRECTIONS)
        by_category = counted & direction.isna() & from_category.notna()
        p.canonical("category", from_category, by_category, "direction", _DIRECTIONS)
        p.default(
            "direction",
            _DIRECTIONS["expense"],
            counted & direction.isna() & from_category.isna(),
            "没有注明收入还是支出（没有“收支”列，或这一格为空），按支出导入",
        )
        direction = direction.where(direction.notna(), from_category).fillna("expense")
        missing = values.isna() & ~unreadable & keep
        if missing.any():
            p.error(
                values.index[missing],
                "amount",
                "金额为空。请填写金额，或删除这一行。",
                group="no-amount",
            )
        parts.append((values, direction, "amount"))
    else:
        present = []
        for name, direction_value in (("income", "grant"), ("expense", "expense")):
            if name in p.data:
                values, unreadable = amounts(name)
                present.append((values, unreadable))
                parts.append(
                    (values, pd.Series(direction_value, index=values.index, dtype=object), name)
                )
        if present:
            nothing = keep.copy()
            for values, unreadable in present:
                nothing &= values.isna() & ~unreadable
            if nothing.any():
                first = "income" if "income" in p.data else "expense"
                p.error(
                    nothing.index[nothing],
                    first,
                    "这一行收入和支出都是空的。请填写金额，或删除这一行。",
                    group="no-amount",
                )
    frames = []
    for values, direction, amount_field in parts:
        is_expense = direction == "expense"
        # parse_category reads a cell as text itself: map the raw cells (once per sheet).
        written = p.mapped("category", parse_category)
        described = p.mapped("description", parse_category)
        category = written.where(written.notna(), described)
        grant_words = p.mapped("category", parse_direction) == "grant"
        category = category.where(~(grant_words & ~is_expense), None)
        category = category.where(is_expense, None)
        rows = values.notna() & keep
        spent = rows & is_expense
        p.canonical("category", written, spent & written.notna())
        p.canonical("description", described, spent & written.isna(), "category")
        missing_use = rows & is_expense & category.isna()
        if missing_use.any():
            p.default("category", DISALLOWED, missing_use, "支出没有填写用途")
            p.warning(
                values.index[missing_use],
                "category" if "category" in p.data else amount_field,
                "支出没有填写用途，已按“不允许的支出”导入。请补填用途（设备购置、项目研究、培训学习、"
                "创新成果宣传推广、办公条件改善）。",
                group="no-use",
            )
            category = category.where(~missing_use, DISALLOWED)
        disallowed = rows & is_expense & (category == DISALLOWED) & ~missing_use
        p.warning(
            values.index[disallowed],
            "category" if "category" in p.data else "description",
            lambda row: (
                f"支出“{categories_text.loc[row] or descriptions.loc[row]}”不属于允许的"
                "五类用途（设备购置、项目研究、培训学习、创新成果宣传推广、办公条件改善），"
                "已记为“不允许的支出”。请核实。"
            ),
            group="disallowed",
        )
        frame = p.frame(
            {
                "unit": units,
                "studio": names,
                "entry_date": dates,
                "direction": direction,
                "category": category,
                "amount": values,
                "description": descriptions.where(descriptions.notna(), categories_text),
            }
        )
        frames.append(frame[rows])
    if not frames:
        return pd.DataFrame(
            columns=[
                "unit",
                "studio",
                "entry_date",
                "direction",
                "category",
                "amount",
                "description",
                ROW,
            ]
        )
    return pd.concat(frames).sort_values(ROW, kind="stable")


# How a ledger line's direction shows in the report.
_DIRECTIONS = {"grant": "收入（拨款）", "expense": "支出"}

_PARSERS = {
    K.STUDIOS: _parse_studios,
    K.ASSESSMENTS: _parse_assessments,
    K.REVOCATIONS: _parse_revocations,
    K.FUNDS: _parse_ledger,
}


def _formula_warnings(sheet: Sheet, messages: Messages) -> None:
    if not sheet.raw.formulas or sheet.data is None or sheet.header is None:
        return
    columns = {cell.column: cell.text for cell in sheet.header.cells if cell.field}
    rows = set(sheet.data.index.astype(int))
    for row, column in sorted(sheet.raw.formulas):
        if row in rows and column in columns:
            messages.warning(
                sheet.file,
                sheet.name,
                row,
                columns[column],
                "这个单元格是公式，导入的是公式最后一次计算的结果（没有计算过的公式读作空）。"
                "请确认数值无误，最好把公式改为数值后再导入。",
                group="formula",
            )


def _hidden_row_warnings(sheet: Sheet, messages: Messages) -> None:
    """Data rows hidden in Excel (an AutoFilter, or hidden by hand) are imported like the others;
    the analyst who filtered the sheet to one hospital should know the rest came in too."""
    if not sheet.raw.hidden_rows or sheet.data is None or sheet.header is None:
        return
    for row in sorted(sheet.raw.hidden_rows & set(sheet.data.index.astype(int))):
        messages.warning(
            sheet.file,
            sheet.name,
            row,
            None,
            "这一行在 Excel 中被隐藏（筛选或手动隐藏），仍会导入。"
            "如果它不该导入，请在 Excel 中删除该行后重新上传。",
            group="hidden_row",
        )


# Free-text fields: an Excel error value there is imported as an empty cell, with a warning.
_SOFT_FIELDS = {"remarks", "description", "reason_note", "achievements", "honours"}


def _error_cells(sheet: Sheet, messages: Messages) -> None:
    """Cells holding an Excel error (#N/A, #DIV/0! …) read as empty: say so, at the cell.

    In a column that the figures depend on this is an error: the value is unknown. The messages
    the parse made about the same cells ("金额为空" …) are dropped: this one says why.
    """
    if not sheet.raw.errors or sheet.data is None or sheet.header is None:
        return
    fields = {
        cell.column: name
        for name, cell in sheet.header.fields().items()
        if _wanted(name, sheet.kind)
    }
    found = pd.DataFrame(
        [(row, column, code) for (row, column), code in sheet.raw.errors.items()],
        columns=["row", "column", "code"],
    )
    found = found[found["column"].isin(list(fields)) & found["row"].isin(sheet.data.index)]
    if found.empty:
        return
    found = found.sort_values(["row", "column"], kind="stable")
    found["field"] = found["column"].map(fields)
    cells = {
        (int(row), sheet.column(name))
        for row, name in zip(found["row"], found["field"], strict=True)
    }
    messages.drop(sheet.file, sheet.name, cells)
    for name, group in found.groupby("field", sort=False):
        codes = dict(zip(group["row"].astype(int), group["code"], strict=True))
        soft = name in _SOFT_FIELDS
        messages.for_rows(
            not soft,
            sheet.file,
            sheet.name,
            list(codes),
            sheet.column(name),
            partial(_error_text, _ERROR_SOFT if soft else _ERROR_HARD, codes),
            f"excel-error:{name}",
        )


_ERROR_HARD = (
    "单元格是 Excel 错误值“{code}”（公式出错或引用的数据不存在），读不出数值。"
    "请改正公式，或把它改成实际的数值后再导入。"
)
_ERROR_SOFT = (
    "单元格是 Excel 错误值“{code}”，已按空白导入。如果这里应有内容，请改正公式或填入文字后再导入。"
)


def _error_text(template: str, codes: dict[int, str], row: int) -> str:
    return template.format(code=codes[row])


def _ignored_notes(sheet: Sheet, messages: Messages) -> None:
    if sheet.header is None or sheet.kind == K.SKIPPED:
        return
    used = {cell.column for cell in sheet.header.fields().values()}
    wanted = K.KIND_FIELDS[sheet.kind]
    for cell in sheet.header.cells:
        if cell.column in used and _wanted(cell.field, sheet.kind):
            continue
        if cell.field == "seq":
            why = "序号列不需要导入，已忽略。"
        elif cell.field is None:
            why = "这一列不是可以识别的栏目，已忽略。如果它应当导入，请把表头改成模板里的名称。"
        elif cell.field in wanted and cell.hidden:
            why = f"这是隐藏的列，与“{sheet.column(cell.field)}”列重复，已忽略这一列（导入的是未隐藏的那一列）。"
        elif cell.field in wanted:
            why = f"与前面的“{sheet.column(cell.field)}”列重复，已忽略这一列。"
        else:
            label = FIELD_LABELS.get(cell.field, cell.field)
            why = f"{K.KIND_LABELS[sheet.kind]}不需要“{label}”，这一列已忽略。"
        messages.warning(sheet.file, sheet.name, sheet.header.row, cell.text, why)
        sheet.record.ignored.append({"column": cell.text, "why": why})


# ---------------------------------------------------------------------------- matching, staging


def _pairs(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """(group number of each row, the distinct value combinations in order of first appearance)."""
    codes = frame.groupby(columns, dropna=False, sort=False).ngroup().to_numpy()
    firsts = np.unique(codes, return_index=True)[1]
    distinct = frame[columns].iloc[firsts].reset_index(drop=True)
    return codes, distinct


def _resolve(
    sheet: Sheet, frame: pd.DataFrame, index: StudioIndex, messages: Messages
) -> pd.DataFrame:
    """Replace the written unit/studio by the canonical (unit, name) of one known studio."""
    if frame.empty:
        return frame
    column = sheet.column("name") or sheet.column("name_leader")
    codes, pairs = _pairs(frame, ["unit", "studio"])
    units = np.empty(len(pairs), dtype=object)
    studios = np.empty(len(pairs), dtype=object)
    found = np.zeros(len(pairs), dtype=bool)
    order = np.argsort(codes, kind="stable")
    rows = frame[ROW].to_numpy()[order]
    bounds = np.searchsorted(codes[order], np.arange(len(pairs) + 1))
    for number, (unit, name) in enumerate(pairs.itertuples(index=False)):
        unit = None if pd.isna(unit) else unit
        result = index.resolve(unit, name)
        if result.problem:
            for row in rows[bounds[number] : bounds[number + 1]]:
                messages.error(
                    sheet.file,
                    sheet.name,
                    int(row),
                    column,
                    result.problem,
                    group=f"studio:{unit}:{name}",
                )
        else:
            units[number], studios[number], found[number] = result.unit, result.name, True
    ok = found.take(codes)
    frame = frame[ok].copy()
    frame["unit"] = pd.Series(units.take(codes[ok]), index=frame.index, dtype=object)
    frame["studio"] = pd.Series(studios.take(codes[ok]), index=frame.index, dtype=object)
    return frame


def _same(series: pd.Series, value: object) -> pd.Series:
    if value is None:
        return series.isna()
    return series == value


def _conflicts(
    parts: list[tuple[Sheet, pd.DataFrame]],
    keys: list[str],
    values: list[str],
    what: str,
    messages: Messages,
) -> None:
    """The same studio (and year) twice with different values, within or across sheets."""
    if not parts:
        return
    frames = []
    for number, (_sheet, frame) in enumerate(parts):
        if not frame.empty:
            frames.append(frame.assign(_part=number))
    if not frames:
        return
    combined = pd.concat(frames, ignore_index=True)
    for later, first in conflicting_rows(combined, keys, values):
        sheet, _ = parts[int(combined.loc[later, "_part"])]
        first_sheet, _ = parts[int(combined.loc[first, "_part"])]
        where = (
            f"第 {int(combined.loc[first, ROW])} 行"
            if first_sheet is sheet
            else f"{first_sheet.file}“{first_sheet.name}”第 {int(combined.loc[first, ROW])} 行"
        )
        differing = [
            v for v in values if _show(combined.loc[later, v]) != _show(combined.loc[first, v])
        ]
        label = "、".join(FIELD_LABELS.get(v, v) for v in differing)
        name = combined.loc[later, keys[1]]
        column = sheet.column(differing[0]) if differing else None
        column = column or sheet.column("name") or sheet.column("name_leader")
        messages.error(
            sheet.file,
            sheet.name,
            int(combined.loc[later, ROW]),
            column,
            f"{what}“{name}”出现了两次，{label}不一致（另一处在{where}）。请删除重复的一行，或改成一致。",
        )


def _show(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _failed_without_revocation(
    parts: list[tuple[Sheet, pd.DataFrame]],
    revocations: pd.DataFrame,
    index: StudioIndex,
    messages: Messages,
) -> None:
    revoked = set(index.revoked)
    if not revocations.empty:
        revoked |= set(zip(revocations["unit"], revocations["studio"], strict=True))
    for sheet, frame in parts:
        if frame.empty:
            continue
        scores = pd.to_numeric(frame["score"], errors="coerce")
        failed = (frame["grade"] == "不合格") | (frame["grade"].isna() & (scores < PASS_FROM))
        failed = failed.fillna(False).astype(bool)
        if not failed.any():
            continue
        chosen = frame[failed]
        known = (
            pd.MultiIndex.from_tuples(list(revoked), names=["unit", "studio"]) if revoked else None
        )
        if known is not None:
            pairs = pd.MultiIndex.from_frame(chosen[["unit", "studio"]])
            chosen = chosen[~pairs.isin(known)]
        column = sheet.column("grade") or sheet.column("score")
        if column is None and sheet.header is not None:  # years side by side: grade@2023 …
            column = next(
                (c.text for c in sheet.header.cells if (c.field or "").startswith("grade@")), None
            )
        for studio, year, row in zip(chosen["studio"], chosen["year"], chosen[ROW], strict=True):
            messages.warning(
                sheet.file,
                sheet.name,
                int(row),
                column,
                f"“{studio}”{int(year)} 年度考核不合格，但没有撤销称号的记录。"
                "考核不合格是撤销称号的依据；如已撤销，请同时导入撤销名单。",
                group="failed-not-revoked",
            )


def _stage(frame: pd.DataFrame, columns: list[str], sheet: Sheet) -> pd.DataFrame:
    staged = frame[columns].copy()
    staged[store.SOURCE] = sheet.source
    staged[store.SOURCE_ROW] = frame[ROW].to_numpy()
    return staged


# ---------------------------------------------------------------------------- entry point


def _parse_sheet(sheet: Sheet, messages: Messages) -> None:
    """Values of one located sheet, parsed and checked row by row (vectorised)."""
    if sheet.note == "隐藏的工作表":
        messages.warning(
            sheet.file,
            sheet.name,
            None,
            None,
            "这是隐藏的工作表，没有导入。如需导入，请先取消隐藏。",
        )
        return
    if sheet.kind == K.SKIPPED:
        return
    _ignored_notes(sheet, messages)
    parser = _Parser(sheet, messages)
    sheet.parsed = _PARSERS[sheet.kind](parser)
    _error_cells(sheet, messages)
    _formula_warnings(sheet, messages)
    _hidden_row_warnings(sheet, messages)
    if sheet.rows == 0:
        messages.warning(sheet.file, sheet.name, sheet.header.row, None, "表头下面没有数据行。")


def _unused_years(
    by_hand: Mapping[tuple[str, str | None], int], sheets: list[Sheet], messages: Messages
) -> None:
    """A year set by hand for a sheet that is not an assessment sheet of this call: say so."""
    for (file, sheet_name), year in by_hand.items():
        if not any(
            s.file == file and sheet_name in (None, s.name) and s.kind == K.ASSESSMENTS
            for s in sheets
        ):
            where = f"“{sheet_name}”" if sheet_name else "任何一张工作表"
            messages.error(
                file,
                sheet_name or "",
                None,
                None,
                f"为{where}指定了年度 {year}，但这次导入里没有这样的考核结果表。"
                "请核对文件名和工作表名。",
            )


def _load(item: Path | tuple[str, bytes]) -> tuple[str, bytes]:
    if isinstance(item, tuple):
        return item[0], item[1]
    path = Path(item)
    return path.name, path.read_bytes()


def _read(name: str, data: bytes) -> list[RawSheet]:
    check = check_file(name, data)
    if check.format == "csv":
        return read_csv(data, name)
    return read_excel(data, check.format)


@audit.audited_import  # every import and dry run, whatever its outcome, is in the audit log
def import_files(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path | tuple[str, bytes]],
    *,
    dry_run: bool = False,
    user_name: str | None = None,
    overrides: Mapping[tuple[str, str], Mapping[str, str | None]] | None = None,
    years_by_hand: Mapping[tuple[str, str | None], int] | None = None,
) -> ImportOutcome:
    """Import files (paths, or (display name, bytes) for uploads) in one transaction.

    `overrides` fixes column mappings by hand: {(file, sheet): {header as written: field or None}}.
    `years_by_hand` sets the year of assessment sheets: {(file, sheet): 2023}; sheet None: every
    assessment sheet of the file. Both are recorded with the import (its report).
    """
    messages = Messages()
    by_hand = dict(years_by_hand or {})
    names: list[str] = []
    hashes: list[str] = []
    sheets: list[Sheet] = []
    file_sheets: list[list[Sheet]] = []
    loaded: list[tuple[str, bytes | None, str | None]] = []  # (name, bytes, why unreadable)
    for item in paths:
        try:
            name, data = _load(item)
        except OSError as exc:
            name = str(item[0] if isinstance(item, tuple) else item)
            loaded.append((name, None, f"无法打开文件：{exc.strerror or exc}。请检查路径和权限。"))
            continue
        loaded.append((name, data, None))
    # Excel files parse in child processes, a few at once; each file's sheets are located and
    # parsed here as soon as its cells arrive (whichever file comes first), while the other files
    # are still being parsed. The messages come in file order all the same: those about the
    # files first, then those about the sheets' rows.
    readable = [number for number, (_, data, _) in enumerate(loaded) if data is not None]
    done: dict[int, tuple[list[RawSheet] | UnreadableFile, list[Sheet], Messages]] = {}
    for job, raws in read_many(
        [(len(loaded[n][1]), partial(_read, *loaded[n][:2])) for n in readable]
    ):
        number = readable[job]
        name = loaded[number][0]
        current = []
        own = Messages()
        if not isinstance(raws, UnreadableFile):
            for raw in raws:
                sheet = Sheet(file=name, file_index=number, raw=raw, analyst=user_name)
                sheet.year_by_hand = by_hand.get((name, raw.name), by_hand.get((name, None)))
                if not raw.visible:
                    sheet.note = "隐藏的工作表"
                else:
                    _locate(sheet, (overrides or {}).get((name, raw.name)))
                current.append(sheet)
            for sheet in current:
                _parse_sheet(sheet, own)
        done[number] = (raws, current, own)
    sheet_messages: list[Messages] = []
    for number, (name, data, why) in enumerate(loaded):
        names.append(name)
        if data is None:
            messages.unreadable = True
            messages.error(name, "", None, None, why)
            hashes.append("")
            file_sheets.append([])
            continue
        hashes.append(hashlib.sha256(data).hexdigest())
        raws, current, own = done[number]
        if isinstance(raws, UnreadableFile):
            messages.unreadable = True
            messages.error(name, "", None, None, str(raws))
            file_sheets.append([])
            continue
        sheets.extend(current)
        file_sheets.append(current)
        if raws and not any(s.kind != K.SKIPPED for s in current):
            messages.error(
                name,
                current[0].name if len(current) == 1 else "",
                None,
                None,
                "文件里没有找到可以导入的表格：没有哪张工作表的表头能认出是工作室名单、考核结果、"
                "撤销名单或经费台账。请检查表头（例如“创新工作室”“考核得分”“金额”），或下载模板对照。",
            )
        elif not raws:
            messages.error(name, "", None, None, "文件里没有工作表。")
        sheet_messages.append(own)
    for own in sheet_messages:
        messages.extend(own)
    _unused_years(by_hand, sheets, messages)

    index = StudioIndex.from_database(con)
    roster_parts: list[tuple[Sheet, pd.DataFrame]] = []
    for sheet in sheets:
        if sheet.kind == K.STUDIOS and sheet.parsed is not None:
            frame = sheet.parsed.copy()
            canonical = [
                index.canonical(u, n) for u, n in zip(frame["unit"], frame["name"], strict=True)
            ]
            frame["unit"] = [c[0] for c in canonical]
            frame["name"] = [c[1] for c in canonical]
            for unit, name in canonical:
                index.add_studio(unit, name)
            roster_parts.append((sheet, frame.reset_index(drop=True)))
    results: dict[str, list[tuple[Sheet, pd.DataFrame]]] = {
        K.ASSESSMENTS: [],
        K.REVOCATIONS: [],
        K.FUNDS: [],
    }
    for sheet in sheets:
        if sheet.kind in results and sheet.parsed is not None:
            frame = _resolve(sheet, sheet.parsed, index, messages)
            results[sheet.kind].append((sheet, frame.reset_index(drop=True)))

    studio_values = [c for c in store.STUDIO_COLUMNS if c not in ("unit", "name")]
    _conflicts(roster_parts, ["unit", "name"], studio_values, "工作室", messages)
    _conflicts(
        results[K.ASSESSMENTS],
        ["unit", "studio", "year"],
        ["score", "grade"],
        "考核结果中，工作室",
        messages,
    )
    _conflicts(
        results[K.REVOCATIONS],
        ["unit", "studio"],
        ["revoked_on", "ground", "reason"],
        "撤销名单中，工作室",
        messages,
    )

    staged = store.Staged()
    frames = {
        "studios": [_stage(f, store.STUDIO_COLUMNS, s) for s, f in roster_parts],
        "assessments": [
            _stage(f.assign(studio=f["studio"]), store.ASSESSMENT_COLUMNS, s)
            for s, f in results[K.ASSESSMENTS]
        ],
        "revocations": [_stage(f, store.REVOCATION_COLUMNS, s) for s, f in results[K.REVOCATIONS]],
        "ledger": [_stage(f, store.LEDGER_COLUMNS, s) for s, f in results[K.FUNDS]],
    }
    for attribute, parts in frames.items():
        parts = [p for p in parts if not p.empty]
        if parts:
            setattr(staged, attribute, pd.concat(parts, ignore_index=True))
    _failed_without_revocation(results[K.ASSESSMENTS], staged.revocations, index, messages)

    readable_rows = sum(s.rows for s in sheets)
    if not messages.errors and readable_rows == 0:
        messages.error(
            names[0] if names else "",
            "",
            None,
            None,
            "没有可以导入的数据行：表头下面都是空行、合计行或示例行。",
        )

    outcome = ImportOutcome(
        status="rejected",
        import_id=None,
        files=[],
        errors=messages.errors,
        warnings=messages.warnings,
        exit_code=0,
        staged=staged,
        previews=[_preview(s) for s in sheets],
    )
    by_source: dict[str, store.Counts] = {}
    if not messages.errors:
        report = _report(names, file_sheets, {}, messages)
        try:
            import_id, by_source, outcome.defaults = _commit(
                con, staged, names, hashes, report, user_name, dry_run
            )
        except store.StagedValueError as exc:
            _refused_value(exc, sheets, messages)
        except Exception as exc:  # noqa: BLE001 - a database refusal must not look like success
            messages.error("", "", None, None, f"写入数据库时出错，没有写入任何数据：{exc}")
        else:
            outcome.import_id = import_id
            outcome.status = "validated" if dry_run else "committed"
    outcome.files = _report(names, file_sheets, by_source, messages)["files"]
    if messages.errors:
        outcome.status = "rejected"
        outcome.import_id = None
        outcome.exit_code = 2 if messages.unreadable else 1
    return outcome


def _refused_value(exc: store.StagedValueError, sheets: list[Sheet], messages: Messages) -> None:
    """The store refused a value the parsers let through: a defect of labstudio, said as such,
    at the cell it came from."""
    sheet = next((s for s in sheets if s.source == exc.source), None)
    column = sheet.column(exc.column) if sheet is not None else None
    messages.error(
        sheet.file if sheet else "",
        sheet.name if sheet else "",
        exc.row,
        column or FIELD_LABELS.get(exc.column, exc.column),
        f"这个值（{exc.value!r}）不能存为{FIELD_LABELS.get(exc.column, exc.column)}：{exc.reason}。"
        "导入程序本应在检查时指出它，这是 labstudio 的缺陷；没有写入任何数据。"
        "请改正这个单元格后重新导入，并把文件交给维护人员。",
    )


# Sequences the store draws ids from, with the column each one numbers.
_SEQUENCES = (
    ("import_id_seq", "imports", "import_id"),
    ("unit_id_seq", "units", "unit_id"),
    ("studio_id_seq", "studios", "studio_id"),
    ("ledger_id_seq", "ledger", "entry_id"),
)


def _scratch_copy(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A private in-memory copy of the data tables, for a dry run.

    DuckDB sequences are not rolled back with a transaction, so a dry run inside the real
    database would burn import ids (and every preview on the upload page would leave a gap in
    the history). The copy takes the current rows and sequence positions.
    """
    scratch = db.open_database(":memory:")
    source = con.cursor()
    try:
        for table in ("units", "studios", "assessments", "revocations", "ledger"):
            rows = source.sql(f"SELECT * FROM {table}").to_arrow_table()
            scratch.register("copied_rows", rows)
            scratch.execute(f"INSERT INTO {table} SELECT * FROM copied_rows")
            scratch.unregister("copied_rows")
        for sequence, table, column in _SEQUENCES:
            (last,) = db.fetch_one(source, f"SELECT coalesce(max({column}), 0) FROM {table}")
            scratch.execute(f"DROP SEQUENCE {sequence}")
            scratch.execute(f"CREATE SEQUENCE {sequence} START {int(last) + 1}")
    except BaseException:
        scratch.close()
        raise
    finally:
        source.close()
    return scratch


def _commit(con, staged, names, hashes, report, user_name, dry_run):
    if dry_run:
        scratch = _scratch_copy(con)
        try:
            with db.write(scratch) as cur:
                report["defaults"] = defaults = standard_grants(cur, staged)
                result = store.commit(
                    cur,
                    staged,
                    action="import",
                    files=names,
                    sha256=hashes,
                    report=report,
                    user_name=user_name,
                )
        finally:
            scratch.close()
        return None, result.by_source, defaults
    with db.write(con) as cur:
        report["defaults"] = defaults = standard_grants(cur, staged)
        result = store.commit(
            cur,
            staged,
            action="import",
            files=names,
            sha256=hashes,
            report=report,
            user_name=user_name,
        )
    return result.import_id, result.by_source, defaults


def _report(names, file_sheets, by_source, messages) -> dict:
    files = []
    for name, sheets in zip(names, file_sheets, strict=True):
        entries = []
        for sheet in sheets:
            counts = by_source.get(sheet.source, store.Counts())
            entries.append(
                {
                    "sheet": sheet.name,
                    "kind": sheet.kind,
                    "rows": sheet.rows,
                    "inserted": counts.inserted,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                    "skipped": sheet.skipped,
                    **sheet.record.as_dict(),
                }
            )
        files.append({"file": name, "sheets": entries})
    return {"files": files, "warnings": [m.as_dict() for m in messages.warnings]}


def _preview(sheet: Sheet) -> SheetPreview:
    header = sheet.header
    first = sheet.data.head(PREVIEW_ROWS) if sheet.data is not None else pd.DataFrame()
    settable = (
        sheet.kind == K.ASSESSMENTS
        and header is not None
        and not any(c.field == "year" or "@" in (c.field or "") for c in header.cells)
    )
    return SheetPreview(
        sheet.file,
        sheet.name,
        sheet.kind,
        header.row if header else None,
        sheet.record.columns,
        sheet.rows,
        sheet.skipped,
        first,
        inferences=sheet.record.as_dict(),
        year_settable=settable,
    )
