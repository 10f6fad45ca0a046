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
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, Update
from telegram.error import NetworkError
from telegram.warnings import PTBUserWarning

from coach.bot.flood import FloodGate
from coach.bot.lanes import Lanes, lane_key
from coach.services.inbox import PRUNE_BATCH, Stored, UpdateInbox

log = logging.getLogger(__name__)

# Rows left by a stopped or dead instance are looked for this often; a live instance renews
# its rows' leases every third of UPDATE_LEASE.
SWEEP_SECONDS = 2.0
UPDATE_LEASE = timedelta(seconds=30)
TAKE_OVER_BATCH = 1000
MARK_WAIT = 0.01  # a handled mark waits this long for company (seconds)
# An update not handled this long after it came is stored, so it can be acknowledged.
STORE_AFTER = 0.05
PRUNE_EVERY = timedelta(hours=1)
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
    waits to acknowledge them: written at once) and handled marks (they wait up to
    MARK_WAIT for company). What is pending when a flush begins shares its transaction."""

    def __init__(self, inbox: UpdateInbox, clock: Callable[[], datetime]) -> None:
        self._inbox = inbox
        self._clock = clock
        self._rows: list[tuple[list[Stored], asyncio.Future[None]]] = []
        self._marks: list[tuple[int, asyncio.Future[None]]] = []
        self._urgent = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def store(self, rows: list[Stored]) -> None:
        """Commit these updates (an update stored before, Telegram's repeat, stays as is)."""
        future = asyncio.get_running_loop().create_future()
        self._rows.append((rows, future))
        self._urgent.set()
        self._drain()
        await future

    async def mark(self, update_id: int) -> None:
        future = asyncio.get_running_loop().create_future()
        self._marks.append((update_id, future))
        self._drain()
        await future

    def _drain(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush_all())

    async def _flush_all(self) -> None:
        while self._rows or self._marks:
            if not self._rows:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._urgent.wait(), MARK_WAIT)
            await asyncio.sleep(0)  # what arrives meanwhile joins
            self._urgent.clear()
            rows, self._rows = self._rows, []
            marks, self._marks = self._marks, []
            waiting = [future for _, future in (*rows, *marks)]
            try:
                await self._inbox.write(
                    [row for batch, _ in rows for row in batch],
                    [update_id for update_id, _ in marks],
                    self._clock(),
                )
            except Exception as error:  # each waiter learns its write failed
                for future in waiting:
                    if not future.done():
                        future.set_exception(error)
                continue
            for future in waiting:
                if not future.done():
                    future.set_result(None)

    async def wait(self) -> None:
        """Until everything written so far is committed (or failed)."""
        while self._task is not None and not self._task.done():
            await asyncio.gather(self._task, return_exceptions=True)


