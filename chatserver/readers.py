"""Who reads an event's stream, and whether they may: the checks the long poll and the SSE stream
share, taking the request's bearer credential rather than a handler, so that the poll's own HTTP
path (read_path.py) makes exactly the decisions the handlers make."""

from __future__ import annotations

from dataclasses import dataclass

from chatserver import credentials
from chatserver.errors import N_, CursorAhead, Forbidden, Gone, StorageUnavailable
from chatserver.handlers.services import Services
from chatserver.models import CLOSED, HOST, HOSTS, MODERATOR, PUBLIC_VIEW, Actor, Event, Moderator, Participant, Viewer
from chatserver.store import Store
from chatserver.timefmt import format_time

HOSTS_ONLY = N_("The host keeps this event's transcript for the hosts only.")


@dataclass(frozen=True)
class Staff:
    """Who acts for the host: the host, or one of the moderators they named."""

    role: str  # HOST or MODERATOR
    moderator: Moderator | None = None

    @property
    def name(self) -> str | None:
        return self.moderator.name if self.moderator is not None else None

    @property
    def actor(self) -> Actor:
        """As the moderation log records them."""
        if self.moderator is None:
            return Actor(self.role)
        return Actor(self.role, self.moderator.id, self.moderator.name)


def refuse_reading(event: Event, now: int) -> None:
    """410 gone for an event whose words retention erased, saying when."""
    if event.erased_at is not None:
        raise Gone(date=format_time(event.erased_at)[:10])


async def staff_of(store: Store, key: str | None, event: Event) -> Staff | None:
    """Who of the event's staff the key names: the host, a moderator, or nobody."""
    if key is None:
        return None
    if credentials.secret_matches(key, event.host_key_hash):
        return Staff(HOST)
    moderator = await store.moderator_by_key(event.id, key)
    return Staff(MODERATOR, moderator) if moderator is not None else None


async def require_readable(store: Store, key: str | None, event: Event) -> None:
    """Refuse to show the event's items where its host said so: erased by retention (410), or,
    once closed, a transcript for the hosts only without a host or moderator key (403)."""
    refuse_reading(event, store.clock())
    if event.transcript == HOSTS and event.state(store.clock()) == CLOSED and await staff_of(store, key, event) is None:
        raise Forbidden(HOSTS_ONLY)


async def event_at(store: Store, key: str | None, slug: str, after: int) -> Event:
    """The event, with any boundary already due appended, checking that `after` is not ahead and
    that the reader may read it."""
    event = await store.get_event(slug)
    await require_readable(store, key, event)
    if event.due_phase(store.clock()) > event.phase:
        # A boundary passed a moment ago and its timer has not run yet: append it now, so a
        # reader told the new state also gets the item that marks it.
        try:
            event = await store.catch_up(event.id)
        except StorageUnavailable:
            pass  # a full or read-only disk: serve what is stored; the scheduler retries the append
    if after > event.last_item_id:
        event = await store.get_event(slug, fresh=True)  # the disk has the last word on a 409
        if after > event.last_item_id:
            raise CursorAhead(
                N_("after={after} is beyond the newest item ({newest}); reload from after=0."),
                after=after,
                newest=event.last_item_id,
            )
    return event


async def participant_of(services: Services, token: str | None, event: Event) -> Participant | None:
    """The reader, when the token is valid and its participant not banned: it counts as online."""
    if token is None:
        return None
    participant = await services.store.participant_by_token(event.id, token)
    if participant is None or participant.banned:
        return None  # a banned participant still reads (reading is public) but is never online
    services.presence.touch(participant.id)
    return participant


async def viewer_of(store: Store, key: str | None, event: Event, participant: Participant | None) -> Viewer:
    """Whose view of the stream this is: the participant's own, the hosts' (a host or moderator
    key), or the public's. Private items are filtered by it."""
    if participant is not None:
        return Viewer(participant.id, sub=participant.sub)
    return Viewer(staff=True) if await staff_of(store, key, event) is not None else PUBLIC_VIEW
