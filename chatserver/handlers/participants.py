"""Participants: join with a nickname, list with presence, rename oneself, ban (host)."""

from __future__ import annotations

from chatserver.errors import N_, NotFound
from chatserver.handlers.base import ApiHandler
from chatserver.validation import joining_nickname, nickname


class ParticipantsHandler(ApiHandler):
    """POST joins without an account; GET lists participants with their online marks."""

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        name = joining_nickname(self.json_body())  # reserved names are refused before the limiter counts
        await self.services.join_limiter.check(self.client_key())
        participant, token = await self.store.join(event.id, name)
        self.services.presence.touch(participant.id)
        self.write_json(201, {"participant": participant.to_json(), "token": token})

    async def get(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        presence = self.services.presence
        self.write_json(
            200,
            {
                "participants": [
                    # A banned participant is never online, whatever this or another process saw of them.
                    {
                        **p.to_json(),
                        "online": not p.banned and presence.is_online(p.id, p.seen_at),
                        "banned": p.banned,
                        "last_read_id": p.last_read_id,
                    }
                    for p in await self.store.participants(event.id)
                ]
            },
        )


def path_id(participant_id: str) -> int:
    """A participant id from the path; anything but digits names nobody (404)."""
    if not (participant_id.isascii() and participant_id.isdigit()) or len(participant_id) > 18:
        raise NotFound(N_("There is no participant {id} in this event."), id=participant_id)
    return int(participant_id)


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
        self.require_host(event)
        participant = await self.store.ban(event.id, path_id(participant_id))
        self.services.presence.forget(participant.id)
        self.write_json(200, {"participant": {**participant.to_json(), "banned": participant.banned}})
