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

from chatserver.models import Item

# Bytes of encoded answers held within one loop turn; beyond, answers are encoded but not held.
ANSWERS_HELD_BYTES = 16 * 2**20
# The most bytes of items one poll answer or one stream write carries; the rest follows
# (`more: true`). It bounds what a reader that does not read can make the server queue.
PAGE_BYTES = 256 * 1024
# An upper bound on an item's JSON beside its text: id, kind, times, client_id, target, keys.
_ITEM_OVERHEAD = 256

# The key says everything the bytes depend on: new items, a retraction (itself a new item) or a
# change of state make a new key, so a held answer is never stale. Only answers read from memory
# in one step (Store.recent_page) are held: the event's newest id and the items then agree.
AnswerKey = tuple[int, int, int, int, str]
Encoder = Callable[[list[Item]], bytes]


def encode_answer(items: list[Item], cursor: int, more: bool, state: str) -> bytes:
    """`{"messages":[…],"cursor":…,"more":…,"state":…,` to be completed with the server time."""
    messages = json.dumps([item.to_json() for item in items], ensure_ascii=False, separators=(",", ":"))
    return f'{{"messages":{messages},"cursor":{cursor},"more":{"true" if more else "false"},"state":"{state}",'.encode()


def fit(items: list[Item], budget: int = PAGE_BYTES) -> tuple[list[Item], bool]:
    """The longest run of items from the start whose JSON fits in budget bytes (at least one item),
    and whether any were cut. Sizes are upper bounds (4 bytes a character), so nothing is encoded."""
    used = 0
    for index, item in enumerate(items):
        used += _ITEM_OVERHEAD + 4 * (len(item.body) + len(item.author or "") + len(item.client_id or ""))
        if used > budget and index > 0:
            return items[:index], True
    return items, False


class Answers:
    """The JSON of poll answers without their server_time, by what they depend on, for one turn."""

    def __init__(self, max_bytes: int = ANSWERS_HELD_BYTES) -> None:
        self._held: dict[AnswerKey, bytes] = {}
        self._bytes = 0
        self.max_bytes = max_bytes
        self.encoded = 0  # answers built (the rest were shared)

    def body(self, key: AnswerKey, items: list[Item], cursor: int, more: bool, state: str) -> bytes:
        """`{"messages":[…],"cursor":…,"more":…,"state":…,` to be completed with the server time."""
        return self.shared(key, items, lambda page: encode_answer(page, cursor, more, state))

    def shared(self, key: AnswerKey, items: list[Item], encode: Encoder) -> bytes:
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
