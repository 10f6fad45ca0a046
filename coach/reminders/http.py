"""An aiohttp transport for python-telegram-bot, for broadcasts and replies.

PTB's default transport (httpx) spends about twice the CPU per request of aiohttp: the
dispatcher is CPU-bound when it sends at paid-broadcast rates, and a reply's HTTP requests
are most of a tap's cost. PTB lets a Bot use any BaseRequest, so both get this one, each
with its own connection pool; getUpdates keeps PTB's default long-poll transport.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


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
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT},
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
        timeout = aiohttp.ClientTimeout(
            sock_read=_seconds(read_timeout, self._read_timeout),
            sock_connect=_seconds(connect_timeout, self._connect_timeout),
        )
        data = None
        if request_data is not None:
            if request_data.multipart_data:
                form = aiohttp.FormData()
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, (filename, content, mime) in request_data.multipart_data.items():
                    form.add_field(name, content, filename=filename, content_type=mime)
                data = form
            else:
                data = request_data.json_parameters
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except (aiohttp.ConnectionTimeoutError, aiohttp.ClientConnectorError) as error:
            # The connection never opened, so the request never left: safe to retry.
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error
        except aiohttp.ClientError as error:
            # The request went out and the answer was lost: Telegram may have delivered it.
            # TimedOut tells the dispatcher exactly that (recorded as uncertain, not resent).
            raise TimedOut(f"no answer: aiohttp.{error.__class__.__name__}") from error
        except TimeoutError as error:  # a read timeout: the request went out
            raise TimedOut from error


def _seconds(value: object, default: float) -> float | None:
    if isinstance(value, DefaultValue):
        return default
    return value  # type: ignore[return-value]
