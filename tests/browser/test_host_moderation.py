"""The console's moderation: moderators with their own links, mute, the room's settings, the
transcript policy, posting as the host, and a transcript for the hosts read in the console."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_link


def say(server: LiveServer, slug: str, token: str, body: str) -> tuple[int, Any]:
    return server.api("POST", f"/api/events/{slug}/messages", {"body": body}, token)


def event_of(server: LiveServer, slug: str) -> dict[str, Any]:
    status, body = server.api("GET", f"/api/events/{slug}")
    assert status == 200, body
    return dict(body["event"])


def test_a_moderators_link_is_shown_once_works_and_can_be_revoked(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(title="Town hall")
    slug = created["event"]["slug"]
    host = open_link(context_factory(), live_server.base + created["links"]["host"])
    expect(host.locator("#moderators-status")).to_have_text("No moderators yet.")

    host.get_by_role("textbox", name=re.compile("^Name")).fill("Maya")
    host.get_by_role("button", name="Add a moderator").click()
    link = host.get_by_label("Moderator link for Maya")
    expect(link).to_have_value(re.compile(re.escape(f"{live_server.base}/e/{slug}/host#key=") + r".{20,}"))
    expect(link).to_be_focused()
    expect(host.locator("#new-moderator")).to_contain_text("This link is shown only this once.")
    expect(host.locator("#new-moderator")).to_contain_text("not edit or close the event")
    expect(host.get_by_role("button", name="Copy the moderator link")).to_be_visible()
    url = link.input_value()
    expect(host.locator("#moderators li")).to_have_count(1)
    expect(host.locator("#moderators li")).to_contain_text("Maya")

    # Shown once: gone when dismissed, and not there after a reload; Maya stays listed.
    host.get_by_role("button", name="Done").click()
    expect(host.locator("#new-moderator")).to_be_hidden()
    expect(host.locator("#moderator-link")).to_have_value("")
    host.reload()
    expect(host.locator("#moderators li")).to_have_count(1)
    expect(host.locator("#new-moderator")).to_be_hidden()

    # The link opens a moderator's console: it says so, and leaves out what only the host may do.
    moderator = open_link(context_factory(), url)
    expect(moderator.locator("#host-role")).to_contain_text("You are moderating as Maya.")
    expect(moderator.get_by_role("heading", name="Event details")).to_be_hidden()
    expect(moderator.get_by_role("heading", name="Moderators")).to_be_hidden()
    expect(moderator.get_by_role("heading", name="Chat bar for your site")).to_be_hidden()
    expect(moderator.get_by_role("button", name="Close the event now…")).to_be_hidden()
    expect(moderator.get_by_label("Slow mode")).to_be_disabled()
    expect(moderator.get_by_text("Only the host can change these.")).to_be_visible()
    expect(moderator.get_by_role("textbox", name="Announcement")).to_be_enabled()

    # Revoked (after a confirmation): that console no longer opens.
    host.get_by_role("button", name="Revoke the link of Maya").click()
    dialog = host.get_by_role("dialog", name="Revoke the link of Maya?")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    dialog.get_by_role("button", name="Revoke the link of Maya").click()
    expect(host.locator("#moderators li")).to_have_count(0)
    expect(host.locator("#moderators-status")).to_contain_text("The link of Maya no longer works.")
    key = created["links"]["host"].split("#key=")[1]
    assert live_server.api("GET", f"/api/events/{slug}/moderators", token=key)[1]["moderators"] == []
    moderator.reload()
    expect(moderator.get_by_role("alert")).to_contain_text("This host key is wrong")
    expect(moderator.get_by_role("alert")).to_contain_text("when the host revokes it")
    expect(moderator.get_by_role("heading", name="Live chat")).to_be_hidden()


def test_a_moderator_removes_a_message_but_has_no_close_button(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    key = created["links"]["host"].split("#key=")[1]
    status, added = live_server.api("POST", f"/api/events/{slug}/moderators", {"name": "Maya"}, key)
    assert status == 201, added
    alice = live_server.join(slug, "alice")
    status, posted = say(live_server, slug, alice, "buy cheap pills")
    assert status == 201, posted

    moderator = open_link(context_factory(), live_server.base + added["link"])
    expect(moderator.get_by_role("button", name=re.compile("Close the event"))).to_have_count(0)
    message = moderator.locator(f"#m{posted['message']['id']}")
    message.hover()
    message.get_by_role("button", name="Remove").click()
    expect(message).to_contain_text("removed by the host", timeout=8000)  # once the time to undo is up
    items = live_server.api("GET", f"/api/events/{slug}/messages?after=0")[1]["messages"]
    assert [i["target"] for i in items if i["kind"] == "retraction"] == [posted["message"]["id"]]
    assert event_of(live_server, slug)["state"] == "open"


def test_mute_from_the_console_then_unmute(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    alice = live_server.join(slug, "alice")
    assert say(live_server, slug, alice, "hello")[0] == 201
    host = open_link(context_factory(), live_server.base + created["links"]["host"])

    message = host.locator("#messages li.message", has_text="hello")
    message.hover()
    message.get_by_label("Mute alice for…").select_option(label="15 minutes")
    expect(host.locator("#chat-status")).to_contain_text("alice is muted until")
    row = host.locator("#participants li", has_text="alice")
    expect(row).to_contain_text("muted until")
    status, reply = say(live_server, slug, alice, "still here?")
    assert (status, reply["error"]["code"]) == (403, "muted"), reply

    # Unmute (in the people list; the message's own button says the same).
    row.get_by_role("button", name="Unmute alice").click()
    expect(host.locator("#chat-status")).to_have_text("alice can post again.")
    expect(row.get_by_label("Mute alice for…")).to_be_visible()
    expect(message.get_by_label("Mute alice for…")).to_have_count(1)
    assert say(live_server, slug, alice, "back")[0] == 201


def test_room_settings_apply_at_once_and_follow_changes_made_elsewhere(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    key = created["links"]["host"].split("#key=")[1]
    host = open_link(context_factory(), live_server.base + created["links"]["host"])
    status_line = host.locator("#room-status")

    host.get_by_label("Slow mode").select_option(label="30 seconds")
    expect(status_line).to_have_text("Slow mode is on: each person may post once every 30 seconds.")
    assert event_of(live_server, slug)["slow_mode"] == 30

    host.get_by_label("Slow mode").select_option(label="Another number of seconds…")
    seconds = host.get_by_label("Seconds between one person's messages")
    expect(seconds).to_be_focused()
    seconds.fill("45")
    host.get_by_role("button", name="Set", exact=True).click()
    expect(status_line).to_have_text("Slow mode is on: each person may post once every 45 seconds.")
    assert event_of(live_server, slug)["slow_mode"] == 45

    host.get_by_label("Let new people join").uncheck()
    expect(status_line).to_have_text("Nobody new can join; those already in the room stay.")
    assert event_of(live_server, slug)["joins_locked"] is True
    status, reply = live_server.api("POST", f"/api/events/{slug}/participants", {"nickname": "late"})
    assert (status, reply["error"]["code"]) == (403, "joins_locked")

    # Changed elsewhere (another tab, the API): the console follows the stream's "updated" items.
    live_server.api("PATCH", f"/api/events/{slug}", {"slow_mode": 0, "joins_locked": False}, token=key)
    expect(host.get_by_label("Slow mode")).to_have_value("0")
    expect(host.get_by_label("Let new people join")).to_be_checked()


def test_the_transcript_policy_is_set_before_the_opening_and_fixed_after(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(starts_in=3600)
    slug = created["event"]["slug"]
    key = created["links"]["host"].split("#key=")[1]
    host = open_link(context_factory(), live_server.base + created["links"]["host"])
    policy = host.get_by_label("Who can read the transcript afterwards")
    expect(policy).to_be_enabled()
    expect(host.get_by_label("Number of days")).to_be_hidden()

    policy.select_option(label="Only the hosts")
    host.get_by_label("Erase messages after").select_option(label="A number of days")
    days = host.get_by_label("Number of days")
    expect(days).to_be_focused()
    days.fill("0")
    host.get_by_role("button", name="Save changes").click()
    expect(host.locator("#e-days-error")).to_have_text("Choose a number of days from 1 to 3650.")
    days.fill("7")
    host.get_by_role("button", name="Save changes").click()
    expect(host.locator("#edit-status")).to_contain_text("Saved.")
    event = event_of(live_server, slug)
    assert (event["transcript"], event["retention_days"]) == ("hosts", 7)

    # It opens (moved to now by the API): what people were told before they joined stays.
    live_server.move(slug, key, -60, 3600)
    expect(host.locator("#state-badge")).to_have_text("Open")
    expect(policy).to_be_disabled()
    expect(host.get_by_label("Erase messages after")).to_be_disabled()
    expect(host.get_by_text("These can no longer change")).to_be_visible()


def test_post_as_the_host_under_a_name_the_room_shows(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    reader = context_factory().new_page()
    reader.goto(f"{live_server.base}/e/{slug}")
    expect(reader.locator("#messages")).to_be_attached()
    console_context = context_factory()
    host = open_link(console_context, live_server.base + created["links"]["host"])
    name = host.get_by_label("Post in the chat as")
    expect(name).to_have_value("Host")

    name.fill("Ben")
    host.get_by_label("Message", exact=True).fill("Welcome, everyone!")
    host.get_by_label("Message", exact=True).press("Enter")
    mine = host.locator("#messages li.message", has_text="Welcome, everyone!")
    expect(mine.locator(".author")).to_contain_text("Ben")
    expect(mine.locator(".role-badge")).to_have_text("Host")
    expect(host.get_by_label("Message", exact=True)).to_have_value("")

    in_room = reader.locator("#messages li.message", has_text="Welcome, everyone!")
    expect(in_room.locator(".author")).to_contain_text("Ben", timeout=5000)
    items = live_server.api("GET", f"/api/events/{slug}/messages?after=0")[1]["messages"]
    assert [(i["author"], i.get("role")) for i in items if i["kind"] == "message"] == [("Ben", "host")]

    # The name is remembered in this browser.
    again = open_link(console_context, live_server.base + created["links"]["host"])
    expect(again.get_by_label("Post in the chat as")).to_have_value("Ben")


def test_a_transcript_for_the_hosts_stays_readable_in_the_console_after_the_close(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(transcript="hosts")
    slug = created["event"]["slug"]
    key = created["links"]["host"].split("#key=")[1]
    alice = live_server.join(slug, "alice")
    assert say(live_server, slug, alice, "words for the hosts")[0] == 201
    assert live_server.api("POST", f"/api/events/{slug}/close", token=key)[0] == 200
    assert live_server.api("GET", f"/api/events/{slug}/messages?after=0")[0] == 403  # not without the key

    host = open_link(context_factory(), live_server.base + created["links"]["host"])
    expect(host.locator("#state-badge")).to_have_text("Closed")
    expect(host.locator("#messages")).to_contain_text("words for the hosts")
    expect(host.locator("#closed-hosts-only")).to_be_visible()
    expect(host.get_by_role("link", name="Read the transcript")).to_be_hidden()
