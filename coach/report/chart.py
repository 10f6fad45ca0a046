"""The /progress chart: each habit's plan as a calendar grid, and how the user feels week by
week, drawn for a phone (portrait, large type) in the user's language.

Only matplotlib's object API is used (Figure + FigureCanvasAgg, no pyplot): the chart is drawn
in a worker process, and pyplot keeps global state. No rcParams are read for fonts either:
every text gets NanumGothic explicitly, so Hangul never comes out as empty boxes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from babel.dates import get_day_names
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from PIL import Image

from coach.domain.habits import SYMPTOMS, Symptom
from coach.domain.scoring import DAYS_PER_WEEK, Day, shown_days
from coach.i18n import Translator
from coach.report.fonts import font
from coach.report.text import INK, MUTED, phase_name, plain, wrap
from coach.services.progress import HabitProgress, ProgressView

WIDTH_PX, HEIGHT_PX = 1080, 1600
# 6 x 8.9 inches, so 432 x 640 points: about a phone screen in CSS pixels. 14 pt text then
# reads like a phone's body text when Telegram shows the picture full width.
DPI = 180
WIDTH, HEIGHT = WIDTH_PX * 72 / DPI, HEIGHT_PX * 72 / DPI  # points
MARGIN = 14.0

TITLE_SIZE = 19
HEADING_SIZE = 16
LABEL_SIZE = 14

# Okabe-Ito colours, safe for colour-blind readers; missed days also carry an x and today
# an outline, so nothing depends on colour alone.
DONE = "#0072B2"
SKIPPED = "#E69F00"
MISSED = "#D4D4D4"
MISSED_MARK = "#4D4D4D"
OPEN = "#FFFFFF"
AHEAD = "#F7F7F7"
AHEAD_EDGE = "#C4C4C4"
OFF = "#FFFFFF"  # before the habit was switched on: white, hatched in OFF_HATCH
OFF_HATCH = "#B0B0B0"
MET = "#D7E9F5"  # a week's goal met: its days without a serving are a pale DONE, no x
TODAY_EDGE = "#000000"

GRID_ORDER = (Day.DONE, Day.SKIPPED, Day.MISSED, Day.OPEN, Day.AHEAD, Day.OFF, Day.MET)
DAY_CODE = {day: code for code, day in enumerate(GRID_ORDER)}
DAY_COLOURS = ListedColormap([DONE, SKIPPED, MISSED, OPEN, AHEAD, OFF, MET], name="gut-coach-days")

SYMPTOM_STYLE: dict[Symptom, tuple[str, str]] = {
    Symptom.ENERGY: ("#D55E00", "o"),
    Symptom.CLARITY: ("#56B4E9", "s"),
    Symptom.DIGESTION: ("#009E73", "^"),
    Symptom.MOOD: ("#CC79A7", "D"),
    Symptom.NAILS: ("#000000", "v"),
}
# Scores are whole numbers, so lines at the same score would hide each other: each symptom
# is drawn a little above or below its true value.
DODGE = 0.07


def render_chart(view: ProgressView, t: Translator) -> bytes:
    """The progress chart as a PNG, 1080 x 1600 pixels, in the translator's language."""
    canvas = chart_figure(view, t).canvas
    canvas.draw()
    # savefig(format="png") would write RGBA at zlib's default level. The background is
    # opaque and Telegram recompresses photos anyway, so RGB at the fastest level: half the
    # encoding time for about the same size.
    pixels = np.asarray(canvas.buffer_rgba())[..., :3]  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def chart_figure(view: ProgressView, t: Translator) -> Figure:
    """The progress chart as a matplotlib Figure with an Agg canvas (render_chart saves it)."""
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    page = _Page(figure)
    top = page.text(MARGIN, _title(view, t), font(TITLE_SIZE, bold=True))
    top = _draw_habits(page, view, t, top + 12)
    _draw_symptoms(page, view, t, top + 22)
    return figure


