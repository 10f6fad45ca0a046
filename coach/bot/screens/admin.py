"""The admins' screens: /announce's preview with its Send and Cancel buttons."""

from __future__ import annotations

from collections import Counter

from coach.bot.callbacks import AnnounceTap
from coach.bot.screens.widgets import Screen, button, rows
from coach.i18n import Translator

ANNOUNCEMENT = "announcement-"  # the announcements' message ids in messages/: announcement-NAME


def announce_preview(t: Translator, name: str, audience: Counter[str]) -> Screen:
    count = sum(audience.values())
    counts = t(
        "announce-audience",
        count=count,
        english=audience.get("en", 0),
        korean=audience.get("ko", 0),
    )
    text = "\n\n".join((t("announce-preview", name=name), t(ANNOUNCEMENT + name), counts))
    buttons = [
        button(t.plain("announce-send-button", count=count), AnnounceTap(name, send=True)),
        button(t.plain("announce-cancel-button"), AnnounceTap(name, send=False)),
    ]
    return Screen(text, rows(buttons, 2))
