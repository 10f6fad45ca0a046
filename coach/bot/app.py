"""Building the python-telegram-bot Application: every handler is registered here."""

from __future__ import annotations

import functools
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)

from coach.bot import retention
from coach.bot.callbacks import (
    AnnounceTap,
    DeleteTap,
    FinaleTap,
    IntakeTap,
    PauseTap,
    ReminderTap,
    SettingsTap,
    StartOverTap,
    TodayTap,
    WeeklyChangeTap,
    WeeklyTap,
    decode,
)
from coach.bot.commands import register_command_menus
from coach.bot.context import (
    RUNTIME_KEY,
    Clock,
    CoachApplication,
    CoachContext,
    Runtime,
    system_clock,
)
from coach.bot.dispatch_jobs import start_dispatching
from coach.bot.drawing import Drawings
from coach.bot.flood import FloodGate
from coach.bot.handlers import admin, checkins, core, gate, intake, progress, schedule
from coach.bot.handlers import plan as plan_menu
from coach.bot.handlers import settings as settings_menu
from coach.bot.handlers.common import answer_unknown
from coach.bot.health import HealthServer, Metrics
from coach.bot.ingress import UPDATE_LEASE, Ingress, Poller, WebhookServer
from coach.bot.lanes import Lanes
from coach.bot.screens.reminders import renderer
from coach.config import SUPPORTED_LANGUAGES, Settings
from coach.db.engine import create_engine, create_sessionmaker
from coach.domain.language import pick_language
from coach.domain.plan import load_plan
from coach.i18n import Catalog
from coach.paths import PLAN_FILE
from coach.reminders.announcer import Announcer
from coach.reminders.dispatcher import Dispatcher
from coach.reminders.http import AiohttpRequest
from coach.reminders.limiter import BroadcastLimiter
from coach.reminders.store import ReminderStore
from coach.services import Services
from coach.services.inbox import UpdateInbox
from coach.services.targets import TargetBook

log = logging.getLogger(__name__)

# Edits of old messages are not answers (Telegram sends none anyway: ALLOWED_UPDATES).
NEW = ~filters.UpdateType.EDITED
PRIVATE = filters.ChatType.PRIVATE & NEW
ELSEWHERE = ~filters.ChatType.PRIVATE & NEW  # groups, supergroups, channels
BROADCAST_CONNECTIONS = 256
REPLY_CONNECTIONS = 64
MAX_CLAIM_BATCH = 2000
# The update kinds the bot handles; Telegram sends no others (polling or webhook).
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
# Telegram's simultaneous webhook posts to one instance (its default is 40).
WEBHOOK_CONNECTIONS = 40


