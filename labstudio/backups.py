"""Snapshots of the database before every write, and the `backup` / `restore` commands.

DuckDB locks the file per process, so a copy that is known to be whole can only be made by the
process that holds it, under the write lock (nothing else in the process writes meanwhile):
a CHECKPOINT folds the write-ahead log into the file, and the file is then copied as it lies
(about 20 ms for the 30 MB bench database). Where a write transaction is already open, so that
DuckDB refuses the checkpoint, the copy is made with ATTACH + COPY FROM DATABASE instead, which
reads the last committed state (0.6-3 s for the same database).

A snapshot is written under a temporary name and renamed when complete, so a file in the
backups folder is always a whole database.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
from datetime import datetime
from pathlib import Path

import duckdb

from labstudio import db

DEFAULT_KEEP = 10
_log = logging.getLogger("labstudio.backups")


class BackupError(db.DatabaseError):
    """A snapshot or a restore could not be made; worded for the person at the keyboard."""


def backup_dir(db_path: Path) -> Path:
    """Where the snapshots of `db_path` go: LABSTUDIO_BACKUPS, else backups/ beside the file."""
    env = os.environ.get("LABSTUDIO_BACKUPS")
    return Path(env) if env else Path(db_path).parent / "backups"


def keep_count() -> int:
    """How many snapshots of a database to keep (LABSTUDIO_KEEP_BACKUPS; 0 turns them off)."""
    text = os.environ.get("LABSTUDIO_KEEP_BACKUPS", "").strip()
    if not text:
        return DEFAULT_KEEP
    if not text.isdigit():
        raise BackupError(
            f"环境变量 LABSTUDIO_KEEP_BACKUPS 的值“{text}”不是整数。请设为要保留的快照个数"
            f"（例如 {DEFAULT_KEEP}；0 表示不保留快照），没有写入任何数据。"
        )
    return int(text)


def database_path(cur: duckdb.DuckDBPyConnection) -> Path | None:
    """The file the cursor's database lives in; None for an in-memory database."""
    row = db.fetch_one(
        cur, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    )
    return Path(row[0]) if row and row[0] else None


def _partial(out: Path) -> Path:
    return out.with_name(f".{out.name}.partial")


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def copy_database(cur: duckdb.DuckDBPyConnection, out: Path, *, read_all: bool = False) -> str:
    """A consistent copy of the cursor's database file at `out`; returns the method used.

    Call under the write lock (inside `db.write()`, before the transaction has written).
    `read_all` copies table by table (ATTACH + COPY), which reads every block and so refuses a
    damaged file instead of copying it as it is; the backup command wants that.
    """
    source = database_path(cur)
    if source is None:
        raise BackupError("内存中的数据库没有文件，无法备份。")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(out)
    _remove(partial, Path(f"{partial}.wal"))
    sibling = cur.cursor()
    try:
        if not read_all and _checkpoint_and_copy(sibling, source, partial):
            method = "checkpoint+copy"
        else:
            method = "attach+copy"
            (name,) = db.fetch_one(sibling, "SELECT current_database()")
            sibling.execute("ATTACH ? AS labstudio_snapshot", [str(partial)])
            try:
                sibling.execute(f"COPY FROM DATABASE {_identifier(name)} TO labstudio_snapshot")
            finally:
                sibling.execute("DETACH labstudio_snapshot")
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        partial.replace(out)
    except OSError as exc:
        _remove(partial)
        raise BackupError(
            f"无法把数据库快照写到 {out}：{exc.strerror or exc}。请检查磁盘空间和权限"
            "（或用 LABSTUDIO_BACKUPS 指定另一个文件夹），没有写入任何数据。"
        ) from exc
    except BaseException:
        _remove(partial)
        raise
    finally:
        sibling.close()
    return method


def _checkpoint_and_copy(sibling: duckdb.DuckDBPyConnection, source: Path, partial: Path) -> bool:
    """Fold the log into the file and copy it; False when a write transaction is open."""
    try:
        sibling.execute("CHECKPOINT")
    except duckdb.TransactionException:
        return False
    shutil.copyfile(source, partial)
    return True


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _snapshot_pattern(stem: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(stem)}-\d{{8}}-\d{{6}}-\d{{6}}-[a-z_-]+\.duckdb$")


