"""Logging setup. The bot token is in every Bot API URL, so it is scrubbed from every record."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

# Kept at WARNING: HTTP libraries log every request's URL, the token in it; aiosqlite and
# SQLAlchemy's engine log every statement with its parameters (notes and scores).
QUIET_LOGGERS = ("httpx", "httpcore", "aiosqlite", "sqlalchemy")
REDACTED = "[REDACTED]"
# The token rides in every Bot API URL (/bot<TOKEN>/method, /file/bot<TOKEN>/...): any run of
# non-blanks through "/bot" is taken for one. And anything shaped like a BotFather token.
_BOT_URL = re.compile(r"\S*/bot[^\s/]+\S*", re.IGNORECASE)
_TOKEN_SHAPED = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")


def secrets_pattern(secrets: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching each secret in any case (PTB capitalizes a BadRequest's message,
    lower-casing a token quoted in it); None when there are none."""
    escaped = sorted((re.escape(s) for s in secrets if s), key=len, reverse=True)
    return re.compile("|".join(escaped), re.IGNORECASE) if escaped else None


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """The text without the secrets, any URL through /bot<token>, or anything shaped like a
    token: for text that is stored or shown, where a log filter cannot reach."""
    if not text:
        return text
    pattern = secrets_pattern(secrets)
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    return _TOKEN_SHAPED.sub(REDACTED, _BOT_URL.sub(REDACTED, text))


class RedactSecrets(logging.Filter):
    """Replaces each secret with a placeholder in the rendered message of every record."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._pattern = secrets_pattern(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        message = record.getMessage()
        text = self._pattern.sub(REDACTED, message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._pattern.sub(REDACTED, record.exc_text)
        if text != message:
            record.msg, record.args = text, None
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message and the traceback. The
    traceback is the redacted text RedactSecrets left on the record, never formatted anew."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, secrets: list[str], json_lines: bool = False) -> None:
    """Log to stderr at `level`, as text or JSON lines. httpx stays at WARNING because it
    logs every request URL; aiosqlite and SQLAlchemy's engine because they log every
    statement with its parameters, and those hold notes and scores (health data)."""
    handler = logging.StreamHandler(sys.stderr)
    text = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler.setFormatter(JSONFormatter() if json_lines else text)
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
