"""The schedule never sticks and never drops: a reminder row never goes back onto an
occurrence it already delivered (whatever clock the change read), one bad row never stops the
others, and a settings change leaves a due or snoozed reminder alone.

Each test has other users due in the same round: their reminders must go out whatever the
one row does.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text, update

from coach.bot.app import build_application
from coach.bot.context import RUNTIME_KEY, CoachApplication
from coach.db.models import CheckIn, Delivery, Reminder, SymptomScore, User
from coach.reminders.dispatcher import Dispatcher
from tests.support.bot import FakeClock, RunningBot, bot_settings
from tests.support.flows import enrolled
from tests.support.seeding import seed_due_reminders

# After the default intake (Berlin, 2026-03-02): B12 at 07:00 local is 06:00 UTC.
B12_DUE = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
OTHERS = 20


@contextlib.asynccontextmanager
async def dispatching_instance(bot: RunningBot, clock: FakeClock) -> AsyncIterator[Dispatcher]:
    """A second instance on the same database with its own clock, sending reminders only
    (it takes no updates: the test's users talk to `bot`)."""
    settings = bot_settings(bot.api, bot.settings.database_url)
    application: CoachApplication = build_application(settings, clock, dispatch_automatically=False)
    await application.initialize()
    assert application.post_init is not None and application.post_shutdown is not None
    await application.post_init(application)
    try:
        yield application.bot_data[RUNTIME_KEY].dispatcher
    finally:
        await application.shutdown()
        await application.post_shutdown(application)


async def sent_to(bot: RunningBot, user_ids: list[int], since: int = 0) -> Counter[int]:
    """How many sendMessage calls reached each of these chats (from call number `since`)."""
    wanted = set(user_ids)
    return Counter(
        int(params["chat_id"])
        for method, params in bot.api.calls[since:]
        if method == "sendMessage" and int(params["chat_id"]) in wanted
    )


async def deliveries_of(sessionmaker, user_id: int, kind: str) -> list[tuple[datetime, str]]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Delivery.due_at, Delivery.status)
            .where(Delivery.user_id == user_id, Delivery.kind == kind)
            .order_by(Delivery.due_at)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def confirm_time_zone(user) -> None:
    """/settings -> Time zone -> the same city again: every row is recomputed."""
    await user.ask("/settings")
    await user.tap("Time zone")
    await user.reply()
    assert "Europe/Berlin" in (await user.ask("Berlin")).text
    await user.quiet()


async def test_a_clock_a_second_behind_never_puts_a_row_back_on_a_delivered_occurrence(
    bot: RunningBot, sessionmaker
) -> None:
    """Instance A sends B12 by its clock; instance B, one second behind, handles a settings
    change of the same row. The row must not go back onto the occurrence A delivered (which
    made every later claim fail on the unique (reminder, due_at) rule, for everyone)."""
    user = await enrolled(bot, 6001)
    others = await seed_due_reminders(
        bot.settings.database_url, OTHERS, B12_DUE + timedelta(minutes=1), first_id=7_000
    )
    ahead = FakeClock(B12_DUE + timedelta(seconds=0.5))
    async with dispatching_instance(bot, ahead) as instance_a:
        assert await instance_a.run_round() == Counter({"sent": 1})
        assert "sublingual B12" in (await user.reply()).text
        # B's clock reads half a second before the due time A just delivered.
        bot.clock.now = B12_DUE - timedelta(seconds=0.5)
        await confirm_time_zone(user)  # every row is recomputed from B's clock
        ahead.now = B12_DUE + timedelta(minutes=2)
        counts = await instance_a.run_round()
    assert counts == Counter({"sent": OTHERS}), "everyone else still gets their reminder"
    assert await sent_to(bot, others) == Counter(dict.fromkeys(others, 1))
    assert await deliveries_of(sessionmaker, 6001, "b12") == [(B12_DUE, "sent")]
    async with sessionmaker() as session:
        row = await session.scalar(
            select(Reminder).where(Reminder.user_id == 6001, Reminder.kind == "b12")
        )
    assert row.next_fire_at == B12_DUE + timedelta(days=1)


