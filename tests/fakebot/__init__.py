"""The fake Telegram Bot API server and a fake user who talks to the bot through it."""

from tests.fakebot.server import BotEvent, FakeBotAPI
from tests.fakebot.user import FakeUser

__all__ = ["BotEvent", "FakeBotAPI", "FakeUser"]
