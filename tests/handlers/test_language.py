"""Language: a first English question is answered in English; switching in words works."""

from __future__ import annotations

import pytest

from bot.composition import Service
from handlers.language import looks_english, requested_language
from tests.helpers import say, verify_dialog


@pytest.mark.parametrize(
    "text",
    [
        "how much does it cost to work in Taiwan",
        "my passport was taken by my agency",
        "what are the requirements to work abroad",
    ],
)
def test_english_questions_are_detected(text: str) -> None:
    assert looks_english(text)


@pytest.mark.parametrize(
    "text", ["berapa biaya ke taiwan", "paspor saya ditahan agen", "kursus bahasa inggris", "ok"]
)
def test_indonesian_and_short_messages_are_not_english(text: str) -> None:
    assert not looks_english(text)


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("can you answer in English?", "en"),
        ("english please", "en"),
        ("pakai bahasa Indonesia", "id"),
        ("bahasa indonesia aja", "id"),
        ("kursus bahasa inggris untuk ke hongkong", None),
    ],
)
def test_language_requests_in_words(text: str, locale: str | None) -> None:
    assert requested_language(text) == locale


async def test_first_english_question_gets_english_and_a_switch(service: Service) -> None:
    answer = await say(service.engine, "what are the requirements to work abroad", user_id="en1")
    assert "Source" in answer and "Sumber:" not in answer
    assert "Bahasa Indonesia" in answer  # the one-tap way back
    # The switch back is one tap, and the language stays for the next messages.
    back = await say(service.engine, "", payload="lang:id", user_id="en1")
    assert "Bahasa sudah diganti" in back


async def test_later_english_question_does_not_flip_an_indonesian_conversation(
    service: Service,
) -> None:
    await say(service.engine, "berapa umur minimal jadi pmi", user_id="id1")
    answer = await say(service.engine, "what are the requirements to work abroad", user_id="id1")
    assert "Source" not in answer


async def test_asking_for_english_and_back_in_words(service: Service) -> None:
    await verify_dialog(
        service.engine,
        [
            ("can you answer in English", ["English", "Choose a topic"]),
            ("pakai bahasa Indonesia", ["Bahasa Indonesia", "Pilih topik"]),
        ],
        user_id="sw1",
    )


async def test_menu_offers_the_language(service: Service) -> None:
    menu = await say(service.engine, "menu", user_id="m1")
    assert "English" in menu


async def test_first_english_officer_request_has_one_numbered_menu(service: Service) -> None:
    answer = await say(service.engine, "can I talk to an officer please", user_id="en2")
    assert "agree" in answer.lower()
    assert answer.count("\n1. ") == 1  # the language button joined the consent choices
