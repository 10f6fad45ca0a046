"""/healthz and Prometheus /metrics, served on their own port (METRICS_PORT).

Kept off the webhook's port so that the reverse proxy in front of the bot never exposes
them. Each Application has its own registry: tests run many bots in one process.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, Info, generate_latest
from prometheus_client import Counter as Total
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from coach import __version__
from coach.db.engine import read_only
from coach.reminders.dispatcher import Dispatcher

log = logging.getLogger(__name__)

DATABASE_TIMEOUT = 2.0  # seconds /healthz waits for the database
# Delivery outcomes are counted by status (sent, failed, blocked, skipped, missed, ...),
# without the reason, so the series stay few.


class Metrics:
    """What an operator watches: updates handled, reminders by outcome, dispatch lag, 429s."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        Info("coach_build", "The running version", registry=self.registry).info(
            {"version": __version__}
        )
        self.updates = Total("coach_updates", "Telegram updates handled", registry=self.registry)
        self.reminders = Total(
            "coach_reminders",
            "Reminder deliveries by outcome (sent, failed, blocked, skipped, missed, ...)",
            ["outcome"],
            registry=self.registry,
        )
        self.flood_dropped = Total(
            "coach_updates_dropped",
            "Updates flood control turned away before they were stored",
            registry=self.registry,
        )
        self.rate_limited = Total(
            "coach_telegram_429", "Bot API answers of 429 Too Many Requests", registry=self.registry
        )
        self.errors = Total(
            "coach_errors",
            "Errors logged: update (a handler failed), dispatch (a reminder round), "
            "delivery (a reminder not sent or not recorded), prune, retention (a purge run), "
            "announcement (a message an /announce could not send)",
            ["where"],
            registry=self.registry,
        )
        for where in ("update", "dispatch", "delivery", "prune", "retention", "announcement"):
            self.errors.labels(where=where)  # every series at 0 from the start
        self.dispatch_lag = Gauge(
            "coach_dispatch_lag_seconds",
            "How long the oldest due reminder has waited (0 when none is overdue)",
            registry=self.registry,
        )

    def count_outcomes(self, counts: Counter[str]) -> None:
        for key, number in counts.items():
            outcome = key.split(":", 1)[0]
            self.reminders.labels(outcome=outcome).inc(number)


class HealthServer:
    def __init__(
        self,
        metrics: Metrics,
        engine: AsyncEngine,
        dispatcher: Dispatcher,
        clock,  # type: ignore[no-untyped-def]
        max_lag_seconds: float,
    ) -> None:
        self._metrics = metrics
        self._engine = engine
        self._dispatcher = dispatcher
        self._clock = clock
        self._max_lag = max_lag_seconds
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics_page)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, host, port).start()
        except OSError as error:  # the bot itself runs on: only the operator's view is lost
            log.error(
                "/healthz and /metrics are off: cannot listen on %s:%d (%s); free the port "
                "or set METRICS_PORT (0 turns them off)",
                host,
                port,
                error.strerror or error,
            )
            await self._runner.cleanup()
            self._runner = None
            return
        log.info("health and metrics on http://%s:%d/healthz and /metrics", host, port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def lag(self, now: datetime) -> float:
        """Seconds the oldest due reminder (or expired claim) has waited; 0 if none."""
        due = await self._dispatcher.store.next_due()
        lag = max(0.0, (now - due).total_seconds()) if due is not None else 0.0
        self._metrics.dispatch_lag.set(lag)
        return lag

    async def _healthz(self, _request: web.Request) -> web.Response:
        report: dict[str, object] = {"version": __version__}
        healthy = True
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT):
                async with read_only(self._engine).connect() as conn:
                    await conn.execute(text("SELECT 1"))
            report["database"] = "ok"
        except Exception as error:  # any failure to reach the database is "unhealthy"
            report["database"] = f"unreachable: {type(error).__name__}"
            healthy = False
        else:
            try:
                async with asyncio.timeout(DATABASE_TIMEOUT):
                    lag = await self.lag(self._clock())
            except Exception as error:  # it answers, but not with our tables (dropped?)
                report["schema"] = f"unusable: {type(error).__name__}"
                healthy = False
            else:
                healthy = self._dispatch_report(lag, report)
        report["status"] = "ok" if healthy else "unhealthy"
        return web.json_response(report, status=200 if healthy else 503)

    def _dispatch_report(self, lag: float, report: dict[str, object]) -> bool:
        """Unhealthy only when reminders are overdue AND this instance's dispatcher has got
        nothing done for as long: a backlog that every instance is working through must not
        take them all out of the load balancer at once."""
        last = self._dispatcher.last_progress
        idle = None if last is None else max(0.0, (self._clock() - last).total_seconds())
        report["dispatch_lag_seconds"] = round(lag, 1)
        report["dispatcher_idle_seconds"] = None if idle is None else round(idle, 1)
        if lag > self._max_lag and (idle is None or idle > self._max_lag):
            report["dispatch"] = "stalled"
            return False
        return True

    async def _metrics_page(self, _request: web.Request) -> web.Response:
        try:
            await self.lag(self._clock())
        except Exception:  # the page still shows the last known lag
            log.warning("dispatch lag unavailable", exc_info=True)
        body = generate_latest(self._metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
