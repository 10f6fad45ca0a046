"""The ingress and the lanes on their own, with a real database: the interleavings a review
found, each of which once lost an update or ran one user's updates at once.

Nothing here takes updates from the queue unless a test says so: a backlog, as after a
restart or under load.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot, Update

from coach.bot.flood import FloodGate
from coach.bot.ingress import UPDATE_LEASE, Ingress
from coach.bot.lanes import Lanes, follow_up
from coach.db.engine import create_sessionmaker
from coach.db.models import InboxUpdate
from coach.services.inbox import Stored, UpdateInbox
from tests.support.bot import TEST_TOKEN

BOT = Bot(TEST_TOKEN)


def body(update_id: int, user_id: int, text_: str = "hi") -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "Lisa"}
    message = {"message_id": update_id, "date": 0, "text": text_, "from": user,
               "chat": {"id": user_id, "type": "private"}}  # fmt: skip
    return {"update_id": update_id, "message": message}


class Rig:
    """An Ingress and its Lanes on a real database; `queue` is what PTB would take from."""

    def __init__(self, engine: AsyncEngine, alone: bool = True) -> None:
        self.sessions = create_sessionmaker(engine)
        self.inbox = UpdateInbox(self.sessions, "this-instance", UPDATE_LEASE)
        self.queue: asyncio.Queue[object] = asyncio.Queue()
        self.lanes = Lanes(4, self._handled)

        async def tell(_update: Update, _tell: bool) -> None:
            return None

        self.ingress = Ingress(
            BOT, self.queue, self.inbox, self.lanes, FloodGate(1000, 5),
            lambda: datetime.now(UTC), tell, lambda: None, alone,
        )  # fmt: skip

    async def _handled(self, update: Update) -> None:
        await self.ingress.on_handled(update)

    def queued_ids(self) -> list[int]:
        ids = []
        while not self.queue.empty():
            ids.append(self.queue.get_nowait().update_id)  # type: ignore[attr-defined]
        return ids

    async def stored_ids(self) -> list[int]:
        async with self.sessions() as session:
            return sorted(await session.scalars(select(InboxUpdate.update_id)))


@pytest.fixture
async def rig(engine: AsyncEngine) -> AsyncIterator[Rig]:
    yield Rig(engine)


async def test_an_update_taken_over_and_sent_again_is_queued_once(rig: Rig) -> None:
    """After a crash: the inbox holds update 10 (it was slow), and Telegram sends 10 again
    with a new 11. Nothing is handled yet: accept stores 11 and returns (the poller may
    confirm both), and each is queued once."""
    now = datetime.now(UTC)
    await UpdateInbox(rig.sessions, "dead-instance", UPDATE_LEASE).write(
        [Stored(10, 7, body(10, 7))], (), (), now
    )
    await rig.ingress.start()
    try:
        await rig.ingress.accept([body(10, 7), body(11, 8)])
        await rig.ingress.accept([body(10, 7), body(11, 8)])  # fetched again: no harm
        assert await rig.stored_ids() == [10, 11], "acknowledged only once stored"
        assert rig.queued_ids() == [10, 11], "each queued once"
    finally:
        await rig.ingress.stop(())


async def test_a_store_that_failed_is_made_again_before_the_acknowledgement(
    rig: Rig, engine: AsyncEngine
) -> None:
    """The database refuses the store once (the poller retries the same batch, or Telegram
    re-posts after a 500): the second accept must store it before it returns."""
    dialect = engine.dialect.name
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE refuse (n INTEGER)"))
        await conn.execute(text("INSERT INTO refuse VALUES (1)"))
        if dialect == "sqlite":
            await conn.execute(
                text(
                    "CREATE TRIGGER refuse_store BEFORE INSERT ON updates"
                    " WHEN (SELECT count(*) FROM refuse) > 0"
                    " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                )
            )
        else:
            await conn.execute(
                text(
                    "CREATE FUNCTION refuse_store() RETURNS trigger LANGUAGE plpgsql AS $$"
                    " BEGIN IF (SELECT count(*) FROM refuse) > 0 THEN"
                    " RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$"
                )
            )
            await conn.execute(
                text(
                    "CREATE TRIGGER refuse_store BEFORE INSERT ON updates"
                    " FOR EACH ROW EXECUTE FUNCTION refuse_store()"
                )
            )
    try:
        with pytest.raises(Exception, match="refused by the test"):
            await rig.ingress.accept([body(20, 9)])
        assert await rig.stored_ids() == []
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM refuse"))
        await rig.ingress.accept([body(20, 9)])  # the same update, again
        assert await rig.stored_ids() == [20]
        assert rig.queued_ids() == [20], "queued once, though accepted twice"
    finally:
        async with engine.begin() as conn:
            if dialect == "sqlite":
                await conn.execute(text("DROP TRIGGER refuse_store"))
            else:
                await conn.execute(text("DROP TRIGGER refuse_store ON updates"))
                await conn.execute(text("DROP FUNCTION refuse_store()"))
            await conn.execute(text("DROP TABLE refuse"))


def recorder(running: set[int], overlaps: list[list[int]], order: list[int], update_id: int):  # type: ignore[no-untyped-def]
    """A handler standing in for PTB's: notes when it runs and who else of the lane does."""

    async def handle() -> None:
        running.add(update_id)
        order.append(update_id)
        if len(running) > 1:
            overlaps.append(sorted(running))
        await asyncio.sleep(0.1)
        running.discard(update_id)

    return handle()


