"""Who the user is and which language they read."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.repositories import UserRepository
from coach.domain.awaiting import decode
from coach.domain.intake import Step
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

    async def close_question(self, user_id: int) -> None:
        """After a command: the question /settings or a note left open closes (the user
        moved on), so later text is read as what it is, not as a time zone, a time or a
        note. The intake's own question stays: it is where the intake waits. Most commands
        find none open: a read, and no write."""
        async with self._sessionmaker() as session:
            found = await UserRepository(session).awaiting(user_id)
        if found is None or decode(found[0]) is None or found[1] != Step.DONE:
            return
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is not None and user.intake_step == Step.DONE:
                user.question = None
