"""Schemathesis against a live server: generated requests for every documented operation.

The server is a real process (`python -m chatserver serve`, tests/serverproc.py) on a fresh
database, with a short --max-wait so that held polls end quickly. Before the run it gets real data:
an open event with a participant and a message, a closed event, and one event each for the host
actions that change state (close, edit, ban, mute, naming and revoking moderators, redaction, and
approving and rejecting a message the word filter held), and one whose message is edited and reacted
to (the open event's is retracted early on), so that generated requests reach the real logic and not
only 404s. Every event has a moderator.
Each example is sent in one of four ways, chosen by Hypothesis:

- as generated (random slugs: mostly 404s, and the validation of everything else);
- with the path pinned to the real event (and participant, message, moderator) but no credentials;
- pinned, with the credential the operation lists first (the host key or the participant token)
  in Authorization;
- pinned, with the event's moderator key in Authorization, whether the operation takes one or not.

Checks: no 5xx, and status code, content type, headers and body as documented. The run is
derandomized (a fixed seed, no example database), so it is the same every time.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok

from tests.helpers import iso_in
from tests.serverproc import ServerProcess

MAX_EXAMPLES = 60  # per operation: about 1700 requests, 15-30 s on a slow machine
MAX_WAIT = "0.2"  # the server's --max-wait: a generated wait=55 holds for 0.2 s

DOCUMENT = json.loads(resources.files("chatserver").joinpath("openapi.json").read_text("utf-8"))
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261121,
        "generation": {"mode": "all", "deterministic": True, "database": "none", "max-examples": MAX_EXAMPLES},
        # The fuzzing phase only: neither the examples nor the coverage phase can be combined with
        # @SCHEMA.given (and the coverage phase's hundreds of boundary cases per operation would take
        # minutes), and the document declares no links for the stateful phase.
        "phases": {
            "examples": {"enabled": False},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        },
        "request-timeout": 10,
    }
)
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]
HOW = ("as_generated", "pinned", "pinned_with_credentials", "pinned_as_moderator")
STATUSES: dict[str, set[int]] = {}  # operation -> the statuses the run got, for the last check


def operations_of(schema: schemathesis.BaseSchema) -> list[schemathesis.APIOperation]:
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operations.append(result.ok())
    return operations


@dataclass
class Event:
    slug: str
    host_key: str
    token: str = ""
    participant_id: int = 0
    message_id: int = 0
    moderator_key: str = ""
    moderator_id: int = 0
    held_id: int = 0  # a message its word filter held for review
    question_id: int = 0  # an open question (events with Q&A)
    poll_id: int = 0  # an open poll of ten options, several may be chosen


@dataclass
class Live:
    server: ServerProcess
    open: Event  # reads, posts, joins, announcements, retractions, typing, search, pages
    closed: Event  # the SSE stream (it ends once a closed event's items are sent)
    closable: Event
    editable: Event
    bannable: Event
    mutable: Event  # its participant is muted and unmuted
    staffed: Event  # moderators named, listed and revoked (its moderator's key is revoked early on)
    redactable: Event  # closed: its message is erased in place
    approvable: Event  # its held message is approved (and its queue read)
    rejectable: Event  # its held message is rejected
    filtered: Event  # for test_held_messages_and_sticky_bans_match_the_document, not the fuzzing
    conversing: Event  # its participant's message is edited and reacted to (never retracted)
    questioning: Event  # Q&A on: questions asked and voted on, polls opened, read and voted in
    answering: Event  # Q&A on: its question's status is set
    polling: Event  # its poll is closed
    series: Event
    series_editable: Event
    series_endable: Event
    operator_key: str  # from `chatserver admin-key`, for /api/admin
    # What the operator closes, erases, and lists or unlists: events and series of their own.
    operator_closable: Event
    operator_erasable: Event
    series_operator_closable: Event
    series_operator_erasable: Event
    session: requests.Session = field(default_factory=requests.Session)

    def event_for(self, label: str) -> Event:
        if label.startswith("POST /api/admin/"):
            erase = label.endswith("/erase")
            if "/series/" in label:
                return self.series_operator_erasable if erase else self.series_operator_closable
            return self.operator_erasable if erase else self.operator_closable
        if label == "PATCH /api/admin/events/{slug}":
            return self.editable
        if label == "PATCH /api/admin/series/{slug}":
            return self.series_editable
        if label == "POST /api/series/{slug}/end":
            return self.series_endable
        if label == "PATCH /api/series/{slug}":
            return self.series_editable
        if "/api/series/" in label or " /s/" in label:
            return self.series
        if label == "POST /api/events/{slug}/close":
            return self.closable
        if label == "PATCH /api/events/{slug}":
            return self.editable
        if label.endswith("/ban"):
            return self.bannable
        if label.endswith("/mute"):
            return self.mutable
        if "/moderators" in label:
            return self.staffed
        if label == "POST /api/events/{slug}/redactions":
            return self.redactable
        if label == "DELETE /api/events/{slug}/held/{held_id}":
            return self.rejectable
        if "/held" in label:
            return self.approvable
        if label == "GET /api/events/{slug}/stream":
            return self.closed
        if label == "PATCH /api/events/{slug}/messages/{id}" or "/reactions/" in label:
            return self.conversing
        if label == "PATCH /api/events/{slug}/questions/{question_id}":
            return self.answering
        if label == "POST /api/events/{slug}/polls/{poll_id}/close":
            return self.polling
        if "/questions" in label or "/polls" in label:
            return self.questioning
        return self.open


FILTER = ["crypto*", "free money"]  # the word filter of the events that hold messages for review
NICKNAMES = itertools.count(1)  # fresh nicknames for the joins pinned with a valid one
REACTION = quote("\N{THUMBS UP SIGN}", safe="")  # the emoji of the pinned reactions, as a path segment


def make_event(
    server: ServerProcess,
    title: str,
    *,
    join: bool = False,
    post: bool = False,
    close: bool = False,
    hold: bool = False,
    qa: bool = False,
) -> Event:
    """An open event with a moderator; with hold, a word filter and a participant's message it held."""
    status, body = server.request(
        "POST",
        "/api/events",
        {
            "title": title,
            "description": "Set up for the schemathesis run.",
            "starts_at": iso_in(-60),
            "ends_at": iso_in(3 * 3600),
            **({"filter_words": FILTER} if hold else {}),
            **({"qa": True} if qa else {}),
        },
    )
    assert status == 201, body
    event = Event(body["event"]["slug"], body["host_key"])
    if join:
        status, body = server.request("POST", f"/api/events/{event.slug}/participants", {"nickname": "alice"})
        assert status == 201, body
        event.token, event.participant_id = body["token"], body["participant"]["id"]
    if post:
        status, body = server.request(
            "POST", f"/api/events/{event.slug}/messages", {"body": "hello"}, token=event.token
        )
        assert status == 201, body
        event.message_id = body["message"]["id"]
    if hold:
        status, body = server.request(
            "POST", f"/api/events/{event.slug}/messages", {"body": "Free money!"}, token=event.token
        )
        assert status == 202, body
        event.held_id = body["held"]["id"]
    if qa:
        asker = server.request("POST", f"/api/events/{event.slug}/participants", {"nickname": "asker"})[1]["token"]
        status, body = server.request(
            "POST", f"/api/events/{event.slug}/questions", {"body": "What next?"}, token=asker
        )
        assert status == 201, body
        event.question_id = body["question"]["id"]
        options = [f"Option {n}" for n in range(10)]
        status, body = server.request(
            "POST",
            f"/api/events/{event.slug}/polls",
            {"question": "Which?", "options": options, "multiple": True},
            token=event.host_key,
        )
        assert status == 201, body
        event.poll_id = body["poll"]["id"]
    status, body = server.request(
        "POST", f"/api/events/{event.slug}/moderators", {"name": "Maya"}, token=event.host_key
    )
    assert status == 201, body
    event.moderator_key, event.moderator_id = body["key"], body["moderator"]["id"]
    if close:
        status, body = server.request("POST", f"/api/events/{event.slug}/close", token=event.host_key)
        assert status == 200, body
    return event


