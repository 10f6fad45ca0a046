"""/progress with its chart, /export of the user's own data, and /delete of all of it."""

from __future__ import annotations

from telegram import InputFile, Update

from coach.bot.callbacks import DeleteTap
from coach.bot.context import CoachContext
from coach.bot.drawing import draw
from coach.bot.handlers.common import answer_and_edit, answer_tap, send, user_language
from coach.bot.screens.progress import delete_screen, progress_screen
from coach.report.csv_export import render_csv
from coach.report.drawings import chart_png, report_pdf


async def progress_command(update: Update, context: CoachContext) -> None:
    """/progress: the summary at once, then the chart when it is drawn (off the update
    path; a second /progress meanwhile gets a short note instead of a second chart)."""
    view = await context.services.progress.progress(update.effective_user.id, context.now())
    if view is None:
        await _not_ready(update, context)
        return
    t = context.translator(view.language)
    await send(update, [progress_screen(t, view)])
    chat = update.effective_chat

    async def chart() -> None:
        png = await draw(chart_png, view, t)
        await chat.send_photo(
            InputFile(png, filename="progress.png"), caption=t("progress-chart-caption")
        )

    if not context.runtime.drawings.start(chat.id, chart(), _report(update, context)):
        await send(update, [t("drawing-busy")])


async def export_command(update: Update, context: CoachContext) -> None:
    """/export: a CSV of everything kept about the user, and a PDF report once the plan runs
    (drawn off the update path, one at a time per user)."""
    data = await context.services.progress.export(update.effective_user.id, context.now())
    if data is None:
        t = context.translator(await user_language(update, context))
        await send(update, [t("export-nothing")])
        return
    language = data.progress.language if data.progress else await user_language(update, context)
    t = context.translator(language)
    chat = update.effective_chat

    async def export() -> None:
        intro = "export-intro" if data.progress is not None else "export-intro-csv"
        await send(update, [t(intro)])
        await chat.send_document(
            InputFile(render_csv(data), filename="gut-coach-data.csv"),
            caption=t("export-csv-caption"),
        )
        if data.progress is not None:
            pdf = await draw(report_pdf, data.progress, t)
            await chat.send_document(
                InputFile(pdf, filename="gut-coach-report.pdf"), caption=t("export-pdf-caption")
            )

    if not context.runtime.drawings.start(chat.id, export(), _report(update, context)):
        await send(update, [t("drawing-busy")])


def _report(update: Update, context: CoachContext):  # type: ignore[no-untyped-def]
    """A drawing that failed goes to the error handler, like any handler's error."""

    async def report(error: Exception) -> None:
        await context.application.process_error(update, error)

    return report


async def delete_command(update: Update, context: CoachContext) -> None:
    """/delete: asks for a confirming tap first."""
    t = context.translator(await user_language(update, context))
    key = await context.services.progress.deletion_key(update.effective_user.id)
    if key is None:
        await send(update, [t("delete-nothing")])
        return
    await send(update, [delete_screen(t, key)])


async def on_delete_tap(update: Update, context: CoachContext, tap: DeleteTap) -> None:
    """The answer to /delete: erase every row about the user, or leave everything be."""
    query = update.callback_query
    t = context.translator(await user_language(update, context))
    if tap.key is None:
        await answer_and_edit(update, t("delete-cancelled"))
        return
    if not await context.services.progress.delete(query.from_user.id, tap.key):
        await answer_tap(update, t("tap-stale"))  # already deleted, or asked for an earlier account
        return
    await answer_and_edit(update, t("delete-done"))


async def _not_ready(update: Update, context: CoachContext) -> None:
    t = context.translator(await user_language(update, context))
    await send(update, [t("progress-not-ready")])
