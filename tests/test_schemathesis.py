"""Schemathesis against a live server: generated requests for every documented operation.

The server is a real process (`python -m chatserver serve`, tests/serverproc.py) on a fresh
database, with a short --max-wait so that held polls end quickly. Before the run it gets real data:
an open event with a participant and a message, a closed event, and one event each for the host
actions that change state (close, edit, ban), so that generated requests reach the real logic
and not only 404s. Each example is sent in one of three ways, chosen by Hypothesis:

- as generated (random slugs: mostly 404s, and the validation of everything else);
- with the path pinned to the real event (and participant, message) but no credentials;
- pinned, with the right credential (the host key or the participant token) in Authorization.

Checks: no 5xx, and status code, content type, headers and body as documented. The run is
derandomized (a fixed seed, no example database), so it is the same every time.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

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
HOW = ("as_generated", "pinned", "pinned_with_credentials")
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


@dataclass
class Live:
    server: ServerProcess
    open: Event  # reads, posts, joins, announcements, retractions, pages
    closed: Event  # the SSE stream (it ends once a closed event's items are sent)
    closable: Event
    editable: Event
    bannable: Event
    series: Event
    series_editable: Event
    series_endable: Event
    session: requests.Session = field(default_factory=requests.Session)

    def event_for(self, label: str) -> Event:
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
        if label == "GET /api/events/{slug}/stream":
            return self.closed
        return self.open


def make_event(server: ServerProcess, title: str, *, join: bool = False, post: bool = False) -> Event:
    status, body = server.request(
        "POST",
        "/api/events",
        {
            "title": title,
            "description": "Set up for the schemathesis run.",
            "starts_at": iso_in(-60),
            "ends_at": iso_in(3 * 3600),
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
    with ServerProcess(Path(db), "--max-wait", MAX_WAIT) as server:
        # Read the server's output as it comes: a full pipe would block the server on its next log line.
        log: list[bytes] = []
        output = server.proc.stdout
        assert output is not None
        reader = threading.Thread(target=lambda: log.extend(iter(output.readline, b"")), daemon=True)
        reader.start()
        closed = make_event(server, "Closed", join=True, post=True)
        status, body = server.request("POST", f"/api/events/{closed.slug}/close", token=closed.host_key)
        assert status == 200, body
        live = Live(
            server,
            open=make_event(server, "Open", join=True, post=True),
            closed=closed,
            closable=make_event(server, "To close"),
            editable=make_event(server, "To edit"),
            bannable=make_event(server, "To ban from", join=True),
            series=make_series(server, "Series"),
            series_editable=make_series(server, "Series to edit"),
            series_endable=make_series(server, "Series to end"),
        )
        yield live
        live.session.close()
        assert server.proc.poll() is None, "the server died during the run"
        server.proc.terminate()  # a graceful stop (SIGTERM), which must also go without a traceback
        server.proc.wait(timeout=15)
        reader.join(timeout=10)
    text = b"".join(log).decode("utf-8", "replace")
    assert "Traceback" not in text, text[text.index("Traceback") - 2000 :]


def credential(case: schemathesis.Case, event: Event) -> str | None:
    """The credential the operation asks for: the host key, or the participant token."""
    security = case.operation.definition.raw.get("security", [])
    schemes = {name for requirement in security for name in requirement}
    if "hostKey" in schemes:
        return event.host_key
    if "participantToken" in schemes:
        return event.token
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
    key = credential(case, event)
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
    ],
)
def test_ids_that_are_not_plain_numbers_are_404s(live: Live, label: str) -> None:
    method, path = label.split(" ", 1)
    operation = SCHEMA[path][method]
    event = live.event_for(label)
    name = "id" if path.endswith("{id}") else "participant_id"
    for value in ODD_IDS:
        case = operation.Case(path_parameters={"slug": event.slug, name: value})
        response = case.call_and_validate(
            base_url=live.server.base,
            session=live.session,
            checks=CHECKS,
            headers={"Authorization": f"Bearer {event.host_key}"},
        )
        assert response.status_code == 404, (value, response.text)


def test_the_run_covers_every_documented_operation() -> None:
    labels = {operation.label for operation in operations_of(SCHEMA)}
    documented = {
        f"{method.upper()} {path}"
        for path, item in DOCUMENT["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert labels == documented
