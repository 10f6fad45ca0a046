"""An aiohttp transport for python-telegram-bot, for broadcasts and replies.

PTB's default transport (httpx) spends about twice the CPU per request of aiohttp: the
dispatcher is CPU-bound when it sends at paid-broadcast rates, and a reply's HTTP requests
are most of a tap's cost. PTB lets a Bot use any BaseRequest, so both get this one, each
with its own connection pool; getUpdates keeps PTB's default long-poll transport.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from dataclasses import dataclass
from http import HTTPStatus
from types import SimpleNamespace

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import JSONDict
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData
from telegram.warnings import PTBUserWarning

log = logging.getLogger(__name__)

# PTB warns callers of do_api_request that a method of its own exists. Three calls here are
# raw on purpose, each to skip building objects nobody reads: the dispatcher's sendMessage
# (the message id is all it needs), a tap's editMessageText, and getUpdates (the inbox
# stores the updates' JSON as it came).
RAW_CALLS = r"Please use 'Bot\.(sendMessage|editMessageText|getUpdates)'"

JSON_BODY = {"Content-Type": "application/json"}

# A request's deadline is its connect and read timeouts (and its write allowance) plus this:
# the per-read timeout alone lets an answer that trickles in a byte at a time (a broken
# proxy, a self-hosted Bot API server) hold a reply or a dispatch round forever.
DEADLINE_MARGIN_SECONDS = 2.0
# An upload's body may take a while to write on a slow uplink: PTB's own transport allows
# media 20 s to be written, and so does the deadline.
MEDIA_WRITE_SECONDS = 20.0


@dataclass
class _Attempt:
    """What one request got to: once connected, it may have reached Telegram."""

    connected: bool = False


async def _on_connected(
    _session: aiohttp.ClientSession, context: SimpleNamespace, _params: object
) -> None:
    context.trace_request_ctx.connected = True


def _tracing() -> aiohttp.TraceConfig:
    """Marks each request's _Attempt as connected, on a new connection or a reused one."""
    config = aiohttp.TraceConfig()
    config.on_connection_create_end.append(_on_connected)
    config.on_connection_reuseconn.append(_on_connected)
    return config


class AiohttpRequest(BaseRequest):
    def __init__(self, connections: int, read_timeout: float = 5.0, connect_timeout: float = 5.0):
        self._connections = connections
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        return self._read_timeout

    async def initialize(self) -> None:
        warnings.filterwarnings("ignore", RAW_CALLS, PTBUserWarning)
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT},
                trace_configs=[_tracing()],
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        multipart = request_data is not None and bool(request_data.multipart_data)
        read = _seconds(read_timeout, self._read_timeout)  # getUpdates': its long poll and more
        connect = _seconds(connect_timeout, self._connect_timeout)
        write = _seconds(write_timeout, MEDIA_WRITE_SECONDS if multipart else 0.0)
        timeout = aiohttp.ClientTimeout(
            total=_deadline(connect, write, read), sock_read=read, sock_connect=connect
        )
        attempt = _Attempt()
        data: aiohttp.FormData | bytes | None = None
        headers: dict[str, str] | None = None
        if request_data is not None:
            if request_data.multipart_data:
                form = aiohttp.FormData()
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, (filename, content, mime) in request_data.multipart_data.items():
                    form.add_field(name, content, filename=filename, content_type=mime)
                data = form
            else:
                # One JSON body, as Telegram also takes it: the C encoder, where a form
                # is quoted value by value in Python (20 us a reply's request, not 90).
                data = request_data.json_payload
                headers = JSON_BODY
        # The URL holds the token, and aiohttp's error texts name the URL: every error raised
        # here is worded from the error's class and facts that hold no secret, never from
        # str(error), and `from None` keeps aiohttp's text out of tracebacks too. (These
        # messages end up in deliveries.detail and in logs.)
        try:
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=timeout, trace_request_ctx=attempt
            ) as response:
                status, payload = response.status, await response.read()
        except aiohttp.ConnectionTimeoutError:
            # The connection never opened, so the request never left: safe to retry.
            raise NetworkError(
                f"aiohttp.ConnectionTimeoutError: no connection within {timeout.sock_connect} s"
            ) from None
        except aiohttp.ClientConnectorError as error:  # refused, unreachable, DNS, TLS
            raise NetworkError(
                f"aiohttp.{error.__class__.__name__}: cannot connect to "
                f"{error.host}:{error.port} ({_cause(error)})"
            ) from None
        except aiohttp.ClientError as error:
            # The request went out and the answer was lost: Telegram may have delivered it.
            # TimedOut tells the dispatcher exactly that (recorded as uncertain, not resent).
            raise TimedOut(f"no answer: aiohttp.{error.__class__.__name__}") from None
        except TimeoutError:  # the deadline: before or after the request went out
            if not attempt.connected:  # it waited for a free connection, say: it never left
                raise NetworkError(
                    f"no connection within the deadline ({timeout.total} s)"
                ) from None
            # Connected: it may have reached Telegram (uncertain, as after a read timeout).
            raise TimedOut(f"no full answer within the deadline ({timeout.total} s)") from None
        if not HTTPStatus.OK <= status <= 299 and not _is_json_object(payload):
            # Not Telegram's answer (a proxy's error page, say), and it may quote the URL,
            # token and all: PTB would put it into the error's message. Its size is enough.
            payload = f"<{len(payload)} bytes, not JSON>".encode()
        return status, payload

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        """PTB's parsing, without logging the body as PTB does: one that is not JSON may
        quote the URL, token and all."""
        try:
            return json.loads(payload.decode("utf-8", "replace"))
        except ValueError:
            log.warning("the Bot API answered %d bytes that are not JSON", len(payload))
            raise TelegramError("Invalid server response") from None


def _cause(error: aiohttp.ClientConnectorError) -> str:
    """Why a connection failed, in the system's words (aiohttp's may name the URL)."""
    try:
        cause = error.os_error
    except AttributeError:  # the certificate errors keep no OSError
        return "TLS"
    if cause.errno and cause.errno > 0:  # DNS failures have negative ones, not errno's
        return os.strerror(cause.errno)
    return cause.__class__.__name__


def _is_json_object(payload: bytes) -> bool:
    try:
        return isinstance(json.loads(payload), dict)
    except ValueError:
        return False


def _deadline(connect: float | None, write: float | None, read: float | None) -> float | None:
    """The whole request's limit: each phase's, and a margin; None if a caller lifted one."""
    if connect is None or write is None or read is None:
        return None  # PTB's meaning of an explicit None: no limit
    return connect + write + read + DEADLINE_MARGIN_SECONDS


def _seconds(value: object, default: float) -> float | None:
    if isinstance(value, DefaultValue):
        return default
    return value  # type: ignore[return-value]
