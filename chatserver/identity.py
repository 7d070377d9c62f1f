"""Signed identities from the app that embeds the chat bar: an HS256 JWT with `sub` (the app's user
id), `name` and `exp`, signed by the app's own server with the event's identity secret. PyJWT
checks the signature; the rules of API.md 1.1 are checked here, by the server's clock."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt

from chatserver.errors import N_, InvalidIdentity, InvalidRequest
from chatserver.timefmt import Millis
from chatserver.validation import NICKNAME_MAX, single_line

ALGORITHM = "HS256"  # the only one taken: never "none", never another the token names
SUB_MAX = 128
AHEAD_MAX_MS = 24 * 3600 * 1000  # an identity is good for a day at most
LEEWAY_MS = 60_000  # the app's clock and ours may differ by this much


@dataclass(frozen=True)
class AppIdentity:
    """Who the embedding app says the user is."""

    sub: str
    name: str


def verify(token: object, secret: str | None, now: Millis) -> AppIdentity:
    """The identity in token, or 401 invalid_identity saying what is wrong with it."""
    if secret is None:
        raise InvalidIdentity(N_("This event takes no signed identities: its host has made no identity secret."))
    if not isinstance(token, str) or not token or len(token) > 8192:
        raise InvalidIdentity(N_("The identity must be a signed token (a JWT) of at most 8192 characters."))
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise InvalidIdentity(N_("The identity is not a well-formed JWT.")) from None
    if header.get("alg") != ALGORITHM:
        raise InvalidIdentity(N_("The identity must be signed with HS256."))
    try:
        # exp is checked below by the server's clock (the one the whole server keeps).
        claims: dict[str, Any] = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"], "verify_exp": False}
        )
    except jwt.MissingRequiredClaimError as exc:
        raise InvalidIdentity(N_("The identity lacks the {claim} claim."), claim=exc.claim) from None
    except jwt.InvalidSignatureError:
        raise InvalidIdentity(N_("The identity's signature does not match this event's identity secret.")) from None
    except jwt.PyJWTError:
        raise InvalidIdentity(N_("The identity is not a well-formed JWT.")) from None
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise InvalidIdentity(N_("The identity's exp must be a time in seconds since 1970."))
    exp_ms = int(exp * 1000)
    if exp_ms + LEEWAY_MS <= now:
        raise InvalidIdentity(N_("The identity has expired: ask the app for a new one."))
    if exp_ms > now + AHEAD_MAX_MS + LEEWAY_MS:
        raise InvalidIdentity(
            N_("The identity is valid for longer than 24 hours; sign it with an exp at most a day ahead.")
        )
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > SUB_MAX or not sub.isprintable():
        raise InvalidIdentity(
            N_("The identity's sub must be the app's user id, 1 to {max} printable characters."), max=SUB_MAX
        )
    raw_name = claims.get("name")
    try:
        name = single_line({"name": raw_name}, "name", NICKNAME_MAX, required=False) if raw_name is not None else None
    except InvalidRequest:  # the app's mistake in its token, not the caller's body: said as such
        raise InvalidIdentity(
            N_("The identity's name must be one line of 1 to {max} characters."), max=NICKNAME_MAX
        ) from None
    return AppIdentity(sub, name or sub[:NICKNAME_MAX])
