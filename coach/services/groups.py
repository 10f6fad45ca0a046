"""Group chats: the bot coaches one person at a time, in private."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import GroupChat
from coach.db.repositories import upsert_for


class GroupService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def first_word(self, chat_id: int, now: datetime) -> bool:
        """True the first time the bot hears from this group (say so, once); False after,
        across restarts and instances."""
        async with self._sessionmaker.begin() as session:
            insert = upsert_for(session)
            result = await session.execute(
                insert(GroupChat)
                .values(chat_id=chat_id, told_at=now)
                .on_conflict_do_nothing()
                .returning(GroupChat.chat_id)
            )
            return result.first() is not None
