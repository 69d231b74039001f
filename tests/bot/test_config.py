"""Settings: production refuses to start without the secrets that authenticate the webhooks."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.config import Settings

TELEGRAM_WEBHOOK = {
    "telegram_token": "123456:real-looking-token",
    "telegram_webhook_url": "https://bot.example/webhooks/telegram",
}
WHATSAPP = {
    "whatsapp_access_token": "EAAG-real-looking-token",
    "whatsapp_phone_number_id": "100000000000002",
    "whatsapp_app_secret": "0123456789abcdef0123456789abcdef",
    "whatsapp_verify_token": "a-long-verify-token",
}


def _production(**values: Any) -> Settings:
    return Settings(environment="production", database_url="sqlite:///x.db", **values)


def test_telegram_webhook_without_secret_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="TELEGRAM_WEBHOOK_SECRET"):
        _production(**TELEGRAM_WEBHOOK)
    assert _production(**TELEGRAM_WEBHOOK, telegram_webhook_secret="s3cret_for-real")
    # Polling needs no webhook secret; development allows the missing one with a warning.
    assert _production(telegram_token="123456:real-looking-token")
    assert Settings(database_url="sqlite:///x.db", **TELEGRAM_WEBHOOK)


@pytest.mark.parametrize("missing", ["whatsapp_app_secret", "whatsapp_verify_token"])
def test_whatsapp_without_app_secret_or_verify_token_is_refused_in_production(
    missing: str,
) -> None:
    values = {key: value for key, value in WHATSAPP.items() if key != missing}
    with pytest.raises(ValidationError, match=missing.upper()):
        _production(**values)
    assert _production(**WHATSAPP)
    assert _production()  # no WhatsApp at all


def test_log_level_is_validated() -> None:
    assert Settings(log_level="debug").log_level == "DEBUG"
    with pytest.raises(ValidationError):
        Settings(log_level="chatty")


def test_serve_applies_the_log_level_and_keeps_parameter_loggers_quiet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import logging

    import uvicorn

    from bot.web import app as web_app

    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    quiet = {name: logging.getLogger(name).level for name in ("aiosqlite", "sqlalchemy.engine")}
    configs: list[uvicorn.Config] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda server: configs.append(server.config))
    try:
        web_app.serve(Settings(database_url="sqlite:///x.db", log_level="debug"))
        assert root.level == logging.DEBUG
        assert configs[0].log_level == "debug"
        assert logging.getLogger("aiosqlite").level == logging.INFO
        assert logging.getLogger("sqlalchemy.engine").level == logging.WARNING
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        for name, level in quiet.items():
            logging.getLogger(name).setLevel(level)


async def test_database_errors_never_quote_bound_parameters(database_url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from storage.database import create_engine

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError) as raised:
                await connection.execute(
                    text("SELECT no_such_column FROM no_such_table WHERE x = :phone"),
                    {"phone": "6281277712345 Pak Darmo"},
                )
    finally:
        await engine.dispose()
    assert "Pak Darmo" not in str(raised.value)
    assert "hidden" in str(raised.value)


def test_httpx_request_lines_stay_quiet_at_info_so_the_telegram_token_is_not_logged() -> None:
    import logging

    from bot.config import configure_logging

    root = logging.getLogger()
    saved = (root.level, list(root.handlers), logging.getLogger("httpx").level)
    try:
        configure_logging("INFO")
        assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
        assert logging.getLogger("httpx").isEnabledFor(logging.WARNING)
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        logging.getLogger("httpx").setLevel(saved[2])