def snapshots(db_path: Path) -> list[Path]:
    """The snapshots kept of `db_path`, oldest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    pattern = _snapshot_pattern(Path(db_path).stem)
    return sorted(p for p in folder.iterdir() if pattern.match(p.name))


def snapshot(cur: duckdb.DuckDBPyConnection, reason: str) -> Path | None:
    """Keep a copy of the database as it is before a write; the oldest beyond N go.

    None when there is nothing to keep: an in-memory database, one that holds no import yet, or
    snapshots turned off (LABSTUDIO_KEEP_BACKUPS=0).
    """
    keep = keep_count()
    source = database_path(cur)
    if source is None or keep == 0:
        return None
    if db.fetch_one(cur, "SELECT count(*) FROM imports")[0] == 0:
        return None
    return _keep_copy(cur, source, reason, keep)


def _snapshot_name(source: Path, reason: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return backup_dir(source) / f"{source.stem}-{stamp}-{reason}.duckdb"


def _keep_copy(cur: duckdb.DuckDBPyConnection, source: Path, reason: str, keep: int) -> Path:
    """A snapshot named after its time and reason; then only the newest `keep` stay (0: all)."""
    out = _snapshot_name(source, reason)
    method = copy_database(cur, out)
    _log.info("snapshot (%s): %s by %s", reason, out, method)
    if keep:
        for old in snapshots(source)[:-keep]:
            _remove(old)
    return out


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_backup(path: Path) -> int:
    """The schema version of a backup file, read without changing it; refuses what won't do."""
    if not path.is_file():
        raise FileNotFoundError(path)
    probe = duckdb.connect(":memory:")
    try:
        try:
            probe.execute("ATTACH ? AS candidate (READ_ONLY)", [str(path)])
            rows = probe.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = 'candidate' AND table_name = 'meta'"
            ).fetchall()
            version = (
                probe.execute(
                    "SELECT value FROM candidate.meta WHERE key = 'schema_version'"
                ).fetchall()
                if rows
                else []
            )
        except duckdb.Error as exc:
            raise BackupError(
                f"备份文件 {path} 已损坏或不是数据库文件，无法恢复：{exc}。当前数据库没有改动。"
            ) from exc
    finally:
        probe.close()
    if not version:
        raise BackupError(f"{path} 不是 labstudio 的数据库（没有版本记录），当前数据库没有改动。")
    number = int(version[0][0])
    if number > db.SCHEMA_VERSION:
        raise db.SchemaTooNew(
            f"备份文件 {path} 由较新版本的 labstudio 创建（数据库版本 {number}，本程序支持到版本 "
            f"{db.SCHEMA_VERSION}），不能恢复。请升级 labstudio 后再恢复，当前数据库没有改动。"
        )
    return number


def _copy_out_of(source: Path, target: Path) -> None:
    """A fresh file at `target` with `source`'s content (its log replayed), `source` untouched."""
    _remove(target, Path(f"{target}.wal"))
    con = duckdb.connect(str(target))
    try:
        (name,) = db.fetch_one(con, "SELECT current_database()")
        con.execute("ATTACH ? AS restore_source (READ_ONLY)", [str(source)])
        con.execute(f"COPY FROM DATABASE restore_source TO {_identifier(name)}")
        con.execute("DETACH restore_source")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def backup(con: duckdb.DuckDBPyConnection, out: Path, user: str | None, client: str | None) -> str:
    """`backup OUT`: a consistent copy at `out`, recorded in the audit log; returns its sha256."""
    from labstudio import audit

    with db.write(con) as cur:
        copy_database(cur, out, read_all=True)
        sha = file_sha256(out)
        audit.record(cur, "backup", user, {"file": str(out), "sha256": sha}, client)
    return sha


def restore(db_path: Path, source: Path, user: str | None, client: str | None) -> dict:
    """`restore FILE`: FILE's content at `db_path`, the current database kept as a snapshot.

    The audit log is carried over: entries of the current database that the backup lacks are
    appended to it, so a restore never erases the record of what happened since the backup.
    """
    from labstudio import audit

    db_path = Path(db_path)
    if db_path.exists() and source.resolve() == db_path.resolve():
        raise BackupError(f"{source} 就是当前的数据库文件，不能用它自己恢复。")
    version = check_backup(source)
    sha = file_sha256(source)
    previous: Path | None = None
    carried: list[dict] = []
    if db_path.exists():
        try:
            current = db.open_database(db_path)
        except db.DatabaseDamaged:
            # Kept byte for byte: whoever repairs it may still get something out of it.
            previous = _snapshot_name(db_path, "damaged")
            previous.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(db_path, previous)
            if Path(f"{db_path}.wal").exists():
                shutil.copyfile(f"{db_path}.wal", f"{previous}.wal")
        else:
            try:
                with db.write(current) as cur:
                    # Never pruned by this copy: the restore promised to keep it.
                    previous = _keep_copy(cur, db_path, "before-restore", 0)
                carried = audit.entries(current.cursor())
            finally:
                current.close()
    staging = db_path.with_name(f".{db_path.name}.restoring")
    try:
        try:
            _copy_out_of(source, staging)
        except duckdb.Error as exc:
            raise BackupError(
                f"备份文件 {source} 读到一半出错，可能已损坏：{exc}。当前数据库没有改动。"
            ) from exc
        restored = db.open_database(staging)  # migrates an older schema; proves that it opens
        try:
            with db.write(restored) as cur:
                carried_count = audit.carry_over(cur, carried)
                audit.record(
                    cur,
                    "restore",
                    user,
                    {
                        "file": str(source),
                        "sha256": sha,
                        "schema_version": version,
                        "previous": str(previous) if previous else None,
                        "audit_entries_carried_over": carried_count,
                    },
                    client,
                )
            restored.execute("CHECKPOINT")
        finally:
            restored.close()
        _remove(Path(f"{db_path}.wal"))
        staging.replace(db_path)
    finally:
        _remove(staging, Path(f"{staging}.wal"))
    return {"previous": previous, "schema_version": version, "carried": carried_count}


def snapshot_now(cur: duckdb.DuckDBPyConnection, user: str | None, client: str | None) -> Path:
    """A snapshot on request (the import page's button), kept with the others, recorded."""
    from labstudio import audit

    source = database_path(cur)
    if source is None:
        raise BackupError("内存中的数据库没有文件，无法备份。")
    out = _keep_copy(cur, source, "manual", keep_count())
    audit.record(cur, "backup", user, {"file": str(out), "sha256": file_sha256(out)}, client)
    return out
