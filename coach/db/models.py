"""The schema, as typed SQLAlchemy models. Alembic migrations must match it exactly."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    func,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from coach.db.base import Base, BigId, UTCDateTime
from coach.domain import awaiting
from coach.domain.awaiting import Awaiting
from coach.domain.checkins import NOTE_LIMIT
from coach.domain.habits import Safety
from coach.domain.intake import Step
from coach.domain.reminders import is_paused
from coach.domain.schedule import local_date

# Each safety answer and the users column that keeps it.
SAFETY_COLUMNS = {
    Safety.BLOOD_THINNER: "safety_blood_thinner",
    Safety.HISTAMINE: "safety_histamine",
    Safety.IBS: "safety_ibs",
    Safety.PREGNANT_OR_MINOR: "safety_pregnant_or_minor",
}


class User(Base):
    """A Telegram user who has talked to the bot (private chat id == user id)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, server_default=func.now(), onupdate=func.now()
    )
    # When the user last sent anything (at most once a day is written: AccountService.seen);
    # the retention policy purges those silent for USER_RETENTION_DAYS.
    last_seen_at: Mapped[datetime] = mapped_column(
        UTCDateTime, server_default=func.now(), index=True
    )
    # Where the user is in the intake (coach.domain.intake.Step), and which run of it:
    # "Start over" bumps the round so buttons from an earlier run are recognised as stale.
    intake_step: Mapped[str] = mapped_column(String(16), server_default="language")
    intake_round: Mapped[int] = mapped_column(Integer, server_default="1")
    # What typed text means right now, spelled by coach/domain/awaiting.py: read and set it
    # as `question`.
    awaiting: Mapped[str | None] = mapped_column(String(24))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timezone: Mapped[str | None] = mapped_column(String(64))
    safety_blood_thinner: Mapped[bool] = mapped_column(Boolean, server_default=false())
    safety_histamine: Mapped[bool] = mapped_column(Boolean, server_default=false())
    safety_ibs: Mapped[bool] = mapped_column(Boolean, server_default=false())
    safety_pregnant_or_minor: Mapped[bool] = mapped_column(Boolean, server_default=false())
    plan_started_on: Mapped[date | None] = mapped_column(Date)
    # False once Telegram says the user blocked the bot; /start sets it again.
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    # /pause: reminders are skipped while paused, until paused_until (NULL: until /resume).
    paused: Mapped[bool] = mapped_column(Boolean, server_default=false())
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "My day ends at": a night owl's 01:00 check-in still counts for the evening before.
    # NULL: local midnight.
    day_ends_at: Mapped[time | None] = mapped_column(Time)
    # After week 12: the same habits at the final targets, with no ramp.
    maintenance: Mapped[bool] = mapped_column(Boolean, server_default=false())
    plan_completed_on: Mapped[date | None] = mapped_column(Date)

    @property
    def enrolled(self) -> bool:
        """The intake is done and the plan has begun."""
        return self.intake_step == Step.DONE and self.plan_started_on is not None

    def today(self, now: datetime) -> date:
        """The user's local day containing `now`, by their time zone and day end."""
        return local_date(now, self.timezone or "UTC", self.day_ends_at or time(0))

    def paused_at(self, at: datetime) -> bool:
        """Whether /pause holds at this instant (a pause that has run out is over)."""
        return is_paused(self.paused, self.paused_until, at)

    @property
    def question(self) -> Awaiting | None:
        """The question typed text answers now (None: none open)."""
        return awaiting.decode(self.awaiting)

    @question.setter
    def question(self, question: Awaiting | None) -> None:
        self.awaiting = awaiting.encode(question)

    @property
    def safety(self) -> frozenset[Safety]:
        """The safety-screen answers that are ticked."""
        return frozenset(flag for flag, column in SAFETY_COLUMNS.items() if getattr(self, column))


