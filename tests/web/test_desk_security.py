"""Officer desk security: server-side sessions, expiry, sign-out, lockout, CSRF and origin."""

from __future__ import annotations

import logging

import httpx
import pytest
from sqlalchemy import select

from bot.composition import Service
from bot.web.desk_auth import hash_password
from storage.desk import OfficerSessionRow, secret_hash
from storage.inquiry_models import InquiryRow
from tests.helpers import FakeClock
from tests.webapp import SAME_ORIGIN, App, desk_setup, desk_token, running_app


async def _status(service: Service) -> str:
    async with service.storage.sessions() as session:
        return (await session.get_one(InquiryRow, 1)).status


def _client(app: App, address: str) -> httpx.AsyncClient:
    """Return a client on the same app that comes from another address."""
    transport = httpx.ASGITransport(app=app.app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_the_cookie_holds_a_random_session_id_stored_only_hashed(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        response = await app.desk_sign_in("kode-a")
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        session_id = app.client.cookies["petugas"]
        assert "kode-a" not in cookie and len(session_id) >= 40
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    async with service.storage.sessions() as session:
        rows = list(await session.scalars(select(OfficerSessionRow)))
    assert [row.id_hash for row in rows] == [secret_hash(session_id)]


async def test_the_cookie_is_secure_when_the_public_address_is_https(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service, public_url="https://migrasi.example.go.id") as app:
        login = await app.client.get("/petugas")
        assert "Secure" in login.headers["set-cookie"]
        response = await app.desk_sign_in("kode-a")
        assert "Secure" in response.headers["set-cookie"]


async def test_sign_out_revokes_the_session_on_the_server(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        stolen = app.client.cookies["petugas"]
        assert (await app.desk_post("/petugas/keluar", {})).status_code == 303
        async with _client(app, "127.0.0.1") as replay:
            page = await replay.get("/petugas", headers={"Cookie": f"petugas={stolen}"})
            assert "Kode akses atau kata sandi" in page.text and "Pusat A" not in page.text


async def test_a_session_ends_after_eight_idle_hours(service: Service, clock: FakeClock) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        clock.advance(hours=7, minutes=59)
        assert "Pusat A" in (await app.client.get("/petugas")).text  # use extends the session
        clock.advance(hours=7, minutes=59)
        assert "Pusat A" in (await app.client.get("/petugas")).text
        clock.advance(hours=8)
        assert "Pusat A" not in (await app.client.get("/petugas")).text


async def test_a_session_ends_after_seven_days_even_when_used(
    service: Service, clock: FakeClock
) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        for _ in range(23):  # 23 x 7 h = 6 days 17 h, always within the idle limit
            clock.advance(hours=7)
            assert "Pusat A" in (await app.client.get("/petugas")).text
        clock.advance(hours=7)
        assert "Pusat A" not in (await app.client.get("/petugas")).text


async def test_a_removed_officers_session_no_longer_opens_the_desk(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        async with service.storage.sessions.begin() as session:
            from storage.inquiry_models import OfficerRow

            (await session.get_one(OfficerRow, 1)).active = False
        assert "Pusat A" not in (await app.client.get("/petugas")).text


async def test_five_failures_from_an_address_lock_it_for_fifteen_minutes(
    service: Service, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    await desk_setup(service)
    caplog.set_level(logging.INFO)
    async with running_app(service) as app:
        for attempt in range(5):
            wrong = await app.desk_sign_in(f"tebakan-{attempt}")
            assert wrong.status_code == 200 and "salah" in wrong.text
        locked = await app.desk_sign_in("kode-a")  # even the right code is refused now
        assert locked.status_code == 429
        assert "Terlalu banyak percobaan masuk yang gagal" in locked.text
        assert "15 menit" in locked.text
        async with _client(app, "10.0.0.9") as other:  # another address is not locked
            page = await other.get("/petugas")
            form = {"csrf": desk_token(page.text), "secret": "kode-a"}
            assert (
                await other.post("/petugas/masuk", data=form, headers=SAME_ORIGIN)
            ).status_code == 303
        clock.advance(minutes=14)
        assert (await app.desk_sign_in("kode-a")).status_code == 429
        clock.advance(minutes=1, seconds=1)
        assert (await app.desk_sign_in("kode-a")).status_code == 303
    failures = [record for record in caplog.records if "sign-in failed" in record.getMessage()]
    assert len(failures) == 5
    assert not any("tebakan" in record.getMessage() for record in caplog.records)
    assert not any("kode-a" in record.getMessage() for record in caplog.records)


async def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(
    service: Service, clock: FakeClock
) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        for attempt in range(8):
            assert (await app.desk_sign_in(f"salah-{attempt}")).status_code == 200
            clock.advance(minutes=4)
        assert (await app.desk_sign_in("kode-a")).status_code == 303


async def test_five_wrong_passwords_for_an_officer_lock_that_officer_everywhere(
    service: Service,
) -> None:
    await desk_setup(service)
    async with service.storage.unit_of_work() as uow:
        await uow.set_password_hash(1, hash_password("sandi-rahasia-bu-sri"))
        await uow.commit()
    async with running_app(service) as app:
        for number in range(5):
            async with _client(app, f"10.0.1.{number}") as client:
                page = await client.get("/petugas")
                form = {"csrf": desk_token(page.text), "officer": "1", "secret": "bukan-sandi-nya"}
                answer = await client.post("/petugas/masuk", data=form, headers=SAME_ORIGIN)
                assert answer.status_code == 200
        right = await app.desk_sign_in("sandi-rahasia-bu-sri", officer="1")
        assert right.status_code == 429  # officer 1 is locked from every address
        assert (await app.desk_sign_in("kode-b")).status_code == 303  # officer 2 is not


async def test_an_officer_signs_in_with_number_and_password(service: Service) -> None:
    await desk_setup(service)
    async with service.storage.unit_of_work() as uow:
        await uow.set_password_hash(1, hash_password("sandi-rahasia-bu-sri"))
        await uow.commit()
    async with running_app(service) as app:
        assert (await app.desk_sign_in("sandi-rahasia-bu-sri")).status_code == 200  # no number
        assert (await app.desk_sign_in("sandi-rahasia-bu-sri", officer="2")).status_code == 200
        assert (await app.desk_sign_in("sandi-rahasia-bu-srx", officer="1")).status_code == 200
        assert (await app.desk_sign_in("sandi-rahasia-bu-sri", officer="1")).status_code == 303
        assert "Pusat A · Bu Sri" in (await app.client.get("/petugas")).text


async def test_a_new_password_ends_the_officers_sessions(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        async with service.storage.unit_of_work() as uow:
            await uow.set_password_hash(1, hash_password("sandi-baru-bu-sri"))
            await uow.commit()
        assert "Pusat A" not in (await app.client.get("/petugas")).text


@pytest.mark.parametrize(
    ("form", "headers"),
    [
        ({"id": "1", "action": "ambil"}, SAME_ORIGIN),  # no token
        ({"id": "1", "action": "ambil", "csrf": "tebakan"}, SAME_ORIGIN),  # wrong token
        ({"id": "1", "action": "ambil", "csrf": "TOKEN"}, {"Origin": "http://test:8081"}),
        ({"id": "1", "action": "ambil", "csrf": "TOKEN"}, {"Origin": "null"}),
        ({"id": "1", "action": "ambil", "csrf": "TOKEN"}, {}),  # neither Origin nor Referer
        ({"id": "1", "action": "ambil", "csrf": "TOKEN"}, {"Referer": "http://evil.test/x"}),
    ],
)
async def test_a_post_without_a_valid_token_or_origin_is_refused(
    service: Service, form: dict[str, str], headers: dict[str, str]
) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        token = desk_token((await app.client.get("/petugas")).text)
        form = {key: token if value == "TOKEN" else value for key, value in form.items()}
        response = await app.client.post("/petugas/aksi", data=form, headers=headers)
        assert response.status_code == 403
        assert "ditolak" in response.text or "kedaluwarsa" in response.text
    assert await _status(service) == "open"


async def test_a_valid_token_from_the_own_origin_or_referer_is_accepted(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service, public_url="http://desa.example.go.id") as app:
        await app.desk_sign_in("kode-a")
        token = desk_token((await app.client.get("/petugas")).text)
        form = {"id": "1", "action": "ambil", "csrf": token}
        referer = {"Referer": "http://test/petugas"}
        assert (
            await app.client.post("/petugas/aksi", data=form, headers=referer)
        ).status_code == 303
        public = {"Origin": "http://desa.example.go.id"}
        assert (
            await app.client.post("/petugas/aksi", data=form, headers=public)
        ).status_code == 303
    assert await _status(service) == "claimed"


async def test_sign_in_needs_the_forms_token_and_the_own_origin(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.client.get("/petugas")
        no_token = await app.client.post(
            "/petugas/masuk", data={"secret": "kode-a"}, headers=SAME_ORIGIN
        )
        assert no_token.status_code == 403
        token = desk_token((await app.client.get("/petugas")).text)
        cross = await app.client.post(
            "/petugas/masuk",
            data={"secret": "kode-a", "csrf": token},
            headers={"Origin": "http://evil.test"},
        )
        assert cross.status_code == 403 and "petugas" not in app.client.cookies
