"""Events: schedule, read, list, edit and close."""

from __future__ import annotations

from chatserver.errors import N_, InvalidRequest
from chatserver.fields import MODERATION_FIELDS, parse_event_fields
from chatserver.handlers.base import ApiHandler
from chatserver.links import event_links
from chatserver.models import HOST, STATES, Actor
from chatserver.validation import LIST_LIMIT_MAX, TITLE_MAX, query_int


class EventsHandler(ApiHandler):
    """POST schedules an event; GET lists listed events, newest first."""

    async def post(self) -> None:
        fields = parse_event_fields(self.json_body(), partial=False)
        await self.services.event_limiter.check(self.client_key())
        event, host_key = await self.store.create_event(
            fields["title"],
            fields.get("description", ""),
            fields["starts_at"],
            fields["ends_at"],
            fields.get("listed", True),
            fields.get("embed_origins"),
            fields.get("language"),
            moderation={name: fields[name] for name in MODERATION_FIELDS if name in fields},
        )
        self.write_json(
            201,
            {
                "event": event.to_json(self.store.clock()),
                "host_key": host_key,
                "links": event_links(event.slug, host_key),
            },
        )

    async def get(self) -> None:
        state = self.get_query_argument("state", None) or None
        if state is not None and state not in STATES:
            raise InvalidRequest(N_("{field} must be one of open, scheduled or closed."), field="state")
        limit = query_int(self.get_query_argument("limit", None), "limit", 50, 1, LIST_LIMIT_MAX)
        before_arg = self.get_query_argument("before", None)
        before = query_int(before_arg, "before", 0, 1, 2**62) if before_arg else None
        query = (self.get_query_argument("q", "") or "").strip()[:TITLE_MAX] or None
        events, next_cursor = await self.store.list_events(state, limit, before, query)
        now = self.store.clock()
        self.write_json(200, {"events": [e.to_json(now) for e in events], "next": next_cursor})


class EventHandler(ApiHandler):
    """GET reads an event; PATCH edits it (host)."""

    async def get(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        self.write_json(200, {"event": event.to_json(self.store.clock())})

    async def patch(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        await self.require_host_only(event)
        changes = parse_event_fields(self.json_body(), partial=True)
        event = await self.store.update_event(event.id, changes, Actor(HOST))
        self.write_json(200, {"event": event.to_json(self.store.clock())})


class CloseHandler(ApiHandler):
    """POST closes the event now (host)."""

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        await self.require_host_only(event)
        event = await self.store.close_event(event.id, Actor(HOST))
        self.write_json(200, {"event": event.to_json(self.store.clock())})


class HostCheckHandler(ApiHandler):
    """GET answers 200 when the request carries this event's host key, 403 otherwise; it changes nothing."""

    async def get(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        staff = await self.require_staff(event)
        # `host` stays true for either key (version 1 clients); `role` and `name` tell them apart.
        # The word filter is for the hosts' eyes: never in the public Event.
        filter_words = list(event.filter_words or ())
        self.write_json(
            200,
            {
                "event": event.to_json(self.store.clock()),
                "host": True,
                "role": staff.role,
                "name": staff.name,
                "filter_words": filter_words,
            },
        )