async def test_an_earlier_update_arriving_late_never_runs_beside_a_later_one() -> None:
    """Update 11 of a user runs; 10 of the same user arrives (taken over a moment later):
    it waits for 11 instead of running at the same time."""

    async def handled(_update: Update) -> None:
        return None

    lanes = Lanes(4, handled)
    running: set[int] = set()
    overlaps: list[list[int]] = []
    order: list[int] = []
    later, earlier = Update.de_json(body(11, 7), BOT), Update.de_json(body(10, 7), BOT)
    first = asyncio.create_task(
        lanes.do_process_update(later, recorder(running, overlaps, order, 11))
    )
    await asyncio.sleep(0.03)
    lanes.expect(earlier)
    second = asyncio.create_task(
        lanes.do_process_update(earlier, recorder(running, overlaps, order, 10))
    )
    await asyncio.gather(first, second)
    assert overlaps == [] and sorted(order) == [10, 11]
    assert lanes.waiting == 0


async def test_a_failing_check_for_earlier_updates_is_tried_again() -> None:
    """The cross-instance check cannot reach the database once: the update waits and asks
    again, instead of blocking its user's lane for good."""
    answers = iter([ConnectionError("database away"), False])

    async def waits_elsewhere(_key: int, _update_id: int) -> bool:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    handled: list[int] = []

    async def on_handled(update: Update) -> None:
        handled.append(update.update_id)

    lanes = Lanes(4, on_handled, waits_elsewhere)
    ran: list[int] = []

    async def handle() -> None:
        ran.append(30)

    await asyncio.wait_for(lanes.do_process_update(Update.de_json(body(30, 7), BOT), handle()), 10)
    assert ran == [30] and handled == [30] and lanes.waiting == 0


async def test_a_stop_lets_no_waiting_update_start() -> None:
    """With one slot, three users' updates wait for it; a stop comes while the first runs:
    only the first one runs, the others give their turn up (they stay in the inbox)."""

    async def on_handled(_update: Update) -> None:
        return None

    lanes = Lanes(1, on_handled)
    ran: list[int] = []

    def handler(update_id: int):  # type: ignore[no-untyped-def]
        async def handle() -> None:
            ran.append(update_id)
            await asyncio.sleep(0.1)

        return handle()

    tasks = [
        asyncio.create_task(
            lanes.do_process_update(Update.de_json(body(40 + n, 100 + n), BOT), handler(40 + n))
        )
        for n in range(3)
    ]
    await asyncio.sleep(0.03)
    lanes.stop()
    await asyncio.gather(*tasks)
    gc.collect()  # a handler's coroutine never awaited nor closed would warn here (an error)
    assert ran == [40]
    await asyncio.wait_for(lanes.drain(), 5)


async def test_a_later_update_is_marked_only_after_the_earlier_ones_mark(rig: Rig) -> None:
    """Update 10 of a user was slow, so it was stored and acknowledged. Its handler is done,
    but its follow-up (a chart being drawn) is not, so it is not marked handled yet. The
    user's 11 is then handled at once. Were 11 acknowledged bare, a crash would leave 10
    unhandled in the inbox and 11 gone: 10, taken over, would run after 11 (a Done replayed
    over its Undo). So 11 is stored too, acknowledged at once (a poller's batch waits for
    nobody's drawing), and marked handled only after 10."""
    ran: list[int] = []
    ten_ran = asyncio.Event()
    drawn = asyncio.Event()

    def handler(update_id: int):  # type: ignore[no-untyped-def]
        async def handle() -> None:
            ran.append(update_id)
            if update_id == 10:
                follow_up(drawn.wait())  # the chart, drawn off the update path
                ten_ran.set()

        return handle()

    async def inbox() -> dict[int, InboxUpdate]:
        async with rig.sessions() as session:
            return {r.update_id: r for r in await session.scalars(select(InboxUpdate))}

    await rig.ingress.start()
    accepting: asyncio.Task[None] | None = None
    first: asyncio.Task[None] | None = None
    try:
        await rig.ingress.accept([body(10, 7)])  # nobody takes it from the queue: stored
        assert await rig.stored_ids() == [10]
        ten = rig.queue.get_nowait()
        first = asyncio.create_task(rig.lanes.do_process_update(ten, handler(10)))
        await ten_ran.wait()
        accepting = asyncio.create_task(rig.ingress.accept([body(11, 7)]))
        eleven = await rig.queue.get()
        await rig.lanes.do_process_update(eleven, handler(11))
        assert ran == [10, 11]
        # Acknowledged while 10 is still drawn: not held up by it ...
        await asyncio.wait_for(accepting, 10)
        rows = await inbox()
        # ... because 11 is in the inbox, unhandled, behind 10: a crash replays both.
        assert rows[10].handled_at is None
        assert 11 in rows and rows[11].handled_at is None, "11 acknowledged bare"
        drawn.set()
        await asyncio.wait_for(first, 10)  # 10 is marked handled ...
        for _ in range(200):  # ... then 11
            rows = await inbox()
            if rows[11].handled_at is not None:
                break
            await asyncio.sleep(0.05)
        assert rows[10].handled_at is not None and rows[11].handled_at is not None
        assert rows[10].handled_at <= rows[11].handled_at
    finally:
        drawn.set()
        for task in (accepting, first):
            if task is not None and not task.done():
                task.cancel()
        await rig.ingress.stop(())
