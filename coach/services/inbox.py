"""The update inbox: the updates a process could not handle at once, kept for whoever can.

The guarantee, made here and in coach/bot/ingress.py and coach/bot/lanes.py:
- An update is acknowledged (the webhook's 200, the next getUpdates' offset) only once it
  is handled, or else committed here. Telegram keeps, and re-sends, what was not
  acknowledged, so nothing is lost between the two.
- Each stored row belongs to the instance that stored it (`owner`) until `lease_until`,
  which that instance renews while the update is on its way there. A graceful stop hands
  its unhandled rows back at once; a killed instance's rows are free when their lease runs
  out. Whoever finds free rows (another instance, or the same bot after a restart) handles
  them, in update_id order.
- A row is marked handled after its handler has run. An update in flight when its process
  died is handled again: every handler is idempotent (check-ins and ratings are upserts,
  answers to an earlier question are stale), so a replay writes nothing twice.
- A handled row keeps no body (the user's words are kept only where a use case keeps
  them) and is pruned after UPDATE_RETENTION. /delete erases a user's handled rows; those
  still waiting are the user's own later updates, and are handled (then emptied) as usual.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import InboxUpdate
from coach.db.repositories import upsert_for

# A handled row (an id, a chat and when) is kept this long, for an operator asking what
# became of an update; its body is gone already.
UPDATE_RETENTION = timedelta(days=1)
PRUNE_BATCH = 5000


@dataclass(frozen=True)
class Stored:
    """An update as the inbox hands it back: its id, whose it is, and its JSON."""

    update_id: int
    chat_key: int | None
    body: dict[str, Any] | None  # None: a row whose JSON does not parse


class UpdateInbox:
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], worker: str, lease: timedelta
    ) -> None:
        self._sessionmaker = sessionmaker
        self.worker = worker[:64]
        self._lease = lease

    async def write(
        self,
        updates: Sequence[Stored],
        handled: Sequence[int],
        renewals: Collection[int],
        now: datetime,
        forgotten: Collection[int] = (),
    ) -> None:
        """In one transaction: mark updates handled (delete those of them also `forgotten`:
        their sender was erased), renew the leases of others, store new ones as this worker's
        (one stored before, Telegram's repeat, stays as it is)."""
        async with self._sessionmaker.begin() as session:
            if forgotten:
                await session.execute(
                    delete(InboxUpdate).where(InboxUpdate.update_id.in_(forgotten))
                )
            if handled:
                await session.execute(
                    update(InboxUpdate)
                    .where(InboxUpdate.update_id.in_(handled))
                    .values(handled_at=now, body="")
                )
            if renewals:
                await session.execute(
                    update(InboxUpdate)
                    .where(
                        InboxUpdate.update_id.in_(renewals),
                        InboxUpdate.owner == self.worker,
                        InboxUpdate.handled_at.is_(None),
                    )
                    .values(lease_until=now + self._lease)
                )
            if not updates:
                return
            insert = upsert_for(session)
            rows = [
                {
                    "update_id": u.update_id,
                    "chat_key": u.chat_key,
                    # ASCII escapes: a lone surrogate or a NUL in someone's text can't
                    # make the row unstorable (and so block every update behind it).
                    "body": json.dumps(u.body, separators=(",", ":")),
                    "received_at": now,
                    "owner": self.worker,
                    "lease_until": now + self._lease,
                }
                for u in updates
            ]
            await session.execute(insert(InboxUpdate).on_conflict_do_nothing(), rows)

    async def release(self, now: datetime, keep: Collection[int] = ()) -> int:
        """A graceful stop: this worker's unhandled rows are free for anyone at once, but
        for `keep` (still running here: their leases run out if this process dies)."""
        async with self._sessionmaker.begin() as session:
            result = await session.execute(
                update(InboxUpdate)
                .where(
                    InboxUpdate.owner == self.worker,
                    InboxUpdate.handled_at.is_(None),
                    InboxUpdate.update_id.not_in(keep),
                )
                .values(lease_until=now)
            )
            return result.rowcount

    async def take_over(self, now: datetime, limit: int, every_lease: bool = False) -> list[Stored]:
        """Unhandled rows whose owner is gone (lease run out, or handed back), now this
        worker's, oldest first. every_lease: a process that knows it is alone (SQLite at
        startup) takes every unhandled row, whoever stored it."""
        async with self._sessionmaker.begin() as session:
            free = true() if every_lease else InboxUpdate.lease_until <= now
            ids = (
                select(InboxUpdate.update_id)
                .where(InboxUpdate.handled_at.is_(None), free)
                .order_by(InboxUpdate.update_id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            rows = (
                await session.execute(
                    update(InboxUpdate)
                    .where(InboxUpdate.update_id.in_(ids.scalar_subquery()))
                    .values(owner=self.worker, lease_until=now + self._lease)
                    .returning(InboxUpdate.update_id, InboxUpdate.chat_key, InboxUpdate.body)
                )
            ).all()
        found = [Stored(update_id, key, _parse(body)) for update_id, key, body in rows]
        return sorted(found, key=lambda s: s.update_id)

    async def waits_on_another(self, chat_key: int, update_id: int) -> bool:
        """Whether an earlier update of this chat is still unhandled on another worker: it
        must be handled first (one user's updates in order, across instances)."""
        async with self._sessionmaker() as session:
            found = await session.scalar(
                select(InboxUpdate.update_id)
                .where(
                    InboxUpdate.chat_key == chat_key,
                    InboxUpdate.update_id < update_id,
                    InboxUpdate.handled_at.is_(None),
                    InboxUpdate.owner != self.worker,
                )
                .limit(1)
            )
        return found is not None

    async def prune(self, now: datetime, batch: int = PRUNE_BATCH) -> int:
        """Delete up to `batch` rows handled longer than UPDATE_RETENTION ago."""
        async with self._sessionmaker.begin() as session:
            old = (
                select(InboxUpdate.update_id)
                .where(InboxUpdate.handled_at < now - UPDATE_RETENTION)
                .limit(batch)
            )
            result = await session.execute(
                delete(InboxUpdate).where(InboxUpdate.update_id.in_(old.scalar_subquery()))
            )
            return result.rowcount


async def forget_handled(session: AsyncSession, chat_key: int) -> None:
    """In the caller's transaction (/delete): the chat's handled rows. Those still waiting
    are the user's own later updates: handled as usual, then emptied."""
    await session.execute(
        delete(InboxUpdate).where(
            InboxUpdate.chat_key == chat_key, InboxUpdate.handled_at.is_not(None)
        )
    )


def _parse(body: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None
