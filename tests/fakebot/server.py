"""A fake Telegram Bot API server on 127.0.0.1, for driving the real bot over real HTTP.

It decodes python-telegram-bot's form-encoded and multipart requests, keeps each chat's
messages, hands out updates through long-polled getUpdates, and enforces the limits Telegram
enforces (4096-character text, 1024-character captions, 64-byte callback data, valid HTML)
with Telegram-shaped 400 errors. It also notes breaches of our own phone-layout rules (at most
3 buttons per row, labels under 24 characters) so every end-to-end test checks them.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakebot.door import FrontDoor
from tests.fakebot.html import HTMLEntityError, parse_html, parse_html_entities

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_BUTTONS_PER_ROW = 3
CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
}  # fmt: skip
MAX_LABEL = 23  # "under 24 characters"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"

BOT_USER = {
    "id": 700000001,
    "is_bot": True,
    "first_name": "Gut Coach",
    "username": "gut_coach_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


class BadRequest(Exception):
    def __init__(self, description: str, code: int = 400) -> None:
        super().__init__(description)
        self.description = description
        self.code = code


@dataclass
class BotEvent:
    """Something the bot did in a chat: sent or edited a message, or answered a tap."""

    kind: str  # "message" | "edit" | "answer" | "photo" | "document"
    chat_id: int
    message_id: int | None = None
    text: str = ""
    reply_markup: dict[str, Any] | None = None
    file: bytes | None = None
    filename: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        if not self.reply_markup:
            return []
        return self.reply_markup.get("inline_keyboard") or self.reply_markup.get("keyboard") or []

    @property
    def labels(self) -> list[str]:
        return [b["text"] if isinstance(b, dict) else b for row in self.buttons for b in row]


@dataclass
class Fault:
    """How the server misbehaves for one chat: an error status (with Telegram's wording), a
    delay, dropping the connection, or a body that is not Telegram's JSON (`body`, sent
    with `status` or 200); "{path}" in `body` or `description` becomes the request's path,
    as some proxies' error pages quote it. `trickle` does the request and sends its answer's
    headers at once, then the body one byte every `trickle` seconds (so a per-read timeout
    never fires). `times` None means every time; `method` is the call it applies to."""

    status: int = 0
    description: str = ""
    retry_after: int | None = None
    delay: float = 0.0
    drop: bool = False
    times: int | None = 1
    body: str | None = None
    content_type: str = "text/html"
    trickle: float = 0.0
    method: str = "sendMessage"


FORBIDDEN = Fault(403, "Forbidden: bot was blocked by the user", times=None)
CHAT_NOT_FOUND = Fault(400, "Bad Request: chat not found", times=None)
SERVER_ERROR = Fault(500, "Internal Server Error")


class FakeBotAPI:
    """The server. One per test; `root_url` goes into TELEGRAM_API_URL."""

    def __init__(self, token: str, latency: float = 0.0) -> None:
        self.token = token
        # Seconds every call waits before it is handled and answered, like a round trip to
        # Telegram (benchmarks; may be changed while running). getUpdates waits this long
        # before its long poll begins, not longer. 0: at once.
        self.latency = latency
        self._runner: web.AppRunner | None = None
        self.root_url = ""
        self._update_ids = itertools.count(1)
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Condition()
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._sent_as: dict[tuple[int, int], str] = {}  # each message's text as the bot sent it
        self.events: dict[int, asyncio.Queue[BotEvent]] = defaultdict(asyncio.Queue)
        self.answers: dict[str, BotEvent] = {}
        # Telegram takes a tap's answer for about 15 s only: with a TTL set, answering a tap
        # pushed longer ago than that is a 400, as after a backlog or a restart. None: never.
        self.callback_answer_ttl: float | None = None
        self.late_answers: list[str] = []  # the taps answered after their TTL, refused
        self._tapped_at: dict[str, float] = {}
        self._answer_waiters: dict[str, asyncio.Future[BotEvent]] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.chat_commands: dict[int, list[dict[str, str]]] = {}  # scope: one chat
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.call_times: list[float] = []  # time.monotonic() as each call arrived
        self.layout_violations: list[str] = []
        self.handled_update_ids: set[int] = set()
        self.fetched_update_ids: set[int] = set()  # handed out by getUpdates, confirmed or not
        self._closing = False
        self.faults: dict[int, list[Fault]] = defaultdict(list)
        self.trickles_cut = 0  # trickling answers the client stopped reading
        self.sent_texts: dict[int, list[str]] = defaultdict(list)
        # For benchmarks: when each sendMessage arrived, the first long poll, and a
        # Telegram-like flood limit (429 above `rate_limit` messages in any second).
        self.send_times: list[tuple[int, float]] = []
        self.chat_actions: list[tuple[int, str]] = []  # (chat, action) of each sendChatAction
        self.first_get_updates_at: float | None = None
        self.rate_limit: int | None = None
        self.http_429 = 0
        self._recent_sends: collections.deque[float] = collections.deque()
        self._methods: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "logOut": self._true,
            "close": self._true,
            "deleteWebhook": self._true,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "deleteMessage": self._delete_message,
            "sendChatAction": self._send_chat_action,
            "setWebhook": self._set_webhook,
        }
        self.webhooks: list[dict[str, Any]] = []  # each setWebhook's parameters
        # Webhook mode: updates are posted to these (url, secret) in turn, as Telegram posts
        # to a load balancer, instead of waiting for getUpdates.
        self.webhook_targets: list[tuple[str, str | None]] = []
        self._next_target = 0
        self._client: aiohttp.ClientSession | None = None
        self.door: FrontDoor | None = None
        self.polls_waiting = 0  # getUpdates calls waiting for an update right now

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        app.router.add_get("/bot{token}/{method}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.root_url = f"http://127.0.0.1:{port}"
        return self.root_url

    async def behind_door(self) -> FrontDoor:
        """Route `root_url` through a FrontDoor, for faults before any HTTP; the door."""
        port = int(self.root_url.rsplit(":", 1)[1])
        self.door = FrontDoor(port)
        self.root_url = await self.door.start()
        return self.door

    async def release_pollers(self) -> None:
        """Answer every pending and future long poll at once, so a bot can stop quickly."""
        async with self._new_update:
            self._closing = True
            self._new_update.notify_all()

    def resume_pollers(self) -> None:
        """Long polls wait again (after release_pollers), e.g. for a restarted bot."""
        self._closing = False

    async def stop(self) -> None:
        if self.door is not None:
            await self.door.stop()
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests do as users ------------------------------------------------------------

    async def push_update(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        update["update_id"] = update_id
        if "callback_query" in update:
            self._tapped_at[update["callback_query"]["id"]] = time.monotonic()
        if self.webhook_targets:
            url, secret = self.webhook_targets[self._next_target % len(self.webhook_targets)]
            self._next_target += 1
            status = await self.post_webhook(url, update, secret)
            assert status == 200, f"the webhook at {url} answered {status}"
            return update_id
        async with self._new_update:
            self._updates.append(update)
            self._new_update.notify_all()
        return update_id

    async def post_webhook(self, url: str, update: dict[str, Any], secret: str | None) -> int:
        """POST an update to a bot's webhook as Telegram does; the HTTP status."""
        if self._client is None:
            self._client = aiohttp.ClientSession()
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with self._client.post(url, json=update, headers=headers) as response:
            return response.status

    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids[chat_id])

    async def wait_answer(self, callback_query_id: str, timeout: float) -> BotEvent:
        if callback_query_id in self.answers:
            return self.answers[callback_query_id]
        future = self._answer_waiters.setdefault(
            callback_query_id, asyncio.get_running_loop().create_future()
        )
        return await asyncio.wait_for(asyncio.shield(future), timeout)

    # -- HTTP ------------------------------------------------------------------------------

    def fail(self, chat_id: int, fault: Fault) -> None:
        """Make the fault's method (sendMessage unless it says) to this chat misbehave."""
        self.faults[chat_id].append(fault)

    async def _apply_fault(
        self,
        request: web.Request,
        method: str,
        chat_id: int,
        answer: Callable[[], Awaitable[web.Response]],
    ) -> web.StreamResponse | None:
        queue = self.faults.get(chat_id)
        if not queue or queue[0].method != method:
            return None
        fault = queue[0]
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.drop:
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        if fault.trickle:
            return await self._trickle(request, await answer(), fault.trickle)
        description = fault.description.replace("{path}", request.path)
        if fault.body is not None:
            text = fault.body.replace("{path}", request.path)
            return web.Response(
                status=fault.status or 200, text=text, content_type=fault.content_type
            )
        if not fault.status:
            return None
        body: dict[str, Any] = {
            "ok": False,
            "error_code": fault.status,
            "description": description,
        }
        if fault.retry_after is not None:
            body["parameters"] = {"retry_after": fault.retry_after}
        return web.json_response(body, status=fault.status)

    async def _trickle(
        self, request: web.Request, answer: web.Response, interval: float
    ) -> web.StreamResponse:
        """`answer`'s headers at once, then its body a byte at a time; the rest at once when
        pollers are released (a test is ending), and nothing more once the client has gone."""
        body = answer.body
        assert isinstance(body, bytes)
        response = web.StreamResponse(status=answer.status, headers=answer.headers)
        response.content_length = len(body)
        await response.prepare(request)
        try:
            for sent in range(len(body)):
                if self._closing:
                    await response.write(body[sent:])
                    break
                await response.write(body[sent : sent + 1])
                await asyncio.sleep(interval)
            await response.write_eof()
        except ConnectionResetError:  # the client gave up: what a deadline does
            self.trickles_cut += 1
        return response

    def _flooded(self) -> bool:
        if self.rate_limit is None:
            return False
        now = time.monotonic()
        while self._recent_sends and now - self._recent_sends[0] >= 1.0:
            self._recent_sends.popleft()
        if len(self._recent_sends) >= self.rate_limit:
            return True
        self._recent_sends.append(now)
        return False

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        handler = self._methods.get(method)
        if handler is None:
            return _error(404, "Not Found: method not found")
        params = await _read_params(request)
        self.calls.append((method, params))
        self.call_times.append(time.monotonic())
        if self.latency:
            await asyncio.sleep(self.latency)
        if method == "getUpdates" and self.first_get_updates_at is None:
            self.first_get_updates_at = time.time()
        if method == "sendMessage" and "chat_id" in params and self._flooded():
            self.http_429 += 1
            body = {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
            return web.json_response(body, status=429)

        async def answer() -> web.Response:
            try:
                result = await handler(params)
            except BadRequest as exc:
                return _error(exc.code, exc.description)
            return web.json_response({"ok": True, "result": result})

        if "chat_id" in params:
            failure = await self._apply_fault(request, method, int(params["chat_id"]), answer)
            if failure is not None:
                return failure
        return await answer()

    # -- methods ---------------------------------------------------------------------------

    async def _true(self, _params: dict[str, Any]) -> bool:
        return True

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        action = params.get("action", "")
        if action not in CHAT_ACTIONS:
            raise BadRequest("Bad Request: wrong parameter action in request")
        self.chat_actions.append((int(params["chat_id"]), action))
        return True

    async def _get_me(self, _params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        async with self._new_update:
            if offset:
                confirmed = [u["update_id"] for u in self._updates if u["update_id"] < offset]
                self.handled_update_ids.update(confirmed)
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates:
                if self._closing:
                    return []
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self.polls_waiting += 1
                try:
                    await asyncio.wait_for(self._new_update.wait(), remaining)
                except TimeoutError:
                    return []
                finally:
                    self.polls_waiting -= 1
            batch = self._updates[:limit]
            self.fetched_update_ids.update(u["update_id"] for u in batch)
            return batch

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        text = params.get("text", "")
        self._check_text(text, params.get("parse_mode"), MAX_TEXT, "message text")
        markup = self._check_markup(params.get("reply_markup"))
        message = self._new_message(chat_id, reply_markup=markup)
        self._store_text(message, text, params.get("parse_mode"))
        self.sent_texts[chat_id].append(text)
        self.send_times.append((chat_id, time.time()))
        self._emit(BotEvent("message", chat_id, message["message_id"], text, markup, params=params))
        return message

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find_message(params)
        text = params.get("text", "")
        self._check_text(text, params.get("parse_mode"), MAX_TEXT, "message text")
        markup = self._check_markup(params.get("reply_markup"))
        key = (message["chat"]["id"], message["message_id"])
        if self._sent_as.get(key) == text and message.get("reply_markup") == markup:
            raise BadRequest(
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message"
            )
        self._store_text(message, text, params.get("parse_mode"))
        _set_markup(message, markup)
        chat_id = message["chat"]["id"]
        self._emit(BotEvent("edit", chat_id, message["message_id"], text, markup, params=params))
        return message

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find_message(params)
        markup = self._check_markup(params.get("reply_markup"))
        if message.get("reply_markup") == markup:
            raise BadRequest("Bad Request: message is not modified")
        _set_markup(message, markup)
        chat_id = message["chat"]["id"]
        text = self._sent_as.get((chat_id, message["message_id"]), message.get("text", ""))
        event = BotEvent("edit", chat_id, message["message_id"], text, markup)
        self._emit(event)
        return message

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = params["callback_query_id"]
        if query_id in self.answers:
            raise BadRequest(QUERY_TOO_OLD)
        if self._too_old(query_id):
            self.late_answers.append(query_id)
            raise BadRequest(QUERY_TOO_OLD)
        text = params.get("text") or ""
        if len(text) > 200:
            raise BadRequest("Bad Request: MESSAGE_TOO_LONG")
        event = BotEvent("answer", 0, text=text, params=params)
        self.answers[query_id] = event
        waiter = self._answer_waiters.pop(query_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(event)
        return True

    async def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_file("photo", params)

    async def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_file("document", params)

    def _send_file(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        upload = params.get(kind)
        if not isinstance(upload, _Upload):
            raise BadRequest(f"Bad Request: there is no {kind} in the request")
        caption = params.get("caption", "")
        self._check_text(caption, params.get("parse_mode"), MAX_CAPTION, "caption", empty_ok=True)
        markup = self._check_markup(params.get("reply_markup"))
        message = self._new_message(chat_id, caption=caption, reply_markup=markup)
        if kind == "photo":
            file_id = f"photo-{chat_id}-{message['message_id']}"
            message["photo"] = [
                {"file_id": file_id, "file_unique_id": file_id, "width": 1, "height": 1}
            ]
        else:
            file_id = f"doc-{chat_id}-{message['message_id']}"
            message["document"] = {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": upload.filename,
            }
        self._emit(
            BotEvent(
                kind,
                chat_id,
                message["message_id"],
                caption,
                markup,
                upload.data,
                upload.filename,
                params,
            )
        )
        return message

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        if not str(params.get("url", "")).startswith("https://"):
            raise BadRequest("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self.webhooks.append(params)
        return True

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = json.loads(params["commands"])
        for command in commands:
            if not (1 <= len(command["command"]) <= 32) or not (
                1 <= len(command["description"]) <= 256
            ):
                raise BadRequest("Bad Request: BOT_COMMAND_INVALID")
        scope = json.loads(params.get("scope") or "{}")
        if scope.get("type") == "chat":  # one chat's own menu, over the others
            self.chat_commands[int(scope["chat_id"])] = commands
        elif scope.get("type", "default") == "default":
            self.commands[params.get("language_code", "")] = commands
        else:
            raise BadRequest(f"Bad Request: scope {scope.get('type')} is not used by the bot")
        return True

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        scope = json.loads(params.get("scope") or "{}")
        if scope.get("type") != "chat":
            raise BadRequest("Bad Request: the bot deletes only a chat's own menu")
        self.chat_commands.pop(int(scope["chat_id"]), None)
        return True

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        message = self._find_message(params)
        del self.messages[(message["chat"]["id"], message["message_id"])]
        return True

    # -- helpers ---------------------------------------------------------------------------

    def _too_old(self, query_id: str) -> bool:
        if self.callback_answer_ttl is None or query_id not in self._tapped_at:
            return False
        return time.monotonic() - self._tapped_at[query_id] >= self.callback_answer_ttl

    def _new_message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        message_id = self.next_message_id(chat_id)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
        }
        for key, value in content.items():
            if key == "reply_markup":
                _set_markup(message, value)
            elif value:
                message[key] = value
        self.messages[(chat_id, message_id)] = message
        return message

    def _store_text(self, message: dict[str, Any], text: str, parse_mode: str | None) -> None:
        """What Telegram keeps of a text: the plain text and its entities (what the bot gets
        back in a callback query's message); the text as sent is kept aside, for events and
        for Telegram's "message is not modified" check."""
        key = (message["chat"]["id"], message["message_id"])
        self._sent_as[key] = text
        plain, entities = parse_html_entities(text) if parse_mode == "HTML" else (text, [])
        message["text"] = plain
        if entities:
            message["entities"] = entities
        else:
            message.pop("entities", None)

    def _find_message(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise BadRequest("Bad Request: message to edit not found")
        return self.messages[key]

    def _emit(self, event: BotEvent) -> None:
        self.events[event.chat_id].put_nowait(event)

    def _check_text(
        self, text: str, parse_mode: str | None, limit: int, what: str, empty_ok: bool = False
    ) -> None:
        plain = text
        if parse_mode == "HTML":
            try:
                plain = parse_html(text)
            except HTMLEntityError as exc:
                raise BadRequest(f"Bad Request: can't parse entities: {exc}") from None
        elif parse_mode is not None:
            raise BadRequest(f"Bad Request: unsupported parse_mode {parse_mode} in this fake")
        if not plain.strip() and not empty_ok:
            raise BadRequest(f"Bad Request: {what} is empty")
        if len(plain.encode("utf-16-le")) // 2 > limit:
            raise BadRequest(
                "Bad Request: message is too long"
                if what == "message text"
                else "Bad Request: message caption is too long"
            )

    def _check_markup(self, raw: str | None) -> dict[str, Any] | None:
        if not raw:
            return None
        markup = json.loads(raw)
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        for row in rows:
            if not row:  # Telegram drops it; a phone may show a gap: a bug in the layout
                self.layout_violations.append(f"an empty row in {rows}")
            if len(row) > MAX_BUTTONS_PER_ROW:
                self.layout_violations.append(f"{len(row)} buttons in a row: {row}")
            for button in row:
                label = button["text"] if isinstance(button, dict) else button
                if not label:
                    raise BadRequest(
                        "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
                if len(label) > MAX_LABEL:
                    self.layout_violations.append(f"label over {MAX_LABEL} characters: {label!r}")
                data = button.get("callback_data") if isinstance(button, dict) else None
                if "inline_keyboard" in markup and data is not None:
                    size = len(data.encode("utf-8"))
                    if not 1 <= size <= MAX_CALLBACK_DATA:
                        raise BadRequest("Bad Request: BUTTON_DATA_INVALID")
        return markup


@dataclass
class _Upload:
    filename: str
    data: bytes


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json()
        params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
        return params
    form = await request.post()
    for key, value in form.items():
        if hasattr(value, "file"):
            params[key] = _Upload(value.filename or key, value.file.read())
        else:
            params[key] = value
    # python-telegram-bot sends uploads as attach://name references in multipart requests.
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.get(value.removeprefix("attach://"), value)
    return params


def _set_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
    if markup and "inline_keyboard" in markup:
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)


def _error(code: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": code, "description": description}, status=code
    )
