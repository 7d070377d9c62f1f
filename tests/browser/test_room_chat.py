"""The chat in the room: text stays text, links, grouping, people, errors, the composer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room

IMG = '<img src=x onerror="window.pwned=1">'
SCRIPT = "<script>window.pwned=1</script>"


def say(server: LiveServer, slug: str, token: str, body: str) -> dict[str, Any]:
    status, reply = server.api("POST", f"/api/events/{slug}/messages", {"body": body}, token)
    assert status == 201, reply
    return dict(reply["message"])


def send(page: Any, text: str) -> None:
    page.get_by_label("Message").fill(text)
    page.get_by_label("Message").press("Enter")


def test_html_and_scripts_in_messages_show_as_text_and_run_nothing(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    mallory = live_server.join(slug, "<b>mallory</b>")
    page = open_room(context_factory(), live_server, slug, "alice")
    say(live_server, slug, mallory, IMG)
    send(page, SCRIPT + " and " + IMG)

    messages = page.locator("#messages li.message .body")
    expect(messages).to_have_text([IMG, SCRIPT + " and " + IMG])
    expect(page.locator("#messages .author", has_text="<b>mallory</b>")).to_have_count(1)
    expect(page.locator("#participants")).to_contain_text("<b>mallory</b>")
    expect(page.locator("#messages img, #messages script, #messages b")).to_have_count(0)
    assert page.evaluate("typeof window.pwned") == "undefined"


def test_links_become_clickable_and_safe(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    page = open_room(context_factory(), live_server, slug)
    say(
        live_server,
        slug,
        bob,
        "Docs: https://www.tornadoweb.org/en/stable/?q=1#x, and (see http://example.org/a_(b)). "
        'Not links: javascript:alert(1) ftp://example.org <a href="https://evil.example">x</a>',
    )

    links = page.locator("#messages li.message .body a")
    expect(links).to_have_count(3)
    expect(links).to_have_text(
        [
            "https://www.tornadoweb.org/en/stable/?q=1#x",
            "http://example.org/a_(b)",
            "https://evil.example",
        ]
    )
    for i in range(3):
        expect(links.nth(i)).to_have_attribute("target", "_blank")
        expect(links.nth(i)).to_have_attribute("rel", "noopener noreferrer nofollow ugc")
    expect(links.first).to_have_attribute("href", "https://www.tornadoweb.org/en/stable/?q=1#x")
    # The markup around the third address is still plain text.
    expect(page.locator("#messages li.message .body")).to_contain_text('<a href="https://evil.example">x</a>')


def test_consecutive_messages_from_one_author_are_grouped(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    alice, bob = live_server.join(slug, "alice"), live_server.join(slug, "bob")
    for token, body in [(alice, "a1"), (alice, "a2"), (alice, "a3"), (bob, "b1"), (alice, "a4")]:
        say(live_server, slug, token, body)
    page = open_room(context_factory(), live_server, slug)

    items = page.locator("#messages li.message")
    expect(items).to_have_count(5)
    grouped = [("cont" in (c or "")) for c in items.evaluate_all("els => els.map(e => e.className)")]
    assert grouped == [False, True, True, False, False]
    # The author line is shown once per run; screen readers still hear every author.
    expect(page.locator("#messages li.message:not(.cont) .author")).to_have_text(["alice", "bob", "alice"])
    expect(page.locator("#messages li.message.cont .author")).to_have_text(["alice", "alice"])
    expect(page.locator("#messages li.message.cont .avatar").first).to_be_hidden()
    # More than five minutes apart starts a new run (checked on the renderer itself).
    runs = page.evaluate("""async () => {
        const { ItemList } = await import("/static/items.js");
        const ol = document.createElement("ol");
        const list = new ItemList(ol, {group: true});
        const at = (min) => new Date(Date.UTC(2026, 0, 1, 12, min)).toISOString();
        list.add([
          {id: 1, kind: "message", author: "zed", participant_id: 9, body: "x", created_at: at(0)},
          {id: 2, kind: "message", author: "zed", participant_id: 9, body: "y", created_at: at(4)},
          {id: 3, kind: "message", author: "zed", participant_id: 9, body: "z", created_at: at(10)},
        ]);
        return Array.from(ol.children, (li) => li.classList.contains("cont"));
    }""")
    assert runs == [False, True, False]


def test_system_items_announcements_and_retractions(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    bob = live_server.join(slug, "bob")
    page = open_room(context_factory(), live_server, slug)
    gone = say(live_server, slug, bob, "something rude")
    live_server.api("POST", f"/api/events/{slug}/announcements", {"body": "Break in 5 minutes"}, key)
    expect(page.locator("#messages li.announcement")).to_contain_text("Break in 5 minutes")
    expect(page.locator("#messages li.system[data-code=joined]")).to_have_text(re.compile("bob joined"))

    live_server.api("DELETE", f"/api/events/{slug}/messages/{gone['id']}", token=key)
    retracted = page.locator(f"#m{gone['id']}")
    expect(retracted).to_have_class(re.compile("retracted"))
    expect(retracted).to_contain_text("removed by the host")
    expect(page.locator("#messages")).not_to_contain_text("something rude")
    # A reader arriving later sees the same.
    late = open_room(context_factory(), live_server, slug)
    expect(late.locator(f"#m{gone['id']}")).to_contain_text("removed by the host")
    expect(late.locator("#messages")).not_to_contain_text("something rude")


def test_participant_list_shows_who_is_online(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    live_server.join(slug, "bob")
    live_server.join(slug, "carol")
    _, carol = live_server.api("GET", f"/api/events/{slug}/participants")
    carol_id = next(p["id"] for p in carol["participants"] if p["nickname"] == "carol")
    live_server.api("POST", f"/api/events/{slug}/participants/{carol_id}/ban", token=key)
    page = open_room(context_factory(), live_server, slug, "alice")

    people = page.locator("#participants li")
    expect(people).to_have_count(3)
    expect(page.locator("#participants li.online")).to_have_count(2)  # alice and bob; carol was removed
    expect(page.locator("#participants li.me")).to_contain_text("alice")
    expect(page.locator("#participants li.me")).to_contain_text("you")
    expect(page.locator("#participants li.banned")).to_contain_text("removed")
    expect(page.locator("#people-count")).to_have_text("(2 online)")
    # A newcomer appears without a reload (the 'joined' item refreshes the list).
    live_server.join(slug, "dave")
    expect(page.locator("#participants li.online", has_text="dave")).to_have_count(1)


def test_participant_list_folds_away_on_a_phone(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    live_server.join(slug, "bob")
    context = context_factory()
    page = open_room(context, live_server, slug, "alice")
    page.set_viewport_size({"width": 390, "height": 800})
    toggle = page.get_by_role("button", name="Participants")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_contain_text("2 online")
    expect(page.locator("#participants")).to_be_hidden()
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#participants li")).to_have_count(2)
    expect(page.locator("#participants")).to_be_visible()


def test_a_taken_nickname_is_explained(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    live_server.join(slug, "bob")
    page = open_room(context_factory(), live_server, slug)
    page.get_by_label("Choose a nickname").fill("BOB")
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#join-error")).to_contain_text("already called “BOB”")
    expect(page.locator("#composer")).to_be_hidden()
    page.get_by_label("Choose a nickname").fill("Host")  # a role's name, taken by nobody: reserved
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#join-error")).to_contain_text("“Host” is kept for the hosts")
    expect(page.locator("#composer")).to_be_hidden()
    page.get_by_label("Choose a nickname").fill("bobby")
    page.keyboard.press("Enter")
    expect(page.locator("#me")).to_have_text("bobby")
    # Remembered per room: a reload keeps the nickname.
    page.reload()
    expect(page.locator("#composer")).to_be_visible()
    expect(page.locator("#me")).to_have_text("bobby")


def test_a_lost_token_sends_back_to_the_nickname_prompt(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    context = context_factory()
    context.add_init_script(
        f'localStorage.setItem("chatserver.participant.{slug}", JSON.stringify({{id: 99, nickname: "ghost", token: "not-a-token"}}))'
    )
    page = open_room(context, live_server, slug)
    expect(page.locator("#me")).to_have_text("ghost")
    send(page, "hello?")

    expect(page.locator("#join")).to_be_visible()
    expect(page.locator("#join-notice")).to_contain_text("no longer valid")
    expect(page.get_by_label("Choose a nickname")).to_be_focused()
    page.get_by_label("Choose a nickname").fill("ghost")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Message")).to_be_focused()
    expect(page.get_by_label("Message")).to_have_value("hello?")  # the message was kept
    page.keyboard.press("Enter")
    expect(page.locator("#messages li.message")).to_have_text(re.compile("hello\\?"))


def test_enter_sends_shift_enter_adds_a_line_and_the_counter_warns(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    page = open_room(context_factory(), live_server, slug, "alice")
    box = page.get_by_label("Message")
    box.press_sequentially("line one")
    box.press("Shift+Enter")
    box.press_sequentially("line two")
    expect(box).to_have_value("line one\nline two")
    box.press("Enter")
    expect(page.locator("#messages li.message .body")).to_have_text("line one\nline two")
    expect(box).to_have_value("")
    expect(box).to_be_focused()

    counter = page.locator("#counter")
    box.fill("x" * 3000)
    expect(counter).to_be_hidden()
    box.fill("x" * 3900)
    expect(counter).to_have_text("100 characters left")
    box.fill("é" * 4001)
    expect(counter).to_have_text("1 character over the limit of 4000")
    box.press("Enter")
    expect(page.locator("#send-error")).to_contain_text("too long")
    expect(page.locator("#messages li.message")).to_have_count(1)


def test_rate_limit_says_how_long_to_wait(tmp_path: Path, context_factory: Any) -> None:
    server = LiveServer(tmp_path / "x.db", "--rate-limit", "2")
    try:
        slug = server.create_event()["event"]["slug"]
        page = open_room(context_factory(), server, slug, "alice")
        for n in range(2):
            send(page, f"message {n}")
            expect(page.locator("#messages li.message")).to_have_count(n + 1)
        send(page, "one too many")
        expect(page.locator("#send-error")).to_have_text(re.compile(r"too fast\. Wait \d+ s"))
        expect(page.get_by_label("Message")).to_have_value("one too many")
        expect(page.locator("#messages li.message")).to_have_count(2)
    finally:
        server.stop()


def test_new_messages_button_when_scrolled_up(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    bob = live_server.join(slug, "bob")
    for n in range(40):
        say(live_server, slug, bob, f"history {n}")
    page = open_room(context_factory(), live_server, slug, "alice")
    expect(page.locator("#messages li.message")).to_have_count(40)
    at_bottom = "() => { const o = document.getElementById('messages'); return o.scrollHeight - o.scrollTop - o.clientHeight < 5; }"
    page.wait_for_function(at_bottom)  # starts at the newest

    page.locator("#messages").evaluate("ol => { ol.scrollTop = 0; }")
    say(live_server, slug, bob, "while you were reading")
    jump = page.locator("#jump")
    expect(jump).to_have_text(re.compile("1 new message"))
    assert page.locator("#messages").evaluate("ol => ol.scrollTop") == 0  # not pulled down
    jump.click()
    page.wait_for_function(at_bottom)
    expect(jump).to_be_hidden()

    # At the bottom, new messages keep the view at the bottom without a button.
    say(live_server, slug, bob, "and one more")
    expect(page.locator("#messages li.message").last).to_contain_text("and one more")
    page.wait_for_function(at_bottom)
    expect(jump).to_be_hidden()


def test_a_banned_participant_can_read_but_no_longer_post(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    page = open_room(context_factory(), live_server, slug, "troll")
    send(page, "hello")
    expect(page.locator("#messages li.message")).to_have_count(1)
    _, people = live_server.api("GET", f"/api/events/{slug}/participants")
    troll = people["participants"][0]["id"]
    live_server.api("POST", f"/api/events/{slug}/participants/{troll}/ban", token=key)

    expect(page.locator("#banned-note")).to_contain_text("The host removed you from this room")
    expect(page.locator("#composer")).to_be_hidden()  # no composer to write in (test_identity.py)
    expect(page.locator("#participants li.banned")).to_contain_text("troll")
    live_server.api("POST", f"/api/events/{slug}/announcements", {"body": "still readable"}, key)
    expect(page.locator("#messages li.announcement")).to_contain_text("still readable")
