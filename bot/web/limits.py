"""ASGI middleware run before any route: body size and JSON depth limits, security headers."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Deeper JSON makes Python's parser recurse until it fails (a 500); no platform nests this far.
MAX_JSON_DEPTH = 400


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Return True when arrays and objects nest deeper than the limit (strings are skipped)."""
    # Nesting never exceeds the number of openers: counted in C, that settles every
    # ordinary body without the byte-by-byte walk below.
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


class BodySizeLimit:
    """Reject bodies larger than max_bytes (by Content-Length at once, or while streaming),
    and JSON nested deeper than MAX_JSON_DEPTH (400).
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Buffer the body up to the limit, then replay it to the app."""
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if (
            declared is not None
            and declared.isascii()
            and declared.isdigit()
            and int(declared) > self.max_bytes
        ):
            await _too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if json_too_deep(body):
            await _refuse(send, 400, "JSON nested too deep")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(send: Send) -> None:
    """Answer 413."""
    await _refuse(send, 413, "request body too large")


async def _refuse(send: Send, status: int, detail: str) -> None:
    """Answer with a JSON error before any route runs."""
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# The web chat and the desk load only their own scripts and styles; /docs needs the CDN
# that FastAPI's Swagger page uses.
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The desk page carries its small stylesheet inline; scripts stay forbidden there.
DESK_CSP = CSP.replace(
    "default-src 'self';", "default-src 'self'; style-src 'self' 'unsafe-inline';"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://fastapi.tiangolo.com; frame-ancestors 'none'"
)
NO_STORE_PREFIXES = ("/petugas", "/api/")


class SecurityHeaders:
    """Add CSP, frame-ancestors, nosniff and Referrer-Policy; no-store on the desk and API."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to every HTTP response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        policy = CSP
        if path.startswith(("/docs", "/redoc")):
            policy = DOCS_CSP
        elif path.startswith("/petugas"):
            policy = DESK_CSP
        extra = [
            (b"content-security-policy", policy.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            # Not no-referrer: browsers would then send "Origin: null" on the desk's own forms,
            # which its origin check rightly refuses.
            (b"referrer-policy", b"same-origin"),
        ]
        if path.startswith(NO_STORE_PREFIXES):
            # Case cards and chat answers must not stay in a shared computer's cache.
            extra.append((b"cache-control", b"no-store"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers += [(name, value) for name, value in extra if name not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
