"""One commit's items to every SSE stream of an event that is level with it, in one loop.

The broker tells an event's streams after each loop turn's commits. Most of them were sent
everything before and wait at the same cursor with the same state, and a page of public items is
the same for every reader, whoever they are. So the page is read, encoded and framed once per
cursor, and written to each such stream's socket in a tight loop, without a call into its handler.
Every other stream (behind, catching up, with a write still queued, or whose next page holds a
private item or a new state) is handed back to the broker, which tells its handler as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chatserver.answers import Answers
from chatserver.models import CLOSED, Page, fit
from chatserver.presence import Presence
from chatserver.sse_writer import PAGE, framed

if TYPE_CHECKING:
    from chatserver.broker import Subscriber
    from chatserver.store import Store


class Broadcast:
    """The broker's fan-out to SSE streams (Broker.fanout): serves the streams it can, returns the rest."""

    def __init__(self, store: Store, answers: Answers, presence: Presence) -> None:
        self.store = store
        self.answers = answers
        self.presence = presence

    def __call__(self, event_id: int, subscribers: list[Subscriber]) -> list[Subscriber]:
        recent = self.store.recent
        event = recent.event_of(event_id)
        if event is None:
            return subscribers
        state = event.state(self.store.clock())
        if state == CLOSED:
            return subscribers  # the end of the stream is the handler's to write
        rest: list[Subscriber] = []
        level: dict[int, list[Subscriber]] = {}  # streams ready for a write, by cursor
        for subscriber in subscribers:
            out = subscriber.outlet
            if (
                out is None
                or out.sock is None
                or out.busy
                or out.state != state
                or (out.flushing is not None and not out.flushing.done())
            ):
                rest.append(subscriber)
                continue
            group = level.get(out.after)
            if group is None:
                level[out.after] = [subscriber]
            else:
                group.append(subscriber)
        for after, group in level.items():
            held = recent.public_after(event_id, after, PAGE)
            if held is None:
                rest += group  # older than memory holds, or private items among them: each its own page
                continue
            items, cut = fit(held[0])
            if not items:
                continue
            page = Page(event, after, items, held[1] or cut, from_memory=True)
            self._send_all(group, framed(self.answers.stream_chunk(page, state)), page.cursor)
            if page.more:
                rest += group  # the handler writes the next page once the kernel has taken this one
        return rest

    def _send_all(self, group: list[Subscriber], chunk: bytes, cursor: int) -> None:
        """Write one chunk to every stream of a group, each moving to cursor."""
        size = len(chunk)
        touch = self.presence.touch
        for subscriber in group:
            out = subscriber.outlet  # set, with a socket: only such streams are grouped
            try:
                sent = out.sock.send(chunk)  # type: ignore[union-attr]
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError as error:
                out.fail(error)  # type: ignore[union-attr]
                continue
            out.after = cursor  # type: ignore[union-attr]
            if sent != size:
                out.queue(chunk, sent)  # type: ignore[union-attr]
            if out.reader_id is not None:  # type: ignore[union-attr]
                touch(out.reader_id)  # type: ignore[union-attr]
