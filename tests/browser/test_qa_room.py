"""Q&A in the room: the questions panel, asking, voting, the order and the host's "answering"."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room


def ask(page: Any, text: str) -> None:
    page.get_by_label("Ask a question").fill(text)
    page.get_by_role("button", name="Ask", exact=True).click()


def questions(page: Any) -> Any:
    return page.locator("#questions .qa-item .qa-text")


def test_questions_are_asked_voted_reordered_and_answered_live(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(qa=True)
    slug, key = created["event"]["slug"], created["host_key"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    bob = open_room(context_factory(), live_server, slug, "bob")
    carol = open_room(context_factory(), live_server, slug, "carol")

    ask(alice, "What comes first?")
    expect(questions(carol)).to_have_text(["What comes first?"])
    ask(bob, "What comes next?")
    # Top: no votes yet, so the older first; New: the newest first.
    expect(questions(carol)).to_have_text(["What comes first?", "What comes next?"])
    carol.get_by_role("button", name="New", exact=True).click()
    expect(questions(carol)).to_have_text(["What comes next?", "What comes first?"])
    carol.get_by_role("button", name="Top", exact=True).click()
    expect(questions(carol)).to_have_text(["What comes first?", "What comes next?"])
    # The questions never appear among the chat's messages.
    expect(carol.locator("#messages li", has_text="What comes")).to_have_count(0)

    # Alice votes for Bob's question: it rises to the top on Carol's screen (the stream's votes item).
    vote = alice.locator("#questions .qa-item", has_text="What comes next?").locator("button.qa-vote")
    expect(vote).to_have_attribute("aria-pressed", "false")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote).to_have_accessible_name("Upvote (1 vote)")
    expect(questions(carol)).to_have_text(["What comes next?", "What comes first?"], timeout=10_000)
    expect(carol.locator("#questions .qa-item", has_text="What comes next?").locator(".qa-votes")).to_have_text("1")

    # The host marks Alice's question "answering" through the API: highlighted for everyone.
    status, answer = live_server.api("GET", f"/api/events/{slug}/questions?sort=new", token=key)
    assert status == 200, answer
    first = next(q for q in answer["questions"] if q["body"] == "What comes first?")
    status, answer = live_server.api(
        "PATCH", f"/api/events/{slug}/questions/{first['id']}", {"status": "answering"}, key
    )
    assert status == 200, answer
    for page in (alice, bob, carol):
        row = page.locator("#questions .qa-item", has_text="What comes first?")
        expect(row).to_have_class(re.compile(r"\banswering\b"))
        expect(row.locator(".qa-badge")).to_have_text("Being answered")

    # Taking back a vote: the count falls again.
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "false")
    expect(carol.locator("#questions .qa-item", has_text="What comes next?").locator(".qa-votes")).to_have_text(
        "0", timeout=10_000
    )


def test_a_room_without_qa_has_no_questions_panel(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    page = open_room(context_factory(), live_server, slug, "alice")
    expect(page.locator("#composer")).to_be_visible()
    expect(page.locator("#questions")).to_have_count(0)
