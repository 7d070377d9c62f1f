"""ICE servers for calls (API.md 1.1, "Calls"): STUN and TURN URLs from `--ice-server`, and TURN
credentials made per request from a shared secret, as coturn's `use-auth-secret` checks them (the
"TURN REST API" scheme): username `<expiry unix time>:<who>`, credential
base64(HMAC-SHA1(secret, username)). No long-lived TURN password ever reaches a browser."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

# How long a TURN credential lasts by default, and at most (coturn refuses it after its expiry).
DEFAULT_TURN_TTL_S = 3600
TURN_TTL_MAX_S = 7 * 86400
# Entries and URLs per entry the option takes: a configuration, not a list to grow.
ICE_SERVERS_MAX = 16
URLS_PER_SERVER_MAX = 8
URL_MAX = 512
# RFC 7064/7065: stun:host[:port], turn:host[:port][?transport=udp|tcp]; no user part, no path.
_ICE_URL = re.compile(
    r"(?P<scheme>stuns?|turns?):(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(?P<port>[0-9]{1,5}))?"
    r"(?:\?transport=(?:udp|tcp))?"
)


@dataclass(frozen=True)
class IceServer:
    """One entry of RTCPeerConnection's iceServers: its URLs, all STUN or all TURN."""

    urls: tuple[str, ...]

    @property
    def turn(self) -> bool:
        return self.urls[0].startswith("turn")


def parse_ice_server(value: str) -> IceServer:
    """One `--ice-server` value: a URL, or several (one server's) separated by commas. ValueError
    says what is wrong; a STUN and a TURN URL in one entry are refused (they take different
    credentials)."""
    urls = tuple(part.strip() for part in value.split(",") if part.strip())
    if not urls or len(urls) > URLS_PER_SERVER_MAX:
        raise ValueError(f"give 1 to {URLS_PER_SERVER_MAX} URLs, separated by commas")
    for url in urls:
        match = _ICE_URL.fullmatch(url) if len(url) <= URL_MAX else None
        if match is None:
            raise ValueError(f"{url!r} is not a stun:, stuns:, turn: or turns: URL (host[:port][?transport=udp|tcp])")
        if match["port"] is not None and not 1 <= int(match["port"]) <= 65535:
            raise ValueError(f"{url!r} has no valid port")
    if len({url.startswith("turn") for url in urls}) > 1:
        raise ValueError("put STUN and TURN URLs in separate --ice-server options")
    return IceServer(urls)


def turn_credential(secret: str, username: str) -> str:
    """coturn's use-auth-secret password for username: base64 of HMAC-SHA1 keyed with the secret."""
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class IceSettings:
    """The server's ICE configuration: `--ice-server` (repeated), `--turn-secret`, `--turn-ttl`."""

    servers: tuple[IceServer, ...] = ()
    turn_secret: str | None = None
    turn_ttl_s: int = DEFAULT_TURN_TTL_S

    def __post_init__(self) -> None:
        if len(self.servers) > ICE_SERVERS_MAX:
            raise ValueError(f"at most {ICE_SERVERS_MAX} --ice-server options")
        if any(server.turn for server in self.servers) and not self.turn_secret:
            raise ValueError("a TURN server needs --turn-secret (coturn's static-auth-secret)")
        if not 60 <= self.turn_ttl_s <= TURN_TTL_MAX_S:
            raise ValueError(f"--turn-ttl must be 60 to {TURN_TTL_MAX_S} seconds")

    def for_caller(self, who: str | None, now_s: int) -> list[dict[str, Any]]:
        """iceServers as API.md shows them. who: the credentialed caller ("<participant id>" or
        "host"), who gets the TURN entries with credentials valid for turn_ttl_s; None (no
        credential) gets the STUN entries alone."""
        out: list[dict[str, Any]] = []
        for server in self.servers:
            if not server.turn:
                out.append({"urls": list(server.urls)})
            elif who is not None and self.turn_secret:
                username = f"{now_s + self.turn_ttl_s}:{who}"
                out.append(
                    {"urls": list(server.urls), "username": username,
                     "credential": turn_credential(self.turn_secret, username)}
                )  # fmt: skip
        return out
