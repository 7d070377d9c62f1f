"""The operator API (/api/admin): every event and series on the server, what they take up, and
closing, listing or unlisting and erasing them, behind a key made by `chatserver admin-key`."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from chatserver.errors import N_, Forbidden, InvalidRequest, Unauthorized
from chatserver.handlers.base import ApiHandler
from chatserver.models import STATES
from chatserver.operators import AuditBy, Operator
from chatserver.series import Series
from chatserver.timefmt import format_time
from chatserver.validation import LIST_LIMIT_MAX, TITLE_MAX, query_int

NO_OPERATOR_KEY = N_(
    "This needs an operator key: run `chatserver admin-key` on the server and open the link it prints."
)
NOT_OPERATOR_KEY = N_(
    "This key is not a live operator key (a host's or a moderator's key does not manage the server);"
    " make one with `chatserver admin-key`."
)


def series_row(series: Series) -> dict[str, Any]:
    """What the operator sees of a series itself (its occurrences are events of their own)."""
    return {
        "slug": series.slug,
        "title": series.title,
        "rrule": series.rrule,
        "time_zone": series.time_zone,
        "listed": series.listed,
        "ended_at": format_time(series.ended_at) if series.ended_at is not None else None,
        "created_at": format_time(series.created_at),
    }


class OperatorApi(ApiHandler):
    """Every /api/admin endpoint: 401 without a key, 403 with one that is not a live operator's."""

    operator: Operator

    def prepare(self) -> Awaitable[None] | None:
        super().prepare()
        return self._authorize()  # Tornado awaits what prepare returns before the method runs

    async def _authorize(self) -> None:
        key = self.bearer_token()
        if key is None:
            raise Unauthorized(NO_OPERATOR_KEY)
        operator = await self.store.operator_by_key(key)
        if operator is None:
            raise Forbidden(NOT_OPERATOR_KEY)
        self.operator = operator

    @property
    def by(self) -> AuditBy:
        return AuditBy.operator(self.operator)

    def page_arguments(self) -> tuple[str | None, int, int | None]:
        """The list's search (`q`), page size (`limit`) and cursor (`before`)."""
        limit = query_int(self.get_query_argument("limit", None), "limit", 50, 1, LIST_LIMIT_MAX)
        before_arg = self.get_query_argument("before", None)
        before = query_int(before_arg, "before", 0, 1, 2**62) if before_arg else None
        query = (self.get_query_argument("q", "") or "").strip()[:TITLE_MAX] or None
        return query, limit, before

    def listed_field(self) -> bool:
        """The body's `listed`, the only field an operator's PATCH changes."""
        body = self.json_body()
        unknown = sorted(set(body) - {"listed"})
        if unknown:
            raise InvalidRequest(N_("{field} cannot be changed here; only listed can."), field=unknown[0])
        listed = body.get("listed")
        if not isinstance(listed, bool):
            raise InvalidRequest(N_("{field} must be true or false."), field="listed")
        return listed


class OperatorHandler(OperatorApi):
    """GET: whose key this is (the console's key check)."""

    async def get(self) -> None:
        self.write_json(200, {"operator": self.operator.to_json()})


class OperatorStatsHandler(OperatorApi):
    """GET: the database's size and contents, and this process's connections."""

    async def get(self) -> None:
        services = self.services
        storage = await self.store.storage()
        self.write_json(
            200,
            {
                "storage": storage.to_json(),
                "connections": {
                    "held_polls": services.broker.held_polls,
                    "open_streams": services.open_streams,
                    "transcript_downloads": services.downloads.taken,
                },
                "items_appended": self.store.items_appended,
            },
        )


class OperatorEventsHandler(OperatorApi):
    """GET: every event, listed or not, newest first, with what each takes up."""

    async def get(self) -> None:
        state = self.get_query_argument("state", None) or None
        if state is not None and state not in STATES:
            raise InvalidRequest(N_("{field} must be one of open, scheduled or closed."), field="state")
        query, limit, before = self.page_arguments()
        rows, next_cursor = await self.store.all_events(query, state, before, limit)
        now = self.store.clock()
        events = [{"event": event.to_json(now), **usage.to_json()} for event, usage in rows]
        self.write_json(200, {"events": events, "next": next_cursor})


class OperatorEventHandler(OperatorApi):
    """PATCH lists or unlists an event."""

    async def patch(self, slug: str) -> None:
        listed = self.listed_field()
        event = await self.store.list_as((await self.store.get_event(slug, fresh=True)).id, listed, self.by)
        self.write_json(200, {"event": event.to_json(self.store.clock())})


class OperatorCloseHandler(OperatorApi):
    """POST closes an event now."""

    async def post(self, slug: str) -> None:
        event = await self.store.close_as((await self.store.get_event(slug, fresh=True)).id, self.by)
        self.write_json(200, {"event": event.to_json(self.store.clock())})


class OperatorEraseHandler(OperatorApi):
    """POST closes an event if need be and erases its words; its pages then answer 410."""

    async def post(self, slug: str) -> None:
        event = await self.store.erase_as(await self.store.get_event(slug, fresh=True), self.by)
        self.write_json(200, {"event": event.to_json(self.store.clock())})


class OperatorSeriesListHandler(OperatorApi):
    """GET: every series, newest first, with its occurrences' count and usage."""

    async def get(self) -> None:
        query, limit, before = self.page_arguments()
        rows, next_cursor = await self.store.all_series(query, before, limit)
        series = [
            {"series": series_row(series), "occurrences": count, **usage.to_json()} for series, count, usage in rows
        ]
        self.write_json(200, {"series": series, "next": next_cursor})


class OperatorSeriesHandler(OperatorApi):
    """PATCH lists or unlists a series and all its occurrences."""

    async def patch(self, slug: str) -> None:
        listed = self.listed_field()
        await self.store.get_series(slug)
        series = await self.store.list_series_as(slug, listed, self.by)
        self.write_json(200, {"series": series_row(series)})


class OperatorSeriesCloseHandler(OperatorApi):
    """POST ends a series and closes every occurrence not closed."""

    async def post(self, slug: str) -> None:
        await self.store.get_series(slug)
        series = await self.store.close_series_as(slug, self.by)
        self.write_json(200, {"series": series_row(series)})


class OperatorSeriesEraseHandler(OperatorApi):
    """POST ends a series, closes and erases every occurrence."""

    async def post(self, slug: str) -> None:
        await self.store.get_series(slug)
        series = await self.store.erase_series_as(slug, self.by)
        self.write_json(200, {"series": series_row(series)})


class OperatorAuditHandler(OperatorApi):
    """GET: the audit log, newest first."""

    async def get(self) -> None:
        _query, limit, before = self.page_arguments()
        entries, next_cursor = await self.store.audit_log(before, limit)
        self.write_json(200, {"entries": [entry.to_json() for entry in entries], "next": next_cursor})
