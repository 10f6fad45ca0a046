"""Who an admin's announcement goes to: every active user (not blocked), in their language."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import Announcement
from coach.db.repositories import UserRepository


class AnnouncementService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def recipients(self) -> list[tuple[int, str]]:
        """(user id, language) of every active user, by id."""
        async with self._sessionmaker() as session:
            return await UserRepository(session).active_languages()

    async def take_send(
        self, chat_id: int, message_id: int, name: str, now: datetime
    ) -> list[tuple[int, str]] | None:
        """The Send of the preview (chat_id, message_id): its recipients, once, for the
        first tap on it in the whole deployment; None for every later one."""
        try:
            async with self._sessionmaker.begin() as session:
                session.add(
                    Announcement(chat_id=chat_id, message_id=message_id, name=name, sent_at=now)
                )
        except IntegrityError:
            return None
        return await self.recipients()

    async def audience(self) -> Counter[str]:
        """How many active users speak each language (the dry run)."""
        return Counter(language for _, language in await self.recipients())

    async def blocked(self, user_ids: Collection[int]) -> None:
        """Telegram said these users blocked the bot: no reminder goes to them either."""
        if user_ids:
            async with self._sessionmaker.begin() as session:
                await UserRepository(session).deactivate(user_ids)
