"""Data access. Repositories flush at most; the calling service owns the transaction.

The statements of a tap's path (check-ins, /today) are built once, here, with bound
parameters: building a statement and computing its cache key cost more than running it
on SQLite, on every call.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    SmallInteger,
    String,
    and_,
    bindparam,
    case,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from coach.db.models import CheckIn, Delivery, GroupChat, Reminder, SymptomScore, User
from coach.domain.checkins import DISCOMFORT_AT_MOST, TOO_MUCH, CheckInStatus
from coach.domain.habits import Habit, Symptom
from coach.domain.intake import Step
from coach.domain.reminders import Kind, Status, coached
from coach.domain.symptoms import BASELINE_WEEK


def upsert_for(session: AsyncSession):  # type: ignore[no-untyped-def]
    """The dialect's INSERT, which has ON CONFLICT (both of ours do)."""
    return postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert


# -- the hot path's statements, built once -----------------------------------------------------

_USER_LOCKED = (
    select(User)
    .where(User.id == bindparam("user_id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)
_COACHED_KINDS = select(Reminder.kind).where(
    Reminder.user_id == bindparam("user_id"), Reminder.enabled
)
_CHECKINS_BETWEEN = select(CheckIn).where(
    CheckIn.user_id == bindparam("user_id"),
    CheckIn.day >= bindparam("first"),
    CheckIn.day <= bindparam("last"),
)
_CHECKIN_OF_DAY = and_(
    CheckIn.user_id == bindparam("user_id"),
    CheckIn.habit == bindparam("habit"),
    CheckIn.day == bindparam("day"),
)
_CHECKIN_GET = select(CheckIn).where(_CHECKIN_OF_DAY).execution_options(populate_existing=True)
_CHECKIN_REMOVE = delete(CheckIn.__table__).where(_CHECKIN_OF_DAY)


def _checkin_upsert(dialect_insert):  # type: ignore[no-untyped-def]
    """Log a day: a new status clears the old follow-up answer, the same status without
    one keeps it (Done on an older card of a day logged "Kimchi"); a note is kept."""
    table = CheckIn.__table__
    statement = dialect_insert(table)
    new = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["user_id", "habit", "day"],
        set_={
            "status": new.status,
            "detail": case(
                (and_(new.detail.is_(None), table.c.status == new.status), table.c.detail),
                else_=new.detail,
            ),
            "updated_at": new.updated_at,
        },
    ).returning(table.c.status, table.c.detail, table.c.note)


def _checkin_insert(dialect_insert):  # type: ignore[no-untyped-def]
    """Log a day nothing is logged for yet; no row back if something is."""
    table = CheckIn.__table__
    return (
        dialect_insert(table)
        .on_conflict_do_nothing(index_elements=["user_id", "habit", "day"])
        .returning(table.c.status, table.c.detail, table.c.note)
    )


_CHECKIN_UPSERT = {
    "postgresql": _checkin_upsert(postgresql.insert),
    "sqlite": _checkin_upsert(sqlite.insert),
}
_CHECKIN_INSERT = {
    "postgresql": _checkin_insert(postgresql.insert),
    "sqlite": _checkin_insert(sqlite.insert),
}
_WITH_DELIVERY_LOCKED = (
    select(User, Delivery)
    .outerjoin(
        Delivery,
        and_(Delivery.id == bindparam("delivery_id"), Delivery.user_id == User.id),
    )
    .where(User.id == bindparam("user_id"))
    .with_for_update(of=User)
    .execution_options(populate_existing=True)
)
_USER_IDS = bindparam("user_ids", expanding=True)
_TOLERANCE_INPUTS = union_all(
    select(
        CheckIn.user_id,
        CheckIn.habit.label("habit"),
        CheckIn.day.label("day"),
        literal(None, SmallInteger).label("week"),
    ).where(CheckIn.user_id.in_(_USER_IDS), CheckIn.detail == TOO_MUCH),
    select(
        SymptomScore.user_id,
        literal(None, String).label("habit"),
        literal(None, Date).label("day"),
        SymptomScore.week,
    ).where(
        SymptomScore.user_id.in_(_USER_IDS),
        SymptomScore.symptom == Symptom.DIGESTION,
        SymptomScore.week >= 1,
        SymptomScore.score <= DISCOMFORT_AT_MOST,
    ),
)


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def of_ids(self, user_ids: Collection[int]) -> list[User]:
        return list(await self.session.scalars(select(User).where(User.id.in_(user_ids))))

    async def locked(self, user_id: int) -> User | None:
        """The user row, fresh, locked for this transaction on PostgreSQL so that one
        user's concurrent taps serialise."""
        return await self.session.scalar(_USER_LOCKED, {"user_id": user_id})

    async def get_or_create(self, user_id: int, language: str) -> User:
        """The user row, created with `language` if absent. Safe when two instances race."""
        insert = upsert_for(self.session)
        # The creation time to the microsecond, from here rather than the database's clock
        # (SQLite's has whole seconds): it tells one account from the next (see /delete).
        created = datetime.now(UTC)
        await self.session.execute(
            insert(User)
            .values(
                id=user_id,
                language=language,
                created_at=created,
                updated_at=created,
                last_seen_at=created,
            )
            .on_conflict_do_nothing()
        )
        user = await self.session.scalar(
            select(User).where(User.id == user_id).execution_options(populate_existing=True)
        )
        assert user is not None
        return user

    async def language(self, user_id: int) -> str | None:
        """The user's saved language (one column, not the row); None for someone new."""
        return await self.session.scalar(select(User.language).where(User.id == user_id))

    async def awaiting(self, user_id: int) -> tuple[str | None, str] | None:
        """The question the user's next text answers and their intake step, read without
        the row or a lock. None: no such user."""
        row = (
            await self.session.execute(
                select(User.awaiting, User.intake_step).where(User.id == user_id)
            )
        ).one_or_none()
        return None if row is None else (row[0], row[1])

    async def delete(self, user_id: int) -> None:
        """The user's row (their children first: see AccountService.delete)."""
        await self.session.execute(delete(User).where(User.id == user_id))

    async def seen(self, user_id: int, now: datetime, unless_since: datetime) -> None:
        """The user sent something at `now`: written unless already seen since
        `unless_since` (the row's updated_at stays: nothing the user chose changed)."""
        await self.session.execute(
            update(User)
            .where(User.id == user_id, User.last_seen_at < unless_since)
            .values(last_seen_at=now, updated_at=User.updated_at)
        )

    async def silent_since(self, cutoff: datetime, limit: int) -> list[int]:
        """Users who have sent nothing since `cutoff`, the longest silent first."""
        return list(
            await self.session.scalars(
                select(User.id)
                .where(User.last_seen_at < cutoff)
                .order_by(User.last_seen_at)
                .limit(limit)
            )
        )

    async def active_languages(self) -> list[tuple[int, str]]:
        """(id, language) of every user who has not blocked the bot, by id."""
        rows = await self.session.execute(
            select(User.id, User.language).where(User.active).order_by(User.id)
        )
        return [(user_id, language) for user_id, language in rows]

    async def deactivate(self, user_ids: Collection[int]) -> None:
        """The users blocked the bot: no reminder goes to them until they /start again."""
        await self.session.execute(update(User).where(User.id.in_(user_ids)).values(active=False))

    async def count(self) -> int:
        """Everyone who has talked to the bot."""
        return await self.session.scalar(select(func.count()).select_from(User)) or 0

    async def count_coached(self, now: datetime) -> int:
        """Users enrolled, not blocked and not paused at `now`."""
        return (
            await self.session.scalar(
                select(func.count())
                .select_from(User)
                .where(
                    User.active,
                    User.intake_step == Step.DONE,
                    User.plan_started_on.is_not(None),
                    # Not paused: coach.domain.reminders.is_paused, in SQL (a pause that has
                    # run out is over, whatever the flag still says).
                    or_(~User.paused, User.paused_until <= now),
                )
            )
            or 0
        )

    async def count_completed(self) -> int:
        """Plans that reached their final report."""
        return (
            await self.session.scalar(
                select(func.count()).select_from(User).where(User.plan_completed_on.is_not(None))
            )
            or 0
        )


class ReminderRepository:
    """A user's reminder rows: one per habit, the weekly check-in and digest, the finale.

    The lock order (coach/reminders/store.py): a user's row before their reminders; every
    caller that writes here holds the user's row already (UserRepository.locked)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_user(self, user_id: int) -> list[Reminder]:
        """Every reminder row of the user, by kind."""
        return list(
            await self.session.scalars(
                select(Reminder).where(Reminder.user_id == user_id).order_by(Reminder.kind)
            )
        )

    async def locked(self, reminder_id: int) -> Reminder | None:
        """One row by id, locked for this transaction on PostgreSQL."""
        return await self.session.get(Reminder, reminder_id, with_for_update=True)

    async def coached_habits(self, user_id: int) -> tuple[Habit, ...]:
        """The habits the user has switched on, in the plan's order."""
        return coached(await self.session.scalars(_COACHED_KINDS, {"user_id": user_id}))

    async def coached_since(self, user_ids: Collection[int]) -> dict[int, dict[str, date | None]]:
        """For each user, the kinds switched on and since when (None: since the plan began)."""
        rows = await self.session.execute(
            select(Reminder.user_id, Reminder.kind, Reminder.coached_since).where(
                Reminder.user_id.in_(user_ids), Reminder.enabled
            )
        )
        since: dict[int, dict[str, date | None]] = {}
        for user_id, kind, day in rows:
            since.setdefault(user_id, {})[kind] = day
        return since

    async def delete_all(self, user_id: int) -> None:
        await self.session.execute(delete(Reminder).where(Reminder.user_id == user_id))

    async def due(self, now: datetime, limit: int) -> Sequence[tuple[Reminder, User]]:
        """Up to `limit` rows due by `now`, earliest first, each with its user, locked."""
        return (
            await self.session.execute(
                select(Reminder, User)
                .join(User, Reminder.user_id == User.id)
                .where(Reminder.next_fire_at <= now, Reminder.enabled)
                .order_by(Reminder.next_fire_at)
                .limit(limit)
                # The lock order (coach/reminders/store.py): the user's row with its
                # reminders, skipping any a use case holds, so a claim never waits.
                .with_for_update(skip_locked=True, of=(Reminder, User), key_share=True)
            )
        ).all()  # type: ignore[return-value]

    async def advance(self, moves: Sequence[dict[str, Any]]) -> None:
        """Move claimed rows on, each {"b_id", "b_due", "b_next", "b_last"}: to their next
        time, their last claimed occurrence kept, a snooze spent. Conditional on the due
        time read: a change the user made meanwhile wins over the advance (on PostgreSQL
        the row lock rules that out; this is the belt)."""
        table = Reminder.__table__
        await self.session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.next_fire_at == bindparam("b_due"))
            .values(
                next_fire_at=bindparam("b_next"),
                last_due_at=bindparam("b_last"),
                snoozed=false(),
            ),
            moves,
        )

    async def stop(self, user_ids: Collection[int]) -> None:
        """Every row of these users stops firing (they blocked the bot)."""
        await self.session.execute(
            update(Reminder).where(Reminder.user_id.in_(user_ids)).values(next_fire_at=None)
        )

    async def earliest_due(self) -> datetime | None:
        return await self.session.scalar(
            select(func.min(Reminder.next_fire_at)).where(Reminder.enabled)
        )


