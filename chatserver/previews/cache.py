"""A bounded LRU cache whose entries expire, each after its own time to live."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Cached(Generic[V]):
    """A value and the clock time it expires at."""

    value: V
    expires: float


class TTLCache(Generic[K, V]):
    """At most `size` entries; the least recently used goes first, an expired one is never returned."""

    def __init__(self, size: int, clock: Callable[[], float]) -> None:
        self.size = max(0, size)
        self.clock = clock
        self.entries: OrderedDict[K, Cached[V]] = OrderedDict()

    def get(self, key: K) -> Cached[V] | None:
        """The live entry for key (now the most recently used), or None."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        if entry.expires <= self.clock():
            del self.entries[key]
            return None
        self.entries.move_to_end(key)
        return entry

    def put(self, key: K, value: V, ttl: float) -> None:
        """Keep value for ttl seconds, evicting the least recently used beyond the size."""
        if self.size == 0 or ttl <= 0:
            return
        self.entries[key] = Cached(value, self.clock() + ttl)
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self.entries)
