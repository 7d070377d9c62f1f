"""Places counted per client, with a cap in all and one per client: held polls and streams,
open connections, transcript downloads."""

from __future__ import annotations


class Slots:
    """At most max_total places taken in all and max_per_client per client key; 0 is no cap."""

    __slots__ = ("_by_client", "max_per_client", "max_total", "taken")

    def __init__(self, max_total: int = 0, max_per_client: int = 0) -> None:
        self.max_total = max_total
        self.max_per_client = max_per_client
        self.taken = 0
        self._by_client: dict[str, int] = {}  # only clients holding a place: it never outgrows `taken`

    def full(self) -> bool:
        """Whether the cap in all is reached."""
        return bool(self.max_total) and self.taken >= self.max_total

    def held(self, client: str) -> int:
        return self._by_client.get(client, 0)

    def admit(self, client: str) -> bool:
        """Take one place for client, or say no when a cap is reached."""
        held = self._by_client.get(client, 0)
        if self.full() or (self.max_per_client and held >= self.max_per_client):
            return False
        self.taken += 1
        self._by_client[client] = held + 1
        return True

    def release(self, client: str) -> None:
        """Give back a place that admit() took."""
        self.taken -= 1
        held = self._by_client.pop(client, 1) - 1
        if held > 0:
            self._by_client[client] = held
