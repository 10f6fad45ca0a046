"""The /export PDF: a progress report a user can show their clinician, in their language.

A4 portrait pages drawn with matplotlib's PDF backend, Figure objects only (no pyplot). The
font is embedded as TrueType (Type 42), so Korean is real, searchable text in the PDF.
"""

from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.table import Table
from PIL import Image

from coach.domain.habits import SYMPTOMS
from coach.domain.scoring import DAYS_PER_WEEK, Day, asked
from coach.i18n import Translator
from coach.report.fonts import font
from coach.report.text import INK, MUTED, phase_name, plain, strip_tags, text_width, wrap
from coach.services.progress import HabitProgress, ProgressView

A4 = (8.27, 11.69)  # inches
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 0.75, 0.8, 0.8
CONTENT = A4[0] - 2 * MARGIN_X
RULE = "#B8B8B8"
HEADER_FILL = "#EEF3F8"
DASH = "–"  # nothing to show: a week not yet begun, a rating not given

TITLE_SIZE = 20
META_SIZE = 11
HEADING_SIZE = 13
TABLE_SIZE = 9.5
NOTE_SIZE = 8.5
ROW = 0.27  # inches per table row
NUMBER_COLUMN = 80.0  # points: wider columns of numbers only spread the eye

# rcParams are global: the font type is set only around saving, one PDF at a time.
_save_lock = threading.Lock()


class _QuietVttTables(logging.Filter):
    """fontTools warns, on every PDF, that it drops NanumGothic's Visual TrueType source
    tables (TSI0..TSI5) while subsetting: hinting sources only a font designer needs."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("TSI") and "NOT subset" in message)


_QUIET_VTT = _QuietVttTables()


def render_pdf(view: ProgressView, t: Translator, chart_png: bytes) -> bytes:
    """The progress report as PDF bytes: the chart, the numbers behind it, the health note."""
    pages = [_cover(view, t, chart_png), *_details(view, t)]
    for number, page in enumerate(pages, start=1):
        page.text(
            0.5,
            MARGIN_BOTTOM / 2 / A4[1],
            plain(t, "pdf-page", page=number, pages=len(pages)),
            ha="center",
            va="center",
            fontproperties=font(NOTE_SIZE),
            color=MUTED,
        )
    logging.getLogger("fontTools.subset").addFilter(_QUIET_VTT)  # a no-op once added
    buffer = io.BytesIO()
    metadata = {"Title": plain(t, "pdf-title"), "Creator": "Gut Coach"}
    with (
        _save_lock,
        matplotlib.rc_context({"pdf.fonttype": 42}),
        PdfPages(buffer, metadata=metadata) as pdf,
    ):
        for page in pages:
            pdf.savefig(page)
    return buffer.getvalue()


@dataclass
class _Sheet:
    """Places blocks down A4 pages, top to bottom, starting a new page when one is full."""

    pages: list[Figure] = field(default_factory=list)
    cursor: float = 0.0  # inches from the top of the current page

    def __post_init__(self) -> None:
        self.new_page()

    @property
    def page(self) -> Figure:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(Figure(figsize=A4, facecolor="white"))
        self.cursor = MARGIN_TOP

    def room(self, height: float) -> None:
        """Make sure `height` inches fit below the cursor (a new page if not)."""
        if self.cursor + height > A4[1] - MARGIN_BOTTOM and self.cursor > MARGIN_TOP:
            self.new_page()

    def axes(self, height: float, left: float = MARGIN_X, width: float = CONTENT) -> Axes:
        """An Axes `height` inches tall at the cursor; the cursor moves below it."""
        self.room(height)
        axes = self.page.add_axes(
            (
                left / A4[0],
                1 - (self.cursor + height) / A4[1],
                width / A4[0],
                height / A4[1],
            )
        )
        self.cursor += height
        return axes

    def lines(
        self,
        text: str,
        prop: FontProperties,
        *,
        colour: str = INK,
        align: str = "left",
        after: float = 0.0,
    ) -> None:
        """Text wrapped to the content width, one line after another, then `after` inches."""
        size = prop.get_size_in_points() / 72
        for line in wrap(text, prop, CONTENT * 72):
            self.room(size * 1.45)
            x = MARGIN_X if align == "left" else A4[0] / 2
            self.page.text(
                x / A4[0],
                1 - self.cursor / A4[1],
                line,
                ha=align,
                va="top",
                fontproperties=prop,
                color=colour,
            )
            self.cursor += size * 1.45
        self.cursor += after

    def heading(self, text: str) -> None:
        # a heading never ends a page: keep room for it and the start of what follows
        self.room(HEADING_SIZE / 72 * 1.6 + 3 * ROW)
        self.lines(text, font(HEADING_SIZE, bold=True), after=0.06)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A table as wide as the page: the first column holds names, the rest numbers."""
        cells = [list(header), *(list(row) for row in rows)]
        widths = _column_widths(cells)
        total = sum(widths)
        axes = self.axes(ROW * len(cells), width=total / 72)
        axes.set_axis_off()
        table = Table(axes, bbox=(0, 0, 1, 1))
        height = 1 / len(cells)
        for r, row in enumerate(cells):
            for c, text in enumerate(row):
                cell = table.add_cell(
                    r,
                    c,
                    widths[c] / total,
                    height,
                    text=text,
                    loc="left" if c == 0 else "center",
                    facecolor=HEADER_FILL if r == 0 else "white",
                    edgecolor=RULE,
                )
                cell.set_linewidth(0.6)
                cell.get_text().set_fontproperties(font(TABLE_SIZE, bold=r == 0 or c == 0))
                cell.get_text().set_color(INK)
        table.auto_set_font_size(False)
        axes.add_table(table)
        self.cursor += 0.1


