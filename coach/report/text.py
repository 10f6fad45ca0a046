"""Text shared by the chart and the PDF: catalog messages as plain text, wrapping by real
glyph widths, and the ink colours both draw in."""

from __future__ import annotations

import html
import re

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from coach.i18n import Translator
from coach.services.progress import ProgressView

INK = "#1A1A1A"
MUTED = "#555555"


def plain(t: Translator, key: str, **args: object) -> str:
    """A catalog message as plain text: the chart and the PDF cannot show HTML tags."""
    return strip_tags(t.plain(key, **args))


def strip_tags(markup: str) -> str:
    """Catalog HTML as plain text: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def wrap(text: str, prop: FontProperties, width: float) -> list[str]:
    """Break `text` at spaces into lines no wider than `width` points in font `prop` (the
    real glyph widths, so Hangul and Latin lines both come out right)."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, prop) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def text_width(text: str, prop: FontProperties) -> float:
    """How wide `text` is in points when set in `prop`."""
    width, _, _ = text_to_path.get_text_width_height_descent(text, prop, ismath=False)
    return width


def phase_name(view: ProgressView, t: Translator) -> str:
    """The plan phase's name in the user's language (the raw name if the catalog lacks it)."""
    key = f"phase-{view.phase}"
    return plain(t, key) if t.has(key) else view.phase


__all__ = ["INK", "MUTED", "phase_name", "plain", "strip_tags", "text_width", "wrap"]
