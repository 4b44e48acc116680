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
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

from labstudio import audit, auth, backups, db, demo, queries, store
from labstudio.domain import GRADES, GROUNDS
from labstudio.filters import Filters, from_mapping
from labstudio.labels import label

EXIT_DATABASE = 3


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

    sub = command("history", "导入历史")
    sub.add_argument("--json", action="store_true")

    sub = command("rollback", "撤销一次导入")
    sub.add_argument("import_id", type=int, metavar="IMPORT_ID")

    sub = command("summary", "按筛选条件汇总的主要数字")
    _add_filters(sub)
    sub.add_argument("--json", action="store_true")

    sub = command("export", "按筛选条件导出附件2汇总表（xlsx）")
    sub.add_argument("out", type=Path, metavar="OUT.xlsx")
    _add_filters(sub)

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
        con, list(args.files), dry_run=args.dry_run, user_name=user, client=client
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
    "export": cmd_export,
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