def _column_widths(cells: list[list[str]]) -> list[float]:
    """Each column's width in points: its widest text, padded; the number columns share
    what room is left, up to a comfortable width, and everything squeezes when too wide."""
    regular, bold = font(TABLE_SIZE), font(TABLE_SIZE, bold=True)
    widths = [
        max(
            text_width(row[c], bold if r == 0 or c == 0 else regular) for r, row in enumerate(cells)
        )
        + 14
        for c in range(len(cells[0]))
    ]
    page = CONTENT * 72
    if len(widths) > 1:
        spare = max(page - sum(widths), 0) / (len(widths) - 1)
        widths[1:] = [max(w, min(w + spare, NUMBER_COLUMN)) for w in widths[1:]]
    scale = min(1.0, page / sum(widths))
    return [w * scale for w in widths]


# -- page 1: who, when, the chart ------------------------------------------------------------


def _cover(view: ProgressView, t: Translator, chart_png: bytes) -> Figure:
    sheet = _Sheet()
    sheet.lines(plain(t, "pdf-title"), font(TITLE_SIZE, bold=True), align="center", after=0.12)
    week = (
        plain(t, "pdf-over", weeks=view.weeks)
        if view.over
        else plain(t, "pdf-week", week=view.week, weeks=view.weeks)
    )
    meta = font(META_SIZE)
    sheet.lines(
        f"{plain(t, 'pdf-started', date=t.date(view.started_on))}   ·   {week}",
        meta,
        align="center",
    )
    sheet.lines(
        f"{plain(t, 'pdf-phase', phase=phase_name(view, t))}   ·   "
        f"{plain(t, 'pdf-as-of', date=t.date(view.today))}",
        meta,
        align="center",
        after=0.2,
    )
    pixels = np.asarray(Image.open(io.BytesIO(chart_png)).convert("RGB"))
    height = A4[1] - MARGIN_BOTTOM - sheet.cursor
    width = min(CONTENT, height * pixels.shape[1] / pixels.shape[0])
    height = width * pixels.shape[0] / pixels.shape[1]
    axes = sheet.axes(height, left=(A4[0] - width) / 2, width=width)
    # "none": the PNG goes into the PDF pixel for pixel, not resampled to the figure's dpi
    axes.imshow(pixels, interpolation="none")
    axes.set_axis_off()
    return sheet.page


# -- page 2 on: the numbers, then the health note --------------------------------------------