class DeliveryRepository:
    """One row per claimed occurrence of a reminder (coach/reminders/store.py writes them)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def with_user_locked(
        self, delivery_id: int, user_id: int
    ) -> tuple[User, Delivery | None] | None:
        """The user's row, fresh, with that delivery if it is theirs (else None beside it);
        None: no such user. Only the user's row is locked (the lock order: a user's row
        first); the delivery is locked when it is written."""
        row = (
            await self.session.execute(
                _WITH_DELIVERY_LOCKED, {"delivery_id": delivery_id, "user_id": user_id}
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def counts_since(self, since: datetime, statuses: Collection[str]) -> dict[str, int]:
        """How many deliveries reached each of these statuses since `since`."""
        rows = await self.session.execute(
            select(Delivery.status, func.count())
            .where(Delivery.updated_at >= since, Delivery.status.in_(statuses))
            .group_by(Delivery.status)
        )
        return dict(rows.all())  # type: ignore[arg-type]

    async def delete_all(self, user_id: int) -> None:
        await self.session.execute(delete(Delivery).where(Delivery.user_id == user_id))

    async def add(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Insert deliveries rows (one executemany); their ids, in the order given."""
        if not rows:
            return []
        return list(
            await self.session.scalars(
                insert(Delivery).returning(Delivery.id, sort_by_parameter_order=True), rows
            )
        )

    async def delivered(self, wanted: set[tuple[int, datetime]]) -> set[tuple[int, datetime]]:
        """Which of these (reminder, due time) occurrences already have their row."""
        found = await self.session.execute(
            select(Delivery.reminder_id, Delivery.due_at).where(
                Delivery.reminder_id.in_({r for r, _ in wanted}),
                Delivery.due_at.in_({d for _, d in wanted}),
            )
        )
        return {(reminder_id, due_at) for reminder_id, due_at in found} & wanted  # type: ignore[operator]

    async def digest_days(
        self, user_ids: Collection[int], since: date, gone_out: Collection[Status]
    ) -> list[tuple[int, date]]:
        """(user, local day) of each digest that went out (or may have) since `since`."""
        rows = await self.session.execute(
            select(Delivery.user_id, Delivery.local_day).where(
                Delivery.user_id.in_(user_ids),
                Delivery.kind == Kind.DIGEST,
                Delivery.status.in_(gone_out),
                Delivery.local_day >= since,
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]

    @staticmethod
    def _expired(now: datetime, every_lease: bool) -> ColumnElement[bool]:
        return true() if every_lease else and_(Delivery.lease_until < now)

    async def mark_uncertain(self, now: datetime, every_lease: bool) -> int:
        """In-flight rows whose lease ran out (their process died) become UNCERTAIN."""
        result = await self.session.execute(
            update(Delivery)
            .where(Delivery.status == Status.SENDING, self._expired(now, every_lease))
            .values(
                status=Status.UNCERTAIN,
                detail="in flight when its process stopped",
                updated_at=now,
            )
        )
        return result.rowcount

    async def abandoned_claims(
        self, now: datetime, every_lease: bool, limit: int
    ) -> Sequence[tuple[Delivery, User]]:
        """Up to `limit` claimed rows whose lease ran out, each with its user; only the
        deliveries are locked, skipping any another process holds."""
        return (
            await self.session.execute(
                select(Delivery, User)
                .join(User, Delivery.user_id == User.id)
                .where(Delivery.status == Status.CLAIMED, self._expired(now, every_lease))
                .limit(limit)
                .with_for_update(skip_locked=True, of=Delivery)
            )
        ).all()  # type: ignore[return-value]

    async def mark_sending(
        self, delivery_ids: Collection[int], worker: str, now: datetime
    ) -> set[int]:
        """The rows of these still CLAIMED by `worker` become SENDING; their ids."""
        moved = await self.session.scalars(
            update(Delivery)
            .where(
                Delivery.id.in_(delivery_ids),
                Delivery.status == Status.CLAIMED,
                Delivery.worker == worker,
            )
            .values(status=Status.SENDING, attempts=Delivery.attempts + 1, updated_at=now)
            .returning(Delivery.id)
        )
        return set(moved)

    async def record(self, outcomes: Sequence[dict[str, Any]], now: datetime) -> None:
        """Final statuses, each {"b_id", "b_status", "b_message_id", "b_detail", "b_lease"}.
        Core executemany, not the ORM's bulk update by primary key: a row gone meanwhile
        (the user deleted their data) must not fail the others' records."""
        table = Delivery.__table__
        await self.session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                status=bindparam("b_status"),
                message_id=bindparam("b_message_id"),
                detail=bindparam("b_detail"),
                lease_until=bindparam("b_lease"),
                updated_at=now,
            ),
            outcomes,
        )

    async def release(self, worker: str, now: datetime) -> int:
        """The worker's unsent claims become free for another at once; how many."""
        result = await self.session.execute(
            update(Delivery)
            .where(Delivery.status == Status.CLAIMED, Delivery.worker == worker)
            .values(lease_until=now)
        )
        return result.rowcount

    async def prune(self, before: datetime, final: Collection[Status], batch: int) -> int:
        """Delete up to `batch` rows that reached a final status before `before`."""
        old = (
            select(Delivery.id)
            .where(Delivery.updated_at < before, Delivery.status.in_(final))
            .limit(batch)
        )
        result = await self.session.execute(delete(Delivery).where(Delivery.id.in_(old)))
        return result.rowcount

    async def earliest_lease(self) -> datetime | None:
        """When the first unsent claim's (or in-flight row's) lease runs out."""
        return await self.session.scalar(
            select(func.min(Delivery.lease_until)).where(
                or_(Delivery.status == Status.CLAIMED, Delivery.status == Status.SENDING)
            )
        )


