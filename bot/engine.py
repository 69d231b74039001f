"""The dialog engine: one inbound message in, one stored turn, the replies out."""

from __future__ import annotations

import logging
import re
import traceback
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.i18n import Translator
from bot.messages import Button, Inbound, InboundKind, Outbound
from bot.ports import Contact, Conversation, Storage, StorageUnavailable, UnitOfWork
from handlers.base import KEEP, NUMBERS_ARE_TEXT, Handler, HandlerContext, RegionLookup, Reply
from knowledge.base import KnowledgeBase

log = logging.getLogger(__name__)

LAST_CHOICES = "_choices"  # slot: payloads of the numbered choices last shown
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]"
)
# What no database column or UTF-8 encoder accepts: NUL and lone surrogates.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """Engine limits taken from Settings."""

    default_locale: str = "id"
    max_input_chars: int = 2000
    dialog_timeout: timedelta = timedelta(hours=24)
    # Replies to these channels go into the outbox in the turn's transaction (a sender delivers).
    outbox_channels: frozenset[str] = frozenset()


def _never_exempt(_inbound: Inbound) -> bool:
    """Exempt no message from the limit (the default)."""
    return False


@dataclass(frozen=True, slots=True)
class SenderLimit:
    """A per-sender limit on messages per clock minute, counted in the turn's transaction.

    Counted in the database, so every worker shares one limit; counted with the turn, so a
    turn the database failed (and the platform redelivers) is not counted.
    """

    per_minute: int
    # The one polite answer to the first message over the limit; later ones get none.
    notice: Outbound
    # Messages answered whatever the count (someone in danger is never told to slow down).
    exempt: Callable[[Inbound], bool] = _never_exempt


@dataclass(slots=True)
class Turn:
    """What one inbound produced: the replies and what the answering handler decided."""

    messages: list[Outbound]
    handler: str | None = None
    reply: Reply | None = None
    duplicate: bool = False
    # "warn" (the notice was the answer) or "drop" when the sender's limit refused it.
    limited: str | None = None


class UnrecordedTurnError(Exception):
    """A turn failed and so did recording it: the caller must deliver the apology itself.

    Raised only for outbox channels, whose replies reach the user through the outbox alone;
    nothing of the turn was stored, so a returned apology would be silently lost.
    """

    def __init__(self, apology: Outbound) -> None:
        super().__init__("the failed turn could not be recorded")
        self.apology = apology


def describe_failure(error: BaseException) -> str:
    """Return an error's type and where it was raised, without its message (it may quote input)."""
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    where = " <- ".join(f"{frame.name} ({frame.filename}:{frame.lineno})" for frame in frames[::-1])
    return f"{type(error).__name__} at {where or 'unknown'}"


def scrub(value: str) -> str:
    """Replace NUL and lone surrogates, which PostgreSQL and UTF-8 refuse, by U+FFFD."""
    return _UNSTORABLE.sub("\ufffd", value)


def scrub_inbound(inbound: Inbound) -> Inbound:
    """Make every string of an inbound storable; the text is cleaned separately."""
    return replace(
        inbound,
        user_id=scrub(inbound.user_id),
        message_id=scrub(inbound.message_id),
        payload=scrub(inbound.payload) if inbound.payload is not None else None,
        display_name=scrub(inbound.display_name) if inbound.display_name else None,
    )


def clean_text(text: str, limit: int) -> tuple[str, bool]:
    """Remove control and invisible characters, normalise, cap the length; say if it was cut."""
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", text or "")).strip()
    if len(text) > limit:
        return text[:limit].rstrip(), True
    return text, False


