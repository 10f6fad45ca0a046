"""NanumGothic for every chart and PDF: one font with both Hangul and Latin glyphs.

The font files ship inside the koreanize_matplotlib package. We only read its files: importing
the package would change matplotlib's global rcParams for every figure in the process.
"""

from __future__ import annotations

import threading
from importlib.util import find_spec
from pathlib import Path

from matplotlib import font_manager
from matplotlib.font_manager import FontProperties

FAMILY = "NanumGothic"
PACKAGE = "koreanize_matplotlib"
REGULAR = "NanumGothic.ttf"
BOLD = "NanumGothicBold.ttf"
# NanumGothicBold.ttf declares weight 600; asking for 700 ("bold") finds it too, but only
# after matplotlib logs a fallback warning on every lookup.
BOLD_WEIGHT = 600

_lock = threading.Lock()
_registered = False


class FontMissing(RuntimeError):
    """The NanumGothic files are not installed, so Korean would render as empty boxes."""


def font_path(name: str = REGULAR) -> Path:
    """Where one of the bundled NanumGothic files lives, without importing its package."""
    spec = find_spec(PACKAGE)  # a top-level spec is found without running the package
    locations = list(spec.submodule_search_locations or ()) if spec else []
    for location in locations:
        path = Path(location) / "fonts" / name
        if path.is_file():
            return path
    raise FontMissing(
        f"{name} not found: install koreanize-matplotlib (searched {locations or 'nothing'})"
    )


def register_fonts() -> str:
    """Make NanumGothic (regular and bold) known to matplotlib, once; returns the family."""
    global _registered
    if _registered:
        return FAMILY
    with _lock:
        if not _registered:
            for name in (REGULAR, BOLD):
                font_manager.fontManager.addfont(font_path(name))
            _registered = True
    return FAMILY


def font(size: float | None = None, *, bold: bool = False) -> FontProperties:
    """A fresh FontProperties for NanumGothic (they are mutable, so never shared)."""
    return FontProperties(
        family=register_fonts(), size=size, weight=BOLD_WEIGHT if bold else "normal"
    )
