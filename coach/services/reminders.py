"""The reminder schedule as data: claim what is due, record what became of it.

The guarantee, made here and in coach/reminders/dispatcher.py:
- Claiming inserts one `deliveries` row per occurrence, unique on (reminder, due_at), and
  moves the reminder to its next occurrence, in one transaction. On PostgreSQL the reminder
  rows are locked with FOR UPDATE SKIP LOCKED, so concurrent dispatchers never claim the same
  occurrence; SQLite has one writer at a time, so the transaction alone is enough.
- A delivery goes CLAIMED -> SENDING (committed before the request) -> SENT (with the message
  id) or another final status. A CLAIMED row whose lease ran out (its process died before the
  request) is taken over and sent: nothing is lost. A SENDING row whose lease ran out was in
  flight when its process died; the Bot API has no idempotency key, so we cannot know if it
  arrived. It is recorded as UNCERTAIN and never re-sent: no occurrence is sent twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, bindparam, false, func, insert, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import CheckIn, Delivery, Reminder, User
from coach.db.repositories import ScoreRepository
from coach.domain.habits import SYMPTOMS
from coach.domain.plan import Signals, WeekTargets, week_of_plan
from coach.domain.reminders import Kind, Status, triage
from coach.domain.schedule import next_fire
from coach.services.plan_schedule import resting
from coach.services.progress import ProgressView, load_progresses
from coach.services.targets import TargetBook


@dataclass(frozen=True)
class DueReminder:
    """A claimed occurrence, with what is needed to render it for its user."""

    delivery_id: int
    user_id: int
    kind: str  # a Habit, or a Kind (the weekly check-in, the finale)
    language: str
    local_day: date
    week: int  # of the plan, on local_day
    targets: WeekTargets
    snooze: bool  # a snooze's re-fire: no further snooze offered
    # The digest's summary and the finale's final report.
    progress: ProgressView | None = None


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    user_id: int
    status: Status
    message_id: int | None = None
    detail: str = ""


class ReminderStore:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        book: TargetBook,
        grace: timedelta,
        lease: timedelta,
        worker: str,
        batch_limit: int = 2000,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._book = book
        self._grace = grace
        self._lease = lease
        self.worker = worker[:64]  # the column's width; a long host name is cut, not fatal
        self._batch_limit = batch_limit

    async def claim(self, now: datetime, limit: int) -> tuple[list[DueReminder], Counter[str]]:
        """Claim up to `limit` due occurrences: the ones to send, and counts of the rest."""
        async with self._sessionmaker.begin() as session:
            rows = (
                await session.execute(
                    select(Reminder, User)
                    .join(User, Reminder.user_id == User.id)
                    .where(Reminder.next_fire_at <= now, Reminder.enabled)
                    .order_by(Reminder.next_fire_at)
                    .limit(limit)
                    .with_for_update(skip_locked=True, of=Reminder)
                )
            ).all()
            if not rows:
                return [], Counter()
            since = (now - self._grace - timedelta(days=2)).date()
            users = {user.id: user for _, user in rows}
            kinds = {(user.id, reminder.kind) for reminder, user in rows}
            done = await _done(session, users, kinds, since)
            signals = await self._book.signals(session, users.values())
            deliveries, advances, counts, contexts = [], [], Counter[str](), []
            for reminder, user in rows:
                zone = user.timezone or "UTC"
                due_at = reminder.next_fire_at
                assert due_at is not None and reminder.local_time is not None
                day = user.today(due_at)
                status, detail = self._judge(user, reminder.kind, due_at, day, now, done)
                if status is not Status.CLAIMED:  # those are counted once delivered
                    counts[f"{status}:{detail}"] += 1
                after = now if status is Status.MISSED else due_at
                # The finale fires once; habits and check-ins rest once the plan is over.
                once = reminder.kind == Kind.FINALE or self._rests(user, reminder.kind, day)
                if reminder.kind == Kind.FINALE:
                    user.plan_completed_on = day
                advances.append(
                    {
                        "b_id": reminder.id,
                        "b_due": due_at,
                        "b_next": None
                        if once
                        else next_fire(
                            reminder.local_time,
                            zone,
                            after,
                            reminder.days,
                            user.day_ends_at or time(0),
                        ),
                    }
                )
                deliveries.append(
                    {
                        "reminder_id": reminder.id,
                        "user_id": user.id,
                        "kind": reminder.kind,
                        "due_at": due_at,
                        "local_day": day,
                        "status": status.value,
                        "snooze": reminder.snoozed,
                        "lease_until": now + self._lease if status is Status.CLAIMED else None,
                        "worker": self.worker,
                        "detail": detail or None,
                        "updated_at": now,
                    }
                )
                contexts.append((user, day, reminder.snoozed))
            # Conditional on the due time we read: a change the user made meanwhile (a new
            # time, a snooze) wins over our advance. (SQLite reads take no lock.)
            table = Reminder.__table__
            await session.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"), table.c.next_fire_at == bindparam("b_due"))
                .values(next_fire_at=bindparam("b_next"), snoozed=false()),
                advances,
            )
            ids = (
                await session.scalars(
                    insert(Delivery).returning(Delivery.id, sort_by_parameter_order=True),
                    deliveries,
                )
            ).all()
            due = [
                self._due(delivery_id, row["kind"], user, day, snooze, signals)
                for delivery_id, row, (user, day, snooze) in zip(
                    ids, deliveries, contexts, strict=True
                )
                if row["status"] == Status.CLAIMED
            ]
        return await self._with_progress(due), counts

    async def recover(
        self, now: datetime, every_lease: bool = False
    ) -> tuple[list[DueReminder], Counter[str]]:
        """After a crash: in-flight rows become UNCERTAIN; unsent claimed rows are taken over.

        Leases protect the claims of live processes. every_lease=True ignores them, for a
        process that knows it is alone (SQLite at startup: any claim is a dead process's).
        """
        counts: Counter[str] = Counter()
        async with self._sessionmaker.begin() as session:
            expired = true() if every_lease else and_(Delivery.lease_until < now)
            result = await session.execute(
                update(Delivery)
                .where(Delivery.status == Status.SENDING, expired)
                .values(
                    status=Status.UNCERTAIN,
                    detail="in flight when its process stopped",
                    updated_at=now,
                )
            )
            if result.rowcount:
                counts[Status.UNCERTAIN] += result.rowcount
            rows = (
                await session.execute(
                    select(Delivery, User)
                    .join(User, Delivery.user_id == User.id)
                    .where(Delivery.status == Status.CLAIMED, expired)
                    .limit(self._batch_limit)
                    .with_for_update(skip_locked=True, of=Delivery)
                )
            ).all()
            users = {user.id: user for _, user in rows}
            since = (now - self._grace - timedelta(days=2)).date()
            kinds = {(user.id, delivery.kind) for delivery, user in rows}
            done = await _done(session, users, kinds, since)
            signals = await self._book.signals(session, users.values())
            due = []
            for delivery, user in rows:
                delivery.lease_until = now + self._lease
                delivery.worker = self.worker
                # Things may have changed since the claim: judge the occurrence afresh.
                status, detail = self._judge(
                    user, delivery.kind, delivery.due_at, delivery.local_day, now, done
                )
                if not user.active:
                    status, detail = Status.BLOCKED, "inactive"
                if status is not Status.CLAIMED:
                    delivery.status, delivery.detail, delivery.updated_at = status, detail, now
                    delivery.lease_until = None
                    counts[f"{status}:{detail}"] += 1
                    continue
                due.append(
                    self._due(
                        delivery.id,
                        delivery.kind,
                        user,
                        delivery.local_day,
                        delivery.snooze,
                        signals,
                    )
                )
            counts["recovered"] += len(due)
        return await self._with_progress(due), counts

    async def mark_sending(self, delivery_ids: Sequence[int], now: datetime) -> set[int]:
        """Committed before the requests go out: from here a crash means UNCERTAIN.

        Only rows still claimed by this worker move on; the ids returned are the ones to send.
        A claim whose lease ran out may have been taken over by another worker, which then
        owns it: sending it here too would send it twice.
        """
        async with self._sessionmaker.begin() as session:
            moved = await session.scalars(
                update(Delivery)
                .where(
                    Delivery.id.in_(delivery_ids),
                    Delivery.status == Status.CLAIMED,
                    Delivery.worker == self.worker,
                )
                .values(status=Status.SENDING, attempts=Delivery.attempts + 1, updated_at=now)
                .returning(Delivery.id)
            )
            return set(moved)

    async def record(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        """Final statuses; a blocked user is deactivated and their reminders stop at once.
        CLAIMED hands a delivery back unsent (a stop during a retry's wait)."""
        async with self._sessionmaker.begin() as session:
            # Core executemany, not the ORM's bulk update by primary key: a row gone meanwhile
            # (the user deleted their data) must not fail the others' records.
            table = Delivery.__table__
            await session.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    status=bindparam("b_status"),
                    message_id=bindparam("b_message_id"),
                    detail=bindparam("b_detail"),
                    lease_until=bindparam("b_lease"),
                    updated_at=now,
                ),
                [
                    {
                        "b_id": o.delivery_id,
                        "b_status": o.status.value,
                        "b_message_id": o.message_id,
                        "b_detail": o.detail[:200] or None,
                        # Handed back unsent (CLAIMED): free for any instance from now on.
                        "b_lease": now if o.status is Status.CLAIMED else None,
                    }
                    for o in outcomes
                ],
            )
            blocked = {o.user_id for o in outcomes if o.status is Status.BLOCKED}
            if blocked:
                await session.execute(update(User).where(User.id.in_(blocked)).values(active=False))
                await session.execute(
                    update(Reminder).where(Reminder.user_id.in_(blocked)).values(next_fire_at=None)
                )

    async def release(self, now: datetime) -> int:
        """Graceful stop: this worker's unsent claims become free for another at once."""
        async with self._sessionmaker.begin() as session:
            result = await session.execute(
                update(Delivery)
                .where(Delivery.status == Status.CLAIMED, Delivery.worker == self.worker)
                .values(lease_until=now)
            )
            return result.rowcount

    async def next_due(self) -> datetime | None:
        """The earliest time any reminder or unsent claim needs attention."""
        async with self._sessionmaker() as session:
            reminder = await session.scalar(
                select(func.min(Reminder.next_fire_at)).where(Reminder.enabled)
            )
            lease = await session.scalar(
                select(func.min(Delivery.lease_until)).where(
                    or_(Delivery.status == Status.CLAIMED, Delivery.status == Status.SENDING)
                )
            )
        candidates = [t for t in (reminder, lease) if t is not None]
        return min(candidates) if candidates else None

    def _judge(
        self,
        user: User,
        kind: str,
        due_at: datetime,
        day: date,
        now: datetime,
        done: set[tuple[int, str, date | int]],
    ) -> tuple[Status, str]:
        """Send (CLAIMED), or the final status and why not."""
        if kind == Kind.FINALE:
            return Status.CLAIMED, ""  # the end of the plan is told however late, paused or not
        week = self._book.week(user, day)
        return triage(
            due_at,
            now,
            self._grace,
            paused=_paused(user, due_at),
            plan_ended=self._rests(user, kind, day),
            logged=(user.id, kind, week if kind in WEEKLY_KINDS else day) in done,
        )

    def _rests(self, user: User, kind: str, day: date) -> bool:
        return resting(self._book.plan, user, kind, day)

    def _due(
        self,
        delivery_id: int,
        kind: str,
        user: User,
        day: date,
        snooze: bool,
        signals: dict[int, Signals],
    ) -> DueReminder:
        return DueReminder(
            delivery_id=delivery_id,
            user_id=user.id,
            kind=kind,
            language=user.language,
            local_day=day,
            week=self._book.week(user, day),
            targets=self._book.targets(user, day, signals.get(user.id)),
            snooze=snooze,
        )

    async def _with_progress(self, due: list[DueReminder]) -> list[DueReminder]:
        """Digests and finales carry the user's progress. It is read after the claim has
        committed, so no write waits on these reads (a Sunday's digests come due at once)."""
        wanted = [d for d in due if d.kind in (Kind.DIGEST, Kind.FINALE)]
        if not wanted:
            return due
        async with self._sessionmaker() as session:
            users = {
                u.id: u
                for u in await session.scalars(
                    select(User).where(User.id.in_({d.user_id for d in wanted}))
                )
            }
            # A user gone meanwhile (/delete): the finale goes without, a digest fails.
            found = [d for d in wanted if d.user_id in users and users[d.user_id].enrolled]
            views = await load_progresses(
                session, self._book, [(users[d.user_id], d.local_day) for d in found]
            )
        filled = {
            d.delivery_id: replace(d, progress=view) for d, view in zip(found, views, strict=True)
        }
        return [filled.get(d.delivery_id, d) for d in due]


