"""Transcript formats, produced page by page so a long stream is never held whole in memory."""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import quote

from chatserver.errors import N_
from chatserver.i18n import Languages
from chatserver.models import CLOSED, PUBLIC_VIEW, Event, Item, Viewer, fit
from chatserver.qa import Poll, Question
from chatserver.series import Series
from chatserver.store import Store
from chatserver.timefmt import format_time, format_time_plain

FORMATS = ("txt", "json")
ROWS_READ = 200  # items read from the database at a time: at most 2.4 MB of the longest messages
INDENT = "    "  # before each continuation line of a body: an item's own line always starts with "["
NAME_CHARS = 80  # the title's part of a download's file name, at most (in characters)
# What a file name must not hold in any system: separators, reserved characters, controls, and the
# bidirectional controls and line separators that could make the name display as another one.
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]+')
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._]+")  # a dash too, so that runs of dashes become one


def text_header(event: Event, now: int, languages: Languages) -> str:
    """The title, the times and the description, in the event's language (English when it has none)."""
    language = languages.match(event.language) or languages.source
    lines = [f"# {event.title}"]
    ends = event.closes_at() if event.state(now) == CLOSED else event.ends_at
    # The times as the item lines write them (2026-11-21 20:15:03 UTC) in every language: one
    # format in the whole file, which a reader's tools can read; only the words around them change.
    times = {"starts": format_time_plain(event.starts_at), "ends": format_time_plain(ends)}
    span = language.translate(N_("{starts} to {ends}"), times)
    lines.append(f"# {span}")
    for line in event.description.splitlines():
        lines.append(f"# {line}".rstrip())
    return "\n".join(lines) + "\n\n"


def text_line(item: Item, names: Mapping[int, str] | None = None) -> str:
    """`[2026-11-21 20:15:03 UTC] alice: hello`; each further line of the body follows, indented.
    A private line (only in the hosts' export) says to whom: `alice -> hosts (private): …`,
    `Host (host) -> bob (notice): …`; names: the recipients' nicknames by participant id."""
    first, *rest = item.body.splitlines() or [""]
    body = "".join([first, *(f"\n{INDENT}{line}" for line in rest)])
    stamp = f"[{format_time_plain(item.created_at)}]"
    if item.kind in ("message", "notice"):
        # "(host)" after the name of someone writing from the console: no participant can be that.
        role = f" ({item.role})" if item.role else ""
        to = ""
        if item.private:
            to = f" -> {recipient_name(item, names)} ({'notice' if item.kind == 'notice' else 'private'})"
        return f"{stamp} {item.author}{role}{to}: {body}\n{file_lines(item)}"
    if item.kind == "announcement":
        return f"{stamp} Announcement: {body}\n"
    if item.kind == "call":  # private: only in the hosts' export, when a host took part
        call = item.data or {}
        what = call_words(call)
        return f"{stamp} * {item.author} -> {recipient_name(item, names)}: {what}\n"
    return f"{stamp} * {body}\n"


# How a call that was never answered ended, as the .txt export says it (call items' "reason").
UNANSWERED = {"declined": "declined", "busy": "busy", "closed": "ended by the close"}


def call_words(call: Mapping[str, Any]) -> str:
    """A call item's data as the .txt export says it: "video call, 125 s", "missed audio call"."""
    what = f"{call.get('media', 'audio')} call"
    if call.get("reason") == "failed":  # answered, but the two found no network path
        return f"{what}, could not connect"
    if not call.get("missed"):
        lost = " (connection lost)" if call.get("reason") == "lost" else ""
        return f"{what}, {call.get('duration_s', 0)} s{lost}"
    why = UNANSWERED.get(str(call.get("reason")))
    return f"{what}, {why}" if why else f"missed {what}"


def recipient_name(item: Item, names: Mapping[int, str] | None) -> str:
    """Whom a private item is to, as a transcript line says it."""
    if item.to_participant is not None:
        return (names or {}).get(item.to_participant, f"participant {item.to_participant}")
    return f"user {item.to_sub}" if item.to_sub is not None else "hosts"


