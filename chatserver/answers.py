"""Poll answers encoded once and shared: every waiter woken at one cursor gets the same bytes."""

from __future__ import annotations

import json
from collections.abc import Callable

from chatserver.models import Item

ANSWERS_HELD = 512  # distinct (event, cursor, limit, newest, state) answers kept; then start again

# The key says everything the bytes depend on: new items, a retraction (itself a new item) or a
# change of state make a new key, so a held answer is never stale. Only answers read from memory
# in one step (Store.recent_page) are held: the event's newest id and the items then agree.
AnswerKey = tuple[int, int, int, int, str]
Encoder = Callable[[list[Item]], bytes]


def encode_answer(items: list[Item], cursor: int, more: bool, state: str) -> bytes:
    """`{"messages":[…],"cursor":…,"more":…,"state":…,` to be completed with the server time."""
    messages = json.dumps([item.to_json() for item in items], ensure_ascii=False, separators=(",", ":"))
    return f'{{"messages":{messages},"cursor":{cursor},"more":{"true" if more else "false"},"state":"{state}",'.encode()


class Answers:
    """The JSON of poll answers without their server_time, by what they depend on."""

    def __init__(self) -> None:
        self._held: dict[AnswerKey, bytes] = {}
        self.encoded = 0  # answers built (the rest were shared)

    def body(self, key: AnswerKey, items: list[Item], cursor: int, more: bool, state: str) -> bytes:
        """`{"messages":[…],"cursor":…,"more":…,"state":…,` to be completed with the server time."""
        return self.shared(key, items, lambda page: encode_answer(page, cursor, more, state))

    def shared(self, key: AnswerKey, items: list[Item], encode: Encoder) -> bytes:
        """The items encoded by `encode`, once per key."""
        held = self._held.get(key)
        if held is not None:
            return held
        body = encode(items)
        if len(self._held) >= ANSWERS_HELD:
            self._held.clear()
        self._held[key] = body
        self.encoded += 1
        return body
