"""The /export PDF: A4 pages a clinician can read, with real (searchable) text in English and
Korean, the numbers behind the chart, and the health note."""

from __future__ import annotations

import io
import re

import matplotlib
import pytest
from pypdf import PdfReader

from coach.domain.habits import HABITS, SYMPTOMS
from coach.domain.scoring import DAYS_PER_WEEK, Day
from coach.i18n import Catalog, Translator
from coach.report.chart import render_chart
from coach.report.pdf import render_pdf
from coach.report.text import strip_tags
from coach.services.progress import ProgressView
from tests.support.views import first_day_view, make_view, over_view, realistic_view

CATALOG = Catalog()
EN, KO = CATALOG.translator("en"), CATALOG.translator("ko")
A4_POINTS = (595, 842)


def _report(view: ProgressView, t: Translator) -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(view, t, render_chart(view, t))))


@pytest.fixture(scope="module")
def english() -> PdfReader:
    return _report(realistic_view(), EN)


@pytest.fixture(scope="module")
def korean() -> PdfReader:
    return _report(realistic_view(), KO)


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    """Text with every run of whitespace as one space (lines wrap where the layout says)."""
    return " ".join(text.split())


def test_the_report_is_a_few_a4_portrait_pages(english: PdfReader) -> None:
    assert len(english.pages) >= 2
    for page in english.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == A4_POINTS


def test_the_chart_is_embedded_at_full_resolution(english: PdfReader) -> None:
    images = english.pages[0].images
    assert len(images) == 1
    assert images[0].image.size == (1080, 1600)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_report_reads_in_the_users_language(
    language: str, english: PdfReader, korean: PdfReader
) -> None:
    t, reader = (EN, english) if language == "en" else (KO, korean)
    view = realistic_view()
    text = _flat(_text(reader))
    assert t.plain("pdf-title") in text
    assert t.plain("pdf-started", date=t.date(view.started_on)) in text
    assert t.plain("pdf-week", week=9, weeks=12) in text
    assert t.plain("pdf-phase", phase=t.plain("phase-sustain")) in text
    for habit in HABITS:
        assert t.plain(f"habit-{habit}") in text
    for symptom in SYMPTOMS:
        assert t.plain(f"symptom-{symptom}") in text
    disclaimer = _flat(strip_tags(t.plain("disclaimer")))
    assert disclaimer[:40] in text and disclaimer[-40:] in text
    assert "<b>" not in text
    assert t.plain("pdf-page", page=2, pages=len(reader.pages)) in text


def test_korean_is_real_text_in_an_embedded_truetype_nanum_font(korean: PdfReader) -> None:
    fonts = set()
    for page in korean.pages:
        for resource in page["/Resources"]["/Font"].values():
            font = resource.get_object()
            fonts.add(str(font["/BaseFont"]))
            # Type 42: a Type0 font over a CIDFontType2 with the TrueType program embedded
            assert font["/Subtype"] == "/Type0"
            cid = font["/DescendantFonts"][0].get_object()
            assert cid["/Subtype"] == "/CIDFontType2"
            assert "/FontFile2" in cid["/FontDescriptor"].get_object()
    assert any(name.endswith("+NanumGothic") for name in fonts)
    assert any(name.endswith("+NanumGothicBold") for name in fonts)
    assert re.search("[\uac00-\ud7a3]{4}", _text(korean))


def _weekly_cells(view: ProgressView, habit_index: int) -> list[str]:
    """The table's row, worked out here independently of the report code."""
    habit = view.habits[habit_index]
    cells = []
    for week in range(view.weeks):
        days = habit.days[week * DAYS_PER_WEEK : (week + 1) * DAYS_PER_WEEK]
        if set(days) == {Day.AHEAD}:
            cells.append("–")
        else:
            done = days.count(Day.DONE)
            star = "*" if Day.OPEN in days or Day.AHEAD in days else ""
            cells.append(f"{done}/{habit.targets[week]}{star}")
    return cells


