"""Analyst accounts, sign-in throttling and signed session tokens.

Viewers need no account; only the import page asks for one. Accounts are user names with bcrypt
password hashes, kept in a file outside git (data/users.json, or LABSTUDIO_USERS).

A signed-in session survives a reload through a token in a cookie: the user name, an expiry
(a working day, LABSTUDIO_SESSION_HOURS) and a random session id, signed with HMAC-SHA256 under
a server secret. The signature also covers a digest of the account's current password hash, so
`user passwd` and `user remove` end every session of that account; the hash itself never leaves
the server. Signing out records the session id as ended (see labstudio.audit.session_ended).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import bcrypt

from labstudio.db import REPO_ROOT

NAME_PATTERN = re.compile(r"^[\w.\-]{2,32}$")
MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further; bcrypt 5 refuses longer ones outright
DEFAULT_SESSION_HOURS = 10
MAX_TOKEN = 1024  # a cookie longer than this is not one of ours: refused unread


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


def _save(users: dict[str, str], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"users": users}, ensure_ascii=False, indent=2), "utf-8")
    os.chmod(temporary, 0o600)
    temporary.replace(path)


def check_password(password: str) -> None:
    """Refuses a password that is too short, or too long for bcrypt to read whole."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少需要 {MIN_PASSWORD} 个字符。")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise AccountError(
            f"密码最多 {MAX_PASSWORD_BYTES} 个字节（约 24 个汉字或 72 个英文字母）。"
        )


def add_user(name: str, password: str, path: Path | None = None) -> None:
    """Create an analyst account, or set a new password for one."""
    path = path or users_path()
    if not NAME_PATTERN.match(name):
        raise AccountError("用户名只能用 2–32 个字母、数字、下划线、点或连字符。")
    check_password(password)
    users = _load(path)
    users[name] = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")
    _save(users, path)


def remove_user(name: str, path: Path | None = None) -> None:
    path = path or users_path()
    users = _load(path)
    if name not in users:
        raise AccountError(f"没有名为 {name} 的账号。")
    del users[name]
    _save(users, path)


def user_exists(name: str, path: Path | None = None) -> bool:
    return name in _load(path or users_path())


@functools.cache
def _dummy_hash() -> bytes:
    """A hash of the default cost, so a wrong name costs as long to refuse as a wrong password."""
    return bcrypt.hashpw(b"not an account", bcrypt.gensalt())


def verify(name: str, password: str, path: Path | None = None) -> bool:
    users = _load(path or users_path())
    hashed = users.get(name)
    secret = password.encode("utf-8")
    if hashed is None or len(secret) > MAX_PASSWORD_BYTES:
        bcrypt.checkpw(b"x", _dummy_hash())
        return False
    return bcrypt.checkpw(secret, hashed.encode("ascii"))


def has_users(path: Path | None = None) -> bool:
    return bool(_load(path or users_path()))


# ---------------------------------------------------------------------------- throttling