def file_lines(item: Item) -> str:
    """A line per file of a message: `    [file] notes.pdf (application/pdf, 1.2 MB) /files/<id>/notes.pdf`."""
    files = (item.data or {}).get("files") or []
    return "".join(f"{INDENT}[file] {f['name']} ({f['type']}, {human_size(f['size'])}) {f['url']}\n" for f in files)


def human_size(size: int) -> str:
    """Bytes as people read them: 812 B, 4.1 KB, 1.2 MB (powers of 1000, as file managers show)."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def _name_part(text: str, unsafe: re.Pattern[str], fallback: str) -> str:
    """Runs of unsafe characters as one "-", no dots or dashes at the ends, bounded; else the fallback."""
    cleaned = unsafe.sub("-", " ".join(text.split()))[:NAME_CHARS].strip(" .-")
    return cleaned or fallback


def content_disposition(event: Event | Series, fmt: str) -> str:
    """`inline; filename="<ASCII title>-<date>.<fmt>"; filename*=UTF-8''<title>-<date>.<fmt>` (RFC 6266)."""
    date = format_time_plain(event.starts_at)[:10]
    title = unicodedata.normalize("NFC", event.title)
    # The fallback keeps the letters of accented Latin text (é → e) and replaces the rest.
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    ascii_name = f"{_name_part(plain, _NOT_PLAIN, event.slug)}-{date}.{fmt}"
    full_name = f"{_name_part(title, _UNSAFE_NAME, event.slug)}-{date}.{fmt}"
    encoded = quote(full_name, safe="!#$&+-.^_`|~")
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"


async def pieces(store: Store, event: Event, viewer: Viewer) -> AsyncIterator[list[Item]]:
    """The shown items in runs of at most PAGE_BYTES: a download that is not read holds little."""
    async for page in store.shown_items(event.id, ROWS_READ, viewer):
        while page:
            piece, _ = fit(page)
            yield piece
            page = page[len(piece) :]


async def text_chunks(store: Store, event: Event, languages: Languages, viewer: Viewer) -> AsyncIterator[str]:
    yield text_header(event, store.clock(), languages)
    async for piece in pieces(store, event, viewer):
        recipients = {item.to_participant for item in piece if item.to_participant is not None}
        names = await store.nicknames(event.id, recipients) if recipients else {}
        yield "".join(text_line(item, names) for item in piece)
    async for text in qa_text(store, event, viewer):
        yield text


async def json_chunks(store: Store, event: Event, viewer: Viewer) -> AsyncIterator[str]:
    head = {"server_time": format_time(store.clock()), "event": event.to_json(store.clock())}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ',"messages":['
    first = True
    async for piece in pieces(store, event, viewer):
        encoded = ",".join(json.dumps(item.to_json(), ensure_ascii=False) for item in piece)
        yield encoded if first else "," + encoded
        first = False
    yield '],"questions":['
    first = True
    async for questions in store.shown_questions(event.id, viewer):
        encoded = ",".join(json.dumps(q.to_json(), ensure_ascii=False) for q in questions)
        yield encoded if first else "," + encoded
        first = False
    polls = [poll_json(poll, event, viewer, store.clock()) for poll in await store.polls_of(event)]
    yield '],"polls":' + json.dumps(polls, ensure_ascii=False) + "}\n"


def poll_json(poll: Poll, event: Event, viewer: Viewer, now: int) -> dict[str, Any]:
    """A poll as a transcript shows it: its final counts once closed; while open, as its results option says."""
    closed = poll.closed_at is not None or event.state(now) == CLOSED
    return poll.to_json(poll.shows_counts(viewer, False, closed), closed)


# The transcript page's questions at the most (the most voted); the downloads have every one.
PAGE_QUESTIONS = 500


async def page_questions(store: Store, event: Event) -> tuple[list[Question], bool]:
    """The transcript page's Questions section: those shown to everyone (never a pending or
    dismissed one: the page has no key), most votes first, as the public's .json lists them; and
    whether there are more than the page shows."""
    async for first in store.shown_questions(event.id, PUBLIC_VIEW, PAGE_QUESTIONS + 1):
        return first[:PAGE_QUESTIONS], len(first) > PAGE_QUESTIONS  # the first page is enough
    return [], False


def shown_poll(poll: Poll, event: Event, now: int) -> dict[str, Any]:
    """A poll as the transcript page draws it (the public's view, as the .json's): each option's text,
    count and share of the voters in whole percent (None where the results option still hides them)."""
    shown = poll_json(poll, event, PUBLIC_VIEW, now)
    voters = poll.voters
    options = [
        {
            "text": option["text"],
            "votes": option["votes"],
            "percent": None if option["votes"] is None else (round(100 * option["votes"] / voters) if voters else 0),
        }
        for option in shown["options"]
    ]
    hidden = any(option["votes"] is None for option in options)
    return {
        "id": poll.id,
        "question": poll.question,
        "created_at": poll.created_at,
        "closed": shown["closed"],
        "multiple": poll.multiple,
        "voters": voters,
        "options": options,
        "hidden": hidden,
    }


def polls_between(
    polls: list[dict[str, Any]], ids: list[int], after: int, last_page: bool
) -> tuple[dict[int, list[dict[str, Any]]], list[dict[str, Any]]]:
    """Where a page of the transcript shows its polls, each where it was asked: {item id: the polls
    just before that item}, and those after the page's last item (on the last page, all the rest)."""
    before: dict[int, list[dict[str, Any]]] = {}
    tail: list[dict[str, Any]] = []
    for poll in polls:
        if poll["id"] <= after:
            continue
        at = bisect_right(ids, poll["id"])  # ids ascend: the first item after the poll
        if at < len(ids):
            before.setdefault(ids[at], []).append(poll)
        elif last_page:
            tail.append(poll)
    return before, tail


