"""Data access. Repositories flush at most; the calling service owns the transaction."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime

from sqlalchemy import Date, SmallInteger, String, delete, func, literal, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from coach.db.models import CheckIn, Reminder, SymptomScore, User
from coach.domain.checkins import DISCOMFORT_AT_MOST, TOO_MUCH
from coach.domain.habits import HABITS, Habit, Symptom


def upsert_for(session: AsyncSession):  # type: ignore[no-untyped-def]
    """The dialect's INSERT, which has ON CONFLICT (both of ours do)."""
    return postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def locked(self, user_id: int) -> User | None:
        """The user row, fresh, locked for this transaction on PostgreSQL so that one
        user's concurrent taps serialise."""
        return await self.session.scalar(
            select(User)
            .where(User.id == user_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def get_or_create(self, user_id: int, language: str) -> User:
        """The user row, created with `language` if absent. Safe when two instances race."""
        insert = upsert_for(self.session)
        # The creation time to the microsecond, from here rather than the database's clock
        # (SQLite's has whole seconds): it tells one account from the next (see /delete).
        created = datetime.now(UTC)
        await self.session.execute(
            insert(User)
            .values(id=user_id, language=language, created_at=created, updated_at=created)
            .on_conflict_do_nothing()
        )
        user = await self.session.scalar(
            select(User).where(User.id == user_id).execution_options(populate_existing=True)
        )
        assert user is not None
        return user


class CheckInRepository:
    """One check-in per (user, habit, day): writes are upserts, so the last answer wins."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def save(
        self,
        user_id: int,
        habit: str,
        day: date,
        status: str,
        now: datetime,
        detail: str | None = None,
    ) -> tuple[str, str | None, str | None]:
        """Log the day. A new status clears the old follow-up answer; a detail sets it.
        Returns the row as it now stands: status, detail, note (a note is kept)."""
        insert = upsert_for(self.session)
        values = {"status": status, "detail": detail, "updated_at": now}
        result = await self.session.execute(
            insert(CheckIn)
            .values(user_id=user_id, habit=habit, day=day, **values)
            .on_conflict_do_update(index_elements=["user_id", "habit", "day"], set_=values)
            .returning(CheckIn.status, CheckIn.detail, CheckIn.note)
        )
        saved, saved_detail, note = result.one()
        return saved, saved_detail, note

    async def get(self, user_id: int, habit: str, day: date) -> CheckIn | None:
        return await self.session.scalar(
            select(CheckIn)
            .where(CheckIn.user_id == user_id, CheckIn.habit == habit, CheckIn.day == day)
            .execution_options(populate_existing=True)
        )

    async def remove(self, user_id: int, habit: str, day: date) -> None:
        await self.session.execute(
            delete(CheckIn).where(
                CheckIn.user_id == user_id, CheckIn.habit == habit, CheckIn.day == day
            )
        )

    async def set_note(self, user_id: int, habit: str, day: date, note: str, now: datetime) -> bool:
        """Attach a note to a logged day; False if nothing is logged there."""
        result = await self.session.execute(
            update(CheckIn)
            .where(CheckIn.user_id == user_id, CheckIn.habit == habit, CheckIn.day == day)
            .values(note=note, updated_at=now)
        )
        return result.rowcount == 1

    async def between(self, user_id: int, first: date, last: date) -> list[CheckIn]:
        return list(
            await self.session.scalars(
                select(CheckIn).where(
                    CheckIn.user_id == user_id, CheckIn.day >= first, CheckIn.day <= last
                )
            )
        )


class ScoreRepository:
    """Symptom ratings, one per (user, week, symptom); week 0 is the baseline."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def save(self, user_id: int, week: int, symptom: str, score: int, now: datetime) -> None:
        insert = upsert_for(self.session)
        values = {"score": score, "recorded_at": now}
        await self.session.execute(
            insert(SymptomScore)
            .values(user_id=user_id, week=week, symptom=symptom, **values)
            .on_conflict_do_update(index_elements=["user_id", "week", "symptom"], set_=values)
        )

    async def by_week(self, user_ids: Collection[int]) -> dict[int, dict[int, dict[Symptom, int]]]:
        """Every rating of these users: user -> week -> symptom -> score."""
        rows = await self.session.execute(
            select(
                SymptomScore.user_id, SymptomScore.week, SymptomScore.symptom, SymptomScore.score
            ).where(SymptomScore.user_id.in_(user_ids))
        )
        users: dict[int, dict[int, dict[Symptom, int]]] = {}
        for user_id, week, symptom, score in rows:
            users.setdefault(user_id, {}).setdefault(week, {})[Symptom(symptom)] = score
        return users

    async def rated_weeks(self, user_ids: Collection[int], symptoms: int) -> list[tuple[int, int]]:
        """(user, week) of every weekly check-in rated in full."""
        rows = await self.session.execute(
            select(SymptomScore.user_id, SymptomScore.week)
            .where(SymptomScore.user_id.in_(user_ids), SymptomScore.week >= 1)
            .group_by(SymptomScore.user_id, SymptomScore.week)
            .having(func.count() >= symptoms)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def coached_habits(session: AsyncSession, user_id: int) -> tuple[Habit, ...]:
    """The habits the user has switched on, in the plan's order."""
    kinds = set(
        await session.scalars(
            select(Reminder.kind).where(Reminder.user_id == user_id, Reminder.enabled)
        )
    )
    return tuple(h for h in HABITS if h in kinds)


async def tolerance_inputs(
    session: AsyncSession, user_ids: Collection[int]
) -> list[tuple[int, str | None, date | None, int | None]]:
    """The tolerance rule's inputs in one query: (user, habit, day, None) for each "too much"
    answer, and (user, None, None, week) for each weekly digestion rating of discomfort."""
    too_much = select(
        CheckIn.user_id,
        CheckIn.habit.label("habit"),
        CheckIn.day.label("day"),
        literal(None, SmallInteger).label("week"),
    ).where(CheckIn.user_id.in_(user_ids), CheckIn.detail == TOO_MUCH)
    discomfort = select(
        SymptomScore.user_id,
        literal(None, String).label("habit"),
        literal(None, Date).label("day"),
        SymptomScore.week,
    ).where(
        SymptomScore.user_id.in_(user_ids),
        SymptomScore.symptom == Symptom.DIGESTION,
        SymptomScore.week >= 1,
        SymptomScore.score <= DISCOMFORT_AT_MOST,
    )
    rows = await session.execute(union_all(too_much, discomfort))
    return [tuple(row) for row in rows]  # type: ignore[misc]
