"""Logging setup, and what no log record ever holds, at any level, tracebacks included.

No secret: the bot token rides in every Bot API URL; RedactSecrets scrubs it (and the webhook
secret) from every record.

No user text: nothing a user typed or is called (names, answers, notes: health data), not
even at LOG_LEVEL=DEBUG. Our own log calls name ids, counts, message keys and Telegram's error
descriptions, never an update, a message's text or a note; a new one must do the same. What
others log is held at its root:
- python-telegram-bot logs every update ("Processing update ...") and every Bot API call's
  parameters and answer (getUpdates' answer is the updates) at DEBUG, and quotes a body it
  cannot parse at CRITICAL. WithholdUserText lets PTB's records show only numbers (ids,
  counts, seconds), an Update's id and names PTB chose itself (an endpoint, a loop's name);
  any other argument shows as [withheld]. The lines stay, so DEBUG still shows which update
  is handled and which endpoint is called.
- SQLAlchemy's engine runs with hide_parameters (coach/db/engine.py): an error's text names
  the statement, never its parameters. SQLAlchemy's and aiosqlite's loggers stay at WARNING:
  they log each statement with its parameters.
- PostgreSQL's DETAIL quotes the values of the row a constraint refused (a note, a score):
  every DETAIL line is withheld from messages and tracebacks (the server's own log keeps it).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from telegram import Update

# Kept at WARNING: HTTP libraries log every request's URL, the token in it; aiosqlite and
# SQLAlchemy's engine log every statement with its parameters (notes and scores).
QUIET_LOGGERS = ("httpx", "httpcore", "aiosqlite", "sqlalchemy")
# Loggers that say routine things at INFO: APScheduler two lines per job run (the safety net
# runs every 30 s, and "executed successfully" even after a round that failed and said so),
# Alembic its set-up, fontTools each font table it subsets. Quiet unless LOG_LEVEL=DEBUG;
# what matters of them is said by our own lines (a schema upgrade, a failed round).
CHATTY_LOGGERS = ("apscheduler", "alembic", "fontTools", "matplotlib")
REDACTED = "[REDACTED]"
WITHHELD = "[withheld]"
# PTB's log templates whose string arguments are names PTB chose itself (the endpoint called,
# the name of a network loop), never a user's text. A string in any other PTB record is
# withheld: an update's JSON, a body PTB could not parse, a webhook post.
PTB_NAMED_ARGUMENTS = frozenset(
    {
        "Calling Bot API endpoint `%s` with parameters `%s`",
        "Call to Bot API endpoint `%s` finished with return value `%s`",
        "%s Starting",
        "%s Cancelled",
        "%s Action succeeded. Stopping loop.",
        "%s Failed run number %s of %s. Retrying.",
        "%s Failed run number %s of %s. Aborting.",
        "%s Invalid token. Aborting retry loop.",
    }
)
# asyncpg (and libpq) print PostgreSQL's DETAIL after the message: for a refused row it is
# "Failing row contains (...)", every value of the row. In a repr the newline before it is
# "\\n", so the rest of the line goes too.
_DB_DETAIL = re.compile(r"DETAIL:  [^\n]*")
# The token rides in every Bot API URL (/bot<TOKEN>/method, /file/bot<TOKEN>/...): any run of
# non-blanks through "/bot" is taken for one. And anything shaped like a BotFather token.
_BOT_URL = re.compile(r"\S*/bot[^\s/]+\S*", re.IGNORECASE)
_TOKEN_SHAPED = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")


def secrets_pattern(secrets: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching each secret in any case (PTB capitalizes a BadRequest's message,
    lower-casing a token quoted in it); None when there are none."""
    escaped = sorted((re.escape(s) for s in secrets if s), key=len, reverse=True)
    return re.compile("|".join(escaped), re.IGNORECASE) if escaped else None


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """The text without the secrets, any URL through /bot<token>, or anything shaped like a
    token: for text that is stored or shown, where a log filter cannot reach."""
    if not text:
        return text
    pattern = secrets_pattern(secrets)
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    return _TOKEN_SHAPED.sub(REDACTED, _BOT_URL.sub(REDACTED, text))


class _Withheld:
    """What a withheld argument shows, with %s and with %r alike."""

    def __repr__(self) -> str:
        return WITHHELD

    __str__ = __repr__


_WITHHELD = _Withheld()


def _shown(arg: object, names: bool) -> object:
    """A PTB log argument as it may be shown: numbers, an update's id, lists of numbers and
    (if `names`) strings; anything else withheld."""
    if arg is None or isinstance(arg, int | float):
        return arg
    if isinstance(arg, Update):
        return f"Update(update_id={arg.update_id})"
    if isinstance(arg, list | tuple) and all(isinstance(a, int | float) for a in arg):
        return arg  # update ids ("Getting updates: [...]")
    if names and isinstance(arg, str):
        return arg
    return _WITHHELD


def _from_ptb(record: logging.LogRecord) -> bool:
    return record.name == "telegram" or record.name.startswith("telegram.")


class WithholdUserText(logging.Filter):
    """Keeps user text out of every record: PTB's arguments are shown only when they are
    numbers or names PTB chose (see the module docstring), and PostgreSQL's DETAIL lines,
    which quote a refused row's values, are withheld from messages and tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _from_ptb(record) and record.args:
            names = isinstance(record.msg, str) and record.msg in PTB_NAMED_ARGUMENTS
            args: object
            if not isinstance(record.args, Mapping):
                args = tuple(_shown(arg, names) for arg in record.args)
            elif "%(" in str(record.msg):
                args = {key: _shown(value, names) for key, value in record.args.items()}
            else:  # one dict argument (an update's JSON): logging unwrapped it
                args = (_shown(record.args, names),)
            try:
                message = str(record.msg) % args
            except (TypeError, ValueError):  # a %d given a withheld argument: the template
                message = str(record.msg)
            record.msg, record.args = message, None
        message = record.getMessage()
        text = _DB_DETAIL.sub(f"DETAIL:  {WITHHELD}", message)
        if text != message:
            record.msg, record.args = text, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _DB_DETAIL.sub(f"DETAIL:  {WITHHELD}", record.exc_text)
        return True


class RedactSecrets(logging.Filter):
    """Replaces each secret with a placeholder in the rendered message of every record."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._pattern = secrets_pattern(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        message = record.getMessage()
        text = self._pattern.sub(REDACTED, message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._pattern.sub(REDACTED, record.exc_text)
        if text != message:
            record.msg, record.args = text, None
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message and the traceback. The
    traceback is the redacted text RedactSecrets left on the record, never formatted anew."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, secrets: list[str], json_lines: bool = False) -> None:
    """Log to stderr at `level`, as text or JSON lines, with no secret and no user text in
    any record (see the module docstring). httpx stays at WARNING because it logs every
    request URL; aiosqlite and SQLAlchemy's engine because they log every statement with its
    parameters, and those hold notes and scores (health data)."""
    handler = logging.StreamHandler(sys.stderr)
    text = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler.setFormatter(JSONFormatter() if json_lines else text)
    # User text first: it formats PTB's records from their withheld arguments, before
    # anything renders the original ones.
    handler.addFilter(WithholdUserText())
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for chatty in CHATTY_LOGGERS:
        logging.getLogger(chatty).setLevel(logging.NOTSET if level == "DEBUG" else logging.WARNING)
