"""Desk credential rules: lockout arithmetic, origin matching, password policy."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.web.desk_auth import (
    hash_password,
    locked_until,
    new_code,
    origin_allowed,
    password_matches,
    password_problem,
    typed_code,
)

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _times(*minutes: float) -> list[datetime]:
    return [T0 + timedelta(minutes=minute) for minute in minutes]


def test_five_failures_within_fifteen_minutes_lock_for_fifteen_minutes_after_the_fifth() -> None:
    failures = _times(0, 1, 2, 3, 10)
    assert locked_until(failures, T0 + timedelta(minutes=11)) == T0 + timedelta(minutes=25)
    assert locked_until(failures, T0 + timedelta(minutes=25)) is None
    assert locked_until(failures[:4], T0 + timedelta(minutes=11)) is None


def test_five_failures_spread_over_more_than_fifteen_minutes_do_not_lock() -> None:
    assert locked_until(_times(0, 4, 8, 12, 16), T0 + timedelta(minutes=16)) is None


@pytest.mark.parametrize(
    ("origin", "referer", "allowed"),
    [
        ("http://desk.local:8080", None, True),
        ("HTTP://DESK.LOCAL:8080", None, True),
        ("http://desk.local:8081", None, False),  # another port of the same host
        ("https://desk.local:8080", None, False),
        ("https://migrasi.example.go.id", None, True),  # the configured public address
        ("null", "http://desk.local:8080/petugas", True),
        (None, "http://desk.local:8080/petugas?x=1", True),
        (None, "http://evil.test/petugas", False),
        (None, None, False),
        ("null", None, False),
    ],
)
def test_only_the_own_or_public_origin_is_allowed(
    origin: str | None, referer: str | None, allowed: bool
) -> None:
    public = "https://migrasi.example.go.id/petugas"
    assert origin_allowed(origin, referer, "http://desk.local:8080", public) is allowed


def test_passwords_need_ten_characters_and_are_hashed_with_argon2() -> None:
    assert password_problem("123456789") is not None
    assert password_problem(" sepuluh-huruf") is not None
    assert password_problem("sepuluh-hu") is None
    stored = hash_password("sepuluh-hu")
    assert stored.startswith("$argon2id$")
    assert password_matches(stored, "sepuluh-hu")
    assert not password_matches(stored, "sepuluh-hv")
    assert not password_matches(None, "sepuluh-hu")
    assert not password_matches("bukan-hash", "sepuluh-hu")


def test_serve_believes_forwarded_headers_only_from_the_configured_proxies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn

    from bot.config import Settings
    from bot.web.app import serve

    seen: list[uvicorn.Config] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda server: seen.append(server.config))
    serve(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    serve(Settings(database_url="sqlite+aiosqlite:///:memory:", trusted_proxies="10.0.0.5"))
    assert [config.forwarded_allow_ips for config in seen] == ["127.0.0.1", "10.0.0.5"]
    assert all(config.proxy_headers for config in seen)


def test_access_codes_are_three_groups_of_four_unambiguous_phone_characters() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}", code)


@pytest.mark.parametrize(
    ("typed", "issued"),
    [
        ("k7m2-p9xq-4trw", "k7m2-p9xq-4trw"),
        ("K7M2 P9XQ 4TRW", "k7m2-p9xq-4trw"),
        ("k7m2p9xq4trw", "k7m2-p9xq-4trw"),
        (" k7m2-p9xq-4trw ", "k7m2-p9xq-4trw"),
        ("k7m2-p9xq-4tr", None),  # too short
        ("k7m2-p9xq-4tr0", None),  # 0 is never issued
        ("hHDZqb_QzlN6N5Ig", None),
    ],
)
def test_a_code_typed_with_capitals_or_spaces_is_read_as_issued(
    typed: str, issued: str | None
) -> None:
    assert typed_code(typed) == issued
