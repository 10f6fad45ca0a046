"""No user text in the logs at any level: not a name, a typed word or a note (health data),
not in PTB's DEBUG lines, not in a traceback, whatever the database said about the row.

The bot logs as production does (coach.logs.configure_logging at DEBUG); the test reads what
the root handler writes. A user with a marked name types marked text and a marked note and
taps buttons; then the database refuses a note (a trigger on SQLite, a CHECK constraint on
PostgreSQL, whose error DETAIL quotes the failing row), so the error handler logs a traceback
of an exception whose statement carried the note among its parameters."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import telegram
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from coach.logs import PTB_NAMED_ARGUMENTS, configure_logging
from tests.fakebot import FakeBotAPI, FakeUser
from tests.support.bot import TEST_TOKEN, FakeClock, running_bot
from tests.support.flows import walk_default_intake
from tests.support.processes import bot_process_env

NAME = "Zebraname-4417"
TYPED = "zebra-text-2286"
NOTE = "zebra-note-7319"
REFUSED = "zebra-refused-8642"  # the note the database refuses
MARKERS = (NAME, TYPED, NOTE, REFUSED)
FIBER_DUE = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # the default intake's fiber reminder
REFUSAL = "coach_test_notes_refused"  # the trigger's or constraint's name, in the traceback

REFUSE = {
    "sqlite": [
        f"CREATE TRIGGER {REFUSAL} BEFORE UPDATE OF note ON checkins "
        f"WHEN NEW.note LIKE 'zebra-refused%' BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    ],
    # PostgreSQL's error names the constraint and quotes the failing row, the note in it.
    "postgresql": [
        f"ALTER TABLE checkins ADD CONSTRAINT {REFUSAL} "
        "CHECK (note NOT LIKE 'zebra-refused%') NOT VALID"
    ],
}
ALLOW = {
    "sqlite": [f"DROP TRIGGER IF EXISTS {REFUSAL}"],
    "postgresql": [f"ALTER TABLE checkins DROP CONSTRAINT IF EXISTS {REFUSAL}"],
}


@contextlib.contextmanager
def production_logging() -> Iterator[io.StringIO]:
    """Logging configured as `coach run` does at LOG_LEVEL=DEBUG; what its handler writes."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("DEBUG", [TEST_TOKEN])
    root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
    try:
        yield stream
    finally:
        configure_logging("WARNING", [])
        root.handlers[:], level = saved
        root.setLevel(level)


@contextlib.asynccontextmanager
async def notes_refused(database_url: str) -> AsyncIterator[None]:
    """While inside, the database refuses a note beginning with 'zebra-refused'."""
    backend = make_url(database_url).get_backend_name()
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            for statement in REFUSE[backend]:
                await conn.execute(text(statement))
        yield
    finally:
        # The PostgreSQL database is shared by the session's tests: leave it as it was.
        async with engine.begin() as conn:
            for statement in ALLOW[backend]:
                await conn.execute(text(statement))
        await engine.dispose()


async def note_on_b12(user: FakeUser, note: str) -> str:
    """From /today: open the ticked B12, tap 📝 Note, type the note; the bot's reply."""
    await user.ask("/today")
    await user.tap("✓ B12")
    await user.edit()
    await user.tap("📝 Note")
    assert "Write a short note" in (await user.reply()).text
    return (await user.ask(note)).text


async def walk_with_markers(user: FakeUser, database_url: str) -> None:
    """Intake taps, typed text, a note saved and shown, then a note the database refuses."""
    await walk_default_intake(user)
    assert "didn't catch that" in (await user.ask(TYPED)).text
    await user.ask("/today")
    await user.tap("○ B12")
    assert "✓ B12" in (await user.edit()).labels
    assert "Saved your note" in await note_on_b12(user, NOTE)
    assert NOTE in (await user.ask("/today")).text  # the note goes out in a reply, too
    async with notes_refused(database_url):
        assert "something went wrong" in await note_on_b12(user, REFUSED)


def leaks(output: str) -> list[str]:
    """The log lines that carry a marker, in any case."""
    return [
        line[:300]
        for line in output.splitlines()
        if any(marker.lower() in line.lower() for marker in MARKERS)
    ]


