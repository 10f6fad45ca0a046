"""Telegram's HTML parse mode, strictly: the tags and entities it accepts, and nothing else."""

from __future__ import annotations

import re
from html import unescape

ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
_TOKEN = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>|<|&(#\d+|#x[0-9a-fA-F]+|\w+);|&"
)
_NAMED_ENTITIES = {"lt", "gt", "amp", "quot"}


class HTMLEntityError(ValueError):
    """The text is not valid Telegram HTML; the message mirrors Telegram's wording."""


# Tags and the entity type Telegram turns each into (a and pre carry more, see below).
_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "span": "spoiler", "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
_HREF = re.compile(r"""href\s*=\s*["']([^"']*)["']""")


def parse_html(text: str) -> str:
    """The plain text Telegram would show, or HTMLEntityError as Telegram would refuse it."""
    return parse_html_entities(text)[0]


def parse_html_entities(text: str) -> tuple[str, list[dict[str, object]]]:
    """What Telegram stores for an HTML message: its plain text and its entities (offsets
    and lengths in UTF-16 code units, as the Bot API gives them), or HTMLEntityError."""
    plain: list[str] = []
    open_tags: list[tuple[str, int, str]] = []  # tag, UTF-16 offset, attributes
    entities: list[dict[str, object]] = []
    units = 0  # UTF-16 code units of plain text so far
    position = 0

    def add(piece: str) -> None:
        nonlocal units
        plain.append(piece)
        units += len(piece.encode("utf-16-le")) // 2

    for match in _TOKEN.finditer(text):
        add(text[position : match.start()])
        position = match.end()
        token = match.group(0)
        offset = len(text[: match.start()].encode("utf-8"))
        if token == "<":
            raise HTMLEntityError(f'Unexpected "<" at byte offset {offset}')
        if token == "&":
            raise HTMLEntityError(f'Unexpected "&" at byte offset {offset}')
        if match.group(4) is not None:
            entity = match.group(4)
            if not entity.startswith("#") and entity not in _NAMED_ENTITIES:
                raise HTMLEntityError(f'Unsupported entity "&{entity};" at byte offset {offset}')
            add(unescape(token))
            continue
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if tag not in ALLOWED_TAGS:
            raise HTMLEntityError(f'Unsupported start tag "{tag}" at byte offset {offset}')
        if closing:
            if not open_tags or open_tags[-1][0] != tag:
                expected = open_tags[-1][0] if open_tags else ""
                raise HTMLEntityError(
                    f'Unmatched end tag at byte offset {offset}, expected "</{expected}>", '
                    f'found "</{tag}>"'
                )
            _, start, attributes = open_tags.pop()
            if units > start:  # Telegram drops an empty entity
                entity_of: dict[str, object] = {
                    "type": _ENTITY_TYPES[tag],
                    "offset": start,
                    "length": units - start,
                }
                if tag == "a" and (href := _HREF.search(attributes)):
                    entity_of["url"] = unescape(href.group(1))
                entities.append(entity_of)
        else:
            open_tags.append((tag, units, match.group(3) or ""))
    add(text[position:])
    if open_tags:
        tag = open_tags[-1][0]
        raise HTMLEntityError(f'Can\'t find end tag corresponding to start tag "{tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))  # type: ignore[operator]
    return "".join(plain), entities
