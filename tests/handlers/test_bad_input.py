"""Bad input always gets a clear, polite answer from triage, the retriever and the engine."""

from __future__ import annotations

import pytest

from bot.composition import Service
from knowledge.base import KnowledgeBase
from knowledge.safety import assess
from tests.helpers import say

BAD_INPUTS = [
    "",
    "   \n\t ",
    "a" * 2000,
    "paspor" * 333,
    "🙏🙏😭",
    "abc 我的 كيف ok",
    "\x00\x01 paspor \u200b",
    "?!?!?!",
    "1234567890" * 50,
]


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_triage_and_ranking_never_crash(knowledge: KnowledgeBase, text: str) -> None:
    assert assess(text).level in {"urgent", "check", "calm"}
    knowledge.rank(text)


@pytest.mark.parametrize("text", BAD_INPUTS)
async def test_the_engine_answers_bad_input_politely(service: Service, text: str) -> None:
    answer = await say(service.engine, text, user_id="bad-input")
    assert answer.strip()
    assert "Traceback" not in answer
