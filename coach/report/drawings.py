"""What the drawing process runs (coach/bot/drawing.py): module-level functions, pickled by
reference, so the worker imports this small module and the report's own, never the bot's
(telegram, the services, the database)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.i18n import Translator
    from coach.services.progress import ProgressView


# matplotlib, numpy and Pillow cost a process about 50 MB: imported in the drawing process
# by the first chart, never in the bot's.
def chart_png(view: ProgressView, t: Translator) -> bytes:
    from coach.report.chart import render_chart

    return render_chart(view, t)


def report_pdf(view: ProgressView, t: Translator) -> bytes:
    from coach.report.chart import render_chart
    from coach.report.pdf import render_pdf

    return render_pdf(view, t, render_chart(view, t))
