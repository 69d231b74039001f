"""Directory administration at /petugas/direktori: scope, roles, CSRF, audit, credentials."""

from __future__ import annotations

import logging
import re

import httpx
import pytest
from sqlalchemy import select

from bot.composition import Service
from storage.centres import directory_events
from storage.desk import OfficerSessionRow
from storage.inquiry_models import CentreRow, OfficerRow
from tests.web.test_desk_casework import scoped_setup
from tests.webapp import DESK_NOW, SAME_ORIGIN, App, desk_token, running_app

# scoped_setup: #1 Bu Sri (plm-a, Kebumen, "kode-a"), #2 Pak Budi (plm-b, Wonosobo, "kode-b"),
# #3 Pak Kepala (supervisor of dinas-kebumen on 33.05, "kode-sup"), #4 Bu Admin (admin at plm-b).
DIRECTORY = "/petugas/direktori"
PASSWORD = "rahasia-baru-1"


async def _post(app: App, path: str, form: dict[str, str]) -> httpx.Response:
    """POST a directory form with the signed-in page's CSRF token, from the desk's origin."""
    token = desk_token((await app.client.get("/petugas")).text)
    return await app.client.post(path, data={"csrf": token, **form}, headers=SAME_ORIGIN)


def _every_post(officer: int, centre: str) -> list[tuple[str, dict[str, str]]]:
    """Every directory POST route, aimed at one officer and one centre."""
    return [
        (f"{DIRECTORY}/pusat/{centre}/status", {"aktif": "0"}),
        (f"{DIRECTORY}/petugas/{officer}/status", {"aktif": "0"}),
        (f"{DIRECTORY}/petugas/{officer}/kode", {}),
        (f"{DIRECTORY}/petugas/{officer}/sandi", {"sandi": PASSWORD, "ulangi": PASSWORD}),
        (
            f"{DIRECTORY}/petugas",
            {"pusat": centre, "nama": "Orang Baru", "peran": "officer", "saluran": "telegram",
             "akun": "999"},
        ),
    ]  # fmt: skip


async def _officer(service: Service, officer_id: int) -> OfficerRow:
    async with service.storage.sessions() as session:
        return await session.get_one(OfficerRow, officer_id)


async def _centre(service: Service, centre_id: str) -> CentreRow:
    async with service.storage.sessions() as session:
        return await session.get_one(CentreRow, centre_id)


