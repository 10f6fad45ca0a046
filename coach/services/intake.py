"""The intake: every answer is saved the moment it is given (changed later in /settings,
coach/services/settings.py).

The step a user is at lives in the database (users.intake_step), so a restart, or another
instance answering the next update, continues at the same step. Buttons carry the intake round
they were made for; an answer for another step or round is reported as STALE and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import SAFETY_COLUMNS, Reminder, SymptomScore, User
from coach.db.repositories import (
    CheckInRepository,
    ReminderRepository,
    ScoreRepository,
    UserRepository,
)
from coach.domain.awaiting import Awaiting, AwaitTime, AwaitTimezone
from coach.domain.habits import HABITS, Habit, Safety, Symptom, afternoon_habit
from coach.domain.intake import Step, habit_awaiting_time, symptom_awaiting_score
from coach.domain.language import pick_language
from coach.domain.plan import Plan
from coach.domain.symptoms import BASELINE_WEEK
from coach.domain.timeparse import time_choices
from coach.domain.zones import resolve_zone, zone_for_location
from coach.reminders.fire_times import plan_reminders, reschedule
from coach.services.answers import (
    Answer,
    ProfileView,
    add_reminder,
    habits_of,
    profile_fields,
    reminder_rows,
    set_time,
    set_timezone,
    time_question_open,
)


@dataclass(frozen=True, kw_only=True)
class IntakeView(ProfileView):
    """Where a user is in the intake, with the answers so far."""

    step: Step
    round: int
    baseline: tuple[tuple[Symptom, int], ...]

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
    answered: Awaiting | None = None  # for typed text: the question it answered
    choices: tuple[time, ...] = ()  # AMBIGUOUS: the times a typed "7" can mean


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
            rows = await reminder_rows(session, user.id)
            if not user.active:  # back after blocking the bot: reminders resume
                user.active = True
                await reschedule(session, self._plan, user, now, reminders=rows)
            if user.intake_step == Step.DECLINED:
                user.intake_step = Step.LANGUAGE
            if user.intake_step == Step.DONE:
                user.question = None  # /start closes any question /settings left open
            return await self._view(session, user, now, rows)

    async def current(self, user_id: int, now: datetime) -> IntakeView | None:
        """The user's state, or None for someone the bot has never met."""
        async with self._sessionmaker() as session:
            user = await session.get(User, user_id)
            return None if user is None else await self._view(session, user, now)

    # -- intake steps --------------------------------------------------------------------

    async def choose_language(
        self, user_id: int, round_: int, language: str, now: datetime
    ) -> Result:
        """Step 1."""
        if language not in self._supported:
            return await self._stale(user_id, now)
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.LANGUAGE):
                return await self._result(session, user, now, Answer.STALE)
            user.language = language
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
                user.question = AwaitTimezone()
            else:
                await _erase_answers(session, user)
                user.intake_step = Step.DECLINED
                user.intake_round += 1  # buttons of the declined run stay dead
            return await self._result(session, user, now, Answer.ACCEPTED)

    async def answer_text(
        self, user_id: int, text: str, now: datetime, cancel: bool = False
    ) -> Result:
        """Typed text: a time zone or a reminder time when one is asked for, by the intake
        or by /settings (whichever question is open). cancel=True: the text is the Cancel
        button /settings' time-zone question shows, which closes it (the intake's has none)."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None:
                return Result(None, Answer.NOT_EXPECTED)
            question = user.question
            match question:
                case AwaitTimezone() if cancel and user.intake_step == Step.DONE:
                    user.question = None
                    return await self._result(session, user, now, Answer.CANCELLED, question)
                case AwaitTimezone():
                    zone = resolve_zone(text)
                    if zone is None:
                        return await self._result(session, user, now, Answer.INVALID)
                    rows = await self._set_timezone(session, user, zone, now)
                    return await self._result(
                        session, user, now, Answer.ACCEPTED, question, rows=rows
                    )
                case AwaitTime(habit):
                    choices = time_choices(text)
                    if not choices:
                        return await self._result(session, user, now, Answer.INVALID)
                    if len(choices) > 1 and afternoon_habit(habit):
                        # A "7" for a lunch-or-dinner habit: ask, don't guess (the question
                        # stays open for a typed answer too).
                        result = await self._result(session, user, now, Answer.AMBIGUOUS)
                        return replace(result, choices=choices)
                    parsed = choices[0]
                    rows = await reminder_rows(session, user.id)
                    await self._set_time(session, user, rows, habit, parsed, now)
                    return await self._result(
                        session, user, now, Answer.ACCEPTED, question, rows=rows
                    )
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
            if user.question != AwaitTimezone():
                return await self._result(session, user, now, Answer.NOT_EXPECTED)
            if zone is None:
                return await self._result(session, user, now, Answer.INVALID)
            rows = await self._set_timezone(session, user, zone, now)
            return await self._result(
                session, user, now, Answer.ACCEPTED, AwaitTimezone(), rows=rows
            )

    async def set_safety(
        self, user_id: int, round_: int, flag: Safety, on: bool, now: datetime
    ) -> Result:
        """Step 4: tick or untick one condition (a repeated tap changes nothing)."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.SAFETY):
                return await self._result(session, user, now, Answer.STALE)
            setattr(user, SAFETY_COLUMNS[flag], on)
            return await self._result(session, user, now, Answer.ACCEPTED)

    async def finish_safety(self, user_id: int, round_: int, none: bool, now: datetime) -> Result:
        """Step 4 done. "None of these" is offered only while nothing is ticked; from a copy
        of the question that showed it after all (another phone, a race), it clears nothing:
        a lost blood-thinner answer would put natto back in the plan. All three habits
        start switched on."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.SAFETY):
                return await self._result(session, user, now, Answer.STALE)
            if none and user.safety:
                return await self._result(session, user, now, Answer.TICKED)
            rows = await reminder_rows(session, user.id)
            existing = {r.kind for r in rows}
            for habit in HABITS:
                if habit not in existing:
                    add_reminder(session, rows, Reminder(user_id=user.id, kind=habit, enabled=True))
            user.intake_step = Step.HABITS
            return await self._result(session, user, now, Answer.ACCEPTED, rows=rows)

    async def set_habit(
        self, user_id: int, round_: int, habit: Habit, on: bool, now: datetime
    ) -> Result:
        """Step 5: switch a habit on or off (times are asked next)."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.HABITS):
                return await self._result(session, user, now, Answer.STALE)
            rows = await reminder_rows(session, user.id)
            target = habits_of(rows).get(habit)
            if target is None:
                target = Reminder(user_id=user.id, kind=habit, enabled=False)
                add_reminder(session, rows, target)
            target.enabled = on
            if not on and user.question == AwaitTime(habit):
                user.question = None
            return await self._result(session, user, now, Answer.ACCEPTED, rows=rows)

    async def finish_habits(self, user_id: int, round_: int, now: datetime) -> Result:
        """Step 5 done: at least one habit must be on."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.HABITS):
                return await self._result(session, user, now, Answer.STALE)
            rows = await reminder_rows(session, user.id)
            reminders = habits_of(rows)
            chosen = [h for h in HABITS if h in reminders and reminders[h].enabled]
            if not chosen:
                return await self._result(session, user, now, Answer.NOTHING_CHOSEN, rows=rows)
            user.intake_step = Step.TIMES
            _ask_next_time(user, rows)
            return await self._result(session, user, now, Answer.ACCEPTED, rows=rows)

    async def ask_time(self, user_id: int, round_: int, habit: Habit, now: datetime) -> Result:
        """ "Other time": typed text is now the habit's time."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.TIMES):
                return await self._result(session, user, now, Answer.STALE)
            rows = await reminder_rows(session, user.id)
            if not time_question_open(user, rows, habit, asked=True):
                return await self._result(session, user, now, Answer.STALE, rows=rows)
            user.question = AwaitTime(habit)
            return await self._result(session, user, now, Answer.ACCEPTED, rows=rows)

    async def choose_time(
        self, user_id: int, round_: int, habit: Habit, at: time, now: datetime
    ) -> Result:
        """Step 6: a preset time for one habit."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not _at(user, round_, Step.TIMES):
                return await self._result(session, user, now, Answer.STALE)
            rows = await reminder_rows(session, user.id)
            if not time_question_open(user, rows, habit, asked=True):
                return await self._result(session, user, now, Answer.STALE, rows=rows)
            await self._set_time(session, user, rows, habit, at, now)
            return await self._result(session, user, now, Answer.ACCEPTED, rows=rows)

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
            scores = await ScoreRepository(session).baseline(user.id)
            if symptom_awaiting_score(scores) != symptom:
                return await self._result(session, user, now, Answer.STALE, scores=scores)
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
            rows = None
            if symptom_awaiting_score(scores) is None:
                user.intake_step = Step.DONE
                user.plan_started_on = user.today(now)
                rows = await reminder_rows(session, user.id)
                for row in plan_reminders(user, {r.kind for r in rows}):
                    add_reminder(session, rows, row)
                await session.flush()
                await reschedule(session, self._plan, user, now, reminders=rows)
            return await self._result(session, user, now, Answer.ACCEPTED, rows=rows, scores=scores)

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

    # -- helpers -------------------------------------------------------------------------

    async def _set_timezone(
        self, session: AsyncSession, user: User, zone: str, now: datetime
    ) -> list[Reminder]:
        """The new zone; the user's reminder rows, read for it."""
        rows = await reminder_rows(session, user.id)
        await set_timezone(session, self._plan, user, rows, zone, now)
        if user.intake_step == Step.TIMEZONE:
            user.intake_step = Step.SAFETY
        return rows

    async def _set_time(
        self,
        session: AsyncSession,
        user: User,
        rows: list[Reminder],
        habit: Habit,
        at: time,
        now: datetime,
    ) -> None:
        await set_time(session, self._plan, user, rows, habit, at, now)
        if user.intake_step == Step.TIMES:
            _ask_next_time(user, rows)

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
        answered: Awaiting | None = None,
        rows: list[Reminder] | None = None,
        scores: dict[Symptom, int] | None = None,
    ) -> Result:
        """The answer with the view after it; `rows` and `scores`: the user's reminder rows
        and baseline ratings, if this transaction has read them already (each read once)."""
        if user is None:
            return Result(None, Answer.STALE)
        await session.flush()
        return Result(await self._view(session, user, now, rows, scores), answer, answered)

    async def _view(
        self,
        session: AsyncSession,
        user: User,
        now: datetime,
        rows: list[Reminder] | None = None,
        scores: dict[Symptom, int] | None = None,
    ) -> IntakeView:
        if rows is None:
            rows = await reminder_rows(session, user.id)
        if scores is None:
            scores = await ScoreRepository(session).baseline(user.id)
        baseline = sorted(scores.items(), key=_symptom_order)
        return IntakeView(
            **profile_fields(self._plan, user, rows, now),  # type: ignore[arg-type]
            step=Step(user.intake_step),
            round=user.intake_round,
            baseline=tuple(baseline),
        )


