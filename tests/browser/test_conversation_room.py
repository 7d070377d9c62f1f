"""The conversation in the room (API.md "Conversation"): replies' quotes, reactions from two readers,
edits and their mark, deleting one's own message, day lines and the "New messages" line, mentions,
the message toolbar with the keyboard and on a phone, and edits in the host console."""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import quote

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room


def say(server: LiveServer, slug: str, token: str, body: str, **extra: Any) -> dict[str, Any]:
    status, reply = server.api("POST", f"/api/events/{slug}/messages", {"body": body, **extra}, token)
    assert status == 201, reply
    return dict(reply["message"])


def token_of(page: Any, slug: str) -> str:
    """The participant token the room keeps for the reader of `page`."""
    return str(
        page.evaluate("(slug) => JSON.parse(localStorage.getItem('chatserver.participant.' + slug)).token", slug)
    )


def watch_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def until(page: Any, done: Any, timeout: float = 5.0) -> None:
    """Wait for a Python-side condition (a route handler ran): Playwright delivers its events meanwhile."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(20)


def chip(page: Any, item_id: int, emoji: str) -> Any:
    return page.locator(f"#m{item_id} .reactions .reaction[data-emoji='{emoji}']")


def toolbar_button(page: Any, item_id: int, name: str) -> Any:
    """A button of the message's toolbar, the toolbar shown as a pointer on the message shows it."""
    page.locator(f"#m{item_id} .body").hover()
    return page.locator(f"#m{item_id} .msg-actions").get_by_role("button", name=name, exact=True)


