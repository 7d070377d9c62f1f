"""Participants: join with a nickname, list with presence, rename oneself, ban (host)."""

from __future__ import annotations

from typing import Any

from chatserver.errors import N_
from chatserver.handlers.base import ApiHandler, path_number
from chatserver.identity import verify
from chatserver.models import Event
from chatserver.timefmt import format_time
from chatserver.validation import device_id, joining_nickname, nickname, optional_int

ADDRESS_BAN_MAX_MINUTES = 7 * 24 * 60  # a network address is shared and changes hands: a week at most


class ParticipantsHandler(ApiHandler):
    """POST joins without an account; GET lists participants with their online marks."""

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        body = self.json_body()
        if "identity" in body:  # the embedding app's user, signed by its server
            return await self.join_as_app_user(event, body)
        name = joining_nickname(body)  # reserved names are refused before the limiter counts
        device = device_id(body)
        await self.services.join_limiter.check(self.client_key())
        participant, token = await self.store.join(event.id, name, device, self.client_key())
        self.services.presence.touch(participant.id)
        self.write_json(201, {"participant": participant.to_json(), "token": token})

    async def join_as_app_user(self, event: Event, body: dict[str, Any]) -> None:
        """201 the first time a `sub` joins, 200 later (the same participant, a new token)."""
        identity = verify(body["identity"], await self.store.identity_secret(event), self.store.clock())
        device = device_id(body)
        await self.services.join_limiter.check(self.client_key())
        participant, token, created = await self.store.join_as(event.id, identity, device, self.client_key())
        self.services.presence.touch(participant.id)
        self.write_json(201 if created else 200, {"participant": participant.to_json(), "token": token})

    async def get(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        presence = self.services.presence
        staff = await self.staff(event) is not None  # mutes are for the host's and moderators' eyes
        now = self.store.clock()
        people = []
        for p in await self.store.participants(event.id):
            # A banned participant is never online, whatever this or another process saw of them.
            shown = {
                **p.to_json(),
                "online": not p.banned and presence.is_online(p.id, p.seen_at),
                "banned": p.banned,
                "last_read_id": p.public_read_id,  # never a private item's id
            }
            if staff:
                shown["muted_until"] = format_time(p.muted_until) if p.muted_until > now else None
                if p.sub is not None:
                    shown["user"] = p.sub  # the app's user id: which notices to_user became theirs
            people.append(shown)
        self.write_json(200, {"participants": people})


def path_id(participant_id: str) -> int:
    """A participant id from the path; anything but digits names nobody (404)."""
    return path_number(participant_id, N_("There is no participant {id} in this event."))


class ParticipantHandler(ApiHandler):
    """PATCH renames the participant whose token the request carries; same id, same token."""

    async def patch(self, slug: str, participant_id: str) -> None:
        event = await self.store.get_event(slug)
        target = path_id(participant_id)
        caller = await self.require_participant(
            event,
            N_(
                "A valid participant token for this event is required to change a nickname "
                "(Authorization: Bearer <token>)."
            ),
        )
        name = nickname(self.json_body())  # reserved names are checked by the Store, unless unchanged
        limiter = self.services.rename_limiter
        participant = await self.store.rename(
            event.id, target, caller.id, name, admit=lambda tx: limiter.check(caller.id, tx)
        )
        self.services.presence.touch(participant.id)
        self.write_json(200, {"participant": participant.to_json()})


class BanHandler(ApiHandler):
    """POST bans a participant: their token can no longer post (host)."""

    async def post(self, slug: str, participant_id: str) -> None:
        event = await self.store.get_event(slug)
        staff = await self.require_staff(event)
        body = self.optional_json_body()
        minutes = optional_int(body, "address_minutes", 0, ADDRESS_BAN_MAX_MINUTES) or 0
        participant = await self.store.ban(event.id, path_id(participant_id), minutes, staff.actor)
        self.services.presence.forget(participant.id)
        self.write_json(200, {"participant": {**participant.to_json(), "banned": participant.banned}})