def make_series(server: ServerProcess, title: str) -> Event:
    """A daily series of five meetings, its first in an hour: its slug and host key."""
    body = {"title": title, "starts_at": iso_in(3600), "ends_at": iso_in(7200), "description": "x"}
    status, made = server.request("POST", "/api/series", {**body, "rrule": "FREQ=DAILY;COUNT=5", "time_zone": "UTC"})
    assert status == 201, made
    return Event(made["series"]["slug"], made["host_key"])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    db = tmp_path_factory.mktemp("schemathesis") / "chat.db"
    # Searches and uploads unlimited: the fuzzer asks hundreds from one address (and one participant),
    # and each operation must reach a 2xx. No link previews: a generated link must not make the server
    # fetch from the internet.
    flags = ("--search-limit", "0", "--upload-limit", "0", "--link-previews", "off")
    with ServerProcess(Path(db), "--max-wait", MAX_WAIT, *flags) as server:
        # Read the server's output as it comes: a full pipe would block the server on its next log line.
        log: list[bytes] = []
        output = server.proc.stdout
        assert output is not None
        reader = threading.Thread(target=lambda: log.extend(iter(output.readline, b"")), daemon=True)
        reader.start()
        live = Live(
            server,
            open=make_event(server, "Open", join=True, post=True),
            closed=make_event(server, "Closed", join=True, post=True, close=True),
            closable=make_event(server, "To close"),
            editable=make_event(server, "To edit"),
            bannable=make_event(server, "To ban from", join=True),
            mutable=make_event(server, "To mute in", join=True),
            staffed=make_event(server, "To name moderators for"),
            redactable=make_event(server, "To redact from", join=True, post=True, close=True),
            approvable=make_event(server, "To approve in", join=True, hold=True),
            rejectable=make_event(server, "To reject in", join=True, hold=True),
            filtered=make_event(server, "Filtered", join=True, hold=True),
            conversing=make_event(server, "To edit and react in", join=True, post=True),
            questioning=make_event(server, "To ask and vote in", join=True, qa=True),
            answering=make_event(server, "To answer in", join=True, qa=True),
            polling=make_event(server, "To close a poll in", join=True, qa=True),
            series=make_series(server, "Series"),
            series_editable=make_series(server, "Series to edit"),
            series_endable=make_series(server, "Series to end"),
            operator_key=operator_key(db),
            operator_closable=make_event(server, "For the operator to close"),
            operator_erasable=make_event(server, "For the operator to erase", join=True, post=True),
            series_operator_closable=make_series(server, "Series for the operator to close"),
            series_operator_erasable=make_series(server, "Series for the operator to erase"),
        )
        yield live
        live.session.close()
        assert server.proc.poll() is None, "the server died during the run"
        server.proc.terminate()  # a graceful stop (SIGTERM), which must also go without a traceback
        server.proc.wait(timeout=15)
        reader.join(timeout=10)
    text = b"".join(log).decode("utf-8", "replace")
    assert "Traceback" not in text, text[text.index("Traceback") - 2000 :]


