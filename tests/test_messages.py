"""The message catalogs: complete in every language, and every message fits a phone."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from fluent.syntax import FluentParser, visitor
from fluent.syntax import ast as ftl

from coach.bot.commands import MENU
from coach.config import SUPPORTED_LANGUAGES
from coach.i18n import Catalog
from coach.paths import MESSAGES_DIR, PROJECT_ROOT
from tests.fakebot.html import parse_html

PHONE_SCREEN = 700  # characters a routine message may use without scrolling
TELEGRAM_TEXT = 4096
BUTTON_LABEL = 23
# Reports may run longer than a phone screen; name each one here.
LONG_MESSAGES: set[str] = set()
# Keys the code picks from tables rather than naming at the call.
DYNAMIC_KEYS = {key for _, key in MENU}


class _Variables(visitor.Visitor):
    def __init__(self) -> None:
        self.names: set[str] = set()
        self.selectors: set[str] = set()

    def visit_VariableReference(self, node: ftl.VariableReference) -> None:
        self.names.add(node.id.name)

    def visit_SelectExpression(self, node: ftl.SelectExpression) -> None:
        if isinstance(node.selector, ftl.VariableReference):
            self.selectors.add(node.selector.id.name)
        self.generic_visit(node)


def _messages(language: str) -> dict[str, ftl.Message]:
    found: dict[str, ftl.Message] = {}
    for path in sorted((MESSAGES_DIR / language).glob("*.ftl")):
        for entry in FluentParser().parse(path.read_text(encoding="utf-8")).body:
            assert not isinstance(entry, ftl.Junk), f"{path}: {entry.content[:80]}"
            if isinstance(entry, ftl.Message):
                assert entry.id.name not in found, f"{language}: {entry.id.name} defined twice"
                found[entry.id.name] = entry
    return found


CATALOGS = {lang: _messages(lang) for lang in SUPPORTED_LANGUAGES}


def _variables(message: ftl.Message) -> _Variables:
    names = _Variables()
    names.visit(message)
    return names


def _keys_used_in_code() -> set[str]:
    """First arguments of t("...") calls in coach/, plus the keys in known tables."""
    keys = set(DYNAMIC_KEYS)
    for path in (PROJECT_ROOT / "coach").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name == "t" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                keys.add(first.value)
    return keys


def test_every_language_has_the_same_keys() -> None:
    english = set(CATALOGS["en"])
    for language, messages in CATALOGS.items():
        assert set(messages) == english, f"{language} differs from en"


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_key_the_code_uses_exists(language: str) -> None:
    missing = _keys_used_in_code() - set(CATALOGS[language])
    assert not missing, f"{language} lacks {sorted(missing)}"


def test_placeholders_match_across_languages() -> None:
    for key, message in CATALOGS["en"].items():
        expected = _variables(message).names
        for language, messages in CATALOGS.items():
            assert _variables(messages[key]).names == expected, f"{language}:{key}"


def _sample_args(key: str) -> list[dict[str, object]]:
    """Long strings for text placeholders; several counts for plural selectors."""
    variables = _variables(CATALOGS["en"][key])
    base: dict[str, object] = {name: "W" * 64 for name in variables.names}
    if not variables.selectors:
        return [base]
    return [{**base, **dict.fromkeys(variables.selectors, n)} for n in (0, 1, 2, 12)]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_message_renders_within_telegram_and_phone_limits(language: str) -> None:
    t = Catalog().translator(language)
    for key in CATALOGS[language]:
        for args in _sample_args(key):
            plain = parse_html(t(key, **args))  # raises on HTML Telegram would refuse
            assert plain.strip(), f"{language}:{key} renders empty"
            assert len(plain) <= TELEGRAM_TEXT, f"{language}:{key}"
            if key not in LONG_MESSAGES:
                assert len(plain) <= PHONE_SCREEN, f"{language}:{key} is {len(plain)} characters"
            if key.startswith("button-"):
                assert len(plain) <= BUTTON_LABEL, f"{language}:{key} label is too long"
            if key.startswith("safety-") and not key.startswith("safety-change-"):
                # a switch: "▫️ " or "✅ " goes in front
                assert len(plain) <= BUTTON_LABEL - len("▫️ "), f"{language}:{key} label is too long"
            if key.startswith("command-"):
                assert len(plain) <= 256


def test_the_pregnancy_button_names_breastfeeding_as_its_question_does() -> None:
    """The question lists breastfeeding; a nursing user must find it on the button too."""
    for language, word in (("en", "nursing"), ("ko", "수유")):
        t = Catalog().translator(language)
        assert word in t("safety-pregnant_or_minor"), language


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_tips_claim_no_more_than_the_evidence(language: str) -> None:
    """../shared/CONTENT.md: "may" and "can"; sublingual B12's advantage is not settled (ask a
    clinician which form); strains differ, and the bot names none for a goal."""
    t = Catalog().translator(language)
    tips = {key: t(key) for key in CATALOGS[language] if key.startswith("tip-")}
    assert tips, "the tips are in messages/"
    for key, text in tips.items():
        assert "rhamnosus" not in text.lower() and "람노서스" not in text, key
        assert "bifidobacterium" not in text.lower() and "비피도박테리움" not in text, key
        assert "doesn't rely" not in text and "기대지 않아요" not in text, key
    clinician = {"en": "clinician", "ko": "의료진"}[language]
    assert clinician in tips["tip-3"] and clinician in tips["tip-7"]
    may = {"en": "may help make", "ko": "도움이 될 수 있지만"}[language]
    assert may in tips["tip-11"]


def test_translator_escapes_arguments_and_falls_back_to_english(tmp_path: Path) -> None:
    for language in ("en", "xx"):
        (tmp_path / language).mkdir()
    (tmp_path / "en" / "a.ftl").write_text("hi = Hi { $name }!\nonly-en = English only\n")
    (tmp_path / "xx" / "a.ftl").write_text("hi = Yo { $name }!\n")
    catalog = Catalog(tmp_path, ("en", "xx"))
    t = catalog.translator("xx")
    assert t("hi", name="<Ann & Bo>") == "Yo &lt;Ann &amp; Bo&gt;!"
    assert t("only-en") == "English only"
    assert catalog.translator("zz").language == "en"


def test_a_broken_catalog_is_refused_at_load(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "a.ftl").write_text("good = fine\nbroken = { $unclosed\n")
    with pytest.raises(ValueError, match="cannot parse"):
        Catalog(tmp_path, ("en",))


def test_every_announcement_can_be_sent_from_a_button() -> None:
    """/announce NAME and its Send button carry the name: lower case, digits and -, short."""
    from coach.bot.callbacks import ANNOUNCEMENT_NAME
    from coach.bot.screens.admin import ANNOUNCEMENT
    from coach.i18n import Catalog

    names = Catalog().names(ANNOUNCEMENT)
    assert names, "at least one announcement ships"
    assert [n for n in names if not ANNOUNCEMENT_NAME.fullmatch(n)] == []


def test_korean_never_leaves_a_particle_for_the_reader_to_choose() -> None:
    """ "Asia/Seoul (UTC+9)(으)로", "손톱이(가)": a particle after a placeholder is chosen by
    the word, or the sentence is worded so it needs none (issue 17: 22)."""
    t = Catalog().translator("ko")
    source = "\n".join(p.read_text(encoding="utf-8") for p in (MESSAGES_DIR / "ko").glob("*.ftl"))
    for pair in (
        "(으)",
        "을(를)",
        "를(을)",
        "이(가)",
        "가(이)",
        "은(는)",
        "는(은)",
        "와(과)",
        "과(와)",
    ):
        assert pair not in source, pair
    # After a placeholder, a particle or copula would be guessed: none is written so.
    after = re.findall(
        r"\}(?:</b>)?(이에요|예요|을|를|이|가|은|는|와|과|으로|로)(?![가-힣])", source
    )
    assert after == [], after
    confirm = t("intake-timezone-confirm", zone="Asia/Seoul (UTC+9)", time="09:30")
    assert ")(" not in confirm and "Asia/Seoul (UTC+9)" in confirm