@dataclass
class Throttle:
    """Failed sign-ins counted per key (a user name, a client address) over a window.

    The first `free` failures cost nothing; each one after doubles the wait before the next
    attempt (1 s, 2 s, 4 s … at most `max_backoff`); at `lock_after` failures the key is locked
    for `lock_seconds`. Attempts refused while waiting are not checked and not counted.
    """

    free: int = 3
    max_backoff: float = 60.0
    lock_after: int = 10
    lock_seconds: float = 15 * 60
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> list[float]:
        kept = [t for t in self._failures.get(key, []) if now - t < self.lock_seconds]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    def _wait_for(self, key: str, now: float) -> float:
        failures = self._recent(key, now)
        count = len(failures)
        if count >= self.lock_after:
            return max(0.0, failures[-1] + self.lock_seconds - now)
        if count >= self.free:
            backoff = min(2.0 ** (count - self.free), self.max_backoff)
            return max(0.0, failures[-1] + backoff - now)
        return 0.0

    def wait(self, keys: Iterable[str]) -> float:
        """Seconds before the next attempt for these keys is heard (0: now)."""
        with self._lock:
            now = self.clock()
            return max((self._wait_for(k, now) for k in keys), default=0.0)

    def failed(self, keys: Iterable[str]) -> None:
        with self._lock:
            now = self.clock()
            for key in keys:
                self._recent(key, now)
                self._failures.setdefault(key, []).append(now)

    def succeeded(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


def throttle_keys(name: str, client: str | None) -> tuple[str, str]:
    """The two keys a sign-in attempt counts against: the name as typed, and the client."""
    return f"user:{name.strip().casefold()}", f"client:{client or 'local'}"


def wait_text(seconds: float) -> tuple[int, str]:
    """A wait as (number, unit) for the message: seconds below two minutes, else minutes."""
    if seconds < 120:
        return max(1, math.ceil(seconds)), "seconds"
    return math.ceil(seconds / 60), "minutes"


# ---------------------------------------------------------------------------- sessions


def session_hours() -> float:
    text = os.environ.get("LABSTUDIO_SESSION_HOURS", "").strip()
    try:
        hours = float(text) if text else DEFAULT_SESSION_HOURS
    except ValueError:
        hours = -1
    if not 0 < hours <= 24 * 7:
        raise AccountError(
            f"环境变量 LABSTUDIO_SESSION_HOURS 的值“{text}”无效：应为 0 到 168 之间的小时数"
            f"（默认 {DEFAULT_SESSION_HOURS}）。"
        )
    return hours


def secret_path() -> Path:
    return users_path().parent / "session.key"


_secret_lock = threading.Lock()


def _secret() -> bytes:
    """The server's signing key: LABSTUDIO_SECRET, else a random key kept beside users.json."""
    env = os.environ.get("LABSTUDIO_SECRET")
    if env:
        return env.encode("utf-8")
    path = secret_path()
    with _secret_lock:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_bytes()
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str, password_hash: str) -> str:
    account = hashlib.sha256(password_hash.encode("ascii")).hexdigest()
    mac = hmac.new(_secret(), f"{payload}.{account}".encode("ascii"), hashlib.sha256)
    return _b64(mac.digest())


@dataclass(frozen=True)
class Session:
    user: str
    session_id: str
    expires: float  # seconds since the epoch
    token: str


def issue_session(name: str, now: float | None = None, path: Path | None = None) -> Session:
    """A signed token for a user who has just signed in."""
    hashed = _load(path or users_path())[name]
    now = time.time() if now is None else now
    session_id = secrets.token_urlsafe(12)
    expires = now + session_hours() * 3600
    payload = _b64(
        json.dumps({"u": name, "e": int(expires), "s": session_id}, separators=(",", ":")).encode()
    )
    return Session(name, session_id, int(expires), f"{payload}.{_signature(payload, hashed)}")


TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+$")


def check_session(
    token: str | None,
    now: float | None = None,
    path: Path | None = None,
) -> Session | None:
    """The session a token stands for, when its signature, account and expiry all hold."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN or not TOKEN_PATTERN.match(token):
        return None
    payload, signature = token.split(".")
    try:
        claims = json.loads(_unb64(payload))
        name, expires, session_id = str(claims["u"]), float(claims["e"]), str(claims["s"])
    except (ValueError, KeyError, TypeError):
        return None
    hashed = _load(path or users_path()).get(name)
    if hashed is None or not hmac.compare_digest(signature, _signature(payload, hashed)):
        return None
    now = time.time() if now is None else now
    if not now < expires <= now + session_hours() * 3600:
        return None
    return Session(name, session_id, expires, token)


def account_digest(name: str, path: Path | None = None) -> str | None:
    """A digest of the account's password hash: it changes when the password does."""
    hashed = _load(path or users_path()).get(name)
    return hashlib.sha256(hashed.encode("ascii")).hexdigest() if hashed else None
