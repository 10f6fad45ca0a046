"""The intake and the later /settings changes: every answer is saved the moment it is given.

The step a user is at lives in the database (users.intake_step), so a restart, or another
instance answering the next update, continues at the same step. Buttons carry the intake round
they were made for; an answer for another step or round is reported as STALE and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import SAFETY_COLUMNS, Reminder, SymptomScore, User
from coach.db.repositories import (
    CheckInRepository,
    ReminderRepository,
    ScoreRepository,
    UserRepository,
)
from coach.domain.habits import HABITS, PRESET_TIMES, Habit, Safety, Symptom
from coach.domain.intake import Step, habit_awaiting_time, symptom_awaiting_score
from coach.domain.language import pick_language
from coach.domain.plan import Plan, WeekTargets, week_of_plan
from coach.domain.reminders import Kind
from coach.domain.symptoms import BASELINE_WEEK
from coach.domain.timeparse import parse_time
from coach.domain.zones import resolve_zone, zone_for_location
from coach.reminders.fire_times import plan_reminders, reschedule, resting

AWAIT_TIMEZONE = "timezone"
AWAIT_TIME = "time:"  # + habit


class Answer(StrEnum):
    ACCEPTED = "accepted"
    STALE = "stale"  # a button from another step, round or user state
    INVALID = "invalid"  # typed text that does not parse
    NOTHING_CHOSEN = "nothing_chosen"  # tried to go on with no habit selected
    USE_BUTTONS = "use_buttons"  # typed text where a tap is expected
    NOT_EXPECTED = "not_expected"  # typed text and no question is open


@dataclass(frozen=True)
class IntakeView:
    """Everything needed to render where a user is in the intake, or their settings."""

    user_id: int
    language: str
    step: Step
    round: int
    awaiting: str | None
    timezone: str | None
    safety: frozenset[Safety]
    habits: tuple[Habit, ...]  # chosen and on, in plan order
    times: tuple[tuple[Habit, time], ...]
    baseline: tuple[tuple[Symptom, int], ...]
    plan_started_on: date | None
    targets: WeekTargets | None  # this week's, once the plan has started
    # The weekly check-in: its weekday (0 = Monday) and time; None before the plan starts.
    checkin_day: int | None = None
    checkin_time: time | None = None
    day_ends_at: time = time(0)
    # The weekly digest: on or off, its weekday and time; None before the plan starts.
    digest_on: bool = False
    digest_day: int | None = None
    digest_time: time | None = None
    digest_ended: bool = False  # the digest rests for good: the plan is over

    @property
    def times_by_habit(self) -> dict[Habit, time]:
        return dict(self.times)

    @property
    def pending_habit(self) -> Habit | None:
        return habit_awaiting_time(self.habits, self.times_by_habit)

    @property
    def pending_symptom(self) -> Symptom | None:
        return symptom_awaiting_score(dict(self.baseline))

    @property
    def in_progress(self) -> bool:
        return self.step not in (Step.DONE, Step.DECLINED)


@dataclass(frozen=True)
class Result:
    view: IntakeView | None  # None: a user the bot has never met (a forged or foreign tap)
    answer: Answer
    answered: str = ""  # for typed text: what it answered ("timezone" or "time:<habit>")


_HABIT_KINDS = frozenset(h.value for h in Habit)


class IntakeService:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        plan: Plan,
        supported: tuple[str, ...],
        default_language: str,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._plan = plan
        self._supported = supported
        self._default = default_language

    # -- reading -------------------------------------------------------------------------

    async def open(self, user_id: int, telegram_code: str | None, now: datetime) -> IntakeView:
        """/start: the user's state, created on first contact; a declined intake starts again."""
        language = pick_language(telegram_code, self._supported, self._default)
        async with self._sessionmaker.begin() as session:
            await UserRepository(session).get_or_create(user_id, language)
            user = await UserRepository(session).locked(user_id)
            if not user.active:  # back after blocking the bot: reminders resume
                user.active = True
                await reschedule(session, self._plan, user, now)
            if user.intake_step == Step.DECLINED:
                user.intake_step = Step.LANGUAGE
            if user.intake_step == Step.DONE:
                user.awaiting = None  # /start closes any question /settings left open
            return await self._view(session, user, now)

    async def current(self, user_id: int, now: datetime) -> IntakeView | None:
        """The user's state, or None for someone the bot has never met."""
        async with self._sessionmaker() as session:
            user = await session.get(User, user_id)
            return None if user is None else await self._view(session, user, now)

    # -- intake steps --------------------------------------------------------------------

    async def choose_language(
        self, user_id: int, round_: int | None, language: str, now: datetime
    ) -> Result:
        """Step 1, or a change in /settings (round_ None)."""
        if language not in self._supported:
            return await self._stale(user_id, now)
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.LANGUAGE):
                return await self._result(session, user, now, Answer.STALE)
            user.language = language
            if round_ is not None:
                user.intake_step = Step.CONSENT
            return await self._result(session, user, now, Answer.ACCEPTED)

    async def answer_consent(self, user_id: int, round_: int, agree: bool, now: datetime) -> Result:
        """Step 2: Agree moves on; Not now keeps nothing but the id and the language."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.CONSENT):
                return await self._result(session, user, now, Answer.STALE)
            if agree:
                user.consented_at = now
                user.intake_step = Step.TIMEZONE
                user.awaiting = AWAIT_TIMEZONE
            else:
                await _erase_answers(session, user)
                user.intake_step = Step.DECLINED
                user.intake_round += 1  # buttons of the declined run stay dead
            return await self._result(session, user, now, Answer.ACCEPTED)

    async def answer_text(self, user_id: int, text: str, now: datetime) -> Result:
        """Typed text: a time zone or a reminder time when one is asked for."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None:
                return Result(None, Answer.NOT_EXPECTED)
            if user.awaiting == AWAIT_TIMEZONE:
                zone = resolve_zone(text)
                if zone is None:
                    return await self._result(session, user, now, Answer.INVALID)
                await self._apply_timezone(session, user, zone, now)
                return await self._result(session, user, now, Answer.ACCEPTED, AWAIT_TIMEZONE)
            if user.awaiting and user.awaiting.startswith(AWAIT_TIME):
                parsed = parse_time(text)
                if parsed is None:
                    return await self._result(session, user, now, Answer.INVALID)
                answered = user.awaiting
                habit = Habit(answered.removeprefix(AWAIT_TIME))
                await self._apply_time(session, user, habit, parsed, now)
                return await self._result(session, user, now, Answer.ACCEPTED, answered)
            in_intake = user.intake_step not in (Step.DONE, Step.DECLINED)
            answer = Answer.USE_BUTTONS if in_intake else Answer.NOT_EXPECTED
            return await self._result(session, user, now, answer)

    async def answer_location(
        self, user_id: int, latitude: float, longitude: float, now: datetime
    ) -> Result:
        """A shared location while a time zone is asked for."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None:
                return Result(None, Answer.NOT_EXPECTED)
            zone = zone_for_location(latitude, longitude)
            if user.awaiting != AWAIT_TIMEZONE:
                return await self._result(session, user, now, Answer.NOT_EXPECTED)
            if zone is None:
                return await self._result(session, user, now, Answer.INVALID)
            await self._apply_timezone(session, user, zone, now)
            return await self._result(session, user, now, Answer.ACCEPTED, AWAIT_TIMEZONE)

    async def set_safety(
        self, user_id: int, round_: int | None, flag: Safety, on: bool, now: datetime
    ) -> Result:
        """Step 4 (or /settings): tick or untick one condition (a repeated tap changes nothing)."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.SAFETY):
                return await self._result(session, user, now, Answer.STALE)
            setattr(user, SAFETY_COLUMNS[flag], on)
            return await self._result(session, user, now, Answer.ACCEPTED)

    async def finish_safety(self, user_id: int, round_: int, none: bool, now: datetime) -> Result:
        """Step 4 done ("None of these" clears every tick). All three habits start switched on."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.SAFETY):
                return await self._result(session, user, now, Answer.STALE)
            if none:
                for column in SAFETY_COLUMNS.values():
                    setattr(user, column, False)
            existing = await ReminderRepository(session).kinds(user.id)
            for habit in HABITS:
                if habit not in existing:
                    session.add(Reminder(user_id=user.id, kind=habit, enabled=True))
            user.intake_step = Step.HABITS
            return await self._result(session, user, now, Answer.ACCEPTED)

    async def set_habit(
        self, user_id: int, round_: int | None, habit: Habit, on: bool, now: datetime
    ) -> Result:
        """Step 5 (or /settings): switch a habit on or off. In /settings one must stay on, and a
        habit switched on gets its first preset time at once (the user can change it)."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.HABITS):
                return await self._result(session, user, now, Answer.STALE)
            reminders = await _reminders(session, user.id)
            target = reminders.get(habit)
            if target is None:
                target = Reminder(user_id=user.id, kind=habit, enabled=False)
                session.add(target)
            others_on = [h for h, r in reminders.items() if r.enabled and h != habit]
            if round_ is None and not on and not others_on:
                return await self._result(session, user, now, Answer.NOTHING_CHOSEN)
            was_on = target.enabled
            target.enabled = on
            if not on and user.awaiting == AWAIT_TIME + habit:
                user.awaiting = None
            if round_ is None:
                if on and target.local_time is None:
                    target.local_time = PRESET_TIMES[habit][0]
                if user.plan_started_on is not None and on != was_on:
                    _count_from(target, on, user.plan_started_on, user.today(now))
                if on != was_on:  # a repeated tap moves nothing (a due reminder stays due)
                    await reschedule(session, self._plan, user, now, kinds={habit})
            return await self._result(session, user, now, Answer.ACCEPTED)

    async def finish_habits(self, user_id: int, round_: int, now: datetime) -> Result:
        """Step 5 done: at least one habit must be on."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.HABITS):
                return await self._result(session, user, now, Answer.STALE)
            reminders = await _reminders(session, user.id)
            chosen = [h for h in HABITS if h in reminders and reminders[h].enabled]
            if not chosen:
                return await self._result(session, user, now, Answer.NOTHING_CHOSEN)
            user.intake_step = Step.TIMES
            _ask_next_time(user, reminders)
            return await self._result(session, user, now, Answer.ACCEPTED)

    async def ask_time(
        self, user_id: int, round_: int | None, habit: Habit, now: datetime
    ) -> Result:
        """ "Other time" (or choosing a habit's time in /settings): typed text is now a time."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.TIMES):
                return await self._result(session, user, now, Answer.STALE)
            if not await _time_question_open(session, user, round_, habit):
                return await self._result(session, user, now, Answer.STALE)
            user.awaiting = AWAIT_TIME + habit
            return await self._result(session, user, now, Answer.ACCEPTED)

    async def choose_time(
        self, user_id: int, round_: int | None, habit: Habit, at: time, now: datetime
    ) -> Result:
        """Step 6 (or /settings): a preset time for one habit."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.TIMES):
                return await self._result(session, user, now, Answer.STALE)
            if not await _time_question_open(session, user, round_, habit):
                return await self._result(session, user, now, Answer.STALE)
            await self._apply_time(session, user, habit, at, now)
            return await self._result(session, user, now, Answer.ACCEPTED)

    async def rate_baseline(
        self, user_id: int, round_: int, symptom: Symptom, score: int, now: datetime
    ) -> Result:
        """Step 7: one rating. The last one starts the plan and schedules the reminders."""
        if not 1 <= score <= 5:
            return await self._stale(user_id, now)
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.BASELINE):
                return await self._result(session, user, now, Answer.STALE)
            scores = await _baseline(session, user.id)
            if symptom_awaiting_score(scores) != symptom:
                return await self._result(session, user, now, Answer.STALE)
            session.add(
                SymptomScore(
                    user_id=user.id,
                    week=BASELINE_WEEK,
                    symptom=symptom,
                    score=score,
                    recorded_at=now,
                )
            )
            scores[symptom] = score
            if symptom_awaiting_score(scores) is None:
                user.intake_step = Step.DONE
                user.plan_started_on = user.today(now)
                kinds = await ReminderRepository(session).kinds(user.id)
                session.add_all(plan_reminders(user, kinds))
                await session.flush()
                await reschedule(session, self._plan, user, now)
            return await self._result(session, user, now, Answer.ACCEPTED)

    async def start_over(self, user_id: int, round_: int, now: datetime) -> Result:
        """Erase every answer (after the user confirmed) and begin again at the language."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or user.intake_round != round_:
                return await self._result(session, user, now, Answer.STALE)
            await _erase_answers(session, user)
            user.intake_round += 1
            user.intake_step = Step.LANGUAGE
            return await self._result(session, user, now, Answer.ACCEPTED)

    # -- /settings-only --------------------------------------------------------------------

    async def edit(self, user_id: int, what: str, now: datetime) -> Result:
        """/settings: ask for a new time zone ("timezone"), or cancel a pending question."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or user.intake_step != Step.DONE:
                return await self._result(session, user, now, Answer.STALE)
            user.awaiting = AWAIT_TIMEZONE if what == AWAIT_TIMEZONE else None
            return await self._result(session, user, now, Answer.ACCEPTED)

    async def set_weekly(
        self,
        user_id: int,
        kind: Kind,
        now: datetime,
        weekday: int | None = None,
        at: time | None = None,
        on: bool | None = None,
    ) -> Result:
        """/settings: move the weekly check-in or digest to another weekday and/or time, or
        switch it on or off. The digest ends with the plan: a change after that is stale."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or user.intake_step != Step.DONE:
                return await self._result(session, user, now, Answer.STALE)
            if kind == Kind.DIGEST and resting(self._plan, user, kind, user.today(now)):
                return await self._result(session, user, now, Answer.STALE)
            row = await ReminderRepository(session).of_kind(user.id, kind)
            if row is None:
                return await self._result(session, user, now, Answer.STALE)
            before = (row.days, row.local_time, row.enabled)
            if weekday is not None:
                row.days = 1 << weekday
            if at is not None:
                row.local_time = at
            if on is not None:
                row.enabled = on
            if (row.days, row.local_time, row.enabled) != before:
                await reschedule(session, self._plan, user, now, kinds={kind})
            return await self._result(session, user, now, Answer.ACCEPTED)

    async def set_day_end(self, user_id: int, at: time, now: datetime) -> Result:
        """/settings: when the user's day ends (midnight, or later for night owls)."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or user.intake_step != Step.DONE:
                return await self._result(session, user, now, Answer.STALE)
            user.day_ends_at = None if at == time(0) else at
            await reschedule(session, self._plan, user, now)  # which day each one belongs to
            return await self._result(session, user, now, Answer.ACCEPTED)

    # -- helpers -------------------------------------------------------------------------

    async def _apply_timezone(
        self, session: AsyncSession, user: User, zone: str, now: datetime
    ) -> None:
        user.timezone = zone
        user.awaiting = None
        if user.intake_step == Step.TIMEZONE:
            user.intake_step = Step.SAFETY
        await reschedule(session, self._plan, user, now)

    async def _apply_time(
        self, session: AsyncSession, user: User, habit: Habit, at: time, now: datetime
    ) -> None:
        reminders = await _reminders(session, user.id)
        moved = reminders[habit].local_time != at
        reminders[habit].local_time = at
        user.awaiting = None
        if user.intake_step == Step.TIMES:
            _ask_next_time(user, reminders)
        if moved:  # the same time again moves nothing (a due reminder stays due)
            await reschedule(session, self._plan, user, now, kinds={habit})

    async def _stale(self, user_id: int, now: datetime) -> Result:
        async with self._sessionmaker() as session:
            user = await session.get(User, user_id)
            return await self._result(session, user, now, Answer.STALE)

    async def _result(
        self,
        session: AsyncSession,
        user: User | None,
        now: datetime,
        answer: Answer,
        answered: str = "",
    ) -> Result:
        if user is None:
            return Result(None, Answer.STALE)
        await session.flush()
        return Result(await self._view(session, user, now), answer, answered)

    async def _view(self, session: AsyncSession, user: User, now: datetime) -> IntakeView:
        rows = {r.kind: r for r in await ReminderRepository(session).of_user(user.id)}
        reminders = {Habit(kind): r for kind, r in rows.items() if kind in _HABIT_KINDS}
        checkin = rows.get(Kind.CHECKIN)
        digest = rows.get(Kind.DIGEST)
        safety = user.safety
        targets = None
        if user.plan_started_on is not None and user.timezone is not None:
            week = week_of_plan(user.plan_started_on, user.today(now))
            targets = self._plan.targets(week, safety)
        return IntakeView(
            user_id=user.id,
            language=user.language,
            step=Step(user.intake_step),
            round=user.intake_round,
            awaiting=user.awaiting,
            timezone=user.timezone,
            safety=safety,
            habits=tuple(h for h in HABITS if h in reminders and reminders[h].enabled),
            times=tuple(
                (h, reminders[h].local_time)  # type: ignore[misc]
                for h in HABITS
                if h in reminders and reminders[h].local_time is not None
            ),
            baseline=tuple(sorted((await _baseline(session, user.id)).items(), key=_symptom_order)),
            plan_started_on=user.plan_started_on,
            targets=targets,
            checkin_day=checkin.days.bit_length() - 1 if checkin is not None else None,
            checkin_time=checkin.local_time if checkin is not None else None,
            day_ends_at=user.day_ends_at or time(0),
            digest_on=digest is not None and digest.enabled,
            digest_day=digest.days.bit_length() - 1 if digest is not None else None,
            digest_time=digest.local_time if digest is not None else None,
            digest_ended=resting(self._plan, user, Kind.DIGEST, user.today(now)),
        )


def _count_from(reminder: Reminder, on: bool, started: date, today: date) -> None:
    """A habit switched on or off while the plan runs: from when it counts. One that was
    off for the whole plan so far counts from today (the days before are not missed); one
    that was coached for a while keeps counting from when it began, so switching it off and
    on again never erases earlier misses."""
    if not on:
        reminder.off_since = today
        return
    first = reminder.coached_since or started
    if reminder.off_since is None or reminder.off_since <= first:
        reminder.coached_since = today if today > started else None
    reminder.off_since = None


def _symptom_order(item: tuple[Symptom, int]) -> int:
    return list(Symptom).index(item[0])


async def _time_question_open(
    session: AsyncSession, user: User, round_: int | None, habit: Habit
) -> bool:
    """The habit is on, and in the intake its time is the open question (not an old one)."""
    reminder = (await _reminders(session, user.id)).get(habit)
    if reminder is None or not reminder.enabled:
        return False
    return round_ is None or user.awaiting == AWAIT_TIME + habit


def _ask_next_time(user: User, reminders: dict[Habit, Reminder]) -> None:
    """In the times step: ask for the next habit without a time, or move on to the baseline."""
    chosen = [h for h in HABITS if h in reminders and reminders[h].enabled]
    times = {h: r.local_time for h, r in reminders.items() if r.local_time is not None}
    pending = habit_awaiting_time(chosen, times)
    if pending is None:
        user.intake_step = Step.BASELINE
    else:
        user.awaiting = AWAIT_TIME + pending


def _at(user: User, round_: int | None, step: Step) -> bool:
    """Is this answer for where the user is? round_ None means a /settings change."""
    if round_ is None:
        return user.intake_step == Step.DONE
    return user.intake_round == round_ and user.intake_step == step


async def _reminders(session: AsyncSession, user_id: int) -> dict[Habit, Reminder]:
    rows = await ReminderRepository(session).of_user(user_id)
    return {Habit(r.kind): r for r in rows if r.kind in _HABIT_KINDS}


async def _baseline(session: AsyncSession, user_id: int) -> dict[Symptom, int]:
    rows = await session.scalars(
        select(SymptomScore).where(
            SymptomScore.user_id == user_id, SymptomScore.week == BASELINE_WEEK
        )
    )
    return {Symptom(r.symptom): r.score for r in rows}


async def _erase_answers(session: AsyncSession, user: User) -> None:
    """Back to nothing but the id and the language."""
    await ReminderRepository(session).delete_all(user.id)
    await ScoreRepository(session).delete_all(user.id)
    await CheckInRepository(session).delete_all(user.id)
    user.awaiting = None
    user.maintenance = False
    user.plan_completed_on = None
    user.day_ends_at = None
    user.consented_at = None
    user.timezone = None
    user.plan_started_on = None
    for column in SAFETY_COLUMNS.values():
        setattr(user, column, False)