async def test_an_ordinary_officer_gets_403_on_every_directory_route(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        queue = (await app.client.get("/petugas")).text
        assert 'href="/petugas/direktori"' not in queue
        assert (await app.client.get(DIRECTORY)).status_code == 403
        for path, form in _every_post(1, "plm-a"):
            response = await _post(app, path, form)
            assert response.status_code == 403, path
            assert "hanya untuk supervisor" in response.text
        creating = {"kode": "plm-x", "nama": "X", "tingkat": "village", "wilayah": "33.05.05.2002"}
        assert (await _post(app, f"{DIRECTORY}/pusat", creating)).status_code == 403
    assert (await _officer(service, 1)).active and (await _centre(service, "plm-a")).active
    assert await directory_events(service.storage) == []


async def test_a_supervisor_lists_their_regency_only(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-sup")
        queue = (await app.client.get("/petugas")).text
        assert '<a href="/petugas/direktori">Direktori</a>' in queue
        page = await app.client.get(DIRECTORY)
        assert page.status_code == 200
        assert "Pusat A" in page.text and "Bu Sri" in page.text
        assert "Disnaker Kebumen" in page.text and "Pak Kepala" in page.text
        assert "Pusat B" not in page.text and "Pak Budi" not in page.text
        assert "Bu Admin" not in page.text
        # The supervisor may give roles up to their own, never administrator.
        roles = re.search(r'<select id="petugas-peran".*?</select>', page.text, re.S)
        assert roles and 'value="supervisor"' in roles.group(0)
        assert 'value="admin"' not in roles.group(0)


async def test_an_administrator_lists_every_centre(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-adm")
        page = (await app.client.get(DIRECTORY)).text
        for name in ("Pusat A", "Pusat B", "Disnaker Kebumen", "Layanan Pengaduan KP2MI"):
            assert name in page, name
        # The national centre can never be switched off: it has no such button, nor by hand.
        assert f'action="{DIRECTORY}/pusat/nasional/status"' not in page
        refused = await _post(app, f"{DIRECTORY}/pusat/nasional/status", {"aktif": "0"})
        shown = (await app.client.get(refused.headers["location"])).text
        assert "nasional tidak bisa dinonaktifkan" in shown
    assert (await _centre(service, "nasional")).active


async def test_a_supervisor_gets_404_for_another_regency_on_every_route(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-sup")
        # Pak Budi (#2) and Bu Admin (#4) work at plm-b in Wonosobo; #999 does not exist.
        for officer in (2, 4, 999):
            for path, form in _every_post(officer, "plm-b"):
                response = await _post(app, path, form)
                assert response.status_code == 404, path
                assert "Tidak ditemukan di wilayah kerja Anda" in response.text
        # A centre of another regency's region codes is refused with a plain message.
        outside = {"kode": "plm-c", "nama": "Pusat C", "tingkat": "village",
                   "wilayah": "33.07.05.2008"}  # fmt: skip
        response = await _post(app, f"{DIRECTORY}/pusat", outside)
        assert response.status_code == 403
        assert "Kode wilayah 33.07.05.2008 di luar wilayah kerja Anda." in response.text
    assert (await _officer(service, 2)).active and (await _officer(service, 4)).active
    assert (await _officer(service, 2)).password_hash is None
    assert (await _centre(service, "plm-b")).active
    async with service.storage.sessions() as session:
        assert await session.get(CentreRow, "plm-c") is None
        names = set(await session.scalars(select(OfficerRow.name)))
    assert "Orang Baru" not in names
    assert await directory_events(service.storage) == []


async def test_no_one_acts_on_or_creates_a_higher_role(service: Service) -> None:
    await scoped_setup(service)
    async with service.storage.sessions.begin() as session:
        session.add(
            OfficerRow(centre_id="plm-a", name="Admin Desa", channel="telegram",
                       channel_user_id="55", active=True, created_at=DESK_NOW, role="admin")
        )  # fmt: skip
    async with running_app(service) as app:
        await app.desk_sign_in("kode-sup")
        page = (await app.client.get(DIRECTORY)).text
        assert "Admin Desa" in page and f"{DIRECTORY}/petugas/5/" not in page
        for path, form in _every_post(5, "plm-a")[1:4]:
            assert (await _post(app, path, form)).status_code == 403, path
        tampered = {"pusat": "plm-a", "nama": "Calon Admin", "peran": "admin",
                    "saluran": "telegram", "akun": "77"}  # fmt: skip
        response = await _post(app, f"{DIRECTORY}/petugas", tampered)
        assert response.status_code == 403 and "lebih tinggi" in response.text
    assert (await _officer(service, 5)).active
    assert await directory_events(service.storage) == []


async def test_directory_posts_need_the_csrf_token_and_the_desks_origin(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-sup")
        path = f"{DIRECTORY}/petugas/1/status"
        missing = await app.client.post(path, data={"aktif": "0"}, headers=SAME_ORIGIN)
        assert missing.status_code == 403 and "Formulir sudah kedaluwarsa" in missing.text
        token = desk_token((await app.client.get("/petugas")).text)
        foreign = await app.client.post(
            path, data={"csrf": token, "aktif": "0"}, headers={"Origin": "https://evil.example"}
        )
        assert foreign.status_code == 403
    assert (await _officer(service, 1)).active


async def test_a_deactivated_officer_is_signed_out_and_cannot_sign_in(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        other = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app.app, client=("10.0.0.7", 4000)),
            base_url="http://test",
        )
        async with other:
            page = await other.get("/petugas")
            form = {"csrf": desk_token(page.text), "secret": "kode-a"}
            await other.post("/petugas/masuk", data=form, headers=SAME_ORIGIN)
            assert "Bu Sri" in (await other.get("/petugas")).text
            await app.desk_sign_in("kode-sup")
            response = await _post(app, f"{DIRECTORY}/petugas/1/status", {"aktif": "0"})
            assert response.status_code == 303
            shown = (await app.client.get(response.headers["location"])).text
            assert "Petugas #1 dinonaktifkan" in shown
            assert "Bu Sri" not in (await other.get("/petugas")).text
            again = await other.get("/petugas")
            form = {"csrf": desk_token(again.text), "secret": "kode-a"}
            refused = await other.post("/petugas/masuk", data=form, headers=SAME_ORIGIN)
            assert refused.status_code == 200 and "salah" in refused.text
            response = await _post(app, f"{DIRECTORY}/petugas/1/status", {"aktif": "1"})
            assert response.status_code == 303
            again = await other.get("/petugas")
            form = {"csrf": desk_token(again.text), "secret": "kode-a"}
            signed = await other.post("/petugas/masuk", data=form, headers=SAME_ORIGIN)
            assert signed.status_code == 303
    events = await directory_events(service.storage)
    assert [(e.action, e.actor, e.officer_id) for e in reversed(events)] == [
        ("officer_deactivated", "officer:3", 1),
        ("officer_reactivated", "officer:3", 1),
    ]


async def test_a_supervisor_cannot_deactivate_themselves(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-sup")
        response = await _post(app, f"{DIRECTORY}/petugas/3/status", {"aktif": "0"})
        assert "diri sendiri" in (await app.client.get(response.headers["location"])).text
    assert (await _officer(service, 3)).active


async def test_a_new_access_code_is_shown_once_never_in_a_url_or_log(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    await scoped_setup(service)
    caplog.set_level(logging.DEBUG)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-sup")
        response = await _post(app, f"{DIRECTORY}/petugas/1/kode", {})
        assert response.status_code == 200 and "location" not in response.headers
        assert response.headers["cache-control"] == "no-store"
        code = re.search(r'<p class="code" id="kode">([^<]+)</p>', response.text)
        assert code
        new = code.group(1)
        assert "hanya ditampilkan sekali" in response.text
        assert new not in caplog.text
        listing = (await app.client.get(DIRECTORY)).text
        assert new not in listing
    async with running_app(service) as fresh:
        assert (await fresh.desk_sign_in("kode-a")).status_code == 200  # the old code is void
        # Typed on a phone: capitals and spaces for the dashes still sign in.
        assert (await fresh.desk_sign_in(new.upper().replace("-", " "))).status_code == 303
    events = await directory_events(service.storage)
    assert [(e.action, e.officer_id, e.detail) for e in events] == [("access_code_issued", 1, {})]


async def test_a_password_set_on_the_desk_is_argon2_and_signs_in(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-sup")
        path = f"{DIRECTORY}/petugas/1/sandi"
        short = await _post(app, path, {"sandi": "pendek", "ulangi": "pendek"})
        assert short.status_code == 400 and "minimal 10 huruf" in short.text
        differ = await _post(app, path, {"sandi": "rahasia-baru-1", "ulangi": "rahasia-baru-2"})
        assert differ.status_code == 400 and "tidak sama" in differ.text
        done = await _post(app, path, {"sandi": "rahasia-baru-1", "ulangi": "rahasia-baru-1"})
        assert done.status_code == 303 and "rahasia" not in done.headers["location"]
    assert (await _officer(service, 1)).password_hash.startswith("$argon2")  # type: ignore[union-attr]
    async with running_app(service) as fresh:
        assert (await fresh.desk_sign_in("rahasia-baru-1", officer="1")).status_code == 303


async def test_a_supervisor_adds_a_centre_and_an_officer_in_their_regency(
    service: Service,
) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-sup")
        centre = {"kode": "plm-tanggulangin", "nama": "Pusat Tanggulangin",
                  "tingkat": "village", "wilayah": "33.05.05.2002"}  # fmt: skip
        response = await _post(app, f"{DIRECTORY}/pusat", centre)
        assert response.status_code == 303
        officer = {"pusat": "plm-tanggulangin", "nama": "Mas Joko", "peran": "officer",
                   "saluran": "whatsapp", "akun": "0812-3456-7890"}  # fmt: skip
        response = await _post(app, f"{DIRECTORY}/petugas", officer)
        assert response.status_code == 303
        page = (await app.client.get(DIRECTORY)).text
        assert "Pusat Tanggulangin" in page and "Mas Joko" in page
    async with service.storage.sessions() as session:
        row = await session.scalar(select(OfficerRow).where(OfficerRow.name == "Mas Joko"))
    assert row and (row.centre_id, row.channel_user_id, row.role) == (
        "plm-tanggulangin",
        "6281234567890",
        "officer",
    )
    events = await directory_events(service.storage)
    assert [(e.action, e.centre_id, e.detail) for e in reversed(events)] == [
        ("centre_added", "plm-tanggulangin", {"kind": "village"}),
        ("officer_added", "plm-tanggulangin", {"role": "officer"}),
    ]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"kode": "Plm A!", "nama": "X", "tingkat": "village", "wilayah": "33.05.05.2002"},
         "Kode pusat hanya boleh huruf kecil"),
        ({"kode": "plm-a", "nama": "X", "tingkat": "village", "wilayah": "33.05.05.2002"},
         "Kode pusat itu sudah dipakai"),
        ({"kode": "plm-x", "nama": "", "tingkat": "village", "wilayah": "33.05.05.2002"},
         "Tulis nama pusat layanan"),
        ({"kode": "plm-x", "nama": "X", "tingkat": "regency", "wilayah": "33.05.05.2002"},
         "Pilih tingkat pusat layanan dari daftar"),
        ({"kode": "plm-x", "nama": "X", "tingkat": "village", "wilayah": "33.05.99.9999"},
         "Kode wilayah 33.05.99.9999 tidak dikenal"),
        ({"kode": "plm-x", "nama": "X", "tingkat": "village", "wilayah": "desa saya"},
         "bukan kode wilayah Kemendagri"),
    ],
)  # fmt: skip
async def test_a_bad_centre_form_gets_a_plain_indonesian_message(
    service: Service, form: dict[str, str], message: str
) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-sup")
        response = await _post(app, f"{DIRECTORY}/pusat", form)
        assert response.status_code == 400
        assert message in response.text and 'role="alert"' in response.text
    assert await directory_events(service.storage) == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"nama": "", "peran": "officer", "saluran": "telegram", "akun": "9"},
         "Tulis nama petugas"),
        ({"nama": "A", "peran": "raja", "saluran": "telegram", "akun": "9"},
         "Pilih peran dari daftar"),
        ({"nama": "A", "peran": "officer", "saluran": "telegram", "akun": "@sri"},
         "ID Telegram berupa angka"),
        ({"nama": "A", "peran": "officer", "saluran": "whatsapp", "akun": "12345"},
         "Nomor WhatsApp tidak dikenali"),
        ({"nama": "A", "peran": "officer", "saluran": "sms", "akun": "9"},
         "Pilih saluran chat"),
        ({"nama": "A", "peran": "officer", "saluran": "telegram", "akun": "11"},
         "sudah terdaftar"),
    ],
)  # fmt: skip
async def test_a_bad_officer_form_gets_a_plain_indonesian_message(
    service: Service, form: dict[str, str], message: str
) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-sup")
        response = await _post(app, f"{DIRECTORY}/petugas", {"pusat": "plm-a", **form})
        assert response.status_code == 400
        assert message in response.text and 'role="alert"' in response.text
    assert await directory_events(service.storage) == []