@dataclass
class _Page:
    """Places things by points from the top-left corner: the layout is fixed, so this is
    quicker and steadier than a layout engine."""

    figure: Figure

    def x(self, left: float) -> float:
        return left / WIDTH

    def y(self, top: float) -> float:
        return 1 - top / HEIGHT

    def axes(self, left: float, top: float, width: float, height: float) -> Axes:
        return self.figure.add_axes(
            (left / WIDTH, 1 - (top + height) / HEIGHT, width / WIDTH, height / HEIGHT)
        )

    def text(
        self,
        top: float,
        text: str,
        prop: FontProperties,
        *,
        width: float = WIDTH - 2 * MARGIN,
        centre: float = WIDTH / 2,
        colour: str = INK,
    ) -> float:
        """Centred text, wrapped to `width`; returns where the next thing may start."""
        lines = wrap(text, prop, width)
        self.figure.text(
            self.x(centre),
            self.y(top),
            "\n".join(lines),
            ha="center",
            va="top",
            multialignment="center",
            fontproperties=prop,
            color=colour,
            linespacing=1.25,
        )
        return top + len(lines) * prop.get_size_in_points() * 1.25

    def legend(
        self, handles: list, labels: list[str], columns: Sequence[int], edge: float, *, up: bool
    ) -> float:
        """A legend centred across the page, hanging from `edge` (or standing on it when
        `up`), in the first of `columns` that fits the width; returns its height."""
        renderer = self.figure.canvas.get_renderer()  # type: ignore[attr-defined]
        options = sorted({min(c, len(labels)) for c in columns}, reverse=True)
        for ncols in options:
            legend = self.figure.legend(
                handles,
                labels,
                loc="lower center" if up else "upper center",
                bbox_to_anchor=(0.5, self.y(edge)),
                ncols=ncols,
                frameon=False,
                prop=font(LABEL_SIZE),
                handlelength=1.3,
                handleheight=1.1,
                handletextpad=0.5,
                columnspacing=1.2,
                borderaxespad=0,
                borderpad=0,
                labelcolor=INK,
            )
            box = legend.get_window_extent(renderer)
            if box.width <= (WIDTH - 2 * MARGIN) * DPI / 72 or ncols == options[-1]:
                break
            legend.remove()
        return box.height * 72 / DPI


def _title(view: ProgressView, t: Translator) -> str:
    if view.over:
        return plain(t, "chart-title-over", weeks=view.weeks)
    return plain(t, "chart-title", week=view.week, weeks=view.weeks, phase=phase_name(view, t))


# -- the habit calendars ---------------------------------------------------------------------

GRID_HEIGHT = 210.0  # points the week rows may take, whatever the plan's length
WEEK_LABELS = 26.0  # points left of the first grid for week numbers
GRID_GAP = 16.0


def _plan_weeks(view: ProgressView) -> int:
    longest = max((len(habit.days) for habit in view.habits), default=0)
    return max(view.weeks, math.ceil(longest / DAYS_PER_WEEK), 1)


def _draw_habits(page: _Page, view: ProgressView, t: Translator, top: float) -> float:
    """One grid per habit, side by side: a row per plan week, a column per day of it. All
    grids share one Axes (each a few cells to the right of the last): Axes are costly."""
    if not view.habits:
        note = page.text(top + 30, plain(t, "chart-no-habits"), font(LABEL_SIZE), colour=MUTED)
        return note + 30
    weeks = _plan_weeks(view)
    count = len(view.habits)
    usable = WIDTH - 2 * MARGIN - WEEK_LABELS - GRID_GAP * (count - 1)
    cell = min(usable / count / DAYS_PER_WEEK, GRID_HEIGHT / weeks, 24.0)
    grid_width, grid_height = cell * DAYS_PER_WEEK, cell * weeks
    stride = DAYS_PER_WEEK + GRID_GAP / cell  # cells from one grid's left edge to the next
    span = count * grid_width + (count - 1) * GRID_GAP
    left = (WIDTH - WEEK_LABELS - span) / 2 + WEEK_LABELS

    heading = font(LABEL_SIZE + 1, bold=True)
    names = [
        wrap(plain(t, f"habit-{habit.habit}"), heading, grid_width + GRID_GAP - 4)
        for habit in view.habits
    ]
    heading_height = max(len(lines) for lines in names) * heading.get_size_in_points() * 1.2
    letters_top = top + heading_height + 4
    grid_top = letters_top + LABEL_SIZE + 6
    axes = page.axes(left, grid_top, span, grid_height)
    today = (view.today - view.started_on).days
    letters = _weekday_letters(view, t)
    letter_font = font(LABEL_SIZE - 1)
    for index, (habit, lines) in enumerate(zip(view.habits, names, strict=True)):
        x0 = index * stride
        axes.text(
            x0 + DAYS_PER_WEEK / 2,
            -(grid_top - letters_top) / cell,
            "\n".join(lines),
            ha="center",
            va="bottom",
            multialignment="center",
            fontproperties=heading,
            color=INK,
            linespacing=1.2,
            clip_on=False,
        )
        for column, letter in enumerate(letters):
            axes.text(
                x0 + column + 0.5,
                -3 / cell,
                letter,
                ha="center",
                va="bottom",
                fontproperties=letter_font,
                color=MUTED,
                clip_on=False,
            )
        _draw_grid(axes, x0, habit, weeks, today, cell)
    _week_numbers(axes, view, weeks)
    axes.set_xlim(0, count * stride - GRID_GAP / cell)
    axes.set_ylim(weeks, 0)  # week 1 at the top, like a calendar
    axes.set_axis_off()
    shows_today = 0 <= today < weeks * DAYS_PER_WEEK
    shows_off = any(Day.OFF in habit.days for habit in view.habits)
    shows_met = any(Day.MET in shown_days(h.days, h.targets) for h in view.habits)
    legend_top = grid_top + grid_height + 12
    entries = _day_legend(t, shows_today, shows_off, shows_met)
    return legend_top + page.legend(*entries, (6, 3, 2), legend_top, up=False)


