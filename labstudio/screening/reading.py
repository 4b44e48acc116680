"""The 附件2 tables a batch's units send → application rows, read by the importer itself.

An application table is a roster of studios that do not exist yet, so it is read exactly as
`import` reads a roster: the same safety checks and child-process parsing, header finding,
example-row and footer skipping, "studio\\nleader" cells, two-line headers, GBK CSVs and .xls
(labstudio.importer.pipeline). Only what the importer would refuse for a roster and a
screening can live with (a type or batch it cannot read) becomes a warning here: the rules say
what that means for the verdict.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd

from labstudio.domain import parse_batch
from labstudio.importer import kinds as K
from labstudio.importer import pipeline as P
from labstudio.importer.reading import read_many
from labstudio.importer.safety import UnreadableFile
from labstudio.importer.validate import Message, Messages, StudioIndex
from labstudio.importer.values import fold, text

# Roster fields a screening does not need to be readable: their errors become warnings.
_SOFT_FIELDS = ("type", "batch", "stage", "named_on")
_BATCH_IN_TITLE = re.compile(r"第\s*([一二三四五六七八九十\d]{1,3})\s*批")


@dataclass
class ApplicationRow:
    """One line of a 附件2 table, as read (before the rules)."""

    file: str
    sheet: str
    row: int
    unit: str
    studio: str
    leader: str | None
    leader_title: str | None
    type: str | None
    type_written: str | None  # the type cell as written, when it could not be read
    batch: int | None
    batch_from: str  # where the batch came from, in words
    achievements: str | None
    honours: list[str] = field(default_factory=list)
    known_studio: bool = False  # a studio of this unit and name is already under management


@dataclass
class ReadResult:
    rows: list[ApplicationRow]
    files: list[str]
    sha256: list[str]
    messages: Messages


def _batch_from_titles(sheet: P.Sheet) -> tuple[int | None, str]:
    for line in [*sheet.titles, sheet.name, sheet.file]:
        match = _BATCH_IN_TITLE.search(line or "")
        if match:
            number = parse_batch(match.group(1))
            if number:
                return number, f"标题或文件名“{line}”"
    return None, ""


def _soften(sheet: P.Sheet, own: Messages) -> None:
    """Errors about columns a screening does not rely on become warnings."""
    columns = {sheet.column(name) for name in _SOFT_FIELDS} - {None}
    kept: list[Message] = []
    for message in own.errors:
        if message.column in columns:
            own.warnings.append(message)
        else:
            kept.append(message)
    own.errors[:] = kept


def _rows_of(
    sheet: P.Sheet, index: StudioIndex, batch: int | None, messages: Messages
) -> list[ApplicationRow]:
    parsed = sheet.parsed
    if parsed is None or parsed.empty:
        return []
    raw_type = sheet.data["type"] if sheet.data is not None and "type" in sheet.data else None
    title_batch, title_from = _batch_from_titles(sheet)
    batch_column = sheet.column("batch")
    rows = []
    for record in parsed.to_dict("records"):
        row = int(record[P.ROW])
        unit, studio = index.canonical(record["unit"], record["name"])
        known = (fold(unit), fold(studio)) in index.studios
        written = (
            text(raw_type.loc[row]) if raw_type is not None and row in raw_type.index else None
        )
        found = record["batch"] if not pd.isna(record["batch"]) else None
        if found is not None:
            chosen, source = int(found), f"“{batch_column}”列"
            if batch is not None and batch != chosen:
                messages.warning(
                    sheet.file,
                    sheet.name,
                    row,
                    batch_column,
                    f"表中批次为第{chosen}批，与指定的第{batch}批不同；按表中的第{chosen}批记录，请核实。",
                )
        elif batch is not None:
            chosen, source = batch, "指定的批次"
        else:
            chosen, source = (
                title_batch,
                title_from or "未知（表中没有批次列，标题和文件名也没有写）",
            )
        honours = record["honours"] if isinstance(record["honours"], list) else []
        rows.append(
            ApplicationRow(
                file=sheet.file,
                sheet=sheet.name,
                row=row,
                unit=unit,
                studio=studio,
                leader=record["leader"] if isinstance(record["leader"], str) else None,
                leader_title=record["leader_title"]
                if isinstance(record["leader_title"], str)
                else None,
                type=record["type"] if isinstance(record["type"], str) else None,
                type_written=written if not isinstance(record["type"], str) else None,
                batch=chosen,
                batch_from=source,
                achievements=record["achievements"]
                if isinstance(record["achievements"], str)
                else None,
                honours=list(honours),
                known_studio=known,
            )
        )
    return rows


def read_applications(
    con: duckdb.DuckDBPyConnection | None,
    paths: Sequence[Path | tuple[str, bytes]],
    batch: int | None = None,
) -> ReadResult:
    """Every application line of the files, with the importer's messages about them.

    `con` (may be None) is only read: units are spelled as the database knows them, and a line
    naming a studio already under management is pointed out.
    """
    messages = Messages()
    index = StudioIndex.from_database(con) if con is not None else StudioIndex()
    loaded: list[tuple[str, bytes | None, str | None]] = []
    for item in paths:
        try:
            name, data = P._load(item)
        except OSError as exc:
            name = str(item[0] if isinstance(item, tuple) else item)
            loaded.append((name, None, f"无法打开文件：{exc.strerror or exc}。请检查路径和权限。"))
            continue
        loaded.append((name, data, None))
    readable = [n for n, (_, data, _) in enumerate(loaded) if data is not None]
    results = dict(
        (readable[job], raws)
        for job, raws in read_many(
            [(len(loaded[n][1]), partial(P._read, *loaded[n][:2])) for n in readable]
        )
    )
    rows: list[ApplicationRow] = []
    names: list[str] = []
    hashes: list[str] = []
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for number, (name, data, why) in enumerate(loaded):
        names.append(name)
        hashes.append(hashlib.sha256(data).hexdigest() if data is not None else "")
        if data is None:
            messages.unreadable = True
            messages.error(name, "", None, None, why)
            continue
        raws = results[number]
        if isinstance(raws, UnreadableFile):
            messages.unreadable = True
            messages.error(name, "", None, None, str(raws))
            continue
        found_roster = False
        for raw in raws:
            sheet = P.Sheet(file=name, file_index=number, raw=raw)
            if not raw.visible:
                messages.warning(name, raw.name, None, None, "这是隐藏的工作表，没有初审。")
                continue
            P._locate(sheet, None)
            if sheet.kind == K.SKIPPED:
                continue
            if sheet.kind != K.STUDIOS:
                messages.warning(
                    name,
                    raw.name,
                    sheet.header.row if sheet.header else None,
                    None,
                    f"这张工作表是{K.KIND_LABELS[sheet.kind]}，不是申报汇总表（附件2），没有初审。",
                )
                continue
            found_roster = True
            own = Messages()
            P._parse_sheet(sheet, own)
            _soften(sheet, own)
            # The honours limit is a rule of its own here, with its own wording.
            own.warnings[:] = [
                m
                for m in own.warnings
                if not (m.column == sheet.column("honours") and "限 5 项以内" in m.message)
            ]
            messages.extend(own)
            for application in _rows_of(sheet, index, batch, messages):
                key = (fold(application.unit), fold(application.studio))
                if key in seen:
                    first_sheet, first_row = seen[key]
                    messages.error(
                        name,
                        sheet.name,
                        application.row,
                        sheet.column("name") or sheet.column("name_leader"),
                        f"“{application.unit} {application.studio}”重复申报：与{first_sheet}第{first_row}行"
                        "是同一工作室。请删去重复的一行后再初审。",
                    )
                    continue
                seen[key] = (sheet.name, application.row)
                if application.known_studio:
                    messages.warning(
                        name,
                        sheet.name,
                        application.row,
                        sheet.column("name") or sheet.column("name_leader"),
                        f"已有同名工作室“{application.studio}”（{application.unit}）在管理中："
                        "请核实这是新的申报还是重复报送。",
                    )
                rows.append(application)
        if raws and not found_roster:
            messages.error(
                name,
                "",
                None,
                None,
                "文件里没有找到申报汇总表：没有哪张工作表的表头能认出“创新工作室所在单位”“创新工作室”"
                "“主要创新成果”“领衔人主要荣誉”等附件2的列。请对照通知附件2检查表头。",
            )
        elif not raws:
            messages.error(name, "", None, None, "文件里没有工作表。")
    if not messages.errors and not rows:
        messages.error(
            names[0] if names else "",
            "",
            None,
            None,
            "没有可以初审的申报：表头下面都是空行、合计行或示例行（××医院）。",
        )
    return ReadResult(rows, names, hashes, messages)