async def test_a_settings_change_that_read_the_clock_before_the_claim(
    bot: RunningBot, sessionmaker
) -> None:
    """One process: the tap read the clock just before the claim and committed just after
    (on SQLite its write waits for the claim's lock). The host clock stepping back looks the
    same. The row moves past what was delivered; the next round sends everyone else's."""
    user = await enrolled(bot, 6002)
    others = await seed_due_reminders(
        bot.settings.database_url, OTHERS, B12_DUE + timedelta(minutes=1), first_id=7_100
    )
    bot.clock.now = B12_DUE
    assert await bot.dispatcher.run_round() == Counter({"sent": 1})
    await user.reply()
    bot.clock.now = B12_DUE - timedelta(seconds=1)  # what the handler read
    await confirm_time_zone(user)
    bot.clock.now = B12_DUE + timedelta(minutes=1)
    assert await bot.dispatcher.run_round() == Counter({"sent": OTHERS})
    assert await sent_to(bot, others) == Counter(dict.fromkeys(others, 1))
    assert await deliveries_of(sessionmaker, 6002, "b12") == [(B12_DUE, "sent")]


async def test_a_row_planted_on_a_delivered_occurrence_is_moved_on(
    bot: RunningBot, sessionmaker
) -> None:
    """However a row got back onto an occurrence it has a deliveries row for, the claim
    records it, moves it on, and writes no second row; the batch goes out."""
    user = await enrolled(bot, 6003)
    bot.clock.now = B12_DUE
    await bot.dispatcher.run_round()
    await user.reply()
    others = await seed_due_reminders(
        bot.settings.database_url, OTHERS, B12_DUE + timedelta(minutes=1), first_id=7_200
    )
    async with sessionmaker.begin() as session:
        await session.execute(
            update(Reminder)
            .where(Reminder.user_id == 6003, Reminder.kind == "b12")
            .values(next_fire_at=B12_DUE)
        )
    bot.clock.now = B12_DUE + timedelta(minutes=1)
    since = len(bot.api.calls)
    counts = await bot.dispatcher.run_round()
    assert counts == Counter({"sent": OTHERS, "duplicate:already_delivered": 1})
    assert await sent_to(bot, others) == Counter(dict.fromkeys(others, 1))
    assert await sent_to(bot, [6003], since) == Counter(), "never sent twice"
    assert await deliveries_of(sessionmaker, 6003, "b12") == [(B12_DUE, "sent")]
    async with sessionmaker() as session:
        moved = await session.scalar(
            select(Reminder.next_fire_at).where(Reminder.user_id == 6003, Reminder.kind == "b12")
        )
    assert moved == B12_DUE + timedelta(days=1)
    assert await bot.dispatcher.run_round() == Counter(), "and it stays quiet"


async def test_a_row_that_cannot_be_scheduled_is_recorded_and_the_rest_go_out(
    bot: RunningBot, sessionmaker
) -> None:
    """A user row with a corrupt time zone (written by hand, or an old tzdata): its
    reminder is recorded failed and stops; the other rows of the batch are sent."""
    others = await seed_due_reminders(bot.settings.database_url, OTHERS, B12_DUE, first_id=7_300)
    broken = others.pop(0)
    async with sessionmaker.begin() as session:
        await session.execute(update(User).where(User.id == broken).values(timezone="Mars/Base"))
    bot.clock.now = B12_DUE
    counts = await bot.dispatcher.run_round()
    assert counts == Counter({"sent": OTHERS - 1, "failed:unschedulable": 1})
    assert await sent_to(bot, others) == Counter(dict.fromkeys(others, 1))
    async with sessionmaker() as session:
        row = await session.scalar(select(Reminder).where(Reminder.user_id == broken))
        status = await session.scalar(select(Delivery.status).where(Delivery.user_id == broken))
    assert (row.next_fire_at, status) == (None, "failed")