def _weekday_letters(view: ProgressView, t: Translator) -> list[str]:
    """The plan week's days as one-letter weekday names, from the plan's first weekday."""
    names = get_day_names("narrow", locale=t.language)
    first = view.started_on.weekday()
    return [names[(first + column) % DAYS_PER_WEEK] for column in range(DAYS_PER_WEEK)]


def _draw_grid(
    axes: Axes, x0: float, habit: HabitProgress, weeks: int, today: int, cell: float
) -> None:
    """A habit's days as coloured cells from x0: one QuadMesh and a few collections, rather
    than a patch per day."""
    codes = np.full(weeks * DAYS_PER_WEEK, DAY_CODE[Day.AHEAD], dtype=np.int8)
    days = shown_days(habit.days, habit.targets)
    codes[: len(days)] = [DAY_CODE[day] for day in days[: len(codes)]]
    grid = codes.reshape(weeks, DAYS_PER_WEEK)
    gap = max(cell * 0.1, 1.2)  # points of white between cells
    axes.pcolormesh(
        np.arange(DAYS_PER_WEEK + 1) + x0,
        np.arange(weeks + 1),
        grid,
        cmap=DAY_COLOURS,
        vmin=-0.5,
        vmax=len(GRID_ORDER) - 0.5,
        edgecolors="white",
        linewidth=gap,
    )
    rows, columns = np.nonzero(grid == DAY_CODE[Day.MISSED])
    if rows.size:
        axes.plot(
            x0 + columns + 0.5,
            rows + 0.5,
            linestyle="none",
            marker="x",
            markersize=cell * 0.42,
            markeredgewidth=max(cell * 0.08, 1.2),
            color=MISSED_MARK,
        )
    inset = gap / cell / 2 + 0.02  # inside the white gap, so borders never touch
    corners = np.array([(0, 0), (1, 0), (1, 1), (0, 1)]) * (1 - 2 * inset) + inset
    for state, style in (
        (Day.AHEAD, {"facecolors": AHEAD, "edgecolors": AHEAD_EDGE}),
        (Day.OFF, {"facecolors": OFF, "edgecolors": OFF_HATCH, "hatch": "////"}),
    ):
        rows, columns = np.nonzero(grid == DAY_CODE[state])
        if rows.size:
            cells = np.stack([x0 + columns, rows], axis=1)[:, None, :] + corners[None, :, :]
            axes.add_collection(PolyCollection(cells, linewidths=0.8, **style), autolim=False)
    if 0 <= today < weeks * DAYS_PER_WEEK:
        row, column = divmod(today, DAYS_PER_WEEK)
        axes.add_patch(
            Rectangle(
                (x0 + column + 0.04, row + 0.04),
                0.92,
                0.92,
                facecolor="none",
                edgecolor=TODAY_EDGE,
                linewidth=max(cell * 0.13, 2.0),
                zorder=3,
            )
        )


def _week_numbers(axes: Axes, view: ProgressView, weeks: int) -> None:
    """Plan week numbers left of the first grid; today's week in bold."""
    step = 1 if weeks <= 16 else math.ceil(weeks / 12)
    for row in range(0, weeks, step):
        current = row + 1 == view.week and not view.over
        axes.text(
            -0.25,
            row + 0.5,
            str(row + 1),
            ha="right",
            va="center",
            fontproperties=font(LABEL_SIZE - 1, bold=current),
            color=INK if current else MUTED,
            clip_on=False,
        )


def _day_legend(
    t: Translator, shows_today: bool, shows_off: bool, shows_met: bool
) -> tuple[list, list[str]]:
    square = {"linewidth": 0.8}
    entries: list = [
        Patch(facecolor=DONE, edgecolor=DONE, **square),
        Patch(facecolor=SKIPPED, edgecolor=SKIPPED, **square),
        (
            Patch(facecolor=MISSED, edgecolor=MISSED, **square),
            Line2D([], [], linestyle="none", marker="x", color=MISSED_MARK, markersize=7),
        ),
        Patch(facecolor=OPEN, edgecolor=TODAY_EDGE, linewidth=2.0),
        Patch(facecolor=AHEAD, edgecolor=AHEAD_EDGE, **square),
    ]
    keys = ["chart-done", "chart-skipped", "chart-missed", "chart-today", "chart-ahead"]
    if shows_off:  # a habit switched on after the plan began
        entries.append(Patch(facecolor=OFF, edgecolor=OFF_HATCH, hatch="////", **square))
        keys.append("chart-off")
    if shows_met:  # a weekly goal met: its other days are not misses
        entries.append(Patch(facecolor=MET, edgecolor=MET, **square))
        keys.append("chart-met")
    if not shows_today:  # the plan is over: no cell is outlined
        del entries[3], keys[3]
    return entries, [plain(t, key) for key in keys]


