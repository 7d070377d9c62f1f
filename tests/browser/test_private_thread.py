"""The room's private thread: a participant's direct line to the hosts (and, where the event allows
it, to another participant) in a panel of its own, apart from the public conversation; replies
counted until read (on its button and in the tab's title, across a reload), a desktop notification
for a reply in a hidden tab, a message written offline sent once when back, and notices."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room
from tests.browser.test_notify_alerts import FAKE_NOTIFICATIONS, HIDEABLE, hide
from tests.browser.test_offline_outbox import SLOW_STEP_MS


def participant_id(server: LiveServer, slug: str, nickname: str) -> int:
    status, people = server.api("GET", f"/api/events/{slug}/participants")
    assert status == 200
    return int(next(p["id"] for p in people["participants"] if p["nickname"] == nickname))


def post(server: LiveServer, slug: str, token: str, body: str, to: int | str | None = None) -> None:
    status, reply = server.api(
        "POST", f"/api/events/{slug}/messages", {"body": body, **({} if to is None else {"to": to})}, token
    )
    assert status == 201, reply


def staff_view(server: LiveServer, slug: str, key: str) -> list[dict[str, Any]]:
    """Every message the hosts see, private ones too."""
    status, reply = server.api("GET", f"/api/events/{slug}/messages?after=0&limit=1000", token=key)
    assert status == 200, reply
    return [item for item in reply["messages"] if item["kind"] == "message"]


def private_box(page: Any) -> Any:
    """The private thread's own message box."""
    return page.get_by_role("textbox", name="Write privately", exact=True)


def shown_thread(page: Any) -> Any:
    """The lines of the thread the panel shows."""
    return page.locator("#private-thread ol:not([hidden]) li.message")


