"""The access log: one line a request, stream reads at DEBUG, and no secrets or search words in it."""

from __future__ import annotations

import logging
import re

import tornado.web
from tornado.log import access_log

from chatserver.handlers.stream import StreamReader


def log_request(handler: tornado.web.RequestHandler) -> None:
    """Tornado's access log, except that answered reads of the stream (polls, SSE) go to DEBUG:
    they would be nearly every line, and formatting them costs the poll path."""
    request = handler.request
    reading = isinstance(handler, StreamReader) and request.method == "GET"
    log_answer(
        handler.get_status(), reading, request.method or "", request.uri or "", request.remote_ip or "",
        request.request_time(),
    )  # fmt: skip


def log_answer(status: int, reading: bool, method: str, uri: str, ip: str, seconds: float) -> None:
    """One request's line, at the level its status and kind call for (reads of the stream at DEBUG)."""
    if status < 400:
        if reading and not access_log.isEnabledFor(logging.DEBUG):
            return
        log = access_log.debug if reading else access_log.info
    else:
        # A 503 is an answer we chose (a stop, a full disk) and logged on its own: not an error.
        log = access_log.warning if status < 500 or status == 503 else access_log.error
    log("%d %s %s (%s) %.2fms", status, method, loggable_uri(uri), ip, 1000.0 * seconds)


# Query parameters whose values may be secrets, should a client put one in a URL against the rules,
# and what people search for (their words are theirs: the log says a search was made, not of what).
_SECRET_PARAM = re.compile(r"([?&](?:[^=&]*(?:token|key|auth|secret|password|session)[^=&]*|q)=)[^&#]*", re.IGNORECASE)
# Tokens and host keys are secrets.token_urlsafe(32): 43 of [A-Za-z0-9_-]. A pasted host link puts one
# in a path or under any parameter name, so any run of 32 or more such characters (each maybe
# percent-encoded: %2D, %41, ...) is taken for a secret, wherever it is. Slugs (10) and words stay.
_URLSAFE = r"(?:[A-Za-z0-9_-]|%(?:2[dD]|3[0-9]|4[1-9a-fA-F]|5[0-9aAfF]|6[1-9a-fA-F]|7[0-9aA]))"
_SECRET_SHAPE = re.compile(rf"(?<![A-Za-z0-9_-]){_URLSAFE}{{32,}}")  # from a run's start only: linear
SECRET_MIN = 32
_HEX = re.compile(r"[0-9a-f]+")


def loggable_uri(uri: str) -> str:
    """The URI with secrets replaced, for the log: secret-named parameters' values, search words
    (q), and token-shaped runs."""
    if "=" in uri:
        uri = _SECRET_PARAM.sub(r"\1[redacted]", uri)
    return _SECRET_SHAPE.sub(_redacted, uri) if len(uri) >= SECRET_MIN else uri


def _redacted(match: re.Match[str]) -> str:
    # Lower-case hex is a static file's version hash (?v=...), readable in the log; a token is that
    # by chance with odds of (16/64)^43.
    run = match.group(0)
    return run if _HEX.fullmatch(run) else "[redacted]"


class RedactSecrets(logging.Filter):
    """Tornado's own warnings and errors quote the request's URI (a 400's, a 500's): redact them too."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = loggable_uri(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
