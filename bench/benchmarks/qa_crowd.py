"""What Q&A's SSE readers see: `votes` items counted (and decoded by the sampled readers), messages.

Only readers 0 .. sampled-1 decode the items (json.loads); the others recognise a `votes` event
from its raw bytes and count it, so the generator stays far cheaper than the server.
"""

from __future__ import annotations

import asyncio
import json

from bench.benchmarks import sse_crowd
from bench.benchmarks.sse_crowd import Crowd

MESSAGE_PREFIX = "qa-m-"  # a reference message's client_id: qa-m-<n>

_VOTES = b'"kind":"votes"'
_MESSAGE = b'"kind":"message"'
_CLIENT_ID = b'"client_id":"' + MESSAGE_PREFIX.encode()


class QACrowd(Crowd):
    """The readers' shared bookkeeping."""

    def __init__(self, readers: int, sampled: int) -> None:
        super().__init__(readers)
        self.sampled = sampled  # readers 0 .. sampled-1 decode the items
        self.phase: str | None = None
        self.messages_expected = 0
        self.message_sent: list[float] = []
        self.message_count = [0] * readers
        self.message_latencies: list[float] = []
        self.message_complete = 0
        self.message_done: asyncio.Future[None] | None = None
        self.message_carriers = 0
        self.votes_count = [0] * readers  # per reader, `votes` items received in the phase
        self.votes_carriers = 0
        self.waves: dict[int, list[float]] = {}  # `votes` item id -> [first, last receipt]
        # per sampled reader: question id -> (receive times, counts, created_at) of the `votes` items that carried it
        self.seen: list[dict[int, tuple[list[float], list[int], list[str]]]] = [{} for _ in range(sampled)]
        self.other_items = 0

    def last_counts(self, reader: int) -> dict[int, int]:
        """A sampled reader's latest count for every question it was told of."""
        return {question: counts[-1] for question, (_, counts, _) in self.seen[reader].items()}

    def caught_up(self, wanted: dict[int, int]) -> bool:
        """Whether every reader has as many `votes` items as the others and every sampled reader's
        latest counts are wanted (question id -> count), with no reader failed."""
        if self.failed_readers:
            return False
        if any(self.last_counts(r) != wanted for r in range(self.sampled)):
            return False
        top = self.votes_count[0] if self.sampled else max(self.votes_count)
        return all(got == top for got in self.votes_count)

    def on_event(self, reader: int, data: bytes, event_id: bytes, received_at: float) -> None:
        """One item event (its id: line all digits) at reader."""
        item_id = int(event_id)
        self.in_order(reader, item_id)
        kind_at = data.find(b'"kind":', 0, 40)
        if data.startswith(_VOTES, kind_at):
            if self.phase != "votes":
                self.other_items += 1
                return
            self.votes_count[reader] += 1
            wave = self.waves.get(item_id)
            if wave is None:
                self.waves[item_id] = [received_at, received_at]
            elif received_at > wave[1]:
                wave[1] = received_at
            if self.new_carrier(reader, received_at):
                self.votes_carriers += 1
            if reader < self.sampled:
                try:
                    item = json.loads(data)
                    created, seen = str(item["created_at"]), self.seen[reader]
                    for question, count in item["questions"].items():
                        times, values, stamps = seen.setdefault(int(question), ([], [], []))
                        times.append(received_at)
                        values.append(int(count))
                        stamps.append(created)
                except (ValueError, TypeError, KeyError, AttributeError):
                    self.bad_events += 1
            return
        if data.startswith(_MESSAGE, kind_at) and self.phase == "message" and _CLIENT_ID in data:
            self.message_count[reader] += 1
            if self.new_carrier(reader, received_at):
                self.message_carriers += 1
            if reader < self.sampled:
                try:
                    client_id = str(json.loads(data)["client_id"])
                    self.message_latencies.append(
                        received_at - self.message_sent[int(client_id[len(MESSAGE_PREFIX) :])]
                    )
                except (ValueError, TypeError, KeyError, IndexError):
                    self.bad_events += 1
            if self.message_count[reader] == self.messages_expected:
                self.message_complete += 1
                if self.message_complete + self.failed_readers >= self.readers and self.message_done is not None:
                    if not self.message_done.done():
                        self.message_done.set_result(None)
            return
        self.other_items += 1


class StreamReader(sse_crowd.StreamReader[QACrowd]):
    """One SSE reader: its items go to the crowd as they arrive."""

    __slots__ = ()

    def on_item(self, data: bytes, event_id: bytes | None, received_at: float) -> None:
        """One item event: the crowd's, when its id: line is a number."""
        if event_id is None or not event_id.isdigit():
            self.crowd.bad_events += 1
            return
        self.crowd.on_event(self.number, data, event_id, received_at)
