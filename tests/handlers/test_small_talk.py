"""Small talk gets a warm, short answer; distress also offers an officer."""

from __future__ import annotations

import pytest

from bot.composition import Service
from handlers.small_talk import Talk, small_talk
from tests.helpers import say


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("makasih ya min", Talk.THANKS),
        ("terima kasih banyak kak", Talk.THANKS),
        ("🙏", Talk.THANKS),
        ("dadah kak", Talk.GOODBYE),
        ("sampai jumpa", Talk.GOODBYE),
        ("🙏🙏😭", Talk.DISTRESS),
        ("capek", Talk.DISTRESS),
        ("takut", Talk.DISTRESS),
        ("saya capek banget", Talk.DISTRESS),
        ("I am so tired", Talk.DISTRESS),
    ],
)
def test_small_talk_is_recognised(text: str, kind: Talk) -> None:
    assert small_talk(text) is kind


@pytest.mark.parametrize("text", ["saya takut dipecat majikan", "syarat ke taiwan", "🚀", "halo"])
def test_questions_are_not_small_talk(text: str) -> None:
    assert small_talk(text) is None


async def test_thanks_is_not_answered_with_the_scope_refusal(service: Service) -> None:
    answer = await say(service.engine, "makasih ya min", user_id="t1")
    assert "Sama-sama" in answer and "Saya hanya menjawab" not in answer


@pytest.mark.parametrize("text", ["🙏🙏😭", "capek", "takut"])
async def test_distress_gets_warmth_and_an_officer(service: Service, text: str) -> None:
    answer = await say(service.engine, text, user_id=f"d-{text}")
    assert "Anda tidak sendirian" in answer and "Tanya petugas" in answer
    assert "Saya hanya menjawab" not in answer


async def test_goodbye(service: Service) -> None:
    assert "Jaga diri" in await say(service.engine, "dadah kak", user_id="g1")
