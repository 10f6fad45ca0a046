"""A TCP forwarder in front of the fake Bot API server, for the faults that come before any
HTTP: a refused connection, and a connection that never opens (a connect timeout).

Point the bot's TELEGRAM_API_URL at `root_url`. `refuse()` closes the port; `black_hole()`
keeps it listening but never accepts, with the accept queue full, so the kernel drops every
new SYN and the client waits out its connect timeout (no unroutable address needed: no
internet here). Either way, idle keep-alive connections are closed, so the next request has
to connect anew; a connection whose request still awaits its answer (the long-polled
getUpdates) is left to finish, so updates keep arriving. `open()` lets everyone in again.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

FILLERS = 8  # more than any kernel's accept queue for a backlog of 0 holds


class _Link:
    """One client connection and its twin to the server."""

    def __init__(self, client: asyncio.StreamWriter, server: asyncio.StreamWriter) -> None:
        self.client = client
        self.server = server
        self.awaiting_answer = False  # the client spoke last: its request is out

    def close(self) -> None:
        for writer in (self.client, self.server):
            writer.close()


class FrontDoor:
    def __init__(self, upstream_port: int) -> None:
        self._upstream_port = upstream_port
        self._port = 0
        self._server: asyncio.Server | None = None
        self._listener: socket.socket | None = None
        self._fillers: list[socket.socket] = []
        self._links: set[_Link] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.root_url = ""

    async def start(self) -> str:
        """Listen on a free port on 127.0.0.1, letting everyone through; the root URL."""
        await self.open()
        self.root_url = f"http://127.0.0.1:{self._port}"
        return self.root_url

    async def open(self) -> None:
        """Forward every connection to the server."""
        await self._close_listener()
        listener = self._listen(backlog=100)
        self._server = await asyncio.start_server(self._forward, sock=listener)

    async def refuse(self) -> None:
        """Nothing listens: a new connection is refused at once."""
        await self._close_listener()
        self._close_idle_links()

    async def black_hole(self) -> None:
        """Listening, never accepting, the queue full: a new connection never opens."""
        await self._close_listener()
        self._listener = self._listen(backlog=0)
        for _ in range(FILLERS):
            filler = socket.socket()
            filler.settimeout(0.2)
            try:
                await asyncio.to_thread(filler.connect, ("127.0.0.1", self._port))
            except TimeoutError:  # the queue is full: this SYN was dropped, as the bot's will be
                filler.close()
                break
            self._fillers.append(filler)
        else:
            raise AssertionError("the accept queue never filled")
        self._close_idle_links()

    async def stop(self) -> None:
        await self._close_listener()
        for link in list(self._links):
            link.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _listen(self, backlog: int) -> socket.socket:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self._port))
        listener.listen(backlog)
        listener.setblocking(False)
        self._port = listener.getsockname()[1]
        return listener

    async def _close_listener(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for sock in [*self._fillers, *([self._listener] if self._listener else [])]:
            sock.close()
        self._fillers, self._listener = [], None

    def _close_idle_links(self) -> None:
        for link in list(self._links):
            if not link.awaiting_answer:
                link.close()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._upstream_port)
        except OSError:
            writer.close()
            self._tasks.discard(task)
            return
        link = _Link(writer, up_writer)
        self._links.add(link)
        try:
            await asyncio.gather(
                self._pipe(reader, up_writer, link, request=True),
                self._pipe(up_reader, writer, link, request=False),
            )
        finally:
            link.close()
            self._links.discard(link)
            self._tasks.discard(task)

    @staticmethod
    async def _pipe(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, link: _Link, request: bool
    ) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                link.awaiting_answer = request
                writer.write(data)
                await writer.drain()
        link.close()  # one side hung up: so does the other