class CheckInRepository:
    """One check-in per (user, habit, day): writes are upserts, so the last answer wins."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def save(
        self,
        user_id: int,
        habit: str,
        day: date,
        status: CheckInStatus,
        now: datetime,
        detail: str | None = None,
    ) -> tuple[str, str | None, str | None]:
        """Log the day. A new status clears the old follow-up answer; a detail sets it.
        Returns the row as it now stands: status, detail, note (a note is kept)."""
        result = await self.session.execute(
            _CHECKIN_UPSERT[self.session.bind.dialect.name],
            {
                "user_id": user_id,
                "habit": habit,
                "day": day,
                "status": status,
                "detail": detail,
                "updated_at": now,
            },
        )
        saved, saved_detail, note = result.one()
        return CheckInStatus(saved), saved_detail, note

    async def add(
        self, user_id: int, habit: str, day: date, status: CheckInStatus, now: datetime
    ) -> tuple[str, str | None, str | None] | None:
        """Log a day nothing is logged for yet. None: something already is (unchanged)."""
        result = await self.session.execute(
            _CHECKIN_INSERT[self.session.bind.dialect.name],
            {"user_id": user_id, "habit": habit, "day": day, "status": status, "updated_at": now},
        )
        row = result.one_or_none()
        return None if row is None else (CheckInStatus(row[0]), row[1], None)

    async def get(self, user_id: int, habit: str, day: date) -> CheckIn | None:
        return await self.session.scalar(
            _CHECKIN_GET, {"user_id": user_id, "habit": habit, "day": day}
        )

    async def remove(self, user_id: int, habit: str, day: date) -> None:
        await self.session.execute(
            _CHECKIN_REMOVE, {"user_id": user_id, "habit": habit, "day": day}
        )

    async def set_note(self, user_id: int, habit: str, day: date, note: str, now: datetime) -> bool:
        """Attach a note to a logged day; False if nothing is logged there."""
        result = await self.session.execute(
            update(CheckIn)
            .where(CheckIn.user_id == user_id, CheckIn.habit == habit, CheckIn.day == day)
            .values(note=note, updated_at=now)
        )
        return result.rowcount == 1

    async def delete_all(self, user_id: int) -> None:
        await self.session.execute(delete(CheckIn).where(CheckIn.user_id == user_id))

    async def of_user(self, user_id: int) -> list[CheckIn]:
        """Every check-in of the user's, by day and habit."""
        return list(
            await self.session.scalars(
                select(CheckIn)
                .where(CheckIn.user_id == user_id)
                .order_by(CheckIn.day, CheckIn.habit)
            )
        )

    async def statuses_between(
        self, user_ids: Collection[int], first: date, last: date
    ) -> list[tuple[int, str, date, str]]:
        """(user, habit, day, status) of these users' check-ins from `first` to `last`."""
        rows = await self.session.execute(
            select(CheckIn.user_id, CheckIn.habit, CheckIn.day, CheckIn.status).where(
                CheckIn.user_id.in_(set(user_ids)), CheckIn.day >= first, CheckIn.day <= last
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]

    async def logged_since(
        self, user_ids: Collection[int], since: date
    ) -> list[tuple[int, str, date]]:
        """(user, habit, day) of every check-in of these users from `since` on."""
        rows = await self.session.execute(
            select(CheckIn.user_id, CheckIn.habit, CheckIn.day).where(
                CheckIn.user_id.in_(set(user_ids)), CheckIn.day >= since
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]

    async def between(self, user_id: int, first: date, last: date) -> list[CheckIn]:
        return list(
            await self.session.scalars(
                _CHECKINS_BETWEEN, {"user_id": user_id, "first": first, "last": last}
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

    async def delete_all(self, user_id: int) -> None:
        await self.session.execute(delete(SymptomScore).where(SymptomScore.user_id == user_id))

    async def of_user(self, user_id: int) -> list[SymptomScore]:
        """Every rating of the user's, the baseline (week 0) first, by week and symptom."""
        return list(
            await self.session.scalars(
                select(SymptomScore)
                .where(SymptomScore.user_id == user_id)
                .order_by(SymptomScore.week, SymptomScore.symptom)
            )
        )

    async def baseline(self, user_id: int) -> dict[Symptom, int]:
        """The intake's ratings (week 0)."""
        rows = await self.session.scalars(
            select(SymptomScore).where(
                SymptomScore.user_id == user_id, SymptomScore.week == BASELINE_WEEK
            )
        )
        return {Symptom(r.symptom): r.score for r in rows}

    async def delete_weekly(self, user_id: int) -> None:
        """Every weekly rating of the user; the baseline stays."""
        await self.session.execute(
            delete(SymptomScore).where(
                SymptomScore.user_id == user_id, SymptomScore.week != BASELINE_WEEK
            )
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


class GroupRepository:
    """The group chats the bot has told that it coaches in private only."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def first_heard(self, chat_id: int, now: datetime) -> bool:
        """Record the group; True if it was not recorded before."""
        insert = upsert_for(self.session)
        result = await self.session.execute(
            insert(GroupChat)
            .values(chat_id=chat_id, told_at=now)
            .on_conflict_do_nothing()
            .returning(GroupChat.chat_id)
        )
        return result.first() is not None


async def tolerance_inputs(
    session: AsyncSession, user_ids: Collection[int]
) -> list[tuple[int, str | None, date | None, int | None]]:
    """The tolerance rule's inputs in one query: (user, habit, day, None) for each "too much"
    answer, and (user, None, None, week) for each weekly digestion rating of discomfort."""
    rows = await session.execute(_TOLERANCE_INPUTS, {"user_ids": list(user_ids)})
    return [tuple(row) for row in rows]  # type: ignore[misc]
