"""Which language to talk to a user in."""

from __future__ import annotations


def pick_language(telegram_code: str | None, supported: tuple[str, ...], default: str) -> str:
    """The supported language matching Telegram's language_code ("ko", "ko-KR"), else default."""
    if telegram_code:
        primary = telegram_code.replace("_", "-").split("-", 1)[0].lower()
        if primary in supported:
            return primary
    return default
