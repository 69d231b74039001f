"""Text in a script the bot cannot read gets language help, never a guessed answer."""

from __future__ import annotations

import pytest

from bot.composition import Service
from handlers.script_help import foreign_script
from tests.helpers import say


@pytest.mark.parametrize(
    ("text", "foreign"),
    [
        ("كيف أسافر للعمل في السعودية", True),  # Arabic
        ("我想去台湾工作", True),  # Chinese
        ("ขอความช่วยเหลือ", True),  # Thai
        ("paspor ditahan majikan", False),
        ("kafil saya marah", False),
        ("🙏🙏😭", False),
        ("", False),
        ("gaji 1.500 NT$ 我的老板", False),  # mostly Latin with a few characters
    ],
)
def test_foreign_script_is_recognised(text: str, foreign: bool) -> None:
    assert foreign_script(text) is foreign


@pytest.mark.parametrize("text", ["كيف أسافر للعمل في السعودية", "我想去台湾工作，怎么办"])
async def test_arabic_or_chinese_text_gets_the_language_help_reply(
    service: Service, text: str
) -> None:
    answer = await say(service.engine, text, user_id="script-1")
    assert "huruf latin" in answer
    assert "Tanya petugas" in answer or "petugas" in answer.lower()
