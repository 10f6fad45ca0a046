"""One dispatcher per process: claims due reminders in batches, sends them through the
broadcast limiter, records every outcome, and lets the store advance each reminder.

Delivery guarantee (see also coach/reminders/store.py):
- every occurrence gets a deliveries row; nothing is silently dropped;
- a row is marked SENDING (committed) before its request is handed to the Bot API, and SENT
  with the message id after; a claimed row never handed over is sent after a restart;
- a row found SENDING after its process died is recorded UNCERTAIN, never re-sent. So an
  occurrence is sent at most once; the only unknown is a request in flight at a kill.
- A timeout, or a connection lost after the request was written, is the same uncertainty
  (Telegram may have delivered it), so it is recorded UNCERTAIN too. 429 waits retry_after
  and retries; 5xx and failures to connect (the request never left) retry with backoff,
  then FAILED; 403 and "chat not found" are BLOCKED and stop the user's
  reminders until they send /start again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from coach.db.group_commit import GroupCommit
from coach.domain.reminders import Status
from coach.logs import scrub
from coach.reminders.limiter import BroadcastLimiter
from coach.reminders.store import PRUNE_BATCH, DueReminder, Outcome, ReminderStore

log = logging.getLogger(__name__)

# Old deliveries are pruned after a round, at most this often, and at most this many
# batches at a time (the rest go after the next round): housekeeping never holds a round up.
PRUNE_EVERY = timedelta(hours=1)
PRUNE_BATCHES = 20
MAX_RATE_LIMIT_RETRIES = 20
NETWORK_RETRIES = 3
BACKOFF_SECONDS = 0.5


Render = Callable[[DueReminder], tuple[str, object]]


class Dispatcher:
    def __init__(
        self,
        store: ReminderStore,
        bot: Bot,
        render: Render,
        limiter: BroadcastLimiter,
        clock: Callable[[], datetime],
        batch_size: int = 2000,
        max_in_flight: int = 256,
        paid_broadcast: bool = False,
        alone: bool = False,
        retention: timedelta | None = None,
    ) -> None:
        self.store = store
        self._bot = bot
        self._render = render
        self._limiter = limiter
        self._clock = clock
        self._batch_size = batch_size
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._paid = paid_broadcast
        self._round = asyncio.Lock()
        self._alone = alone
        self._retention = retention
        self._pruned_at: datetime | None = None
        self._stopping = False
        self._waiting: set[asyncio.Task[str]] = set()  # deliveries not yet handed over
        self._stop_event = asyncio.Event()
        # For metrics, as they happen: outcome counts, each 429, each error logged (by where).
        self.on_counts: Callable[[Counter[str]], None] = lambda counts: None
        self.on_rate_limited: Callable[[], None] = lambda: None
        self.on_error: Callable[[str], None] = lambda where: None
        # When this dispatcher last got something done (a claim, a delivery): /healthz.
        self.last_progress: datetime | None = None

    async def run_round(self) -> Counter[str] | None:
        """Dispatch everything due now; returns (and logs) the count of each outcome.
        None: a round is already running, and it takes whatever is due."""
        if self._round.locked():
            return None
        async with self._round:
            counts: Counter[str] = Counter()
            # Alone on its database (SQLite), the first round may take over every old claim.
            takeover, self._alone = self._alone, False
            while not self._stopping:
                # Each pass first takes claims whose lease ran out or that a stopping
                # instance released: they were due before anything claimed now.
                due, recovered = await self.store.recover(self._clock(), every_lease=takeover)
                takeover = False
                claimed, triaged = await self.store.claim(self._clock(), self._batch_size)
                for found in (recovered, triaged):
                    counts.update(found)
                    self.on_counts(Counter({k: n for k, n in found.items() if k != "recovered"}))
                self.last_progress = self._clock()
                due += claimed
                if not due:
                    break
                counts.update(await self._deliver_all(due))
            counts = +counts
            if counts:
                log.info("dispatch round: %s", dict(sorted(counts.items())))
            await self._prune()
            return counts

    async def _prune(self) -> None:
        """The retention rule, run by the bot itself: deliveries that ended longer ago than
        DELIVERY_RETENTION_DAYS are deleted, in batches, at most hourly."""
        now = self._clock()
        if self._retention is None or self._stopping:
            return
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        pruned = 0
        try:
            for _ in range(PRUNE_BATCHES):
                deleted = await self.store.prune(now - self._retention)
                pruned += deleted
                if deleted < PRUNE_BATCH:
                    self._pruned_at = now  # caught up: next time in an hour
                    break
                await asyncio.sleep(0)  # let replies and claims in between batches
        except Exception:  # housekeeping: try again after the next round
            log.exception("pruning old deliveries failed")
            self.on_error("prune")
        if pruned:
            log.info("pruned %d deliveries older than %s", pruned, self._retention)

    def start(self) -> None:
        """Rounds may run (again, after a stop)."""
        self._stopping = False
        self._stop_event.clear()

    def stop(self) -> None:
        """Graceful stop: requests already handed to the Bot API finish and are recorded;
        deliveries still waiting their turn end at once, left CLAIMED for
        ReminderStore.release to hand to another instance. No new claims are made."""
        self._stopping = True
        self._stop_event.set()
        for task in list(self._waiting):
            task.cancel()

    async def _pause(self, seconds: float) -> bool:
        """Sleep before a retry; False at once if stop() is called meanwhile."""
        try:
            await asyncio.wait_for(self._stop_event.wait(), seconds)
        except TimeoutError:
            return True
        return False

    async def _deliver_all(self, due: Sequence[DueReminder]) -> Counter[str]:
        sending = GroupCommit[int](lambda ids: self.store.mark_sending(ids, self._clock()))
        recording = GroupCommit[Outcome](lambda done: self.store.record(done, self._clock()))

        async def deliver(reminder: DueReminder) -> str:
            # Until its request is handed over, stop() may cancel the wait for a turn: the
            # claim then goes back unsent (CLAIMED, released to another instance).
            task = asyncio.current_task()
            assert task is not None
            self._waiting.add(task)
            try:
                if self._stopping:
                    self._waiting.discard(task)
                    return "released"
                await self._in_flight.acquire()
            except asyncio.CancelledError:
                self._waiting.discard(task)
                task.uncancel()
                return "released"
            try:
                try:
                    await self._limiter.wait(reminder.user_id)
                except asyncio.CancelledError:
                    task.uncancel()
                    return "released"
                finally:
                    self._waiting.discard(task)
                try:
                    if self._stopping:
                        return "released"
                    if not await sending.submit(reminder.delivery_id):
                        return "taken_over"  # our lease ran out and another worker has it
                    try:
                        outcome = await self._send(reminder)
                    except Exception as error:  # e.g. a rendering bug: recorded, not lost
                        log.exception("delivery %s failed", reminder.delivery_id)
                        self.on_error("delivery")
                        outcome = self._outcome(reminder, Status.FAILED, detail=repr(error))
                    await recording.submit(outcome)
                    result = "released" if outcome.status is Status.CLAIMED else str(outcome.status)
                    self.on_counts(Counter({result: 1}))
                    self.last_progress = self._clock()
                    return result
                except Exception:  # the database failed us: the row is recovered later
                    log.exception("delivery %s not recorded", reminder.delivery_id)
                    self.on_error("delivery")
                    return "unrecorded"
            finally:
                self._in_flight.release()

        tasks = [asyncio.create_task(deliver(r)) for r in due]
        return Counter(await asyncio.gather(*tasks))

    async def _send(self, reminder: DueReminder) -> Outcome:
        text, markup = self._render(reminder)
        params: dict[str, object] = {
            "chat_id": reminder.user_id,
            "text": text,
            "parse_mode": "HTML",
        }
        if markup is not None:  # the digest has no buttons
            params["reply_markup"] = markup
        if self._paid:
            params["allow_paid_broadcast"] = True
        network_failures = rate_limited = 0
        while True:
            if network_failures or rate_limited:  # a retry queues like any other message
                if self._stopping:
                    return self._released(reminder)
                await self._limiter.wait(reminder.user_id)
            try:
                # The raw call: all we need back is the message id, and building a full
                # Message object per broadcast costs a tenth of the dispatcher's CPU.
                result = await self._bot.do_api_request("sendMessage", api_kwargs=params)
                message_id = result["message_id"] if isinstance(result, dict) else None
                return self._outcome(reminder, Status.SENT, message_id=message_id)
            except RetryAfter as error:
                self.on_rate_limited()
                rate_limited += 1
                if rate_limited > MAX_RATE_LIMIT_RETRIES:
                    return self._outcome(reminder, Status.FAILED, detail=f"429 x{rate_limited}")
                seconds = _seconds(error)
                self._limiter.pause(seconds)
                if not await self._pause(seconds):
                    return self._released(reminder)  # Telegram said it was not delivered
            except Forbidden as error:
                return self._outcome(reminder, Status.BLOCKED, detail=error.message)
            except BadRequest as error:
                status = (
                    Status.BLOCKED if "chat not found" in error.message.lower() else Status.FAILED
                )
                return self._outcome(reminder, status, detail=error.message)
            except TimedOut as error:
                return self._outcome(
                    reminder, Status.UNCERTAIN, detail=f"timed out: {error.message}"
                )
            except NetworkError as error:
                log.debug("delivery %s: %s, retrying", reminder.delivery_id, error.message)
                network_failures += 1
                if network_failures > NETWORK_RETRIES:
                    return self._outcome(reminder, Status.FAILED, detail=error.message)
                if not await self._pause(BACKOFF_SECONDS * 2 ** (network_failures - 1)):
                    return self._released(reminder)  # the request never left

    def _released(self, reminder: DueReminder) -> Outcome:
        """Stopping while a retry waits: back to CLAIMED (the earlier attempt was refused or
        never left), for another instance to send."""
        return self._outcome(reminder, Status.CLAIMED, detail="released while retrying")

    def _outcome(
        self, reminder: DueReminder, status: Status, message_id: int | None = None, detail: str = ""
    ) -> Outcome:
        # Defence in depth: the transport words its errors without the URL, but a detail may
        # quote a server's own words (a description, a repr). It is stored, backed up and
        # exported: no token, and no URL through /bot<token>, gets that far.
        detail = scrub(detail, [self._bot.token])
        return Outcome(reminder.delivery_id, reminder.user_id, status, message_id, detail)


def _seconds(error: RetryAfter) -> float:
    """retry_after in seconds (a timedelta with PTB_TIMEDELTA on, as build_application sets)."""
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
