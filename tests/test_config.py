"""Settings come from the environment, are validated, and never leak the token."""

from __future__ import annotations

import pytest

from coach.config import ConfigError, load_settings
from coach.domain.language import pick_language
from tests.support.bot import TEST_TOKEN


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TELEGRAM_API_URL", "DATABASE_URL", "LOG_LEVEL", "ADMIN_IDS", "DEFAULT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.bot_api_base_url == "https://api.telegram.org/bot"
    assert settings.bot_api_file_url == "https://api.telegram.org/file/bot"
    assert settings.database_url == "sqlite+aiosqlite:///coach.db"
    assert settings.default_language == "en"
    assert settings.admin_ids == frozenset()


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("ADMIN_IDS", "1, 22 333")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)
    settings = load_settings(_env_file=None)
    assert settings.bot_api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.admin_ids == frozenset({1, 22, 333})
    assert settings.log_level == "DEBUG"
    assert settings.token() == TEST_TOKEN
    assert TEST_TOKEN not in repr(settings)


def test_env_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEFAULT_LANGUAGE", raising=False)
    (tmp_path / ".env").write_text("DEFAULT_LANGUAGE=ko\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings().default_language == "ko"


@pytest.mark.parametrize("token", ["", "abc", "123:short", "12345:has spaces in it 0123456789"])
def test_bad_tokens_give_a_clear_error_without_echoing_them(token: str) -> None:
    settings = load_settings(telegram_bot_token=token or None, _env_file=None)
    with pytest.raises(ConfigError) as error:
        settings.token()
    assert "TELEGRAM_BOT_TOKEN" in str(error.value)
    if token:
        assert token not in str(error.value)


def test_bad_values_are_one_line() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(admin_ids="1,x", _env_file=None)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ko", "ko"),
        ("ko-KR", "ko"),
        ("KO_kr", "ko"),
        ("en-GB", "en"),
        ("de", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_language_is_picked_from_telegram(code: str | None, expected: str) -> None:
    assert pick_language(code, ("en", "ko"), "en") == expected


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, 750),  # 25/s x 60 s lease / 2
        ({"broadcast_rate": 1, "delivery_lease_seconds": 5}, 2),
        ({"broadcast_throttle": False}, 2000),
        ({"paid_broadcast": True, "broadcast_rate": 1000}, 2000),
    ],
)
def test_a_claim_batch_is_sent_well_within_its_lease(overrides: dict, expected: int) -> None:
    from coach.bot.app import claim_batch_size

    assert claim_batch_size(load_settings(_env_file=None, **overrides)) == expected