async def test_a_batch_whose_write_fails_for_one_row_writes_the_others(
    bot: RunningBot, sessionmaker, engine
) -> None:
    """The database refuses one row's deliveries insert (a trigger stands in for whatever
    a future bug might be): the batch is written row by row, the one row is lost and moved
    on, and everyone else is sent their reminder."""
    others = await seed_due_reminders(bot.settings.database_url, OTHERS, B12_DUE, first_id=7_400)
    refused = others.pop(0)
    async with sessionmaker() as session:
        reminder_id = await session.scalar(select(Reminder.id).where(Reminder.user_id == refused))
    async with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            await conn.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON deliveries"
                    f" WHEN NEW.reminder_id = {reminder_id}"
                    " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                )
            )
        else:
            await conn.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
                    " $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
                )
            )
            await conn.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON deliveries FOR EACH ROW"
                    f" WHEN (NEW.reminder_id = {reminder_id}) EXECUTE FUNCTION refuse()"
                )
            )
    try:
        bot.clock.now = B12_DUE
        counts = await bot.dispatcher.run_round()
        assert counts == Counter({"sent": OTHERS - 1, "failed:unrecordable": 1})
        assert await sent_to(bot, others) == Counter(dict.fromkeys(others, 1))
        async with sessionmaker() as session:
            row = await session.scalar(select(Reminder).where(Reminder.user_id == refused))
        assert row.next_fire_at == B12_DUE + timedelta(days=1), "moved on, or it blocks again"
        assert await bot.dispatcher.run_round() == Counter()
    finally:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "DROP TRIGGER refuse"
                    + ("" if engine.dialect.name == "sqlite" else " ON deliveries")
                )
            )
            if engine.dialect.name != "sqlite":
                await conn.execute(text("DROP FUNCTION refuse()"))


async def test_an_unrelated_change_keeps_a_due_reminder(bot: RunningBot, sessionmaker) -> None:
    """B12 came due and waits for its claim (the 30 s wake-up, or a backlog) when the user
    moves the weekly summary: B12 is still sent, at its time."""
    user = await enrolled(bot, 6004)
    bot.clock.now = B12_DUE + timedelta(seconds=10)  # due, not yet claimed
    await user.ask("/settings")
    await user.tap("Weekly summary")
    await user.edit()
    await user.tap("Friday")
    await user.edit()
    async with sessionmaker() as session:
        digest = await session.scalar(
            select(Reminder).where(Reminder.user_id == 6004, Reminder.kind == "digest")
        )
    assert digest.days == 1 << 4, "the summary moved to Friday"
    assert await bot.dispatcher.run_round() == Counter({"sent": 1})
    assert "sublingual B12" in (await user.reply()).text
    assert await deliveries_of(sessionmaker, 6004, "b12") == [(B12_DUE, "sent")]


async def test_an_unrelated_change_keeps_a_promised_snooze(bot: RunningBot, sessionmaker) -> None:
    """ "Again at 07:30" holds through a change of the weekly summary's day."""
    user = await enrolled(bot, 6005)
    bot.clock.now = B12_DUE
    await bot.dispatcher.run_round()
    await user.reply()
    await user.tap("Snooze")
    await user.edit()
    await user.tap("30 min")
    assert "again at 07:30" in (await user.edit()).text
    await user.ask("/settings")
    await user.tap("Weekly summary")
    await user.edit()
    await user.tap("Friday")
    await user.edit()
    bot.clock.now = B12_DUE + timedelta(minutes=30)
    assert await bot.dispatcher.run_round() == Counter({"sent": 1})
    assert "sublingual B12" in (await user.reply()).text
    assert [s for _, s in await deliveries_of(sessionmaker, 6005, "b12")] == ["snoozed", "sent"]


async def test_resting_rows_write_nothing_day_after_day(bot: RunningBot, sessionmaker) -> None:
    """Paused until /resume, or past the plan without choosing maintenance: no row a day."""
    paused = await enrolled(bot, 6006)
    await paused.ask("/pause")
    await paused.tap("Until I resume")
    await paused.edit()
    finished = await seed_due_reminders(
        bot.settings.database_url, 1, B12_DUE, first_id=7_500, per_user=3
    )
    async with sessionmaker.begin() as session:  # a plan begun 13 weeks ago, finale told
        await session.execute(
            update(User)
            .where(User.id.in_(finished))
            .values(
                plan_started_on=(B12_DUE - timedelta(weeks=13)).date(),
                plan_completed_on=B12_DUE.date(),
            )
        )
    for day in range(10):
        for hour in range(0, 24, 3):
            bot.clock.now = B12_DUE + timedelta(days=day, hours=hour)
            await bot.dispatcher.run_round()
    async with sessionmaker() as session:
        written = await session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.user_id.in_([6006, *finished]))
        )
    # The finished user's rows were due once when seeded: each rests after that one look.
    assert written <= 3, f"{written} deliveries rows for users who rest"


