"""Who the reader is in the room: one identity for all tabs, a real rename, a ban, no storage."""

from __future__ import annotations

import re
import time
from typing import Any

import jwt
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room

REMOVED = "The host removed you from this room. You can still read along."

# localStorage refused, as in some private modes and in third-party frames.
NO_STORAGE = """Object.defineProperty(window, "localStorage", {
  get() { throw new DOMException("refused by the test", "SecurityError"); }, configurable: true });"""


def participant(server: LiveServer, slug: str, nickname: str) -> dict[str, Any]:
    _, people = server.api("GET", f"/api/events/{slug}/participants")
    return dict(next(p for p in people["participants"] if p["nickname"] == nickname))


def send(page: Any, text: str) -> None:
    page.get_by_label("Message").fill(text)
    page.get_by_label("Message").press("Enter")


def rename(page: Any, nickname: str) -> None:
    """Open "Change nickname", type the new one and press Rename."""
    page.get_by_role("button", name="Change nickname").click()
    page.get_by_label("Your new nickname").fill(nickname)
    page.get_by_role("button", name="Rename").click()


def test_a_join_a_leave_and_a_ban_in_one_tab_reach_the_other_tabs(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    context = context_factory()
    one = open_room(context, live_server, slug)
    two = open_room(context, live_server, slug)
    expect(two.locator("#join")).to_be_visible()

    one.get_by_label("Choose a nickname").fill("carol")
    one.get_by_role("button", name="Join").click()
    # The other tab follows at once, without a reload: no second "carol" to refuse.
    expect(two.locator("#composer")).to_be_visible()
    expect(two.locator("#compose-help")).to_contain_text("You are carol")
    expect(two.locator("#join")).to_be_hidden()

    one.get_by_role("button", name="Change nickname").click()
    one.get_by_role("button", name="Leave").click()  # this browser forgets carol, in every tab
    expect(one.locator("#join")).to_be_visible()
    expect(two.locator("#join")).to_be_visible()
    expect(two.locator("#composer")).to_be_hidden()

    two.get_by_label("Choose a nickname").fill("carla")
    two.get_by_role("button", name="Join").click()
    expect(one.locator("#compose-help")).to_contain_text("You are carla")
    live_server.api(
        "POST", f"/api/events/{slug}/participants/{participant(live_server, slug, 'carla')['id']}/ban", token=key
    )
    for page in (one, two):
        expect(page.locator("#banned-note")).to_have_text(REMOVED)


def test_a_banned_reader_sees_a_plain_notice_instead_of_the_composer(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    page = open_room(context_factory(), live_server, slug, "Bob")
    send(page, "hello")
    expect(page.locator("#messages li.message")).to_have_count(1)
    live_server.api(
        "POST", f"/api/events/{slug}/participants/{participant(live_server, slug, 'Bob')['id']}/ban", token=key
    )

    expect(page.locator("#banned-note")).to_have_text(REMOVED)
    expect(page.locator("#banned-note")).to_be_visible()
    expect(page.locator("#composer")).to_be_hidden()  # no greyed box, no dangling "You are Bob ·"
    expect(page.locator("#compose-help")).to_be_hidden()
    expect(page.locator("#join")).to_be_hidden()
    page.reload()  # and so it stays
    expect(page.locator("#banned-note")).to_have_text(REMOVED)
    expect(page.locator("#composer")).to_be_hidden()


def test_the_join_hint_says_when_the_nickname_lasts_for_this_page_only(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    kept = open_room(context_factory(), live_server, slug)
    expect(kept.locator("#join-help")).to_contain_text("This browser remembers it for this room.")

    context = context_factory()
    context.add_init_script(NO_STORAGE)
    blocked = open_room(context, live_server, slug)
    help_text = blocked.locator("#join-help")
    expect(help_text).to_contain_text("lasts for this page only")
    expect(help_text).not_to_contain_text("remembers")
    blocked.get_by_label("Choose a nickname").fill("dora")
    blocked.get_by_role("button", name="Join").click()
    expect(blocked.locator("#me")).to_have_text("dora")  # it works, for this page


def test_change_nickname_is_a_real_rename(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    context = context_factory()
    page = open_room(context, live_server, slug, "Bob")
    other_tab = open_room(context, live_server, slug, expect_composer=True)
    send(page, "my first words")
    mine = page.locator("#messages li.message", has_text="my first words")
    expect(mine).to_have_class(re.compile(r"\bmine\b"))
    bob_id = participant(live_server, slug, "Bob")["id"]

    # The form comes pre-filled; Escape (or Cancel) keeps the name.
    page.get_by_role("button", name="Change nickname").click()
    field = page.get_by_label("Your new nickname")
    expect(field).to_have_value("Bob")
    expect(field).to_be_focused()
    field.fill("Bobby")
    field.press("Escape")
    expect(page.locator("#rename")).to_be_hidden()
    expect(page.locator("#me")).to_have_text("Bob")
    page.get_by_role("button", name="Change nickname").click()
    expect(field).to_have_value("Bob")
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#rename")).to_be_hidden()

    # Refusals beside the field: a name someone has, and a name kept for a role.
    live_server.join(slug, "carol")
    rename(page, "Carol")
    expect(page.locator("#rename-error")).to_contain_text("already called “Carol”")
    expect(page.locator("#rename")).to_be_visible()
    field.fill("Host")
    page.get_by_role("button", name="Rename").click()
    expect(page.locator("#rename-error")).to_contain_text("kept for the hosts")
    page.get_by_role("button", name="Cancel").click()

    rename(page, "Robert")
    expect(page.locator("#me")).to_have_text("Robert")
    expect(page.locator("#rename")).to_be_hidden()
    expect(other_tab.locator("#me")).to_have_text("Robert")  # every tab at once
    assert participant(live_server, slug, "Robert")["id"] == bob_id  # the same participant
    expect(mine).to_have_class(re.compile(r"\bmine\b"))  # earlier messages are still one's own
    expect(alice.locator("#messages li.system[data-code=renamed]")).to_have_text(re.compile("Bob is now Robert."))
    expect(alice.locator("#participants")).to_contain_text("Robert")
    expect(alice.locator("#participants .nick", has_text="Bob")).to_have_count(0)
    expect(alice.locator("#messages")).not_to_contain_text("Robert joined")
    send(page, "now as Robert")
    expect(alice.locator("#messages li.message", has_text="now as Robert")).to_contain_text("Robert")

    # A rate limit: three renames in ten minutes (refusals do not count), then the wait beside the field.
    for nickname in ("Rob", "Robbie"):
        rename(page, nickname)
        expect(page.locator("#me")).to_have_text(nickname)
    rename(page, "Bobby")
    expect(page.locator("#rename-error")).to_contain_text(re.compile(r"Try again in \d+ minutes"))
    expect(page.locator("#me")).to_have_text("Robbie")

    # Banned while the form is open: said beside the field, and the composer gives way to the notice.
    live_server.api("POST", f"/api/events/{slug}/participants/{bob_id}/ban", token=key)
    expect(page.locator("#rename-error")).to_contain_text("The host removed you from this room")
    expect(page.locator("#banned-note")).to_have_text(REMOVED)
    expect(page.get_by_role("button", name="Rename")).to_be_disabled()


def test_a_name_the_embedding_site_signed_in_is_marked_verified(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    _, made = live_server.api("POST", f"/api/events/{slug}/identity-secret", token=key)
    claims = {"sub": "u-1", "name": "Ada", "exp": int(time.time()) + 600}
    status, _ = live_server.api(
        "POST", f"/api/events/{slug}/participants", {"identity": jwt.encode(claims, made["secret"], "HS256")}
    )
    assert status == 201
    page = open_room(context_factory(), live_server, slug, "bob")
    people = page.locator("#participants li")
    ada = people.filter(has_text=re.compile(r"^Ada\b"))
    expect(ada.locator(".verified")).to_have_count(1)
    expect(ada.locator(".verified")).to_have_attribute(
        "title", "Verified: this name comes from the site that signed this person in."
    )
    expect(people.filter(has_text="bob").locator(".verified")).to_have_count(0)