# -- the symptom lines -----------------------------------------------------------------------


def _draw_symptoms(page: _Page, view: ProgressView, t: Translator, top: float) -> None:
    """Each symptom's weekly score as a line from week 0 (the baseline), the baseline dashed."""
    top = page.text(top, plain(t, "chart-symptoms-title"), font(HEADING_SIZE, bold=True))
    baseline = view.baseline()
    series = _symptom_series(view)
    last_week = max([view.weeks, *(week for week, _ in view.symptoms)])

    handles: list = []
    labels: list[str] = []
    for symptom in SYMPTOMS:
        if symptom in series:
            colour, marker = SYMPTOM_STYLE[symptom]
            handles.append(Line2D([], [], color=colour, marker=marker, linewidth=2.2, markersize=8))
            labels.append(plain(t, f"symptom-{symptom}"))
    if baseline:
        handles.append(Line2D([], [], color=MUTED, linestyle=(0, (4, 2.5)), linewidth=1.6))
        labels.append(plain(t, "chart-baseline"))

    # The legend stands on the bottom margin; the axes take the height left above it.
    legend_height = (
        page.legend(handles, labels, (3, 2, 1), HEIGHT - MARGIN, up=True) if handles else 0
    )
    axes_bottom = HEIGHT - MARGIN - legend_height - 12 - LABEL_SIZE * 2.9  # ticks and label
    left = MARGIN + 22
    axes = page.axes(left, top + 8, WIDTH - left - MARGIN, axes_bottom - top - 8)

    for position, symptom in enumerate(SYMPTOMS):
        colour, marker = SYMPTOM_STYLE[symptom]
        offset = (position - (len(SYMPTOMS) - 1) / 2) * DODGE
        if symptom in baseline:
            axes.axhline(
                baseline[symptom] + offset,
                color=colour,
                linestyle=(0, (4, 2.5)),
                linewidth=1.4,
                alpha=0.85,
                zorder=1,
            )
        if symptom in series:
            weeks, scores = zip(*series[symptom], strict=True)
            axes.plot(
                weeks,
                np.array(scores) + offset,
                color=colour,
                marker=marker,
                linewidth=2.2,
                markersize=7,
                markeredgecolor="white",
                markeredgewidth=0.8,
                zorder=2,
                clip_on=False,
            )

    rated_weekly = any(week > 0 and scores for week, scores in view.symptoms)
    if not series:
        _axes_note(axes, plain(t, "chart-no-ratings"))
    elif not rated_weekly:
        _axes_note(axes, plain(t, "chart-no-checkins"))

    tick_font = font(LABEL_SIZE)
    step = 1 if last_week <= 14 else math.ceil(last_week / 12)
    ticks = list(range(0, last_week + 1, step))
    axes.set_xticks(ticks, [str(week) for week in ticks], fontproperties=tick_font, color=INK)
    axes.set_yticks(
        range(1, 6), [str(score) for score in range(1, 6)], fontproperties=font(LABEL_SIZE)
    )
    axes.set_xlim(-0.5, last_week + 0.5)
    axes.set_ylim(0.6, 5.4)
    axes.set_xlabel(plain(t, "chart-symptoms-axis"), fontproperties=font(LABEL_SIZE), color=INK)
    axes.tick_params(length=0, pad=6)
    axes.grid(axis="y", color="#E4E4E4", linewidth=1)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color("#9A9A9A")


def _symptom_series(view: ProgressView) -> dict[Symptom, list[tuple[int, int]]]:
    """Each symptom's (week, score) points in week order, the baseline as week 0."""
    series: dict[Symptom, list[tuple[int, int]]] = {}
    for week, scores in sorted(view.symptoms, key=lambda rated: rated[0]):
        for symptom, score in scores:
            series.setdefault(symptom, []).append((week, score))
    return series


def _axes_note(axes: Axes, text: str) -> None:
    prop = font(LABEL_SIZE)
    box = axes.get_position()
    width = box.width * WIDTH * 0.8
    axes.text(
        0.5,
        0.5,
        "\n".join(wrap(text, prop, width)),
        transform=axes.transAxes,
        ha="center",
        va="center",
        multialignment="center",
        fontproperties=prop,
        color=MUTED,
        bbox={"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": "#DDDDDD"},
        zorder=5,
    )


__all__ = ["chart_figure", "render_chart"]