async def test_old_deliveries_are_pruned_by_the_bot_itself(bot: RunningBot, sessionmaker) -> None:
    """DELIVERY_RETENTION_DAYS (35 by default): the rounds delete older finished rows, keep
    recent ones, and never touch a claim still in progress."""
    user = await enrolled(bot, 6007)
    bot.clock.now = B12_DUE
    await bot.dispatcher.run_round()
    await user.reply()
    store = bot.dispatcher.store
    # Another user's claim left in progress by a crash, as old as the first delivery.
    [stranded] = await seed_due_reminders(bot.settings.database_url, 1, B12_DUE, first_id=7_600)
    async with sessionmaker.begin() as session:
        await session.execute(
            update(Reminder).where(Reminder.user_id == stranded).values(next_fire_at=B12_DUE)
        )
    claimed, _ = await store.claim(B12_DUE, 10)
    assert [c.user_id for c in claimed] == [stranded]
    later = B12_DUE + timedelta(days=36)
    assert await store.prune(later - timedelta(days=35)) == 1, "only the finished one"
    bot.clock.now = later
    await bot.dispatcher.run_round()  # the stranded claim is judged (missed); new rows come
    async with sessionmaker() as session:
        kept = (
            await session.execute(select(Delivery.due_at, Delivery.user_id, Delivery.updated_at))
        ).all()
    assert kept and all(updated >= later - timedelta(days=35) for *_, updated in kept)
    assert (B12_DUE, 6007) not in [(due_at, u) for due_at, u, _ in kept]
    assert stranded in {u for _, u, _ in kept}, "the claim was judged, not pruned"
    async with sessionmaker() as session:
        last = await session.scalar(
            select(Reminder.last_due_at).where(Reminder.user_id == 6007, Reminder.kind == "b12")
        )
    assert last is not None and last > B12_DUE, "the row keeps its last occurrence itself"


async def test_keys_past_32_bits(bot: RunningBot, sessionmaker, engine) -> None:
    """Every growing table's key is 64-bit: past 2^31 the intake, a claim, a tap (its
    button carries the delivery's id) and a rating still work."""
    start = 2**31 + 10
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in ("reminders", "deliveries", "checkins", "symptom_scores"):
                await conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {start})")
                )
        else:  # rowids follow the largest one: plant a row past 2^31 in each table
            await conn.execute(text("INSERT INTO users (id, language) VALUES (1, 'en')"))
            await conn.execute(
                text(f"INSERT INTO reminders (id, user_id, kind) VALUES ({start}, 1, 'b12')")
            )
            await conn.execute(
                text(
                    "INSERT INTO deliveries (id, reminder_id, user_id, kind, due_at, local_day,"
                    f" status, updated_at) VALUES ({start}, {start}, 1, 'b12',"
                    " '2026-01-01 00:00:00', '2026-01-01', 'sent', '2026-01-01 00:00:00')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO checkins (id, user_id, habit, day, status, updated_at) VALUES"
                    f" ({start}, 1, 'b12', '2026-01-01', 'done', '2026-01-01 00:00:00')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO symptom_scores (id, user_id, week, symptom, score, recorded_at)"
                    f" VALUES ({start}, 1, 0, 'energy', 3, '2026-01-01 00:00:00')"
                )
            )
    user = await enrolled(bot, 6008)
    bot.clock.now = B12_DUE
    assert await bot.dispatcher.run_round() == Counter({"sent": 1})
    await user.reply()
    await user.tap("Done")
    assert "done for" in (await user.edit()).text
    async with sessionmaker() as session:
        for table in (Reminder, Delivery, CheckIn, SymptomScore):
            smallest = await session.scalar(select(func.min(table.id)).where(table.user_id == 6008))
            assert smallest is not None and smallest > 2**31, table.__tablename__
        assert (
            await session.scalar(
                select(CheckIn.status).where(CheckIn.user_id == 6008, CheckIn.habit == "b12")
            )
            == "done"
        )
