"""The console's inbox: a participant's private line to the hosts shows as a conversation with an
unread count; a host opens it, replies privately and marks it done, and a second console (another
host's, or a moderator's) follows the read and done marks through the stream without a reload.
"Answer publicly" quotes the question without its author's name; the notices panel sends to chosen
people and app user ids and counts what became of each sending. Private lines never reach the
live chat."""

from __future__ import annotations

import re
import time
from typing import Any

import jwt
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_link

INBOX = re.compile("^Inbox")  # the console's heading that shows its inbox is ready
QUESTION = "Will the recording be shared afterwards?"


def join(server: LiveServer, slug: str, nickname: str) -> tuple[int, str]:
    """A participant's id and token."""
    status, joined = server.api("POST", f"/api/events/{slug}/participants", {"nickname": nickname})
    assert status == 201, joined
    return int(joined["participant"]["id"]), str(joined["token"])


def to_hosts(server: LiveServer, slug: str, token: str, body: str) -> dict[str, Any]:
    status, posted = server.api("POST", f"/api/events/{slug}/messages", {"body": body, "to": "hosts"}, token)
    assert status == 201, posted
    return dict(posted["message"])


def row(page: Any, pid: int) -> Any:
    """A conversation's button in the inbox's list (open or done)."""
    return page.locator(f"#inbox-list button[data-pid='{pid}']")


