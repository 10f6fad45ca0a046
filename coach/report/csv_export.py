"""/export's CSV: every row kept about one user, in one file a spreadsheet opens."""

from __future__ import annotations

import csv
import io

from coach.services.account import ExportData

HEADER = ("section", "date", "item", "value", "detail", "note")


def render_csv(data: ExportData) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet apps read Korean notes correctly.

    One table with a `section` column: settings, checkin (one per habit and day) and score
    (one per symptom and week; week 0 is the baseline from the intake).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for name, value in data.settings:
        writer.writerow(("setting", "", name, _safe(value), "", ""))
    for day, habit, status, detail, note in data.checkins:
        writer.writerow(("checkin", day.isoformat(), habit, status, detail, _safe(note)))
    for week, symptom, score, day in data.scores:
        writer.writerow(("score", day.isoformat(), symptom, str(score), f"week {week}", ""))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection): user text that starts
    with = + - @ gets a leading apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
