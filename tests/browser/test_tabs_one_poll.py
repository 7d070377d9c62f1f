"""Many tabs of one browser on one room: one long poll between them, every item in every tab."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import settles_at

TABS = 8


def open_tab(context: Any, server: LiveServer, slug: str) -> Any:
    page = context.new_page()
    page.goto(f"{server.base}/e/{slug}")
    expect(page.locator("#messages")).to_have_attribute("aria-busy", "false")
    return page


def say(server: LiveServer, slug: str, token: str, body: str) -> None:
    status, reply = server.api("POST", f"/api/events/{slug}/messages", {"body": body}, token)
    assert status == 201, reply


def test_eight_tabs_share_one_poll_and_all_receive_everything(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    context = context_factory()
    first = open_tab(context, live_server, slug)
    first.get_by_label("Choose a nickname").fill("alice")
    first.get_by_role("button", name="Join").click()
    expect(first.locator("#composer")).to_be_visible()
    tabs = [first] + [open_tab(context, live_server, slug) for _ in range(TABS - 1)]
    for tab in tabs:
        expect(tab.locator("#room")).to_have_attribute("data-transport", "worker")
        expect(tab.locator("#me")).to_have_text("alice")  # the nickname is the browser's, per room
    settles_at(live_server, 1)  # eight tabs, one held poll

    for n in range(10):
        say(live_server, slug, bob, f"burst {n}")
    for tab in tabs:
        expect(tab.locator("#messages li.message")).to_have_count(10, timeout=1000)
        expect(tab.locator("#messages li.message").last).to_have_text(re.compile("burst 9"))

    # The last tab posts while the others hold nothing open: it goes out at once, and all see it.
    last = tabs[-1]
    last.get_by_label("Message").fill("from the eighth tab")
    last.get_by_label("Message").press("Enter")
    for tab in tabs:
        expect(tab.locator("#messages li.message", has_text="from the eighth tab")).to_have_count(1, timeout=2000)

    # The tab that started the poll closes: the others keep receiving.
    first.close()
    say(live_server, slug, bob, "after the first tab left")
    for tab in tabs[1:]:
        expect(tab.locator("#messages li.message", has_text="after the first tab left")).to_have_count(1, timeout=1000)
    settles_at(live_server, 1)
    ids = [tab.locator("#messages li.item").evaluate_all("els => els.map(e => e.dataset.id)") for tab in tabs[1:]]
    assert all(i == ids[0] for i in ids)  # the same items, once each, in the same order
    assert len(ids[0]) == len(set(ids[0]))


def test_without_shared_worker_a_leader_tab_polls_and_another_takes_over(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    context = context_factory()
    context.add_init_script("delete window.SharedWorker")  # as in browsers that have none
    tabs = [open_tab(context, live_server, slug) for _ in range(3)]
    expect(tabs[0].locator("#room")).to_have_attribute("data-transport", "leader")
    for tab in tabs[1:]:
        expect(tab.locator("#room")).to_have_attribute("data-transport", "follower")
    settles_at(live_server, 1)
    say(live_server, slug, bob, "to all three")
    for tab in tabs:
        expect(tab.locator("#messages li.message", has_text="to all three")).to_have_count(1, timeout=1000)

    tabs[0].close()  # the leader goes; its lock passes to the next tab in line
    expect(tabs[1].locator("#room")).to_have_attribute("data-transport", "leader", timeout=1000)
    say(live_server, slug, bob, "after the leader left")
    for tab in tabs[1:]:
        expect(tab.locator("#messages li.message", has_text="after the leader left")).to_have_count(1, timeout=1000)
        expect(tab.locator("#messages li.message")).to_have_count(2)
    settles_at(live_server, 1)
