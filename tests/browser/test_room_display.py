"""How the room, the host console and the transcript show what people wrote: right-to-left text,
links, the hover time of grouped messages, the closing line, the pinned announcement, and "Seen by"
on messages taller than the list."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room

ARABIC = "مرحبا بالجميع، @alice كيف حالكم اليوم؟"
HEBREW = "שלום לכולם, מה שלומכם?"
ENGLISH = "Hello @محمد, welcome!"

# Each body's text and computed direction, and whether each author's name is a bidi isolate.
DIRECTIONS = """(root) => Array.from(root.querySelectorAll("li.message")).map((li) => {
    const body = li.querySelector(".body");
    const author = li.querySelector(".author");
    return [body.textContent, getComputedStyle(body).direction, getComputedStyle(author).unicodeBidi];
})"""


def say(server: LiveServer, slug: str, token: str, body: str) -> int:
    status, reply = server.api("POST", f"/api/events/{slug}/messages", {"body": body}, token)
    assert status == 201, reply
    return int(reply["message"]["id"])


def directions(page: Any, selector: str) -> list[list[str]]:
    return [list(row) for row in page.locator(selector).evaluate(DIRECTIONS)]


def test_right_to_left_text_reads_right_to_left_everywhere(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(title="نقاش مفتوح: Python", description="שאלות ותשובות")
    slug = created["event"]["slug"]
    mohammed, david, alice = (live_server.join(slug, name) for name in ("محمد", "דוד", "alice"))
    say(live_server, slug, mohammed, ARABIC)
    say(live_server, slug, david, HEBREW)
    say(live_server, slug, alice, ENGLISH)
    expected = [[ARABIC, "rtl", "isolate"], [HEBREW, "rtl", "isolate"], [ENGLISH, "ltr", "isolate"]]
    context = context_factory()

    room = open_room(context, live_server, slug)
    expect(room.locator("#messages li.message")).to_have_count(3)
    assert directions(room, "#messages") == expected
    head = room.locator(".event-head")
    assert head.locator("h1").evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert head.locator(".description").evaluate("el => getComputedStyle(el).direction") == "rtl"
    # A name in a sentence of the server's stays a name: the sentence reads left to right (the three
    # joins, one after another, are one line: "alice, דוד and محمد joined.").
    joined = room.locator("#messages li.system[data-code=joined]:visible").locator(".body")
    expect(joined).to_have_css("direction", "ltr")
    expect(joined.locator("bdi")).to_have_text(["alice", "דוד", "محمد"])
    # @mentions are isolated: a Latin "@alice" in the Arabic message keeps its place.
    expect(room.locator("#messages .body bdi", has_text="@alice")).to_have_count(1)
    nick = room.locator("#participants .nick", has_text="محمد")
    expect(nick).to_have_css("unicode-bidi", "isolate")

    host = context.new_page()
    host.goto(live_server.base + created["links"]["host"])
    expect(host.locator("#messages li.message")).to_have_count(3)
    assert directions(host, "#messages") == expected
    expect(host.locator("#participants .nick", has_text="דוד")).to_have_css("unicode-bidi", "isolate")
    assert host.locator("#host-title").evaluate("el => getComputedStyle(el).direction") == "rtl"

    transcript = context.new_page()
    transcript.goto(f"{live_server.base}/e/{slug}/transcript")
    assert directions(transcript, "ol.log") == expected
    assert transcript.locator("h1").evaluate("el => getComputedStyle(el).direction") == "rtl"


def test_addresses_in_messages_and_descriptions_are_links(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(description="Slides: https://slides.example.org/deck (and www.example.org).")
    slug = created["event"]["slug"]
    bob = live_server.join(slug, "bob")
    say(live_server, slug, bob, "See www.example.org/docs, not foo.www.example.org or me@www.example.org")
    rel = "noopener noreferrer nofollow ugc"
    context = context_factory()
    room = open_room(context, live_server, slug)
    transcript = context.new_page()
    transcript.goto(f"{live_server.base}/e/{slug}/transcript")
    for page, body in ((room, "#messages li.message .body"), (transcript, "ol.log li.message .body")):
        links = page.locator(body + " a")
        expect(links).to_have_count(1)
        expect(links).to_have_text("www.example.org/docs")
        expect(links).to_have_attribute("href", "https://www.example.org/docs")
        expect(links).to_have_attribute("rel", rel)
        expect(links).to_have_attribute("target", "_blank")
        described = page.locator(".event-head .description a")
        expect(described).to_have_count(2)
        expect(described.first).to_have_attribute("href", "https://slides.example.org/deck")
        expect(described.last).to_have_attribute("href", "https://www.example.org/")
        expect(described.last).to_have_attribute("rel", rel)


def test_the_hover_time_never_covers_the_text(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    alice = live_server.join(slug, "alice")
    say(live_server, slug, alice, "First of a run")
    say(live_server, slug, alice, "WWWWWW second, right under the first")
    context = context_factory(viewport={"width": 1280, "height": 800})
    room = open_room(context, live_server, slug)
    host = context.new_page()
    host.goto(live_server.base + created["links"]["host"])
    for page, width in ((room, 1280), (host, 1280), (room, 390)):
        page.set_viewport_size({"width": width, "height": 800})
        follow_on = page.locator("#messages li.message.cont")
        follow_on.hover()
        time_el = follow_on.locator("time")
        expect(time_el).to_be_visible()
        page.wait_for_function(
            "el => getComputedStyle(el).opacity === '1'", arg=follow_on.locator(".meta").element_handle()
        )
        t, b = time_el.bounding_box(), follow_on.locator(".body").bounding_box()
        assert t and b
        apart = t["x"] + t["width"] <= b["x"] or b["x"] + b["width"] <= t["x"] or t["y"] + t["height"] <= b["y"]
        assert apart, (width, page.url, t, b)


def test_the_closing_line_is_in_view_after_closing(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    bob = live_server.join(slug, "bob")
    for n in range(25):
        say(live_server, slug, bob, f"message {n}")
    page = open_room(context_factory(viewport={"width": 1280, "height": 800}), live_server, slug, "alice")
    expect(page.locator("#messages li.message")).to_have_count(25)
    # Where the closing line is the moment the closed notice takes the composer's (smaller) place,
    # and once everything has settled.
    page.evaluate("""() => {
        const where = () => {
            const list = document.getElementById("messages").getBoundingClientRect();
            const line = document.querySelector("#messages li[data-code=closed]");
            const r = line ? line.getBoundingClientRect() : null;
            return !!r && r.top >= list.top && r.bottom <= list.bottom;
        };
        window.where = where;
        const atBottom = () => {
            const list = document.getElementById("messages");
            return list.scrollHeight - list.scrollTop - list.clientHeight < 4;
        };
        // The state may come a moment before the closing line (another request of the page finds
        // the event closed): then the list must be at its bottom, where the line will land.
        document.getElementById("room").addEventListener("room:state", () => {
            const early = !document.querySelector("#messages li[data-code=closed]");
            window.atClosing = early ? atBottom() : where();
            const list = document.getElementById("messages");
            const line = document.querySelector("#messages li[data-code=closed]");
            // What the reader saw at that moment, for a failure to explain itself.
            window.closingSeen = {
                line: !!line, items: list.children.length, top: list.scrollTop,
                height: list.scrollHeight, view: list.clientHeight,
                lineBox: line ? [line.getBoundingClientRect().top, line.getBoundingClientRect().bottom] : null,
                listBox: [list.getBoundingClientRect().top, list.getBoundingClientRect().bottom],
            };
        });
    }""")
    status, _ = live_server.api("POST", f"/api/events/{slug}/close", token=created["host_key"])
    assert status == 200
    expect(page.locator("#closed")).to_be_visible()
    expect(page.locator("#messages li.system[data-code=closed]")).to_have_text(re.compile("The event is closed."))
    assert page.evaluate("window.atClosing") is True, page.evaluate("window.closingSeen")
    page.wait_for_timeout(300)  # nothing scrolls it away afterwards
    assert page.evaluate("window.where()") is True


def test_the_newest_announcement_is_pinned_until_dismissed(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    bob = live_server.join(slug, "bob")
    page = open_room(context_factory(), live_server, slug)

    def announce(body: str) -> int:
        status, reply = live_server.api("POST", f"/api/events/{slug}/announcements", {"body": body}, key)
        assert status == 201, reply
        return int(reply["message"]["id"])

    announce("Welcome! Questions at the end.")
    for n in range(30):  # the chat goes on: the announcement scrolls away in the list, not at the top
        say(live_server, slug, bob, f"chatter {n}")
    expect(page.locator("#messages li.message")).to_have_count(30)
    pinned = page.locator("#pinned")
    expect(pinned).to_be_visible()
    expect(pinned).to_contain_text("Welcome! Questions at the end.")
    expect(page.locator("#messages li.announcement")).not_to_be_in_viewport()
    pin_box, list_box = pinned.bounding_box(), page.locator("#messages").bounding_box()
    assert pin_box and list_box and pin_box["y"] + pin_box["height"] <= list_box["y"]  # above the list, not in it

    pinned.get_by_role("button", name="Dismiss the announcement").click()
    expect(pinned).to_be_hidden()
    page.reload()
    expect(page.locator("#messages li.message")).to_have_count(30)
    expect(pinned).to_be_hidden()  # remembered for this room

    newer = announce("Five minutes left")
    expect(pinned).to_contain_text("Five minutes left")
    live_server.api("DELETE", f"/api/events/{slug}/messages/{newer}", token=key)
    expect(pinned).to_be_hidden()  # the host took it back


def test_a_message_taller_than_the_list_counts_as_read_once_scrolled_through(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    carol = live_server.join(slug, "carol")
    for n in range(30):
        say(live_server, slug, carol, f"earlier {n}")
    alice = open_room(context_factory(), live_server, slug, "alice")
    bob = open_room(context_factory(), live_server, slug, "bob")
    expect(bob.locator("#messages li.message")).to_have_count(30)
    bob.locator("#messages").evaluate("ol => { ol.scrollTop = 0; }")  # reading back up the chat

    long = "\n".join(f"line {n:02d} " + "of a very long message, " * 2 for n in range(70))
    assert len(long) <= 4000
    alice.get_by_label("Message").fill(long)
    alice.get_by_label("Message").press("Enter")
    mine = alice.locator("#messages li.message", has_text="line 69")
    expect(mine).to_have_count(1)
    tall = bob.locator("#messages li.message", has_text="line 69")
    expect(tall).to_have_count(1)
    expect(bob.get_by_role("button", name="1 new message")).to_be_visible()  # it came in below the fold
    assert tall.evaluate("(li) => li.offsetHeight > 2 * li.parentNode.clientHeight")

    # Bob scrolls down through it, a little at a time, to the end of the list.
    bob.locator("#messages").evaluate("""async (ol) => {
        const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        while (ol.scrollTop + ol.clientHeight < ol.scrollHeight - 1) {
            ol.scrollTop += 80;
            await frame();
        }
    }""")
    expect(mine.locator(".seen")).to_have_text("Seen by bob", timeout=5000)
