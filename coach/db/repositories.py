"""Data access. Repositories flush at most; the calling service owns the transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from coach.db.models import User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def get_or_create(self, user_id: int, language: str) -> User:
        """The user row, created with `language` if absent. Safe when two instances race."""
        insert = (
            postgresql.insert if self.session.bind.dialect.name == "postgresql" else sqlite.insert
        )
        await self.session.execute(
            insert(User).values(id=user_id, language=language).on_conflict_do_nothing()
        )
        user = await self.session.scalar(
            select(User).where(User.id == user_id).execution_options(populate_existing=True)
        )
        assert user is not None
        return user