class Engine:
    """Runs the ordered handler pipeline for each inbound message inside one unit of work."""

    def __init__(
        self,
        storage: Storage,
        pipeline: Sequence[Handler],
        knowledge: KnowledgeBase,
        translator: Translator,
        options: EngineOptions | None = None,
        clock: Callable[[], datetime] | None = None,
        regions: RegionLookup | None = None,
    ) -> None:
        self.storage = storage
        self.pipeline = tuple(pipeline)
        self.knowledge = knowledge
        self.translator = translator
        self.options = options or EngineOptions()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.regions = regions

    async def handle(self, inbound: Inbound) -> list[Outbound]:
        """Handle one inbound message and return the replies to its sender (the rest are queued)."""
        return [
            message for message in (await self.handle_turn(inbound)).messages if message.to is None
        ]

    async def handle_turn(self, inbound: Inbound, limit: SenderLimit | None = None) -> Turn:
        """Handle one inbound message and return the whole turn, counting it under `limit`."""
        text, truncated = clean_text(inbound.text, self.options.max_input_chars)
        inbound = replace(scrub_inbound(inbound), text=text)
        try:
            async with self.storage.unit_of_work() as uow:
                turn = await self._turn(uow, inbound, truncated, limit)
                await uow.commit()
                return turn
        except StorageUnavailable:
            # Nothing of the turn was stored, the inbound included: the channel answers 503
            # and the platform's redelivery runs the turn again once the database is back.
            log.warning("turn on channel %s rolled back: database unavailable", inbound.channel)
            raise
        except Exception as error:
            # A handler bug: the user still gets a polite answer and the inbound is claimed,
            # so a redelivery does not loop on the bug. Only the input's shape is logged.
            log.error(
                "turn failed on channel %s (%s, %d characters): %s",
                inbound.channel,
                inbound.kind,
                len(inbound.text),
                describe_failure(error),
            )
            return await self._failed_turn(inbound, limit is not None)

    async def _turn(
        self, uow: UnitOfWork, inbound: Inbound, truncated: bool, limit: SenderLimit | None
    ) -> Turn:
        """Run the pipeline inside an open unit of work."""
        claim = (inbound.channel, inbound.message_id, inbound.user_id, self.options.default_locale)
        if limit is None:
            contact = await uow.claim_and_contact(*claim)
        else:
            count, contact = await uow.count_and_claim(*claim, limit.per_minute)
            if count > limit.per_minute:
                if not limit.exempt(inbound):
                    return await self._refused(uow, inbound, limit, count)
                contact = await uow.claim_and_contact(*claim)
        if contact is None:
            return Turn([], duplicate=True)
        now = self.clock()
        conversation = await uow.load_conversation(contact.id)
        self._expire_stale_dialog(conversation, now)
        inbound = self._resolve_number(inbound, conversation)
        ctx = HandlerContext(
            contact=contact,
            conversation=conversation,
            store=uow,
            knowledge=self.knowledge,
            i18n=self.translator.for_locale(contact.locale),
            clock=self.clock,
            i18n_for=self.translator.for_locale,
            regions=self.regions,
        )
        handler_name, reply = await self._run_pipeline(inbound, ctx)
        self._mark_urgent(reply)
        # The language may have changed during the turn (/bahasa): translate the notice with it.
        if truncated:
            notice = self.translator.for_locale(ctx.contact.locale)._(
                "Pesan Anda sangat panjang, jadi hanya bagian awalnya yang saya baca."
            )
            reply.messages.insert(0, Outbound(notice))
        if not reply.forget_contact:
            self._apply(reply, conversation)
            await uow.save_conversation(contact.id, conversation)
            await self._log(uow, ctx.contact, inbound, handler_name, reply, now)
        await self._enqueue(uow, inbound, reply.messages, now)
        return Turn(reply.messages, handler_name, reply)

    async def _refused(
        self, uow: UnitOfWork, inbound: Inbound, limit: SenderLimit, count: int
    ) -> Turn:
        """Answer a message over the sender's limit: the notice the first time, then nothing.

        The message is not claimed (its redelivery is counted and judged again); the notice
        is queued in the count's transaction, so both are stored or neither.
        """
        if count != limit.per_minute + 1:
            return Turn([], limited="drop")
        await self._enqueue(uow, inbound, [limit.notice], self.clock())
        return Turn([limit.notice], limited="warn")

    async def _enqueue(
        self, uow: UnitOfWork, inbound: Inbound, messages: list[Outbound], now: datetime
    ) -> None:
        """Queue replies for outbox channels, and every message addressed to somebody else.

        A message to another person (an officer's notice, an officer's answer to a user) can
        only reach them later, whatever their channel, so it always goes through the outbox.
        """
        for message in messages:
            recipient = message.to or inbound.sender
            if message.to is not None or recipient.channel in self.options.outbox_channels:
                await uow.enqueue(message, recipient, now)

    async def _run_pipeline(self, inbound: Inbound, ctx: HandlerContext) -> tuple[str, Reply]:
        """Return the first handler's reply; the last handler (fallback) always answers."""
        for handler in self.pipeline:
            reply = await handler.handle(inbound, ctx)
            if reply is not None:
                return handler.name, reply
        raise RuntimeError("the handler pipeline has no fallback")

    def _expire_stale_dialog(self, conversation: Conversation, now: datetime) -> None:
        """Close a dialog the user left long ago; handlers keep drafts in slots to resume."""
        updated = conversation.updated_at
        if conversation.state and updated and now - updated > self.options.dialog_timeout:
            conversation.state = None

    @staticmethod
    def _mark_urgent(reply: Reply) -> None:
        """Flag an urgent turn's first answer to the sender, so channels can style it."""
        if not reply.urgent:
            return
        for index, message in enumerate(reply.messages):
            if message.to is None:
                reply.messages[index] = replace(message, urgent=True)
                return

    @staticmethod
    def _resolve_number(inbound: Inbound, conversation: Conversation) -> Inbound:
        """Turn a typed number into the payload of the numbered choice last shown."""
        choices = conversation.slots.get(LAST_CHOICES) or []
        if conversation.state and conversation.slots.get(NUMBERS_ARE_TEXT) == conversation.state:
            return inbound
        text = inbound.text.strip().rstrip(".")
        if (
            inbound.payload is None
            and text.isascii()
            and text.isdecimal()
            and 1 <= int(text) <= len(choices)
        ):
            return replace(inbound, payload=choices[int(text) - 1], kind=InboundKind.BUTTON)
        return inbound

    @staticmethod
    def _apply(reply: Reply, conversation: Conversation) -> None:
        """Apply the reply's state changes and remember the choices just offered."""
        if reply.slots is not None:
            conversation.slots = dict(reply.slots)
        if reply.state is not KEEP:
            conversation.state = reply.state  # type: ignore[assignment]
        own = [message for message in reply.messages if message.to is None]
        offered: list[Button] = [choice for message in own for choice in message.choices]
        conversation.slots[LAST_CHOICES] = [choice.payload for choice in offered]

    @staticmethod
    async def _log(
        uow: UnitOfWork,
        contact: Contact,
        inbound: Inbound,
        handler: str,
        reply: Reply,
        now: datetime,
    ) -> None:
        """Store the turn; message text only for contacts who agreed to it."""
        keep_text = contact.consent_at is not None
        inbound_text = inbound.text or inbound.payload or ""
        await uow.log_message(
            contact.id, "in", inbound_text if keep_text else None, handler, reply.topic, now
        )
        for message in reply.messages:
            if message.to is None:
                await uow.log_message(
                    contact.id,
                    "out",
                    message.text if keep_text else None,
                    handler,
                    reply.topic,
                    now,
                )

    async def _failed_turn(self, inbound: Inbound, counted: bool) -> Turn:
        """Answer politely after a handler bug, claiming the inbound and resetting the dialog.

        The failed turn's count was rolled back with it: a `counted` message is counted
        again, so a message that trips a bug cannot escape the sender's limit.
        """
        try:
            async with self.storage.unit_of_work() as uow:
                if counted:
                    await uow.count_message(inbound.channel, inbound.user_id)
                await uow.claim_inbound(inbound.channel, inbound.message_id)
                contact = await uow.contact_for(
                    inbound.channel, inbound.user_id, self.options.default_locale
                )
                conversation = await uow.load_conversation(contact.id)
                conversation.state = None  # keep the slots: an intake draft can still resume
                await uow.save_conversation(contact.id, conversation)
                message = self.apology(contact.locale)
                # The apology is queued with the claim: both are stored, or neither.
                await self._enqueue(uow, inbound, [message], self.clock())
                await uow.commit()
        except StorageUnavailable:
            raise  # the whole turn is retried on the platform's redelivery
        except Exception as error:
            log.error("could not record the failed turn: %s", describe_failure(error))
            message = self.apology()
            if inbound.channel in self.options.outbox_channels:
                raise UnrecordedTurnError(message) from error
        return Turn([message], handler="error")

    def apology(self, locale: str | None = None) -> Outbound:
        """Return the polite answer to a turn that failed (in the default locale if None)."""
        i18n = self.translator.for_locale(locale or self.options.default_locale)
        return Outbound(
            i18n._("Maaf, ada gangguan di sistem kami. Silakan coba lagi sebentar lagi."),
            buttons=(Button(i18n._("Menu utama"), "menu"),),
        )