def operator_key(db: Path) -> str:
    """A key made as an operator makes one: `chatserver admin-key` on the server's database."""
    made = subprocess.run(
        [sys.executable, "-m", "chatserver", "admin-key", "--db", str(db)], capture_output=True, text=True, check=True
    )
    return made.stdout.rsplit("#key=", 1)[1].strip()


def credential(case: schemathesis.Case, live: Live, event: Event) -> str | None:
    """The credential the operation lists first: the host key, the participant token, a moderator's
    key, or the operator's (where an operation takes several, the document lists the usual one first)."""
    keys = {
        "hostKey": event.host_key,
        "participantToken": event.token,
        "moderatorKey": event.moderator_key,
        "operatorKey": live.operator_key,
    }
    for requirement in case.operation.definition.raw.get("security", []):
        for name in requirement:
            return keys[name] or None
    return None


def pin(case: schemathesis.Case, live: Live, how: str) -> dict[str, str]:
    """Point the case at real data; return the headers to send with it."""
    if how == "as_generated":
        return {}
    event = live.event_for(case.operation.label)
    params = case.path_parameters if case.path_parameters is not None else {}
    if "slug" in params:
        params["slug"] = event.slug
    if "participant_id" in params:
        params["participant_id"] = event.participant_id
    if "id" in params:
        params["id"] = event.message_id
    if "moderator_id" in params:
        params["moderator_id"] = event.moderator_id
    if "held_id" in params:
        params["held_id"] = event.held_id
    if "question_id" in params:
        params["question_id"] = event.question_id
    if "poll_id" in params:
        params["poll_id"] = event.poll_id
    if "emoji" in params:
        params["emoji"] = REACTION  # one real emoji, percent-encoded as a client sends it
    if case.operation.label == "POST /api/events/{slug}/redactions" and isinstance(case.body, dict):
        case.body["id"] = event.message_id  # a real message, so that the credential decides
    if (
        case.operation.label == "POST /api/events/{slug}/notices"
        and isinstance(case.body, dict)
        and event.participant_id
    ):
        case.body["participants"] = [event.participant_id]  # a real recipient, so that the rest decides
        case.body.pop("users", None)
    if (
        case.operation.label == "POST /api/events/{slug}/participants"
        and isinstance(case.body, dict)
        and how == "pinned_with_credentials"
    ):
        # A valid nickname and no identity here, so that the rest of the fuzzed body (the device)
        # reaches the Store: which examples come depends on the whole document, and a run may
        # otherwise draw no valid nickname at all. The other ways fuzz the nickname itself.
        case.body.pop("identity", None)
        case.body["nickname"] = f"fuzzed {next(NICKNAMES)}"
    if case.operation.label == "POST /api/events" and isinstance(case.body, dict):
        case.body.update(starts_at=iso_in(-60), ends_at=iso_in(3600))  # times that pass, with random rest
    if case.operation.label == "POST /api/series" and isinstance(case.body, dict):
        # A valid schedule, so that the fuzzed title, description and flags reach the Store.
        case.body.update(starts_at=iso_in(600), ends_at=iso_in(1200), rrule="FREQ=DAILY;COUNT=2", time_zone="UTC")
    if how == "pinned":
        return {}  # whatever Authorization was generated, if any: a wrong credential
    if case.headers:
        for name in [name for name in case.headers if name.lower() == "authorization"]:
            del case.headers[name]
    key = event.moderator_key if how == "pinned_as_moderator" else credential(case, live, event)
    return {"Authorization": f"Bearer {key}"} if key else {}


