"""Poll answers encoded once and shared: every waiter woken at one cursor gets the same bytes.

Only what many readers share is worth keeping, and they share it within one turn of the event
loop: a commit wakes every held poll of an event (and tells every stream) together, and each
answers from memory before the loop turns again. So an answer is held for the rest of the turn
in which it was encoded and then forgotten; a one-off read is never kept, and the bytes held at
any moment are bounded by what one turn encodes, and by ANSWERS_HELD_BYTES.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import NamedTuple

from chatserver.models import Item, Page

# Bytes of encoded answers held within one loop turn; beyond, answers are encoded but not held.
ANSWERS_HELD_BYTES = 16 * 2**20


class AnswerKey(NamedTuple):
    """Everything the bytes depend on: new items, a retraction (itself a new item) or a change of
    state make a new key, so a held answer is never stale. Only pages read from memory in one step
    are held (Page.from_memory): the event's newest id and the items then agree."""

    event_id: int
    after: int
    limit: int
    newest: int  # the event's newest item id when the page was read
    state: str
    form: str  # "poll" or "sse": the same page is encoded differently for each
    view: str  # Page.view: "public", or whose private items it holds


Encoder = Callable[[list[Item]], bytes]


def encode_items(items: list[Item]) -> bytes:
    """The SSE form: `id: <cursor>` and `data: <the item as in the poll>` for each item."""
    return "".join(
        f"id: {item.id}\ndata: {json.dumps(item.to_json(), ensure_ascii=False, separators=(',', ':'))}\n\n"
        for item in items
    ).encode()


def encode_answer(items: list[Item], cursor: int, more: bool, state: str) -> bytes:
    """`{"messages":[…],"cursor":…,"more":…,"state":…,` to be completed with the server time."""
    messages = json.dumps([item.to_json() for item in items], ensure_ascii=False, separators=(",", ":"))
    return f'{{"messages":{messages},"cursor":{cursor},"more":{"true" if more else "false"},"state":"{state}",'.encode()


class Answers:
    """The JSON of poll answers without their server_time, by what they depend on, for one turn."""

    def __init__(self, max_bytes: int = ANSWERS_HELD_BYTES) -> None:
        self._held: dict[AnswerKey, bytes] = {}
        self._bytes = 0
        self.max_bytes = max_bytes
        self.encoded = 0  # answers built (the rest were shared)

    def poll_body(self, page: Page, state: str) -> bytes:
        """A poll's answer without its server_time, encoded once per key within this loop turn
        when the page came from memory, else just encoded."""

        def encode(items: list[Item]) -> bytes:
            return encode_answer(items, page.cursor, page.more, state)

        if not page.from_memory:
            return encode(page.items)
        key = AnswerKey(page.event.id, page.after, len(page.items), page.event.last_item_id, state, "poll", page.view)
        return self.once(key, page.items, encode)

    def stream_chunk(self, page: Page, state: str) -> bytes:
        """A page's items as SSE events, encoded once per key within this loop turn (as polls')."""
        if not page.from_memory:
            return encode_items(page.items)
        key = AnswerKey(page.event.id, page.after, len(page.items), page.event.last_item_id, state, "sse", page.view)
        return self.once(key, page.items, encode_items)

    def once(self, key: AnswerKey, items: list[Item], encode: Encoder) -> bytes:
        """The items encoded by `encode`, once per key within this loop turn."""
        held = self._held.get(key)
        if held is not None:
            return held
        body = encode(items)
        self.encoded += 1
        if self._bytes + len(body) <= self.max_bytes:
            if not self._held:
                asyncio.get_running_loop().call_soon(self.forget)  # after every reader of this turn
            self._held[key] = body
            self._bytes += len(body)
        return body

    def forget(self) -> None:
        """Drop every held answer."""
        self._held.clear()
        self._bytes = 0

    @property
    def held_bytes(self) -> int:
        return self._bytes
