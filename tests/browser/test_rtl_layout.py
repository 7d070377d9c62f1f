"""An Arabic room is mirrored: people on the left, Send left of the box, avatars right of the bodies,
the pinned announcement's close button and the menus on the left. The English room keeps its geometry,
and a message reads in its own direction in either page."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer

ENGLISH = "Morning all! The agenda is in the description."
ARABIC = "مرحبا! أتابع من القاهرة، شكرا على التسجيل."

# The boxes the checks compare (left, right), and the side each stripe is drawn on.
GEOMETRY = """() => {
  const box = (sel) => { const el = document.querySelector(sel); if (!el) return null;
    const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; };
  const style = (sel) => getComputedStyle(document.querySelector(sel));
  const first = '#messages .item.message:not(.cont)';
  return {
    dir: document.documentElement.dir,
    people: box('#people'), messages: box('#messages'),
    send: box('#send'), textbox: box('#body'),
    avatar: box(first + ' .avatar'), body: box(first + ' .body'),
    close: box('#pinned-close'), pinned: box('#pinned-body'),
    peopleBorder: {left: style('#people').borderLeftWidth, right: style('#people').borderRightWidth},
    stripe: {left: style('#messages .item.announcement').borderLeftWidth,
             right: style('#messages .item.announcement').borderRightWidth},
    scroll: document.documentElement.scrollWidth, inner: innerWidth,
  };
}"""

# Where the text of the message with these words starts and ends inside its body, and its direction.
TEXT_IN_BODY = """(words) => {
  const body = [...document.querySelectorAll('#messages .item .body')].find((b) => b.textContent === words);
  const range = document.createRange(); range.selectNodeContents(body);
  const text = range.getBoundingClientRect(), box = body.getBoundingClientRect();
  return {direction: getComputedStyle(body).direction, before: text.left - box.left, after: box.right - text.right};
}"""


def room(server: LiveServer) -> str:
    """An open room with two messages in a row from one person, one in Arabic, and an announcement."""
    created = server.create_event(title="Weekly meeting")
    slug = created["event"]["slug"]
    alice, dana = server.join(slug, "alice"), server.join(slug, "dana")
    for body, token in ((ENGLISH, alice), ("First up: the release.", alice), (ARABIC, dana)):
        assert server.api("POST", f"/api/events/{slug}/messages", {"body": body}, token)[0] == 201
    announced = {"body": "Recording starts at :30."}
    assert server.api("POST", f"/api/events/{slug}/announcements", announced, created["host_key"])[0] == 201
    return slug


def shown(page: Any) -> None:
    """The conversation and the pinned announcement are on screen."""
    expect(page.locator("#messages .item.message")).to_have_count(3)
    expect(page.locator("#pinned")).to_be_visible()


def test_the_arabic_room_is_mirrored_and_the_english_one_is_not(live_server: LiveServer, context_factory: Any) -> None:
    slug = room(live_server)
    page = context_factory(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(f"{live_server.base}/e/{slug}?locale=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("#nickname").fill("erin")
    page.locator("#join button[type=submit]").click()
    expect(page.locator("#composer")).to_be_visible()
    shown(page)

    at = page.evaluate(GEOMETRY)
    assert at["people"]["right"] <= at["messages"]["left"], "the people panel is not left of the messages"
    assert at["peopleBorder"] == {"left": "0px", "right": "1px"}, (
        "the people panel's rule is not between it and the chat"
    )
    assert at["send"]["right"] <= at["textbox"]["left"], "Send is not left of the message box"
    assert at["avatar"]["left"] >= at["body"]["right"], "the avatar is not right of the message"
    assert at["close"]["right"] <= at["pinned"]["left"], "the pinned announcement's close button is not on the left"
    assert at["stripe"] == {"left": "1px", "right": "4px"}, "the announcement's stripe is not on its right"

    # The time of a follow-up message shows on hover in the gutter under the avatar: on the right.
    follow_up = page.locator("#messages .item.message.cont")
    follow_up.hover()
    meta = follow_up.locator(".meta")
    expect(meta).to_have_css("opacity", "1")
    time, body = meta.bounding_box(), follow_up.locator(".body").bounding_box()
    assert time and body and time["x"] >= body["x"] + body["width"], "the hover time is not in the right-hand gutter"

    # The notifications menu opens toward the page, not off its left edge.
    page.locator("#alerts > summary").click()
    menu = page.locator("#alerts .menu-body")
    expect(menu).to_be_visible()
    assert menu.bounding_box()["x"] >= 0, "the notifications menu opens off the screen"
    page.locator("#alerts > summary").click()

    # An English message in the Arabic page reads left to right, from the left of its column.
    english = page.evaluate(TEXT_IN_BODY, ENGLISH)
    assert english["direction"] == "ltr" and english["before"] < 2, english

    page.set_viewport_size({"width": 390, "height": 844})
    at = page.evaluate(GEOMETRY)
    assert at["send"]["right"] <= at["textbox"]["left"], "Send is not left of the message box on a phone"
    assert at["avatar"]["left"] >= at["body"]["right"], "the avatar is not right of the message on a phone"
    assert at["close"]["right"] <= at["pinned"]["left"], "the close button is not on the left on a phone"
    page.set_viewport_size({"width": 360, "height": 740})
    at = page.evaluate(GEOMETRY)
    assert at["scroll"] <= 360 and at["inner"] == 360, f"the Arabic room is {at['scroll']} px wide on a 360 px screen"

    # The same room in English keeps today's geometry.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.base}/e/{slug}?locale=en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("#composer")).to_be_visible()
    shown(page)
    at = page.evaluate(GEOMETRY)
    assert at["messages"]["right"] <= at["people"]["left"], "the people panel is not right of the messages"
    assert at["peopleBorder"] == {"left": "1px", "right": "0px"}
    assert at["textbox"]["right"] <= at["send"]["left"], "Send is not right of the message box"
    assert at["avatar"]["right"] <= at["body"]["left"], "the avatar is not left of the message"
    assert at["pinned"]["right"] <= at["close"]["left"], "the close button is not on the right"
    assert at["stripe"] == {"left": "4px", "right": "1px"}

    # An Arabic message in the English page reads right to left, from the right of its column.
    arabic = page.evaluate(TEXT_IN_BODY, ARABIC)
    assert arabic["direction"] == "rtl" and arabic["after"] < 2, arabic