async def test_a_deactivated_centre_gets_no_new_cases_until_reactivated(service: Service) -> None:
    await scoped_setup(service)
    codes = ["33.05.05.2001", "33.05.05", "33.05", "33"]
    async with running_app(service) as app:
        await app.desk_sign_in("kode-sup")
        page = (await app.client.get(DIRECTORY)).text
        assert f'action="{DIRECTORY}/pusat/dinas-kebumen/status"' not in page  # nor by hand:
        own = await _post(app, f"{DIRECTORY}/pusat/dinas-kebumen/status", {"aktif": "0"})
        assert "sendiri tidak bisa" in (await app.client.get(own.headers["location"])).text
        assert (
            await _post(app, f"{DIRECTORY}/pusat/plm-a/status", {"aktif": "0"})
        ).status_code == 303
        async with service.storage.unit_of_work() as uow:
            assert (await uow.route(codes)).id == "dinas-kebumen"
        assert "nonaktif" in (await app.client.get(DIRECTORY)).text
        await _post(app, f"{DIRECTORY}/pusat/plm-a/status", {"aktif": "1"})
        async with service.storage.unit_of_work() as uow:
            assert (await uow.route(codes)).id == "plm-a"
    async with service.storage.sessions() as session:
        assert list(await session.scalars(select(OfficerSessionRow.officer_id))) == [3]


async def test_the_directory_shows_its_scopes_recent_changes_in_plain_words(
    service: Service,
) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-adm")
        assert "Belum ada perubahan yang tercatat" in (await app.client.get(DIRECTORY)).text
        await _post(app, f"{DIRECTORY}/petugas/2/kode", {})  # Pak Budi, Wonosobo
        await _post(app, f"{DIRECTORY}/petugas/1/status", {"aktif": "0"})  # Bu Sri, Kebumen
        everything = (await app.client.get(DIRECTORY)).text
    assert "Bu Admin membuat kode akses baru untuk petugas Pak Budi (2)" in everything
    async with running_app(service) as app:
        await app.desk_sign_in("kode-sup")
        page = (await app.client.get(DIRECTORY)).text
    # The supervisor sees what happened in Kebumen only; the national administrator, outside
    # their scope, by number.
    assert "petugas nomor 4 menonaktifkan petugas Bu Sri (1)" in page
    assert "kode akses baru untuk petugas" not in page and "Pak Budi" not in page
