"""Accounts, the sign-in throttle and the signed session tokens, as tables of cases."""

from __future__ import annotations

import json

import pytest

from labstudio import auth
from labstudio.cli import main

PASSWORD = "正确的密码-2024"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


KEYS = ("user:li", "client:10.0.0.1")


@pytest.mark.parametrize(
    ("failures", "after", "waits"),
    [
        (2, 0, False),  # the first free failures cost nothing
        (3, 0, True),  # then a wait of 1 s ...
        (3, 1.01, False),
        (5, 3.9, True),  # ... doubling: 4 s after the fifth
        (5, 4.01, False),
        (10, 60, True),  # ten failures lock the key for 15 minutes
        (10, 14 * 60, True),
        (10, 15 * 60 + 1, False),  # and the window forgets them after
    ],
)
def test_throttle_backs_off_then_locks(failures, after, waits):
    clock = Clock()
    throttle = auth.Throttle(clock=clock)
    for _ in range(failures):
        throttle.failed(KEYS)
    clock.now += after
    assert (throttle.wait(KEYS) > 0) is waits


def test_throttle_counts_per_user_and_per_client_with_one_answer():
    clock = Clock()
    throttle = auth.Throttle(clock=clock)
    # One client trying many names is held...
    for n in range(10):
        throttle.failed(auth.throttle_keys(f"user{n}", "10.0.0.9"))
    assert throttle.wait(auth.throttle_keys("someone-else", "10.0.0.9")) > 60
    # ...and so is one name tried from many clients, a name that exists or not alike.
    for n in range(10):
        throttle.failed(auth.throttle_keys("Li", f"10.0.1.{n}"))
    assert throttle.wait(auth.throttle_keys("li ", "10.0.2.1")) > 60
    assert throttle.wait(auth.throttle_keys("wang", "10.0.2.1")) == 0
    throttle.succeeded(auth.throttle_keys("li", "10.0.2.1"))
    assert throttle.wait(auth.throttle_keys("li", "10.0.2.2")) == 0


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0.2, (1, "seconds")),
        (59.1, (60, "seconds")),
        (119, (119, "seconds")),
        (900, (15, "minutes")),
    ],
)
def test_wait_text(seconds, shown):
    assert auth.wait_text(seconds) == shown


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short", False),
        ("1234567", False),
        ("12345678", True),
        ("汉" * 24, True),
        ("汉" * 25, False),
    ],
)
def test_password_length(password, ok):
    if ok:
        auth.add_user("li", password)
        assert auth.verify("li", password)
    else:
        with pytest.raises(auth.AccountError):
            auth.add_user("li", password)


def test_an_overlong_password_at_sign_in_is_a_plain_no():
    auth.add_user("li", PASSWORD)
    assert auth.verify("li", "x" * 500) is False


@pytest.fixture
def account(monkeypatch):
    monkeypatch.setenv("LABSTUDIO_SECRET", "test-secret")
    auth.add_user("li", PASSWORD)
    return "li"


def tamper(token: str) -> str:
    payload, signature = token.split(".")
    claims = json.loads(auth._unb64(payload))
    claims["u"] = "wang"
    return auth._b64(json.dumps(claims).encode()) + "." + signature


def test_a_session_token_holds_for_a_working_day_only(account):
    session = auth.issue_session(account, now=10_000)
    assert auth.check_session(session.token, now=10_000 + 60).user == "li"
    assert auth.check_session(session.token, now=10_000 + 9.9 * 3600) is not None
    assert auth.check_session(session.token, now=10_000 + 10 * 3600 + 1) is None
    assert "$2b$" not in session.token and PASSWORD not in session.token


@pytest.mark.parametrize(
    "spoil",
    [
        lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),  # a changed signature
        tamper,  # another user's name under the same signature
        lambda t: "",
        lambda t: "not a token",
        lambda t: t + "." + t,
        lambda t: "A" * 5000,
        lambda t: None,
    ],
)
def test_a_spoiled_token_is_refused(account, spoil):
    session = auth.issue_session(account)
    assert auth.check_session(spoil(session.token)) is None


def test_a_new_password_or_a_removed_account_ends_its_sessions(account, monkeypatch):
    session = auth.issue_session(account)
    auth.add_user(account, "另一个密码-2025")
    assert auth.check_session(session.token) is None
    again = auth.issue_session(account)
    auth.remove_user(account)
    assert auth.check_session(again.token) is None


def test_another_server_secret_refuses_the_token(account, monkeypatch):
    session = auth.issue_session(account)
    monkeypatch.setenv("LABSTUDIO_SECRET", "another-secret")
    assert auth.check_session(session.token) is None


def test_the_secret_file_is_made_once_and_private(monkeypatch):
    monkeypatch.delenv("LABSTUDIO_SECRET", raising=False)
    first = auth._secret()
    assert auth._secret() == first and len(first) == 32
    assert auth.secret_path().stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("hours", ["0", "-1", "abc", "1000"])
def test_a_bad_session_length_is_named(monkeypatch, hours):
    monkeypatch.setenv("LABSTUDIO_SESSION_HOURS", hours)
    with pytest.raises(auth.AccountError, match="LABSTUDIO_SESSION_HOURS"):
        auth.session_hours()


def run_user(monkeypatch, capsys, *args: str, password: str | None = None):
    if password is not None:
        monkeypatch.setattr("sys.stdin", __import__("io").StringIO(password + "\n"))
    code = main(["user", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_user_add_passwd_remove(monkeypatch, capsys):
    assert run_user(monkeypatch, capsys, "add", "li", "--password-stdin", password=PASSWORD)[0] == 0
    code, text = run_user(monkeypatch, capsys, "add", "li", "--password-stdin", password=PASSWORD)
    assert code == 2 and "user passwd" in text
    code, text = run_user(
        monkeypatch, capsys, "passwd", "li", "--password-stdin", password="新密码-12345"
    )
    assert code == 0 and auth.verify("li", "新密码-12345") and not auth.verify("li", PASSWORD)
    code, text = run_user(
        monkeypatch, capsys, "passwd", "wang", "--password-stdin", password="x" * 9
    )
    assert code == 2 and "user add" in text
    code, text = run_user(monkeypatch, capsys, "passwd", "li", "--password-stdin", password="short")
    assert code == 2 and "至少" in text and auth.verify("li", "新密码-12345")
    assert run_user(monkeypatch, capsys, "remove", "li")[0] == 0
    assert not auth.user_exists("li")
    code, text = run_user(monkeypatch, capsys, "remove", "li")
    assert code == 2 and "没有名为 li" in text
