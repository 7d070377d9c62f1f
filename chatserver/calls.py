"""Calls (API.md 1.1, "Calls"): signals relayed between the two parties of a call, never stored,
and the calls themselves, tracked from `ring` to their end, when one private `call` item is
appended to the parties' thread.

A signal lives in this process's memory only, in its recipient's box, for at most SIGNAL_TTL_MS of
the server clock; every box and all boxes together are bounded (the oldest go first). Each
process hears every signal (its own, and the others' by a note, `Store.relay_call_signal`), so
every process holds the same boxes and the same calls: a recipient's stream, wherever it is held,
gets the signal. A connection is given what its box holds that it has not been given yet; a new
connection (a tab opened while a call rings) gets what the box holds. Once a call is answered its
`ring` is withdrawn from the boxes, and once it ends, everything of it but the end itself, so
that nothing rings again for a call that is over.

The process that took a call's ending request (`hangup`, `decline`) appends its `call` item; the
process that took its `ring` ends it as missed when nobody answered within `ring_ms`: it appends the
item and sends `hangup` to both sides. The item is appended at most once per call: the Store
checks in the event's locked row (several processes may race to end one call). The process that
took the callee's `answer` sends the callee's box a `hangup` saying `answered_elsewhere`, so that
the callee's other connections stop ringing. An event's close ends its calls: the Store appends
their items before the closing item (`lines_at_close`), and the process that took each ring sends
both sides a `hangup` saying `closed`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chatserver.models import DM_EVERYONE, DM_OFF, PHASE_CLOSED, TO_HOSTS, Event, Viewer, party_of
from chatserver.signal_boxes import (
    BOX_BYTES_MAX,
    BOX_SIGNALS_MAX,
    SIGNAL_TTL_MS,
    SIGNAL_TYPES,
    Envelope,
    Party,
    Signal,
    SignalBoxes,
)
from chatserver.store.calls import CallLine
from chatserver.timefmt import Millis

if TYPE_CHECKING:
    from chatserver.broker import Broker
    from chatserver.store import Store

# The boxes live in signal_boxes.py; what other modules import of them from here still works.
__all__ = [
    "BOX_BYTES_MAX",
    "BOX_SIGNALS_MAX",
    "SIGNAL_TTL_MS",
    "SIGNAL_TYPES",
    "Envelope",
    "Party",
    "Signal",
    "SignalBoxes",
    "Calls",
]

log = logging.getLogger(__name__)

MEDIA = ("audio", "video")
# A ring nobody answers ends as a missed call after this long (--ring-timeout, in these bounds).
DEFAULT_RING_S = 45
RING_S_MIN, RING_S_MAX = 5, 600
CALL_MAX_MS = 6 * 3600_000  # a call nobody hung up is ended after this long (its tabs were closed)
DATA_MAX = 16 * 1024  # a signal's data, serialised as JSON (UTF-8 bytes)
CALLS_PER_CALLER_MAX = 4  # calls one party rings or holds at once, per event
CALLS_MAX = 10_000  # calls tracked at once, in all
SWEEP_S = 1.0  # how often (loop time) rings, calls and signals are checked against the server clock
STAFF = "staff"  # the party of the hosts and moderators
# A hangup the server sends to the callee's other connections when one of them answers.
ANSWERED_ELSEWHERE = "answered_elsewhere"
# The reason of the hangups and the item of a call whose line the event's hosts closed (direct_messages).
LINE_CLOSED = "line_closed"


@dataclass
class Call:
    """A call from its ring to its end."""

    event_id: int
    call_id: str
    caller: Party
    caller_id: int | None  # the caller's participant id (None: staff)
    caller_name: str
    caller_role: str | None
    callee: Party
    to_api: int | str
    media: str
    started_at: Millis
    local: bool  # this process took the ring: it ends the call as missed, or tells both sides of the close
    answered_at: Millis | None = None


@dataclass(frozen=True)
class CallEnd:
    """How a call ended, for its item."""

    call: Call
    ended_at: Millis
    reason: str  # "hangup", "declined", "busy", "no_answer", "closed", "failed", "lost", LINE_CLOSED

    @property
    def missed(self) -> bool:
        return self.call.answered_at is None

    @property
    def duration_s(self) -> int:
        answered = self.call.answered_at
        return 0 if answered is None else max(0, (self.ended_at - answered) // 1000)

    def line(self) -> CallLine:
        """The call's item, as the Store appends it."""
        call = self.call
        data = {"call_id": call.call_id, "media": call.media, "duration_s": self.duration_s, "missed": self.missed,
                "reason": self.reason}  # fmt: skip
        callee = None if call.callee == STAFF else int(call.callee[1:])
        return CallLine(call.call_id, data, call.caller_name, call.caller_id, call.caller_role, callee)


# A party's hangup that says why (call.js): the call never found a path, or lost it mid-call.
HANGUP_REASONS = {"ice_failed": "failed", "connection_lost": "lost"}


