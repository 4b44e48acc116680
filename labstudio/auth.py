"""Analyst accounts: user names with bcrypt password hashes, kept in a file outside git.

Viewers need no account; only the import page asks for one.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import bcrypt

from labstudio.db import REPO_ROOT

NAME_PATTERN = re.compile(r"^[\w.\-]{2,32}$")
MIN_PASSWORD = 8


class AccountError(Exception):
    pass


def users_path() -> Path:
    env = os.environ.get("LABSTUDIO_USERS")
    return Path(env) if env else REPO_ROOT / "data" / "users.json"


def _load(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AccountError(f"账号文件 {path} 无法读取：{exc}") from exc
    return {str(k): str(v) for k, v in data.get("users", {}).items()}


def add_user(name: str, password: str, path: Path | None = None) -> None:
    """Create or reset an analyst account."""
    path = path or users_path()
    if not NAME_PATTERN.match(name):
        raise AccountError("用户名只能用 2–32 个字母、数字、下划线、点或连字符。")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少需要 {MIN_PASSWORD} 个字符。")
    users = _load(path)
    users[name] = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"users": users}, ensure_ascii=False, indent=2), "utf-8")
    os.chmod(temporary, 0o600)
    temporary.replace(path)


def verify(name: str, password: str, path: Path | None = None) -> bool:
    users = _load(path or users_path())
    hashed = users.get(name)
    if hashed is None:
        # Spend the same time as a real check, so a wrong name is not told apart by timing.
        bcrypt.checkpw(b"x", bcrypt.hashpw(b"y", bcrypt.gensalt(rounds=4)))
        return False
    return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))


def has_users(path: Path | None = None) -> bool:
    return bool(_load(path or users_path()))
