"""What conversation's readers see: each phase's items told apart, per reader, by SSE or long poll.

A message is known by its client_id (cv-<n>), a reaction by its participant and emoji, an edit by
its body (cv-edit-<n> ...); n = round * items + i. Stream events are recognised from their raw
bytes where they have chatserver's compact shape, and decoded only otherwise.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bench.benchmarks import sse_crowd
from bench.benchmarks.sse_crowd import Crowd
from bench.client import HTTPConnection

PREFIX = "cv-"  # a phase message's client_id: cv-<n>, n = round * items + i
EDIT_PREFIX = "cv-edit-"  # an edit's body: cv-edit-<n> ...
EMOJIS = ("👍", "🎉", "🚀", "👀", "🙌")  # round r's reactions (each in its canonical form)
POLL_WAIT = 30  # seconds a reader asks the server to hold each poll


class Phase:
    """What the readers saw of one phase's items: items offset .. offset + count - 1."""

    def __init__(self, what: str, readers: int, count: int, offset: int) -> None:
        self.what = what
        self.readers = readers
        self.count = count
        self.offset = offset
        self.sent = [0.0] * count  # perf_counter() when each request was written
        self.seen = [0] * readers  # per reader, bit i: item i arrived
        self.progress = [0] * readers
        self.latencies: list[float] = []
        self.deliveries = 0
        self.duplicates = 0
        self.carriers = 0  # poll responses / stream pieces that carried at least one of these items
        self.complete = 0  # readers that have every item
        self.last_receipt = 0.0
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def receive(self, reader: int, index: int, received_at: float) -> bool:
        """Item index (of this phase) arrived at reader; False when it had it already (a duplicate)."""
        bit = 1 << index
        if self.seen[reader] & bit:
            self.duplicates += 1
            return False
        self.seen[reader] |= bit
        self.deliveries += 1
        self.latencies.append(received_at - self.sent[index])
        self.progress[reader] += 1
        if self.progress[reader] == self.count:
            self.complete += 1
            self.last_receipt = max(self.last_receipt, received_at)
        return True


class ConversationCrowd(Crowd):
    """The readers' shared bookkeeping, across phases."""

    def __init__(self, readers: int, count: int) -> None:
        super().__init__(readers)
        self.count = count
        self.phase: Phase | None = None  # the phase being measured
        self.target = 0  # the message reacted to and edited
        self.target_bytes = b""
        self.reactors: dict[int, int] = {}  # participant id -> index of their reaction in a round
        self.rounds = {emoji: n for n, emoji in enumerate(EMOJIS)}
        self.round_bytes = {emoji.encode(): n for n, emoji in enumerate(EMOJIS)}
        self.other_items = 0  # items of no phase, or of a phase not being measured

    def item(self, reader: int, what: str | None, number: int, item_id: int, received_at: float) -> None:
        """One item (item number of kind what, or of none) arrived at reader."""
        self.in_order(reader, item_id)
        phase = self.phase
        if phase is None or what != phase.what or not 0 <= number - phase.offset < phase.count:
            self.other_items += 1
            return
        if not phase.receive(reader, number - phase.offset, received_at):
            return
        if self.new_carrier(reader, received_at):
            phase.carriers += 1
        if phase.progress[reader] == phase.count:
            self.check()

    def check(self) -> None:
        """Settle the phase once every reader still running has all of its items."""
        phase = self.phase
        if phase is not None and phase.complete + self.failed_readers >= self.readers and not phase.done.done():
            phase.done.set_result(None)

    def reaction(self, participant: int | None, round_number: int | None) -> int:
        """The number of a reaction by participant in a round; -1 when it is none of ours."""
        index = self.reactors.get(participant) if participant is not None else None
        if index is None or round_number is None:
            return -1
        return round_number * self.count + index

    def classify(self, item: dict[str, Any]) -> tuple[str | None, int]:
        """(kind, item number) of a decoded item; (None, -1) for any other item."""
        kind = item.get("kind")
        if kind == "message":
            client_id = item.get("client_id") or ""
            if client_id.startswith(PREFIX) and client_id[len(PREFIX) :].isdigit():
                return "message", int(client_id[len(PREFIX) :])
        elif kind == "reaction" and item.get("target") == self.target and item.get("removed") is False:
            number = self.reaction(item.get("participant_id"), self.rounds.get(item.get("emoji", "")))
            if number >= 0:
                return "reaction", number
        elif kind == "edit" and item.get("target") == self.target:
            body = str(item.get("body", ""))
            number_text = body[len(EDIT_PREFIX) :].split(" ", 1)[0]
            if body.startswith(EDIT_PREFIX) and number_text.isdigit():
                return "edit", int(number_text)
        return None, -1

    def take(self, reader: int, items: list[dict[str, Any]], received_at: float) -> None:
        """A poll response's items."""
        for item in items:
            what, number = self.classify(item)
            self.item(reader, what, number, int(item["id"]), received_at)


