"""`python -m labstudio …`: the command-line contract of ../shared/spec/cli.md.

Exit codes: 0 done; 1 data rejected; 2 usage error or unreadable file; 3 the database could not be
opened (held by another process, made by a newer labstudio, or damaged).

What a command changes is recorded in the audit log with the OS user as "who" (labstudio.audit).
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import logging
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import duckdb

from labstudio import audit, auth, backups, db, demo, queries, store
from labstudio.domain import GRADES, GROUNDS
from labstudio.filters import Filters, from_mapping
from labstudio.labels import label

EXIT_DATABASE = 3
# The deck command only: this machine cannot draw the PDF (no Chromium); the PPTX needs none.
EXIT_CANNOT_DRAW = 4


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", help="年度，例如 2023")
    parser.add_argument("--type", help="工作室类型：技术创新型 / 服务创新型 / 管理创新型 / 未分类")
    parser.add_argument("--batch", help="批次：3 或 第三批")
    parser.add_argument("--unit", help="所在单位全称")


def _filters(args: argparse.Namespace) -> Filters:
    return from_mapping({k: getattr(args, k) for k in ("year", "type", "batch", "unit")})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m labstudio",
        description="劳动模范（领军人才）创新工作室数据：导入、汇总、导出。",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument(
            "--db",
            type=Path,
            default=None,
            help="数据库文件（默认 data/labstudio.duckdb 或 LABSTUDIO_DB）",
        )
        return sub

    sub = command("import", "导入名单、考核结果、撤销记录、经费台账表格")
    sub.add_argument("files", nargs="+", type=Path, metavar="FILE")
    sub.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    sub.add_argument("--json", action="store_true", help="以 JSON 输出报告")
    sub.add_argument(
        "--sheet-year",
        action="append",
        default=[],
        type=_sheet_year,
        metavar="FILE[:SHEET]=YEAR",
        help="为考核结果表指定年度（表中没有写明、或写得不对时），"
        "例如 考核结果.xlsx:Sheet1=2023；省略工作表则指文件里的每张考核结果表。可重复",
    )

    sub = command("history", "导入历史")
    sub.add_argument("--json", action="store_true")

    sub = command("rollback", "撤销一次导入")
    sub.add_argument("import_id", type=int, metavar="IMPORT_ID")

    sub = command("summary", "按筛选条件汇总的主要数字")
    _add_filters(sub)
    sub.add_argument("--json", action="store_true")

    sub = command("screen", "申报初审：按通知条件检查各单位报来的附件2汇总表")
    sub.add_argument("files", nargs="+", type=Path, metavar="FILE")
    sub.add_argument(
        "--applied-on", help="申报日期，例如 2022-05-20（默认今天）；“申报前3年内”由此往前数"
    )
    sub.add_argument("--batch", help="这批申报的批次：4 或 第四批（表中有批次列时以表为准）")
    sub.add_argument("--save", action="store_true", help="把申报和初审结果保存到数据库")
    sub.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    sub = command("export", "按筛选条件导出附件2汇总表（xlsx）")
    sub.add_argument("out", type=Path, metavar="OUT.xlsx")
    _add_filters(sub)

    sub = command(
        "deck", "按筛选条件生成会议材料：与会议投屏页相同的幻灯片（PDF 或 PPTX，按扩展名）"
    )
    sub.add_argument("out", type=Path, metavar="OUT.pdf|OUT.pptx")
    _add_filters(sub)
    sub.add_argument(
        "--status", choices=("active", "revoked"), help="状态：active 在管 / revoked 已撤销"
    )
    sub.add_argument("--lang", choices=("zh", "en"), default="zh", help="幻灯片语言（默认 zh）")

    command("demo", "向空数据库载入演示数据")

    sub = command("user", "分析员账号")
    user_commands = sub.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    for action, help_text in (("add", "新建账号"), ("passwd", "重设已有账号的密码")):
        one = user_commands.add_parser(action, help=help_text, description=help_text)
        one.add_argument("name", metavar="NAME")
        one.add_argument(
            "--password-stdin", action="store_true", help="从标准输入读取密码（用于脚本）"
        )
    one = user_commands.add_parser("remove", help="删除账号", description="删除账号")
    one.add_argument("name", metavar="NAME")

    # --- backup, restore, audit (issue 11) ---
    sub = command("backup", "把数据库完整地备份到一个文件")
    sub.add_argument("out", type=Path, metavar="OUT")
    sub.add_argument("--force", action="store_true", help="OUT 已存在时覆盖它")

    sub = command("restore", "用备份文件恢复数据库（当前数据库先另存为快照）")
    sub.add_argument("file", type=Path, metavar="FILE")

    sub = command("audit", "操作记录：登录、导入、撤销、导出、备份、恢复")
    sub.add_argument("--json", action="store_true")
    sub.add_argument("--limit", type=int, default=None, help="只列出最近的若干条")
    return parser


def _sheet_year(value: str) -> tuple[tuple[str, str | None], int]:
    """'考核结果.xlsx:Sheet1=2023' → (('考核结果.xlsx', 'Sheet1'), 2023); the sheet may be left out."""
    where, _, year = value.rpartition("=")
    if not where or not re.fullmatch(r"\d{4}", year.strip()):
        raise argparse.ArgumentTypeError(
            f"“{value}”不是 文件名:工作表=年度 的写法，例如 考核结果.xlsx:Sheet1=2023"
        )
    file, _, sheet = where.partition(":")
    return (Path(file).name, sheet or None), int(year)


def _connect(args: argparse.Namespace):
    return db.open_database(args.db if args.db is not None else db.default_db_path())


def cmd_import(args: argparse.Namespace) -> int:
    from labstudio.importer import import_files

    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        message = f"找不到文件：{'、'.join(missing)}。请检查路径。"
        if args.json:
            _print_json(
                {
                    "status": "rejected",
                    "import_id": None,
                    "files": [],
                    "errors": [
                        {"file": m, "sheet": None, "row": None, "column": None, "message": message}
                        for m in missing
                    ],
                    "warnings": [],
                }
            )
        else:
            print(message, file=sys.stderr)
        return 2
    con = _connect(args)
    user, client = audit.cli_actor()
    outcome = import_files(
        con,
        list(args.files),
        dry_run=args.dry_run,
        years_by_hand=dict(args.sheet_year),
        user_name=user,
        client=client,
    )
    if args.json:
        _print_json(outcome.as_json())
    else:
        _print_import(outcome.as_json())
    return outcome.exit_code


def _print_import(report: dict) -> None:
    status = {
        "committed": "已导入",
        "rejected": "未导入（有错误）",
        "validated": "检查通过（未写入）",
    }
    print(f"结果：{status.get(report['status'], report['status'])}", end="")
    print(f"，导入编号 #{report['import_id']}" if report.get("import_id") else "")
    for entry in report["files"]:
        print(entry["file"])
        for sheet in entry["sheets"]:
            print(
                f"  {sheet['sheet']}：{label('import.kind.' + sheet['kind'])}，{sheet['rows']} 行"
                f"（新增 {sheet['inserted']}，更新 {sheet['updated']}，未变 {sheet['unchanged']}）"
            )
            if sheet["kind"] == "assessments":
                year = sheet.get("year")
                print(
                    f"    考核年度：{year if year is not None else '未能确定'}"
                    + (f"（{sheet['year_from']}）" if sheet.get("year_from") else "")
                )
    for default in report.get("defaults", []):
        if default["default"] == "standard_grant":
            names = "、".join(s["studio"] for s in default["studios"][:5])
            more = " 等" if default["count"] > 5 else ""
            print(
                f"按标准拨款 {default['value']:,.0f} 元计算经费（没有拨款记录）的工作室 "
                f"{default['count']} 家：{names}{more}（--json 列出全部）"
            )
    _print_messages(report)


def _print_messages(report: dict) -> None:
    """Errors and warnings on stderr, each with the file, sheet, row and column it is about."""
    for severity, items in (("错误", report["errors"]), ("提示", report["warnings"])):
        for item in items:
            where = "，".join(
                str(part)
                for part in (
                    item.get("file"),
                    item.get("sheet"),
                    f"第{item['row']}行" if item.get("row") else None,
                    f"“{item['column']}”列" if item.get("column") else None,
                )
                if part
            )
            print(f"{severity}：{where}：{item['message']}", file=sys.stderr)


def cmd_history(args: argparse.Namespace) -> int:
    con = _connect(args)
    entries = store.history(con.cursor())
    if args.json:
        _print_json(entries)
        return 0
    if not entries:
        print("还没有任何导入记录。")
    status = {"committed": "有效", "rolled_back": "已撤销", "rollback": "撤销操作"}
    for e in entries:
        target = f"（撤销 #{e['target_import_id']}）" if e["target_import_id"] else ""
        print(
            f"#{e['import_id']}  {e['at']}  {status.get(e['status'], e['status'])}{target}  "
            f"{'、'.join(e['files'])}  {e['rows']} 行，新增 {e['inserted']}，更新 {e['updated']}"
        )
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    con = _connect(args)
    user, client = audit.cli_actor()
    try:
        with db.write(con) as cur:
            entry = store.rollback(cur, args.import_id, user_name=user, client=client)
    except (store.RollbackRefused, store.RollbackError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"已撤销导入 #{args.import_id}（撤销记录 #{entry}）。")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    con = _connect(args)
    result = queries.summary(con.cursor(), _filters(args))
    if args.json:
        _print_json(result)
        return 0
    s = result["studios"]
    print(
        f"工作室 {s['total']} 家：在管 {s['by_status']['active']}，已撤销 {s['by_status']['revoked']}"
    )
    print("类型：" + "，".join(f"{k} {v}" for k, v in s["by_type"].items()))
    print("批次：" + "，".join(f"{k} {v}" for k, v in s["by_batch"].items()))
    for year, a in result["assessments"].items():
        grades = "，".join(f"{g} {a['by_result'][g]}" for g in GRADES)
        mean = a["mean_score"] if a["mean_score"] is not None else "—"
        print(f"{year}年度考核 {a['count']} 家，平均分 {mean}：{grades}")
    r = result["revocations"]
    print(f"撤销 {r['total']} 家：" + "，".join(f"{g} {r['by_reason'][g]}" for g in GROUNDS))
    f = result["funds"]
    print(
        f"经费：拨付 {f['granted']:,.2f} 元，支出 {f['spent']:,.2f} 元，"
        f"不允许的支出 {f['prohibited']:,.2f} 元，超支工作室 {f['studios_over_budget']} 家"
    )
    return 0


def _screen_usage_error(args: argparse.Namespace, message: str) -> int:
    if args.json:
        error = {"file": None, "sheet": None, "row": None, "column": None, "message": message}
        _print_json({"applied_on": None, "applications": [], "errors": [error], "warnings": []})
    else:
        print(message, file=sys.stderr)
    return 2


def cmd_screen(args: argparse.Namespace) -> int:
    from labstudio.domain import parse_batch
    from labstudio.importer.validate import Message
    from labstudio.importer.values import parse_date
    from labstudio.screening import records, screen_files

    applied_on = None
    if args.applied_on is not None:
        try:
            applied_on = parse_date(args.applied_on)
        except ValueError:
            applied_on = None
        if applied_on is None:
            return _screen_usage_error(
                args, f"无法识别的申报日期“{args.applied_on}”。请写成 2022-05-20 这样的日期。"
            )
    batch = None
    if args.batch is not None:
        batch = parse_batch(args.batch)
        if batch is None:
            return _screen_usage_error(args, f"无法识别的批次“{args.batch}”。请写 4 或 第四批。")
    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        return _screen_usage_error(args, f"找不到文件：{'、'.join(missing)}。请检查路径。")
    busy = con = None
    path = args.db if args.db is not None else db.default_db_path()
    # Screening alone only reads the database (to point out studios already under management):
    # no file is created for it, and a file the dashboard holds is no reason to stop.
    if args.save or Path(path).exists():
        try:
            con = _connect(args)
        except db.DatabaseBusy as exc:
            if args.save:
                raise
            busy = exc
    outcome = screen_files(con, list(args.files), applied_on=applied_on, batch=batch)
    if busy is not None:
        outcome.warnings.append(
            Message("", "", None, None, f"{busy} 这次初审没有核对已有的工作室。")
        )
    if args.save and outcome.exit_code == 0:
        try:
            user, client = audit.cli_actor()
            outcome.import_id = records.save(con, outcome, user_name=user, client=client)
            outcome.status = "saved"
        except records.RecordError as exc:
            outcome.errors.append(Message("", "", None, None, str(exc)))
            outcome.status, outcome.exit_code = "rejected", 1
    report = outcome.as_json()
    if args.json:
        _print_json(report)
    else:
        _print_screening(report)
    return outcome.exit_code


def _print_screening(report: dict) -> None:
    print(f"申报日期 {report['applied_on']}（申报前3年内由此往前数）")
    for a in report["applications"]:
        leader = f"（{a['leader']}）" if a["leader"] else ""
        print(
            f"{a['file']} {a['sheet']} 第{a['row']}行  {a['unit']} {a['studio']}{leader}  "
            f"{a['type'] or '类型未填'}：{a['verdict']}"
        )
        for rule in a["rules"]:
            # A 符合 note names what counted; the others quote their items themselves.
            quoted = (
                "；".join(f"“{e}”" for e in rule["evidence"]) if rule["verdict"] == "符合" else ""
            )
            print(
                f"    {rule['section']} {label('screen.rule.' + rule['rule'])}：{rule['verdict']}"
                f"  {rule['note']}" + (f"  依据：{quoted}" if quoted else "")
            )
    counts = "，".join(f"{k} {v}" for k, v in report["counts"].items())
    print(f"共 {len(report['applications'])} 份申报：{counts}")
    if report.get("import_id"):
        print(f"已保存（导入编号 #{report['import_id']}），可用 rollback 撤销。")
    _print_messages(report)


def cmd_export(args: argparse.Namespace) -> int:
    from labstudio.export import export_workbook

    con = _connect(args)
    filters = _filters(args)
    data = export_workbook(con.cursor(), filters)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    user, client = audit.cli_actor()
    details = {
        "what": "附件2",
        "file": str(args.out),
        "sha256": hashlib.sha256(data).hexdigest(),
        "filters": filters.as_query(),
    }
    audit.record_now(con, "export", user, details, client)
    print(f"已导出到 {args.out}")
    return 0


def cmd_deck(args: argparse.Namespace) -> int:
    from labstudio import meeting
    from labstudio.deck import DeckUnavailable
    from labstudio.filters import parse_year

    lang = args.lang
    kind = args.out.suffix.lower().lstrip(".")
    if kind not in meeting.HANDOUT_KINDS:
        print(label("cli.deck.kind", lang, name=args.out.name), file=sys.stderr)
        return 2
    if args.year is not None and parse_year(args.year) is None:
        # A year nobody can read would otherwise be dropped, and the deck speak of every year.
        print(label("cli.deck.year", lang, year=args.year), file=sys.stderr)
        return 2
    filters = _filters(args)
    if args.status:
        filters = replace(filters, status=args.status)
    con = _connect(args)
    try:
        data = meeting.handout(con.cursor(), filters, lang, kind)
    except DeckUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_CANNOT_DRAW
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(label("cli.deck.done", lang, path=args.out, count=len(meeting.SLIDE_ORDER)))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    con = _connect(args)
    try:
        result = demo.load(con)
    except demo.NotEmpty as exc:
        print(str(exc), file=sys.stderr)
        return 1
    user, client = audit.cli_actor()
    audit.record_now(con, "demo", user, {"import_id": result.import_id}, client)
    print(f"已载入演示数据：{result.totals.inserted} 行（导入编号 #{result.import_id}）。")
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    try:
        if args.user_command == "remove":
            auth.remove_user(args.name)
            print(f"账号 {args.name} 已删除；它的登录会话随即失效。")
            return 0
        if args.user_command == "passwd" and not auth.user_exists(args.name):
            raise auth.AccountError(f"没有名为 {args.name} 的账号。新建账号请用 user add。")
        if args.user_command == "add" and auth.user_exists(args.name):
            raise auth.AccountError(f"账号 {args.name} 已存在。重设密码请用 user passwd。")
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass(f"为 {args.name} 设置密码：")
            if getpass.getpass("再输入一次：") != password:
                print("两次输入的密码不一致，账号没有改动。", file=sys.stderr)
                return 2
        auth.add_user(args.name, password)
    except auth.AccountError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.user_command == "passwd":
        print(f"账号 {args.name} 的密码已重设；用旧密码开始的登录会话随即失效。")
    else:
        print(f"账号 {args.name} 已保存到 {auth.users_path()}。")
    return 0


# --- backup, restore, audit (issue 11) ---


def _db_path(args: argparse.Namespace) -> Path:
    return args.db if args.db is not None else db.default_db_path()


def cmd_backup(args: argparse.Namespace) -> int:
    if args.out.exists() and not args.force:
        print(f"{args.out} 已存在，没有覆盖。换一个文件名，或加 --force 覆盖它。", file=sys.stderr)
        return 2
    con = _connect(args)
    user, client = audit.cli_actor()
    sha = backups.backup(con, args.out, user, client)
    print(f"已备份到 {args.out}（sha256 {sha}）。")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"找不到备份文件：{args.file}。请检查路径。", file=sys.stderr)
        return 2
    user, client = audit.cli_actor()
    result = backups.restore(_db_path(args), args.file, user, client)
    kept = f"原来的数据库已另存为 {result['previous']}。" if result["previous"] else ""
    print(f"已用 {args.file} 恢复数据库 {_db_path(args)}。{kept}")
    if result["carried"]:
        print(f"备份之后的 {result['carried']} 条操作记录已并入恢复后的操作记录。")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    con = _connect(args)
    entries = audit.entries(con.cursor(), args.limit)
    if args.json:
        _print_json(entries)
        return 0
    if not entries:
        print("还没有任何操作记录。")
    for e in entries:
        who = e["user"] or "访客"
        where = f"（{e['client']}）" if e["client"] else ""
        print(
            f"{e['at']}  {who}{where}  {label('audit.action.' + e['action'])}  "
            f"{audit.summary(e['details'])}"
        )
    return 0


COMMANDS = {
    "import": cmd_import,
    "history": cmd_history,
    "rollback": cmd_rollback,
    "summary": cmd_summary,
    "screen": cmd_screen,
    "export": cmd_export,
    "deck": cmd_deck,
    "demo": cmd_demo,
    "user": cmd_user,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "audit": cmd_audit,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # The command's own messages are its output: library log lines (a damaged file's details)
    # would repeat them on stderr through logging's last-resort handler.
    logger = logging.getLogger("labstudio")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    try:
        return COMMANDS[args.command](args)
    except db.DatabaseError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_DATABASE
    except duckdb.Error as exc:
        # A file that opened but fails when read further: damaged, the same one line.
        if not db.is_damage(exc):
            raise
        print(str(db.damaged(_db_path(args), exc)), file=sys.stderr)
        return EXIT_DATABASE
