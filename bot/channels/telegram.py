"""Telegram through python-telegram-bot as transport: updates to Inbound, outbox items to sends.

The Application is built with updater(None) in webhook mode and fed from our own route
(PTB's examples/customwebhookbot); one catch-all TypeHandler turns each Update into an Inbound.
We hold the Bot, we do not inherit from it.
"""

from __future__ import annotations

import hmac
import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from telegram import (
    CallbackQuery,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.warnings import PTBDeprecationWarning

from bot.channels.common import hashed
from bot.channels.gateway import ChannelGateway, queue_inbounds, receive_or_queue
from bot.channels.markup import to_html
from bot.channels.sender import Failed, Parts, Retry, SendResult, Sent
from bot.channels.split import split_text
from bot.messages import Button, Channel, Inbound, InboundKind, Outbound, Recipient
from storage.inbound_queue import SqlInboundQueue
from storage.outbox import SqlOutbox

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name, not a secret)
TEXT_LIMIT = 4096
CALLBACK_DATA_BYTES = 64
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
_BOT_SUFFIX = re.compile(r"^(/[A-Za-z0-9_]+)@[A-Za-z0-9_]+")


def secret_matches(header: str | None, secret: str | None) -> bool:
    """Return True when the webhook secret header equals ours (always True when none is set)."""
    if secret is None:
        return True
    return header is not None and hmac.compare_digest(header.encode(), secret.encode())


def parse_update(data: dict[str, Any], bot: Any) -> Update | None:
    """Parse an update body; None for a malformed one (answered 200 so Telegram stops resending)."""
    try:
        return Update.de_json(data, bot)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None


def update_to_inbound(update: Update) -> Inbound | None:
    """Turn an update from a private chat into an Inbound; None for what the bot ignores.

    Edited messages are ignored: the original was answered already, and answering the edit
    again would repeat the conversation. Groups are ignored: the bot serves private chats.
    """
    if update.callback_query is not None:
        return _callback_inbound(update.callback_query)
    message = update.message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return None
    base: dict[str, Any] = {
        "channel": Channel.TELEGRAM,
        "user_id": str(message.chat.id),
        "message_id": f"m:{message.chat.id}:{message.message_id}",
        "display_name": message.from_user.first_name if message.from_user else None,
    }
    if message.text is not None:
        # Desktop clients send "/start@BotName PAYLOAD": the engine wants "/start PAYLOAD".
        return Inbound(**base, text=_BOT_SUFFIX.sub(r"\1", message.text))
    if _is_service_message(message):
        return None
    return Inbound(**base, text=message.caption or "", kind=InboundKind.MEDIA)


def _callback_inbound(query: CallbackQuery) -> Inbound | None:
    """Turn a pressed inline button in a private chat into a button Inbound."""
    chat = query.message.chat if query.message is not None else None
    if chat is not None and chat.type != ChatType.PRIVATE:
        return None
    if not query.data:
        return None
    user_id = str(chat.id) if chat is not None else str(query.from_user.id)
    return Inbound(
        channel=Channel.TELEGRAM,
        user_id=user_id,
        message_id=f"cb:{query.id}",
        payload=query.data,
        kind=InboundKind.BUTTON,
        display_name=query.from_user.first_name,
    )


def _is_service_message(message: Message) -> bool:
    """Return True for chat events (pins, new members) rather than something the user sent."""
    return bool(message.pinned_message or message.new_chat_members or message.left_chat_member)


def block_change(update: Update) -> tuple[Recipient, bool] | None:
    """Return (user, active) when a private-chat user blocked or unblocked the bot."""
    member = update.my_chat_member
    if member is None or member.chat.type != ChatType.PRIVATE:
        return None
    status = member.new_chat_member.status
    active = status not in (ChatMember.BANNED, ChatMember.LEFT)
    return Recipient(Channel.TELEGRAM, str(member.chat.id)), active


