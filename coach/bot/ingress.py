"""Where updates come in: long polling or the webhook, then the inbox, then the lanes.

Every update is checked by flood control first (a burst is dropped here, before it costs a
database write or a Bot API call), then committed to the inbox (coach/services/inbox.py),
and only then acknowledged: the webhook answers 200, and the poller asks for the next batch
(which confirms this one's offset). Then it is queued for its user's lane
(coach/bot/lanes.py). Updates left unhandled by a stop or a crash are taken over from the
inbox: at startup, and every few seconds from instances whose lease ran out.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, Update
from telegram.error import NetworkError, TelegramError
from telegram.warnings import PTBUserWarning

from coach.bot.flood import FloodGate
from coach.bot.lanes import Lanes, lane_key
from coach.db.group_commit import GroupCommit
from coach.services.inbox import PRUNE_BATCH, Stored, UpdateInbox

log = logging.getLogger(__name__)

# Rows left by a stopped or dead instance are looked for this often; a live instance renews
# its rows' leases every third of UPDATE_LEASE.
SWEEP_SECONDS = 2.0
UPDATE_LEASE = timedelta(seconds=30)
TAKE_OVER_BATCH = 1000
PRUNE_EVERY = timedelta(hours=1)
# The webhook refuses a body larger than this before reading it (an update is a few KB).
MAX_BODY = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_SECONDS = (0.5, 30.0)  # the poller's backoff after a failed getUpdates
SET_WEBHOOK_TRIES = 4

# (the update turned away, whether to say "slow down"): answers it off the update path.
TellFlood = Callable[[Update, bool], Awaitable[None]]
MAX_NOTES = 32  # flood notes and silent answers being sent at once, at most


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
        self._handled = GroupCommit[int](lambda ids: self.inbox.mark_handled(ids, self._clock()))
        self._storing = GroupCommit[Stored](self._store, gather=0)
        self._notes: set[asyncio.Task[None]] = set()
        self._inflight: set[int] = set()  # queued for the lanes, not yet marked handled
        self._sweeper: asyncio.Task[None] | None = None
        self._pruned_at: datetime | None = None

    async def on_handled(self, update: Update) -> None:
        """The lanes are done with an update: mark it handled (group commit)."""
        try:
            await self._handled.submit(update.update_id)
        finally:
            self._inflight.discard(update.update_id)

    async def accept(self, bodies: Sequence[dict[str, Any]]) -> None:
        """Check, store and queue updates as Telegram sent them. Returns once they are
        committed: the caller may acknowledge them then (and must not before)."""
        admitted: list[tuple[Update, dict[str, Any]]] = []
        for body in bodies:
            update = self._read(body)
            if update is not None and self._admit(update):
                admitted.append((update, body))
        if not admitted:
            return
        rows = [Stored(u.update_id, lane_key(u), body) for u, body in admitted]
        if len(rows) == 1:
            new = await self._storing.submit(rows[0])
            fresh = {rows[0].update_id} if new else set()
        else:
            fresh = await self.inbox.store(rows, self._clock())
        self._enqueue([u for u, _ in admitted if u.update_id in fresh])

    async def _store(self, rows: list[Stored]) -> list[Stored]:
        fresh = await self.inbox.store(rows, self._clock())
        return [row for row in rows if row.update_id in fresh]

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

    def _enqueue(self, updates: Sequence[Update]) -> None:
        for update in sorted(updates, key=lambda u: u.update_id):
            if update.update_id in self._inflight:
                continue  # already on its way (a lease renewal that came late): not twice
            self._inflight.add(update.update_id)
            self._lanes.expect(update)
            self._queue.put_nowait(update)

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
        await self._handled.wait()  # the marks of updates that did finish
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
        # The raw call is the point: the updates' JSON is what the inbox stores.
        warnings.filterwarnings("ignore", "Please use 'Bot.getUpdates'", PTBUserWarning)

    async def start(self) -> None:
        await self._bot.delete_webhook(drop_pending_updates=False)
        self._task = asyncio.create_task(self._poll())

    async def _poll(self) -> None:
        pause = RETRY_SECONDS[0]
        while True:
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
                await self._ingress.accept(bodies)  # stored: the next call confirms them
            except asyncio.CancelledError:
                raise
            except (TelegramError, Exception) as error:  # Telegram, or the database, is away
                log.warning("getUpdates failed (%s); retrying in %.1f s", _kind(error), pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, RETRY_SECONDS[1])
                continue
            pause = RETRY_SECONDS[0]
            if bodies:
                self._offset = max(body["update_id"] for body in bodies) + 1

    async def stop(self) -> None:
        """Stop fetching; confirm what was stored, so a restart does not fetch it again."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._offset is not None:
            try:
                await self._bot.do_api_request(
                    "getUpdates",
                    api_kwargs={"offset": self._offset, "timeout": 0, "limit": 1},
                    read_timeout=5,
                )
            except Exception as error:  # they are stored: at worst they come again, once
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


def _kind(error: BaseException) -> str:
    """An error's class name: never its text, which may carry a URL or a user's words."""
    return type(error).__name__
