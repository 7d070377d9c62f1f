"""What may be fetched, decided before any lookup: whether an IP address is public, IPv4 literals in
every legacy form, and the checks on a URL (scheme, credentials, host, port)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from urllib.parse import quote, urlsplit, urlunsplit

IPAddress = IPv4Address | IPv6Address

PORTS = frozenset({80, 443})
MAX_URL_CHARS = 2048
_HOST_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?")
_ALLOW_ENTRY = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):[0-9]{1,5}")
_IDNA_DEVIATIONS = "\u00df\u03c2\u200c\u200d"  # ß, final sigma, ZWNJ, ZWJ
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"

# Our own tables, so that the answer does not move with the Python version: `is_global` says True
# for multicast (224.0.0.1, ff02::1), 6to4 of loopback and the local-use NAT64 prefix on 3.11.
_V4_NOT_PUBLIC = tuple(
    IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # TEST-NET-1
        "192.88.99.0/24",  # the deprecated 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # TEST-NET-2
        "203.0.113.0/24",  # TEST-NET-3
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and 255.255.255.255
    )
)

# IANA allocates global unicast from 2000::/3 only; everything outside it is special (::1, fc00::/7,
# fe80::/10, ff00::/8, ...) except the forms that carry an IPv4 address, handled on their own.
_V6_GLOBAL_UNICAST = IPv6Network("2000::/3")
_V6_NOT_PUBLIC = tuple(
    IPv6Network(n)
    for n in (
        "2001::/23",  # IETF protocol assignments, Teredo (2001::/32) among them
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation (RFC 9637)
        "5f00::/16",  # SRv6 segment identifiers
    )
)
_V6_MAPPED = IPv6Network("::ffff:0:0/96")
_V6_NAT64 = IPv6Network("64:ff9b::/96")  # the well-known prefix: the last 32 bits are the IPv4 address
_V6_6TO4 = IPv6Network("2002::/16")


def is_public(address: IPAddress) -> bool:
    """True when the address is one anybody on the internet could reach: no special-purpose range."""
    if isinstance(address, IPv4Address):
        return address.is_global and not any(address in net for net in _V4_NOT_PUBLIC)
    embedded = embedded_ipv4(address)
    if embedded is not None:
        return is_public(embedded)
    if address not in _V6_GLOBAL_UNICAST or any(address in net for net in _V6_NOT_PUBLIC):
        return False
    return address.is_global and not (address.is_multicast or address.is_link_local or address.is_site_local)


def embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 address leads to, else None."""
    if address in _V6_MAPPED:
        return address.ipv4_mapped
    if address in _V6_NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _V6_6TO4:
        return address.sixtofour
    # Not followed on purpose, all refused whatever they embed: Teredo (2001::/32, inside 2001::/23:
    # its client address is obfuscated and it reaches anywhere through relays), the deprecated
    # IPv4-compatible ::/96 and the local-use NAT64 prefix 64:ff9b:1::/48 (outside 2000::/3).
    return None


_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)


def ends_in_a_number(host: str) -> bool:
    """True when a host name's last label is a number, so URL parsers and inet_aton read it as IPv4."""
    labels = host.rstrip(".").split(".")
    return bool(_NUMERIC_LABEL.fullmatch(labels[-1]))


def parse_ipv4(host: str) -> IPv4Address | None:
    """An IPv4 literal as inet_aton and the WHATWG URL standard read it (`127.1`, `0x7f.1`,
    `2130706433`, `017700000001`), or None when the host is not one."""
    parts = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        if not _NUMERIC_LABEL.fullmatch(part):
            return None
        if part[:2].lower() == "0x":
            numbers.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if not part.isdigit() or any(c in "89" for c in part):
                return None
            numbers.append(int(part, 8))
        else:
            numbers.append(int(part))
    *leading, last = numbers
    # Each leading part is one byte; the last fills the bytes that remain (`127.1` is 127.0.0.1).
    if any(n > 255 for n in leading) or last >= 256 ** (4 - len(leading)):
        return None
    value = last
    for i, n in enumerate(leading):
        value += n << (8 * (3 - i))
    return IPv4Address(value)


def parse_ip(text: str) -> IPAddress | None:
    """An address as getaddrinfo or getpeername gives it (an IPv6 zone after `%` dropped), or None."""
    try:
        return ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


class PreviewError(Exception):
    """Why a URL gave no preview; `reason` is one short word, for counters and tests."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Refused(PreviewError):
    """The rules forbid the URL: scheme, credentials, port, host, an address that is not public, redirects."""


@dataclass(frozen=True)
class Target:
    """A URL that passed the checks made before any lookup."""

    url: str  # what is requested: canonical host, quoted path, no fragment
    host: str  # ASCII, lower case, no brackets; an IP literal in its canonical form
    port: int
    literal: IPAddress | None
    allowed: bool  # an exact `--unsafe-preview-allow` host:port


def _host_and_port(netloc: str, scheme: str) -> tuple[str, int, IPAddress | None]:
    """The canonical host, the port and the IP literal of a netloc, or Refused."""
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
    except ValueError:
        raise Refused("host") from None
    try:
        port = parts.port
    except ValueError:
        raise Refused("port") from None
    hostname = parts.hostname or ""
    literal: IPAddress | None
    if netloc.startswith("["):
        literal = parse_ip(hostname)
        if literal is None or literal.version != 6 or "%" in hostname:
            raise Refused("host")
        host = str(literal)
    else:
        if any(c in _IDNA_DEVIATIONS for c in hostname):
            raise Refused("host")  # Python's IDNA 2003 maps them away; browsers (IDNA 2008) keep them
        try:
            host = hostname.encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise Refused("host") from None
        if not _HOST_NAME.fullmatch(host):
            raise Refused("host")
        literal = None
        if ends_in_a_number(host):  # URL parsers and inet_aton read these as IPv4: `127.1`, `0x7f.1`
            literal = parse_ipv4(host)
            if literal is None:
                raise Refused("host")
            host = str(literal)
    return host, port if port is not None else (443 if scheme == "https" else 80), literal


def allow_entry(entry: str) -> tuple[str, int]:
    """An `--unsafe-preview-allow` entry `host:port` as the (host, port) check_url compares; ValueError if malformed."""
    if not _ALLOW_ENTRY.fullmatch(entry):
        raise ValueError(f"not a host:port: {entry!r}")
    try:
        host, port, _ = _host_and_port(entry, "http")
    except Refused as refused:
        raise ValueError(f"not a host:port: {entry!r}") from refused
    return host, port


def check_url(url: str, allow: frozenset[tuple[str, int]] = frozenset()) -> Target:
    """The checks made before any lookup or connection (scheme, credentials, host, port, IP literals);
    raises Refused."""
    if len(url) > MAX_URL_CHARS or any(c <= " " or c.isspace() or c in "\\\x7f" for c in url):
        raise Refused("url")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise Refused("url") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused("scheme")
    if "@" in parts.netloc:
        raise Refused("userinfo")
    host, port, literal = _host_and_port(parts.netloc, scheme)
    allowed = (host, port) in allow
    if not allowed and port not in PORTS:
        raise Refused("port")
    if literal is not None and not allowed and not is_public(literal):
        raise Refused("address")
    netloc = f"[{host}]" if literal is not None and literal.version == 6 else host
    if port != (443 if scheme == "https" else 80):
        netloc += f":{port}"
    path = quote(parts.path, safe=_PATH_SAFE) or "/"
    query = quote(parts.query, safe=_PATH_SAFE + "?")
    return Target(urlunsplit((scheme, netloc, path, query, "")), host, port, literal, allowed)