def build_application(
    settings: Settings, clock: Clock = system_clock, dispatch_automatically: bool = True
) -> CoachApplication:
    """The bot, wired to its database and catalogs. Nothing connects until it is initialized.

    dispatch_automatically=False leaves reminder rounds to the caller (tests move a fake clock
    and run rounds themselves).
    """
    # Opt in to PTB's coming timedelta durations (retry_after) instead of a deprecation warning.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    engine = create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    plan = load_plan(PLAN_FILE)
    catalog = Catalog()
    services = Services.build(sessionmaker, plan, SUPPORTED_LANGUAGES, settings.default_language)
    timeout = settings.bot_api_timeout_seconds  # to connect, and for each part of an answer
    # Broadcasts get their own Bot and connection pool: a user's reply never waits for one.
    broadcast_bot = ExtBot(
        settings.token(),
        base_url=settings.bot_api_base_url,
        base_file_url=settings.bot_api_file_url,
        request=AiohttpRequest(BROADCAST_CONNECTIONS, timeout, timeout),
        defaults=Defaults(parse_mode=ParseMode.HTML),
    )
    limiter = BroadcastLimiter(
        settings.broadcast_rate if settings.broadcast_throttle else None,
        settings.broadcast_per_chat_seconds,
    )
    store = ReminderStore(
        sessionmaker,
        TargetBook(plan),
        grace=timedelta(minutes=settings.reminder_grace_minutes),
        lease=timedelta(seconds=settings.delivery_lease_seconds),
        worker=f"{os.getpid()}:{uuid.uuid4().hex[:8]}:{socket.gethostname()}",
        batch_limit=claim_batch_size(settings),
    )
    dispatcher = Dispatcher(
        store,
        broadcast_bot,
        renderer(catalog),
        limiter,
        clock,
        batch_size=claim_batch_size(settings),
        max_in_flight=BROADCAST_CONNECTIONS,
        paid_broadcast=settings.paid_broadcast,
        alone=settings.is_sqlite,  # SQLite means one bot process
        retention=timedelta(days=settings.delivery_retention_days),
    )
    metrics = Metrics()
    dispatcher.on_counts = metrics.count_outcomes
    dispatcher.on_rate_limited = metrics.rate_limited.inc

    def count_error(where: str) -> None:
        metrics.errors.labels(where=where).inc()

    dispatcher.on_error = count_error
    announcer = Announcer(broadcast_bot, limiter, settings.paid_broadcast)
    announcer.on_error = count_error
    health = HealthServer(metrics, engine, dispatcher, clock, settings.max_dispatch_lag_seconds)
    worker = store.worker
    inbox = UpdateInbox(sessionmaker, worker, UPDATE_LEASE)
    ingress: Ingress | None = None  # built with the application, below

    async def handled(update: Update) -> None:
        assert ingress is not None
        await ingress.on_handled(update)

    # One instance on SQLite: nobody else can hold an earlier update of the same user.
    lanes = Lanes(
        settings.max_concurrent_updates,
        handled,
        waits_elsewhere=None if settings.is_sqlite else inbox.waits_on_another,
    )

    async def post_init(application: CoachApplication) -> None:
        if settings.metrics_port:
            await health.start(settings.metrics_listen, settings.metrics_port)
        await register_command_menus(application)
        await broadcast_bot.initialize()
        if dispatch_automatically:
            assert application.job_queue is not None
            start_dispatching(
                application.job_queue, dispatcher, clock, settings.dispatch_interval_seconds
            )
            retention.start_purging(
                application.job_queue,
                services.account,
                clock,
                settings.user_retention_days,
                count_error,
            )

    async def post_shutdown(_application: CoachApplication) -> None:
        released = await store.release(clock())
        if released:
            log.info("released %d unsent reminders to other instances", released)
        await broadcast_bot.shutdown()
        await health.stop()
        await engine.dispose()

    application: CoachApplication = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_api_file_url)
        # getUpdates has its own pool: the long poll, and the call that confirms the last
        # batch at a stop while the cancelled poll may still hold a connection.
        .get_updates_request(AiohttpRequest(2, timeout, timeout))
        # Replies use aiohttp too: about half httpx's CPU per request, which is most of a
        # tap's cost (bench/checkin.py).
        .request(AiohttpRequest(REPLY_CONNECTIONS, timeout, timeout))
        .context_types(ContextTypes(context=CoachContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        # Updates come in through coach/bot/ingress.py (stored before they are
        # acknowledged), not PTB's Updater; the lanes handle them concurrently.
        .updater(None)
        .concurrent_updates(lanes)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    flood = FloodGate(settings.flood_max_updates, settings.flood_window_seconds)
    ingress = Ingress(
        application.bot,
        application.update_queue,
        inbox,
        lanes,
        flood,
        clock,
        tell_flood=functools.partial(gate.tell_flood, catalog=catalog, users=services.users),
        on_drop=metrics.flood_dropped.inc,
        alone=settings.is_sqlite,
    )
    application.bot_data[RUNTIME_KEY] = Runtime(
        settings=settings,
        services=services,
        catalog=catalog,
        clock=clock,
        dispatcher=dispatcher,
        metrics=metrics,
        ingress=ingress,
        lanes=lanes,
        drawings=Drawings(),
        announcer=announcer,
    )
    add_handlers(application)
    return application


def polling(application: CoachApplication, timeout: float = 10.0) -> Poller:
    """Long polling, for `coach run` (and the tests, with a shorter poll)."""
    ingress = application.bot_data[RUNTIME_KEY].ingress
    return Poller(application.bot, ingress, ALLOWED_UPDATES, timeout)


def webhook(application: CoachApplication, settings: Settings) -> WebhookServer:
    """The webhook server, for `coach webhook`: WEBHOOK_URL + WEBHOOK_PATH, WEBHOOK_SECRET."""
    url, secret = settings.webhook()
    return WebhookServer(
        application.bot,
        application.bot_data[RUNTIME_KEY].ingress,
        url,
        secret,
        (settings.webhook_listen, settings.webhook_port),
        ALLOWED_UPDATES,
        WEBHOOK_CONNECTIONS,
    )


def claim_batch_size(settings: Settings) -> int:
    """As many reminders as can surely be sent within half a lease at the broadcast rate:
    a claim must never expire while it waits its turn, or another instance would take it."""
    if not settings.broadcast_throttle:
        return MAX_CLAIM_BATCH
    per_half_lease = settings.broadcast_rate * settings.delivery_lease_seconds / 2
    return max(1, min(MAX_CLAIM_BATCH, int(per_half_lease)))


def add_handlers(application: CoachApplication) -> None:
    """All handlers in one place, most specific first."""
    application.add_handler(TypeHandler(Update, gate.count_update), group=-2)
    application.add_handler(TypeHandler(Update, retention.on_any_update), group=-1)
    application.add_handler(MessageHandler(ELSEWHERE, core.group_message))
    commands = {
        "start": intake.start,
        "help": core.help_command,
        "settings": settings_menu.settings_command,
        "today": checkins.today_command,
        "plan": plan_menu.plan_command,
        "checkin": plan_menu.checkin_command,
        "progress": progress.progress_command,
        "export": progress.export_command,
        "delete": progress.delete_command,
        "stats": admin.stats_command,
        "announce": admin.announce_command,
        "reminders": schedule.reminders_command,
        "pause": schedule.pause_command,
        "resume": schedule.resume_command,
    }
    for command, callback in commands.items():
        application.add_handler(CommandHandler(command, callback, filters=PRIVATE))
    # Every button: its data decoded once, the typed tap handed to its scope's callback.
    application.add_handler(CallbackQueryHandler(on_tap))
    application.add_handler(MessageHandler(PRIVATE & filters.LOCATION, intake.on_location))
    application.add_handler(MessageHandler(PRIVATE & filters.COMMAND, core.unknown_command))
    # Once the command has been answered (a later group): it closes an open question.
    application.add_handler(MessageHandler(PRIVATE & filters.COMMAND, close_question), group=1)
    application.add_handler(MessageHandler(PRIVATE & filters.TEXT, on_text))
    application.add_handler(
        MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, core.unsupported_message)
    )
    application.add_error_handler(on_error)


TapCallback = Callable[[Update, CoachContext, Any], Awaitable[None]]
TAPS: dict[type, TapCallback] = {
    IntakeTap: intake.on_intake_tap,
    StartOverTap: intake.on_restart_tap,
    ReminderTap: checkins.on_reminder_tap,
    TodayTap: checkins.on_today_tap,
    WeeklyTap: plan_menu.on_weekly_tap,
    WeeklyChangeTap: plan_menu.on_weekly_change_tap,
    FinaleTap: plan_menu.on_finale_tap,
    PauseTap: schedule.on_pause_tap,
    DeleteTap: progress.on_delete_tap,
    AnnounceTap: admin.on_announce_tap,
    SettingsTap: settings_menu.on_settings_tap,
}


async def on_tap(update: Update, context: CoachContext) -> None:
    """A button: decoded once and handed, typed, to its callback; data that does not decode
    (forged, or from a version that no longer exists) is answered as unknown."""
    tap = decode(update.callback_query.data)
    callback = TAPS.get(type(tap))
    if callback is None:
        await answer_unknown(update, context)
        return
    await callback(update, context, tap)


async def close_question(update: Update, context: CoachContext) -> None:
    """After any command: a question /settings or a note left open closes (the user moved
    on); the intake's stays."""
    await context.services.users.close_question(update.effective_user.id)


async def on_text(update: Update, context: CoachContext) -> None:
    """Typed text: a note when one is asked for, else an intake or settings answer."""
    if await checkins.on_note_text(update, context):
        return
    await intake.on_text(update, context)


async def on_error(update: object, context: CoachContext) -> None:
    """Log the failure and tell the user something short and kind, never a traceback."""
    error = context.error
    if isinstance(error, RetryAfter):
        # Waiting out retry_after here would hold every other user's replies (updates are
        # handled in order); the answer is saved, the user sees it on their next look.
        context.runtime.metrics.rate_limited.inc()
        log.warning("a reply was rate limited (429) and dropped: %s", error.message)
        return
    if isinstance(error, Forbidden) or (
        isinstance(error, BadRequest) and "chat not found" in error.message.lower()
    ):
        log.info("a reply could not be delivered: %s", error.message)
        return  # blocked, or the chat is gone: there is nobody to tell
    if isinstance(error, TimedOut):
        log.warning("a reply timed out (it may still arrive): %s", error.message)
        return  # an apology could arrive after the answer itself
    log.error("error while handling an update", exc_info=error)
    context.runtime.metrics.errors.labels(where="update").inc()
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    # No database call here: the database may be what failed.
    code = update.effective_user.language_code if update.effective_user else None
    t = context.translator(
        pick_language(code, SUPPORTED_LANGUAGES, context.runtime.settings.default_language)
    )
    try:
        await context.bot.send_message(update.effective_chat.id, t("error-generic"))
    except Exception:  # the error reply is best effort; the first error is already logged
        log.warning("could not send the error reply", exc_info=True)
