"""Every free-text step of the intake, fuzzed: the bot answers, and stored answers survive."""

from __future__ import annotations

import itertools
from datetime import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.db.models import Reminder, User
from coach.domain.timeparse import time_choices
from coach.domain.zones import resolve_zone
from tests.support.bot import RunningBot
from tests.support.flows import Walk, walk_to_habits, walk_to_timezone
from tests.support.rows import reminders, user_row
from tests.support.seeding import clone_user

# What a Telegram client can send: 1 to 4096 characters of any unicode, emoji included.
any_text = st.one_of(
    st.text(min_size=1, max_size=4096),
    st.text(alphabet=st.characters(categories=["So", "Cs", "Zs", "Cc"]), min_size=1, max_size=50),
    st.sampled_from(["UTC+9", "Seoul", "8:15 pm", "25:00", "/", " ", "\u200b", "🙂" * 2000]),
).filter(lambda s: not s.startswith("/"))
fuzz = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
ids = itertools.count(50_000)


async def load(sessionmaker, user_id: int) -> tuple[User, dict[str, Reminder]]:
    return await user_row(sessionmaker, user_id), await reminders(sessionmaker, user_id)


# Hypothesis runs many examples on one bot: each state is walked to once per bot, and each
# example gets a fresh copy of it (walking is the slow part, and tests nothing new).
_walked: dict[tuple[int, str], int] = {}


async def fresh_user_at(bot: RunningBot, sessionmaker, step: str) -> Walk:  # type: ignore[no-untyped-def]
    """A new user where a walk to `step` leaves one: "timezone" (after Agree) or "times"
    (the habits chosen, Continue tapped)."""
    if (id(bot), step) not in _walked:
        walk = Walk(bot.user(next(ids)))
        if step == "timezone":
            await walk_to_timezone(walk)
        else:
            await walk_to_habits(walk, "Berlin")
            await walk.tap("Continue")
        _walked[id(bot), step] = walk.user.id
    clone = next(ids)
    await clone_user(sessionmaker, _walked[id(bot), step], clone)
    return Walk(bot.user(clone))


@fuzz
@given(text=any_text)
async def test_time_zone_step_takes_any_text(bot: RunningBot, sessionmaker, text: str) -> None:
    walk = await fresh_user_at(bot, sessionmaker, "timezone")
    reply = await walk.type(text)
    user, _ = await load(sessionmaker, walk.user.id)
    assert user.consented_at is not None and user.language == "en"
    if resolve_zone(text) is None:
        assert "couldn't find that time zone" in reply.text
        assert (user.intake_step, user.timezone, user.awaiting) == ("timezone", None, "timezone")
    else:
        assert "Time zone set" in reply.text
        assert (user.intake_step, user.timezone) == ("safety", resolve_zone(text))
        await walk.next_message()


@fuzz
@given(text=any_text)
async def test_time_step_takes_any_text(bot: RunningBot, sessionmaker, text: str) -> None:
    walk = await fresh_user_at(bot, sessionmaker, "times")
    reply = await walk.type(text)
    user, rows = await load(sessionmaker, walk.user.id)
    assert user.timezone == "Europe/Berlin" and set(rows) == {"fermented", "fiber", "b12"}
    choices = time_choices(text)
    parsed = choices[0] if len(choices) == 1 else None
    if not choices:
        assert "couldn't read that time" in reply.text
        assert (user.intake_step, user.awaiting) == ("times", "time:fermented")
        assert all(r.local_time is None for r in rows.values())
    elif parsed is None:  # "7" for a lunch-or-dinner habit: which one?
        assert reply.labels == [f"{at:%H:%M}" for at in choices]
        assert (user.intake_step, user.awaiting) == ("times", "time:fermented")
        assert all(r.local_time is None for r in rows.values())
        await walk.user.tap(reply.labels[1])
        assert "Fermented foods" in (await walk.next_message()).text
        _, rows = await load(sessionmaker, walk.user.id)
        assert rows["fermented"].local_time == choices[1]
    else:
        assert f"Fermented foods: {parsed:%H:%M}" in reply.text
        assert rows["fermented"].local_time == parsed and isinstance(parsed, time)
        assert user.awaiting == "time:fiber"


async def test_stickers_and_locations_at_text_steps_re_ask(bot: RunningBot, sessionmaker) -> None:
    walk = Walk(bot.user(next(ids)))
    await walk_to_timezone(walk)
    await walk.user.send_sticker()
    assert "only read text" in (await walk.next_message()).text
    await walk.user.send_photo()
    assert "only read text" in (await walk.next_message()).text
    await walk.user.send_location(0.5, -160.0)  # open Pacific: an Etc zone, still a zone
    assert "Time zone set" in (await walk.next_message()).text
    await walk.next_message()
    await walk.tap("Done")
    await walk.next_message()
    await walk.tap("Continue")
    await walk.user.send_location(52.5, 13.4)  # not asked for now
    assert "didn't catch that" in (await walk.next_message()).text
    user, _ = await load(sessionmaker, walk.user.id)
    assert (user.intake_step, user.awaiting) == ("times", "time:fermented")
