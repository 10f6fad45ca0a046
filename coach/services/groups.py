"""Group chats: the bot coaches one person at a time, in private."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.repositories import GroupRepository


class GroupService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def first_word(self, chat_id: int, now: datetime) -> bool:
        """True the first time the bot hears from this group (say so, once); False after,
        across restarts and instances."""
        async with self._sessionmaker.begin() as session:
            return await GroupRepository(session).first_heard(chat_id, now)
