"""The load benchmark's own HTTP: signed requests built ahead, the client and the stand-in."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator

import httpx

from benchmarks.webhook_load import (
    SECRET,
    LoopbackClient,
    _StandinProtocol,
    post_request,
    presign,
)


async def _standin() -> tuple[asyncio.Server, int, list[tuple[str, float]]]:
    received: list[tuple[str, float]] = []
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _StandinProtocol(received), "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], received


def _message(to: str, close: bool = False) -> bytes:
    headers = {"Content-Type": "application/json", **({"Connection": "close"} if close else {})}
    return post_request(0, "/v21.0/1/messages", json.dumps({"to": to}).encode(), headers)


async def test_the_client_keeps_its_connection_and_the_stand_in_records_each_recipient() -> None:
    server, port, received = await _standin()
    client = LoopbackClient("127.0.0.1", port)
    try:
        assert await client.send(_message("6281")) == 200
        first = client.protocol
        assert await client.send(_message("6282")) == 200
        assert client.protocol is first  # kept alive
        assert await client.send(_message("6283", close=True)) == 200
        assert await client.send(_message("6284")) == 200  # a new connection
        assert await client.send(post_request(0, "/elsewhere", b"{}", {})) == 404
        async with httpx.AsyncClient() as http:
            log = (await http.get(f"http://127.0.0.1:{port}/log")).json()
    finally:
        client.close()
        server.close()
    assert [to for to, _at in received] == ["6281", "6282", "6283", "6284"]
    assert [to for to, _at in log] == ["6281", "6282", "6283", "6284"]


async def test_the_stand_in_reads_a_chunked_body_as_httpx_sends_it() -> None:
    server, port, received = await _standin()

    async def body() -> AsyncIterator[bytes]:
        yield b'{"to": '
        yield b'"6285"}'

    try:
        async with httpx.AsyncClient() as http:
            response = await http.post(f"http://127.0.0.1:{port}/v21.0/1/messages", content=body())
    finally:
        server.close()
    assert response.status_code == 200
    assert response.json()["messages"][0]["id"] == "wamid.standin.1"
    assert [to for to, _at in received] == ["6285"]


def test_every_delivery_of_the_load_is_signed_before_it_starts() -> None:
    phones = ["628100001", "628100002", "628100003"]
    requests = presign(9500, phones, 7)  # phones take turns: at most 3 each
    assert len(requests) == 9
    head, body = requests[("628100002", 2)].split(b"\r\n\r\n", 1)
    assert head.startswith(b"POST /webhooks/whatsapp HTTP/1.1\r\n")
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert f"X-Hub-Signature-256: sha256={digest}".encode() in head
    assert f"Content-Length: {len(body)}".encode() in head
    message = json.loads(body)["entry"][0]["changes"][0]["value"]["messages"][0]
    assert message["id"] == "wamid.load.628100002.2"