def test_a_participant_writes_to_the_hosts_privately_and_reads_the_reply(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(title="Standup")
    slug, key = created["event"]["slug"], created["host_key"]
    page = open_room(context_factory(), live_server, slug, "alice")
    opener = page.get_by_role("button", name="Message the hosts privately")
    expect(page.locator("#private-thread")).to_be_hidden()

    opener.click()
    panel = page.locator("#private-thread")
    expect(panel.get_by_role("heading", name="Private messages with the hosts")).to_be_visible()
    expect(panel).to_contain_text("Only you and the hosts see these messages.")
    box = private_box(page)
    expect(box).to_be_focused()
    box.fill("Is the recording shared afterwards?")
    box.press("Enter")
    expect(shown_thread(page).locator(".body")).to_have_text(["Is the recording shared afterwards?"])
    expect(shown_thread(page)).to_have_class(re.compile(r"\bmine\b"))
    expect(page.locator("#messages li.message")).to_have_count(0)  # never in the public conversation
    [line] = staff_view(live_server, slug, key)
    assert (line["body"], line["private"], line["to"]) == ("Is the recording shared afterwards?", True, "hosts")

    # Escape closes the panel; the focus goes back to its button.
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(opener).to_be_focused()

    # A reply while the panel is closed: counted on the button and in the title, across a reload.
    post(live_server, slug, key, "Yes, within a day.", to=participant_id(live_server, slug, "alice"))
    expect(opener.locator(".private-count")).to_have_text("1")
    expect(page).to_have_title("(1) Standup · chatserver")
    page.reload()
    expect(opener.locator(".private-count")).to_have_text("1")
    expect(page.locator("#messages")).not_to_contain_text("within a day")

    opener.click()  # opening the thread reads it
    expect(shown_thread(page).locator(".body")).to_have_text(
        ["Is the recording shared afterwards?", "Yes, within a day."]
    )
    expect(opener.locator(".private-count")).to_be_hidden()
    expect(page).to_have_title("Standup · chatserver")
    panel.get_by_role("button", name="Close the private conversation").click()
    expect(opener).to_be_focused()
    page.reload()  # read stays read
    expect(page.locator("#private-open")).to_be_visible()
    expect(opener.locator(".private-count")).to_be_hidden()
    expect(page).to_have_title("Standup · chatserver")


def test_a_private_message_written_offline_is_sent_once_when_back(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    context = context_factory()
    page = open_room(context, live_server, slug, "alice")
    page.get_by_role("button", name="Message the hosts privately").click()
    box = private_box(page)
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")  # the page kept for a reload

    context.set_offline(True)
    box.fill("Written on the train")
    box.press("Enter")
    pending = page.locator("#private-thread li.outgoing.pending")
    expect(pending.locator(".body")).to_have_text("Written on the train")
    expect(pending).to_contain_text("Waiting for the network")
    expect(box).to_have_value("")
    page.reload()  # kept in this browser meanwhile, under this reader
    page.get_by_role("button", name="Message the hosts privately").click(timeout=SLOW_STEP_MS)
    expect(page.locator("#private-thread li.outgoing.pending .body")).to_have_text("Written on the train")
    assert staff_view(live_server, slug, key) == []

    context.set_offline(False)
    expect(page.locator("#private-thread li.outgoing")).to_have_count(0, timeout=SLOW_STEP_MS)
    expect(shown_thread(page).locator(".body")).to_have_text(["Written on the train"])
    assert [(i["body"], i["to"]) for i in staff_view(live_server, slug, key)] == [("Written on the train", "hosts")]
    expect(page.locator("#messages li.message")).to_have_count(0)


def test_where_everyone_may_write_a_participant_writes_to_another_privately(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(direct_messages="everyone")
    slug, key = created["event"]["slug"], created["host_key"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    bob = open_room(context_factory(), live_server, slug, "bob")
    carol = open_room(context_factory(), live_server, slug, "carol")

    alice.get_by_role("button", name="Message bob privately").click()
    panel = alice.locator("#private-thread")
    expect(panel.get_by_role("heading", name="Private messages with bob")).to_be_visible()
    expect(panel).to_contain_text("Only you and bob see these messages.")
    box = private_box(alice)
    expect(box).to_be_focused()
    box.fill("Lunch after this?")
    box.press("Enter")
    expect(shown_thread(alice).locator(".body")).to_have_text(["Lunch after this?"])

    # bob: one unread, in a thread with alice; the hosts write to him too, so he has two threads.
    post(live_server, slug, key, "Welcome, bob", to=participant_id(live_server, slug, "bob"))
    opener = bob.locator("#private-open")
    expect(opener.locator(".private-count")).to_have_text("2")
    opener.click()
    switcher = bob.get_by_role("navigation", name="Private conversations")
    expect(switcher.get_by_role("button")).to_have_count(2)
    hosts_tab = switcher.get_by_role("button", name=re.compile("The hosts"))
    alice_tab = switcher.get_by_role("button", name=re.compile("alice"))
    # It opened on a thread with news, which is read now; the other still counts one.
    expect(opener.locator(".private-count")).to_have_text("1")
    if hosts_tab.get_attribute("aria-current") == "true":
        alice_tab.click()
    expect(bob.locator("#private-thread").get_by_role("heading", name="Private messages with alice")).to_be_visible()
    expect(shown_thread(bob).locator(".body")).to_have_text(["Lunch after this?"])
    hosts_tab.click()
    expect(shown_thread(bob).locator(".body")).to_have_text(["Welcome, bob"])
    expect(opener.locator(".private-count")).to_be_hidden()

    private_box(bob).fill("Sure!")
    private_box(bob).press("Enter")  # to the hosts: the thread shown
    alice_tab.click()
    private_box(bob).fill("Sure, alice!")
    private_box(bob).press("Enter")
    expect(alice.locator("#private-open .private-count")).to_be_hidden()  # alice has her thread open
    expect(shown_thread(alice).locator(".body")).to_have_text(["Lunch after this?", "Sure, alice!"])
    assert [(i["body"], i["to"]) for i in staff_view(live_server, slug, key)] == [
        ("Welcome, bob", participant_id(live_server, slug, "bob")),
        ("Sure!", "hosts"),
    ]  # a line between two participants is theirs alone

    for page in (alice, bob, carol):
        expect(page.locator("#messages li.message")).to_have_count(0)
    expect(carol.locator("#private-open")).to_be_visible()
    expect(carol.locator("#private-thread li")).to_have_count(0)
    expect(carol.locator("#private-open .private-count")).to_be_hidden()


def test_the_button_follows_who_may_write_privately(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(direct_messages="off")
    slug, key = created["event"]["slug"], created["host_key"]
    page = open_room(context_factory(), live_server, slug)
    expect(page.locator("#composer")).to_be_hidden()
    page.get_by_label("Choose a nickname").fill("alice")
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#composer")).to_be_visible()
    expect(page.locator("#private-open")).to_be_hidden()
    expect(page.get_by_role("button", name="Message alice privately")).to_have_count(0)

    status, _ = live_server.api("PATCH", f"/api/events/{slug}", {"direct_messages": "hosts"}, key)
    assert status == 200
    expect(page.get_by_role("button", name="Message the hosts privately")).to_be_visible()

    status, _ = live_server.api("PATCH", f"/api/events/{slug}", {"direct_messages": "off"}, key)
    assert status == 200
    expect(page.locator("#private-open")).to_be_hidden()
    # The hosts may still write: the thread is there to read, its box gives way to why.
    post(live_server, slug, key, "A word from the hosts", to=participant_id(live_server, slug, "alice"))
    opener = page.get_by_role("button", name="Private messages")
    expect(opener.locator(".private-count")).to_have_text("1")
    opener.click()
    panel = page.locator("#private-thread")
    expect(shown_thread(page).locator(".body")).to_have_text(["A word from the hosts"])
    expect(panel).to_contain_text("This event takes no private messages.")
    expect(private_box(page)).to_be_hidden()
    expect(shown_thread(page).locator("xpath=..")).to_be_focused()  # the list, as there is no box


def test_a_notice_from_the_hosts_lands_in_the_thread(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    page = open_room(context_factory(), live_server, slug, "alice")
    alice_id = participant_id(live_server, slug, "alice")
    status, sent = live_server.api(
        "POST", f"/api/events/{slug}/notices", {"body": "The stream restarts at 3", "participants": [alice_id]}, key
    )
    assert status == 201, sent
    opener = page.get_by_role("button", name="Message the hosts privately")
    expect(opener.locator(".private-count")).to_have_text("1")
    opener.click()
    notice = page.locator("#private-thread li.notice")
    expect(notice).to_have_class(re.compile(r"\bmessage\b.*\bprivate\b"))
    expect(notice.locator(".private-badge")).to_have_text("Notice")
    expect(notice.locator(".body")).to_have_text("The stream restarts at 3")
    expect(page.locator("#messages")).not_to_contain_text("restarts")


def test_a_private_reply_in_a_hidden_tab_notifies(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(title="Standup")
    slug, key = created["event"]["slug"], created["host_key"]
    context = context_factory()
    context.add_init_script(HIDEABLE + FAKE_NOTIFICATIONS)
    page = open_room(context, live_server, slug, "alice")
    page.get_by_text("Notifications", exact=True).click()
    page.get_by_label("Desktop notification when someone mentions you").check()
    page.keyboard.press("Escape")

    hide(page)
    post(live_server, slug, key, "Your question is next", to=participant_id(live_server, slug, "alice"))
    deadline = time.monotonic() + 5
    while not page.evaluate("window.__notes.length"):
        assert time.monotonic() < deadline, "no notification"
        time.sleep(0.05)
    notes = page.evaluate("window.__notes")
    assert [(n["title"], n["body"]) for n in notes] == [
        ("Host wrote to you privately · Standup · chatserver", "Your question is next")
    ]
    expect(page).to_have_title("(1) Standup · chatserver")
    hide(page, False)
    expect(page).to_have_title("(1) Standup · chatserver")  # unread until the thread is opened
    page.get_by_role("button", name="Message the hosts privately").click()
    expect(page).to_have_title("Standup · chatserver")