def line_open(event: Event, call: Call) -> bool:
    """Whether the event's rule still lets a call's parties write to each other (refuse_private_route):
    between two participants only under DM_EVERYONE, between a participant and the hosts unless DM_OFF."""
    if call.caller == STAFF or call.callee == STAFF:
        return event.direct_messages != DM_OFF
    return event.direct_messages == DM_EVERYONE


def ending(envelope: Envelope) -> str:
    """What a party's hangup or decline makes of the call's item's reason."""
    why = (envelope.data or {}).get("reason")
    if envelope.type == "hangup":
        return HANGUP_REASONS.get(why, "hangup") if isinstance(why, str) else "hangup"
    return "busy" if why == "busy" else "declined"


class Calls:
    """The signals' boxes, the calls in progress, and the relay between processes."""

    def __init__(
        self, store: Store, broker: Broker, boxes: SignalBoxes | None = None, ring_s: int = DEFAULT_RING_S
    ) -> None:
        self.store, self.broker = store, broker
        self.ring_ms = ring_s * 1000  # a ring nobody answers within this is a missed call
        self.boxes = boxes or SignalBoxes(store.clock)
        self.nonce = secrets.token_hex(4)  # tells this process's cursors and signal ids apart
        self._sent = 0
        self.calls: dict[tuple[int, str], Call] = {}
        # The same calls per event. Each event's tuple is replaced whole, never changed in place:
        # the Store reads it inside the write job that closes the event (lines_at_close), which on
        # SQLite runs in the writer thread.
        self._of_event: dict[int, tuple[Call, ...]] = {}
        self.sweep_s = SWEEP_S
        self._sweeper: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        store.on_call_signal(self._take_remote)
        store.on_close_calls(self.lines_at_close)
        store.on_event(self._event_changed)

    # -- sending and taking ---------------------------------------------------------------------

    def new_id(self) -> str:
        self._sent += 1
        return f"{self.nonce}-{self._sent}"

    async def send(self, envelope: Envelope) -> None:
        """A signal this process took: into its box and the call book, then to the other processes."""
        self._take(envelope, local=True)
        await self.store.relay_call_signal(envelope.to_note())

    def _take_remote(self, note: str) -> None:
        try:
            envelope = Envelope.from_note(note)
        except (ValueError, TypeError):
            log.warning("a call signal from another process could not be read")
            return
        self._take(envelope, local=False)

    def _take(self, envelope: Envelope, local: bool) -> None:
        signal = self.boxes.put(envelope)
        self._track(envelope, signal, local)
        self.broker.signalled(envelope.event_id, envelope.to)

    def pending(self, event_id: int, viewer: Viewer, after: int) -> list[Signal]:
        return self.boxes.after(event_id, party_of(viewer), after)

    def cursor(self) -> str:
        """Where a poll's signals stand, for its next poll (`signals_after`)."""
        return f"{self.nonce}.{self.boxes.seq}"

    def seq_after(self, cursor: str | None) -> int:
        """A poll's `signals_after` as a place in this process's order: 0 (all that is kept) when
        absent, malformed, or another process's."""
        nonce, _, seq = (cursor or "").partition(".")
        if nonce != self.nonce or not seq.isdigit() or len(seq) > 18:
            return 0
        return int(seq)

    # -- calls ----------------------------------------------------------------------------------

    def active(self, event_id: int, party: Party) -> int:
        """Calls party rang in event_id that have not ended (the hosts and moderators are one party)."""
        return sum(1 for c in self._of_event.get(event_id, ()) if c.caller == party)

    def full(self) -> bool:
        return len(self.calls) >= CALLS_MAX

    def _keep(self, call: Call) -> None:
        self.calls[(call.event_id, call.call_id)] = call
        self._of_event[call.event_id] = (*self._of_event.get(call.event_id, ()), call)

    def _forget(self, call: Call) -> None:
        self.calls.pop((call.event_id, call.call_id), None)
        rest = tuple(c for c in self._of_event.get(call.event_id, ()) if c is not call)
        if rest:
            self._of_event[call.event_id] = rest
        else:
            self._of_event.pop(call.event_id, None)

    def _track(self, envelope: Envelope, signal: Signal, local: bool) -> None:
        key = (envelope.event_id, envelope.call_id)
        call = self.calls.get(key)
        now = self.store.clock()
        if envelope.type == "ring":
            if call is None and not self.full():
                media = (envelope.data or {}).get("media")
                self._keep(Call(
                    envelope.event_id, envelope.call_id, envelope.sender,
                    envelope.from_api if isinstance(envelope.from_api, int) else None,
                    envelope.from_name, envelope.role, envelope.to, envelope.to_api,
                    media if media in MEDIA else "audio", now, local,
                ))  # fmt: skip
                self._sweep_soon()
            return
        if call is None or envelope.sender not in (call.caller, call.callee):
            return  # not a call this process knows, or not from one of its parties: relayed only
        if envelope.server and (envelope.data or {}).get("reason") == ANSWERED_ELSEWHERE:
            return  # the callee's other connections stop ringing; the call goes on
        parties = (call.caller, call.callee)
        from_callee = envelope.sender == call.callee
        if envelope.type == "answer" and from_callee and call.answered_at is None:
            call.answered_at = now
            self.boxes.withdraw(call.event_id, call.call_id, parties, types=("ring",))
            if local:  # every process tracks this answer: the one that took it tells the callee's others
                self._hang_up(call, ANSWERED_ELSEWHERE, caller_too=False)
        elif envelope.type == "hangup" or (envelope.type == "decline" and from_callee):
            self._forget(call)
            self.boxes.withdraw(call.event_id, call.call_id, parties, keep=signal)
            if local:
                self._end(CallEnd(call, now, ending(envelope)))

    def _end(self, end: CallEnd) -> None:
        self._spawn(self._append(end))

    def unfinished(self) -> int:
        """Item appends and relays this process started and has not finished (tests wait for none)."""
        return len(self._tasks)

    def _spawn(self, job: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(job)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _append(self, end: CallEnd) -> None:
        try:
            await self.store.append_call(end.call.event_id, end.line())
        except Exception as exc:  # a closed event, a full disk: the call is over all the same
            log.info("no call item for call %s: %s", end.call.call_id, getattr(exc, "message", exc))

    def _hang_up(self, call: Call, reason: str, caller_too: bool = True) -> None:
        """Hangups the server makes, with data {"reason": reason}: to the callee (from the caller)
        and, when caller_too, to the caller (from the callee); here and in the other processes."""
        caller_api: int | str = call.caller_id if call.caller_id is not None else "host"
        callee_api: int | str = "host" if call.callee == STAFF else int(call.callee[1:])
        sends = [(call.callee, call.to_api, call.caller, caller_api, call.caller_name)]
        if caller_too:
            to_caller: int | str = call.caller_id if call.caller_id is not None else TO_HOSTS
            sends.append((call.caller, to_caller, call.callee, callee_api, ""))
        for to, to_api, sender, from_api, name in sends:
            envelope = Envelope(self.new_id(), call.event_id, to, to_api, sender, from_api, name, None,
                                call.call_id, "hangup", {"reason": reason}, server=True)  # fmt: skip
            self.boxes.put(envelope)
            self.broker.signalled(call.event_id, to)
            self._spawn(self.store.relay_call_signal(envelope.to_note()))

    # -- the event's close ends its calls -------------------------------------------------------

    def lines_at_close(self, event_id: int, now: Millis) -> list[CallLine]:
        """The items of event_id's calls still running, ended by its close at `now`. The Store calls
        this inside the closing write (on SQLite in its writer thread): it reads, and changes nothing."""
        return [CallEnd(call, now, "closed").line() for call in self._of_event.get(event_id, ())]

    def _event_changed(self, event: Event) -> None:
        """An event closed, here or in another process: its calls are over (their items went in
        before the closing item); the process that took each ring tells both parties. Or its hosts
        changed who may write privately: the calls whose line it closes end (line_closed)."""
        if event.phase < PHASE_CLOSED:
            for call in self._of_event.get(event.id, ()):
                if not line_open(event, call):
                    self._forget(call)
                    self.boxes.withdraw(call.event_id, call.call_id, (call.caller, call.callee))
                    if call.local:  # its parties can no longer signal each other, not even a hangup
                        self._end(CallEnd(call, self.store.clock(), LINE_CLOSED))
                        self._hang_up(call, LINE_CLOSED)
            return
        for call in self._of_event.get(event.id, ()):
            self._forget(call)
            self.boxes.withdraw(call.event_id, call.call_id, (call.caller, call.callee))
            if call.local:
                self._hang_up(call, "closed")

    # -- time: rings nobody answers, calls nobody ends, signals past their time ---------------------

    def _sweep_soon(self) -> None:
        if self._sweeper is None:
            self._sweeper = asyncio.get_running_loop().call_later(self.sweep_s, self.sweep)

    def sweep(self) -> None:
        """End the rings nobody answered in time (missed) and calls left running past CALL_MAX_MS;
        forget the other processes' stale calls; drop expired signals."""
        self._sweeper = None
        now = self.store.clock()
        self.boxes.expire(now)
        for call in list(self.calls.values()):
            if call.answered_at is None:
                # Another process's ring is ended by that process; forgotten here a little later.
                if now - call.started_at < self.ring_ms + (0 if call.local else 15_000):
                    continue
                self._forget(call)
                if call.local:
                    self._missed(call, now)
            elif now - call.answered_at >= CALL_MAX_MS:
                self._forget(call)
                if call.local:
                    self._end(CallEnd(call, now, "hangup"))
        if self.calls:
            self._sweep_soon()

    def _missed(self, call: Call, now: Millis) -> None:
        """Nobody answered: the item, and a hangup to each side so that the callee stops ringing."""
        self.boxes.withdraw(call.event_id, call.call_id, (call.caller, call.callee))
        self._end(CallEnd(call, now, "no_answer"))
        self._hang_up(call, "no_answer")

    def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
