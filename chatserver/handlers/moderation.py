"""Moderation: mutes, moderators and their keys, and redactions (API.md 1.1)."""

from __future__ import annotations

from chatserver.errors import N_, InvalidRequest, Unauthorized
from chatserver.handlers.base import ApiHandler, path_number
from chatserver.handlers.participants import path_id
from chatserver.models import HOST, Actor
from chatserver.store.moderation import MUTE_MAX_MINUTES
from chatserver.timefmt import format_time
from chatserver.validation import NICKNAME_MAX, optional_int, single_line


class MuteHandler(ApiHandler):
    """POST mutes a participant for 1–1440 minutes; DELETE lifts it (host or moderator)."""

    async def post(self, slug: str, participant_id: str) -> None:
        event = await self.store.get_event(slug)
        staff = await self.require_staff(event)
        minutes = optional_int(self.json_body(), "minutes", 1, MUTE_MAX_MINUTES)
        if minutes is None:
            raise InvalidRequest(N_("{field} is required."), field="minutes")
        participant = await self.store.mute(event.id, path_id(participant_id), minutes, staff.actor)
        self.write_json(200, {"participant": participant_json(participant.to_json(), participant.muted_until)})

    async def delete(self, slug: str, participant_id: str) -> None:
        event = await self.store.get_event(slug)
        staff = await self.require_staff(event)
        participant = await self.store.mute(event.id, path_id(participant_id), 0, staff.actor)
        self.write_json(200, {"participant": participant_json(participant.to_json(), 0)})


def participant_json(base: dict[str, object], muted_until: int) -> dict[str, object]:
    """A participant with when their mute ends (null: not muted)."""
    return {**base, "muted_until": format_time(muted_until) if muted_until else None}


class ModeratorsHandler(ApiHandler):
    """POST names a moderator and returns their key and link, once; GET lists them (host only)."""

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        await self.require_host_only(event)
        name = single_line(self.json_body(), "name", NICKNAME_MAX) or ""
        moderator, key = await self.store.add_moderator(event.id, name, Actor(HOST))
        link = f"/e/{event.slug}/host#key={key}"
        self.write_json(201, {"moderator": moderator.to_json(), "key": key, "link": link})

    async def get(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        await self.require_host_only(event)
        self.write_json(200, {"moderators": [m.to_json() for m in await self.store.moderators(event.id)]})


class ModeratorHandler(ApiHandler):
    """DELETE revokes a moderator's key (host only)."""

    async def delete(self, slug: str, moderator_id: str) -> None:
        event = await self.store.get_event(slug)
        await self.require_host_only(event)
        number = path_number(moderator_id, N_("There is no moderator {id} in this event."))
        moderator = await self.store.revoke_moderator(event.id, number, Actor(HOST))
        self.write_json(200, {"moderator": moderator.to_json()})


class RedactionsHandler(ApiHandler):
    """POST erases a message's text, also after the close: with the host key, or with its author's token."""

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        item_id = optional_int(self.json_body(), "id", 1, 10**18 - 1)
        if item_id is None:
            raise InvalidRequest(N_("{field} is required."), field="id")
        staff = await self.staff(event)
        author = None
        if staff is None or staff.role != "host":
            token = self.bearer_token()
            participant = await self.store.participant_by_token(event.id, token) if token else None
            if participant is None:
                raise Unauthorized(
                    N_("Redacting needs the host key, or the token of the message's author (Authorization: Bearer).")
                )
            author = participant.id
        retraction = await self.store.redact(
            event.id, item_id, author, staff.actor if author is None and staff else None
        )
        self.write_json(200, {"redacted": item_id, "message": retraction.to_json() if retraction else None})


class ActionsHandler(ApiHandler):
    """GET the moderation log, newest first: who (the host, which moderator) did what (host or moderator)."""

    async def get(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        await self.require_staff(event)
        self.write_json(200, {"actions": [action.to_json() for action in await self.store.actions(event.id)]})


class HeldHandler(ApiHandler):
    """GET the messages held for review: all of them with a host or moderator key, one's own with a
    participant token (the author sees theirs as "held for review"); nobody else learns of them."""

    async def get(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        if await self.staff(event) is not None:
            held = await self.store.held(event.id)
        else:
            participant = await self.require_participant(
                event, N_("A host or moderator key, or your participant token, is needed to see held messages.")
            )
            held = await self.store.held(event.id, participant.id)
        self.write_json(200, {"held": [one.to_json() for one in held]})


class HeldDecision(ApiHandler):
    """A decision on a held message (host or moderator)."""

    async def decide(self, slug: str, held_id: str, approve: bool) -> None:
        event = await self.store.get_event(slug)
        staff = await self.require_staff(event)
        number = path_number(held_id, N_("There is no message {id} waiting for review."))
        held = await self.store.decide_held(event.id, number, approve, staff.actor)
        self.write_json(200, {"held": held.to_json()})


class HeldApproveHandler(HeldDecision):
    """POST …/held/<id>/approve: appended to the stream as its author's message."""

    async def post(self, slug: str, held_id: str) -> None:
        await self.decide(slug, held_id, approve=True)


class HeldRejectHandler(HeldDecision):
    """DELETE …/held/<id>: rejected, its text erased."""

    async def delete(self, slug: str, held_id: str) -> None:
        await self.decide(slug, held_id, approve=False)
