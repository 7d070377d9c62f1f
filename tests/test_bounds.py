"""The building blocks of the bounds on hostile clients: client keys, counted places, log budget."""

from __future__ import annotations

import ipaddress
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatserver.clients import ClientKeys
from chatserver.limits import SlidingWindow
from chatserver.logbudget import BURST_S, LogBudget
from chatserver.slots import Slots


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),  # one spelling
        ("::ffff:203.0.113.7", "203.0.113.7"),  # IPv4 on a dual-stack socket counts as IPv4
        ("fe80::1%eth0", "fe80::/64"),  # a zone index names no other client
        ("::1", "::/64"),
        ("", ""),  # a Unix socket
        ("not an address", "not an address"),
    ],
)
def test_client_keys(address: str, key: str) -> None:
    assert ClientKeys().key(address) == key


@given(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1))
def test_every_address_of_a_64_is_one_client(network: int, host: int, other_host: int) -> None:
    keys = ClientKeys()
    one = ipaddress.IPv6Address(network << 64 | host)
    other = ipaddress.IPv6Address(network << 64 | other_host)
    if one.ipv4_mapped is None and other.ipv4_mapped is None:  # those count as IPv4 addresses
        assert keys.key(str(one)) == keys.key(str(other)) == f"{ipaddress.IPv6Address(network << 64)}/64"
    assert keys.key(str(one)) != keys.key(str(ipaddress.IPv6Address((network ^ 1) << 64 | host)))


def test_the_ipv6_prefix_is_configurable() -> None:
    keys = ClientKeys(ipv6_prefix=48)
    assert keys.key("2001:db8:1:2::1") == keys.key("2001:db8:1:ffff::1") == "2001:db8:1::/48"
    with pytest.raises(ValueError):
        ClientKeys(ipv6_prefix=0)


def test_slots_cap_in_all_and_per_client() -> None:
    slots = Slots(max_total=3, max_per_client=2)
    assert slots.admit("a") and slots.admit("a") and not slots.admit("a")
    assert slots.admit("b") and slots.full() and not slots.admit("c")
    slots.release("a")
    assert slots.held("a") == 1 and slots.admit("c") and slots.taken == 3
    for client in ("a", "b", "c"):
        slots.release(client)
    assert slots.taken == 0 and slots.held("a") == 0 and not slots._by_client  # nothing left behind


def test_no_cap_is_zero() -> None:
    slots = Slots()
    assert all(slots.admit("a") for _ in range(10_000)) and not slots.full()


def test_the_log_budget_drops_a_flood_and_says_how_much_it_dropped() -> None:
    now = [0.0]
    budget = LogBudget(per_second=10, clock=lambda: now[0])

    def record(name: str = "tornado.general") -> logging.LogRecord:
        return logging.LogRecord(name, logging.INFO, __file__, 1, "Malformed HTTP message from %s", ("x",), None)

    passed = sum(budget.filter(record()) for _ in range(10_000))
    assert passed == 10 * BURST_S  # the burst, then nothing
    assert budget.filter(record("tornado.access"))  # each source has its own budget
    now[0] += 1.0
    kept = record()
    assert budget.filter(kept)
    assert kept.getMessage().startswith(f"[{10_000 - passed} earlier lines from tornado.general not logged")
    assert kept.getMessage().endswith("Malformed HTTP message from x")


def test_a_sliding_window_with_many_active_keys_does_not_sweep_on_every_check() -> None:
    now = [0.0]
    window = SlidingWindow(limit=5, window_s=10, clock=lambda: now[0])
    for key in range(30_000):  # all active within the window: a sweep frees nothing
        window.check(key)
    assert window._sweep_at >= 2 * 10_000  # it waits for the map to double before sweeping again
    now[0] += 11
    window.check("late")
    for key in range(40_000):
        window.check(("new", key))
    assert len(window._hits) <= 2 * 40_000  # the idle ones went at a later sweep