def assert_private(output: str) -> None:
    # The capture is real: PTB's DEBUG lines, and the refused note's traceback, are in it.
    assert "Calling Bot API endpoint `sendMessage`" in output
    assert "error while handling an update" in output and REFUSAL in output
    assert "Traceback" in output
    found = leaks(output)
    assert not found, "\n".join(found)


async def test_no_user_text_in_any_log_line(
    fake_api: FakeBotAPI, database_url: str, clock: FakeClock
) -> None:
    with production_logging() as stream:
        async with running_bot(fake_api, database_url, clock) as bot:
            user = bot.user(7001, name=NAME)
            await walk_with_markers(user, database_url)
            # Reminders go out through the broadcast bot, which logs its calls as well.
            clock.now = FIBER_DUE
            assert (await bot.dispatcher.run_round())["sent"] >= 1
            await user.reply()
    assert_private(stream.getvalue())


@pytest.mark.slow
async def test_coach_run_at_debug_logs_no_user_text(
    fake_api: FakeBotAPI, database_url: str, tmp_path: Path
) -> None:
    env = bot_process_env(fake_api, database_url, LOG_LEVEL="DEBUG")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "coach", "run",
        env=env, cwd=tmp_path, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    # Read as it comes: a DEBUG log fills a pipe's buffer, and a bot blocked writing its log
    # answers nobody.
    reading = asyncio.create_task(process.stderr.read())
    try:
        await walk_with_markers(FakeUser(fake_api, 7002, NAME, "en"), database_url)
    finally:
        await fake_api.release_pollers()
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 30)
        err = (await reading).decode()
    assert_private(err)


def test_ptb_payload_lines_at_every_level_are_withheld() -> None:
    """PTB's lines that quote a payload but that no test run reaches (a webhook post, a body
    PTB cannot parse), each in PTB's own words and logger: the line stays, the payload goes."""
    update = {"update_id": 9, "message": {"text": NOTE, "from": {"first_name": NAME}}}
    with production_logging() as stream:
        updater = logging.getLogger("telegram.ext.Updater")  # PTB's webhook handler
        updater.debug("Webhook received data: %s", json.dumps(update))
        updater.debug("Received Update with ID %d on Webhook", 9)
        updater.critical(
            "Something went wrong processing the data received from Telegram. "
            "Received data was *not* processed! Received data was: %r",
            update,
        )
        bot = logging.getLogger("telegram.ext.ExtBot")
        bot.critical("Error while parsing updates! Received data was %r", [update])
        bot.debug("Getting updates: %s", [9, 10])
        try:
            json.loads(f"{{{TYPED}")
        except ValueError:
            logging.getLogger("telegram.request.BaseRequest").exception(
                'Can not load invalid JSON data: "%s"', f"{{{TYPED}"
            )
        logging.getLogger("telegram.ext").debug("%s Failed run number %d", NOTE, "x")
    output = stream.getvalue()
    assert leaks(output) == []
    assert "Webhook received data: [withheld]" in output
    assert "Received Update with ID 9 on Webhook" in output
    assert "Received data was: [withheld]" in output and "Received data was [withheld]" in output
    assert "Getting updates: [9, 10]" in output
    assert "Can not load invalid JSON data" in output and "JSONDecodeError" in output
    assert "Failed run number %d" in output, "a template that no longer formats stays as is"


def test_postgres_detail_is_withheld_from_messages_and_tracebacks() -> None:
    """asyncpg appends PostgreSQL's DETAIL to an error's text: for a refused row, its values."""
    detail = f"new row violates check constraint\nDETAIL:  Failing row contains (1, {NOTE})."
    with production_logging() as stream:
        log = logging.getLogger("coach.test")
        log.warning("a task failed: %r", RuntimeError(detail))  # a repr: one line
        try:
            raise RuntimeError(detail)
        except RuntimeError:
            log.exception("a write failed")
    output = stream.getvalue()
    assert leaks(output) == []
    assert output.count("DETAIL:  [withheld]") == 2
    assert "violates check constraint" in output


def test_the_named_templates_are_ptbs() -> None:
    """PTB_NAMED_ARGUMENTS holds templates PTB logs today: one it no longer uses would only
    withhold a name, so this guards what DEBUG shows, after a PTB upgrade."""
    source = "\n".join(path.read_text() for path in Path(telegram.__file__).parent.rglob("*.py"))
    for template in PTB_NAMED_ARGUMENTS:
        assert template in source, template
