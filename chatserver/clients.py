"""Who a client is, for the per-address limits: an IPv4 address, or an IPv6 network of one site.

An IPv6 site is handed a whole /64 (or a /56, /48) and may use any address in it, so counting
IPv6 addresses one by one would make every limit 2^64 times too wide. The same key counts
connections (server.py), held polls and streams (broker.py) and the join and scheduling limits.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

DEFAULT_IPV6_PREFIX = 64


class ClientKeys:
    """Maps a peer address to the key its limits are counted under."""

    def __init__(self, ipv6_prefix: int = DEFAULT_IPV6_PREFIX) -> None:
        if not 1 <= ipv6_prefix <= 128:
            raise ValueError(f"an IPv6 prefix length is 1 to 128, not {ipv6_prefix}")
        self.ipv6_prefix = ipv6_prefix
        # A few hundred distinct addresses are busy at any moment; parsing each once is enough.
        self.key = lru_cache(maxsize=4096)(self._key)

    def _key(self, address: str) -> str:
        """'203.0.113.7' stays itself; '2001:db8:1:2:aaaa::1' becomes '2001:db8:1:2::/64'."""
        try:
            ip = ipaddress.ip_address(address.partition("%")[0])  # no zone index (fe80::1%eth0)
        except ValueError:
            return address  # a Unix socket's '' or anything unparsable counts as itself
        if isinstance(ip, ipaddress.IPv6Address):
            if ip.ipv4_mapped is not None:  # ::ffff:203.0.113.7 on a dual-stack socket is IPv4
                return str(ip.ipv4_mapped)
            network = ipaddress.IPv6Network((ip, self.ipv6_prefix), strict=False)
            return str(network)
        return str(ip)
