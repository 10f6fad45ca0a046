"""The reminder schedule as data: claim what is due, record what became of it.

The guarantee, made here and in coach/reminders/dispatcher.py:
- Claiming inserts one `deliveries` row per occurrence, unique on (reminder, due_at), and
  moves the reminder to its next occurrence, in one transaction. On PostgreSQL the rows are
  locked with FOR NO KEY UPDATE SKIP LOCKED, so concurrent dispatchers never claim the same
  occurrence; on SQLite the claim is one BEGIN IMMEDIATE transaction (coach/db/engine.py), so
  what it reads stays true until it commits.
- A row never moves back: each keeps its last claimed occurrence (`last_due_at`), and every
  next time comes from `fire_times.next_time`, which never lands on or before it.
- A delivery goes CLAIMED -> SENDING (committed before the request) -> SENT (with the message
  id) or another final status. A CLAIMED row whose lease ran out (its process died before the
  request) is taken over and sent: nothing is lost. A SENDING row whose lease ran out was in
  flight when its process died; the Bot API has no idempotency key, so we cannot know if it
  arrived. It is recorded as UNCERTAIN and never re-sent: no occurrence is sent twice.

The lock order, everywhere (PostgreSQL; SQLite has one writer at a time): a user's row
first (UserRepository.locked), then their reminders (ReminderRepository), then their
deliveries (DeliveryRepository), check-ins and scores. A claim takes a user's row and
reminders together and skips any that a use case holds, so it never waits for one; `record`
and `mark_sending` lock only deliveries, except that a blocked user's row and reminders are
changed before them. Two transactions taking the same rows in opposite orders is how
deadlocks happen, and none here does. The statements, with their FOR UPDATE clauses, are in
coach/db/repositories.py.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import Reminder, User
from coach.db.repositories import (
    CheckInRepository,
    DeliveryRepository,
    ReminderRepository,
    ScoreRepository,
    UserRepository,
)
from coach.domain.habits import SYMPTOMS
from coach.domain.plan import Signals, WeekTargets, week_of_plan
from coach.domain.reminders import Kind, Status, triage
from coach.reminders.fire_times import next_time, resting
from coach.services.progress import ProgressView, load_progresses
from coach.services.targets import TargetBook

log = logging.getLogger(__name__)

# Kinds that come once a plan week: judged "done" by the week, not the day.
WEEKLY_KINDS = (Kind.CHECKIN, Kind.DIGEST)
# Deliveries that went out, or may have: a second one that week would be a repeat.
GONE_OUT = (Status.SENDING, Status.SENT, Status.UNCERTAIN)
# What a delivery can end as: only such rows are ever pruned.
FINAL = tuple(s for s in Status if s not in (Status.CLAIMED, Status.SENDING))
PRUNE_BATCH = 5000


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


@dataclass(frozen=True)
class _Claim:
    """One due row as a claim sees it: its deliveries row to write and its next time."""

    reminder: Reminder
    user: User
    due_at: datetime
    day: date
    status: Status | None  # None: no deliveries row (the occurrence has one already)
    detail: str
    next_at: datetime | None
    count: str  # the outcome counted now; "" for a claim (counted once delivered)

    @property
    def snoozed(self) -> bool:
        return self.reminder.snoozed


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
        """Claim up to `limit` due occurrences: the ones to send, and counts of the rest.

        One bad row never fails the others: a row that cannot be judged or scheduled (a
        corrupt time zone, say) is recorded FAILED and stops; a row sitting on an occurrence
        that already has its deliveries row is moved past it with no second row; and should
        the batch's writes still fail, each row is written alone so only the bad one is lost.
        """
        async with self._sessionmaker.begin() as session:
            # The lock order (see the module docstring): the user's row with its reminders,
            # skipping any a use case holds, so a claim never waits.
            rows = await ReminderRepository(session).due(now, limit)
            if not rows:
                return [], Counter()
            done, signals = await self._read_batch(
                session, [(reminder.kind, user) for reminder, user in rows], now
            )
            delivered = await DeliveryRepository(session).delivered(
                {(reminder.id, reminder.next_fire_at) for reminder, _ in rows}  # type: ignore[misc]
            )
            claims: list[_Claim] = []
            counts = Counter[str]()
            for reminder, user in rows:
                claim = self._prepare(reminder, user, now, done, delivered)
                counts[claim.count] += bool(claim.count)
                claims.append(claim)
            try:
                async with session.begin_nested():
                    ids = await self._write(session, claims, now)
            except SQLAlchemyError:
                log.exception("a claim's batch failed; writing its %d rows one by one", len(claims))
                ids = await self._write_each(session, claims, now, counts)
            due = [
                self._due(delivery_id, c.reminder.kind, c.user, c.day, c.snoozed, signals)
                for c, delivery_id in zip(claims, ids, strict=True)
                if delivery_id is not None and c.status is Status.CLAIMED
            ]
        return await self._with_progress(due), counts

    async def _read_batch(
        self, session: AsyncSession, occurrences: Sequence[tuple[str, User]], now: datetime
    ) -> tuple[set[tuple[int, str, date | int]], dict[int, Signals]]:
        """What judging and rendering a batch of due occurrences (kind, user) needs, read
        once for the whole batch: what is already done (no reminder needed), for the days a
        claim can be about, and the users' tolerance signals. Shared by claim and recover."""
        users = {user.id: user for _, user in occurrences}
        kinds = {(user.id, kind) for kind, user in occurrences}
        since = (now - self._grace - timedelta(days=2)).date()
        done = await _done(session, users, kinds, since)
        signals = await self._book.signals(session, users.values())
        return done, signals

    def _prepare(
        self,
        reminder: Reminder,
        user: User,
        now: datetime,
        done: set[tuple[int, str, date | int]],
        delivered: set[tuple[int, datetime]],
    ) -> _Claim:
        """What becomes of one due row: its deliveries row (if any) and its next time."""
        due_at = reminder.next_fire_at
        assert due_at is not None
        if (reminder.id, due_at) in delivered:
            # Already claimed once (how the row got back here is a bug elsewhere): never a
            # second deliveries row, never an exception; the row moves on.
            log.warning("reminder %s was back on an occurrence already delivered", reminder.id)
            return _Claim(
                reminder,
                user,
                due_at,
                due_at.date(),
                None,
                "",
                self._next(reminder, user, max(now, due_at)),
                "duplicate:already_delivered",
            )
        try:
            day = user.today(due_at)
            status, detail = self._judge(user, reminder.kind, due_at, day, now, done)
            if reminder.kind == Kind.FINALE:
                user.plan_completed_on = day
            # The next occurrence after this one; after a long outage, after now.
            after = now if status is Status.MISSED else due_at
            next_at = next_time(self._book.plan, reminder, user, after)
        except Exception as error:  # a row that cannot be judged or scheduled: record, stop
            log.exception("reminder %s cannot be scheduled", reminder.id)
            return _Claim(
                reminder,
                user,
                due_at,
                due_at.date(),
                Status.FAILED,
                f"unschedulable: {type(error).__name__}",
                None,
                f"{Status.FAILED}:unschedulable",
            )
        count = "" if status is Status.CLAIMED else f"{status}:{detail}"
        return _Claim(reminder, user, due_at, day, status, detail, next_at, count)

    async def _write(
        self, session: AsyncSession, claims: Sequence[_Claim], now: datetime
    ) -> list[int | None]:
        """Advance the rows and insert their deliveries; each claim's delivery id (None: it
        has no deliveries row)."""
        # Conditional on the due time we read: a change the user made meanwhile wins over
        # our advance (on PostgreSQL the row lock rules that out; this is the belt).
        await ReminderRepository(session).advance(
            [
                {
                    "b_id": c.reminder.id,
                    "b_due": c.due_at,
                    "b_next": c.next_at,
                    "b_last": max(c.due_at, c.reminder.last_due_at or c.due_at),
                }
                for c in claims
            ]
        )
        rows = [
            {
                "reminder_id": c.reminder.id,
                "user_id": c.user.id,
                "kind": c.reminder.kind,
                "due_at": c.due_at,
                "local_day": c.day,
                "status": c.status.value,
                "snooze": c.snoozed,
                "lease_until": now + self._lease if c.status is Status.CLAIMED else None,
                "worker": self.worker,
                "detail": c.detail or None,
                "updated_at": now,
            }
            for c in claims
            if c.status is not None
        ]
        ids = iter(await DeliveryRepository(session).add(rows))
        return [next(ids) if c.status is not None else None for c in claims]

    async def _write_each(
        self, session: AsyncSession, claims: Sequence[_Claim], now: datetime, counts: Counter[str]
    ) -> list[int | None]:
        """The batch failed: each row alone, so that only a row that cannot be written is lost
        (it still moves on, or the next claim would fail on it again)."""
        ids: list[int | None] = []
        for claim in claims:
            try:
                async with session.begin_nested():
                    ids += await self._write(session, [claim], now)
                continue
            except SQLAlchemyError:
                log.exception("reminder %s could not be claimed", claim.reminder.id)
            ids.append(None)
            counts[claim.count] -= bool(claim.count)
            counts[f"{Status.FAILED}:unrecordable"] += 1
            try:
                async with session.begin_nested():
                    await self._write(session, [replace(claim, status=None)], now)
            except SQLAlchemyError:
                log.exception("reminder %s could not be moved on either", claim.reminder.id)
        return ids

    def _next(self, reminder: Reminder, user: User, after: datetime) -> datetime | None:
        try:
            return next_time(self._book.plan, reminder, user, after)
        except Exception:
            log.exception("reminder %s cannot be scheduled", reminder.id)
            return None

    async def recover(
        self, now: datetime, every_lease: bool = False
    ) -> tuple[list[DueReminder], Counter[str]]:
        """After a crash: in-flight rows become UNCERTAIN; unsent claimed rows are taken over.

        Leases protect the claims of live processes. every_lease=True ignores them, for a
        process that knows it is alone (SQLite at startup: any claim is a dead process's).
        """
        counts: Counter[str] = Counter()
        async with self._sessionmaker.begin() as session:
            deliveries = DeliveryRepository(session)
            uncertain = await deliveries.mark_uncertain(now, every_lease)
            if uncertain:
                counts[Status.UNCERTAIN] += uncertain
            rows = await deliveries.abandoned_claims(now, every_lease, self._batch_limit)
            done, signals = await self._read_batch(
                session, [(delivery.kind, user) for delivery, user in rows], now
            )
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
            return await DeliveryRepository(session).mark_sending(delivery_ids, self.worker, now)

    async def record(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        """Final statuses; a blocked user is deactivated and their reminders stop at once.
        CLAIMED hands a delivery back unsent (a stop during a retry's wait)."""
        async with self._sessionmaker.begin() as session:
            # A blocked user's row and reminders first: the lock order (module docstring).
            blocked = {o.user_id for o in outcomes if o.status is Status.BLOCKED}
            if blocked:
                await UserRepository(session).deactivate(blocked)
                await ReminderRepository(session).stop(blocked)
            # A row gone meanwhile (the user deleted their data) fails no other's record.
            await DeliveryRepository(session).record(
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
                now,
            )

    async def release(self, now: datetime) -> int:
        """Graceful stop: this worker's unsent claims become free for another at once."""
        async with self._sessionmaker.begin() as session:
            return await DeliveryRepository(session).release(self.worker, now)

    async def prune(self, before: datetime, batch: int = PRUNE_BATCH) -> int:
        """Delete up to `batch` deliveries that reached their final status before `before`
        (the retention rule, DELIVERY_RETENTION_DAYS). Nothing else reads rows that old:
        taps reach back BACKFILL_DAYS, a week's digest looks one week back, and a row's last
        occurrence is kept on the row itself."""
        async with self._sessionmaker.begin() as session:
            return await DeliveryRepository(session).prune(before, FINAL, batch)

    async def next_due(self) -> datetime | None:
        """The earliest time any reminder or unsent claim needs attention."""
        async with self._sessionmaker() as session:
            reminder = await ReminderRepository(session).earliest_due()
            lease = await DeliveryRepository(session).earliest_lease()
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
            paused=user.paused_at(due_at),
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
                u.id: u for u in await UserRepository(session).of_ids({d.user_id for d in wanted})
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


async def _done(
    session: AsyncSession,
    users: dict[int, User],
    kinds: set[tuple[int, str]],
    since: date,
) -> set[tuple[int, str, date | int]]:
    """What needs no reminder: (user, habit, day) already logged, for the days a claim can be
    about, and (user, kind, week) for weekly kinds already done that plan week. Only the
    weekly kinds in `kinds` (user, kind) are looked up: most batches hold none."""
    done: set[tuple[int, str, date | int]] = set(
        await CheckInRepository(session).logged_since(users, since)
    )
    checkins = {u for u, kind in kinds if kind == Kind.CHECKIN}
    if checkins:
        for user_id, week in await ScoreRepository(session).rated_weeks(checkins, len(SYMPTOMS)):
            done.add((user_id, Kind.CHECKIN, week))
    # One digest a plan week, even when the user moves it to a later time after it came.
    digesting = {u for u, kind in kinds if kind == Kind.DIGEST}
    if digesting:
        digests = await DeliveryRepository(session).digest_days(
            digesting, since - timedelta(days=7), GONE_OUT
        )
        for user_id, day in digests:
            started = users[user_id].plan_started_on or day
            done.add((user_id, Kind.DIGEST, week_of_plan(started, day)))
    return done
