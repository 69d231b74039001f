"""Property tests: the text parsers never raise, whatever arrives (surrogates and NUL included)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.telegram import parse_update, update_to_inbound
from bot.channels.whatsapp import parse_webhook
from bot.engine import clean_text, scrub_inbound
from bot.messages import Inbound
from knowledge.normalize import fold, normalize, words
from knowledge.regions import RegionIndex
from knowledge.rupiah import parse_rupiah
from tests.webapp import load

# Bounded: a few seconds per property on a shared 2-core machine.
BOUNDED = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
# Any code point, lone surrogates and NUL included, plus the digits and words these parse.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=200) | st.sampled_from(
    ["²", "Rp 5.000.000", "5jt", "\x00", "\ud800", "desa \udfff kec", "1,5 juta", "٣ juta"]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=20,
)


@BOUNDED
@given(ANY_TEXT)
def test_normaliser_never_raises(text: str) -> None:
    assert isinstance(fold(text), str)
    assert isinstance(normalize(text), str)
    assert isinstance(words(text), list)
    cleaned, _ = clean_text(text, 2000)
    cleaned.encode("utf-8")  # storable: no lone surrogate survives


@BOUNDED
@given(ANY_TEXT)
def test_rupiah_parser_returns_a_whole_amount_or_nothing(text: str) -> None:
    amount = parse_rupiah(text)
    assert amount is None or (isinstance(amount, int) and amount >= 0)


@settings(BOUNDED, max_examples=60)
@given(ANY_TEXT)
def test_village_resolver_never_raises(text: str) -> None:
    resolution = RegionIndex.load().resolve(text)
    assert resolution is not None


def _whatsapp_with(message: dict[str, Any]) -> dict[str, Any]:
    data = load("whatsapp/inbound_text.json")
    data["entry"][0]["changes"][0]["value"]["messages"] = [message]
    return data


@BOUNDED
@given(JSON, st.dictionaries(st.sampled_from(["from", "id", "type", "text"]), JSON))
def test_whatsapp_parser_never_raises(data: Any, message: dict[str, Any]) -> None:
    for payload in (data, _whatsapp_with(message)):
        events = parse_webhook(payload)
        for inbound in events.inbounds:
            assert isinstance(inbound, Inbound)


@BOUNDED
@given(JSON, ANY_TEXT)
def test_telegram_parser_never_raises(data: Any, text: str) -> None:
    base = load("telegram/private_text.json")
    base["message"]["text"] = text
    for payload in (data, base):
        update = parse_update(payload, None) if isinstance(payload, dict) else None
        inbound = update_to_inbound(update) if update is not None else None
        if inbound is not None:
            scrubbed = scrub_inbound(inbound)
            (scrubbed.user_id + scrubbed.message_id + (scrubbed.payload or "")).encode("utf-8")