def test_the_weekly_table_counts_done_days_against_the_target(english: PdfReader) -> None:
    view = realistic_view()
    text = _flat(_text(english))
    for index, habit in enumerate(view.habits):
        row = " ".join([EN.plain(f"habit-{habit.habit}"), *_weekly_cells(view, index)])
        assert row in text


def test_the_summary_shows_each_habits_score(english: PdfReader) -> None:
    view = realistic_view()
    text = _flat(_text(english))
    for habit in view.habits:
        score = habit.score
        unit = "week" if score.weekly else "day"
        overall = round((score.overall_adherence or 0) * 100)
        streak = f"{score.streak} {unit}{'' if score.streak == 1 else 's'}"
        assert f"{EN.plain(f'habit-{habit.habit}')} {overall}%" in text
        assert streak in text
        assert f"{score.strength}%" in text


def test_the_symptom_table_has_a_column_per_rated_week(english: PdfReader) -> None:
    view = realistic_view()
    text = _flat(_text(english))
    rated = [week for week, _ in view.symptoms]
    header = [EN.plain("pdf-symptom"), EN.plain("pdf-baseline")]
    header += [EN.plain("pdf-week-short", week=week) for week in rated[1:]]
    assert " ".join(header) in text
    for symptom in SYMPTOMS:
        scores = [str(dict(scores)[symptom]) for _, scores in view.symptoms]
        assert " ".join([EN.plain(f"symptom-{symptom}"), *scores]) in text


def _edge_report(view: ProgressView) -> str:
    reader = _report(view, EN)
    assert len(reader.pages) >= 2
    text = _flat(_text(reader))
    assert _flat(strip_tags(EN.plain("disclaimer")))[-40:] in text
    return text


def test_a_report_without_habits_says_so_and_still_shows_ratings() -> None:
    text = _edge_report(make_view(habits=()))
    assert EN.plain("pdf-no-habits") in text
    assert EN.plain("pdf-scores-title") not in text
    assert f"{EN.plain('pdf-symptom')} {EN.plain('pdf-baseline')}" in text


def test_a_report_without_ratings_says_so() -> None:
    text = _edge_report(make_view(day=1, baseline=False))
    assert EN.plain("pdf-no-ratings") in text
    assert f"{EN.plain('pdf-symptom')} {EN.plain('pdf-baseline')}" not in text


def test_a_first_day_report_shows_the_week_under_way_and_nothing_ahead() -> None:
    text = _edge_report(first_day_view())
    assert EN.plain("pdf-week", week=1, weeks=12) in text
    row = " ".join([EN.plain("habit-fiber"), "0/7*", *["–"] * 11])
    assert row in text


def test_weeks_before_a_habit_was_switched_on_ask_for_less_or_nothing() -> None:
    """Switched on at day 10 (week 2's fourth day): week 1 is a dash, week 2 asks for the
    share of the target for its four days on."""
    view = make_view(day=30, done=1, skipped=0, habits=(HABITS[1],), switched_on=10)
    fiber = view.habits[0]
    assert fiber.days[:10] == (Day.OFF,) * 10 and fiber.days[10] == Day.DONE
    text = _edge_report(view)
    row = " ".join([EN.plain("habit-fiber"), "–", "4/4", "7/7", "7/7", "2/7*"])
    assert row in text


def test_a_finished_plan_has_no_week_under_way() -> None:
    text = _edge_report(over_view())
    assert EN.plain("pdf-over", weeks=12) in text
    assert not re.search(r"\d/\d\*", text)
    assert re.search(r"\d/\d", text)


def test_rendering_a_pdf_leaves_rcparams_as_they_were() -> None:
    before = matplotlib.rcParams["pdf.fonttype"]
    _report(first_day_view(), KO)
    assert matplotlib.rcParams["pdf.fonttype"] == before
