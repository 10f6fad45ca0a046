"""Configuration from the environment (and an optional .env file).

Nothing here runs at import time: call `load_settings()`.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# A BotFather token: the bot's numeric id, a colon, then a long url-safe secret.
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
# Words of a placeholder left in place (deploy/.env.example, the README's quick start): such
# a value is public, so it is refused even where it has the right shape.
# Phrases, not single words: a real token's 35 random characters never spell them.
PLACEHOLDER = re.compile(
    r"replace-with|paste-your|your-token|placeholder|example|change-?me", re.IGNORECASE
)
TOKEN_HELP = (
    "a token is the bot's number, a colon and about 35 letters, digits, - or _ "
    "(like 110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw); "
    "get yours from @BotFather in Telegram (/newbot, or /token for an existing bot)"
)
# The drivers the bot runs on, and what to write instead of the common near misses.
DATABASE_HELP = "sqlite+aiosqlite:///coach.db or postgresql+asyncpg://user:password@host/db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SUPPORTED_LANGUAGES = ("en", "ko")
# What Telegram accepts as a webhook's secret_token (1-256 of these), at least 16 long: a
# guessable secret is none.
WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


class ConfigError(Exception):
    """The environment does not describe a runnable bot. The message is one line, secret-free."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite+aiosqlite:///coach.db"
    log_level: str = "INFO"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    default_language: str = "en"
    # Reminders: how late a missed reminder may still go out, and broadcast pacing.
    reminder_grace_minutes: float = Field(120, ge=0)
    dispatch_interval_seconds: float = Field(30, gt=0, le=30)
    # How long a claimed reminder belongs to its process before another may take it over.
    delivery_lease_seconds: float = Field(60, ge=5)
    # Deliveries older than this are deleted by the bot itself (hourly). Taps reach three
    # days back and a week's digest one week: two weeks is the least that keeps them working.
    delivery_retention_days: float = Field(35, ge=14)
    # Users who have sent nothing for this long are purged, every row about them, as /delete
    # would (hourly). At least 90 days: a user quiet for a few weeks of the plan is kept. 0
    # turns the policy off.
    user_retention_days: float = Field(365, ge=0)
    paid_broadcast: bool = False  # must precede broadcast_rate, whose check reads it
    broadcast_rate: float = Field(25, gt=0, le=1000)
    broadcast_per_chat_seconds: float = Field(1, ge=0)
    broadcast_throttle: bool = True  # off only for benchmarks against a fake server
    # A Bot API request's limit to connect, and to wait for each part of its answer.
    bot_api_timeout_seconds: float = Field(5, gt=0, le=60)
    # Updates handled at once, across users (one user's are always handled in order); 1
    # handles them one at a time.
    max_concurrent_updates: int = Field(64, ge=1, le=1000)
    # Flood control: at most this many updates from one user in any window of seconds.
    flood_max_updates: int = Field(20, ge=1)
    flood_window_seconds: float = Field(5, gt=0)
    log_format: str = "text"  # or "json": one JSON object per line
    # `coach webhook`: where Telegram posts updates (WEBHOOK_URL + WEBHOOK_PATH) and where
    # this process listens; Telegram echoes WEBHOOK_SECRET in a header on every post.
    webhook_url: str | None = None
    webhook_path: str = "/telegram"
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(8080, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    # /healthz and /metrics on their own port; 0 switches them off.
    metrics_listen: str = "127.0.0.1"  # compose.yaml sets 0.0.0.0 inside its network
    metrics_port: int = Field(8321, ge=0, le=65535)
    # /healthz reports unhealthy when due reminders wait longer than this.
    max_dispatch_lag_seconds: float = Field(300, gt=0)

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in re.split(r"[,\s]+", value) if part)
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value.upper()

    @field_validator("user_retention_days")
    @classmethod
    def _long_enough(cls, value: float) -> float:
        if 0 < value < 90:
            raise ValueError("must be at least 90 (days), or 0 to keep users until /delete")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"not a database URL; write {DATABASE_HELP}") from None
        backend, _, driver = url.drivername.partition("+")  # no dialect is loaded
        if backend in ("postgres", "postgresql") and driver != "asyncpg":
            raise ValueError(
                "PostgreSQL needs the asyncpg driver: write postgresql+asyncpg://user:password@host/db"
            )
        if backend == "sqlite" and driver != "aiosqlite":
            raise ValueError(
                "SQLite needs the aiosqlite driver: write sqlite+aiosqlite:///coach.db"
            )
        if backend not in ("postgresql", "sqlite"):
            raise ValueError(f"{backend} is not supported; write {DATABASE_HELP}")
        return value

    @property
    def bot_api_base_url(self) -> str:
        return f"{self.telegram_api_url}/bot"

    @property
    def bot_api_file_url(self) -> str:
        return f"{self.telegram_api_url}/file/bot"

    @field_validator("broadcast_rate")
    @classmethod
    def _free_rate_limit(cls, value: float, info) -> float:  # type: ignore[no-untyped-def]
        # Beyond about 30 messages/s Telegram wants paid broadcasts (allow_paid_broadcast).
        if value > 30 and not info.data.get("paid_broadcast"):
            raise ValueError("above 30/s needs PAID_BROADCAST=true")
        return value

    @field_validator("log_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value.lower() not in ("text", "json"):
            raise ValueError("must be text or json")
        return value.lower()

    @field_validator("webhook_path")
    @classmethod
    def _leading_slash(cls, value: str) -> str:
        return "/" + value.strip("/")

    def webhook(self) -> tuple[str, str]:
        """The public webhook URL and the secret, or ConfigError naming what is missing."""
        if not self.webhook_url:
            raise ConfigError("WEBHOOK_URL is not set (the public https URL Telegram posts to).")
        public = urlsplit(self.webhook_url)
        if public.scheme != "https" or not public.hostname:
            raise ConfigError(
                "WEBHOOK_URL must be an https:// URL with a host name (Telegram posts only to "
                "https), like https://bot.example.com."
            )
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        make_one = "make one with: openssl rand -hex 32"
        if not secret:
            raise ConfigError(f"WEBHOOK_SECRET is not set ({make_one}).")
        if not WEBHOOK_SECRET_PATTERN.match(secret):
            raise ConfigError(
                f"WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ and - ({make_one})."
            )
        if PLACEHOLDER.search(secret):
            raise ConfigError(
                "WEBHOOK_SECRET still holds the example's placeholder, which is public "
                f"({make_one})."
            )
        return self.webhook_url.rstrip("/") + self.webhook_path, secret

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def token(self) -> str:
        """The bot token, or ConfigError with a clear line when it is missing or malformed."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise ConfigError(f"TELEGRAM_BOT_TOKEN is not set: {TOKEN_HELP}.")
        value = self.telegram_bot_token.get_secret_value().strip()
        if PLACEHOLDER.search(value):
            raise ConfigError(f"TELEGRAM_BOT_TOKEN still holds a placeholder: {TOKEN_HELP}.")
        if not TOKEN_PATTERN.match(value):
            raise ConfigError(f"TELEGRAM_BOT_TOKEN is not a bot token: {TOKEN_HELP}.")
        return value


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment; ConfigError (one line, no secrets) if invalid."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper()}: "
            + err["msg"].removeprefix("Value error, ")
            for err in exc.errors()
        )
        raise ConfigError(f"Invalid configuration: {problems}") from None


__all__ = ["SUPPORTED_LANGUAGES", "ConfigError", "Settings", "load_settings"]
