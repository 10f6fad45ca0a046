"""The fake Bot API server keeps an HTML message as Telegram does: plain text and entities
with UTF-16 offsets, which python-telegram-bot turns back into the same HTML."""

from __future__ import annotations

import pytest
from telegram import Message

from tests.fakebot.html import HTMLEntityError, parse_html_entities


def test_entities_count_utf16_units_and_round_trip_through_ptb() -> None:
    sent = (
        '🙂 <b>Week 1</b> · 김치 <i>&lt;ok&gt;</i> <a href="https://x.test/?a=1&amp;b=2">link</a>'
    )
    plain, entities = parse_html_entities(sent)
    assert plain == "🙂 Week 1 · 김치 <ok> link"
    bold = next(e for e in entities if e["type"] == "bold")
    assert (bold["offset"], bold["length"]) == (3, 6), "the emoji is two UTF-16 units"
    link = next(e for e in entities if e["type"] == "text_link")
    assert link["url"] == "https://x.test/?a=1&b=2"
    message = Message.de_json(
        {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1, "type": "private"},
            "text": plain,
            "entities": entities,
        },
        None,
    )
    again, _ = parse_html_entities(message.text_html)
    assert again == plain
    assert parse_html_entities(message.text_html)[1] == entities


def test_nested_and_empty_tags() -> None:
    plain, entities = parse_html_entities("<b>a<i>b</i></b><i></i>")
    assert plain == "ab"
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bold", 0, 2),
        ("italic", 1, 1),
    ], "an empty tag gives no entity"
    with pytest.raises(HTMLEntityError):
        parse_html_entities("<b>open")
