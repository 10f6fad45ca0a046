"""The schema, as typed SQLAlchemy models. Alembic migrations must match it exactly."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
    false,
    func,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from coach.db.base import Base, UTCDateTime


class User(Base):
    """A Telegram user who has talked to the bot (private chat id == user id)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, server_default=func.now(), onupdate=func.now()
    )
    # Where the user is in the intake (coach.domain.intake.Step), and which run of it:
    # "Start over" bumps the round so buttons from an earlier run are recognised as stale.
    intake_step: Mapped[str] = mapped_column(String(16), server_default="language")
    intake_round: Mapped[int] = mapped_column(Integer, server_default="1")
    # What typed text means right now ("timezone", "time:b12"), or nothing.
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


class Reminder(Base):
    """One habit the user coaches, with its daily reminder. The database is the schedule."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # coach.domain.habits.Habit
    enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    local_time: Mapped[time | None] = mapped_column(Time)
    # Next fire time in UTC; NULL while the intake is unfinished or the habit is off.
    next_fire_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class SymptomScore(Base):
    """A 1-5 rating of one symptom: week 0 is the baseline from the intake."""

    __tablename__ = "symptom_scores"
    __table_args__ = (
        UniqueConstraint("user_id", "week", "symptom"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    week: Mapped[int] = mapped_column(SmallInteger)
    symptom: Mapped[str] = mapped_column(String(16))  # coach.domain.habits.Symptom
    score: Mapped[int] = mapped_column(SmallInteger)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
