"""The hosts' inbox: notices to chosen users (host key) and the marks on private threads (staff)."""

from __future__ import annotations

from typing import Any

from chatserver.errors import N_, InvalidRequest
from chatserver.handlers.base import ApiHandler
from chatserver.handlers.participants import path_id
from chatserver.handlers.stream import DEFAULT_HOST_NAME, item_id
from chatserver.identity import SUB_MAX
from chatserver.models import HOST
from chatserver.store.inbox import Recipients
from chatserver.validation import (
    BODY_MAX,
    NICKNAME_MAX,
    client_id,
    multi_line,
    optional_bool,
    query_int,
    single_line,
)

# The most recipients one call may name: a larger sending is several calls (each counted by the limit).
NOTICE_RECIPIENTS_MAX = 10_000
# Request bodies up to this size: 10,000 app user ids of up to 128 characters, as JSON.
NOTICES_MAX_BODY = 2 * 2**20
NOTICES_LISTED_MAX = 200


def recipients(body: dict[str, Any]) -> Recipients:
    """`participants` (ids) and `users` (app user ids), each named once, at least one in all."""
    ids = body.get("participants")
    subs = body.get("users")
    if ids is not None and (
        not isinstance(ids, list)
        or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n < 2**62 for n in ids)
    ):
        raise InvalidRequest(N_("{field} must be a list of participant ids."), field="participants")
    if subs is not None and (
        not isinstance(subs, list)
        or not all(isinstance(s, str) and 1 <= len(s) <= SUB_MAX and s.isprintable() for s in subs)
    ):
        raise InvalidRequest(
            N_("{field} must be a list of your app's user ids, each 1 to {max} printable characters."),
            field="users",
            max=SUB_MAX,
        )
    named = Recipients(tuple(dict.fromkeys(ids or ())), tuple(dict.fromkeys(subs or ())))
    if not named.count:
        raise InvalidRequest(N_("Name at least one recipient in {field} or users."), field="participants")
    if named.count > NOTICE_RECIPIENTS_MAX:
        raise InvalidRequest(
            N_("A notice goes to at most {max} recipients at once; send it in several calls."),
            field="users" if subs else "participants",
            max=NOTICE_RECIPIENTS_MAX,
        )
    return named


class NoticesHandler(ApiHandler):
    """POST sends a private notice to chosen participants and app users (host key); GET lists the
    sendings with how many reached and were read by their recipients (host or moderator)."""

    @property
    def body_limit(self) -> int:
        return max(self.services.max_body, NOTICES_MAX_BODY)

    async def get(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        await self.require_staff(event)
        limit = query_int(self.get_query_argument("limit", None), "limit", 50, 1, NOTICES_LISTED_MAX)
        sendings = await self.store.notices(event.id, limit)
        self.write_json(200, {"notices": [sending.to_json() for sending in sendings]})

    async def post(self, slug: str) -> None:
        event = await self.store.get_event(slug)
        await self.require_host_only(event)
        body = self.json_body()
        text = multi_line(body, "body", BODY_MAX) or ""
        name = single_line(body, "name", NICKNAME_MAX, required=False) or DEFAULT_HOST_NAME
        to = recipients(body)
        retry_key = client_id(body)
        limiter = self.services.notice_limiter
        sent, created = await self.store.send_notices(
            event.id, HOST, name, text, to, retry_key, admit=lambda tx: limiter.check(event.id, tx)
        )
        self.write_json(201 if created else 200, {"sent": sent})


class ThreadHandler(ApiHandler):
    """POST marks a participant's private thread read up to an item, or done, for all the hosts."""

    async def post(self, slug: str, participant_id: str) -> None:
        event = await self.store.get_event(slug)
        staff = await self.require_staff(event)
        participant = path_id(participant_id)
        body = self.json_body()
        read = item_id(body, "read") if body.get("read") is not None else None
        done = optional_bool(body, "done")
        if read is None and done is None:
            raise InvalidRequest(N_("Send {field}, done, or both."), field="read")
        name = staff.name or DEFAULT_HOST_NAME
        item = await self.store.mark_thread(event.id, participant, staff.role, name, read, done)
        self.write_json(201, {"mark": item.to_json()})