@dataclass
class _OnItsWay:
    """An update queued for its lane: whether it is handled yet, and its store (if any)."""

    handled: asyncio.Future[None]
    stored: asyncio.Future[None] | None = None


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
        self._notes: set[asyncio.Task[None]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._pruned_at: datetime | None = None

    async def on_handled(self, update: Update) -> None:
        """The lanes are done with an update: if it was stored, mark it handled."""
        on_its_way = self._inflight.pop(update.update_id, None)
        if on_its_way is None:
            return
        if not on_its_way.handled.done():
            on_its_way.handled.set_result(None)
        if on_its_way.stored is not None:
            await on_its_way.stored
            await self._writes.mark(update.update_id)

    async def accept(self, bodies: Sequence[dict[str, Any]]) -> None:
        """Check and queue updates as Telegram sent them. Returns once each is handled or
        committed to the inbox: the caller may acknowledge them then (and must not before).

        (An update Telegram sends again, because its acknowledgement was lost, may be
        handled again: every handler is idempotent.)"""
        admitted: list[tuple[Update, dict[str, Any]]] = []
        for body in bodies:
            update = self._read(body)
            if update is not None and self._admit(update):
                admitted.append((update, body))
        queued = self._enqueue([u for u, _ in admitted])
        if not queued:
            return
        await asyncio.wait([w.handled for w in queued.values()], timeout=STORE_AFTER)
        late = [(u, body) for u, body in admitted if not queued[u.update_id].handled.done()]
        if not late:
            return  # all handled: their effects are committed, nothing to store
        store = asyncio.ensure_future(
            self._writes.store([Stored(u.update_id, lane_key(u), body) for u, body in late])
        )
        for update, _ in late:
            queued[update.update_id].stored = store
        await store

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
            task = asyncio.create_task(self._tell_flood(update, tell))
            self._notes.add(task)
            task.add_done_callback(self._notes.discard)
        return False

    def _enqueue(self, updates: Sequence[Update], stored: bool = False) -> dict[int, _OnItsWay]:
        """Queue updates for their lanes (not twice); stored: they are in the inbox already."""
        queued = {}
        loop = asyncio.get_running_loop()
        for update in sorted(updates, key=lambda u: u.update_id):
            if update.update_id in self._inflight:
                continue  # already on its way (sent again, or taken over late): not twice
            on_its_way = _OnItsWay(loop.create_future(), _done() if stored else None)
            self._inflight[update.update_id] = queued[update.update_id] = on_its_way
            self._lanes.expect(update)
            self._queue.put_nowait(update)
        return queued

    # -- what others left ------------------------------------------------------------------

    async def start(self) -> None:
        """Take over what a previous run left unhandled, then keep looking every few
        seconds (for rows a stopped or dead instance left) and keep our own leases."""
        self._inflight.clear()  # a restart: whatever was on its way is in the inbox again
        await self._take_over(every_lease=self._alone)
        self._sweeper = asyncio.create_task(self._sweep())

    async def _take_over(self, every_lease: bool = False) -> int:
        taken = 0
        while True:
            rows = await self.inbox.take_over(self._clock(), TAKE_OVER_BATCH, every_lease)
            updates = [u for u in (self._read(row.body) for row in rows) if u is not None]
            self._enqueue(updates, stored=True)
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
                    await self.inbox.renew(now)
                    renewed_at = now
                await self._take_over()
                await self._prune(now)
            except Exception:  # the database may be restarting: try again next time
                log.warning("the update inbox could not be swept", exc_info=True)

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

    async def stop(self) -> None:
        """No more sweeping; what this instance leaves unhandled is free for another at once."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        for task in list(self._notes):
            task.cancel()
        await self._writes.wait()  # the marks of updates that did finish
        released = await self.inbox.release(self._clock())
        if released:
            log.info("left %d updates unhandled for the next instance", released)


class Poller:
    """Long polling: each batch is stored before the next getUpdates confirms its offset."""

    def __init__(
        self, bot: Bot, ingress: Ingress, allowed_updates: list[str], timeout: float = 10.0
    ) -> None:
        self._bot = bot
        self._ingress = ingress
        self._allowed = allowed_updates
        self._timeout = timeout
        self._task: asyncio.Task[None] | None = None
        self._offset: int | None = None
        self._stopping = False
        self._fetching = False  # a getUpdates request is out (a stop may cut it short)
        # The raw call is the point: the updates' JSON is what the inbox stores.
        warnings.filterwarnings("ignore", "Please use 'Bot.getUpdates'", PTBUserWarning)

    async def start(self) -> None:
        await self._bot.delete_webhook(drop_pending_updates=False)
        self._stopping = False
        self._task = asyncio.create_task(self._poll())

    async def _poll(self) -> None:
        pause = RETRY_SECONDS[0]
        while not self._stopping:
            try:
                self._fetching = True
                try:
                    bodies = await self._bot.do_api_request(
                        "getUpdates",
                        api_kwargs={
                            "offset": self._offset,
                            "timeout": self._timeout,
                            "allowed_updates": self._allowed,
                        },
                        read_timeout=self._timeout + 5,
                    )
                finally:
                    self._fetching = False
                await self._ingress.accept(bodies)  # handled or stored: confirm them next
            except asyncio.CancelledError:
                raise
            except Exception as error:  # Telegram, or the database, is away
                log.warning("getUpdates failed (%s); retrying in %.1f s", _kind(error), pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, RETRY_SECONDS[1])
                continue
            pause = RETRY_SECONDS[0]
            if bodies:
                self._offset = max(body["update_id"] for body in bodies) + 1

    async def stop(self) -> None:
        """Stop fetching: a long poll is cut short, but a batch being taken in is finished
        (handled or stored), then confirmed, so a restart does not fetch it again."""
        self._stopping = True
        if self._task is not None:
            if self._fetching:
                self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._offset is not None:
            try:
                await self._bot.do_api_request(
                    "getUpdates",
                    api_kwargs={"offset": self._offset, "timeout": 0, "limit": 1},
                    read_timeout=5,
                )
            except Exception as error:  # handled or stored: at worst they come again, once
                log.info("could not confirm the last updates (%s)", _kind(error))


class WebhookServer:
    """Telegram posts updates here. The secret is checked first, in constant time; a body
    over MAX_BODY is refused before it is read; an update is stored before the 200."""

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
        # Posts in flight at a stop get a few seconds; Telegram retries any not answered.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=3.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, *self._listen).start()
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
        except Exception:  # not stored: Telegram sends it again
            log.exception("an update could not be stored")
            return web.Response(status=500)
        return web.Response(status=200)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def _done() -> asyncio.Future[None]:
    """A store that has already happened (rows taken over from the inbox)."""
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future


def _kind(error: BaseException) -> str:
    """An error's class name: never its text, which may carry a URL or a user's words."""
    return type(error).__name__
