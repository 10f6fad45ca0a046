"""The user's own data: /export of everything kept about them, /delete of all of it, and the
retention policy (when a user was last seen, and purging those silent too long)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import Reminder, User
from coach.db.repositories import (
    CheckInRepository,
    DeliveryRepository,
    ReminderRepository,
    ScoreRepository,
    UserRepository,
)
from coach.domain.habits import SAFETY_ORDER
from coach.services.inbox import forget_handled
from coach.services.progress import ProgressView, load_progress
from coach.services.refusals import Refusal, Why, refused
from coach.services.targets import TargetBook

log = logging.getLogger(__name__)

SEEN_RESOLUTION = timedelta(days=1)  # last_seen_at is kept to within a day
SEEN_MEMO = 100_000  # users noted today that this process remembers


@dataclass(frozen=True)
class ExportData:
    """Everything stored about one user, for /export."""

    language: str
    progress: ProgressView | None  # None before the plan starts
    settings: tuple[tuple[str, str], ...]  # (name, value)
    checkins: tuple[tuple[date, str, str, str, str], ...]  # day, habit, status, detail, note
    scores: tuple[tuple[int, str, int, date], ...]  # week, symptom, score, the user's day


@dataclass(frozen=True)
class Deletion:
    """Which account a /delete confirmation is for: its creation time in µs, so an old
    button can't erase an account made after it."""

    key: int
    language: str


class AccountService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], book: TargetBook) -> None:
        self._sessionmaker = sessionmaker
        self._book = book
        self._seen: dict[int, date] = {}  # user -> the UTC day this process noted them

    async def export(self, user_id: int, now: datetime) -> ExportData | Refusal:
        """/export: the user's own rows, and nobody else's. Refused for an unknown user."""
        async with self._sessionmaker() as session:
            user = await session.get(User, user_id)
            if user is None:
                return refused(Why.NOTHING_TO_EXPORT, user)
            progress = None
            if user.enrolled:
                progress = await load_progress(session, self._book, user, user.today(now))
            reminders = await ReminderRepository(session).of_user(user_id)
            checkins = await CheckInRepository(session).of_user(user_id)
            scores = await ScoreRepository(session).of_user(user_id)
            return ExportData(
                language=user.language,
                progress=progress,
                settings=_settings_rows(user, reminders),
                checkins=tuple(
                    (c.day, c.habit, c.status, c.detail or "", c.note or "") for c in checkins
                ),
                scores=tuple(
                    (s.week, s.symptom, s.score, user.today(s.recorded_at)) for s in scores
                ),
            )

    async def deletion(self, user_id: int) -> Deletion | Refusal:
        """What a /delete confirmation carries."""
        async with self._sessionmaker() as session:
            user = await session.get(User, user_id)
            if user is None:
                return refused(Why.NOTHING_TO_DELETE, user)
            return Deletion(_key(user), user.language)

    async def delete(self, user_id: int, key: int) -> Deletion | Refusal:
        """/delete, confirmed: every row about the user, in every table. Refused (stale) if
        there is nothing to delete, or the confirmation was for an earlier account."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or _key(user) != key:
                return refused(Why.STALE, user)
            deleted = Deletion(key, user.language)
            await _erase(session, user_id)
            return deleted

    async def seen(self, user_id: int, now: datetime) -> None:
        """The user sent something: noted for the retention policy, at most one write a
        day per user (a memo here, and the statement writes nothing if another instance
        noted it within the day). Best effort: a failure is logged, never the user's."""
        day = now.date()
        if self._seen.get(user_id) == day:
            return
        if len(self._seen) >= SEEN_MEMO:
            self._seen.clear()
        try:
            async with self._sessionmaker.begin() as session:
                await UserRepository(session).seen(user_id, now, now - SEEN_RESOLUTION)
        except Exception as error:  # the update itself goes on, and says what failed
            log.warning("could not note that a user was seen (%s)", type(error).__name__)
            return
        self._seen[user_id] = day

    async def silent(self, cutoff: datetime, limit: int) -> list[int]:
        """Users who have sent nothing since `cutoff` (at most `limit`), the longest silent
        first: who the retention policy purges next."""
        async with self._sessionmaker() as session:
            return await UserRepository(session).silent_since(cutoff, limit)

    async def purge(self, user_ids: list[int], cutoff: datetime) -> int:
        """Every row about each of these users, as /delete would, unless they were seen
        since `cutoff` after all (back between the list and now); how many were purged."""
        purged = 0
        for user_id in user_ids:
            async with self._sessionmaker.begin() as session:
                user = await UserRepository(session).locked(user_id)
                if user is None or user.last_seen_at >= cutoff:
                    continue  # deleted, or back, meanwhile
                await _erase(session, user_id)
                purged += 1
        return purged


async def _erase(session: AsyncSession, user_id: int) -> None:
    """Every row about the user, in the caller's transaction, which holds the user's row.
    Children first: no reliance on ON DELETE CASCADE (SQLite enforces it only with its
    foreign_keys pragma on)."""
    await DeliveryRepository(session).delete_all(user_id)
    await CheckInRepository(session).delete_all(user_id)
    await ScoreRepository(session).delete_all(user_id)
    await ReminderRepository(session).delete_all(user_id)
    # The updates of theirs the inbox kept (ids only, once handled).
    await forget_handled(session, user_id)
    await UserRepository(session).delete(user_id)


def _key(user: User) -> int:
    return round(user.created_at.timestamp() * 1_000_000)  # microseconds


def _settings_rows(user: User, reminders: list[Reminder]) -> tuple[tuple[str, str], ...]:
    rows = [
        ("language", user.language),
        ("timezone", user.timezone or ""),
        ("plan_started_on", user.plan_started_on.isoformat() if user.plan_started_on else ""),
        ("plan_completed_on", user.plan_completed_on.isoformat() if user.plan_completed_on else ""),
        ("maintenance", str(user.maintenance).lower()),
        ("day_ends_at", user.day_ends_at.strftime("%H:%M") if user.day_ends_at else "00:00"),
        ("paused", str(user.paused).lower()),
        *((f"safety_{flag}", str(flag in user.safety).lower()) for flag in SAFETY_ORDER),
    ]
    for reminder in reminders:
        at = reminder.local_time.strftime("%H:%M") if reminder.local_time else ""
        state = "on" if reminder.enabled else "off"
        rows.append((f"reminder_{reminder.kind}", f"{state} {at}".strip()))
        # Switched on or off mid-plan: counted from, and off since.
        for name, day in (("since", reminder.coached_since), ("off_since", reminder.off_since)):
            if day is not None:
                rows.append((f"reminder_{reminder.kind}_{name}", day.isoformat()))
    return tuple(rows)