# Kinds that come once a plan week: judged "done" by the week, not the day.
WEEKLY_KINDS = (Kind.CHECKIN, Kind.DIGEST)
# Deliveries that went out, or may have: a second one that week would be a repeat.
GONE_OUT = (Status.SENDING, Status.SENT, Status.UNCERTAIN)


def _paused(user: User, at: datetime) -> bool:
    return user.paused and (user.paused_until is None or user.paused_until > at)


async def _done(
    session: AsyncSession,
    users: dict[int, User],
    kinds: set[tuple[int, str]],
    since: date,
) -> set[tuple[int, str, date | int]]:
    """What needs no reminder: (user, habit, day) already logged, for the days a claim can be
    about, and (user, kind, week) for weekly kinds already done that plan week. Only the
    weekly kinds in `kinds` (user, kind) are looked up: most batches hold none."""
    rows = await session.execute(
        select(CheckIn.user_id, CheckIn.habit, CheckIn.day).where(
            CheckIn.user_id.in_(set(users)), CheckIn.day >= since
        )
    )
    done: set[tuple[int, str, date | int]] = {(u, habit, day) for u, habit, day in rows}
    checkins = {u for u, kind in kinds if kind == Kind.CHECKIN}
    if checkins:
        for user_id, week in await ScoreRepository(session).rated_weeks(checkins, len(SYMPTOMS)):
            done.add((user_id, Kind.CHECKIN, week))
    # One digest a plan week, even when the user moves it to a later time after it came.
    digesting = {u for u, kind in kinds if kind == Kind.DIGEST}
    if digesting:
        digests = await session.execute(
            select(Delivery.user_id, Delivery.local_day).where(
                Delivery.user_id.in_(digesting),
                Delivery.kind == Kind.DIGEST,
                Delivery.status.in_(GONE_OUT),
                Delivery.local_day >= since - timedelta(days=7),
            )
        )
        for user_id, day in digests:
            started = users[user_id].plan_started_on or day
            done.add((user_id, Kind.DIGEST, week_of_plan(started, day)))
    return done
