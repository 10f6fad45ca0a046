"""Odd input gets a short, friendly reply: never a traceback, never a silent bot."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import RunningBot

# Telegram never delivers empty messages and caps text at 4096 characters.
texts = st.text(min_size=1, max_size=4096).filter(lambda s: s.strip())


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
async def test_any_text_gets_a_friendly_reply(bot: RunningBot, text: str) -> None:
    user = bot.user(2001)
    reply = await user.ask(text)
    assert reply.text
    assert "Traceback" not in reply.text
    assert len(reply.text) < 300