_SLOW = (None, -2)
_CLIENT_ID = b'"client_id":"' + PREFIX.encode()
_PARTICIPANT = b'"participant_id":'
_EMOJI = b'"emoji":"'
_EDIT_BODY = b'"body":"' + EDIT_PREFIX.encode()


def _int_at(data: bytes, key: bytes, stop: bytes) -> int | None:
    """The decimal number after key in data, up to stop; None when there is none."""
    start = data.find(key)
    if start < 0:
        return None
    start += len(key)
    end = data.find(stop, start)
    if end < 0:
        return None
    try:
        return int(data[start:end])
    except ValueError:
        return None


def _fast(crowd: ConversationCrowd, data: bytes, event_id: bytes) -> tuple[str | None, int]:
    """(kind, item number) of a stream event's item without decoding its JSON, for chatserver's
    compact items (`{"id":<id>,"kind":"<kind>",...}`); _SLOW for anything else, for json.loads to
    decide. The generator must stay far cheaper than the server (see fanout._fast_index)."""
    head = b'{"id":' + event_id + b',"kind":"'
    if not data.startswith(head) or data[-1:] != b"}":
        return _SLOW
    at = len(head)
    if data.startswith(b'message"', at):
        number = _int_at(data, _CLIENT_ID, b'"')
        return ("message", number) if number is not None else _SLOW
    target = b'"target":' + crowd.target_bytes
    if target + b"," not in data and not data.endswith(target + b"}"):
        return _SLOW
    if data.startswith(b'reaction"', at) and b'"removed":false' in data:
        start = data.find(_EMOJI)
        end = data.find(b'"', start + len(_EMOJI)) if start >= 0 else -1
        round_number = crowd.round_bytes.get(data[start + len(_EMOJI) : end]) if end >= 0 else None
        number = crowd.reaction(_int_at(data, _PARTICIPANT, b","), round_number)
        return ("reaction", number) if number >= 0 else _SLOW
    if data.startswith(b'edit"', at):
        number = _int_at(data, _EDIT_BODY, b" ")
        return ("edit", number) if number is not None else _SLOW
    return _SLOW


class StreamReader(sse_crowd.StreamReader[ConversationCrowd]):
    """One SSE reader: the stream's items go to the crowd as they arrive."""

    __slots__ = ()

    def on_item(self, data: bytes, event_id: bytes | None, received_at: float) -> None:
        """One item: recognised from its bytes where it can be, else decoded."""
        crowd = self.crowd
        what, number = _fast(crowd, data, event_id) if event_id is not None else _SLOW
        if number == _SLOW[1]:
            try:
                item = json.loads(data)
                if event_id is None or int(event_id) != item["id"]:
                    raise ValueError("the id: line is not the item's id")
            except (ValueError, TypeError, KeyError):
                crowd.bad_events += 1
                return
            what, number = crowd.classify(item)
        crowd.item(self.number, what, number, int(event_id or 0), received_at)


async def poll_reader(conn: HTTPConnection, number: int, slug: str, cursor: int, crowd: ConversationCrowd) -> None:
    """Long-poll from cursor, re-polling at once with each returned cursor, until a poll fails."""
    prefix = f"/api/events/{slug}/messages?wait={POLL_WAIT}&after="
    while True:
        try:
            response = await conn.request("GET", prefix + str(cursor), timeout=POLL_WAIT + 30)
        except (ConnectionError, TimeoutError):
            crowd.transport_errors += 1
            crowd.reader_failed()
            return
        if response.status != 200:
            crowd.non_200 += 1
            crowd.reader_failed()
            return
        body = json.loads(response.body)
        crowd.take(number, body["messages"], response.received_at)
        cursor = int(body["cursor"])
