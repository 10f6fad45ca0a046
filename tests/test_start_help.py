"""/start, /help and the fallbacks, driven through the fake Bot API server."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select, update

from coach.bot.commands import MENU
from coach.db.models import User
from tests.support.bot import RunningBot
from tests.support.flows import Walk, walk_default_intake


async def test_start_greets_in_english_with_the_disclaimer(bot: RunningBot) -> None:
    lisa = bot.user(1001, language_code="en-US", name="Lisa")
    reply = await lisa.ask("/start")
    assert reply.text.startswith("Hi Lisa!")
    assert "not medical advice" not in reply.text, "once, on the consent screen next"
    assert reply.params["parse_mode"] == "HTML"


async def test_start_greets_in_korean_for_a_korean_telegram(bot: RunningBot) -> None:
    minji = bot.user(1002, language_code="ko", name="민지")
    reply = await minji.ask("/start")
    assert reply.text.startswith("안녕하세요, 민지님!")
    assert "의학적 조언이 아니에요" not in reply.text, "once, on the consent screen next"


async def test_unknown_language_falls_back_to_english(bot: RunningBot) -> None:
    reply = await bot.user(1003, language_code="de").ask("/start")
    assert "I'm Gut Coach" in reply.text and "Which language" in reply.text


async def test_names_are_escaped_for_html(bot: RunningBot) -> None:
    reply = await bot.user(1004, name="<b>&Bob").ask("/start")
    assert reply.text.startswith("Hi &lt;b&gt;&amp;Bob!")


async def test_start_registers_the_user_once(bot: RunningBot, sessionmaker) -> None:
    user = bot.user(1005, language_code="ko")
    await user.ask("/start")
    await user.ask("/start")
    async with sessionmaker() as session:
        rows = (await session.scalars(select(User).where(User.id == 1005))).all()
    assert [(row.id, row.language) for row in rows] == [(1005, "ko")]
    assert rows[0].created_at.tzinfo is not None


async def test_help_lists_commands_and_repeats_the_disclaimer(bot: RunningBot) -> None:
    for code, command_line, disclaimer in (
        ("en", "/start", "not medical advice"),
        ("ko", "/start", "의학적 조언이 아니에요"),
    ):
        reply = await bot.user(1010 if code == "en" else 1011, language_code=code).ask("/help")
        assert command_line in reply.text
        listed = {command for command, _ in MENU if f"/{command}" in reply.text}
        assert listed == {command for command, _ in MENU} - {"help"}, "every other command"
        assert disclaimer in reply.text


async def test_saved_language_wins_over_telegram_language(bot: RunningBot) -> None:
    await bot.user(1020, language_code="ko").ask("/start")
    # Same person, now with an English phone: the saved choice (Korean) still applies.
    reply = await bot.user(1020, language_code="en").ask("/help")
    assert "할 수 있는 일" in reply.text


async def test_unknown_command_text_and_sticker_get_a_friendly_reply(bot: RunningBot) -> None:
    user = bot.user(1030)
    assert "don't know that command" in (await user.ask("/frobnicate")).text
    assert "didn't catch that" in (await user.ask("hello?")).text
    await user.send_sticker()
    assert "only read text" in (await user.reply()).text


async def test_command_menus_are_registered_per_language(bot: RunningBot) -> None:
    menus = bot.api.commands
    assert set(menus) == {"", "en", "ko"}
    assert [c["command"] for c in menus["ko"]] == [c["command"] for c in menus["en"]]
    assert menus["ko"][0]["description"] != menus["en"][0]["description"]


async def test_any_update_notes_when_the_user_was_last_seen(bot: RunningBot, sessionmaker) -> None:
    """The retention policy's clock: the first update of a day, whatever it is."""
    user = bot.user(16_001)
    await user.ask("/start")
    long_ago = bot.clock.now - timedelta(days=300)
    async with sessionmaker.begin() as session:
        await session.execute(update(User).where(User.id == user.id).values(last_seen_at=long_ago))
    bot.clock.now += timedelta(days=1)  # /start was today's note; tomorrow's first update
    await user.ask("/help")
    async with sessionmaker() as session:
        seen = await session.scalar(select(User.last_seen_at).where(User.id == user.id))
    assert seen == bot.clock.now


async def test_continue_on_a_running_plan_shows_what_plan_shows(
    bot: RunningBot, sessionmaker
) -> None:
    """/start, then Continue, on day 10: the plan as it stands (what /plan shows, with any
    held or stepped-back targets), not the intake's "Week 1 starts today"."""
    from tests.support.seeding import seed_enrolled_user

    await seed_enrolled_user(sessionmaker, 9301, bot.clock.now)
    bot.clock.advance(days=9)
    user = bot.user(9301)
    menu = await user.ask("/start")
    assert "Your plan is running: week 2 of 12" in menu.text
    await user.tap("Continue")
    assert (await user.edit()).labels == []
    shown = await user.reply()
    assert "starts today" not in shown.text
    plan = await user.ask("/plan")
    assert shown.text == plan.text and "Week 2" in plan.text


async def test_the_disclaimer_comes_once_at_the_start_on_the_consent_screen(
    bot: RunningBot,
) -> None:
    for user_id, code, words, language in (
        (9302, "en", "not medical advice", "✅ English"),
        (9303, "ko", "의학적 조언이 아니에요", "✅ 한국어"),
    ):
        user = bot.user(user_id, language_code=code)
        greeting = await user.ask("/start")
        await user.tap(language)
        await user.edit()
        consent = await user.reply()
        assert [greeting.text.count(words), consent.text.count(words)] == [0, 1], code


async def test_the_chats_menu_follows_the_language_chosen(bot: RunningBot) -> None:
    """A user whose Telegram is Korean picks English in the intake; another switches to
    Korean in /settings: each chat's own command menu follows the choice."""
    korean_phone = bot.user(16_002, language_code="ko")
    await korean_phone.ask("/start")
    await Walk(korean_phone).tap("English")
    assert await chat_menu_becomes(bot, 16_002, bot.api.commands["en"])
    switching = bot.user(16_003)
    await walk_default_intake(switching)
    await switching.ask("/settings")
    await switching.tap("Language")
    await switching.edit()
    await switching.tap("한국어")
    await switching.edit()
    assert await chat_menu_becomes(bot, 16_003, bot.api.commands["ko"])
    # Back to the language of their Telegram: the chat's own menu goes, the startup's
    # (refreshed at each release) applies again.
    await switching.tap("언어")
    await switching.edit()
    await switching.tap("English")
    await switching.edit()
    assert await chat_menu_becomes(bot, 16_003, None)


async def chat_menu_becomes(
    bot: RunningBot, chat_id: int, menu: list[dict[str, str]] | None
) -> bool:
    """Whether the chat's own menu becomes `menu` (the bot sets it just after its reply)."""
    for _ in range(100):
        if bot.api.chat_commands.get(chat_id) == menu:
            return True
        await asyncio.sleep(0.05)
    return False
