"""Where updates come in: long polling or the webhook, then the lanes, and the inbox.

Every update is checked by flood control first (a burst is dropped here, before it costs a
database write or a Bot API call) and queued for its user's lane (coach/bot/lanes.py).
It is acknowledged (the webhook's 200; for the poller, the next getUpdates, which confirms
the batch's offset) only once it is handled, or else committed to the inbox
(coach/services/inbox.py): an update handled within STORE_AFTER costs no inbox write at
all, one that takes longer (a backlog, a slow reply, a drawing) is stored and acknowledged
then, and marked handled when it is. Either way an acknowledged update is never lost:
after a stop or a crash the inbox's unhandled rows are taken over, at startup and every
few seconds from instances whose lease ran out.

What this relies on: Telegram sends a chat's next update only once the last one was
acknowledged, and re-sends what was not. So a chat's updates reach us in order, and an
update handled but not yet acknowledged when a process dies comes again (handlers are
idempotent: it writes nothing twice). And a user's update handled at once while an earlier
stored one of theirs is not yet marked handled is stored too, and marked after it: a crash
then replays both in order, never the earlier one after the later one.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, Update
from telegram.error import NetworkError

from coach.bot.flood import FloodGate
from coach.bot.lanes import Lanes, lane_key
from coach.services.inbox import PRUNE_BATCH, Stored, UpdateInbox
from coach.startup import port_busy

log = logging.getLogger(__name__)

# Rows left by a stopped or dead instance are looked for this often; a live instance renews
# the leases of its rows in flight every third of UPDATE_LEASE.
SWEEP_SECONDS = 2.0
UPDATE_LEASE = timedelta(seconds=30)
TAKE_OVER_BATCH = 1000
PRUNE_EVERY = timedelta(hours=1)
MARK_WAIT = 0.01  # a handled mark waits this long for company (seconds)
MARK_RETRY = (0.5, 5.0)  # a mark that could not be written is tried again, backing off
# An update not handled this long after it came is stored, so it can be acknowledged.
STORE_AFTER = 0.05
# The poller takes no new batch while this many updates are on their way (memory).
MAX_BACKLOG = 5000
REMEMBERED = 10_000  # recently handled update ids, so a batch fetched again is not redone
# The webhook refuses a body larger than this before reading it (an update is a few KB).
MAX_BODY = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_SECONDS = (0.5, 30.0)  # the poller's backoff after a failed getUpdates
SET_WEBHOOK_TRIES = 4
# (the update turned away, whether to say "slow down"): answers it off the update path.
TellFlood = Callable[[Update, bool], Awaitable[None]]
MAX_NOTES = 32  # flood notes and silent answers being sent at once, at most


class InboxWriter:
    """The inbox's writes, in as few transactions as possible: updates to store (someone
    waits to acknowledge them: written at once), handled marks and lease renewals (they
    wait up to MARK_WAIT for company). What is pending when a flush begins shares its
    transaction. A store that fails fails its waiter; a mark is tried again until written
    (until then the row stays unhandled, and would be handled again after a crash)."""

    def __init__(self, inbox: UpdateInbox, clock: Callable[[], datetime]) -> None:
        self._inbox = inbox
        self._clock = clock
        self._rows: list[tuple[list[Stored], asyncio.Future[None]]] = []
        # (update id, whether its row goes instead of being marked, its waiter)
        self._marks: list[tuple[int, bool, asyncio.Future[None]]] = []
        self._renewals: set[int] = set()
        self._urgent = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def store(self, rows: list[Stored]) -> None:
        """Commit these updates (an update stored before, Telegram's repeat, stays as is)."""
        future = asyncio.get_running_loop().create_future()
        self._rows.append((rows, future))
        self._urgent.set()
        self._drain()
        await future

    async def mark(self, update_id: int, forget: bool = False) -> None:
        """Mark a stored update handled (forget=True: delete its row); returns once that is
        committed."""
        future = asyncio.get_running_loop().create_future()
        self._marks.append((update_id, forget, future))
        self._drain()
        await future

    def renew(self, update_ids: Collection[int]) -> None:
        """Keep these rows this instance's (with the next flush; best effort)."""
        self._renewals.update(update_ids)
        self._drain()

    def _drain(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush_all())

    async def _flush_all(self) -> None:
        pause = MARK_RETRY[0]
        while self._rows or self._marks or self._renewals:
            if not self._rows:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._urgent.wait(), MARK_WAIT)
            await asyncio.sleep(0)  # what arrives meanwhile joins
            self._urgent.clear()
            rows, self._rows = self._rows, []
            marks, self._marks = self._marks, []
            renewals, self._renewals = self._renewals, set()
            try:
                await self._inbox.write(
                    [row for batch, _ in rows for row in batch],
                    [update_id for update_id, _, _ in marks],
                    renewals,
                    self._clock(),
                    forgotten=[update_id for update_id, forget, _ in marks if forget],
                )
            except Exception as error:
                log.warning("the update inbox could not be written (%s)", type(error).__name__)
                for _, future in rows:  # its caller does not acknowledge them
                    if not future.done():
                        future.set_exception(error)
                self._marks[:0] = marks  # the marks wait, and go with the next flush
                await asyncio.sleep(pause)
                pause = min(pause * 2, MARK_RETRY[1])
                continue
            pause = MARK_RETRY[0]
            for future in (*(f for _, f in rows), *(f for _, _, f in marks)):
                if not future.done():
                    future.set_result(None)

    async def wait(self) -> None:
        """Until everything written so far is committed (or its store failed)."""
        while self._task is not None and not self._task.done():
            await asyncio.gather(self._task, return_exceptions=True)