def test_a_reply_quotes_its_original_and_leads_to_it(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    bob = live_server.join(slug, "bob")
    original = say(live_server, slug, bob, "The **slides** are on the wiki, under Meetings")
    for n in range(30):  # the original scrolls out of view
        say(live_server, slug, bob, f"filler {n}")
    reply = say(live_server, slug, bob, "And the notes too", reply_to=original["id"])
    page = open_room(context_factory(viewport={"width": 1280, "height": 800}), live_server, slug, "alice")
    errors = watch_errors(page)

    quoted = page.locator(f"#m{reply['id']} .reply-quote")
    expect(quoted.locator(".quote-author")).to_have_text("bob")
    expect(quoted.locator(".quote-text")).to_have_text("The slides are on the wiki, under Meetings")  # one plain line
    expect(quoted).to_have_attribute("aria-label", "In reply to bob: The slides are on the wiki, under Meetings")
    target = page.locator(f"#m{original['id']}")
    expect(target).not_to_be_in_viewport()

    quoted.click()
    expect(target).to_be_in_viewport()
    expect(target).to_be_focused()
    expect(target).to_have_class(re.compile(r"\bhighlighted\b"))
    expect(target).not_to_have_class(re.compile(r"\bhighlighted\b"), timeout=5000)  # briefly
    # Enter on the quote does the same.
    page.locator("#messages").evaluate("(ol) => { ol.scrollTop = ol.scrollHeight; }")
    quoted.focus()
    page.keyboard.press("Enter")
    expect(target).to_be_focused()
    # The list changing size as it scrolls there (the composer growing, a new line arriving) does not
    # pull it back to the bottom: a CI run under load lost the original that way.
    page.locator("#messages").evaluate("(ol) => { ol.scrollTop = ol.scrollHeight; }")
    page.evaluate("""() => {
        document.querySelector('#messages .reply-quote').click();
        document.querySelector('#messages').style.maxHeight = '300px';
    }""")
    expect(target).to_be_in_viewport()
    page.evaluate("() => { document.querySelector('#messages').style.maxHeight = ''; }")

    # The original changes: its quotes follow.
    status, _ = live_server.api(
        "PATCH", f"/api/events/{slug}/messages/{original['id']}", {"body": "Slides: see the wiki"}, bob
    )
    assert status == 200
    expect(quoted.locator(".quote-text")).to_have_text("Slides: see the wiki")
    status, _ = live_server.api("DELETE", f"/api/events/{slug}/messages/{original['id']}", token=bob)
    assert status == 200
    expect(quoted.locator(".quote-text")).to_have_text("Removed message")
    expect(quoted.locator(".quote-author")).to_be_hidden()
    assert errors == []


def test_edits_and_reactions_apply_once_whenever_they_come(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    page = open_room(context_factory(), live_server, slug)
    shown = page.evaluate("""async () => {
        const { ItemList } = await import("/static/items.js");
        const ol = document.createElement("ol");
        document.body.append(ol);
        const said = [];
        const list = new ItemList(ol, { group: true, say: (text) => said.push(text) });
        const at = (s) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
        const chips = (id) => Array.from(ol.querySelectorAll(`#m${id} .reaction`), (b) => b.dataset.emoji + b.textContent.slice(b.dataset.emoji.length) + " " + b.getAttribute("aria-label"));
        const like = (id, author, emoji, removed) => ({ id, kind: "reaction", target: 3, emoji, author, participant_id: 1, removed, created_at: at(id) });
        const out = {};
        // A reply whose original is not in the list; clicked, the status line says so.
        list.add([{ id: 7, kind: "message", author: "zed", participant_id: 9, body: "answer", created_at: at(7), reply_to: 3 }]);
        const quote = ol.querySelector("#m7 .reply-quote");
        out.quote = quote.textContent;
        quote.click();
        out.said = said.slice();
        // An edit and reactions to message 3 come before it: they wait for it.
        list.add([
          { id: 8, kind: "edit", target: 3, body: "question, *edited*", created_at: at(8) },
          like(9, "bob", "👍", false), like(10, "cy", "👍", false), like(11, "bob", "👍", false),
        ]);
        list.add([{ id: 3, kind: "message", author: "amy", participant_id: 4, body: "question?", created_at: at(3),
                    reactions: { "👍": ["dan"], "🎉": ["dan"] } }]);
        out.body = ol.querySelector("#m3 .body").textContent;
        out.edited = !!ol.querySelector("#m3 .edited");
        out.quoteNow = quote.textContent;
        out.chips = chips(3);
        // The same items again (a snapshot from another tab), then a removal: set semantics.
        list.add([like(9, "bob", "👍", false), like(11, "bob", "👍", false), like(12, "dan", "🎉", true), like(13, "dan", "🎉", true)]);
        out.again = chips(3);
        // An edit older than the text it has (read again later) changes nothing.
        list.add([{ id: 6, kind: "edit", target: 3, body: "older", created_at: at(5) }]);
        out.kept = ol.querySelector("#m3 .body").textContent;
        // Removed by its author: said so, and the quote of it too.
        list.add([{ id: 14, kind: "retraction", target: 3, by: "author", created_at: at(14) }]);
        out.removed = [ol.querySelector("#m3 .body").textContent, ol.querySelectorAll("#m3 .reaction, #m3 .edited").length, quote.textContent];
        ol.remove();
        // Who reacted: ten names at most, the reader as "you", the rest counted.
        const { whoReacted } = await import("/static/reactions.js");
        const many = Array.from("abcdefghijkl", (c) => c + c);
        out.who = [whoReacted(["bob", "me"], "me"), whoReacted([...many, "me"], "me")];
        return out;
    }""")
    assert shown == {
        "quote": "Earlier message",
        "said": ["The message this replies to is not in the conversation any more."],
        "body": "question, edited",
        "edited": True,
        "quoteNow": "amyquestion, edited",
        "chips": ["👍3 👍 3: dan, bob, and cy", "🎉1 🎉 1: dan"],
        "again": ["👍3 👍 3: dan, bob, and cy"],
        "kept": "question, edited",
        "removed": ["This message was deleted.", 0, "Removed message"],
        "who": ["bob and you", "aa, bb, cc, dd, ee, ff, gg, hh, ii, jj, you, and 2 others"],
    }


def test_reactions_converge_between_two_readers(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    carol = live_server.join(slug, "carol")
    alice = open_room(context_factory(), live_server, slug, "alice")
    bob = open_room(context_factory(), live_server, slug, "bob")
    errors = watch_errors(alice) + watch_errors(bob)
    message = say(live_server, slug, carol, "Ship it on Friday?")
    mid = message["id"]
    expect(bob.locator(f"#m{mid}")).to_be_visible()

    # Alice reacts from the toolbar: shown at once, pressed for her; bob sees it within 2 s.
    toolbar_button(alice, mid, "React with 👍").click()
    expect(chip(alice, mid, "👍")).to_have_attribute("aria-pressed", "true")
    expect(chip(bob, mid, "👍")).to_have_text("👍1", timeout=2000)
    expect(chip(bob, mid, "👍")).to_have_attribute("aria-pressed", "false")
    expect(chip(bob, mid, "👍")).to_have_attribute("aria-label", "👍 1: alice")

    # Bob adds his with the chip: both see two, each their own pressed.
    chip(bob, mid, "👍").click()
    expect(chip(bob, mid, "👍")).to_have_attribute("aria-pressed", "true")
    expect(chip(alice, mid, "👍")).to_have_text("👍2", timeout=2000)
    expect(chip(alice, mid, "👍")).to_have_attribute("aria-label", "👍 2: bob and you")
    expect(chip(alice, mid, "👍")).to_have_attribute("title", "bob and you reacted with 👍")
    expect(chip(bob, mid, "👍")).to_have_attribute("aria-label", "👍 2: alice and you")

    # Alice takes hers back: one left, for both.
    chip(alice, mid, "👍").click()
    expect(chip(alice, mid, "👍")).to_have_attribute("aria-pressed", "false")
    expect(chip(alice, mid, "👍")).to_have_text("👍1")
    expect(chip(bob, mid, "👍")).to_have_text("👍1", timeout=2000)
    expect(chip(bob, mid, "👍")).to_have_attribute("aria-label", "👍 1: you")
    # What the server holds agrees.
    _, read = live_server.api("GET", f"/api/events/{slug}/messages")
    assert [m for m in read["messages"] if m["id"] == mid][0]["reactions"] == {"👍": ["bob"]}

    # A reader who has not joined sees the chips but cannot press them.
    reader = open_room(context_factory(), live_server, slug)
    expect(chip(reader, mid, "👍")).to_have_text("👍1")
    expect(chip(reader, mid, "👍")).to_be_disabled()
    reader.locator(f"#m{mid} .body").hover()
    expect(reader.locator(f"#m{mid} .msg-actions")).to_have_count(0)
    assert errors == []


def test_a_toggle_shows_at_once_and_a_refused_one_is_taken_back(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    carol = live_server.join(slug, "carol")
    page = open_room(context_factory(), live_server, slug, "alice")
    mid = say(live_server, slug, carol, "Lunch at noon?")["id"]
    expect(page.locator(f"#m{mid}")).to_be_visible()

    page.evaluate("""() => {
        window.confirmed = [];
        document.getElementById("room").addEventListener("room:items", (ev) => {
          for (const item of ev.detail.items) if (item.kind === "reaction") window.confirmed.push(item.target);
        });
    }""")
    # Optimistic: the chip is there while the server has not answered yet.
    held: list[Any] = []
    path = f"**/api/events/{slug}/messages/{mid}/reactions/**"
    page.route(path, lambda route: held.append(route))
    toolbar_button(page, mid, "React with 🎉").click()
    expect(chip(page, mid, "🎉")).to_have_attribute("aria-pressed", "true")
    expect(chip(page, mid, "🎉")).to_have_text("🎉1")
    until(page, lambda: len(held) == 1)
    assert held[0].request.method == "PUT"
    assert held[0].request.url.endswith("/reactions/" + quote("🎉"))
    assert held[0].request.headers["authorization"] == "Bearer " + token_of(page, slug)
    held[0].continue_()
    page.unroute(path)
    # The stream's reaction item confirms it (and changes nothing).
    page.wait_for_function("(mid) => window.confirmed.includes(mid)", arg=mid)
    expect(chip(page, mid, "🎉")).to_have_attribute("aria-pressed", "true")

    # Refused (the event closed meanwhile, say): taken back, and the status line says why.
    page.route(path, lambda route: held.append(route))
    chip(page, mid, "🎉").click()
    expect(chip(page, mid, "🎉")).to_have_count(0)  # off at once (alice was the only one)
    until(page, lambda: len(held) == 2)
    assert held[1].request.method == "DELETE"
    held[1].fulfill(
        status=410,
        content_type="application/json",
        body=json.dumps({"error": {"code": "event_closed", "message": "The event is closed."}}),
    )
    expect(page.locator("#chat-status")).to_have_text("The event is closed.")
    expect(chip(page, mid, "🎉")).to_have_attribute("aria-pressed", "true")  # as it was
    expect(chip(page, mid, "🎉")).to_have_text("🎉1")
    _, read = live_server.api("GET", f"/api/events/{slug}/messages")
    assert [m for m in read["messages"] if m["id"] == mid][0]["reactions"] == {"🎉": ["alice"]}
    page.unroute(path)

    # Once the event is closed, nobody reacts any more: the chips stay, pressed no more.
    status, _ = live_server.api("POST", f"/api/events/{slug}/close", token=created["host_key"])
    assert status == 200
    expect(chip(page, mid, "🎉")).to_be_disabled()
    expect(chip(page, mid, "🎉")).to_have_attribute("aria-pressed", "true")  # still hers
    page.locator(f"#m{mid} .body").hover()
    expect(page.locator(f"#m{mid} .msg-actions")).to_have_count(0)


def test_an_edit_reaches_the_other_reader_with_its_mark(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    alice = live_server.join(slug, "alice")
    posted = say(live_server, slug, alice, "teh plan is *simple*")
    bob = open_room(context_factory(), live_server, slug, "bob")
    host = bob.context.browser.new_context()
    try:
        console = host.new_page()
        console.goto(live_server.base + created["links"]["host"])
        item = bob.locator(f"#m{posted['id']}")
        expect(item.locator(".body")).to_have_text("teh plan is simple")
        expect(item.locator(".edited")).to_have_count(0)
        expect(console.locator(f"#m{posted['id']} .body")).to_have_text("teh plan is simple")

        status, edited = live_server.api(
            "PATCH", f"/api/events/{slug}/messages/{posted['id']}", {"body": "the plan is *simple*"}, alice
        )
        assert status == 200, edited
        expect(item.locator(".body")).to_have_text("the plan is simple", timeout=1000)
        expect(item.locator(".body em")).to_have_text("simple")  # Markdown again
        mark = item.locator(".edited")
        expect(mark).to_contain_text("(edited)")
        expect(mark).to_have_attribute("title", re.compile(r"^Edited \w+"))
        expect(mark.locator(".visually-hidden")).to_have_text(re.compile(r"^Edited "))
        # The host console shows the edit and its mark (and no message toolbar).
        hosted = console.locator(f"#m{posted['id']}")
        expect(hosted.locator(".body")).to_have_text("the plan is simple")
        expect(hosted.locator(".edited")).to_contain_text("(edited)")
        hosted.locator(".body").hover()
        expect(hosted.locator(".msg-actions")).to_have_count(0)
    finally:
        host.close()
    # A reader who comes later reads the edited text, marked the same (edited_at).
    late = open_room(context_factory(), live_server, slug)
    expect(late.locator(f"#m{posted['id']} .body")).to_have_text("the plan is simple")
    expect(late.locator(f"#m{posted['id']} .edited")).to_contain_text("(edited)")


def test_deleting_ones_own_message_asks_first(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    carol = live_server.join(slug, "carol")
    page = open_room(context_factory(), live_server, slug, "alice")
    other = open_room(context_factory(), live_server, slug)
    theirs = say(live_server, slug, carol, "Not yours to delete")["id"]
    mine = say(live_server, slug, token_of(page, slug), "I regret this")["id"]
    expect(page.locator(f"#m{mine}")).to_be_visible()

    # Someone else's message has Reply but neither Edit nor Delete.
    expect(toolbar_button(page, theirs, "Reply")).to_be_visible()
    expect(toolbar_button(page, theirs, "Delete")).to_have_count(0)
    expect(toolbar_button(page, theirs, "Edit")).to_have_count(0)

    delete = toolbar_button(page, mine, "Delete")
    expect(toolbar_button(page, mine, "Edit")).to_be_visible()
    delete.click()
    dialog = page.locator("dialog#confirm")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#confirm-title")).to_have_text("Delete this message?")
    expect(dialog.locator("#confirm-text")).to_have_text("Everyone will see that it was deleted.")
    expect(dialog.locator("#confirm-cancel")).to_be_focused()  # the safe choice first
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(f"#m{mine} .body")).to_have_text("I regret this")

    toolbar_button(page, mine, "Delete").click()
    dialog.get_by_role("button", name="Delete").click()
    expect(page.locator(f"#m{mine} .body")).to_have_text("This message was deleted.")
    expect(page.locator(f"#m{mine}")).to_have_class(re.compile(r"\bretracted\b"))
    expect(other.locator(f"#m{mine} .body")).to_have_text("This message was deleted.")
    expect(other.locator("#messages")).not_to_contain_text("I regret this")
    # A deleted message has no actions left.
    page.locator(f"#m{mine} .body").hover()
    expect(page.locator(f"#m{mine} .msg-actions")).to_have_count(0)


def test_reply_and_edit_go_to_the_composer(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    carol = live_server.join(slug, "carol")
    page = open_room(context_factory(), live_server, slug, "alice")
    theirs = say(live_server, slug, carol, "Question?")["id"]
    mine = say(live_server, slug, token_of(page, slug), "My first try")["id"]
    expect(page.locator(f"#m{mine}")).to_be_visible()
    live_server.api("PATCH", f"/api/events/{slug}/messages/{mine}", {"body": "My second try"}, token_of(page, slug))
    expect(page.locator(f"#m{mine} .body")).to_have_text("My second try")
    # The room hands them to the composer's replyTo(item) and startEdit(item), the message as it is now.
    page.evaluate("""async () => {
        const { Composer } = await import("/static/composer.js");
        window.hooked = [];
        Composer.prototype.replyTo = function (item) { window.hooked.push(["reply", item.id, item.body]); };
        Composer.prototype.startEdit = function (item) { window.hooked.push(["edit", item.id, item.body]); };
    }""")
    toolbar_button(page, theirs, "Reply").click()
    toolbar_button(page, mine, "Edit").click()
    assert page.evaluate("window.hooked") == [["reply", theirs, "Question?"], ["edit", mine, "My second try"]]


def test_the_toolbar_works_from_the_keyboard(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    carol = live_server.join(slug, "carol")
    page = open_room(context_factory(), live_server, slug, "alice")
    first = say(live_server, slug, carol, "First")["id"]
    last = say(live_server, slug, carol, "Second")["id"]
    expect(page.locator(f"#m{last}")).to_be_visible()

    page.locator("#messages").focus()
    page.keyboard.press("ArrowUp")  # from the list: the newest message in view
    expect(page.locator(f"#m{last}")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator(f"#m{first}")).to_be_focused()
    bar = page.locator(f"#m{first} .msg-actions")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("role", "toolbar")
    expect(bar).to_have_attribute("aria-label", "Actions for the message by carol")
    page.keyboard.press("Tab")  # into its toolbar
    expect(bar.get_by_role("button", name="React with 👍")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(bar.get_by_role("button", name="React with ❤️")).to_be_focused()
    page.keyboard.press("End")
    expect(bar.get_by_role("button", name="Reply")).to_be_focused()
    page.keyboard.press("Home")
    page.keyboard.press("Enter")
    expect(chip(page, first, "👍")).to_have_attribute("aria-pressed", "true")
    expect(bar.get_by_role("button", name="React with 👍")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    expect(page.locator(f"#m{first}")).to_be_focused()

    # More reactions…: the picker (its catalog here a small one of our own); its emoji toggles the reaction.
    catalog = {
        "groups": [{"id": "travel-places", "emoji": [["🚀", "rocket", "space launch"], ["🚲", "bicycle", "bike"]]}]
    }
    page.route(
        "**/emoji/*.json", lambda route: route.fulfill(content_type="application/json", body=json.dumps(catalog))
    )
    page.keyboard.press("Tab")
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    expect(bar.get_by_role("button", name="More reactions…")).to_be_focused()
    page.keyboard.press("Enter")
    picker = page.get_by_role("dialog", name="Choose an emoji")
    expect(picker).to_be_visible()
    expect(bar).to_be_visible()  # kept while the picker is open
    expect(picker.locator('.emoji-group:not([data-frequent]) [data-emoji="🚀"]')).to_be_visible()  # its catalog came
    page.keyboard.type("rocket")
    expect(picker.get_by_role("status")).to_have_text(re.compile("found"))
    page.keyboard.press("Enter")
    expect(picker).to_have_count(0)
    expect(bar.get_by_role("button", name="More reactions…")).to_be_focused()
    expect(chip(page, first, "🚀")).to_have_attribute("aria-pressed", "true")


def test_day_lines_say_today_yesterday_or_the_date(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    say(live_server, slug, bob, "Good morning")
    page = open_room(context_factory(locale="en-US", timezone_id="Europe/Berlin"), live_server, slug)
    expect(page.locator("#messages li.message")).to_have_count(1)
    # Live: everything today sits under one "Today", above the first item.
    lines = page.locator("#messages > li.day-line")
    expect(lines).to_have_text(["Today"])
    assert page.evaluate("document.querySelector('#messages > li').classList.contains('day-line')")

    shown = page.evaluate("""async () => {
        const { dayLabel, dayStarts } = await import("/static/day-lines.js");
        const { ItemList } = await import("/static/items.js");
        const now = new Date(2026, 2, 30, 0, 30);  // just after midnight; yesterday the clocks went forward (23 hours)
        const labels = [
          dayLabel(new Date(2026, 2, 30, 0, 5), now),
          dayLabel(new Date(2026, 2, 29, 23, 50), now),
          dayLabel(new Date(2026, 2, 29, 0, 1), now),
          dayLabel(new Date(2026, 2, 28, 23, 59), now),
          dayLabel(new Date(2025, 11, 24, 12, 0), now),
        ];
        const starts = dayStarts([new Date(2026, 0, 1, 9), new Date(2026, 0, 1, 23, 59), new Date(2026, 0, 2, 0, 0), new Date(2026, 0, 2, 8)]);
        // In a list: a line wherever the local day changes, none between items of one day, and a
        // line starts a new run of messages.
        const ol = document.createElement("ol");
        const list = new ItemList(ol, { group: true, days: true });
        const at = (d, h, m) => new Date(2026, 0, d, h, m).toISOString();
        const msg = (id, when) => ({ id, kind: "message", author: "zed", participant_id: 9, body: "m" + id, created_at: when });
        list.add([msg(1, at(1, 23, 58)), msg(2, at(1, 23, 59)), msg(4, at(2, 0, 1)), msg(5, at(4, 10, 0))]);
        list.add([{ ...msg(3, at(1, 23, 59)), created_at: new Date(2026, 0, 1, 23, 59, 30).toISOString() }]);  // late: the line moves below it
        const rows = Array.from(ol.children, (li) => li.classList.contains("day-line") ? "line " + li.textContent : li.id + (li.classList.contains("cont") ? " cont" : ""));
        return { labels, starts, rows };
    }""")
    assert shown["labels"] == [
        "Today",
        "Yesterday",
        "Yesterday",
        "Saturday, March 28, 2026",
        "Wednesday, December 24, 2025",
    ]
    assert shown["starts"] == [0, 2]
    assert shown["rows"] == [
        "line Thursday, January 1, 2026",
        "m1",
        "m2 cont",
        "m3 cont",
        "line Friday, January 2, 2026",
        "m4",
        "line Sunday, January 4, 2026",
        "m5",
    ]


def test_new_messages_line_above_what_came_while_away(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    say(live_server, slug, bob, "before")
    page = open_room(context_factory(), live_server, slug, "alice")
    expect(page.locator("#messages li.message")).to_have_count(1)

    def visibility(state: str) -> None:
        page.evaluate(
            """(state) => {
                Object.defineProperty(document, "visibilityState", { value: state, configurable: true });
                document.dispatchEvent(new Event("visibilitychange"));
            }""",
            state,
        )

    visibility("hidden")
    first = say(live_server, slug, bob, "while you were away")["id"]
    for n in range(30):
        say(live_server, slug, bob, f"and this {n}")
    expect(page.locator("#messages li.message")).to_have_count(32)
    expect(page.locator("#messages .new-line")).to_have_count(0)  # placed on return
    visibility("visible")
    line = page.locator("#messages > li.new-line")
    expect(line).to_have_text("New messages")
    assert page.evaluate(f"document.getElementById('m{first}').previousElementSibling.classList.contains('new-line')")
    # Not seen yet (the list kept to the newest): it stays until the reader has read past it.
    expect(line).not_to_be_in_viewport()
    line.scroll_into_view_if_needed()
    expect(line).to_be_in_viewport()
    page.locator("#messages").evaluate("(ol) => { ol.scrollTop = ol.scrollHeight; }")
    expect(line).to_have_count(0)

    # Away again: sending a message reads what came meanwhile.
    visibility("hidden")
    say(live_server, slug, bob, "one more")
    expect(page.locator("#messages li.message")).to_have_count(33)
    visibility("visible")
    expect(line).to_be_in_viewport()
    page.locator("#body").fill("back!")
    page.locator("#body").press("Enter")
    expect(page.locator("#messages li.message", has_text="back!")).to_have_count(1)
    expect(line).to_have_count(0)


def test_a_message_naming_the_reader_is_marked(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    live_server.join(slug, "Ann Lee")
    page = open_room(context_factory(), live_server, slug, "ann")
    named = say(live_server, slug, bob, "@ann can you share?")
    other = say(live_server, slug, bob, "@Ann Lee can you?")  # the server names Ann Lee, not ann
    assert other["mentions"] != named["mentions"]
    expect(page.locator(f"#m{named['id']}")).to_have_class(re.compile(r"\bmention\b"))
    expect(page.locator(f"#m{other['id']}")).to_be_visible()
    expect(page.locator(f"#m{other['id']}")).not_to_have_class(re.compile(r"\bmention\b"))
    # An edit that names her marks the message; one that no longer does unmarks it.
    live_server.api("PATCH", f"/api/events/{slug}/messages/{other['id']}", {"body": "and @ann?"}, bob)
    expect(page.locator(f"#m{other['id']}")).to_have_class(re.compile(r"\bmention\b"))
    live_server.api("PATCH", f"/api/events/{slug}/messages/{named['id']}", {"body": "never mind"}, bob)
    expect(page.locator(f"#m{named['id']}")).not_to_have_class(re.compile(r"\bmention\b"))


def test_the_toolbar_fits_a_phone_and_covers_no_text(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    carol = live_server.join(slug, "carol")
    context = context_factory(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = open_room(context, live_server, slug, "alice")
    theirs = say(
        live_server, slug, carol, "A long enough message to fill the line on a phone, and then some more words"
    )
    mine = say(live_server, slug, token_of(page, slug), "Mine, with Edit and Delete")["id"]
    live_server.api("PUT", f"/api/events/{slug}/messages/{theirs['id']}/reactions/{quote('👍')}", None, carol)
    expect(chip(page, theirs["id"], "👍")).to_be_visible()

    for mid in (theirs["id"], mine):
        item = page.locator(f"#m{mid}")
        item.locator(".body").tap()  # a tap shows the actions: there is no hover
        bar = item.locator(".msg-actions")
        expect(bar).to_be_visible()
        boxes = page.evaluate(
            """(id) => {
                const li = document.getElementById("m" + id);
                const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
                const list = document.getElementById("messages");
                return {
                    bar: box(li.querySelector(".msg-actions")), body: box(li.querySelector(".body")), li: box(li),
                    buttons: Array.from(li.querySelectorAll(".msg-actions button"), box).filter((b) => b[2] > b[0]),
                    wide: [document.documentElement.scrollWidth, list.scrollWidth, list.clientWidth],
                };
            }""",
            mid,
        )
        left, top, right, bottom = boxes["bar"]
        assert boxes["li"][0] <= left and right <= boxes["li"][2] <= 390, boxes
        assert top >= boxes["body"][3], boxes  # under the text, never over it
        assert all(b[2] - b[0] >= 44 and b[3] - b[1] >= 44 for b in boxes["buttons"]), boxes
        document_width, list_width, list_view = boxes["wide"]
        assert document_width <= 390 and list_width <= list_view, boxes
    # Another tap elsewhere moves the actions there.
    expect(page.locator(f"#m{theirs['id']} .msg-actions")).to_be_hidden()
    expect(chip(page, theirs["id"], "👍")).to_have_attribute("aria-pressed", "false")
    box = chip(page, theirs["id"], "👍").bounding_box()
    assert box is not None and box["height"] >= 44
