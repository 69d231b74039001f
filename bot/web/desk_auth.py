"""Officer desk credentials: access codes, argon2 passwords, lockout, CSRF and origin checks.

Access codes and session ids are long random values, so a SHA-256 hash is enough to store
them; passwords are chosen by people and get argon2. Lockout counts failures per officer and
per client address in the database, so it holds across workers and restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 10
SESSION_IDLE = timedelta(hours=8)
SESSION_LIFETIME = timedelta(days=7)
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_FOR = timedelta(minutes=15)

_hasher = PasswordHasher()
# Checked when the officer number is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


# Access codes are typed on phones: lower-case letters and digits without the look-alikes
# (i, l, o, 0, 1), in three groups of four: "k7m2-p9xq-4trw", about 59 bits.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4


def new_code() -> str:
    """Return a fresh access code, easy to type on a phone."""
    return "-".join(
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )


def typed_code(text: str) -> str | None:
    """Return a code as issued from the way a phone typed it ("K7M2 p9xq4TRW" ->
    "k7m2-p9xq-4trw"); None when the text cannot be such a code."""
    letters = "".join(char for char in text.lower() if char not in " -_.\t")
    size = CODE_GROUPS * CODE_GROUP_LENGTH
    if len(letters) != size or any(char not in CODE_ALPHABET for char in letters):
        return None
    step = CODE_GROUP_LENGTH
    return "-".join(letters[start : start + step] for start in range(0, size, step))


def code_hash(code: str) -> str:
    """Return the stored form of an access code."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


def new_token() -> str:
    """Return a random session id or CSRF token."""
    return secrets.token_urlsafe(32)


def same_token(given: str, expected: str) -> bool:
    """Compare tokens in constant time; an empty token never matches."""
    return bool(given) and bool(expected) and hmac.compare_digest(given, expected)


def password_problem(password: str) -> str | None:
    """Return why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password needs at least {MIN_PASSWORD_LENGTH} characters"
    if password != password.strip():
        return "the password must not start or end with a space"
    return None


def hash_password(password: str) -> str:
    """Return the argon2 hash of a password."""
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Check a password against its hash (a dummy hash when there is none, for even timing)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def locked_until(failures: list[datetime], now: datetime) -> datetime | None:
    """Return when a lockout ends, if LOCKOUT_FAILURES failures fell within LOCKOUT_WINDOW."""
    ends = [
        failures[index] + LOCKOUT_FOR
        for index in range(LOCKOUT_FAILURES - 1, len(failures))
        if failures[index] - failures[index - LOCKOUT_FAILURES + 1] <= LOCKOUT_WINDOW
    ]
    end = max(ends, default=None)
    return end if end is not None and end > now else None


def _origin(url: str) -> str | None:
    """Return scheme://host[:port] of an absolute URL, lower-cased."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def origin_allowed(
    origin: str | None, referer: str | None, own_origin: str, public_url: str | None
) -> bool:
    """Accept a POST only from the desk's own origin (or the configured public address).

    Browsers send Origin on every form POST; Referer is the fallback for old ones. A POST
    with neither is refused: the desk is only used from a browser.
    """
    allowed = {own_origin.lower()}
    if public_url and (public := _origin(public_url)):
        allowed.add(public)
    claimed = origin if origin and origin != "null" else None
    if claimed is None and referer:
        claimed = _origin(referer)
    return claimed is not None and (_origin(claimed) or claimed.lower()) in allowed