def _symptom_order(item: tuple[Symptom, int]) -> int:
    return list(Symptom).index(item[0])


def _ask_next_time(user: User, rows: list[Reminder]) -> None:
    """In the times step: ask for the next habit without a time, or move on to the baseline."""
    reminders = habits_of(rows)
    chosen = [h for h in HABITS if h in reminders and reminders[h].enabled]
    times = {h: r.local_time for h, r in reminders.items() if r.local_time is not None}
    pending = habit_awaiting_time(chosen, times)
    if pending is None:
        user.intake_step = Step.BASELINE
    else:
        user.question = AwaitTime(pending)


def _at(user: User, round_: int, step: Step) -> bool:
    """Is this answer for where the user is (its step, in its round)?"""
    return user.intake_round == round_ and user.intake_step == step


async def _erase_answers(session: AsyncSession, user: User) -> None:
    """Back to nothing but the id and the language."""
    await ReminderRepository(session).delete_all(user.id)
    await ScoreRepository(session).delete_all(user.id)
    await CheckInRepository(session).delete_all(user.id)
    user.question = None
    user.maintenance = False
    user.plan_completed_on = None
    user.day_ends_at = None
    user.consented_at = None
    user.timezone = None
    user.plan_started_on = None
    for column in SAFETY_COLUMNS.values():
        setattr(user, column, False)
