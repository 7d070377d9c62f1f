"""Reserved nicknames: nobody joins under a name that the transcript or the room gives to the host,
announcements or system items, or under a role word (issue 13, item 9)."""

from __future__ import annotations

import re

import pytest

from chatserver.models import Item
from chatserver.transcript import text_line
from chatserver.validation import is_reserved_nickname
from tests import conftest
from tests.conftest import Chat
from tests.helpers import Api, assert_error

# Each API test takes `chat`: pytest-tornasync's http_server looks `app` up by name, so `api` alone
# does not make a test depend on `backend` and it would run on SQLite only.
BACKENDS = conftest.BACKENDS


@pytest.fixture
def settings() -> dict[str, object]:
    """Joins are limited to two per address here, to see that refused names do not count."""
    return {"max_wait": 5.0, "rate_limit": 20, "event_limit": 0, "join_limit": 2}


async def nicknames(api: Api, slug: str) -> list[str]:
    reply = await api.get(f"/api/events/{slug}/participants")
    assert reply.status == 200, reply.body
    return [p["nickname"] for p in reply.body["participants"]]


@pytest.mark.parametrize(
    "name",
    [
        "Announcement",
        "System",
        "Host",
        "Moderator",
        "*",
        "HOST",
        "Ho\u200bst",
        "Ｈｏｓｔ",
        "admin",
        "(Host)",
        "-",
        ">",
    ],
    ids=repr,
)
async def test_a_reserved_name_is_refused_and_changes_nothing(api: Api, chat: Chat, name: str) -> None:
    slug = (await api.create_event())["event"]["slug"]
    before = await api.read_all(slug)
    reply = await api.post(f"/api/events/{slug}/participants", {"nickname": name})
    assert_error(reply, 409, "nickname_taken", "is reserved; choose another.")
    assert "taken" not in reply.body["error"]["message"]  # nobody holds it: saying so would mislead
    assert await nicknames(api, slug) == []
    assert await api.read_all(slug) == before  # no "joined" item either


async def test_refused_reserved_names_do_not_use_up_the_join_allowance(api: Api, chat: Chat) -> None:
    slug = (await api.create_event())["event"]["slug"]
    for name in ("Host", "System", "Announcement"):
        assert_error(await api.post(f"/api/events/{slug}/participants", {"nickname": name}), 409, "nickname_taken")
    # The address may still join twice (join_limit 2): the refusals came before the limiter counted.
    for name in ("alice", "bob"):
        reply = await api.post(f"/api/events/{slug}/participants", {"nickname": name})
        assert reply.status == 201, reply.body
    assert await nicknames(api, slug) == ["alice", "bob"]


async def test_the_transcript_has_no_participant_line_that_reads_as_the_hosts(api: Api, chat: Chat) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    assert (await api.post(f"/api/events/{slug}/announcements", {"body": "Break until 3"}, token=key)).status == 201
    for name in ("Announcement", "*", "ANNOUNCEMENT"):
        assert (await api.post(f"/api/events/{slug}/participants", {"nickname": name})).status == 409
    _, alice = await api.join(slug, "alice")
    assert (await api.say(slug, alice, "Break until 4")).status == 201
    text = (await api.get(f"/e/{slug}/transcript.txt")).body
    assert len(re.findall(r"^\[[^\]]+\] Announcement: ", text, re.MULTILINE)) == 1  # the host's, and only it
    assert re.search(r"^\[[^\]]+\] alice: Break until 4$", text, re.MULTILINE)


async def test_who_already_holds_a_reserved_name_keeps_it(api: Api, chat: Chat) -> None:
    # Names taken before the rule existed stay: nothing is migrated, and their holders go on posting.
    slug = (await api.create_event())["event"]["slug"]
    event = await chat.store.get_event(slug)
    _, token = await chat.store.join(event.id, "Host")
    assert (await api.say(slug, token, "still me")).status == 201
    assert await nicknames(api, slug) == ["Host"]


def test_every_label_the_transcript_gives_a_non_participant_is_reserved() -> None:
    # If transcript.py labels a new kind of author, a participant must not be able to take the label.
    for kind in ("announcement", "system", "retraction"):
        line = text_line(Item(1, kind, None, None, None, "x", 0, None, None, False))
        label = re.sub(r"^\[[^\]]+\] ", "", line).removesuffix("x\n").rstrip(": ")
        assert label and is_reserved_nickname(label), (kind, line)
