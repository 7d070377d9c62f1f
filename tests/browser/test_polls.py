"""Polls in the front end: the host opens one in the console, people vote in the room (a card where
the poll was asked, pinned while open), the results move live, closing shows the final results and
unpins it; results hidden until one votes; several choices; the chat bar shows the open poll."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_console, open_room
from tests.browser.test_chat_bar import app_page, room_in, wait_ready


def card(page: Any, question: str) -> Any:
    return page.locator("#messages .poll-card", has_text=question)


def option(box: Any, text: str) -> Any:
    return box.locator(".poll-option", has_text=text)


def host_opens_poll(
    host: Any, question: str, options: list[str], multiple: bool = False, results: str = "live"
) -> None:
    form = host.locator("#poll-form")
    form.get_by_label("Question").fill(question)
    while form.locator("#poll-rows input").count() < len(options):
        form.get_by_role("button", name="Add an option").click()
    for n, text in enumerate(options):
        form.locator("#poll-rows input").nth(n).fill(text)
    if multiple:
        form.get_by_label("People may choose several options").check()
    form.locator("#poll-results").select_option(results)
    form.get_by_role("button", name="Open the poll").click()
    expect(host.locator("#poll-status")).to_have_text("The poll is open: everyone in the room sees it.")


def test_a_poll_from_the_console_is_voted_on_live_and_closed(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    host = open_console(context_factory(), live_server, slug, key)
    readers = {name: open_room(context_factory(), live_server, slug, name) for name in ("alice", "bob", "carol")}
    watcher = open_room(context_factory(), live_server, slug)  # a third screen that has not joined
    host_opens_poll(host, "Which day?", ["Monday", "Tuesday", "Friday"])
    # The form takes at most ten options, at least two (Remove appears above two rows).
    expect(host.locator("#poll-rows input")).to_have_count(2)

    for page in (*readers.values(), watcher):
        expect(card(page, "Which day?")).to_be_visible()
        pin = page.locator(".poll-pins .poll-pin", has_text="Which day?")
        expect(pin).to_be_visible()
    expect(watcher.locator(".poll-pins button")).to_have_text("See results")
    expect(readers["alice"].locator(".poll-pins button")).to_have_text("Vote")
    expect(card(watcher, "Which day?").locator(".poll-note")).to_have_text("Choose a nickname to vote.")
    expect(card(watcher, "Which day?").locator("button.poll-choice")).to_have_count(0)
    # The card sits in the conversation, not above it.
    assert readers["alice"].locator("#messages > li.poll").count() == 1

    # The pin brings the reader to the card.
    readers["alice"].locator(".poll-pins button").click()
    expect(card(readers["alice"], "Which day?")).to_be_focused()
    for name, choice in (("alice", "Tuesday"), ("bob", "Tuesday"), ("carol", "Friday")):
        button = option(card(readers[name], "Which day?"), choice).locator("button.poll-choice")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
    # The results move live on the watcher's screen (the stream's votes items) and in the console.
    watched = card(watcher, "Which day?")
    expect(watched.locator(".poll-voters")).to_have_text("3 voters", timeout=10_000)
    expect(option(watched, "Tuesday").locator(".poll-share")).to_have_text("67% · 2 votes")
    expect(option(watched, "Friday").locator(".poll-share")).to_have_text("33% · 1 vote")
    console_card = host.locator("#messages .poll-card", has_text="Which day?")
    expect(console_card.locator(".poll-voters")).to_have_text("3 voters", timeout=10_000)
    expect(option(console_card, "Monday").locator(".poll-share")).to_have_text("0% · 0 votes")

    # Carol changes her mind; her choice is kept across a reload (GET …/polls/<id>).
    carol = readers["carol"]
    option(card(carol, "Which day?"), "Monday").locator("button.poll-choice").click()
    expect(option(card(carol, "Which day?"), "Monday").locator("button.poll-choice")).to_have_attribute(
        "aria-pressed", "true"
    )
    carol.reload()
    mine = option(card(carol, "Which day?"), "Monday")
    expect(mine.locator("button.poll-choice")).to_have_attribute("aria-pressed", "true")
    expect(mine.locator(".poll-mine")).to_have_text("Your choice")
    expect(option(watched, "Friday").locator(".poll-share")).to_have_text("0% · 0 votes", timeout=10_000)

    # The host closes it: final results everywhere, a Closed mark, the pin gone.
    host.locator("#open-polls").get_by_role("button", name=re.compile("Close the poll")).click()
    expect(host.locator("#open-polls-empty")).to_be_visible()
    for page in (*readers.values(), watcher, host):
        box = page.locator("#messages .poll-card", has_text="Which day?")
        expect(box.locator(".poll-closed")).to_have_text("Closed")
        expect(box.locator(".poll-voters")).to_have_text("3 voters")
        expect(option(box, "Tuesday").locator(".poll-share")).to_have_text("67% · 2 votes")
        expect(box.locator("button.poll-choice")).to_have_count(0)
        expect(page.locator(".poll-pins .poll-pin")).to_have_count(0)


def test_results_after_voting_stay_hidden_until_the_reader_votes(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    status, made = live_server.api(
        "POST",
        f"/api/events/{slug}/polls",
        {"question": "Tea or coffee?", "options": ["Tea", "Coffee"], "results": "voted"},
        key,
    )
    assert status == 201, made
    early = live_server.join(slug, "early")
    status, _ = live_server.api("PUT", f"/api/events/{slug}/polls/{made['poll']['id']}/vote", {"options": [1]}, early)
    assert status == 200
    browser = context_factory()
    browser.clock.install()  # the voter's card asks for counts every 10 s: skipped ahead below
    alice = open_room(browser, live_server, slug, "alice")
    box = card(alice, "Tea or coffee?")
    expect(box.locator(".poll-hidden")).to_have_text("Results after you vote")
    expect(box.locator(".poll-share")).to_have_count(0)
    expect(box.locator(".poll-voters")).to_have_text("1 voter")
    option(box, "Tea").locator("button.poll-choice").click()
    expect(option(box, "Coffee").locator(".poll-share")).to_have_text("50% · 1 vote")
    expect(option(box, "Tea").locator(".poll-share")).to_have_text("50% · 1 vote")
    expect(box.locator(".poll-hidden")).to_have_count(0)
    expect(alice.locator(".poll-pins button")).to_have_text("See results")
    # A later vote reaches the voter too, though the public stream never carries these counts.
    late = live_server.join(slug, "late")
    status, _ = live_server.api("PUT", f"/api/events/{slug}/polls/{made['poll']['id']}/vote", {"options": [1]}, late)
    assert status == 200
    alice.clock.fast_forward(10_000)
    expect(option(box, "Coffee").locator(".poll-share")).to_have_text("67% · 2 votes")
    expect(box.locator(".poll-voters")).to_have_text("3 voters")


def test_a_multiple_choice_vote(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    host = open_console(context_factory(), live_server, slug, key)
    host_opens_poll(host, "Which talks?", ["Keynote", "Workshop", "Panel"], multiple=True)
    alice = open_room(context_factory(), live_server, slug, "alice")
    box = card(alice, "Which talks?")
    expect(box.locator(".poll-kind")).to_have_text("Choose one or more")
    vote = box.get_by_role("button", name="Vote", exact=True)
    expect(vote).to_be_disabled()
    box.get_by_label("Keynote").check()
    box.get_by_label("Panel").check()
    vote.click()
    expect(box.locator(".poll-voters")).to_have_text("1 voter")
    expect(option(box, "Keynote").locator(".poll-share")).to_have_text("100% · 1 vote")
    expect(option(box, "Panel").locator(".poll-share")).to_have_text("100% · 1 vote")
    expect(box.get_by_label("Keynote")).to_be_checked()
    expect(box.get_by_role("button", name="Vote", exact=True)).to_be_disabled()  # nothing changed since
    status, read = live_server.api("GET", f"/api/events/{slug}/polls/{box.get_attribute('data-poll')}", token=key)
    assert status == 200 and [o["votes"] for o in read["poll"]["options"]] == [1, 0, 1], read


def test_the_collapsed_chat_bar_shows_the_open_poll(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    created = live_server.create_event(title="Status")
    slug, key = created["event"]["slug"], created["host_key"]
    app = app_page(context_factory(), other_site, live_server, slug)
    wait_ready(app)
    shown = app.locator("chatserver-bar .b")
    expect(shown).to_be_hidden()
    status, made = live_server.api(
        "POST", f"/api/events/{slug}/polls", {"question": "Did the <b>export</b> work?", "options": ["Yes", "No"]}, key
    )
    assert status == 201, made
    expect(shown).to_be_visible()
    expect(shown).to_contain_text("Poll")
    expect(shown).to_contain_text("Did the <b>export</b> work?")  # as text, never markup
    expect(shown.get_by_role("button", name="Dismiss the announcement")).to_be_hidden()  # open: no ×
    shown.locator(".bn").click()  # opens the panel at the poll
    expect(app.locator("chatserver-bar .bar")).to_have_attribute("aria-expanded", "true")
    expect(shown).to_be_hidden()
    expect(room_in(app).locator("#messages .poll-card")).to_be_focused()
    app.locator("chatserver-bar .bar").click()  # collapsed again: still open, still shown
    expect(shown).to_be_visible()
    status, _ = live_server.api("POST", f"/api/events/{slug}/polls/{made['poll']['id']}/close", token=key)
    assert status == 200
    expect(shown).to_be_hidden()
