"""The /progress chart: a readable portrait PNG, in the user's language, Hangul and all."""

from __future__ import annotations

import ast
import asyncio
import io
import re
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

from coach.domain.habits import HABITS, SYMPTOMS, Habit
from coach.domain.scoring import Day, score_habit, shown_days
from coach.i18n import Catalog, Translator
from coach.paths import PROJECT_ROOT
from coach.report import chart, fonts
from coach.report.chart import chart_figure, render_chart
from coach.services.progress import HabitProgress
from tests.support.views import (
    TARGETS,
    WEEKS,
    first_day_view,
    make_view,
    over_view,
    realistic_view,
)
from tests.test_messages import CATALOGS

CATALOG = Catalog()
EN, KO = CATALOG.translator("en"), CATALOG.translator("ko")


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _count(pixels: np.ndarray, colour: str) -> int:
    """How many pixels are exactly `colour` (#rrggbb)."""
    rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return int(np.all(pixels == rgb, axis=-1).sum())


def _texts(figure: Figure) -> list[Text]:
    return [text for text in figure.findobj(Text) if text.get_visible() and text.get_text()]


def _strings(figure: Figure) -> str:
    """All the chart's words, each text's line breaks as plain spaces."""
    return "\n".join(" ".join(text.get_text().split()) for text in _texts(figure))


def test_the_chart_is_a_portrait_png_sized_for_a_phone() -> None:
    png = render_chart(realistic_view(), EN)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    width, height = image.size
    assert 1000 <= width <= 1200
    assert 1450 <= height <= 1750
    assert height > width * 1.3


def test_the_chart_is_not_blank() -> None:
    pixels = _pixels(render_chart(realistic_view(), EN)).reshape(-1, 3)
    colours = Counter(map(tuple, pixels))
    assert len(colours) >= 200  # antialiased text and lines, five symptom colours, the grid
    _, commonest = colours.most_common(1)[0]
    assert commonest / len(pixels) < 0.85


def test_the_done_colour_grows_with_done_days() -> None:
    none = _count(_pixels(render_chart(make_view(done=0, skipped=0), EN)), chart.DONE)
    some = _count(_pixels(render_chart(make_view(done=0.5, skipped=0), EN)), chart.DONE)
    every = _count(_pixels(render_chart(make_view(done=1, skipped=0), EN)), chart.DONE)
    assert none < some < every
    assert every > 20 * none  # with no day done, only the legend's swatch is blue
    assert 0.3 < some / every < 0.7


def test_missed_days_carry_a_mark_not_only_a_colour() -> None:
    missed = _pixels(render_chart(make_view(done=0, skipped=0), EN))
    done = _pixels(render_chart(make_view(done=1, skipped=0), EN))
    assert _count(missed, chart.MISSED_MARK) > 20 * max(_count(done, chart.MISSED_MARK), 1)


def test_days_before_a_habit_was_switched_on_are_hatched_and_named() -> None:
    late = chart_figure(make_view(day=40, switched_on=20), EN)
    assert EN.plain("chart-off") in _strings(late)
    on_time = chart_figure(make_view(day=40), EN)
    assert EN.plain("chart-off") not in _strings(on_time), "named only when shown"
    pixels = _pixels(render_chart(make_view(day=40, switched_on=20), EN))
    plain = _pixels(render_chart(make_view(day=40), EN))
    assert _count(pixels, chart.OFF_HATCH) > 20 * max(_count(plain, chart.OFF_HATCH), 1)


def _outlined_cells(figure: Figure) -> int:
    return sum(
        1
        for axes in figure.axes
        for patch in axes.patches
        if isinstance(patch, Rectangle) and patch.get_facecolor()[3] == 0
    )


def test_today_is_outlined_in_every_habit_and_named_in_the_legend() -> None:
    figure = chart_figure(first_day_view(), EN)
    assert _outlined_cells(figure) == len(HABITS)
    assert EN.plain("chart-today") in _strings(figure)
    over = chart_figure(over_view(), EN)
    assert _outlined_cells(over) == 0
    assert EN.plain("chart-today") not in _strings(over)


@pytest.mark.parametrize(
    ("name", "view", "expected"),
    [
        ("first day", first_day_view(), ["chart-no-checkins", "chart-today"]),
        ("plan over", over_view(), ["chart-title-over"]),
        ("no habits", make_view(habits=()), ["chart-no-habits"]),
        ("no ratings", make_view(day=1, baseline=False), ["chart-no-ratings"]),
        ("baseline only", make_view(day=40, rated_weeks=0), ["chart-no-checkins"]),
        ("no baseline", make_view(day=40, baseline=False), ["symptom-energy"]),
        ("one habit", make_view(day=20, habits=(Habit.FIBER,)), ["habit-fiber"]),
        ("switched on late", make_view(day=40, switched_on=20), ["chart-off"]),
    ],
)
@pytest.mark.parametrize("t", [EN, KO], ids=["en", "ko"])
def test_edge_cases_render_with_their_own_words(
    name: str, view: object, expected: list[str], t: Translator
) -> None:
    figure = chart_figure(view, t)  # type: ignore[arg-type]
    words = _strings(figure)
    for key in expected:
        assert t.plain(key, weeks=12) in words, f"{name}: {key}"
    image = Image.open(io.BytesIO(render_chart(view, t)))  # type: ignore[arg-type]
    assert image.size == (chart.WIDTH_PX, chart.HEIGHT_PX)


