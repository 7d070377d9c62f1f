"""One property over random sequences of public and private posts, notices and inbox marks by
several participants and the hosts, on both engines: every reader's view, through every path a
reader has (polls followed by cursor in small pages, SSE streams, the public and the hosts'
transcripts, search, read receipts, the participants list, /metrics, and the log at INFO), with
edits of and reactions to private lines among the actions, holds exactly
what that reader may see, each item once and in order; nobody learns that anything else exists.

The expected views come from a model written from API.md ("a reader without rights never learns a
private item exists"), not from the server's own rule (models.Viewer), so one checks the other."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tornado.ioloop import IOLoop

from tests.helpers import Api
from tests.test_identity import join, secret_of, signed
from tests.test_private import moderator_key, view
from tests.test_sse import EventStream

BACKENDS = ("sqlite", "postgresql")
PEOPLE = 3  # participants p0..p2; p2 joins with an app identity (sub "user-2")
LATE_SUB = "user-late"  # an app user who joins only after everything was sent


@pytest.fixture(name="settings")
def chat_settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0, "notice_limit": 0, "event_limit": 0, "join_limit": 0, "search_limit": 0}


# An action: (kind, author, recipient). author: "p0".."p2", "host", "mod". recipient: None (public),
# "hosts", "p0".."p2", or for notices a list of "p<i>" / LATE_SUB.
Writer = st.sampled_from(["p0", "p1", "p2", "host", "mod"])
Target = st.one_of(st.none(), st.just("hosts"), st.sampled_from([f"p{i}" for i in range(PEOPLE)]))
Post = st.tuples(st.just("post"), Writer, Target)
Notice = st.tuples(
    st.just("notice"),
    st.just("host"),
    st.lists(st.sampled_from([*(f"p{i}" for i in range(PEOPLE)), LATE_SUB]), min_size=1, max_size=4, unique=True),
)
Mark = st.tuples(st.just("mark"), st.sampled_from(["host", "mod"]), st.sampled_from([f"p{i}" for i in range(PEOPLE)]))
# An edit of the author's own newest message; a reaction by a participant to the newest message they see.
Edit = st.tuples(st.just("edit"), st.sampled_from([f"p{i}" for i in range(PEOPLE)]), st.none())
React = st.tuples(st.just("react"), st.sampled_from([f"p{i}" for i in range(PEOPLE)]), st.none())
Actions = st.lists(st.one_of(Post, Post, Notice, Mark, Edit, React), min_size=1, max_size=12)


@dataclass
class Room:
    slug: str
    tokens: dict[str, str]  # reader -> credential ("host", "mod", "p0".., "late")
    ids: dict[str, int]  # participant name -> id
    sent: list[tuple[str, set[str]]] = field(default_factory=list)  # (body, readers who may see it)
    # Messages taken: (id, author, readers, index into sent), for edits and reactions to name.
    posts: list[tuple[int, str, set[str], int]] = field(default_factory=list)


def allowed(author: str, to: Any) -> bool:
    """Whether the API takes the post at all (the property is about what is taken)."""
    staff = author in ("host", "mod")
    if to is None:
        return True
    if staff:
        return to != "hosts"
    return to != author  # direct_messages "everyone": to the hosts or to another participant


def readers_of(author: str, to: Any) -> set[str]:
    """Who may see a post, as API.md says: everyone when public; its author and its recipient; the
    hosts and moderators for lines to them or from them, never for one participant's line to another."""
    if to is None:
        return {"public"}
    staff = {"host", "mod"}
    if to == "hosts":
        return {author} | staff
    if author in staff:
        return {to} | staff
    return {author, to}


