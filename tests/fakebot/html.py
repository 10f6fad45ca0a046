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


def parse_html(text: str) -> str:
    """The plain text Telegram would show, or HTMLEntityError as Telegram would refuse it."""
    plain: list[str] = []
    open_tags: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        plain.append(text[position : match.start()])
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
            plain.append(unescape(token))
            continue
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if tag not in ALLOWED_TAGS:
            raise HTMLEntityError(f'Unsupported start tag "{tag}" at byte offset {offset}')
        if closing:
            if not open_tags or open_tags[-1] != tag:
                expected = open_tags[-1] if open_tags else ""
                raise HTMLEntityError(
                    f'Unmatched end tag at byte offset {offset}, expected "</{expected}>", '
                    f'found "</{tag}>"'
                )
            open_tags.pop()
        else:
            open_tags.append(tag)
    plain.append(text[position:])
    if open_tags:
        raise HTMLEntityError(f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"')
    return "".join(plain)