class TelegramChannel:
    """Owns the PTB Application: webhook or polling, and the catch-all update handler."""

    def __init__(
        self,
        token: str,
        api_base: str,
        gateway: ChannelGateway,
        outbox: SqlOutbox,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
    ) -> None:
        self.gateway = gateway
        self.outbox = outbox
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        api_base = api_base.rstrip("/")
        builder = (
            Application.builder()
            .token(token)
            .base_url(f"{api_base}/bot")
            .base_file_url(f"{api_base}/file/bot")
        )
        if webhook_url:
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        # The inbound queue keeps a failed turn that could not be recorded, so a worker parks
        # it with the apology. With queue_updates (MIGRASI_INBOUND_QUEUE_OVER=0) every webhook
        # update is stored there and answered 200, and a worker runs its turn.
        self.queue: SqlInboundQueue | None = None
        self.queue_updates = False
        self.on_queued: Callable[[], None] = lambda: None

    @property
    def bot(self) -> Any:
        """Return the Bot the application holds."""
        return self.application.bot

    async def start(self) -> None:
        """Initialise the bot, register the webhook or start polling."""
        await self.application.initialize()
        await self.application.start()
        if self.webhook_url:
            try:
                await self.bot.set_webhook(
                    url=self.webhook_url,
                    secret_token=self.webhook_secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
            except TelegramError:
                log.exception("could not register the Telegram webhook")
        elif self.application.updater is not None:
            await self.application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)

    async def stop(self) -> None:
        """Stop polling and the application."""
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def feed(self, data: dict[str, Any]) -> None:
        """Process one webhook update; waits on our database only, never on Telegram.

        The update is handled here rather than through process_update, which would swallow
        errors: a database that is down must reach the route, which answers 503 so that
        Telegram redelivers the update.
        """
        update = parse_update(data, self.bot)
        if update is None:
            log.warning("malformed Telegram update ignored")
            return
        await self._dispatch(update, queue_all=self.queue_updates)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Catch-all handler of polled updates."""
        await self._dispatch(update)

    async def _dispatch(self, update: Update, *, queue_all: bool = False) -> None:
        """Handle one update: block events, button presses and messages (queued if asked)."""
        change = block_change(update)
        if change is not None:
            recipient, active = change
            log.info("telegram user %s active=%s", hashed(recipient.user_id), active)
            await self.outbox.set_active(recipient, active)
            return
        query = update.callback_query
        if query is not None:
            # Stops the client's spinner; run in the background so the webhook answers fast.
            self.application.create_task(self._answer(query), update=update)
        inbound = update_to_inbound(update)
        if inbound is None:
            return
        if inbound.payload is not None:
            inbound = replace(inbound, payload=await self.outbox.expand_payload(inbound.payload))
        if queue_all and self.queue is not None:
            await queue_inbounds(
                self.queue, [inbound], self.gateway.max_input_chars, self.on_queued
            )
            return
        await receive_or_queue(self.gateway, inbound, self.queue, self.on_queued)

    @staticmethod
    async def _answer(query: CallbackQuery) -> None:
        """Answer a callback query, ignoring failures (it may be too old)."""
        try:
            await query.answer()
        except TelegramError as error:
            log.info("answerCallbackQuery failed: %s", type(error).__name__)

    @staticmethod
    async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log handler errors without user data."""
        log.error("telegram update failed: %r", type(context.error).__name__)


def _retry_after(error: RetryAfter) -> timedelta:
    """Return Telegram's requested wait (an int or a timedelta, depending on PTB's settings)."""
    with warnings.catch_warnings():
        # PTB 22 warns that the int form will become a timedelta; both are handled here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        after = error.retry_after
    return after if isinstance(after, timedelta) else timedelta(seconds=after)


class TelegramSender:
    """Sends outbox items through the held Bot; inline keyboards, 4096-character chunks."""

    channel = "telegram"
    window: timedelta | None = None

    def __init__(self, bot: Any, outbox: SqlOutbox) -> None:
        self.bot = bot
        self.outbox = outbox

    def reopen_template(self) -> Outbound | None:
        """Telegram has no service window, so no template."""
        return None

    async def keyboard(self, choices: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
        """Render choices as an inline keyboard, one per row; long payloads get short keys."""
        if not choices:
            return None
        rows = [
            [
                InlineKeyboardButton(
                    choice.label[:64],
                    callback_data=await self.outbox.shorten_payload(
                        choice.payload, CALLBACK_DATA_BYTES
                    ),
                )
            ]
            for choice in choices
        ]
        return InlineKeyboardMarkup(rows)

    async def send(
        self, recipient: Recipient, message: Outbound, template: bool, parts: Parts | None = None
    ) -> SendResult:
        """Send the chunks not yet accepted, the keyboard on the last one; classify errors."""
        parts = parts or Parts()
        text = message.text
        if message.options_title and message.options:
            text = f"{text}\n\n{message.options_title}"
        chunks = split_text(text, TEXT_LIMIT) or ["…"]
        markup = await self.keyboard(message.choices)
        ids: list[str] = []
        for index, chunk in enumerate(chunks):
            if index < parts.already:
                continue  # accepted on an earlier attempt
            last = index == len(chunks) - 1
            try:
                sent = await self.bot.send_message(
                    chat_id=int(recipient.user_id),
                    text=to_html(chunk),
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup if last else None,
                )
            except RetryAfter as error:
                return Retry("telegram flood control", after=_retry_after(error))
            except Forbidden:
                return Failed("telegram 403 forbidden", blocked=True)
            except BadRequest as error:
                return Failed(f"telegram bad request: {error.message[:120]}")
            except NetworkError as error:
                return Retry(f"telegram network {type(error).__name__}")
            except TelegramError as error:
                return Retry(f"telegram {type(error).__name__}")
            # Telegram message ids count per chat: qualify them so receipts stay unique.
            accepted = [f"tg:{recipient.user_id}:{sent.message_id}"]
            await parts.accepted(index, accepted, last=last)
            ids.extend(accepted)
        return Sent(ids)