async def qa_text(store: Store, event: Event, viewer: Viewer) -> AsyncIterator[str]:
    """After the chat: the questions, most votes first, and the polls with their results."""
    heading = "\n## Questions\n"
    async for questions in store.shown_questions(event.id, viewer):
        yield heading + "".join(question_line(q) for q in questions)
        heading = ""
    polls = await store.polls_of(event)
    if polls:
        yield "\n## Polls\n" + "".join(poll_lines(p, poll_json(p, event, viewer, store.clock())) for p in polls)


def question_line(question: Question) -> str:
    """`[2026-11-21 20:15:03 UTC] alice (12 votes, answered): When is the release?`"""
    first, *rest = question.body.splitlines() or [""]
    body = "".join([first, *(f"\n{INDENT}{line}" for line in rest)])
    votes = "1 vote" if question.votes == 1 else f"{question.votes} votes"
    return f"[{format_time_plain(question.created_at)}] {question.author} ({votes}, {question.status}): {body}\n"


def poll_lines(poll: Poll, shown: dict[str, Any]) -> str:
    """`[time] Poll: Which day? (closed, 14 voters)`, then a line per option with its votes (or hidden)."""
    state = "closed" if shown["closed"] else "open"
    voters = "1 voter" if poll.voters == 1 else f"{poll.voters} voters"
    lines = [f"[{format_time_plain(poll.created_at)}] Poll: {poll.question} ({state}, {voters})\n"]
    for option in shown["options"]:
        count = "hidden" if option["votes"] is None else str(option["votes"])
        lines.append(f"{INDENT}- {option['text']}: {count}\n")
    return "".join(lines)


def chunks(
    store: Store, event: Event, fmt: str, languages: Languages, viewer: Viewer = PUBLIC_VIEW
) -> AsyncIterator[str]:
    """The transcript in a format; `languages` for the .txt header's words (the items stay English).
    viewer: whose private lines it includes (the public's: none; the hosts': theirs, marked)."""
    if fmt == "txt":
        return text_chunks(store, event, languages, viewer)
    return json_chunks(store, event, viewer)
