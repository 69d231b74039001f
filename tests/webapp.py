"""Web app test helpers: a running app on a test service, signed WhatsApp posts, fixtures."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from bot.composition import Service
from bot.config import Settings
from bot.inquiries import InquiryDraft
from bot.web.app import Runtime, create_app
from bot.web.desk_auth import code_hash
from storage.inquiry_models import CentreRow, OfficerRow
from tests.helpers import say

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The shared, sourced platform payloads beside the checkout (absent on other machines).
SHARED_PLATFORMS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "platforms"

DESK_NOW = datetime(2026, 11, 23, tzinfo=UTC)
WA_SECRET = "app-secret-for-tests-0123456789"
WA_VERIFY = "verify-token-for-tests"
WA_PHONE_ID = "100000000000002"
WA_API = "https://graph.test/v21.0"
WA_USER = "6281200000001"
WHATSAPP = {
    "whatsapp_app_secret": WA_SECRET,
    "whatsapp_verify_token": WA_VERIFY,
    "whatsapp_access_token": "wa-access-token-for-tests",
    "whatsapp_phone_number_id": WA_PHONE_ID,
    "whatsapp_api_base": WA_API,
}


def load(name: str) -> dict[str, Any]:
    """Load one of our own payload fixtures, e.g. "whatsapp/inbound_text.json"."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def sign(body: bytes, secret: str = WA_SECRET) -> str:
    """Return the X-Hub-Signature-256 header value of a body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class FakeGraphApi:
    """A stand-in for the WhatsApp Cloud API: records bodies, answers from a script."""

    script: list[httpx.Response] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    _next_id: int = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        """Answer one POST /{phone}/messages."""
        assert request.headers["Authorization"] == "Bearer wa-access-token-for-tests"
        assert request.url.path == f"/v21.0/{WA_PHONE_ID}/messages"
        body = json.loads(request.content)
        self.requests.append(body)
        response = self.script.pop(0) if self.script else None
        if response is not None and not response.is_success:
            return response
        self._next_id += 1
        self.accepted.append(body)
        return httpx.Response(
            200,
            json={
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": f"wamid.OUT.{self._next_id}"}],
            },
        )

    def transport(self) -> httpx.MockTransport:
        """Return an httpx transport routed to this fake."""
        return httpx.MockTransport(self)


async def desk_setup(service: Service) -> None:
    """Two centres, one officer each, with access codes; one inquiry at the first centre."""
    async with service.storage.sessions.begin() as session:
        session.add_all(
            [
                CentreRow(
                    id="plm-a", name="Pusat A", kind="village", example=True, updated_at=DESK_NOW
                ),
                CentreRow(
                    id="plm-b", name="Pusat B", kind="village", example=True, updated_at=DESK_NOW
                ),
            ]
        )
        await session.flush()
        session.add_all(
            [
                OfficerRow(
                    centre_id="plm-a",
                    name="Bu Sri",
                    channel="telegram",
                    channel_user_id="11",
                    active=True,
                    created_at=DESK_NOW,
                    dashboard_code_hash=code_hash("kode-a"),
                ),
                OfficerRow(
                    centre_id="plm-b",
                    name="Pak Budi",
                    channel="telegram",
                    channel_user_id="22",
                    active=True,
                    created_at=DESK_NOW,
                    dashboard_code_hash=code_hash("kode-b"),
                ),
            ]
        )
    await say(service.engine, "halo", user_id="warga")
    async with service.storage.unit_of_work() as uow:
        contact = await uow.contact_for("console", "warga", "id")
        draft = InquiryDraft(question="<b>boleh bayar 30 juta?</b>", destination="Taiwan")
        await uow.file_inquiry(contact.id, draft, "plm-a", "normal", DESK_NOW)
        await uow.commit()


SAME_ORIGIN = {"Origin": "http://test"}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def desk_token(page: str) -> str:
    """Return the CSRF token of a desk page's first form."""
    found = _CSRF.search(page)
    assert found, "the page has no CSRF field"
    return found.group(1)


@dataclass
class App:
    """A running app with a client on it."""

    app: FastAPI
    client: httpx.AsyncClient

    @property
    def runtime(self) -> Runtime:
        """Return the runtime built in the lifespan."""
        return self.app.state.runtime

    async def post_whatsapp(self, payload: dict[str, Any] | bytes) -> httpx.Response:
        """POST a correctly signed WhatsApp delivery."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"X-Hub-Signature-256": sign(body), "Content-Type": "application/json"}
        return await self.client.post("/webhooks/whatsapp", content=body, headers=headers)

    async def desk_sign_in(self, secret: str, officer: str = "") -> httpx.Response:
        """Sign in to the officer desk as a browser would: load the form, post it back."""
        page = await self.client.get("/petugas")
        form = {"csrf": desk_token(page.text), "officer": officer, "secret": secret}
        return await self.client.post("/petugas/masuk", data=form, headers=SAME_ORIGIN)

    async def desk_post(
        self, path: str, form: dict[str, str], *, follow: bool = False
    ) -> httpx.Response:
        """POST a desk form with the CSRF token of the signed-in page, from the desk's origin."""
        token = desk_token((await self.client.get("/petugas")).text)
        return await self.client.post(
            path, data={"csrf": token, **form}, headers=SAME_ORIGIN, follow_redirects=follow
        )

    async def deliver(self) -> int:
        """Run the outbox sender once over everything due."""
        return await self.runtime.sender.deliver_due()


@asynccontextmanager
async def running_app(
    service: Service,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    build: Callable[[Settings], Any] | None = None,
    **overrides: Any,
) -> AsyncIterator[App]:
    """Run the app's lifespan on a test service (no background sender) and yield a client."""

    async def reuse(_settings: Settings) -> Service:
        return service

    settings = Settings(database_url=service.settings.database_url, **overrides)
    app = create_app(settings, build=build or reuse, whatsapp_transport=transport, run_sender=False)
    async with app.router.lifespan_context(app):
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        async with client:
            yield App(app, client)
