"""Settings read from MIGRASI_* environment variables (and an optional .env file)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.inquiries import AnswerWindows

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
    # The address users and officers open, e.g. https://migrasi.example.go.id. An https address
    # makes the officer desk's cookie Secure; its origin is accepted on the desk's forms.
    public_url: str | None = None
    # Proxies whose X-Forwarded-For/-Proto are believed (comma-separated addresses or "*").
    # Everyone else's forwarded headers are ignored, so lockout sees the real address.
    trusted_proxies: str = "127.0.0.1"
    max_body_bytes: int = Field(default=256_000, ge=1024)

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
        return self