def test_a_private_line_is_answered_read_and_done_in_one_console_and_followed_in_another(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(title="Town hall")
    slug = created["event"]["slug"]
    alice_id, alice = join(live_server, slug, "alice")
    url = live_server.base + created["links"]["host"]
    host = open_link(context_factory(), url, INBOX)
    other = open_link(context_factory(), url, INBOX)  # another host, or the same one in another browser

    line = to_hosts(live_server, slug, alice, QUESTION)
    for page in (host, other):
        expect(row(page, alice_id)).to_contain_text("alice")
        expect(row(page, alice_id)).to_contain_text(QUESTION)
        expect(row(page, alice_id).locator(".count-pill [aria-hidden]")).to_have_text("1")
        expect(row(page, alice_id).locator(".count-pill .visually-hidden")).to_have_text("1 unread")
        expect(page.locator("#inbox-count")).to_have_text("1 unread")
        expect(page).to_have_title(re.compile(r"^\(1\) Host: Town hall"))
        # The live chat is what the room sees: no private line there.
        expect(page.locator("#messages")).not_to_contain_text(QUESTION)

    # Opened in one console: read up to its newest line, for both.
    row(host, alice_id).click()
    expect(host.locator("#thread-name")).to_have_text("alice")
    expect(host.locator("#thread-lines .line.from-participant")).to_have_text(re.compile(re.escape(QUESTION)))
    for page in (host, other):
        expect(page.locator("#inbox-count")).to_have_text("")
        expect(page).to_have_title(re.compile(r"^Host: Town hall"))
    expect(row(other, alice_id).locator(".count-pill")).to_have_count(0)

    # A private reply: Enter sends, Shift+Enter starts a new line; alice (and only she) gets it.
    box = host.get_by_label("Reply privately to alice")
    box.fill("Yes, within a day.")
    box.press("Shift+Enter")
    box.press_sequentially("We will email the link.")
    box.press("Enter")
    reply = host.locator("#thread-lines .line.from-hosts")
    expect(reply).to_contain_text("Yes, within a day.\nWe will email the link.")
    expect(reply.locator(".role-badge")).to_have_text("Host")
    expect(box).to_have_value("")
    expect(row(other, alice_id)).to_contain_text("Host: Yes, within a day.")
    seen = live_server.api("GET", f"/api/events/{slug}/messages?after={line['id']}", token=alice)[1]["messages"]
    mine = [i for i in seen if i["kind"] == "message"]
    assert [(i["body"], i["to"], i["role"], i["private"]) for i in mine] == [
        ("Yes, within a day.\nWe will email the link.", alice_id, "host", True)
    ]
    public = live_server.api("GET", f"/api/events/{slug}/messages?after=0")[1]["messages"]
    assert not [i for i in public if i["kind"] == "message"], "a private line reached the public stream"

    # Done in one console: it sinks into the collapsed Done group in both.
    host.get_by_role("button", name="Mark done").click()
    expect(host.locator("#inbox-status")).to_have_text("The conversation with alice is done.")
    for page in (host, other):
        expect(page.locator("#inbox-done-threads button[data-pid]")).to_have_count(1)
        expect(page.locator("#inbox-threads button[data-pid]")).to_have_count(0)
        expect(page.locator("#inbox-done > summary")).to_have_text("Done: 1 conversation")
        expect(page.locator("#inbox-done-threads")).to_be_hidden()  # collapsed
    assert not [i for i in public if i["kind"] == "thread"]
    assert not [
        i
        for i in live_server.api("GET", f"/api/events/{slug}/messages?after=0", token=alice)[1]["messages"]
        if i["kind"] == "thread"
    ], "a participant saw the hosts' marks"

    # alice writes again: the conversation comes back up, unread, in both.
    to_hosts(live_server, slug, alice, "Thanks! One more thing: is there a summary?")
    for page in (host, other):
        expect(page.locator("#inbox-threads button[data-pid]")).to_have_count(1)
        expect(page.locator("#inbox-done")).to_be_hidden()
        expect(page.locator("#inbox-count")).to_have_text("1 unread")

    # Opened in the other console, it is read in both; Reopen undoes a done there too.
    row(other, alice_id).click()
    expect(other.get_by_role("button", name="Mark done")).to_be_visible()
    expect(host.locator("#inbox-count")).to_have_text("")
    other.get_by_role("button", name="Mark done").click()
    expect(row(host, alice_id)).to_be_attached()
    expect(host.locator("#inbox-done-threads button[data-pid]")).to_have_count(1)
    host.locator("#inbox-done > summary").click()
    row(host, alice_id).click()
    expect(host.locator("#thread-state")).to_have_text("Done")
    host.get_by_role("button", name="Reopen").click()
    expect(host.locator("#thread-status")).to_have_text("The conversation is open again.")
    expect(other.locator("#inbox-threads button[data-pid]")).to_have_count(1)
    expect(other.locator("#inbox-done")).to_be_hidden()


def test_a_moderator_reads_and_answers_the_inbox(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    key = created["host_key"]
    status, added = live_server.api("POST", f"/api/events/{slug}/moderators", {"name": "Maya"}, key)
    assert status == 201, added
    bob_id, bob = join(live_server, slug, "bob")
    line = to_hosts(live_server, slug, bob, "The audio keeps cutting out for me.")

    moderator = open_link(context_factory(), live_server.base + added["link"], INBOX)
    expect(moderator.get_by_role("heading", name="Notices")).to_be_hidden()  # the host's only
    expect(row(moderator, bob_id).locator(".count-pill")).to_contain_text("1")
    row(moderator, bob_id).click()
    box = moderator.get_by_label("Reply privately to bob")
    box.fill("Try reloading the page; we are looking into it.")
    box.press("Enter")
    reply = moderator.locator("#thread-lines .line.from-hosts")
    expect(reply.locator(".author")).to_have_text("Maya")
    expect(reply.locator(".role-badge")).to_have_text("Moderator")
    expect(moderator.locator("#inbox-count")).to_have_text("")

    marks = [i for i in live_server.api("GET", f"/api/events/{slug}/messages?after=0", token=key)[1]["messages"]]
    assert any(i["kind"] == "thread" and i["target"] == bob_id and i["read"] >= line["id"] for i in marks)
    got = live_server.api("GET", f"/api/events/{slug}/messages?after={line['id']}", token=bob)[1]["messages"]
    assert [(i["author"], i["role"]) for i in got if i["kind"] == "message"] == [("Maya", "moderator")]

    moderator.get_by_role("button", name="Mark done").click()
    expect(moderator.locator("#inbox-done-threads button[data-pid]")).to_have_count(1)


def test_notices_go_to_chosen_people_and_app_users_and_are_counted(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(title="Town hall")
    slug = created["event"]["slug"]
    bob_id, bob_token = join(live_server, slug, "bob")
    join(live_server, slug, "carol")
    host = open_link(context_factory(), live_server.base + created["links"]["host"], INBOX)
    panel = host.locator("#notices")
    expect(panel.get_by_role("checkbox")).to_have_count(2)

    # Found by name, chosen, plus an app user who has not joined.
    panel.get_by_label("Find people by name").fill("bo")
    expect(panel.get_by_role("checkbox")).to_have_count(1)
    panel.get_by_role("checkbox", name="bob").check()
    expect(host.locator("#n-chosen")).to_have_text("1 person chosen")

    # The server's refusal is said beside the form; nothing is sent.
    host.get_by_label("Your app's user ids").fill("user-42\n" + "x" * 200)
    host.get_by_label("Notice", exact=True).fill("The slides are at https://example.org/slides")
    panel.get_by_role("button", name="Send the notice").click()
    expect(host.locator("#notice-error")).to_contain_text("users must be a list of your app's user ids")
    expect(host.get_by_label("Your app's user ids")).to_have_attribute("aria-invalid", "true")

    host.get_by_label("Your app's user ids").fill("user-42\n")
    panel.get_by_role("button", name="Send the notice").click()
    expect(host.locator("#notice-status")).to_have_text("Sent to 2 people.")
    expect(host.locator("#notice-error")).to_be_hidden()
    expect(host.get_by_label("Notice", exact=True)).to_have_value("")
    sent = host.locator("#sent-notices li")
    expect(sent).to_have_count(1)
    expect(sent).to_contain_text("The slides are at https://example.org/slides")
    expect(sent.locator(".sent-counts")).to_have_text("2 sent · 1 delivered · 0 read")

    # A notice alone makes no conversation (a sending to hundreds would bury the real ones), nor a
    # line in the live chat; once bob answers, his conversation holds both.
    expect(row(host, bob_id)).to_have_count(0)
    expect(host.locator("#messages")).not_to_contain_text("slides")
    to_hosts(live_server, slug, bob_token, "Thanks, found them.")
    expect(row(host, bob_id)).to_contain_text("Thanks, found them.")
    row(host, bob_id).click()
    expect(host.locator("#inbox")).to_contain_text("The slides are at")
    host.get_by_role("button", name="All conversations").click()

    # The app's user joins (signed by the app): verified in the lists; the sending counts them, in time.
    status, made = live_server.api("POST", f"/api/events/{slug}/identity-secret", token=created["host_key"])
    assert status == 200, made
    signed = jwt.encode({"sub": "user-42", "name": "Erin", "exp": int(time.time() + 600)}, made["secret"], "HS256")
    status, joined = live_server.api("POST", f"/api/events/{slug}/participants", {"identity": signed})
    assert status == 201, joined
    expect(panel.get_by_role("checkbox", name="Erin verified")).to_be_visible()
    to_hosts(live_server, slug, joined["token"], "Got it, thanks.")
    erin = row(host, joined["participant"]["id"])
    expect(erin.locator(".verified")).to_have_attribute("title", "Verified: signed in through your site.")
    expect(erin).to_contain_text("Got it, thanks.")
    erin.click()  # the notice sent to her app user id, before she joined, is in her conversation
    expect(host.locator("#inbox")).to_contain_text("The slides are at")
    host.get_by_role("button", name="All conversations").click()
    panel.scroll_into_view_if_needed()  # refreshed every 10 s while on screen
    expect(sent.locator(".sent-counts")).to_have_text("2 sent · 2 delivered · 0 read", timeout=15_000)

    # Who may write privately, in the room's settings.
    host.get_by_label("Private messages").select_option(label="Off")
    expect(host.locator("#room-status")).to_have_text(
        "Nobody can write privately now; the hosts can still write to anyone."
    )
    assert live_server.api("GET", f"/api/events/{slug}")[1]["event"]["direct_messages"] == "off"


def test_too_many_notices_are_said_beside_the_form(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    join(live_server, slug, "bob")
    for n in range(10):  # the limit: 10 sendings a minute per event
        status, body = live_server.api(
            "POST", f"/api/events/{slug}/notices", {"body": f"n{n}", "users": ["u"]}, created["host_key"]
        )
        assert status == 201, body
    host = open_link(context_factory(), live_server.base + created["links"]["host"], INBOX)
    expect(host.locator("#sent-notices li")).to_have_count(10)
    host.locator("#notices").get_by_role("checkbox", name="bob").check()
    host.get_by_label("Notice", exact=True).fill("One more")
    host.get_by_role("button", name="Send the notice").click()
    expect(host.locator("#notice-error")).to_contain_text("Too many notices")
    expect(host.get_by_label("Notice", exact=True)).to_have_value("One more")  # kept, to send later


def test_answer_publicly_quotes_the_question_without_its_author(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    dana_id, dana = join(live_server, slug, "dana")
    to_hosts(live_server, slug, dana, "Is the Q&A at the end?")
    to_hosts(live_server, slug, dana, "And will slides be shared?\n\nThanks")
    host = open_link(context_factory(), live_server.base + created["links"]["host"], INBOX)
    expect(row(host, dana_id).locator(".count-pill")).to_contain_text("2")
    row(host, dana_id).click()
    host.get_by_role("button", name="Answer publicly…").click()
    box = host.get_by_label("Message", exact=True)
    expect(box).to_have_value("> Is the Q&A at the end?\n> And will slides be shared?\n>\n> Thanks\n\n")
    expect(box).to_be_focused()
    assert "dana" not in box.input_value()
    expect(host.locator("#thread-status")).to_contain_text("without their name")
    box.press_sequentially("Yes to both.")
    box.press("Enter")
    # The question reads as a quote (Markdown), the answer after it.
    posted = host.locator("#messages .item.message .body")
    expect(posted.locator("blockquote")).to_have_text("Is the Q&A at the end?\nAnd will slides be shared?\n\nThanks")
    expect(posted).to_contain_text("Yes to both.")


def test_the_inbox_folds_items_the_same_whatever_their_order(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    host = open_link(context_factory(), live_server.base + created["links"]["host"], INBOX)
    result = host.evaluate(
        """async () => {
            const m = await import("/static/host-inbox-model.js");
            const items = [
                {id: 3, kind: "message", private: true, to: "hosts", participant_id: 7, author: "eve", body: "hi", created_at: "x"},
                {id: 4, kind: "message", private: true, to: 7, role: "moderator", author: "Maya", body: "hello", created_at: "x"},
                {id: 5, kind: "thread", private: true, target: 7, read: 4, done: true},
                {id: 6, kind: "message", private: true, to: 8, author: "bob", participant_id: 9, body: "psst", created_at: "x"},
                {id: 7, kind: "message", to: null, participant_id: 7, author: "eve", body: "public", created_at: "x"},
                {id: 8, kind: "notice", private: true, to_user: "u1", role: "host", author: "Host", body: "n", created_at: "x"},
            ];
            const a = m.newInbox(), b = m.newInbox();
            m.foldThreads(a, items);
            m.foldThreads(b, [...items].reverse());
            m.foldThreads(b, items);  // twice: nothing doubles
            const sum = (x) => m.shownThreads(x).map((t) => [t.pid, t.lines.length, m.unreadOf(t), m.isDone(t)]);
            const before = sum(a);
            m.foldThreads(a, [{id: 9, kind: "message", private: true, to: "hosts", participant_id: 7, author: "eve", body: "again", created_at: "x"}]);
            return {before, b: sum(b), after: sum(a), quote: m.quoteOf(m.shownThreads(a)[0])};
        }"""
    )
    assert result["before"] == [[7, 2, 0, True]]
    assert result["b"] == result["before"]
    assert result["after"] == [[7, 3, 1, False]]  # a new line from the participant reopens it
    assert result["quote"] == "> again\n\n"
