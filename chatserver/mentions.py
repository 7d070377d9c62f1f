"""@mentions in a message: where they may be, and which nicknames they may name.

Nicknames may hold spaces ("@Ann Lee"), so an @ is followed by every run of text that could be a
nickname; the longest that names a participant of the event wins (store/conversation.py looks them
up in one query)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chatserver.validation import NICKNAME_MAX, nickname_key

# An @ that starts a mention: not inside a word or an address ("me@example.org" mentions nobody).
_AT = re.compile(r"(?<![\w@.])@(?=\w)")
# Characters that end a sentence rather than a nickname: "@bob, look" names "bob".
_TRAILING = ".,;:!?…)]}'\"»”’"
# Mentions of the hosts and moderators, who have no nickname of their own in the room.
HOSTS_KEYS = frozenset({"host", "hosts"})
# The most @s of one message looked at: a message of 2,000 @ asks the database for little.
MENTIONS_MAX = 20


@dataclass(frozen=True, slots=True)
class Mention:
    """One @ of a message and the nickname keys it could name, longest first."""

    keys: tuple[str, ...]


def mentions_in(body: str) -> list[Mention]:
    """Each @ of body that could start a mention, with its candidate keys."""
    found: list[Mention] = []
    for match in _AT.finditer(body):
        start = match.end()
        window = body[start : start + NICKNAME_MAX]
        ends = [j for j in range(1, len(window) + 1) if j == len(window) or not window[j].isalnum()]
        keys: list[str] = []
        for end in reversed(ends):
            key = nickname_key(window[:end].rstrip(_TRAILING))
            if key and key not in keys:
                keys.append(key)
        if keys:
            found.append(Mention(tuple(keys)))
        if len(found) == MENTIONS_MAX:
            break
    return found


def all_keys(mentions: list[Mention]) -> list[str]:
    """Every candidate key, once (what is looked up)."""
    return sorted({key for mention in mentions for key in mention.keys})


def resolve(mentions: list[Mention], ids_by_key: dict[str, int]) -> tuple[list[int], bool]:
    """The participants named (by id, in order of first mention) and whether the hosts are: each @
    names its longest candidate that is somebody."""
    ids: list[int] = []
    hosts = False
    for mention in mentions:
        for key in mention.keys:
            if key in ids_by_key:
                if ids_by_key[key] not in ids:
                    ids.append(ids_by_key[key])
                break
            if key in HOSTS_KEYS:
                hosts = True
                break
    return ids, hosts
