"""WhatsApp Cloud API channel: payload tables, signature, handshake, outbox and the window."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from bot.channels.sender import Hold, Retry, Sent
from bot.channels.whatsapp import SignatureCheck, check_signature, parse_webhook
from bot.channels.whatsapp_api import WhatsAppSender
from bot.composition import Service, build_service
from bot.config import Settings
from bot.i18n import Translator
from bot.messages import Button, InboundKind, Outbound, Recipient
from storage.models import ContactRow, OutboxReceiptRow, OutboxRow, ProcessedMessageRow
from tests.helpers import FakeClock
from tests.webapp import (
    SHARED_PLATFORMS,
    WA_USER,
    WA_VERIFY,
    WHATSAPP,
    FakeGraphApi,
    load,
    running_app,
    sign,
)

INBOUND_TABLE = [
    # fixture, kind, payload, text
    ("inbound_text.json", InboundKind.TEXT, None, "halo"),
    ("inbound_button_reply.json", InboundKind.BUTTON, "menu", "Menu utama"),
    ("inbound_list_reply.json", InboundKind.BUTTON, "menu", "Menu utama"),
    ("inbound_template_button.json", InboundKind.BUTTON, "menu", "BUKA"),
    ("inbound_image.json", InboundKind.MEDIA, None, ""),
    ("inbound_voice.json", InboundKind.MEDIA, None, ""),
    ("inbound_location.json", InboundKind.MEDIA, None, ""),
    ("inbound_sticker.json", InboundKind.MEDIA, None, ""),
    ("inbound_unsupported.json", InboundKind.MEDIA, None, ""),
]


async def _count(service: Service, model: type, *where: object) -> int:
    """Count rows of a model."""
    async with service.storage.sessions() as session:
        query = select(func.count()).select_from(model)
        return await session.scalar(query.where(*where) if where else query) or 0


async def _outbox(service: Service) -> list[OutboxRow]:
    """Return the outbox rows, oldest first."""
    return await service.outbox.rows()


@pytest.mark.parametrize(("name", "kind", "payload", "text"), INBOUND_TABLE)
def test_parse_inbound_table(name: str, kind: InboundKind, payload: str | None, text: str) -> None:
    events = parse_webhook(load(f"whatsapp/{name}"))
    assert len(events.inbounds) == 1
    assert not events.statuses
    inbound = events.inbounds[0]
    assert (inbound.kind, inbound.payload, inbound.text) == (kind, payload, text)
    assert inbound.user_id == WA_USER
    assert inbound.display_name == "Siti Uji"


@pytest.mark.parametrize("status", ["sent", "delivered", "read", "failed"])
def test_parse_status_table(status: str) -> None:
    events = parse_webhook(load(f"whatsapp/status_{status}.json"))
    assert not events.inbounds
    assert [(s.platform_id, s.status) for s in events.statuses] == [("wamid.TEST.out1", status)]
    assert (events.statuses[0].error_code == "131047") is (status == "failed")


def test_reaction_and_garbage_are_ignored() -> None:
    assert parse_webhook(load("whatsapp/inbound_reaction.json")).ignored == 1
    assert parse_webhook({"entry": "not a list"}).ignored == 1
    assert parse_webhook([1, 2]).ignored == 1


@pytest.mark.skipif(not SHARED_PLATFORMS.is_dir(), reason="shared platform fixtures not present")
def test_shared_platform_fixtures_parse_and_verify() -> None:
    expected = {
        "wa_inbound_text.json": InboundKind.TEXT,
        "wa_inbound_interactive_button_reply.json": InboundKind.BUTTON,
        "wa_inbound_interactive_list_reply.json": InboundKind.BUTTON,
        "wa_inbound_interactive_list_reply_with_description.json": InboundKind.BUTTON,
        "wa_inbound_template_quick_reply_button.json": InboundKind.BUTTON,
        "wa_inbound_image.json": InboundKind.MEDIA,
        "wa_inbound_image_with_url.json": InboundKind.MEDIA,
        "wa_inbound_audio.json": InboundKind.MEDIA,
        "wa_inbound_voice.json": InboundKind.MEDIA,
        "wa_inbound_unsupported.json": InboundKind.MEDIA,
    }
    for name, kind in expected.items():
        events = parse_webhook(json.loads((SHARED_PLATFORMS / name).read_text()))
        assert [inbound.kind for inbound in events.inbounds] == [kind], name
    for name in ("sent", "delivered", "read", "failed"):
        events = parse_webhook(
            json.loads((SHARED_PLATFORMS / f"wa_status_{name}.json").read_text())
        )
        assert [status.status for status in events.statuses] == [name]
    vector = json.loads((SHARED_PLATFORMS / "wa_signature_vector.json").read_text())
    raw = (SHARED_PLATFORMS / vector["body_file"]).read_bytes()
    header = vector["headers"]["X-Hub-Signature-256"]
    assert check_signature(raw, header, vector["app_secret"]) is SignatureCheck.VALID
    assert check_signature(raw + b" ", header, vector["app_secret"]) is SignatureCheck.INVALID
    extra = vector["extra_vector_from_whatsapp_sdk_hexdocs"]
    assert check_signature(b"test", extra["header"], "secret") is SignatureCheck.VALID


async def test_verify_handshake(service: Service) -> None:
    async with running_app(service, **WHATSAPP) as app:
        ok = await app.client.get(
            "/webhooks/whatsapp",
            params={
                "hub.mode": "subscribe",
                "hub.challenge": "1158201444",
                "hub.verify_token": WA_VERIFY,
            },
        )
        assert (ok.status_code, ok.text) == (200, "1158201444")
        assert ok.headers["content-type"].startswith("text/plain")
        for params in (
            {"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": "wrong"},
            {"hub.mode": "unsubscribe", "hub.challenge": "1", "hub.verify_token": WA_VERIFY},
            {},
        ):
            assert (await app.client.get("/webhooks/whatsapp", params=params)).status_code == 403


@pytest.mark.parametrize(
    ("header", "status"),
    [(None, 401), ("sha256=" + "0" * 64, 403), ("garbage", 403)],
)
async def test_bad_signature_is_rejected_and_nothing_stored(
    service: Service, header: str | None, status: int
) -> None:
    body = json.dumps(load("whatsapp/inbound_text.json")).encode()
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["X-Hub-Signature-256"] = header
    async with running_app(service, **WHATSAPP) as app:
        response = await app.client.post("/webhooks/whatsapp", content=body, headers=headers)
        assert response.status_code == status
    for model in (ContactRow, ProcessedMessageRow, OutboxRow):
        assert await _count(service, model) == 0


async def test_signature_is_checked_on_the_raw_bytes(service: Service) -> None:
    # Same JSON, different bytes: a signature over re-serialised JSON would wrongly pass.
    raw = json.dumps(load("whatsapp/inbound_text.json"), indent=4).encode()
    async with running_app(service, **WHATSAPP) as app:
        compact = json.dumps(json.loads(raw)).encode()
        response = await app.client.post(
            "/webhooks/whatsapp", content=raw, headers={"X-Hub-Signature-256": sign(compact)}
        )
        assert response.status_code == 403
        assert (await app.post_whatsapp(raw)).status_code == 200


@pytest.mark.parametrize(("name", "kind", "payload", "text"), INBOUND_TABLE)
async def test_inbound_is_answered_through_the_outbox(
    service: Service, name: str, kind: InboundKind, payload: str | None, text: str
) -> None:
    api = FakeGraphApi()
    async with running_app(service, transport=api.transport(), **WHATSAPP) as app:
        response = await app.post_whatsapp(load(f"whatsapp/{name}"))
        assert response.status_code == 200
        # The webhook answered without calling Meta; the replies wait in the outbox.
        assert api.requests == []
        rows = await _outbox(service)
        assert rows
        assert all(row.status == "pending" for row in rows)
        await app.deliver()
    assert api.accepted
    assert all(body["to"] == WA_USER for body in api.accepted)
    assert all(row.status == "sent" and row.platform_message_id for row in await _outbox(service))
    if kind is InboundKind.MEDIA:
        assert "belum bisa membaca" in json.dumps(api.accepted[0], ensure_ascii=False)


async def test_duplicate_delivery_is_answered_once(service: Service) -> None:
    async with running_app(service, transport=FakeGraphApi().transport(), **WHATSAPP) as app:
        await app.post_whatsapp(load("whatsapp/inbound_text.json"))
        first = len(await _outbox(service))
        await app.post_whatsapp(load("whatsapp/inbound_text.json"))
        assert len(await _outbox(service)) == first > 0


async def test_reaction_gets_no_reply(service: Service) -> None:
    async with running_app(service, **WHATSAPP) as app:
        assert (await app.post_whatsapp(load("whatsapp/inbound_reaction.json"))).status_code == 200
    assert await _outbox(service) == []


async def test_server_error_then_success_delivers_exactly_once(
    service: Service, clock: FakeClock
) -> None:
    api = FakeGraphApi(script=[httpx.Response(500, json={"error": {"code": 1}})])
    async with running_app(service, transport=api.transport(), **WHATSAPP) as app:
        await app.post_whatsapp(load("whatsapp/inbound_text.json"))
        count = len(await _outbox(service))
        await app.deliver()
        rows = await _outbox(service)
        assert rows[0].status == "pending"
        assert rows[0].attempts == 1
        assert rows[0].next_attempt_at > clock.now
        # Nothing behind the failed message overtakes it.
        assert [row.status for row in rows[1:]] == ["pending"] * (count - 1)
        await app.deliver()
        assert len(api.requests) == 1  # not due yet
        clock.advance(seconds=5)
        await app.deliver()
    rows = await _outbox(service)
    assert all(row.status == "sent" for row in rows)
    assert len(api.accepted) == len({json.dumps(body) for body in api.accepted})
    assert len(api.requests) == len(api.accepted) + 1


async def test_rate_limit_error_waits_before_retrying(service: Service, clock: FakeClock) -> None:
    api = FakeGraphApi(script=[httpx.Response(400, json={"error": {"code": 130429}})])
    async with running_app(service, transport=api.transport(), **WHATSAPP) as app:
        await app.post_whatsapp(load("whatsapp/inbound_text.json"))
        await app.deliver()
        row = (await _outbox(service))[0]
        assert row.status == "pending"
        assert row.next_attempt_at >= clock.now + timedelta(seconds=30)


async def test_statuses_are_recorded_and_failed_status_fails_the_message(
    service: Service,
) -> None:
    api = FakeGraphApi()
    async with running_app(service, transport=api.transport(), **WHATSAPP) as app:
        await app.post_whatsapp(load("whatsapp/inbound_text.json"))
        await app.deliver()
        first = (await _outbox(service))[0]
        assert first.platform_message_id == "wamid.OUT.1"
        before = len(await _outbox(service))
        for name in ("sent", "delivered", "read", "failed", "delivered"):
            payload = json.loads(
                json.dumps(load(f"whatsapp/status_{name}.json")).replace(
                    "wamid.TEST.out1", "wamid.OUT.1"
                )
            )
            assert (await app.post_whatsapp(payload)).status_code == 200
        rows = await _outbox(service)
        assert len(rows) == before  # statuses get no reply
        assert rows[0].status == "failed"
        assert "131047" in (rows[0].last_error or "")
    async with service.storage.sessions() as session:
        receipt = await session.get_one(OutboxReceiptRow, "wamid.OUT.1")
        assert (receipt.status, receipt.error_code) == ("failed", "131047")


async def test_outside_the_window_only_the_template_goes_out(
    service: Service, clock: FakeClock
) -> None:
    api = FakeGraphApi()
    async with running_app(service, transport=api.transport(), **WHATSAPP) as app:
        await app.post_whatsapp(load("whatsapp/inbound_text.json"))
        held_count = len(await _outbox(service))
        clock.advance(hours=25)  # e.g. the worker was down, or an officer answered late
        await app.deliver()
        assert [body["type"] for body in api.accepted] == ["template"]
        template = api.accepted[0]["template"]
        assert template == {"name": "ada_balasan_petugas", "language": {"code": "id"}}
        statuses = [row.status for row in await _outbox(service)]
        assert statuses[:held_count].count("held") == 1  # the rest wait behind it, in order
        await app.deliver()
        assert len(api.accepted) == 1  # still no free-form text, and the template only once
        # The user answers the template: the window opens and the held replies go first.
        clock.advance(minutes=5)
        await app.post_whatsapp(load("whatsapp/inbound_template_button.json"))
        await app.deliver()
    rows = await _outbox(service)
    assert all(row.status == "sent" for row in rows)
    texts = [json.dumps(body, ensure_ascii=False) for body in api.accepted[1:]]
    assert "Migrasi Aman" in texts[0]  # the greeting held since yesterday came first


async def test_restart_delivers_unsent_rows(
    service: Service, clock: FakeClock, knowledge: object
) -> None:
    async with running_app(service, **WHATSAPP) as app:  # no API client: nothing is sent
        await app.post_whatsapp(load("whatsapp/inbound_text.json"))
    # A second worker claimed a row and died mid-send: its lease runs out.
    settings = Settings(database_url=service.settings.database_url)
    crashed = await build_service(settings, knowledge=knowledge, clock=clock)  # type: ignore[arg-type]
    claimed = await crashed.outbox.claim(["whatsapp"])
    assert claimed
    await crashed.close()
    restarted = await build_service(settings, knowledge=knowledge, clock=clock)  # type: ignore[arg-type]
    api = FakeGraphApi()
    async with running_app(restarted, transport=api.transport(), **WHATSAPP) as app:
        await app.deliver()
        assert api.accepted == []  # the lease still holds
        clock.advance(minutes=3)
        await app.deliver()
        rows = await restarted.outbox.rows()
    await restarted.close()
    assert rows
    assert all(row.status == "sent" for row in rows)
    assert len(api.accepted) >= len(rows)


async def test_rate_limit_sends_one_polite_notice(service: Service) -> None:
    async with running_app(service, rate_limit_per_minute=2, **WHATSAPP) as app:
        payload = load("whatsapp/inbound_text.json")
        for number in range(5):
            text = json.dumps(payload).replace("wamid.TEST.text1", f"wamid.TEST.flood{number}")
            assert (await app.post_whatsapp(json.loads(text))).status_code == 200
    texts = [row.body["text"] for row in await _outbox(service)]
    assert sum("terlalu cepat" in text for text in texts) == 1


async def test_body_over_the_limit_is_refused(service: Service) -> None:
    async with running_app(service, max_body_bytes=2048, **WHATSAPP) as app:
        payload = load("whatsapp/inbound_text.json")
        payload["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] = "x" * 5000
        assert (await app.post_whatsapp(payload)).status_code == 413
    assert await _count(service, ContactRow) == 0


def _sender(api: FakeGraphApi) -> WhatsAppSender:
    """Build a sender on the fake API."""
    return WhatsAppSender(
        "https://graph.test/v21.0",
        "100000000000002",
        "wa-access-token-for-tests",
        Translator(),
        "ada_balasan_petugas",
        "id",
        transport=api.transport(),
    )


async def test_render_respects_limits() -> None:
    sender = _sender(FakeGraphApi())
    long_label = "Pilihan dengan judul yang sangat panjang sekali"
    buttons = await sender.render(
        Outbound("Pilih", buttons=(Button(long_label, "a"), Button("Menu", "menu")))
    )
    action = buttons[-1]["interactive"]["action"]
    assert all(len(b["reply"]["title"]) <= 20 for b in action["buttons"])
    options = tuple(Button(f"{long_label} {n}", "p" * 250 + str(n)) for n in range(8))
    listing = await sender.render(
        Outbound(
            "x" * 1500, buttons=(Button("Menu", "menu"),), options=options, options_title="Topik"
        )
    )
    assert [body["type"] for body in listing] == ["text", "interactive"]
    interactive = listing[-1]["interactive"]
    assert interactive["type"] == "list"
    assert len(interactive["body"]["text"]) <= 1024
    rows = interactive["action"]["sections"][0]["rows"]
    assert len(rows) == 9
    assert all(len(row["title"]) <= 24 for row in rows)
    many = tuple(Button(f"Topik {n}", f"t{n}") for n in range(12))
    numbered = await sender.render(Outbound("Pilih", options=many))
    assert [body["type"] for body in numbered] == ["text"]
    assert "12. Topik 11" in numbered[0]["text"]["body"]
    await sender.client.aclose()


async def test_long_answer_is_split_under_4096() -> None:
    api = FakeGraphApi()
    sender = _sender(api)
    paragraph = ("Kalimat informasi migrasi aman. " * 20).strip()
    text = "\n\n".join([paragraph] * 10)[:6000]
    assert len(text) == 6000
    result = await sender.send(Recipient("whatsapp", WA_USER), Outbound(text), template=False)
    assert isinstance(result, Sent)
    assert len(result.platform_ids) == 2
    bodies = [body["text"]["body"] for body in api.accepted]
    assert all(len(body) <= 4096 for body in bodies)
    assert bodies[0].endswith(".")  # cut at a paragraph boundary
    await sender.client.aclose()


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (httpx.Response(400, json={"error": {"code": 131047}}), Hold),
        (httpx.Response(400, json={"error": {"code": 131056}}), Retry),
        (httpx.Response(400, json={"error": {"code": 80007}}), Retry),
        (httpx.Response(503, text="busy"), Retry),
    ],
)
async def test_send_errors_are_classified(response: httpx.Response, expected: type) -> None:
    sender = _sender(FakeGraphApi(script=[response]))
    result = await sender.send(Recipient("whatsapp", WA_USER), Outbound("halo"), template=False)
    assert isinstance(result, expected)
    await sender.client.aclose()


def test_one_bad_message_does_not_drop_the_rest_of_the_batch() -> None:
    data = load("whatsapp/inbound_text.json")
    messages = data["entry"][0]["changes"][0]["value"]["messages"]
    good = messages[0]
    messages[:] = [
        {**good, "id": "wamid.A", "text": {"body": "pertama"}},
        {**good, "id": 12345, "type": "text", "text": "not an object"},
        {**good, "id": "wamid.C", "from": "not-a-phone"},
        {**good, "id": "wamid.D", "text": {"body": "terakhir"}},
    ]
    events = parse_webhook(data)
    assert [inbound.text for inbound in events.inbounds] == ["pertama", "terakhir"]
    assert events.ignored == 2