def _details(view: ProgressView, t: Translator) -> list[Figure]:
    sheet = _Sheet()
    sheet.heading(plain(t, "pdf-habits-title"))
    if view.habits:
        weeks = max(view.weeks, *(len(h.targets) for h in view.habits))
        sheet.table(
            [
                plain(t, "pdf-habit"),
                *(plain(t, "pdf-week-short", week=w) for w in range(1, weeks + 1)),
            ],
            [
                [plain(t, f"habit-{habit.habit}"), *_weekly_cells(habit, weeks)]
                for habit in view.habits
            ],
        )
        sheet.lines(plain(t, "pdf-habits-note"), font(NOTE_SIZE), colour=MUTED, after=0.25)

        sheet.heading(plain(t, "pdf-scores-title"))
        sheet.table(
            [
                plain(t, key)
                for key in (
                    "pdf-habit",
                    "pdf-overall",
                    "pdf-this-week",
                    "pdf-streak",
                    "pdf-best-streak",
                    "pdf-strength",
                )
            ],
            [_score_cells(habit, t) for habit in view.habits],
        )
        sheet.lines(plain(t, "pdf-scores-note"), font(NOTE_SIZE), colour=MUTED, after=0.25)
    else:
        sheet.lines(plain(t, "pdf-no-habits"), font(TABLE_SIZE), after=0.25)

    sheet.heading(plain(t, "pdf-symptoms-title"))
    rated = sorted(
        {week: dict(scores) for week, scores in view.symptoms if scores}.items(),
        key=lambda item: item[0],
    )
    if rated:
        header = [plain(t, "pdf-symptom")] + [
            plain(t, "pdf-baseline") if week == 0 else plain(t, "pdf-week-short", week=week)
            for week, _ in rated
        ]
        rows = [
            [plain(t, f"symptom-{symptom}")]
            + [str(scores[symptom]) if symptom in scores else DASH for _, scores in rated]
            for symptom in SYMPTOMS
            if any(symptom in scores for _, scores in rated)
        ]
        sheet.table(header, rows)
        sheet.cursor += 0.25
    else:
        sheet.lines(plain(t, "pdf-no-ratings"), font(TABLE_SIZE), after=0.25)

    _disclaimer(sheet, t)
    return sheet.pages


def _weekly_cells(habit: HabitProgress, weeks: int) -> list[str]:
    """`done/target` per plan week; `*` marks the week under way, a dash one not begun."""
    cells = []
    for index in range(weeks):
        days = habit.days[index * DAYS_PER_WEEK : (index + 1) * DAYS_PER_WEEK]
        target = habit.targets[index] if index < len(habit.targets) else DAYS_PER_WEEK
        target = asked(days, target)  # a week the habit was partly off asks for less
        if not days or all(day in (Day.AHEAD, Day.OFF) for day in days):
            cells.append(DASH)
            continue
        done = sum(day is Day.DONE for day in days)
        under_way = any(day in (Day.OPEN, Day.AHEAD) for day in days)
        cells.append(f"{done}/{target}{'*' if under_way else ''}")
    return cells


def _score_cells(habit: HabitProgress, t: Translator) -> list[str]:
    score = habit.score
    unit = "pdf-weeks" if score.weekly else "pdf-days"
    return [
        plain(t, f"habit-{habit.habit}"),
        _percent(score.overall_adherence, t),
        _percent(score.week_adherence, t),
        plain(t, unit, count=score.streak),
        plain(t, unit, count=score.best_streak),
        plain(t, "pdf-percent", value=score.strength),
    ]


def _percent(share: float | None, t: Translator) -> str:
    return DASH if share is None else plain(t, "pdf-percent", value=round(share * 100))


def _disclaimer(sheet: _Sheet, t: Translator) -> None:
    """The health note, as the bot shows it: a bold title line, then the text."""
    sheet.room(1.2)
    sheet.cursor += 0.1
    for line in t.plain("disclaimer").splitlines():
        if not line.strip():
            sheet.cursor += NOTE_SIZE / 72
            continue
        bold = re.fullmatch(r"\s*<b>.*</b>\s*", line) is not None
        text = strip_tags(line)
        sheet.lines(text, font(TABLE_SIZE + (1 if bold else 0), bold=bold), after=0.03)


__all__ = ["render_pdf"]
