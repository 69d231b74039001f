"""WhatsApp Cloud API client: renders replies within Meta's limits and classifies send results."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx

from bot.channels.sender import Failed, Hold, Parts, Retry, SendResult, Sent
from bot.channels.split import split_text
from bot.i18n import Translator
from bot.messages import Button, Outbound, Recipient, numbered_text

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096
BODY_LIMIT = 1024
MAX_BUTTONS = 3
BUTTON_TITLE = 20
BUTTON_ID = 256
MAX_ROWS = 10
ROW_TITLE = 24
ROW_DESCRIPTION = 72
ROW_ID = 200
LIST_BUTTON = 20
SECTION_TITLE = 20  # Meta gives no figure; 20 is the smallest any provider documents
# Meta's throttling codes: wait and try again.
RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131056})
# Temporary server-side trouble.
TRANSIENT_CODES = frozenset({1, 2, 131000, 131016, 133004})
# Outside the 24-hour customer-service window ("re-engagement message").
WINDOW_CLOSED = 131047
# Token or permission trouble: an operator can fix it, so keep the messages and retry.
AUTH_CODES = frozenset({0, 10, 190, 200})
TEMPLATE_MARKER = "__template__"

Shortener = Callable[[str, int], Awaitable[str]]


def _clip(text: str, limit: int) -> str:
    """Cut a label to a platform limit, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def _keep(payload: str, _limit: int) -> str:
    """Return the payload unchanged (used when no shortener is configured)."""
    return payload


class WhatsAppSender:
    """Sends outbox items with POST /{phone_number_id}/messages; holds no state between sends."""

    channel = "whatsapp"
    window: timedelta | None = timedelta(hours=24)

    def __init__(
        self,
        api_base: str,
        phone_number_id: str,
        access_token: str,
        translator: Translator,
        template_name: str,
        template_language: str,
        shorten: Shortener = _keep,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
    ) -> None:
        self.client = httpx.AsyncClient(
            base_url=api_base.rstrip("/") + "/",
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=timeout,
            transport=transport,
        )
        self.path = f"{phone_number_id}/messages"
        self.i18n = translator.for_locale("id")
        self.template_name = template_name
        self.template_language = template_language
        self.shorten = shorten

    async def close(self) -> None:
        """Close the HTTP client."""
        await self.client.aclose()

    def reopen_template(self) -> Outbound | None:
        """Return the marker message that the sender swaps for the approved template."""
        return Outbound(TEMPLATE_MARKER)

    async def send(
        self, recipient: Recipient, message: Outbound, template: bool, parts: Parts | None = None
    ) -> SendResult:
        """Send the parts not yet accepted, in order; stop at the first part that fails."""
        parts = parts or Parts()
        bodies = [self.template_body()] if template else await self.render(message)
        ids: list[str] = []
        for index, body in enumerate(bodies):
            if index < parts.already:
                continue  # accepted on an earlier attempt
            envelope = {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": recipient.user_id,
                **body,
            }
            result = await self._post(envelope)
            if not isinstance(result, Sent):
                if index:
                    log.info("whatsapp message partly sent (%s of %s)", index, len(bodies))
                return result
            await parts.accepted(index, result.platform_ids, last=index == len(bodies) - 1)
            ids.extend(result.platform_ids)
        return Sent(ids)

    def template_body(self) -> dict[str, Any]:
        """Return the body of the approved re-engagement template."""
        return {
            "type": "template",
            "template": {
                "name": self.template_name,
                "language": {"code": self.template_language},
            },
        }

    async def render(self, message: Outbound) -> list[dict[str, Any]]:
        """Render a reply as text, reply buttons or a list, within every documented limit."""
        choices = message.choices
        if not choices:
            return [_text(chunk) for chunk in split_text(message.text, TEXT_LIMIT)]
        if len(choices) > MAX_ROWS:
            # Too many for one list: numbered text still works, the engine maps typed numbers.
            return [_text(chunk) for chunk in split_text(numbered_text(message), TEXT_LIMIT)]
        body = message.text.strip()
        bodies: list[dict[str, Any]] = []
        if len(body) > BODY_LIMIT or not body:
            bodies.extend(_text(chunk) for chunk in split_text(body, TEXT_LIMIT))
            body = message.options_title or self.i18n._("Silakan pilih:")
            body = _clip(body, BODY_LIMIT)
        if not message.options and len(message.buttons) <= MAX_BUTTONS:
            bodies.append(await self._buttons(body, message.buttons))
        else:
            bodies.append(await self._list(body, message.options_title, choices))
        return bodies

    async def _buttons(self, body: str, buttons: tuple[Button, ...]) -> dict[str, Any]:
        """Render up to three reply buttons."""
        rendered = [
            {
                "type": "reply",
                "reply": {
                    "id": await self.shorten(button.payload, BUTTON_ID),
                    "title": _clip(button.label, BUTTON_TITLE),
                },
            }
            for button in buttons
        ]
        return {
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": body},
                "action": {"buttons": rendered},
            },
        }

    async def _list(self, body: str, title: str, choices: tuple[Button, ...]) -> dict[str, Any]:
        """Render up to ten choices as one list section; a cut title keeps the full label below."""
        rows = []
        for choice in choices:
            row: dict[str, Any] = {
                "id": await self.shorten(choice.payload, ROW_ID),
                "title": _clip(choice.label, ROW_TITLE),
            }
            if len(choice.label) > ROW_TITLE:
                row["description"] = _clip(choice.label, ROW_DESCRIPTION)
            rows.append(row)
        section: dict[str, Any] = {"rows": rows}
        if title:
            section["title"] = _clip(title, SECTION_TITLE)
        return {
            "type": "interactive",
            "interactive": {
                "type": "list",
                "body": {"text": body},
                "action": {
                    "button": _clip(self.i18n._("Pilih"), LIST_BUTTON),
                    "sections": [section],
                },
            },
        }

    async def _post(self, body: dict[str, Any]) -> SendResult:
        """POST one message and classify the answer."""
        try:
            response = await self.client.post(self.path, json=body)
        except httpx.HTTPError as error:
            return Retry(f"network {type(error).__name__}")
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.is_success:
            ids = [item.get("id", "") for item in data.get("messages", []) if item.get("id")]
            return Sent(ids)
        error = data.get("error", {}) if isinstance(data, dict) else {}
        code = error.get("code")
        description = f"whatsapp {response.status_code} code {code}"
        if code == WINDOW_CLOSED:
            return Hold(description)
        if code in RATE_LIMIT_CODES or response.status_code == 429:
            return Retry(description, after=timedelta(seconds=60))
        if response.status_code >= 500 or code in TRANSIENT_CODES or code in AUTH_CODES:
            return Retry(description)
        if response.status_code in (401, 403):
            return Retry(description)
        return Failed(description)


def _text(chunk: str) -> dict[str, Any]:
    """Return a plain text message body."""
    return {"type": "text", "text": {"preview_url": False, "body": chunk}}