async def setup(api: Api) -> Room:
    created = await api.create_event(direct_messages="everyone")
    slug, key = created["event"]["slug"], created["host_key"]
    tokens = {"host": key, "mod": await moderator_key(api, slug, key)}
    ids: dict[str, int] = {}
    for i in range(PEOPLE - 1):
        ids[f"p{i}"], tokens[f"p{i}"] = await api.join(slug, f"person{i}")
    secret = await secret_of(api, slug, key)
    joined = await join(api, slug, signed(secret, sub="user-2", name="person2"))
    ids["p2"], tokens["p2"] = joined.body["participant"]["id"], joined.body["token"]
    return Room(slug, tokens, ids)


async def act(api: Api, room: Room, action: tuple[Any, ...], n: int) -> None:
    kind, author, to = action
    body = f"b{n}x{secrets.token_hex(4)}"  # unique, so any leak anywhere is found by its text
    if kind == "post":
        if not allowed(author, to):
            return
        payload: dict[str, Any] = {"body": body}
        if to is not None:
            payload["to"] = "hosts" if to == "hosts" else room.ids[to]
        reply = await api.post(f"/api/events/{room.slug}/messages", payload, token=room.tokens[author])
        assert reply.status == 201, reply.body
        room.sent.append((body, readers_of(author, to)))
        room.posts.append((reply.body["message"]["id"], author, readers_of(author, to), len(room.sent) - 1))
    elif kind in ("edit", "react"):
        await change(api, room, kind, author, body)
    elif kind == "notice":
        people = [room.ids[p] for p in to if p != LATE_SUB]
        users = [LATE_SUB] if LATE_SUB in to else []
        reply = await api.post(
            f"/api/events/{room.slug}/notices",
            {"body": body, "participants": people, "users": users},
            token=room.tokens["host"],
        )
        assert reply.status == 201 and reply.body["sent"] == len(to), reply.body
        for recipient in to:
            room.sent.append((body, {"late" if recipient == LATE_SUB else recipient, "host", "mod"}))
    else:  # an inbox mark: the hosts' alone, and no body
        reply = await api.post(
            f"/api/events/{room.slug}/threads/{room.ids[to]}", {"done": n % 2 == 0}, token=room.tokens[author]
        )
        assert reply.status == 201, reply.body


async def change(api: Api, room: Room, kind: str, who: str, body: str) -> None:
    """An edit of who's newest message (its new text replaces the old for its readers), or who's
    reaction to the newest message they may see; nothing when there is none."""
    if kind == "edit":
        mine = [post for post in room.posts if post[1] == who]
        if not mine:
            return
        item_id, _, readers, index = mine[-1]
        reply = await api.patch(f"/api/events/{room.slug}/messages/{item_id}", {"body": body}, token=room.tokens[who])
        assert reply.status == 200, reply.body
        room.sent[index] = (body, readers)
        return
    seen = [post for post in room.posts if "public" in post[2] or who in post[2]]
    if seen:
        path = f"/api/events/{room.slug}/messages/{seen[-1][0]}/reactions/%F0%9F%91%8D"
        reply = await api.request("PUT", path, token=room.tokens[who])
        assert reply.status == 200, reply.body


def expected(room: Room, reader: str) -> list[str]:
    return [body for body, who in room.sent if "public" in who or reader in who]


def texts(items: list[dict[str, Any]]) -> list[str]:
    return [item["body"] for item in items if item["kind"] in ("message", "notice")]


def leaks(text: str, room: Room, reader: str) -> list[str]:
    """The private bodies a reader may not see that appear in text (a notice to several people is
    one body the reader may see as one of them)."""
    theirs = {body for body, who in room.sent if "public" in who or reader in who}
    return [body for body, _ in room.sent if body not in theirs and body in text]


