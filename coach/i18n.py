"""Message catalogs (Project Fluent files in messages/) and a per-language translator.

Fluent handles plurals per language (CLDR rules), so "1 day" / "2 days" come out right.
String arguments are HTML-escaped because every message is sent with parse_mode HTML.
"""

from __future__ import annotations

import functools
import html
import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date, get_day_names
from fluent.runtime import FluentBundle
from fluent.syntax import FluentParser
from fluent.syntax.ast import Junk

from coach.config import SUPPORTED_LANGUAGES
from coach.paths import MESSAGES_DIR

log = logging.getLogger(__name__)

FALLBACK_LANGUAGE = "en"


class MissingMessage(KeyError):
    """A key the code asked for is not in the catalog (caught by tests, never by users)."""


@dataclass(frozen=True)
class Translator:
    """Renders catalog messages in one language, falling back to English per message."""

    language: str
    _bundle: FluentBundle
    _fallback: FluentBundle
    _catalog: tuple[Path, tuple[str, ...]] = field(
        default=(MESSAGES_DIR, SUPPORTED_LANGUAGES), compare=False, repr=False
    )

    def __reduce__(self) -> tuple[object, tuple[tuple[Path, tuple[str, ...]], str]]:
        """Pickled as its catalog (directory and languages) and its language, for the
        drawing process, and rebuilt there from that catalog, loaded once per process."""
        return _translator, (self._catalog, self.language)

    def __call__(self, key: str, **args: object) -> str:
        """The message as HTML, its string arguments escaped."""
        return self._render(key, _escape_args(args))

    def plain(self, key: str, **args: object) -> str:
        """The message as plain text (button labels are not parsed as HTML): no escaping."""
        return self._render(key, args)

    def _render(self, key: str, args: dict[str, object]) -> str:
        bundle = self._bundle if self._bundle.has_message(key) else self._fallback
        if not bundle.has_message(key):
            raise MissingMessage(key)
        message = bundle.get_message(key)
        if message.value is None:
            raise MissingMessage(key)
        text, errors = bundle.format_pattern(message.value, args)
        if errors:
            log.warning("message %s in %s rendered with errors: %s", key, self.language, errors)
        return text

    def date(self, day: date) -> str:
        """A date the way this language writes it ("Nov 26, 2026", "2026. 11. 26.")."""
        return format_date(day, format="medium", locale=self.language)

    def weekday(self, index: int) -> str:
        """A weekday's name (0 = Monday) the way this language writes it."""
        return get_day_names("wide", locale=self.language)[index]

    def has(self, key: str) -> bool:
        return self._bundle.has_message(key) or self._fallback.has_message(key)


def _escape_args(args: dict[str, object]) -> dict[str, object]:
    escaped: dict[str, object] = {}
    for name, value in args.items():
        if isinstance(value, str):
            escaped[name] = html.escape(value, quote=False)
        elif isinstance(value, (int, float, Decimal)):
            escaped[name] = value
        else:
            escaped[name] = html.escape(str(value), quote=False)
    return escaped


class Catalog:
    """All languages' messages, loaded once at startup."""

    def __init__(
        self, directory: Path = MESSAGES_DIR, languages: tuple[str, ...] = SUPPORTED_LANGUAGES
    ):
        self.languages = languages
        self._directory = directory
        self._bundles = {lang: _load_bundle(directory, lang) for lang in languages}
        self._everywhere: dict[str, frozenset[str]] = {}

    def names(self, prefix: str) -> tuple[str, ...]:
        """The message ids that start with `prefix`, in every language, sorted, without it
        (`names("announcement-")` lists the announcements /announce can send)."""
        shared = set.intersection(*(set(b._messages) for b in self._bundles.values()))
        return tuple(sorted(key.removeprefix(prefix) for key in shared if key.startswith(prefix)))

    def everywhere(self, key: str) -> frozenset[str]:
        """A message's plain text in every language: what a reply-keyboard button sends."""
        if key not in self._everywhere:
            texts = (self.translator(lang).plain(key) for lang in self.languages)
            self._everywhere[key] = frozenset(texts)
        return self._everywhere[key]

    def translator(self, language: str) -> Translator:
        lang = language if language in self._bundles else FALLBACK_LANGUAGE
        return Translator(
            lang,
            self._bundles[lang],
            self._bundles[FALLBACK_LANGUAGE],
            (self._directory, self.languages),
        )


@functools.cache
def _loaded(catalog: tuple[Path, tuple[str, ...]]) -> Catalog:
    return Catalog(*catalog)


def _translator(catalog: tuple[Path, tuple[str, ...]], language: str) -> Translator:
    """A pickled Translator, rebuilt (see Translator.__reduce__)."""
    return _loaded(catalog).translator(language)


def _load_bundle(directory: Path, language: str) -> FluentBundle:
    bundle = FluentBundle([language], use_isolating=False)
    files = sorted((directory / language).glob("*.ftl"))
    if not files:
        raise FileNotFoundError(f"no message files in {directory / language}")
    for path in files:
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        junk = [entry for entry in resource.body if isinstance(entry, Junk)]
        if junk:
            raise ValueError(f"{path}: cannot parse {junk[0].content[:80]!r}")
        bundle.add_resource(resource)
    return bundle
