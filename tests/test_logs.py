"""Logs, as text or JSON lines, never carry a secret: not in messages, arguments or
tracebacks."""

from __future__ import annotations

import io
import json
import logging

import pytest

from coach.logs import configure_logging
from tests.support.bot import TEST_TOKEN

SECRET = "webhook-secret-0123456789abcdef"


@pytest.mark.parametrize("json_lines", [False, True], ids=["text", "json"])
def test_secrets_are_scrubbed_everywhere(json_lines: bool) -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", [TEST_TOKEN, SECRET], json_lines=json_lines)
    root = logging.getLogger()
    root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
    log = logging.getLogger("coach.test")
    try:
        log.info("calling http://127.0.0.1:8081/bot%s/getMe", TEST_TOKEN)
        log.warning("secret header %s", SECRET)
        try:
            raise RuntimeError(f"failed at /bot{TEST_TOKEN}/sendMessage with {SECRET}")
        except RuntimeError:
            log.exception("request failed")
    finally:
        configure_logging("WARNING", [])
    output = stream.getvalue()
    assert TEST_TOKEN not in output and SECRET not in output
    assert output.count("[REDACTED]") >= 4
    assert "RuntimeError" in output, "the traceback is kept, minus the secrets"
    if json_lines:
        entries = [json.loads(line) for line in output.splitlines()]
        assert [e["level"] for e in entries] == ["INFO", "WARNING", "ERROR"]
        assert "[REDACTED]" in entries[2]["exception"]


def test_a_secret_is_scrubbed_in_any_case() -> None:
    """PTB capitalizes a BadRequest's message ("Bad Request: " stripped), lower-casing the
    rest: a description that quotes the URL then holds the token in lower case."""
    stream = io.StringIO()
    configure_logging("DEBUG", [TEST_TOKEN], json_lines=False)
    logging.getLogger().handlers[0].setStream(stream)  # type: ignore[attr-defined]
    try:
        message = f"Bad Request: cannot POST /bot{TEST_TOKEN}/sendMessage"
        logging.getLogger("coach.test").error("%s", message.capitalize())
    finally:
        configure_logging("WARNING", [])
    output = stream.getvalue()
    assert TEST_TOKEN.lower() not in output.lower() and "[REDACTED]" in output
