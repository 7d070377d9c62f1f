"""Times on the nights the clocks change (Europe/Berlin): the forms say which 02:30 is meant, or
that it does not exist, and send that moment."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer

ZONE = "Europe/Berlin"  # 2027-03-28 02:00 → 03:00 (CET to CEST); 2027-10-31 03:00 → 02:00 (CEST to CET)
TWICE = "02:30 happens twice that night: this is the {which}, at 02:30 {zone}."
SKIPPED = "02:30 does not exist on 28 March 2027 in your time zone: clocks jump from 02:00 to 03:00; it will be 03:30."


def berlin(context_factory: Any) -> Any:
    return context_factory(timezone_id=ZONE, locale="en-GB").new_page()


def schedule(page: Any, server: LiveServer, title: str) -> dict[str, Any]:
    """Submit the home form; the event the server stored."""
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Schedule the event").click()
    expect(page.get_by_role("heading", name=f"“{title}” is scheduled")).to_be_visible()
    slug = page.locator("#room-link").input_value().rsplit("/", 1)[1]
    page.get_by_role("button", name="Schedule another event").click()
    status, body = server.api("GET", f"/api/events/{slug}")
    assert status == 200
    return dict(body["event"])


def test_home_form_says_which_0230_and_sends_it(live_server: LiveServer, context_factory: Any) -> None:
    page = berlin(context_factory)
    page.goto(live_server.base + "/")
    start_fields = page.locator("fieldset.when-start")
    note = start_fields.locator(".dst-note")

    # An ordinary night: no note.
    page.get_by_label("Start date").fill("2027-10-30")
    page.get_by_label("Start time").fill("02:30")
    expect(note).to_be_hidden()
    assert schedule(page, live_server, "Ordinary")["starts_at"] == "2027-10-30T00:30:00.000Z"

    # The clocks go back at 03:00: 02:30 comes twice. The first is meant unless the second is picked.
    page.get_by_label("Start date").fill("2027-10-31")
    page.get_by_label("Start time").fill("02:30")
    expect(note).to_be_visible()
    expect(note).to_contain_text(TWICE.format(which="first", zone="CEST (UTC+2)"))
    assert schedule(page, live_server, "First")["starts_at"] == "2027-10-31T00:30:00.000Z"

    page.get_by_label("Start date").fill("2027-10-31")
    page.get_by_label("Start time").fill("02:30")
    note.get_by_role("button", name="Use the second: 02:30 CET (UTC+1)").click()
    expect(note).to_contain_text(TWICE.format(which="second", zone="CET (UTC+1)"))
    expect(page.locator("#when-summary")).to_contain_text("UTC+01:00")
    assert schedule(page, live_server, "Second")["starts_at"] == "2027-10-31T01:30:00.000Z"

    # The clocks jump from 02:00 to 03:00: 02:30 does not exist, and the browser makes it 03:30 CEST.
    page.get_by_label("Start date").fill("2027-03-28")
    page.get_by_label("Start time").fill("02:30")
    expect(note).to_have_text(SKIPPED)
    assert schedule(page, live_server, "Skipped")["starts_at"] == "2027-03-28T01:30:00.000Z"


def test_host_edit_form_says_which_0230_and_sends_it(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(starts_in=86400 * 3, title="Night owls")
    slug = created["event"]["slug"]
    page = berlin(context_factory)
    page.goto(live_server.base + created["links"]["host"])
    starts = page.locator("#e-starts")
    note = page.locator("#e-starts ~ .dst-note")
    expect(page.get_by_role("heading", name="Live chat")).to_be_visible()
    expect(note).to_be_hidden()

    def saved_start() -> str:
        page.get_by_role("button", name="Save changes").click()
        expect(page.locator("#edit-status")).to_have_text("Saved. Everyone sees the new details.")
        return str(live_server.api("GET", f"/api/events/{slug}")[1]["event"]["starts_at"])

    page.locator("#e-ends").fill("2027-10-31T05:00")
    starts.fill("2027-10-31T02:30")
    expect(note).to_contain_text(TWICE.format(which="first", zone="CEST (UTC+2)"))
    note.get_by_role("button", name="Use the second: 02:30 CET (UTC+1)").click()
    assert saved_start() == "2027-10-31T01:30:00.000Z"
    # Shown again from what was saved: still the second one, and nothing to save.
    page.reload()
    expect(starts).to_have_value("2027-10-31T02:30")
    expect(note).to_contain_text(TWICE.format(which="second", zone="CET (UTC+1)"))
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#edit-status")).to_have_text("Nothing has changed.")

    page.locator("#e-ends").fill("2027-03-28T05:00")
    starts.fill("2027-03-28T02:30")
    expect(note).to_have_text(SKIPPED)
    assert saved_start() == "2027-03-28T01:30:00.000Z"
    page.locator("#e-ends").fill("2027-03-29T05:00")
    starts.fill("2027-03-29T02:30")
    expect(note).to_be_hidden()
    assert saved_start() == "2027-03-29T00:30:00.000Z"
