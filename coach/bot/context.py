"""The handlers' typed context: services and translators, instead of globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram.ext import Application, CallbackContext, ExtBot

from coach.bot.drawing import Drawings
from coach.bot.health import Metrics
from coach.bot.ingress import Ingress
from coach.bot.lanes import Lanes
from coach.config import Settings
from coach.i18n import Catalog, Translator
from coach.reminders.announcer import Announcer
from coach.reminders.dispatcher import Dispatcher
from coach.services import Services

RUNTIME_KEY = "coach.runtime"


Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    services: Services
    catalog: Catalog
    clock: Clock
    dispatcher: Dispatcher
    metrics: Metrics
    ingress: Ingress
    lanes: Lanes
    drawings: Drawings
    announcer: Announcer


class CoachContext(CallbackContext[ExtBot[None], dict, dict, dict]):
    """CallbackContext with the bot's services and message catalog at hand."""

    @property
    def runtime(self) -> Runtime:
        return self.application.bot_data[RUNTIME_KEY]

    @property
    def services(self) -> Services:
        return self.runtime.services

    def translator(self, language: str) -> Translator:
        return self.runtime.catalog.translator(language)

    def now(self) -> datetime:
        """The current instant (aware UTC); tests move it with their own clock."""
        return self.runtime.clock()


CoachApplication = Application[ExtBot[None], CoachContext, dict, dict, dict, object]
