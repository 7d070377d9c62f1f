"""Call signals in memory (API.md 1.1, "Calls"): each recipient's box of signals, kept for at most
SIGNAL_TTL_MS of the server clock, in arrival order, bounded per box and in all (the oldest go
first). chatserver/calls.py puts into them what it relays, and the streams and polls read them."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chatserver.timefmt import Millis

SIGNAL_TYPES = ("ring", "offer", "answer", "candidate", "hangup", "decline")
SIGNAL_TTL_MS = 60_000  # a signal is kept this long at most
# What one recipient's box holds at most (an offer is a few KiB, a call's candidates a few dozen),
# and what all boxes together hold: past either, the oldest signals are dropped.
BOX_SIGNALS_MAX = 200
BOX_BYTES_MAX = 1024 * 1024
TOTAL_BYTES_MAX = 64 * 1024 * 1024

Party = str  # "p<participant id>" or calls.STAFF


@dataclass(frozen=True)
class Envelope:
    """One signal as sent, with what the call's item needs of its sender; travels between processes
    as JSON (`to_note`)."""

    id: str  # unique: the sending process's nonce and count
    event_id: int
    to: Party
    to_api: int | str  # as API.md says it: a participant id or "hosts"
    sender: Party
    from_api: int | str  # a participant id or "host"
    from_name: str
    role: str | None  # the sender's role when staff ("host", "moderator"), else None
    call_id: str
    type: str
    data: dict[str, Any] | None
    server: bool = False  # made by the server (a hangup it sends), not by a party's request

    def to_note(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=True, separators=(",", ":"))

    @classmethod
    def from_note(cls, note: str) -> Envelope:
        return cls(**json.loads(note))

    def frame(self) -> bytes:
        """The signal as its recipient gets it."""
        body = {"id": self.id, "from": self.from_api, "from_name": self.from_name, "call_id": self.call_id,
                "type": self.type, "data": self.data}  # fmt: skip
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(eq=False)
class Signal:
    """A signal in a box: its place in this process's order, its frame, when it goes."""

    seq: int
    envelope: Envelope
    frame: bytes
    expires_at: Millis
    gone: bool = False


@dataclass
class Box:
    signals: deque[Signal] = field(default_factory=deque)
    bytes: int = 0


class SignalBoxes:
    """Each recipient's signals (per event and party), in arrival order, bounded, for SIGNAL_TTL_MS."""

    def __init__(
        self,
        clock: Callable[[], Millis],
        ttl_ms: int = SIGNAL_TTL_MS,
        box_signals: int = BOX_SIGNALS_MAX,
        box_bytes: int = BOX_BYTES_MAX,
        total_bytes: int = TOTAL_BYTES_MAX,
    ) -> None:
        self.clock, self.ttl_ms = clock, ttl_ms
        self.box_signals, self.box_bytes, self.total_bytes = box_signals, box_bytes, total_bytes
        self._boxes: dict[tuple[int, Party], Box] = {}
        self._order: deque[tuple[tuple[int, Party], Signal]] = deque()  # arrival order = expiry order
        self.bytes = 0
        self.seq = 0  # the newest signal's place in this process's order

    def put(self, envelope: Envelope) -> Signal:
        now = self.clock()
        self.expire(now)
        self.seq += 1
        signal = Signal(self.seq, envelope, envelope.frame(), now + self.ttl_ms)
        key = (envelope.event_id, envelope.to)
        box = self._boxes.setdefault(key, Box())
        box.signals.append(signal)
        box.bytes += len(signal.frame)
        self.bytes += len(signal.frame)
        self._order.append((key, signal))
        while len(box.signals) > self.box_signals or box.bytes > self.box_bytes:
            self._drop(box, box.signals.popleft())
        while self.bytes > self.total_bytes and self._order:
            self._pop_oldest()
        return signal

    def _drop(self, box: Box, signal: Signal) -> None:
        if not signal.gone:
            signal.gone = True
            box.bytes -= len(signal.frame)
            self.bytes -= len(signal.frame)

    def _pop_oldest(self) -> None:
        key, signal = self._order.popleft()
        box = self._boxes.get(key)
        if box is None:
            return
        self._drop(box, signal)
        while box.signals and box.signals[0].gone:
            box.signals.popleft()
        if not box.signals:
            del self._boxes[key]

    def expire(self, now: Millis) -> None:
        while self._order and (self._order[0][1].expires_at <= now or self._order[0][1].gone):
            self._pop_oldest()

    def after(self, event_id: int, party: Party | None, seq: int) -> list[Signal]:
        """The signals in party's box newer than seq (this process's order), oldest first."""
        if party is None:
            return []
        box = self._boxes.get((event_id, party))
        if box is None:
            return []
        now = self.clock()
        return [s for s in box.signals if s.seq > seq and not s.gone and s.expires_at > now]

    def withdraw(self, event_id: int, call_id: str, parties: tuple[Party, ...], keep: Signal | None = None,
                 types: tuple[str, ...] = SIGNAL_TYPES) -> None:  # fmt: skip
        """Take a call's signals of these types out of these boxes (all but `keep`)."""
        for party in parties:
            box = self._boxes.get((event_id, party))
            if box is None:
                continue
            for signal in box.signals:
                if signal is not keep and signal.envelope.call_id == call_id and signal.envelope.type in types:
                    self._drop(box, signal)

    def held(self, event_id: int, party: Party) -> tuple[int, int]:
        """What party's box holds now: (signals, bytes)."""
        box = self._boxes.get((event_id, party))
        if box is None:
            return 0, 0
        return sum(not s.gone for s in box.signals), box.bytes
