"""Hardening of the web service: JSON depth, security headers, no-store on the desk, /docs."""

from __future__ import annotations

from bot.composition import Service
from bot.web.limits import json_too_deep
from tests.webapp import WHATSAPP, running_app


def test_json_depth_is_measured_outside_strings() -> None:
    assert json_too_deep(b"[" * 401 + b"]" * 401)
    assert not json_too_deep(b"[" * 400 + b"]" * 400)
    assert not json_too_deep(b'{"text": "' + b"[" * 1000 + b'"}')
    assert not json_too_deep(b'{"text": "\\"' + b"{" * 1000 + b'"}')


async def test_json_nested_1000_deep_gets_400_not_500(service: Service) -> None:
    deep = b'{"a":' * 1000 + b"1" + b"}" * 1000
    async with running_app(service, **WHATSAPP) as app:
        chat = await app.client.post(
            "/api/chat", content=deep, headers={"Content-Type": "application/json"}
        )
        webhook = await app.post_whatsapp(deep)
    assert chat.status_code == 400
    assert webhook.status_code == 400


async def test_security_headers_and_no_store_on_the_desk(service: Service) -> None:
    async with running_app(service) as app:
        page = await app.client.get("/")
        desk = await app.client.get("/petugas")
        chat = await app.client.post(
            "/api/chat", json={"user_id": "w-headers-user", "message_id": "1", "text": "halo"}
        )
    for response in (page, desk, chat):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
    assert "script-src" not in page.headers["Content-Security-Policy"]  # 'self' only
    assert desk.headers["Cache-Control"] == "no-store"
    assert chat.headers["Cache-Control"] == "no-store"


async def test_docs_are_off_in_production_unless_enabled(service: Service) -> None:
    production = {
        "environment": "production",
        "whatsapp_app_secret": "a-real-app-secret-value",
        "whatsapp_verify_token": "a-real-verify-token",
    }
    async with running_app(service, **production) as app:
        assert (await app.client.get("/docs")).status_code == 404
        assert (await app.client.get("/openapi.json")).status_code == 404
        assert (await app.client.get("/healthz")).status_code == 200
    async with running_app(service, **production, enable_docs=True) as app:
        assert (await app.client.get("/docs")).status_code == 200
    async with running_app(service) as app:
        assert (await app.client.get("/openapi.json")).status_code == 200
