"""Use cases. Each public method owns one transaction and returns plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.domain.plan import Plan
from coach.services.account import AccountService
from coach.services.announcements import AnnouncementService
from coach.services.checkins import CheckInService
from coach.services.groups import GroupService
from coach.services.intake import IntakeService
from coach.services.pause import PauseService
from coach.services.plan import PlanService
from coach.services.progress import ProgressService
from coach.services.settings import SettingsService
from coach.services.stats import StatsService
from coach.services.targets import TargetBook
from coach.services.users import UserService
from coach.services.weekly import WeeklyCheckInService


@dataclass(frozen=True)
class Services:
    """Every use case the bot can call, built once per process."""

    users: UserService
    intake: IntakeService
    settings: SettingsService
    checkins: CheckInService
    pause: PauseService
    weekly: WeeklyCheckInService
    plan: PlanService
    progress: ProgressService
    account: AccountService  # /export, /delete and the retention policy
    stats: StatsService
    announcements: AnnouncementService
    groups: GroupService

    @classmethod
    def build(
        cls,
        sessionmaker: async_sessionmaker[AsyncSession],
        plan: Plan,
        supported: tuple[str, ...],
        default_language: str,
    ) -> Services:
        book = TargetBook(plan)
        return cls(
            users=UserService(sessionmaker, supported, default_language),
            intake=IntakeService(sessionmaker, plan, supported, default_language),
            settings=SettingsService(sessionmaker, plan),
            checkins=CheckInService(sessionmaker, book),
            pause=PauseService(sessionmaker, plan),
            weekly=WeeklyCheckInService(sessionmaker, book),
            plan=PlanService(sessionmaker, book),
            progress=ProgressService(sessionmaker, book),
            account=AccountService(sessionmaker, book),
            stats=StatsService(sessionmaker),
            announcements=AnnouncementService(sessionmaker),
            groups=GroupService(sessionmaker),
        )
