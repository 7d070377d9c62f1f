"""The errors a client can get: each carries its HTTP status and a stable error code."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from chatserver.i18n import fill


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for "translated later"
    """Mark a message for the catalogs; it is translated when written, in the reader's language."""
    return message


class ChatError(Exception):
    """An error the client caused or must act on; rendered as API.md's JSON error. Its message is
    an English template with {name} placeholders, filled with `values` in the reader's language."""

    status = 400
    code = "invalid_request"
    default_message = N_("The request is not valid.")

    def __init__(self, message: str | None = None, **values: object) -> None:
        self.template = message or self.default_message
        self.values: Mapping[str, object] = values
        self.message = fill(self.template, values)  # English, for logs and tests
        super().__init__(self.message)

    def localized(self, translate: Callable[[str, Mapping[str, object]], str]) -> str:
        """The message in a language: translate(template, values) as Language.translate does."""
        return translate(self.template, self.values)


class InvalidRequest(ChatError):
    """Malformed or out-of-range input; the message names the field."""


class Unauthorized(ChatError):
    status = 401
    code = "unauthorized"
    default_message = N_("A valid participant token is required: join the event first.")


class Forbidden(ChatError):
    status = 403
    code = "forbidden"
    default_message = N_("This action needs the event's host key.")


class Banned(ChatError):
    status = 403
    code = "banned"
    default_message = N_("The host has removed you from this event; you can no longer post.")


class Muted(ChatError):
    status = 403
    code = "muted"
    default_message = N_("The host has muted you for {minutes} more minutes; you can read along meanwhile.")

    def __init__(self, left_ms: int) -> None:
        """left_ms: how long the mute still runs; the answer's Retry-After says it in seconds."""
        self.retry_after = max(1, -(-left_ms // 1000))
        super().__init__(minutes=-(-left_ms // 60_000))  # whole minutes, rounded up


class InvalidIdentity(ChatError):
    status = 401
    code = "invalid_identity"
    default_message = N_("The signed identity from the app cannot be used.")


class JoinsLocked(ChatError):
    status = 403
    code = "joins_locked"
    default_message = N_("The host has closed the room to new people.")


class NotFound(ChatError):
    status = 404
    code = "not_found"
    default_message = N_("There is no such event.")


class NicknameTaken(ChatError):
    status = 409
    code = "nickname_taken"
    default_message = N_("That nickname is already taken in this event; choose another.")


class NotOpen(ChatError):
    status = 409
    code = "not_open"
    default_message = N_("The event has not started yet; messages can be posted once it opens.")


class EventStarted(ChatError):
    status = 409
    code = "event_started"
    default_message = N_(
        "{field} can no longer change: the event has opened, and its participants were told what happens"
        " to their words."
    )


class CursorAhead(ChatError):
    status = 409
    code = "cursor_ahead"
    default_message = N_("The cursor is beyond the newest item of this event; reload the stream from 0.")


class Retracted(ChatError):
    status = 409
    code = "retracted"
    default_message = N_("That message was removed; it can no longer be edited or reacted to.")


class ReactionLimit(ChatError):
    status = 409
    code = "reaction_limit"
    default_message = N_("A message can carry at most {max} different reactions; add to one it has.")


class QaOff(ChatError):
    status = 403
    code = "qa_off"
    default_message = N_("This event takes no questions: the host has not turned Q&A on.")


class QuestionPending(ChatError):
    status = 409
    code = "question_pending"
    default_message = N_("That question waits for the hosts' approval; it can be voted on once they open it.")


class QuestionClosed(ChatError):
    status = 409
    code = "question_closed"
    default_message = N_("That question was answered or dismissed; it takes no more votes.")


class QuestionLimit(ChatError):
    status = 409
    code = "question_limit"
    default_message = N_("You have asked {max} questions in this event, the most one person may ask.")


class PollClosed(ChatError):
    status = 409
    code = "poll_closed"
    default_message = N_("That poll is closed; it takes no more votes.")


class PollLimit(ChatError):
    status = 409
    code = "poll_limit"
    default_message = N_("This event has {max} open polls, the most it may have; close one first.")


class EventClosed(ChatError):
    status = 410
    code = "event_closed"
    default_message = N_("The event is closed; it can be read but no longer changed.")


class Gone(ChatError):
    status = 410
    code = "gone"
    default_message = N_("This event's messages were erased on {date}.")


class PayloadTooLarge(ChatError):
    status = 413
    code = "payload_too_large"
    default_message = N_("The request body is too large.")


class TooLarge(PayloadTooLarge):
    """A part of the request over its own limit (a call signal's data), said as the API says it."""

    code = "too_large"
    default_message = N_("The request is larger than this server takes.")


class UnsupportedMediaType(ChatError):
    status = 415
    code = "unsupported_media_type"
    default_message = N_("Send the request body as JSON, with Content-Type: application/json.")


class RateLimited(ChatError):
    status = 429
    code = "rate_limited"

    default_message = N_("Too many messages; try again in {seconds} s.")

    def __init__(self, retry_after: float, message: str | None = None) -> None:
        """`message` is the limit's own template, with {seconds} for the wait (Retry-After)."""
        self.retry_after = max(1, int(retry_after + 0.999))
        super().__init__(message, seconds=self.retry_after)


class StorageUnavailable(ChatError):
    status = 503
    code = "storage_unavailable"
    default_message = N_("The server cannot write to its database right now; try again shortly.")
    retry_after = 5  # seconds, sent as Retry-After: storage faults are cleared by people, not at once


class ShuttingDown(ChatError):
    status = 503
    code = "shutting_down"
    default_message = N_("The server is restarting; try again in a moment.")
    retry_after = 2  # seconds, sent as Retry-After: a restart takes about that long
