"""The handlers' typed context: services and translators, instead of globals."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import Application, CallbackContext, ExtBot

from coach.config import Settings
from coach.i18n import Catalog, Translator
from coach.services import Services

RUNTIME_KEY = "coach.runtime"


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    services: Services
    catalog: Catalog


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


CoachApplication = Application[ExtBot[None], CoachContext, dict, dict, dict, object]
