"""A person in a private chat with the bot: sends text, taps buttons, reads replies."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

from tests.fakebot.server import BotEvent, FakeBotAPI

REPLY_TIMEOUT = 10.0
_query_ids = itertools.count(1)


class FakeUser:
    def __init__(
        self,
        api: FakeBotAPI,
        user_id: int,
        first_name: str = "Lisa",
        language_code: str | None = "en",
    ) -> None:
        self.api = api
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.seen: list[BotEvent] = []

    @property
    def profile(self) -> dict[str, Any]:
        profile: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            profile["language_code"] = self.language_code
        return profile

    def _chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": self.api.next_message_id(self.id),
            "date": int(time.time()),
            "chat": self._chat(),
            "from": self.profile,
            **content,
        }

    # -- acting ----------------------------------------------------------------------------

    async def send(self, text: str) -> int:
        """Type and send a text message (a leading /command is marked as one)."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self.api.push_update({"message": self._message(**content)})

    async def send_sticker(self) -> int:
        sticker = {
            "file_id": "sticker-1",
            "file_unique_id": "sticker-1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return await self.api.push_update({"message": self._message(sticker=sticker)})

    async def send_photo(self) -> int:
        photo = [{"file_id": "photo-1", "file_unique_id": "photo-1", "width": 90, "height": 90}]
        return await self.api.push_update({"message": self._message(photo=photo)})

    async def send_location(self, latitude: float, longitude: float) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        return await self.api.push_update({"message": self._message(location=location)})

    async def tap(self, label: str, message_id: int | None = None) -> str:
        """Tap the inline button with this label on the newest message showing it."""
        message = self._message_with_button(label, message_id)
        data = next(
            b["callback_data"]
            for row in message["reply_markup"]["inline_keyboard"]
            for b in row
            if b["text"] == label
        )
        return await self.press(data, message)

    async def press(self, data: str, message: dict[str, Any] | None = None) -> str:
        """Send a callback query with any data, as a forged or stale client could."""
        query_id = f"q{next(_query_ids)}"
        if message is None:
            message = self._latest_bot_message()
        query = {
            "id": query_id,
            "from": self.profile,
            "chat_instance": f"ci-{self.id}",
            "data": data,
            "message": message,
        }
        await self.api.push_update({"callback_query": query})
        return query_id

    # -- reading ---------------------------------------------------------------------------

    async def next_event(self, timeout: float = REPLY_TIMEOUT) -> BotEvent:
        """The next thing the bot did in this chat (a message, photo, document or edit)."""
        event = await asyncio.wait_for(self.api.events[self.id].get(), timeout)
        self.seen.append(event)
        return event

    async def reply(self, timeout: float = REPLY_TIMEOUT) -> BotEvent:
        """The next new message from the bot; fails if the bot did something else first."""
        event = await self.next_event(timeout)
        assert event.kind in {"message", "photo", "document"}, f"expected a message, got {event}"
        return event

    async def edit(self, timeout: float = REPLY_TIMEOUT) -> BotEvent:
        event = await self.next_event(timeout)
        assert event.kind == "edit", f"expected an edit, got {event}"
        return event

    async def answer(self, query_id: str, timeout: float = REPLY_TIMEOUT) -> BotEvent:
        """The bot's answerCallbackQuery for a tap."""
        return await self.api.wait_answer(query_id, timeout)

    async def ask(self, text: str) -> BotEvent:
        """Send text and return the bot's reply."""
        await self.send(text)
        return await self.reply()

    async def quiet(self, seconds: float = 0.3) -> None:
        """Assert the bot says nothing more in this chat for a moment."""
        try:
            event = await asyncio.wait_for(self.api.events[self.id].get(), seconds)
        except TimeoutError:
            return
        raise AssertionError(f"the bot said more than expected: {event}")

    def _latest_bot_message(self) -> dict[str, Any]:
        ids = [mid for (chat, mid) in self.api.messages if chat == self.id]
        return self.api.messages[(self.id, max(ids))]

    def _message_with_button(self, label: str, message_id: int | None) -> dict[str, Any]:
        candidates = sorted(
            (mid for (chat, mid) in self.api.messages if chat == self.id), reverse=True
        )
        for mid in candidates:
            if message_id is not None and mid != message_id:
                continue
            message = self.api.messages[(self.id, mid)]
            rows = message.get("reply_markup", {}).get("inline_keyboard", [])
            if any(b["text"] == label for row in rows for b in row):
                return message
        raise AssertionError(f"no button {label!r} in the chat")