def test_no_baseline_draws_no_dashed_reference() -> None:
    with_baseline = _strings(chart_figure(make_view(day=40), EN))
    without = _strings(chart_figure(make_view(day=40, baseline=False), EN))
    assert EN.plain("chart-baseline") in with_baseline
    assert EN.plain("chart-baseline") not in without


def test_every_habit_and_symptom_is_named_in_the_users_language() -> None:
    view = realistic_view()
    for t in (EN, KO):
        words = _strings(chart_figure(view, t))
        for habit in HABITS:
            for part in t.plain(f"habit-{habit}").split():
                assert part in words
        for symptom in SYMPTOMS:
            assert t.plain(f"symptom-{symptom}") in words
        assert t.plain("chart-title", week=9, weeks=12, phase=t.plain("phase-sustain")) in words


def test_korean_and_english_charts_differ() -> None:
    view = realistic_view()
    english, korean = _pixels(render_chart(view, EN)), _pixels(render_chart(view, KO))
    assert english.shape == korean.shape
    changed = np.any(english != korean, axis=-1).mean()
    assert changed > 0.01  # the words differ; the grids and lines are the same


def test_the_chart_is_the_same_for_the_same_view() -> None:
    assert render_chart(realistic_view(), KO) == render_chart(realistic_view(), KO)


def test_nanum_is_the_font_matplotlib_resolves() -> None:
    fonts.register_fonts()
    regular = font_manager.findfont(FontProperties(family=fonts.FAMILY), fallback_to_default=False)
    bold = font_manager.findfont(fonts.font(bold=True), fallback_to_default=False)
    assert str(regular).endswith("NanumGothic.ttf")
    assert str(bold).endswith("NanumGothicBold.ttf")


@pytest.mark.parametrize("t", [EN, KO], ids=["en", "ko"])
def test_every_text_in_the_chart_is_set_in_nanum(t: Translator) -> None:
    figure = chart_figure(realistic_view(), t)
    texts = _texts(figure)
    assert len(texts) > 40
    for text in texts:
        found = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
        assert "NanumGothic" in str(found), f"{text.get_text()!r} is set in {found}"


def _korean_strings() -> set[str]:
    """Every catalog text the chart and PDF show in Korean."""
    keys = [key for key in _keys_in_report_code() if not key.startswith("pdf-page")]
    strings = {
        KO.plain(key, week=9, weeks=12, phase="", date="", count=3, value=50) for key in keys
    }
    strings |= {KO.plain(f"habit-{habit}") for habit in HABITS}
    strings |= {KO.plain(f"symptom-{symptom}") for symptom in SYMPTOMS}
    strings |= {KO.plain(f"phase-{phase}") for phase in ("start", "build", "sustain")}
    strings |= {KO.plain("disclaimer"), KO.plain("pdf-page", page=1, pages=2)}
    return strings


def test_nanum_has_a_glyph_for_every_character_we_show_in_korean() -> None:
    font = FT2Font(str(fonts.font_path()))
    characters = {c for text in _korean_strings() for c in text if not c.isspace()}
    assert any("\uac00" <= c <= "\ud7a3" for c in characters)
    missing = sorted(c for c in characters if font.get_char_index(ord(c)) == 0)
    assert not missing, f"no glyph for {missing}"


def _rendered(text: str) -> np.ndarray:
    figure = Figure(figsize=(0.6, 0.6), dpi=100)
    FigureCanvasAgg(figure)
    figure.text(0.5, 0.5, text, ha="center", va="center", fontproperties=fonts.font(28))
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., 0].copy()  # type: ignore[attr-defined]


def test_hangul_renders_as_glyphs_not_boxes() -> None:
    # Tofu draws every missing character as the same box; real glyphs differ from each other.
    han, guk, kor = _rendered("한"), _rendered("국"), _rendered("어")
    assert (han < 128).sum() > 20  # ink on the page
    assert np.any(han != guk) and np.any(guk != kor) and np.any(han != kor)