class Reminder(Base):
    """One habit the user coaches with its daily reminder, or the weekly check-in, or the
    plan's finale. The database is the schedule."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # coach.domain.habits.Habit, or Kind
    enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    local_time: Mapped[time | None] = mapped_column(Time)
    # Weekdays it fires on, bit 0 = Monday; 127 = every day.
    days: Mapped[int] = mapped_column(SmallInteger, server_default="127")
    # Next fire time in UTC; NULL while the intake is unfinished, the habit is off or the
    # user has blocked the bot.
    next_fire_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The next firing is a snooze's single re-fire (it offers no further snooze).
    snoozed: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # The latest occurrence claimed (its deliveries row exists): next_fire_at only ever moves
    # past it, whatever clock a settings change read (coach/reminders/fire_times.py).
    last_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A habit switched on in /settings after its plan began: the local day it started to
    # count (earlier days unlogged are not missed). NULL: since the plan began.
    coached_since: Mapped[date | None] = mapped_column(Date)
    # The local day it was switched off in /settings while the plan ran; NULL while on.
    off_since: Mapped[date | None] = mapped_column(Date)


class Delivery(Base):
    """One occurrence of a reminder and what became of it. Unique per (reminder, due_at):
    the row that makes "exactly once" checkable. See coach/reminders/dispatcher.py."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("reminder_id", "due_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reminder_id: Mapped[int] = mapped_column(BigId, ForeignKey("reminders.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    local_day: Mapped[date] = mapped_column(Date)
    # claimed -> sending -> sent | failed | blocked | uncertain; or at claim time:
    # skipped | missed. Snoozed once the user snoozes a sent reminder.
    status: Mapped[str] = mapped_column(String(12), index=True)
    snooze: Mapped[bool] = mapped_column(Boolean, server_default=false())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worker: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    detail: Mapped[str | None] = mapped_column(String(200))
    # Indexed: /stats counts today's outcomes, and old rows are pruned by it.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class CheckIn(Base):
    """A habit logged (done or skipped) for one of the user's local days. One per habit per
    day, enforced here: double taps and changed minds leave one row, the last answer."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("user_id", "habit", "day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    habit: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))  # done | skipped
    # The follow-up answer: which fermented food, or how much fiber against the target
    # (coach.domain.checkins). Optional.
    detail: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(NOTE_LIMIT))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SymptomScore(Base):
    """A 1-5 rating of one symptom: week 0 is the baseline from the intake."""

    __tablename__ = "symptom_scores"
    __table_args__ = (
        UniqueConstraint("user_id", "week", "symptom"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    week: Mapped[int] = mapped_column(SmallInteger)
    symptom: Mapped[str] = mapped_column(String(16))  # coach.domain.habits.Symptom
    score: Mapped[int] = mapped_column(SmallInteger)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GroupChat(Base):
    """A group or channel the bot was added to: it coaches only in private chats, says so
    once per group (this row), and stays quiet there after."""

    __tablename__ = "group_chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    told_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Announcement(Base):
    """An admin's /announce preview whose Send was taken: a second Send on it (a double
    tap, an old copy, another instance) sends nothing more."""

    __tablename__ = "announcements"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InboxUpdate(Base):
    """A Telegram update not handled at once, stored before it was acknowledged (the
    webhook's 200, or the next getUpdates' offset), and marked handled once it is. See
    coach/services/inbox.py for the guarantee; handled rows are pruned after a day."""

    __tablename__ = "updates"
    __table_args__ = (Index("ix_updates_chat_key_update_id", "chat_key", "update_id"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The user (or, for a channel post, the chat) it is about: their updates go in order.
    chat_key: Mapped[int | None] = mapped_column(BigInteger)
    body: Mapped[str] = mapped_column(Text)  # the update's JSON, as Telegram sent it
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The instance handling it, until lease_until: after that, any instance may take it over.
    owner: Mapped[str] = mapped_column(String(64))
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime)