async def stream_view(port: int, room: Room, token: str | None, last: int) -> list[dict[str, Any]]:
    """Every item the SSE stream sends up to the item `last` (the final public marker)."""
    stream = await EventStream.open(port, f"/api/events/{room.slug}/stream?after=0", token=token)
    try:
        items: list[dict[str, Any]] = []
        while not items or items[-1]["id"] < last:
            event = await stream.event()
            assert event is not None, "the stream ended before the marker"
            if event.get("event") in (None, "message"):
                items.append(event["data"])
        return items
    finally:
        stream.close()


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples every run: a failure here is reproducible, never a flake
)
@given(actions=Actions)
def test_every_reader_sees_exactly_what_is_theirs(
    actions: list[tuple[Any, ...]],
    io_loop: IOLoop,
    api: Api,
    http_server_port: tuple[object, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    io_loop.run_sync(lambda: scenario(actions, api, http_server_port[1], caplog), timeout=120)


async def scenario(actions: list[tuple[Any, ...]], api: Api, port: int, caplog: pytest.LogCaptureFixture) -> None:
    """One sequence of actions in a new event, then every reader's view through every path."""
    with caplog.at_level(logging.INFO):
        room = await setup(api)
        for n, action in enumerate(actions):
            await act(api, room, action, n)
        late = await join(api, room.slug, signed(await secret_of(api, room.slug, room.tokens["host"]), sub=LATE_SUB))
        room.tokens["late"] = late.body["token"]
        # Each participant reports reading everything they were sent.
        for name in ("p0", "p1", "p2", "late"):
            mine = await view(api, room.slug, room.tokens[name])
            await api.post(f"/api/events/{room.slug}/reads", {"last_read_id": mine[-1]["id"]}, token=room.tokens[name])
        marker = await api.say(room.slug, room.tokens["p0"], "the end")
        last = marker.body["message"]["id"]
        room.sent.append(("the end", {"public"}))

        readers: dict[str, str | None] = {"public": None, **room.tokens}
        for reader, token in readers.items():
            polled = await view(api, room.slug, token)
            assert texts(polled) == expected(room, reader), reader
            # Nothing else a reader gets (an edit's text, a reaction's or edit's target) names what is not theirs.
            assert leaks(str(polled), room, reader) == [], reader
            shown = {item["id"] for item in polled}
            changes = [item for item in polled if item["kind"] in ("edit", "reaction", "retraction")]
            assert all(item["target"] in shown for item in changes), reader
            streamed = await stream_view(port, room, token, last)
            assert [i["id"] for i in streamed] == [i["id"] for i in polled], reader
            for item in polled:  # inbox marks: the hosts' alone
                assert item["kind"] != "thread" or reader in ("host", "mod"), reader

        public_ids = {item["id"] for item in await view(api, room.slug)}
        for path in (f"/e/{room.slug}/transcript.json", f"/e/{room.slug}/transcript.txt", f"/e/{room.slug}/transcript"):
            for token in (None, room.tokens["p0"], room.tokens["p2"]):
                text = str((await api.get(path, token=token)).body)
                assert leaks(text, room, "public") == [], path
        hosts = (await api.get(f"/e/{room.slug}/transcript.json", token=room.tokens["host"])).body
        assert texts(hosts["messages"]) == expected(room, "host")
        for path in (f"/api/events/{room.slug}/reads", f"/api/events/{room.slug}/participants"):
            answer = (await api.get(path)).body
            for receipt in answer.get("reads", answer.get("participants", [])):
                assert receipt["last_read_id"] in public_ids | {0}, (path, receipt)
        polled_reads = (await api.get(f"/api/events/{room.slug}/messages?after={last}&reads=0")).body
        assert all(r["last_read_id"] in public_ids | {0} for r in polled_reads["reads"]["by"])
        # Search never finds a private line, whoever asks.
        for body, who in room.sent:
            if "public" not in who:
                for token in (None, room.tokens["host"], room.tokens["p0"]):
                    found = (await api.get(f"/api/events/{room.slug}/search?q={body}", token=token)).body
                    assert found["results"] == [], body
                assert (await api.get(f"/api/search?q={body}")).body["results"] == []
        metrics = (await api.get("/metrics")).body
        assert leaks(metrics, room, "public") == [] and not re.search(r"\{[^}]*(slug|to|sub)=", metrics)
        logged = "\n".join(record.getMessage() for record in caplog.records if record.levelno >= logging.INFO)
        assert leaks(logged, room, "public") == []
