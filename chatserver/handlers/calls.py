"""Calls (API.md 1.1): the ICE servers a browser uses, and the signals between a call's two parties."""

from __future__ import annotations

import json
import re
from typing import Any

from chatserver.calls import CALLS_PER_CALLER_MAX, DATA_MAX, MEDIA, SIGNAL_TYPES, STAFF, Envelope
from chatserver.errors import (
    N_,
    Banned,
    ChatError,
    InvalidRequest,
    Muted,
    RateLimited,
    TooLarge,
    Unauthorized,
)
from chatserver.handlers.base import ApiHandler
from chatserver.handlers.stream import DEFAULT_HOST_NAME, recipient
from chatserver.store.stream import refuse_posting, refuse_private_route, refuse_recipient

CALL_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# A signal's body: its data (up to DATA_MAX as UTF-8, up to twice that as escaped JSON) and a few
# short fields. A longer body is refused before it is parsed.
SIGNAL_BODY_MAX = 2 * DATA_MAX + 4096
DATA_TOO_LARGE = N_("{field} is larger than {limit} bytes as JSON.")


class CallConfigHandler(ApiHandler):
    """GET the ICE servers. Without a credential: the STUN servers alone. With a participant's
    token, or a host's or moderator's key: the TURN servers too, with credentials that expire."""

    async def get(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        who: str | None = None
        if self.bearer_token() is not None:
            participant = await self.store.participant_by_token(event.id, self.bearer_token() or "")
            if participant is not None:
                if participant.banned:
                    raise Banned()
                who = str(participant.id)
            elif await self.staff(event) is not None:
                who = "host"
            else:
                raise Unauthorized(N_("This token or key is not valid for this event; ask without it for STUN alone."))
        now_s = self.store.clock() // 1000
        self.write_json(200, {"ice_servers": self.services.ice.for_caller(who, now_s)})


class SignalsHandler(ApiHandler):
    """POST relays one signal to a call's other party: 202, or why not."""

    @property
    def body_limit(self) -> int:
        return min(SIGNAL_BODY_MAX, self.services.max_body)

    def body_too_large(self) -> ChatError:
        return TooLarge(DATA_TOO_LARGE, field="data", limit=DATA_MAX)

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        token = self.bearer_token()
        participant = await self.store.participant_by_token(event.id, token) if token else None
        staff = await self.staff(event) if participant is None else None
        if participant is None and staff is None:
            raise Unauthorized(
                N_(
                    "A participant's token, or a host's or moderator's key, is required to call (Authorization: Bearer)."
                )
            )
        body = self.json_body()
        to = recipient(body)
        if to is None:
            raise InvalidRequest(N_('{field} is required: a participant\'s id or "hosts".'), field="to")
        call_id, kind, data = signal_fields(body)
        now = self.store.clock()
        refuse_posting(event, now)  # the same rights as a private message, in the same order
        if participant is not None:
            if participant.banned:
                raise Banned()
            if participant.muted_until > now:
                raise Muted(participant.muted_until - now)
        author = participant.id if participant is not None else None
        if refuse_private_route(event, to, author) is not None:
            assert isinstance(to, int)
            refuse_recipient(await self.store.recipient_banned(event.id, to))
        sender = f"p{participant.id}" if participant is not None else STAFF
        calls = self.services.calls
        if kind == "ring" and (calls.active(event.id, sender) >= CALLS_PER_CALLER_MAX or calls.full()):
            # How long to wait: a ring ends within the ring timeout.
            raise RateLimited(calls.ring_ms // 1000, N_("Too many calls at once; try again in {seconds} s."))
        if participant is not None:
            from_api: int | str = participant.id
            name, role, limit_key = participant.nickname, None, sender
        else:
            assert staff is not None
            from_api, name, role = "host", staff.name or DEFAULT_HOST_NAME, staff.role
            # The host's key and each moderator's count apart, per event.
            limit_key = f"{event.id}:{staff.moderator.id if staff.moderator is not None else 'host'}"
        self.services.signal_limiter.check(limit_key)
        envelope = Envelope(
            calls.new_id(), event.id, STAFF if to == "hosts" else f"p{to}", to, sender, from_api, name, role,
            call_id, kind, data,
        )  # fmt: skip
        await calls.send(envelope)
        if participant is not None:
            self.services.presence.touch(participant.id)
        self.write_json(202, {"signal": {"id": envelope.id}})


def signal_fields(body: dict[str, Any]) -> tuple[str, str, dict[str, Any] | None]:
    """A signal's call_id, type and data, checked: 400 naming the field, or 413 for a data over DATA_MAX."""
    call_id = body.get("call_id")
    if not isinstance(call_id, str) or not CALL_ID.fullmatch(call_id):
        raise InvalidRequest(N_("{field} must be 1 to 64 letters, digits or . _ : -"), field="call_id")
    kind = body.get("type")
    if kind not in SIGNAL_TYPES:
        raise InvalidRequest(N_("{field} must be one of: {choices}."), field="type", choices=", ".join(SIGNAL_TYPES))
    data = body.get("data")
    if data is not None and not isinstance(data, dict):
        raise InvalidRequest(N_("{field} must be a JSON object."), field="data")
    if data is not None and len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()) > DATA_MAX:
        raise TooLarge(DATA_TOO_LARGE, field="data", limit=DATA_MAX)
    if kind == "ring" and (data is None or data.get("media") not in MEDIA):
        raise InvalidRequest(N_('{field} of a ring must carry "media": "audio" or "video".'), field="data")
    return call_id, str(kind), data
