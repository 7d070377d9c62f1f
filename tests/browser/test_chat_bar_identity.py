"""Who the visitor is in the chat bar: an identity per embedding site, and what the page may ask.

Each test runs twice (other_site): on another port of the chat server's host (the same site, whose
storage the frame shares with the room's own page) and on another site (a third-party frame)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room
from tests.browser.test_chat_bar import app_page, cross_site, room_in, wait_ready

# The page hears everything the bar tells it.
LISTEN = """() => {
    window.heard = [];
    for (const type of ["message", "nickname"]) chatserver.on(type, (detail) => heard.push([type, detail]));
}"""


def nicknames(server: LiveServer, slug: str) -> list[str]:
    _, people = server.api("GET", f"/api/events/{slug}/participants")
    return sorted(p["nickname"] for p in people["participants"])


def test_a_page_of_the_same_site_cannot_take_over_the_visitor(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    slug = live_server.create_event(title="Takeover")["event"]["slug"]
    context = context_factory()
    room_page = open_room(context, live_server, slug, "bob")  # the visitor joined on the room's own page
    # A page of the chat server's own site (another port of its host), or of another site, frames the
    # room naming itself as the parent: it may show the room, but not as bob.
    app = app_page(context, other_site, live_server, slug)
    wait_ready(app)
    app.evaluate(LISTEN)
    assert app.evaluate("chatserver.nickname()") is None

    taken = app.evaluate("chatserver.setNickname('mallory')")
    assert taken["ok"] is False and taken["error"]["code"] == "needs_click"
    assert taken["nickname"] is None
    assert "click" in taken["error"]["message"]
    room_page.locator("#body").fill("still bob here")
    room_page.locator("#body").press("Enter")
    app.wait_for_function("heard.some(([type, d]) => type === 'message' && d.body === 'still bob here')")
    message = app.evaluate("heard.find(([type, d]) => type === 'message' && d.body === 'still bob here')[1]")
    assert message["mine"] is False  # the page does not learn which messages are the visitor's
    assert nicknames(live_server, slug) == ["bob"]  # nobody was renamed or replaced
    expect(room_page.locator("#me")).to_have_text("bob")

    app.locator("chatserver-bar .bar").click()
    room = room_in(app)
    expect(room.get_by_label("Choose a nickname")).to_have_value("mallory")  # only suggested
    resume = room.get_by_role("button", name="Continue as bob")
    if cross_site(other_site):
        expect(resume).to_have_count(0)  # storage partitioned or blocked: nothing to continue
        return
    resume.click()  # the visitor joins the two on purpose, inside the frame
    expect(room.locator("#me")).to_have_text("bob")
    expect(room.locator("#messages li.message", has_text="still bob here")).to_have_class(re.compile(r"\bmine\b"))
    app.wait_for_function("chatserver.nickname() === 'bob'")
    assert nicknames(live_server, slug) == ["bob"]


def test_after_a_click_in_the_frame_the_page_may_set_the_nickname(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    slug = live_server.create_event(title="Click first")["event"]["slug"]
    app = app_page(context_factory(), other_site, live_server, slug, attrs="data-open")
    wait_ready(app)
    first = app.evaluate("chatserver.setNickname('frank')")
    assert first["ok"] is False and first["error"]["code"] == "needs_click"
    room = room_in(app)
    expect(room.get_by_label("Choose a nickname")).to_have_value("frank")
    room.locator("#messages").click()  # any click of the visitor's inside the room
    joined = app.evaluate("chatserver.setNickname('frank')")
    assert joined == {"ok": True, "nickname": "frank", "error": None}
    expect(room.locator("#me")).to_have_text("frank")
    renamed = app.evaluate("chatserver.setNickname('Frank Lee')")  # joined: a rename, not a new person
    assert renamed == {"ok": True, "nickname": "Frank Lee", "error": None}
    assert nicknames(live_server, slug) == ["Frank Lee"]


def test_a_listed_site_sets_the_nickname_without_a_click_and_a_ban_shows_the_notice(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    created = live_server.create_event(title="Trusted", embed_origins=[other_site[0]])
    slug, key = created["event"]["slug"], created["host_key"]
    app = app_page(context_factory(), other_site, live_server, slug)
    wait_ready(app)
    app.evaluate(LISTEN)
    assert app.evaluate("chatserver.setNickname('gina')") == {"ok": True, "nickname": "gina", "error": None}
    assert nicknames(live_server, slug) == ["gina"]
    renamed = app.evaluate("chatserver.setNickname('Gina Lee')")
    assert renamed == {"ok": True, "nickname": "Gina Lee", "error": None}
    _, people = live_server.api("GET", f"/api/events/{slug}/participants")
    assert [p["nickname"] for p in people["participants"]] == ["Gina Lee"]  # the same participant, renamed

    app.locator("chatserver-bar .bar").click()
    room = room_in(app)
    expect(room.locator("#messages li.system[data-code=renamed]")).to_contain_text("gina is now Gina Lee.")
    live_server.api("POST", f"/api/events/{slug}/participants/{people['participants'][0]['id']}/ban", token=key)
    expect(room.locator("#banned-note")).to_have_text("The host removed you from this room. You can still read along.")
    expect(room.locator("#composer")).to_be_hidden()