@SCHEMA.parametrize()
@SCHEMA.given(how=st.sampled_from(HOW))
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_live_server_conforms_to_the_document(case: schemathesis.Case, how: str, live: Live) -> None:
    headers = pin(case, live, how)
    response = case.call_and_validate(base_url=live.server.base, session=live.session, headers=headers, checks=CHECKS)
    STATUSES.setdefault(case.operation.label, set()).add(response.status_code)


def test_the_run_reached_the_real_logic() -> None:
    """Every operation got a success answer at least once: pinning to real data works (a renamed
    path parameter, say, would otherwise leave the run testing nothing but 404s)."""
    operations = {operation.label for operation in operations_of(SCHEMA)}
    if set(STATUSES) != operations:
        pytest.skip("the schemathesis run did not run whole in this session")
    missing = {label: sorted(statuses) for label, statuses in STATUSES.items() if not any(s < 300 for s in statuses)}
    assert not missing, missing


# Path ids that are not plain ASCII numbers: str.isdigit() and int() take "²", "١" or "１" too.
ODD_IDS = ["\u00b2", "\u0661", "\uff11", "0x1", "1e3", "-1", " 1", "1.0", "+1", "9" * 19]


@pytest.mark.parametrize(
    "label",
    [
        "DELETE /api/events/{slug}/messages/{id}",
        "POST /api/events/{slug}/participants/{participant_id}/ban",
        "DELETE /api/events/{slug}/participants/{participant_id}/mute",
        "DELETE /api/events/{slug}/moderators/{moderator_id}",
        "DELETE /api/events/{slug}/held/{held_id}",
        "POST /api/events/{slug}/held/{held_id}/approve",
        "PATCH /api/events/{slug}/questions/{question_id}",
        "GET /api/events/{slug}/polls/{poll_id}",
        "POST /api/events/{slug}/polls/{poll_id}/close",
    ],
)
def test_ids_that_are_not_plain_numbers_are_404s(live: Live, label: str) -> None:
    method, path = label.split(" ", 1)
    operation = SCHEMA[path][method]
    event = live.event_for(label)
    name = path.rsplit("{", 1)[1].split("}")[0]
    for value in ODD_IDS:
        case = operation.Case(path_parameters={"slug": event.slug, name: value})
        response = case.call_and_validate(
            base_url=live.server.base,
            session=live.session,
            checks=CHECKS,
            headers={"Authorization": f"Bearer {event.host_key}"},
        )
        assert response.status_code == 404, (value, response.text)


