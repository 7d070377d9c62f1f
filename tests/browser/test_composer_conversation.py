"""Composing a conversation in the room: replies, edits, @mention completion, mentions that notify,
and "is typing", in the room page and in the chat bar's panel.

Two browser contexts are two participants. "Is typing" lasts broker.TYPING_TTL_S (6 s) unless told
again: the expiry is awaited with a bound just above it, never slept through.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room, settles_at
from tests.browser.test_chat_bar import app_page, room_in, wait_ready
from tests.browser.test_notify_alerts import FAKE_NOTIFICATIONS, HIDEABLE

TYPING_TTL_MS = 6000


def say(server: LiveServer, slug: str, token: str, body: str) -> dict[str, Any]:
    status, reply = server.api("POST", f"/api/events/{slug}/messages", {"body": body}, token)
    assert status == 201, reply
    return dict(reply["message"])


def messages(server: LiveServer, slug: str) -> list[dict[str, Any]]:
    status, reply = server.api("GET", f"/api/events/{slug}/messages?after=0&limit=1000")
    assert status == 200, reply
    return [item for item in reply["messages"] if item["kind"] == "message"]


def posted(server: LiveServer, slug: str, body: str) -> dict[str, Any]:
    [found] = [item for item in messages(server, slug) if item["body"].strip() == body]
    return found


def participant_id(server: LiveServer, slug: str, nickname: str) -> int:
    status, reply = server.api("GET", f"/api/events/{slug}/participants")
    assert status == 200, reply
    [found] = [p["id"] for p in reply["participants"] if p["nickname"] == nickname]
    return int(found)


def box(page: Any) -> Any:
    return page.get_by_role("textbox", name="Message")


def toolbar_button(page: Any, item_id: int, action: str) -> Any:
    """A message's action (the item list's toolbar, shown on hover)."""
    li = page.locator(f"#m{item_id}")
    li.hover()
    return li.locator(f"button[data-action={action}]")


def test_a_reply_shows_its_bar_escape_cancels_it_and_the_post_answers(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    question = say(live_server, slug, bob, "Who has the **slides**\nfor today?")
    page = open_room(context_factory(), live_server, slug, "alice")
    bar = page.locator(".compose-bar")
    expect(bar).to_be_hidden()

    toolbar_button(page, question["id"], "reply").click()
    expect(bar).to_be_visible()
    expect(bar).to_have_text(re.compile(r"Replying to bob: Who has the slides for today\?"))  # one line, no markup
    expect(box(page)).to_be_focused()
    expect(box(page)).to_have_attribute("aria-describedby", re.compile(r"\bcompose-bar-text\b"))
    box(page).fill("a draft")
    box(page).press("Escape")
    expect(bar).to_be_hidden()
    expect(box(page)).to_have_value("a draft")  # only the reply is gone

    toolbar_button(page, question["id"], "reply").click()
    expect(page.get_by_role("button", name="Cancel reply")).to_be_visible()
    page.get_by_role("button", name="Cancel reply").click()
    expect(bar).to_be_hidden()

    toolbar_button(page, question["id"], "reply").click()
    box(page).fill("I do")
    box(page).press("Enter")
    expect(bar).to_be_hidden()  # sending ends the reply
    answer = page.locator("#messages li.message:not(.outgoing)", has_text="I do")
    expect(answer).to_have_count(1)
    assert posted(live_server, slug, "I do")["reply_to"] == question["id"]
    expect(answer.locator(".reply-quote")).to_contain_text("bob")


def test_a_reply_written_offline_keeps_what_it_answers(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    question = say(live_server, slug, bob, "Lunch at noon?")
    context = context_factory()
    page = open_room(context, live_server, slug, "alice")
    toolbar_button(page, question["id"], "reply").click()
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")  # the page is kept for a reload

    context.set_offline(True)
    box(page).fill("Yes, see you")
    box(page).press("Enter")
    pending = page.locator("#messages li.outgoing.pending")
    expect(pending).to_have_count(1)
    expect(pending.locator(".reply-quote")).to_contain_text("Lunch at noon?")  # the pending message quotes it too
    page.reload()  # the outbox, and what the reply answers, are kept in IndexedDB
    expect(page.locator("#messages li.outgoing.pending .reply-quote")).to_contain_text("bob")

    context.set_offline(False)
    expect(page.locator("#messages li.outgoing")).to_have_count(0)
    assert posted(live_server, slug, "Yes, see you")["reply_to"] == question["id"]


def test_up_edits_the_newest_own_message_and_escape_gives_back_the_draft(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    bob = open_room(context_factory(), live_server, slug, "bob")
    for text in ("first words", "teh plan"):
        box(alice).fill(text)
        box(alice).press("Enter")
        expect(bob.locator("#messages li.message", has_text=text)).to_have_count(1)
    bar = alice.locator(".compose-bar")

    box(alice).press("ArrowUp")  # the box is empty: the newest own message comes up
    expect(bar).to_have_text(re.compile("Editing your message"))
    expect(box(alice)).to_have_value("teh plan")
    assert alice.evaluate("document.activeElement.selectionStart") == len("teh plan")  # the caret at the end
    expect(alice.locator("#send")).to_have_text("Save")
    box(alice).fill("the plan")
    box(alice).press("Enter")
    expect(bar).to_be_hidden()
    expect(box(alice)).to_have_value("")
    expect(alice.locator("#send")).to_have_text("Send")
    edited = messages(live_server, slug)[-1]
    expect(bob.locator(f"#m{edited['id']} .body")).to_have_text("the plan", timeout=1000)
    assert edited["body"] == "the plan" and "edited_at" in edited

    # A draft in the box: Edit (the message's toolbar) keeps it aside, Escape gives it back.
    first = posted(live_server, slug, "first words")
    box(alice).fill("half-written thought")
    toolbar_button(alice, first["id"], "edit").click()
    expect(box(alice)).to_have_value("first words")
    expect(box(alice)).to_be_focused()
    box(alice).press("End")
    box(alice).press_sequentially(", changed")
    box(alice).press("Escape")
    expect(bar).to_be_hidden()
    expect(box(alice)).to_have_value("half-written thought")
    assert posted(live_server, slug, "first words")["id"] == first["id"]  # nothing was saved

    # Removed meanwhile: the refusal shows in the composer's error line, and the edit stays to copy.
    box(alice).fill("")
    box(alice).press("ArrowUp")
    expect(box(alice)).to_have_value("the plan")
    assert live_server.api("DELETE", f"/api/events/{slug}/messages/{edited['id']}", token=key)[0] == 200
    box(alice).fill("the plan, v2")
    box(alice).press("Enter")
    expect(alice.locator("#send-error")).to_be_visible()
    expect(box(alice)).to_have_value("the plan, v2")
    expect(bar).to_be_visible()
    box(alice).press("Escape")
    expect(alice.locator("#send-error")).to_be_hidden()
    # Up now finds the newest message that is not removed.
    box(alice).fill("")
    box(alice).press("ArrowUp")
    expect(box(alice)).to_have_value("first words")
    box(alice).press("Enter")  # unchanged: edit mode just closes
    expect(bar).to_be_hidden()


def test_at_lists_people_online_first_and_inserts_whole_nicknames_that_mention(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event(title="Standup")["event"]["slug"]
    live_server.join(slug, "Bo Anders")
    live_server.join(slug, "Ann Lee")
    live_server.join(slug, "bobby")
    live_server.restart()  # presence is kept in memory: those three are offline now
    context = context_factory()
    context.add_init_script(HIDEABLE + FAKE_NOTIFICATIONS + "localStorage.setItem('fake-permission', 'granted');")
    context.add_init_script(f"localStorage.setItem('chatserver.settings.{slug}', JSON.stringify({{desktop: true}}));")
    bob = open_room(context, live_server, slug, "bob")
    bob.evaluate("window.__setHidden(true)")  # bob looks at another tab
    alice = open_room(context_factory(), live_server, slug, "alice")
    expect(alice.locator("#participants li.online", has_text="bob")).to_have_count(1)

    text = box(alice)
    text.press_sequentially("hi @bo")
    listbox = alice.get_by_role("listbox", name="People to mention")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    # bob is online: first; the others by name ("Bo Anders" before "bob" alphabetically).
    expect(options).to_have_text(["bob, online", "Bo Anders", "bobby"])
    expect(text).to_have_attribute("aria-expanded", "true")
    expect(text).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id") or "")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    text.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(text).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id") or "")
    text.press("ArrowUp")
    text.press("Enter")  # inserts, does not send
    expect(text).to_have_value("hi @bob ")
    expect(listbox).to_be_hidden()
    expect(text).to_have_attribute("aria-expanded", "false")

    text.press_sequentially("and @LÉ")  # any word of the nickname, capitals and accents aside
    expect(options).to_have_text(["Ann Lee"])
    text.press("Tab")
    expect(text).to_have_value("hi @bob and @Ann Lee ")
    expect(text).to_be_focused()
    text.press_sequentially("and @ho")
    expect(options).to_have_text(["Hosts"])
    text.press("Escape")  # closes the list; the text stays as typed
    expect(listbox).to_be_hidden()
    expect(text).to_have_value("hi @bob and @Ann Lee and @ho")
    for _ in "@ho":
        text.press("Backspace")
    text.press_sequentially("@bo")
    options.filter(has_text="Bo Anders").click()  # a click chooses too
    expect(text).to_have_value("hi @bob and @Ann Lee and @Bo Anders ")
    expect(text).to_be_focused()
    text.press("Enter")

    sent = "hi @bob and @Ann Lee and @Bo Anders"
    expect(alice.locator("#messages li.message:not(.outgoing)", has_text=sent)).to_have_count(1)
    message = posted(live_server, slug, sent)
    bob_id = participant_id(live_server, slug, "bob")
    assert message["mentions"] == [
        bob_id,
        participant_id(live_server, slug, "Ann Lee"),
        participant_id(live_server, slug, "Bo Anders"),
    ]

    # bob, named by id, has his mention marked and (his tab hidden) a desktop notification.
    bob.wait_for_function("() => window.__notes.length > 0", timeout=5000)
    assert bob.evaluate("window.__notes.map((n) => [n.title, n.body])") == [
        ["alice mentioned you · Standup · chatserver", message["body"]]
    ]
    expect(bob.locator(f"#m{message['id']}")).to_have_class(re.compile(r"\bmention\b"))


def typing_line(page: Any) -> Any:
    return page.locator(".typing-line")


def test_typing_shows_to_others_goes_with_the_message_and_expires(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    bob = open_room(context_factory(), live_server, slug, "bob")
    expect(typing_line(bob)).to_be_hidden()
    expect(typing_line(bob)).to_have_attribute("role", "status")
    # Both streams open and caught up: a typing signal is never stored, so one sent while a reader
    # connects is missed (a typist sends another every 3 s, but this one stops after three letters).
    settles_at(live_server, 2)

    box(alice).press_sequentially("hel")
    expect(typing_line(bob)).to_have_text("alice is typing…")
    expect(typing_line(bob)).to_be_visible()
    expect(typing_line(alice)).to_have_text("")  # never the reader themselves
    box(alice).press_sequentially("lo")
    box(alice).press("Enter")
    expect(bob.locator("#messages li.message", has_text="hello")).to_have_count(1)
    expect(typing_line(bob)).to_have_text("")  # the message came: done typing
    expect(typing_line(bob)).to_be_hidden()

    box(bob).press_sequentially("and you")
    box(alice).press_sequentially("x")
    expect(typing_line(bob)).to_have_text("alice is typing…")
    expect(typing_line(alice)).to_have_text("bob is typing…")
    # Nothing more typed: it goes by itself after expires_in.
    bob.wait_for_function(
        "() => document.querySelector('.typing-line').textContent === ''", timeout=TYPING_TTL_MS + 2000
    )
    # Nothing in the conversation moves for the line: it lies over the list's foot, in room kept for it.
    last = "() => [document.getElementById('messages').getBoundingClientRect().height,"
    last += " document.querySelector('#messages > li:last-child').getBoundingClientRect().bottom]"
    before = bob.evaluate(last)
    box(alice).press_sequentially("y")
    expect(typing_line(bob)).to_have_text("alice is typing…")
    assert bob.evaluate(last) == before
    assert typing_line(bob).bounding_box()["y"] >= before[1]  # under the last message, not over it


def test_every_tab_shows_who_is_typing_with_one_poll(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    context = context_factory()
    first = context.new_page()
    first.goto(f"{live_server.base}/e/{slug}?transport=poll")  # long polls (typing=1), not a stream
    first.get_by_label("Choose a nickname").fill("bob")
    first.get_by_role("button", name="Join").click()
    expect(first.locator("#composer")).to_be_visible()
    second = context.new_page()
    second.goto(f"{live_server.base}/e/{slug}?transport=poll")
    expect(second.locator("#composer")).to_be_visible()
    for tab in (first, second):
        expect(tab.locator("#room")).to_have_attribute("data-transport", "worker")
    settles_at(live_server, 2)  # alice's stream, and bob's one poll for both tabs

    box(alice).press_sequentially("are you there")
    for tab in (first, second):
        expect(typing_line(tab)).to_have_text("alice is typing…")
    box(alice).press("Enter")
    for tab in (first, second):
        expect(typing_line(tab)).to_have_text("")
    box(first).press_sequentially("yes")
    expect(typing_line(alice)).to_have_text("bob is typing…")
    expect(typing_line(second)).to_have_text("")  # bob's own, in his other tab: not shown


def test_typing_and_mentions_in_the_chat_bar(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    slug = live_server.create_event(title="Acme support")["event"]["slug"]
    app = app_page(context_factory(), other_site, live_server, slug)
    wait_ready(app)
    app.locator("chatserver-bar .bar").click()
    room = room_in(app)
    room.get_by_label("Choose a nickname").fill("carol")
    room.get_by_role("button", name="Join").click()
    dave = open_room(context_factory(), live_server, slug, "dave")
    expect(room.locator("#participants")).to_contain_text("dave")
    settles_at(live_server, 2)  # the panel's connection and dave's

    box(dave).press_sequentially("carol, which")
    expect(room.locator(".typing-line")).to_have_text("dave is typing…")
    room.locator("#body").press_sequentially("@da")
    expect(room.get_by_role("option")).to_have_text(["dave, online"])
    room.locator("#body").press("Enter")
    expect(room.locator("#body")).to_have_value("@dave ")
    expect(typing_line(dave)).to_have_text("carol is typing…")
    box(dave).press("Enter")
    expect(room.locator(".typing-line")).to_have_text("")

    room.locator("#body").press("Escape")  # nothing to cancel or close in the box: Escape closes the panel
    expect(app.locator("chatserver-bar .bar")).to_have_attribute("aria-expanded", "false")
    # Collapsed, a mention counts as unread, as any message does.
    box(dave).fill("@carol thanks")
    box(dave).press("Enter")
    expect(app.locator("chatserver-bar .n")).to_have_text("1")
    assert posted(live_server, slug, "@carol thanks")["mentions"] == [participant_id(live_server, slug, "carol")]
