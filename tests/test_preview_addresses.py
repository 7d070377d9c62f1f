"""Link previews: which addresses are public, and the URL checks made before any lookup."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatserver.previews.addresses import Refused, allow_entry, check_url, is_public, parse_ipv4

PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:82a::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
]
NOT_PUBLIC = [
    "127.0.0.1",
    "127.255.0.9",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "169.254.169.254",  # cloud metadata
    "0.0.0.0",
    "0.1.2.3",
    "255.255.255.255",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "198.18.0.1",  # benchmarking
    "192.0.2.1",  # TEST-NET-1
    "198.51.100.7",
    "203.0.113.9",
    "192.0.0.9",
    "192.88.99.1",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "fec0::1",
    "ff02::1",
    "ff0e::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible, deprecated
    "::8.8.8.8",  # refused whatever it embeds
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a00:1::",  # 6to4 of 10.0.0.1
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a00:1",
    "64:ff9b:1::808:808",  # the local-use NAT64 prefix
    "2001:0000:4136:e378:8000:63bf:3fff:fdd2",  # Teredo: refused whatever its client (here 192.0.2.45)
    "2001:db8::1",
    "3fff::1",
    "100::1",  # discard-only
    "4000::1",  # outside 2000::/3, unallocated
]


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses(text: str) -> None:
    assert is_public(ip_address(text))


@pytest.mark.parametrize("text", NOT_PUBLIC)
def test_addresses_that_are_not_public(text: str) -> None:
    assert not is_public(ip_address(text))


@given(st.integers(0, 2**32 - 1))
def test_the_ipv6_forms_of_an_ipv4_address_are_public_only_when_it_is(value: int) -> None:
    v4 = IPv4Address(value)
    mapped = IPv6Address((0xFFFF << 32) | value)
    nat64 = IPv6Address((0x0064FF9B << 96) | value)
    sixtofour = IPv6Address((0x2002 << 112) | (value << 80))
    if not is_public(v4):
        assert not any(is_public(a) for a in (mapped, nat64, sixtofour))
    else:
        assert all(is_public(a) for a in (mapped, nat64, sixtofour))


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7F000001", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("8.8.8.8.", "8.8.8.8"),
    ],
)
def test_ipv4_literals_in_their_legacy_forms(host: str, address: str) -> None:
    assert parse_ipv4(host) == IPv4Address(address)


@pytest.mark.parametrize("host", ["256.0.0.1", "1.2.3.4.5", "08.0.0.1", "4294967296", "example.com", "1.2.3.x"])
def test_not_ipv4_literals(host: str) -> None:
    assert parse_ipv4(host) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("http://user:pass@example.com/", "userinfo"),
        ("http://user@example.com/", "userinfo"),
        ("http://example.com:8080/", "port"),
        ("https://example.com:22/", "port"),
        ("http://example.com:0/", "port"),
        ("http://example.com:99999/", "port"),
        ("http://example.com:http/", "port"),
        ("http://127.0.0.1/", "address"),
        ("http://127.1/", "address"),
        ("http://0x7f.1/", "address"),
        ("http://2130706433/", "address"),
        ("http://017700000001/", "address"),
        ("https://10.0.0.1:443/", "address"),
        ("http://169.254.169.254/latest/meta-data/", "address"),
        ("http://[::1]/", "address"),
        ("http://[::ffff:127.0.0.1]/", "address"),
        ("http://[::ffff:7f00:1]/", "address"),
        ("http://[64:ff9b::7f00:1]/", "address"),
        ("http://[2002:7f00:1::]/", "address"),
        ("http://[fe80::1%25eth0]/", "host"),
        ("http://1.2.3.4.5/", "host"),
        ("http://08.1.2.3/", "host"),
        ("http://%31%32%37.0.0.1/", "host"),
        ("http://exa mple.com/", "url"),
        ("http://example.com\\@127.0.0.1/", "url"),
        ("http:///path", "host"),
        ("http://faß.example/", "host"),  # IDNA 2003 would fetch fass.example instead
    ],
)
def test_urls_refused_before_any_lookup(url: str, reason: str) -> None:
    with pytest.raises(Refused) as refused:
        check_url(url)
    assert refused.value.reason == reason


def test_a_checked_url_is_normalised() -> None:
    target = check_url("HTTPS://Bücher.Example:443/a%20b/ü?q=ä#frag")
    assert target.url == "https://xn--bcher-kva.example/a%20b/%C3%BC?q=%C3%A4"
    assert (target.host, target.port, target.literal, target.allowed) == ("xn--bcher-kva.example", 443, None, False)
    assert check_url("http://example.com:80").url == "http://example.com/"
    assert check_url("http://example.com:/").url == "http://example.com/"  # an empty port is the default
    assert check_url("http://8.8.8.8:443/").url == "http://8.8.8.8:443/"
    assert check_url("http://134744072/").url == "http://8.8.8.8/"  # one canonical form, for Host and TLS


def test_only_an_exact_allowed_pair_is_exempt() -> None:
    allow = frozenset({allow_entry("localhost:8123"), allow_entry("[::1]:8124")})
    assert check_url("http://localhost:8123/x", allow).allowed
    assert check_url("http://[::1]:8124/", allow).allowed
    for url in ("http://localhost:8124/", "http://127.0.0.1:8123/", "http://localhost.:8123/", "http://[::1]:8123/"):
        with pytest.raises(Refused):
            check_url(url, allow)
    with pytest.raises(Refused, match="address"):
        check_url("http://[::1]/", allow)
    for bad in ("localhost", "localhost:", "localhost:x", "user@localhost:80"):
        with pytest.raises(ValueError):
            allow_entry(bad)
