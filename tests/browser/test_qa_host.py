"""Q&A from the host's side: the console's Questions panel (answer now, answered, dismiss, the
approval queue, the keys) seen live in the participants' rooms, and Q&A turned on and off in the
console's room settings reaching an open room without a reload."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_console, open_room


def ask(page: Any, text: str) -> None:
    page.get_by_label("Ask a question").fill(text)
    page.get_by_role("button", name="Ask", exact=True).click()


def room_row(page: Any, text: str) -> Any:
    return page.locator("#questions .qa-item", has_text=text)


def console_row(page: Any, text: str) -> Any:
    return page.locator("#hq-list .hq-item", has_text=text)


def test_the_host_answers_and_the_highlight_moves_in_every_room(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(qa=True)
    slug, key = created["event"]["slug"], created["host_key"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    bob = open_room(context_factory(), live_server, slug, "bob")
    host = open_console(context_factory(), live_server, slug, key)

    ask(alice, "What comes first?")
    ask(bob, "What comes next?")
    expect(room_row(alice, "What comes next?")).to_be_visible()
    room_row(alice, "What comes next?").locator("button.qa-vote").click()
    room_row(bob, "What comes next?").locator("button.qa-vote").click()
    # The console lists both, Top: the one with two votes first, its count shown.
    expect(host.locator("#hq-list .hq-text")).to_have_text(["What comes next?", "What comes first?"], timeout=10_000)
    expect(console_row(host, "What comes next?").locator(".hq-votes")).to_have_text("2")
    host.get_by_role("button", name="New", exact=True).click()
    expect(host.locator("#hq-list .hq-text")).to_have_text(["What comes next?", "What comes first?"])
    host.get_by_role("button", name="Top", exact=True).click()

    console_row(host, "What comes first?").get_by_role("button", name="Answer now").click()
    expect(host.locator("#hq-status")).to_have_text(re.compile("Answering alice's question now"))
    expect(console_row(host, "What comes first?")).to_have_class(re.compile(r"\banswering\b"))
    for page in (alice, bob):
        expect(room_row(page, "What comes first?")).to_have_class(re.compile(r"\banswering\b"))

    # Another one: the highlight moves (the server moves the first to answered).
    console_row(host, "What comes next?").get_by_role("button", name="Answer now").click()
    for page in (alice, bob):
        expect(room_row(page, "What comes next?")).to_have_class(re.compile(r"\banswering\b"))
        expect(room_row(page, "What comes first?")).to_have_class(re.compile(r"\banswered\b"))
    expect(console_row(host, "What comes first?")).to_have_class(re.compile(r"\banswered\b"))
    expect(host.locator("#hq-list .hq-item.answering")).to_have_count(1)

    # Answered, then dismissed: a dismissed question leaves the rooms.
    console_row(host, "What comes next?").get_by_role("button", name="Answered").click()
    expect(room_row(bob, "What comes next?")).to_have_class(re.compile(r"\banswered\b"))
    console_row(host, "What comes first?").get_by_role("button", name="Reopen").click()
    console_row(host, "What comes first?").get_by_role("button", name="Dismiss").click()
    expect(host.locator("#hq-status")).to_have_text("alice's question is dismissed.")
    expect(room_row(bob, "What comes first?")).to_have_count(0)


def test_screened_questions_wait_in_the_approval_queue_and_the_keys_work(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(qa=True, qa_screening=True)
    slug, key = created["event"]["slug"], created["host_key"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    bob = open_room(context_factory(), live_server, slug, "bob")
    host = open_console(context_factory(), live_server, slug, key)

    for text in ("Is this screened?", "A second one?", "Spam spam spam"):
        ask(alice, text)
        expect(room_row(alice, text)).to_be_visible()
    expect(room_row(alice, "Is this screened?")).to_have_class(re.compile(r"\bpending\b"))
    expect(room_row(alice, "Is this screened?").locator(".qa-badge")).to_have_text("Waiting for the host")
    queue = host.locator("#hq-queue .hq-item")
    expect(queue).to_have_count(3)
    expect(host.locator("#hq-approval-count")).to_have_text("3")
    expect(room_row(bob, "Is this screened?")).to_have_count(0)

    # Approve with the button: Bob sees it.
    host.locator("#hq-queue .hq-item", has_text="Is this screened?").get_by_role("button", name="Approve").click()
    expect(room_row(bob, "Is this screened?")).to_be_visible()
    expect(host.locator("#hq-status")).to_have_text(re.compile("Approved alice's question"))
    expect(queue).to_have_count(2)

    # The keys: focus the first waiting question, o approves it, the focus goes on to the next,
    # x dismisses that one; typing "x" in the announcement box does nothing.
    host.locator("#hq-queue .hq-item").first.focus()
    first = host.locator("#hq-queue .hq-item").first.locator(".hq-text").inner_text()
    host.keyboard.press("o")
    expect(room_row(bob, first)).to_be_visible()
    expect(queue).to_have_count(1)
    expect(host.locator("#hq-queue .hq-item").first).to_be_focused()
    host.keyboard.press("x")
    expect(host.locator("#hq-approval")).to_be_hidden()
    expect(console_row(host, "Spam spam spam")).to_have_class(re.compile(r"\bdismissed\b"))
    expect(room_row(bob, "Spam spam spam")).to_have_count(0)

    # j/k move among the questions; a answers the focused one, d marks it answered.
    host.locator("#hq-list .hq-item").first.focus()
    host.keyboard.press("j")
    expect(host.locator("#hq-list .hq-item").nth(1)).to_be_focused()
    host.keyboard.press("k")
    expect(host.locator("#hq-list .hq-item").first).to_be_focused()
    target = host.locator("#hq-list .hq-item").first.locator(".hq-text").inner_text()
    host.keyboard.press("a")
    expect(room_row(bob, target)).to_have_class(re.compile(r"\banswering\b"))
    expect(console_row(host, target)).to_have_class(re.compile(r"\banswering\b"))
    expect(console_row(host, target)).to_be_focused()
    host.keyboard.press("d")
    expect(room_row(bob, target)).to_have_class(re.compile(r"\banswered\b"))
    host.locator("#announce-body").fill("")
    host.locator("#announce-body").press("a")
    expect(host.locator("#announce-body")).to_have_value("a")
    expect(host.locator("#hq-list .hq-item.answering")).to_have_count(0)
    expect(host.locator("#hq-keys")).to_contain_text("answer now")


def test_turning_qa_on_and_off_in_the_console_shows_and_hides_the_rooms_panel(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    host = open_console(context_factory(), live_server, slug, key)
    expect(alice.locator("#questions")).to_have_count(0)
    expect(host.locator("#host-questions")).to_be_hidden()
    alice.evaluate("window.__same_page = true")  # gone after a reload

    host.get_by_label("Take questions (Q&A)").check()
    expect(host.locator("#room-status")).to_have_text(re.compile("The room takes questions"))
    expect(alice.locator("#questions")).to_be_visible()
    expect(host.locator("#host-questions")).to_be_visible()
    ask(alice, "Does it work now?")
    expect(console_row(host, "Does it work now?")).to_be_visible()

    host.get_by_label("Take questions (Q&A)").uncheck()
    expect(alice.locator("#questions")).to_have_count(0)
    expect(host.locator("#hq-off")).to_be_visible()  # the questions asked stay readable here
    assert alice.evaluate("window.__same_page") is True
    # Screening is a setting of its own, read back from the server.
    host.get_by_label("Approve questions before everyone sees them").check()
    expect(host.locator("#room-status")).to_have_text("New questions wait for your approval before everyone sees them.")
    status, answer = live_server.api("GET", f"/api/events/{slug}")
    assert status == 200 and answer["event"]["qa_screening"] is True and answer["event"]["qa"] is False


def test_the_home_page_schedules_an_event_that_takes_questions(live_server: LiveServer, context_factory: Any) -> None:
    page = context_factory().new_page()
    page.goto(live_server.base + "/")
    page.get_by_label("Title").fill("Ask me anything")
    page.get_by_label("Take questions (Q&A)").check()
    page.get_by_role("button", name="Schedule the event").click()
    expect(page.get_by_role("heading", name="“Ask me anything” is scheduled")).to_be_visible()
    slug = page.locator("#room-link").input_value().rstrip("/").rsplit("/", 1)[1]
    status, answer = live_server.api("GET", f"/api/events/{slug}")
    assert status == 200 and answer["event"]["qa"] is True and answer["event"]["qa_screening"] is False


def test_a_moderator_answers_and_approves_from_their_console(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(qa=True, qa_screening=True)
    slug, key = created["event"]["slug"], created["host_key"]
    status, answer = live_server.api("POST", f"/api/events/{slug}/moderators", {"name": "Maya"}, key)
    assert status == 201, answer
    alice = open_room(context_factory(), live_server, slug, "alice")
    moderator = open_console(context_factory(), live_server, slug, answer["key"])
    ask(alice, "Can a moderator approve me?")
    expect(room_row(alice, "Can a moderator approve me?")).to_have_class(re.compile(r"\bpending\b"))
    moderator.locator("#hq-queue .hq-item").get_by_role("button", name="Approve").click()
    expect(room_row(alice, "Can a moderator approve me?")).not_to_have_class(re.compile(r"\bpending\b"))
    console_row(moderator, "Can a moderator approve me?").get_by_role("button", name="Answer now").click()
    expect(room_row(alice, "Can a moderator approve me?")).to_have_class(re.compile(r"\banswering\b"))
    # The room settings are the host's: a moderator reads them.
    expect(moderator.get_by_label("Take questions (Q&A)")).to_be_checked()
    expect(moderator.get_by_label("Take questions (Q&A)")).to_be_disabled()