def test_a_missing_font_fails_loudly(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setattr(fonts, "find_spec", lambda name: None)
    with pytest.raises(fonts.FontMissing, match="koreanize-matplotlib"):
        fonts.font_path()
    empty = SimpleNamespace(submodule_search_locations=[str(tmp_path)])
    monkeypatch.setattr(fonts, "find_spec", lambda name: empty)
    with pytest.raises(fonts.FontMissing, match=r"NanumGothic\.ttf"):
        fonts.font_path()


def test_rendering_leaves_matplotlib_global_state_alone() -> None:
    """Chart and PDF: no pyplot, no koreanize_matplotlib import, no rcParams change, no GUI
    backend chosen."""
    # Reading rcParams["backend"] would itself pick a backend (importing pyplot): skip it.
    # Choosing a backend imports pyplot, so "no pyplot" also means "no GUI backend".
    script = """
import sys
import matplotlib
def settings():
    return {key: matplotlib.rcParams[key] for key in matplotlib.rcParams if key != "backend"}
before = settings()
from coach.i18n import Catalog
from coach.report.chart import render_chart
from coach.report.pdf import render_pdf
from tests.support.views import realistic_view
t = Catalog().translator("ko")
render_pdf(realistic_view(), t, render_chart(realistic_view(), t))
changed = {key for key, value in settings().items() if before[key] != value}
assert not changed, changed
assert "matplotlib.pyplot" not in sys.modules, "pyplot was imported"
assert "koreanize_matplotlib" not in sys.modules, "koreanize_matplotlib was imported"
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


async def test_charts_drawn_in_worker_threads_match_sequential_ones() -> None:
    views = [realistic_view(), first_day_view(), over_view(), realistic_view()]
    translators = [EN, KO, KO, KO]
    expected = [render_chart(v, t) for v, t in zip(views, translators, strict=True)]
    drawn = await asyncio.gather(
        *(asyncio.to_thread(render_chart, v, t) for v, t in zip(views, translators, strict=True))
    )
    assert drawn == expected


def _keys_in_report_code() -> set[str]:
    """Catalog keys coach/report names: plain(t, "key"), t.plain("key") and key tables."""
    keys: set[str] = set()
    for path in (PROJECT_ROOT / "coach" / "report").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "plain":
                    keys |= {
                        arg.value
                        for arg in node.args[:2]
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                    }
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.fullmatch(r"(chart|pdf)-[a-z-]+", node.value)
            ):
                keys.add(node.value)
    return keys


def test_every_key_the_report_uses_exists_in_every_language() -> None:
    keys = _keys_in_report_code()
    assert {"chart-title", "chart-done", "pdf-title", "pdf-scores-note", "disclaimer"} <= keys
    for language, messages in CATALOGS.items():
        missing = keys - set(messages)
        assert not missing, f"{language} lacks {sorted(missing)}"


def _weekly_goal_view(met: bool):  # type: ignore[no-untyped-def]
    """Fermented foods alone, three weeks gone by: each week five servings, or one, and
    nothing logged on the other days."""
    done = 5 if met else 1
    week = [Day.DONE] * done + [Day.MISSED] * (7 - done)
    days = tuple(week * 3) + (Day.OPEN,) + (Day.AHEAD,) * (WEEKS * 7 - 22)
    targets = TARGETS[Habit.FERMENTED]
    view = make_view(day=22, habits=(Habit.FERMENTED,))
    habit = HabitProgress(Habit.FERMENTED, days, targets, score_habit(days, targets))
    return replace(view, habits=(habit,))


def test_a_weekly_goal_met_shows_its_other_days_as_met_not_missed() -> None:
    """Fermented foods ask for a few servings a week: in a week with the goal beaten, the
    days without a serving carry no x (issue 17: 12); in a week short of it they do."""
    met, short = _weekly_goal_view(met=True), _weekly_goal_view(met=False)
    assert shown_days(met.habits[0].days, met.habits[0].targets)[:7].count(Day.MET) == 2
    assert Day.MET not in shown_days(short.habits[0].days, short.habits[0].targets)
    met_pixels, short_pixels = _pixels(render_chart(met, EN)), _pixels(render_chart(short, EN))
    assert _count(short_pixels, chart.MISSED_MARK) > 10 * max(
        _count(met_pixels, chart.MISSED_MARK), 1
    )
    assert _count(met_pixels, chart.MET) > 20 * max(_count(short_pixels, chart.MET), 1)
    assert EN.plain("chart-met") in _strings(chart_figure(met, EN))
    assert EN.plain("chart-met") not in _strings(chart_figure(short, EN)), "named when shown"


def test_a_daily_habit_has_no_met_days() -> None:
    days = (Day.DONE, Day.MISSED) * 7
    assert shown_days(days, (7, 7)) == days


def test_a_habit_switched_on_mid_week_meets_its_share_of_the_goal() -> None:
    """Switched on on the week's fifth day, the week asks for its share of the goal, as the
    streak counts it: 5 servings become 3 (two are short), 3 become 2 (two meet it)."""
    week = [Day.OFF] * 4 + [Day.DONE] * 2 + [Day.MISSED]
    assert Day.MET not in shown_days(week, (5,)), "two of three: not met"
    met = [Day.OFF] * 4 + [Day.DONE] * 3
    assert shown_days([*met[:6], Day.MISSED], (3,)) == (*met[:4], Day.DONE, Day.DONE, Day.MET)
