"""Who the user is and which language they read."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.repositories import UserRepository
from coach.domain.language import pick_language


class UserService:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        supported: tuple[str, ...],
        default_language: str,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._supported = supported
        self._default = default_language

    def _language_from_telegram(self, telegram_code: str | None) -> str:
        return pick_language(telegram_code, self._supported, self._default)

    async def language_for(self, user_id: int, telegram_code: str | None) -> str:
        """The user's saved language, or the one Telegram suggests for someone new. Read-only."""
        async with self._sessionmaker() as session:
            language = await UserRepository(session).language(user_id)
        return language if language is not None else self._language_from_telegram(telegram_code)
