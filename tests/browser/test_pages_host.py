"""The host console: the key from the fragment, moderation seen by the room, edits, closing early."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer


def say(server: LiveServer, slug: str, token: str, body: str) -> dict[str, Any]:
    status, reply = server.api("POST", f"/api/events/{slug}/messages", {"body": body}, token)
    assert status == 201, reply
    return dict(reply["message"])


def open_console(context: Any, server: LiveServer, created: dict[str, Any]) -> Any:
    page = context.new_page()
    page.goto(server.base + created["links"]["host"])
    expect(page.get_by_role("heading", name="Live chat")).to_be_visible()
    return page


def open_room(context: Any, server: LiveServer, slug: str) -> Any:
    page = context.new_page()
    page.goto(f"{server.base}/e/{slug}")
    return page


def test_retraction_and_announcement_reach_the_room(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(title="Moderated")
    slug = created["event"]["slug"]
    alice = live_server.join(slug, "alice")
    say(live_server, slug, alice, "a fine message")
    say(live_server, slug, alice, "buy cheap pills")

    reader = open_room(context_factory(), live_server, slug)
    expect(reader.locator("#messages")).to_contain_text("buy cheap pills")
    host = open_console(context_factory(), live_server, created)
    spam = host.locator("#" + str(host.locator("#messages li", has_text="buy cheap pills").get_attribute("id")))
    spam.get_by_role("button", name="Remove").click()

    expect(spam).to_contain_text("removed by the host", timeout=8000)  # once the time to undo is up
    expect(reader.locator("#messages")).not_to_contain_text("buy cheap pills", timeout=2000)
    expect(reader.locator("#messages")).to_contain_text("a fine message")

    host.get_by_role("textbox", name="Announcement").fill("Five minutes left")
    host.get_by_role("button", name="Announce", exact=True).click()
    expect(host.locator("#announce-status")).to_have_text("Announced to everyone in the room.")
    expect(reader.locator("#messages")).to_contain_text("Five minutes left", timeout=2000)
    expect(host.locator("#messages li.announcement")).to_have_count(1)


def test_ban_an_author_from_the_live_view(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    troll = live_server.join(slug, "troll")
    say(live_server, slug, troll, "first!!!")
    host = open_console(context_factory(), live_server, created)
    people = host.locator("#participants")
    expect(people.locator("li", has_text="troll")).to_contain_text("online")

    host.locator("#messages li", has_text="first!!!").get_by_role("button", name="Ban troll").click()
    dialog = host.get_by_role("dialog", name="Ban troll?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()  # the safe choice by default
    dialog.get_by_role("button", name="Ban troll").click()

    expect(people.locator("li", has_text="troll")).to_contain_text("banned")
    expect(host.locator("#messages li", has_text="first!!!").get_by_role("button", name="Ban troll")).to_have_text(
        "Banned"
    )
    status, reply = live_server.api("POST", f"/api/events/{slug}/messages", {"body": "again"}, troll)
    assert (status, reply["error"]["code"]) == (403, "banned")


def test_edit_the_details_and_close_early(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(title="Old title")
    slug = created["event"]["slug"]
    reader = open_room(context_factory(), live_server, slug)
    host = open_console(context_factory(), live_server, created)
    expect(host.get_by_label("Starts")).to_be_disabled()  # it is open: the start cannot move

    host.get_by_role("textbox", name="Title").fill("New title")
    host.get_by_role("button", name="Save changes").click()
    expect(host.locator("#edit-status")).to_contain_text("Saved.")
    expect(host.get_by_role("heading", level=1)).to_have_text("New title")
    assert live_server.api("GET", f"/api/events/{slug}")[1]["event"]["title"] == "New title"

    host.get_by_role("button", name="Close the event now…").click()
    dialog = host.get_by_role("dialog", name="Close the event now?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert live_server.api("GET", f"/api/events/{slug}")[1]["event"]["state"] == "open"

    host.get_by_role("button", name="Close the event now…").click()
    dialog.get_by_role("button", name="Close the event").click()
    expect(host.locator("#state-badge")).to_have_text("Closed")
    expect(host.get_by_text("The event is closed: nobody can post")).to_be_visible()
    expect(host.get_by_role("textbox", name="Announcement")).to_be_hidden()
    assert live_server.api("GET", f"/api/events/{slug}")[1]["event"]["state"] == "closed"
    expect(reader.locator("#messages")).to_contain_text("The event is closed.", timeout=3000)


def test_a_wrong_or_missing_key_is_said_plainly(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(title="Guarded")
    slug = created["event"]["slug"]
    page = context_factory().new_page()
    page.goto(f"{live_server.base}/e/{slug}/host#key=not-the-key")
    expect(page.get_by_role("alert")).to_contain_text("This host key is wrong")
    expect(page.get_by_role("heading", name="Live chat")).to_be_hidden()

    page.goto(f"{live_server.base}/e/{slug}/host")
    expect(page.get_by_role("alert")).to_contain_text("This link has no host key")

    # Pasting the right link into the same tab changes only the fragment; the console starts.
    page.goto(live_server.base + created["links"]["host"])
    expect(page.get_by_role("heading", name="Live chat")).to_be_visible()
    expect(page.get_by_role("alert")).to_be_hidden()


def test_the_host_page_sends_no_referrer(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    page = context_factory().new_page()
    response = page.goto(live_server.base + created["links"]["host"])
    assert response is not None
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_host_gives_the_snippet_and_chooses_the_sites_that_may_embed(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(title="Embeddable")
    slug = created["event"]["slug"]
    host = open_console(context_factory(), live_server, created)
    snippet = host.get_by_label("The chat bar's snippet")
    expect(snippet).to_have_value(
        f'<script src="{live_server.base}/static/widget.js" data-room="{slug}" async></script>'
    )
    expect(host.get_by_label("Any site")).to_be_checked()

    host.get_by_label("Only the sites listed here").check()
    sites = host.get_by_label("Allowed sites, one per line")
    sites.fill("https://app.example.org/dashboard")  # a page, not an origin
    host.get_by_role("button", name="Save sites").click()
    expect(host.locator("#e-origins-error")).to_have_text(
        "“https://app.example.org/dashboard” is a page, not a site: write https://app.example.org instead."
    )
    assert live_server.api("GET", f"/api/events/{slug}")[1]["event"]["embed_origins"] is None  # nothing changed

    sites.fill("https://app.example.org\nhttp://localhost:8000/")
    host.get_by_role("button", name="Save sites").click()
    expect(host.locator("#embedding-status")).to_have_text("Saved: 2 sites may show this room.")
    event = live_server.api("GET", f"/api/events/{slug}")[1]["event"]
    assert event["embed_origins"] == ["https://app.example.org", "http://localhost:8000"]

    host.get_by_label("Any site").check()
    host.get_by_role("button", name="Save sites").click()
    expect(host.locator("#embedding-status")).to_have_text("Saved: any site may show this room.")
    assert live_server.api("GET", f"/api/events/{slug}")[1]["event"]["embed_origins"] is None


def test_the_host_chooses_the_events_language_for_its_transcript(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(title="Sprechstunde")
    slug = created["event"]["slug"]
    host = open_console(context_factory(), live_server, created)
    language = host.get_by_label("Language of the event")
    expect(language).to_have_value("")  # none chosen: each reader's own
    language.select_option(label="Deutsch")
    host.get_by_role("button", name="Save changes").click()
    expect(host.locator("#edit-status")).to_contain_text("Saved.")
    assert live_server.api("GET", f"/api/events/{slug}")[1]["event"]["language"] == "de"
    host.reload()
    expect(host.get_by_label("Language of the event")).to_have_value("de")
    # A reader whose browser asks only for a language we do not have gets the event's.
    reader = context_factory(locale="sv-SE", extra_http_headers={"Accept-Language": "sv"}).new_page()
    reader.goto(f"{live_server.base}/e/{slug}")
    expect(reader.locator("html")).to_have_attribute("lang", "de")
