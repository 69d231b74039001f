"""Settings read from MIGRASI_* environment variables (and an optional .env file)."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.inquiries import AnswerWindows

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Loggers that print bound parameters or whole statements (message text, phone numbers):
# never below these levels, whatever MIGRASI_LOG_LEVEL says.
QUIET_LOGGERS = {
    "aiosqlite": logging.INFO,
    "sqlalchemy.engine": logging.WARNING,
    # httpx logs every request's URL at INFO: Telegram's carries the bot token, and the
    # sender would write a line per reply it delivers.
    "httpx": logging.WARNING,
}

PLACEHOLDER_SECRETS = frozenset({"changeme", "change-me", "secret", "token", "xxx", "test"})


class Settings(BaseSettings):
    """Every setting of the service; built once in a composition root and passed down."""

    model_config = SettingsConfigDict(
        env_prefix="MIGRASI_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "production"] = "development"
    database_url: str = Field(
        default_factory=lambda: f"sqlite+aiosqlite:///{Path.cwd() / 'migrasi-aman.db'}"
    )
    default_locale: Literal["id", "en"] = "id"
    # Longest message the engine reads; the rest is cut before any handler sees it.
    max_input_chars: int = Field(default=2000, ge=100)
    # A dialog left unanswered this long is closed on the next message (intake keeps a draft).
    dialog_timeout_hours: int = Field(default=24, ge=1)
    # Knowledge answers below this score abstain and offer suggestions instead.
    answer_threshold: float | None = Field(default=None, ge=0, le=100)
    retention_days: int = Field(default=365, ge=1)
    # An unclaimed urgent case is sent to its officers again after this many minutes,
    # and escalates one level up (up to national) after the second number.
    urgent_renotify_minutes: int = Field(default=15, ge=1)
    urgent_escalate_minutes: int = Field(default=30, ge=2)
    log_level: str = "INFO"

    # Web service and channels (the channels issue uses these).
    host: str = "127.0.0.1"
    port: int = 8080
    telegram_token: SecretStr | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_access_token: SecretStr | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_api_base: str = "https://graph.facebook.com/v21.0"
    whatsapp_reopen_template: str = "ada_balasan_petugas"
    whatsapp_template_language: str = "id"
    rate_limit_per_minute: int = Field(default=20, ge=1)
    # Anonymous web chat: messages per minute from one address, and new browser ids an hour.
    web_rate_limit_per_address: int = Field(default=60, ge=1)
    web_new_ids_per_address: int = Field(default=10, ge=1)
    # OpenAPI pages (/docs, /redoc, /openapi.json); always on outside production.
    enable_docs: bool = False
    # The address users and officers open, e.g. https://migrasi.example.go.id. An https address
    # makes the officer desk's cookie Secure; its origin is accepted on the desk's forms.
    public_url: str | None = None
    # Proxies whose X-Forwarded-For/-Proto are believed (comma-separated addresses or "*").
    # Everyone else's forwarded headers are ignored, so lockout sees the real address.
    trusted_proxies: str = "127.0.0.1"
    max_body_bytes: int = Field(default=256_000, ge=1024)
    # Delivery: `serve` runs the outbox sender in-process unless a separate
    # `migrasi-aman sender` does it (`serve --no-sender` sets this to false).
    run_sender: bool = True
    sender_concurrency: int = Field(default=16, ge=1, le=256)
    sender_poll_seconds: float = Field(default=0.5, gt=0, le=60)
    # A claimed row whose sender died is claimed again after this; longer than any send.
    sender_lease_seconds: float = Field(default=120.0, ge=1)
    # Sends per second per sender process; the platforms' documented defaults are
    # 80 messages/s per WhatsApp business number and about 30/s per Telegram bot.
    whatsapp_sends_per_second: float = Field(default=80.0, gt=0)
    telegram_sends_per_second: float = Field(default=30.0, gt=0)
    # WhatsApp deliveries with more messages than this are stored in the inbound queue and
    # answered 200 at once; a worker (beside the sender) runs their turns. 0 queues every
    # delivery, and Telegram webhook updates too.
    inbound_queue_over: int = Field(default=20, ge=0)
    # Queued messages of different contacts one worker runs at once.
    inbound_concurrency: int = Field(default=4, ge=1, le=64)
    # A queued message whose worker died runs again after this.
    inbound_lease_seconds: float = Field(default=120.0, ge=1)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        """Accept a standard logging level name in any case."""
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"log level must be one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        """Accept plain postgresql:// and sqlite:// URLs by adding the async driver."""
        if value.startswith("postgresql://"):
            return "postgresql+asyncpg://" + value.removeprefix("postgresql://")
        if value.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + value.removeprefix("sqlite:///")
        return value

    @model_validator(mode="after")
    def _escalate_after_renotify(self) -> Settings:
        """Refuse an escalation that would come before the re-notification."""
        if self.urgent_escalate_minutes <= self.urgent_renotify_minutes:
            raise ValueError(
                "MIGRASI_URGENT_ESCALATE_MINUTES must be more than MIGRASI_URGENT_RENOTIFY_MINUTES"
            )
        return self

    def answer_windows(self) -> AnswerWindows:
        """Return when unclaimed inquiries are reminded and escalated."""
        return AnswerWindows(
            urgent_renotify=timedelta(minutes=self.urgent_renotify_minutes),
            urgent_escalate=timedelta(minutes=self.urgent_escalate_minutes),
        )

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_production(self) -> Settings:
        """Refuse obvious placeholder secrets outside development."""
        if self.environment != "production":
            return self
        for name in (
            "telegram_token",
            "telegram_webhook_secret",
            "whatsapp_verify_token",
            "whatsapp_app_secret",
            "whatsapp_access_token",
        ):
            secret = getattr(self, name)
            if secret is not None and secret.get_secret_value().lower() in PLACEHOLDER_SECRETS:
                raise ValueError(f"MIGRASI_{name.upper()} is a placeholder; set a real secret")
        self._required_secrets()
        return self

    def _required_secrets(self) -> None:
        """Refuse channels that would accept unauthenticated requests in production."""
        if self.telegram_token and self.telegram_webhook_url and not self.telegram_webhook_secret:
            # Without it anyone can post updates posing as any user, officers included.
            raise ValueError("MIGRASI_TELEGRAM_WEBHOOK_SECRET is required in webhook mode")
        whatsapp = (
            self.whatsapp_access_token,
            self.whatsapp_phone_number_id,
            self.whatsapp_app_secret,
            self.whatsapp_verify_token,
        )
        if any(whatsapp):
            for name in ("whatsapp_app_secret", "whatsapp_verify_token"):
                if not getattr(self, name):
                    raise ValueError(f"MIGRASI_{name.upper()} is required when WhatsApp is enabled")


def configure_logging(level: str) -> None:
    """Apply MIGRASI_LOG_LEVEL to the root logger, keeping parameter-printing loggers quiet."""
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    root_level = logging.getLogger().level
    for name, floor in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, root_level))
