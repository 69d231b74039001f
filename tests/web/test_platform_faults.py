"""The platform API times out, fails with 5xx, 429 or 403: every inbound is answered once.

Faults hit every other request while they last, so multi-part answers are cut between
parts: the retry must send only the parts not yet accepted.
"""

from __future__ import annotations

import json
from collections import defaultdict

import httpx
import pytest

from bot.composition import Service
from bot.messages import Outbound, Recipient
from storage.outbox import outbound_from_json
from tests.faults import whatsapp_text
from tests.helpers import FakeClock
from tests.webapp import WHATSAPP, running_app

PHONES = [f"62812777000{n}" for n in range(3)]
QUESTIONS = ["apa syarat kerja ke malaysia?", "berapa biaya penempatan ke taiwan?"]
LONG = "saya mau tanya " + "tentang agen yang meminta biaya besar sekali " * 30
# An officer's long answer: the Cloud API takes at most 4,096 characters, so it goes in parts.
OFFICER_ANSWER = "\n\n".join(f"Bagian {n}: " + "kata " * 600 for n in range(3))


def _fault(kind: str) -> httpx.Response:
    """Return the platform's answer for one fault (a timeout raises instead)."""
    if kind == "timeout":
        raise httpx.ReadTimeout("the platform did not answer in time")
    if kind == "5xx":
        return httpx.Response(503, json={"error": {"code": 2, "message": "unavailable"}})
    if kind == "429":
        return httpx.Response(429, json={"error": {"code": 130429, "message": "rate limit"}})
    return httpx.Response(403, json={"error": {"code": 10, "message": "permission"}})


class FaultyGraphApi:
    """Accepts every post, except every other one while `fault` is set."""

    def __init__(self) -> None:
        self.fault: str | None = None
        self.calls = 0
        self.accepted: dict[str, list[str]] = defaultdict(list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.fault is not None and self.calls % 2 == 0:
            return _fault(self.fault)
        body = json.loads(request.content)
        self.accepted[body["to"]].append(json.dumps(body, sort_keys=True))
        return httpx.Response(200, json={"messages": [{"id": f"wamid.F.{self.calls}"}]})


@pytest.mark.parametrize("fault", ["timeout", "5xx", "429", "403"])
async def test_platform_fault_ends_with_every_inbound_answered_once(
    service: Service, clock: FakeClock, fault: str
) -> None:
    api = FaultyGraphApi()
    api.fault = fault
    async with running_app(
        service, transport=httpx.MockTransport(api), **WHATSAPP, rate_limit_per_minute=1000
    ) as app:
        number = 0
        for phone in PHONES:
            for text in [*QUESTIONS, LONG]:
                number += 1
                data = whatsapp_text(f"wamid.IN.{fault}.{number}", text, phone)
                assert (await app.post_whatsapp(data)).status_code == 200
        for phone in PHONES:
            await service.outbox.enqueue(Outbound(OFFICER_ANSWER), Recipient("whatsapp", phone))
        for _ in range(5):  # five rounds of trouble, the clock moving past every backoff
            await app.deliver()
            clock.advance(seconds=61)
        api.fault = None
        for _ in range(10):
            await app.deliver()
            clock.advance(seconds=61)
        transport = app.runtime.sender.transports["whatsapp"]
        rows = await service.outbox.rows()
        assert {row.status for row in rows} == {"sent"}
        expected: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            for body in await transport.render(outbound_from_json(row.body)):  # type: ignore[attr-defined]
                envelope = {
                    "messaging_product": "whatsapp",
                    "recipient_type": "individual",
                    "to": row.channel_user_id,
                    **body,
                }
                expected[row.channel_user_id].append(json.dumps(envelope, sort_keys=True))
    # Every part of every answer reached its phone once, in order: none lost, none repeated.
    assert dict(api.accepted) == dict(expected)
    assert sum(len(parts) for parts in expected.values()) > len(rows)  # some came in parts