@dataclass
class _OnItsWay:
    """An update queued for its lane: whether it is handled yet, and its store (if any)."""

    handled: asyncio.Future[None]
    stored: asyncio.Future[None] | None = None

    @property
    def needs_store(self) -> bool:
        """Not handled, and not (being) stored: a store that failed counts as none."""
        if self.handled.done():
            return False
        if self.stored is None:
            return True
        return self.stored.done() and (
            self.stored.cancelled() or self.stored.exception() is not None
        )


class Ingress:
    """Flood control, the inbox and the lanes, for whichever source the updates come from."""

    def __init__(
        self,
        bot: Bot,
        queue: asyncio.Queue[object],
        inbox: UpdateInbox,
        lanes: Lanes,
        flood: FloodGate,
        clock: Callable[[], datetime],
        tell_flood: TellFlood,
        on_drop: Callable[[], None],
        alone: bool,
    ) -> None:
        self._bot = bot
        self._queue = queue
        self.inbox = inbox
        self._lanes = lanes
        self._flood = flood
        self._clock = clock
        self._tell_flood = tell_flood
        self._on_drop = on_drop
        self._alone = alone  # SQLite: one process, so every unhandled row is ours at startup
        self._writes = InboxWriter(inbox, clock)
        self._inflight: dict[int, _OnItsWay] = {}  # queued for the lanes, not yet handled
        # Per lane, the stored updates whose handled mark is not committed yet: a later
        # update of the lane is marked only after them (see _mark_behind).
        self._unmarked: dict[int, dict[int, asyncio.Future[None]]] = {}
        self._behind: set[int] = set()  # stored, handled, their mark waiting for earlier ones
        self._forget: set[int] = set()  # updates whose rows go once handled (forget())
        self._stopping = False
        self._handled: deque[int] = deque(maxlen=REMEMBERED)
        self._handled_ids: set[int] = set()
        self._notes: set[asyncio.Task[None]] = set()
        self._tasks: set[asyncio.Future[None]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._pruned_at: datetime | None = None

    @property
    def backlog(self) -> int:
        """Updates queued or running, not yet handled."""
        return len(self._inflight)

    def forget(self, update: Update) -> None:
        """The update erased its sender (/delete, confirmed): once handled, its inbox row,
        if it was stored (before the erasure or after it, while the reply was slow), is
        deleted instead of kept as handled: no row about them stays behind."""
        self._forget.add(update.update_id)

    async def on_handled(self, update: Update) -> None:
        """The lanes are done with an update: if it was stored, mark it handled."""
        self._remember(update.update_id)
        forget = update.update_id in self._forget
        self._forget.discard(update.update_id)
        on_its_way = self._inflight.pop(update.update_id, None)
        if on_its_way is None:
            return
        if not on_its_way.handled.done():
            on_its_way.handled.set_result(None)
        if on_its_way.stored is None:
            return
        if earlier := self._earlier_unmarked(update):  # marked after them, in the background
            self._background(self._mark_behind(update, on_its_way.stored, earlier, forget))
            return
        if not await _stored(on_its_way.stored):  # never stored, never acknowledged
            self._marked(update)
            return
        await self._writes.mark(update.update_id, forget)
        self._marked(update)

    def _unmarked_from_now(self, update: Update) -> None:
        """A stored update: until it is marked handled, the later ones of its lane are
        stored too and marked only after it."""
        lane = self._unmarked.setdefault(lane_key(update), {})
        lane.setdefault(update.update_id, asyncio.get_running_loop().create_future())

    def _marked(self, update: Update) -> None:
        key = lane_key(update)
        lane = self._unmarked.get(key, {})
        future = lane.pop(update.update_id, None)
        if future is not None and not future.done():
            future.set_result(None)
        if not lane:
            self._unmarked.pop(key, None)

    def _earlier_unmarked(self, update: Update) -> list[asyncio.Future[None]]:
        """The marks of this lane's earlier stored updates, not yet committed."""
        lane = self._unmarked.get(lane_key(update), {})
        return [future for update_id, future in lane.items() if update_id < update.update_id]

    async def _mark_behind(
        self,
        update: Update,
        store: asyncio.Future[None],
        earlier: list[asyncio.Future[None]],
        forget: bool = False,
    ) -> None:
        """A handled, stored update whose lane has earlier stored updates not yet marked
        handled: it is marked once they are (so a crash never leaves an earlier one to be
        replayed after it). At a stop it stays unmarked, to be handled again after them by
        whoever comes next."""
        if not await _stored(store):  # never stored, so never acknowledged: sent again
            self._marked(update)
            return
        self._behind.add(update.update_id)
        try:
            await asyncio.wait(earlier)
            if self._stopping:
                return
            await self._writes.mark(update.update_id, forget)
        finally:
            self._behind.discard(update.update_id)
        self._marked(update)

    def _remember(self, update_id: int) -> None:
        if len(self._handled) == self._handled.maxlen:
            self._handled_ids.discard(self._handled[0])
        self._handled.append(update_id)
        self._handled_ids.add(update_id)

    async def accept(self, bodies: Sequence[dict[str, Any]]) -> None:
        """Check and queue updates as Telegram sent them. Returns once each is handled or
        committed to the inbox: the caller may acknowledge them then (and must not before).
        An update already on its way (a batch fetched again after a failed store, a row
        taken over that Telegram sends too) is not queued twice."""
        waiting: list[tuple[Update, dict[str, Any], _OnItsWay]] = []
        fresh: list[Update] = []
        for body in bodies:
            update = self._read(body)
            if update is None or update.update_id in self._handled_ids:
                continue  # unreadable, or handled already
            on_its_way = self._inflight.get(update.update_id)
            if on_its_way is None:
                if not self._admit(update):
                    continue
                fresh.append(update)
                on_its_way = self._queued(update)
            waiting.append((update, body, on_its_way))
        self._enqueue(fresh)
        if not waiting:
            return
        await asyncio.wait([w.handled for _, _, w in waiting], timeout=STORE_AFTER)
        late = [(u, body, w) for u, body, w in waiting if w.needs_store]
        # Handled at once, but an earlier stored update of its lane is not marked handled
        # yet (its drawing is still on its way, say): acknowledged bare, a crash now would
        # leave the earlier one in the inbox behind it, to be replayed after it (a Done
        # replayed over its Undo). So it is stored too, and marked after the earlier ones:
        # a crash replays both, in order. Nothing waits for the earlier ones here.
        behind = [
            (u, body, earlier)
            for u, body, w in waiting
            if w.stored is None and not w.needs_store and (earlier := self._earlier_unmarked(u))
        ]
        rows = [Stored(u.update_id, lane_key(u), b) for u, b, _ in late]
        rows += [Stored(u.update_id, lane_key(u), b) for u, b, _ in behind]
        stores: list[asyncio.Future[None]] = []
        if rows:
            store = self._background(self._writes.store(rows))
            stores.append(store)
            for update, _, on_its_way in late:
                on_its_way.stored = store
                self._unmarked_from_now(update)
            for update, _, earlier in behind:
                self._unmarked_from_now(update)
                self._background(self._mark_behind(update, store, earlier))
        stores += [w.stored for _, _, w in waiting if w.stored is not None]
        if stores:
            # A failed store: not acknowledged. Shielded: the stores are shared with other
            # callers, whom a cancelled caller must not cancel.
            await asyncio.gather(*(asyncio.shield(s) for s in {id(s): s for s in stores}.values()))

    def _read(self, body: dict[str, Any]) -> Update | None:
        try:
            return Update.de_json(body, self._bot)
        except Exception:  # not an update: nothing to store (and nothing of it in the log)
            log.warning("an update that could not be read was ignored")
            return None

    def _admit(self, update: Update) -> bool:
        """Flood control. The first update turned away in a burst gets a short note, and a
        tap turned away a silent answer (its spinner stops), both sent off the update path
        and never more than MAX_NOTES at once; the rest cost nothing."""
        user = update.effective_user
        if user is None:
            return True
        admitted, tell = self._flood.admit(user.id)
        if admitted:
            return True
        self._on_drop()
        if (tell or update.callback_query is not None) and len(self._notes) < MAX_NOTES:
            self._notes.add(note := asyncio.create_task(self._tell_flood(update, tell)))
            note.add_done_callback(self._notes.discard)
        return False

    def _background(self, work: Awaitable[None]) -> asyncio.Task[None]:
        """A write that goes on by itself (kept referenced until done)."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _queued(self, update: Update, stored: bool = False) -> _OnItsWay:
        """An update from now on on its way (stored: it is in the inbox already)."""
        loop = asyncio.get_running_loop()
        on_its_way = _OnItsWay(loop.create_future(), _done() if stored else None)
        self._inflight[update.update_id] = on_its_way
        if stored:
            self._unmarked_from_now(update)
        return on_its_way

    def _enqueue(self, updates: Sequence[Update]) -> None:
        for update in sorted(updates, key=lambda u: u.update_id):
            self._lanes.expect(update)
            self._queue.put_nowait(update)

    # -- what others left ------------------------------------------------------------------

    async def start(self) -> None:
        """Take over what a previous run left unhandled, then keep looking every few
        seconds (for rows a stopped or dead instance left) and keep our own leases."""
        self._inflight.clear()  # a restart: whatever was on its way is in the inbox again
        self._unmarked.clear()
        self._behind.clear()
        self._stopping = False
        await self._take_over(every_lease=self._alone)
        self._sweeper = asyncio.create_task(self._sweep())

    async def _take_over(self, every_lease: bool = False) -> int:
        taken = 0
        while True:
            rows = await self.inbox.take_over(self._clock(), TAKE_OVER_BATCH, every_lease)
            updates = []
            for row in rows:
                update = self._read(row.body) if row.body is not None else None
                if update is None:  # a row nobody can handle: marked, or it comes forever
                    self._background(self._writes.mark(row.update_id))
                elif update.update_id not in self._inflight:
                    self._queued(update, stored=True)
                    updates.append(update)
            self._enqueue(updates)
            taken += len(updates)
            if len(rows) < TAKE_OVER_BATCH:
                break
        if taken:
            log.info("took over %d updates left unhandled", taken)
        return taken

    async def _sweep(self) -> None:
        renewed_at = self._clock()
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                now = self._clock()
                if now - renewed_at >= UPDATE_LEASE / 3:
                    # Only the rows on their way here: a row whose mark keeps failing is
                    # left to expire, and then taken over (by anyone, us included).
                    self._writes.renew(
                        [i for i, w in self._inflight.items() if w.stored is not None]
                        + list(self._behind)
                    )
                    renewed_at = now
                await self._take_over()
                await self._prune(now)
            except Exception as error:  # the database may be restarting: try again next time
                log.warning("the update inbox could not be swept (%s)", type(error).__name__)

    async def _prune(self, now: datetime) -> None:
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        pruned = 0
        while (deleted := await self.inbox.prune(now)) == PRUNE_BATCH:
            pruned += deleted
            await asyncio.sleep(0)
        pruned += deleted
        self._pruned_at = now
        if pruned:
            log.info("pruned %d handled updates", pruned)

    async def stop(self, still_running: Collection[int]) -> None:
        """No more sweeping; what this instance leaves unhandled is free for another at
        once, but for the updates still running here (their leases run out if we die)."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        for task in list(self._notes):
            task.cancel()
        self._stopping = True  # an update stored behind others stays unmarked, for later
        for lane in self._unmarked.values():
            for future in lane.values():
                if not future.done():
                    future.set_result(None)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(1.0):
                await self._writes.wait()  # the marks of updates that did finish
        released = await self.inbox.release(self._clock(), keep=still_running)
        if released:
            log.info("left %d updates unhandled for the next instance", released)


class Poller:
    """Long polling: a batch is handled or stored before the next getUpdates confirms it."""

    def __init__(
        self, bot: Bot, ingress: Ingress, allowed_updates: list[str], timeout: float = 10.0
    ) -> None:
        self._bot = bot
        self._ingress = ingress
        self._allowed = allowed_updates
        self._timeout = timeout
        self._task: asyncio.Task[None] | None = None
        self._offset: int | None = None
        self._stop = asyncio.Event()
        self._accepting = False  # a batch is being taken in: a stop lets it finish

    async def start(self) -> None:
        """Take in what is waiting at Telegram now (so it is ordered with what the inbox
        holds), then poll."""
        await self._bot.delete_webhook(drop_pending_updates=False)
        self._stop.clear()
        with contextlib.suppress(Exception):  # the loop below retries, and logs
            await self._once(0)
        self._task = asyncio.create_task(self._poll())

    async def _once(self, poll_seconds: float) -> None:
        bodies = await self._bot.do_api_request(
            "getUpdates",
            api_kwargs={
                "offset": self._offset,
                "timeout": poll_seconds,
                "allowed_updates": self._allowed,
            },
            read_timeout=poll_seconds + 5,
        )
        self._accepting = True
        try:
            await self._ingress.accept(bodies)  # handled or stored: confirmed by the next call
        finally:
            self._accepting = False
        if bodies:
            self._offset = max(body["update_id"] for body in bodies) + 1

    async def _poll(self) -> None:
        pause = RETRY_SECONDS[0]
        while not self._stop.is_set():
            if self._ingress.backlog > MAX_BACKLOG:  # enough in memory: Telegram keeps the rest
                await self._pause(0.1)
                continue
            try:
                await self._once(self._timeout)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # Telegram, or the database, is away
                log.warning("taking in updates failed (%s); again in %.1f s", _kind(error), pause)
                await self._pause(pause)
                pause = min(pause * 2, RETRY_SECONDS[1])
                continue
            pause = RETRY_SECONDS[0]

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def stop(self) -> None:
        """Stop fetching: a long poll or a retry's wait is cut short, but a batch being
        taken in is finished (handled or stored), then confirmed, so a restart does not
        fetch it again."""
        self._stop.set()
        if self._task is not None:
            if not self._accepting:
                self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._offset is not None:
            try:
                await self._bot.do_api_request(
                    "getUpdates",
                    api_kwargs={"offset": self._offset, "timeout": 0, "limit": 1},
                    read_timeout=2,
                )
            except Exception as error:  # handled or stored: at worst they come again, once
                log.info("could not confirm the last updates (%s)", _kind(error))


class WebhookServer:
    """Telegram posts updates here. The secret is checked first, in constant time; a body
    over MAX_BODY is refused before it is read; the 200 comes once the update is handled
    or stored."""

    def __init__(
        self,
        bot: Bot,
        ingress: Ingress,
        public_url: str,
        secret: str,
        listen: tuple[str, int],
        allowed_updates: list[str],
        max_connections: int,
    ) -> None:
        self._bot = bot
        self._ingress = ingress
        self._public_url = public_url
        self._path = urlsplit(public_url).path or "/"
        self._secret = secret.encode()
        self._listen = listen
        self._allowed = allowed_updates
        self._connections = max_connections
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen, then tell Telegram where (retried a few times: Telegram may be slow)."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self._path, self._post)
        # Posts in flight at a stop get a moment; Telegram retries any not answered.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, *self._listen).start()
        except OSError as error:
            raise port_busy(*self._listen, error) from None
        log.info("webhook listening on %s:%d%s", *self._listen, self._path)
        for attempt in range(SET_WEBHOOK_TRIES):
            try:
                await self._bot.set_webhook(
                    self._public_url,
                    secret_token=self._secret.decode(),
                    allowed_updates=self._allowed,
                    max_connections=self._connections,
                    drop_pending_updates=False,
                )
                return
            except NetworkError as error:
                if attempt == SET_WEBHOOK_TRIES - 1:
                    raise
                log.warning("setWebhook failed (%s); retrying", _kind(error))
                await asyncio.sleep(2**attempt)

    async def _post(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=403)
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.Response(status=413)
        try:
            body = await request.json()
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413)
        except ValueError:
            return web.Response(status=400)
        if not isinstance(body, dict) or not isinstance(body.get("update_id"), int):
            return web.Response(status=400)
        try:
            await self._ingress.accept([body])
        except Exception as error:  # neither handled nor stored: Telegram sends it again
            log.warning("an update could not be stored (%s)", _kind(error))
            return web.Response(status=500)
        return web.Response(status=200)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


async def _stored(store: asyncio.Future[None]) -> bool:
    """Whether a store (shared with others: shielded) committed."""
    try:
        await asyncio.shield(store)
    except Exception:
        return False
    except asyncio.CancelledError:
        if not store.cancelled():
            raise  # we are cancelled, not the store
        return False
    return True


def _done() -> asyncio.Future[None]:
    """A store that has already happened (rows taken over from the inbox)."""
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future


def _kind(error: BaseException) -> str:
    """An error's class name: never its text, which may carry a URL or a user's words."""
    return type(error).__name__