def call(live: Live, label: str, key: str | None = None, body: object = None, **params: object) -> requests.Response:
    """One request to the live server, checked against the document as the fuzzed ones are."""
    method, path = label.split(" ", 1)
    operation = SCHEMA[path][method]
    case = operation.Case(
        path_parameters={name: str(value) for name, value in params.items()},
        **({"body": body, "media_type": "application/json"} if body is not None else {}),
    )
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return case.call_and_validate(base_url=live.server.base, session=live.session, headers=headers, checks=CHECKS)


def test_held_messages_and_sticky_bans_match_the_document(live: Live) -> None:
    """The answers the fuzzing seldom or never gets: a post held (202) and its retries, the author's
    view of the queue, decisions and their retries, the log, and a ban that covers the browser."""
    event, E = live.filtered, "/api/events/{slug}"
    slug, host, token, mod = event.slug, event.host_key, event.token, event.moderator_key
    post = {"body": "Cheap CRYPTOcoins", "client_id": "held-1"}
    held = call(live, f"POST {E}/messages", token, post, slug=slug)
    assert held.status_code == 202 and held.json()["held"]["status"] == "held"
    again = call(live, f"POST {E}/messages", token, post, slug=slug)
    assert again.status_code == 200 and again.json()["held"]["id"] == held.json()["held"]["id"]
    mine = call(live, f"GET {E}/held", token, slug=slug).json()["held"]
    assert [h["body"] for h in mine] == ["Free money!", "Cheap CRYPTOcoins"]
    assert len(call(live, f"GET {E}/held", mod, slug=slug).json()["held"]) == 2
    assert call(live, f"GET {E}/held", None, slug=slug).status_code == 401
    hid = held.json()["held"]["id"]
    approved = call(live, f"POST {E}/held/{{held_id}}/approve", mod, slug=slug, held_id=hid)
    assert approved.status_code == 200 and approved.json()["held"]["status"] == "approved"
    assert call(live, f"POST {E}/held/{{held_id}}/approve", host, slug=slug, held_id=hid).status_code == 404
    retried = call(live, f"POST {E}/messages", token, post, slug=slug)
    assert retried.status_code == 200 and retried.json()["message"]["id"] == approved.json()["held"]["item_id"]
    rejected = call(live, f"DELETE {E}/held/{{held_id}}", host, slug=slug, held_id=event.held_id)
    assert rejected.status_code == 200 and rejected.json()["held"]["status"] == "rejected"
    assert call(live, f"DELETE {E}/held/{{held_id}}", host, slug=slug, held_id=event.held_id).status_code == 404
    assert call(live, f"GET {E}/held", token, slug=slug).json()["held"] == []
    # The moderation log, then a ban that covers the browser the participant joins from.
    device = "schemathesis-device-1"
    joined = call(live, f"POST {E}/participants", None, {"nickname": "troll", "device": device}, slug=slug)
    assert joined.status_code == 201
    pid = joined.json()["participant"]["id"]
    ban = call(
        live,
        f"POST {E}/participants/{{participant_id}}/ban",
        mod,
        {"address_minutes": 0},
        slug=slug,
        participant_id=pid,
    )
    assert ban.status_code == 200
    log = call(live, f"GET {E}/actions", host, slug=slug).json()["actions"]
    assert [a["action"] for a in log] == ["ban", "reject", "approve", "add_moderator"]
    refused = call(live, f"POST {E}/participants", None, {"nickname": "troll2", "device": device}, slug=slug)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "banned"
    assert call(live, f"GET {E}/host", host, slug=slug).json()["filter_words"] == FILTER


def test_the_run_covers_every_documented_operation() -> None:
    labels = {operation.label for operation in operations_of(SCHEMA)}
    documented = {
        f"{method.upper()} {path}"
        for path, item in DOCUMENT["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert labels == documented
