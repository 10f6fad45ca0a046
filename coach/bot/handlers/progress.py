"""/progress with its chart, /export of the user's own data, and /delete of all of it."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from telegram import InputFile, Update

from coach.bot.callbacks import decode
from coach.bot.context import CoachContext
from coach.bot.handlers.common import (
    answer_and_edit,
    answer_tap,
    answer_unknown,
    send,
    user_language,
)
from coach.bot.progress_screens import delete_screen, progress_screen
from coach.bot.screens import Screen
from coach.report.csv_export import render_csv
from coach.services.progress import ProgressView

# Charts and PDFs are drawn off the event loop, so the bot never blocks on matplotlib, and
# one at a time: matplotlib's font cache is not made for concurrent drawing.
_DRAWING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coach-chart")
T = TypeVar("T")


async def draw(render: Callable[..., T], *args: object) -> T:
    """Run a renderer in the drawing thread."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_DRAWING, functools.partial(render, *args))


# matplotlib, numpy and Pillow cost a process about 50 MB: loaded (in the drawing thread)
# by the first chart, not by every bot process at startup.
def _chart_png(view: ProgressView, t) -> bytes:  # type: ignore[no-untyped-def]
    from coach.report.chart import render_chart

    return render_chart(view, t)


def _report_pdf(view: ProgressView, t) -> bytes:  # type: ignore[no-untyped-def]
    from coach.report.chart import render_chart
    from coach.report.pdf import render_pdf

    return render_pdf(view, t, render_chart(view, t))


async def progress_command(update: Update, context: CoachContext) -> None:
    """/progress: the summary at once, then the chart when it is drawn."""
    view = await context.services.progress.progress(update.effective_user.id, context.now())
    if view is None:
        await _not_ready(update, context)
        return
    t = context.translator(view.language)
    await send(update, [progress_screen(t, view)])
    png = await draw(_chart_png, view, t)
    await update.effective_chat.send_photo(
        InputFile(png, filename="progress.png"), caption=t("progress-chart-caption")
    )


async def export_command(update: Update, context: CoachContext) -> None:
    """/export: a CSV of everything kept about the user, and a PDF report once the plan runs."""
    data = await context.services.progress.export(update.effective_user.id, context.now())
    if data is None:
        t = context.translator(await user_language(update, context))
        await send(update, [Screen(t("export-nothing"))])
        return
    language = data.progress.language if data.progress else await user_language(update, context)
    t = context.translator(language)
    chat = update.effective_chat
    intro = "export-intro" if data.progress is not None else "export-intro-csv"
    await send(update, [Screen(t(intro))])
    await chat.send_document(
        InputFile(render_csv(data), filename="gut-coach-data.csv"),
        caption=t("export-csv-caption"),
    )
    if data.progress is not None:
        pdf = await draw(_report_pdf, data.progress, t)
        await chat.send_document(
            InputFile(pdf, filename="gut-coach-report.pdf"), caption=t("export-pdf-caption")
        )


async def delete_command(update: Update, context: CoachContext) -> None:
    """/delete: asks for a confirming tap first."""
    t = context.translator(await user_language(update, context))
    key = await context.services.progress.deletion_key(update.effective_user.id)
    if key is None:
        await send(update, [Screen(t("delete-nothing"))])
        return
    await send(update, [delete_screen(t, key)])


async def on_delete_tap(update: Update, context: CoachContext) -> None:
    """The answer to /delete: erase every row about the user, or leave everything be."""
    query = update.callback_query
    tap = decode(query.data)
    if tap is None or tap.scope != "x":
        await answer_unknown(update, context)
        return
    t = context.translator(await user_language(update, context))
    if tap.arg == "cancel":
        await answer_and_edit(update, Screen(t("delete-cancelled")))
        return
    key = int(tap.arg.partition("-")[2])
    if not await context.services.progress.delete(query.from_user.id, key):
        await answer_tap(update, t("tap-stale"))  # already deleted, or asked for an earlier account
        return
    await answer_and_edit(update, Screen(t("delete-done")))


async def _not_ready(update: Update, context: CoachContext) -> None:
    t = context.translator(await user_language(update, context))
    await send(update, [Screen(t("progress-not-ready"))])
