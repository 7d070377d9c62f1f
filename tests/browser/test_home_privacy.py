"""The start page's "Privacy": who can read the transcript afterwards and when messages are erased,
sent with a one-off event and with a series alike (tests/browser/test_home_series.py has a series)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer


def fill_event(page: Any, title: str) -> None:
    day = (datetime.now() + timedelta(days=2)).date()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Start date").fill(day.isoformat())
    page.get_by_label("Start time").fill("14:30")


def submit_event(page: Any) -> dict[str, Any]:
    with page.expect_request(lambda r: r.url.endswith("/api/events") and r.method == "POST") as sent:
        page.get_by_role("button", name="Schedule the event").click()
    return dict(sent.value.post_data_json)


def created_event(page: Any, server: LiveServer) -> dict[str, Any]:
    slug = page.locator("#room-link").input_value().rsplit("/", 1)[1]
    status, body = server.api("GET", f"/api/events/{slug}")
    assert status == 200, body
    return dict(body["event"])


def test_only_the_hosts_and_erased_after_seven_days(live_server: LiveServer, context_factory: Any) -> None:
    page = context_factory().new_page()
    page.goto(live_server.base + "/")
    privacy = page.get_by_role("group", name="Privacy")
    expect(privacy).to_be_visible()
    who = page.get_by_label("Who can read the transcript afterwards")
    expect(who).to_have_value("public")
    erase = privacy.get_by_role("group", name="Erase messages")
    expect(erase.get_by_role("radio", name="Never")).to_be_checked()
    expect(erase.get_by_role("radio", name="After 30 days")).not_to_be_checked()

    fill_event(page, "Private retro")
    who.select_option(label="Only the hosts")
    # Typing a number chooses to erase, and names the choice with it.
    page.get_by_label("Number of days").fill("7")
    expect(erase.get_by_role("radio", name="After 7 days")).to_be_checked()
    sent = submit_event(page)
    assert (sent["transcript"], sent["retention_days"]) == ("hosts", 7)

    expect(page.get_by_role("heading", name="“Private retro” is scheduled")).to_be_visible()
    expect(page.locator("#created-privacy")).to_have_text(
        "Only the hosts can read the transcript afterwards. Messages are erased 7 days after the event."
    )
    event = created_event(page, live_server)
    assert (event["transcript"], event["retention_days"]) == ("hosts", 7)

    # "Schedule another event": the choices as new, and by default public and kept.
    page.get_by_role("button", name="Schedule another event").click()
    expect(who).to_have_value("public")
    expect(erase.get_by_role("radio", name="Never")).to_be_checked()
    expect(page.get_by_label("Number of days")).to_have_value("30")
    fill_event(page, "Open retro")
    sent = submit_event(page)
    assert (sent["transcript"], sent["retention_days"]) == ("public", None)
    expect(page.locator("#created-privacy")).to_have_text("Everyone with the link can read the transcript afterwards.")
    event = created_event(page, live_server)
    assert (event["transcript"], event["retention_days"]) == ("public", None)


def test_a_number_of_days_out_of_range_is_refused_beside_it(live_server: LiveServer, context_factory: Any) -> None:
    page = context_factory().new_page()
    page.goto(live_server.base + "/")
    fill_event(page, "Too short")
    days = page.get_by_label("Number of days")
    days.fill("0")
    page.get_by_role("button", name="Schedule the event").click()
    error = page.locator("#f-retention-error")
    expect(error).to_have_text("Choose a number of days from 1 to 3,650.")
    expect(days).to_have_attribute("aria-invalid", "true")
    expect(days).to_be_focused()
    days.fill("3650")
    expect(error).to_be_hidden()
    expect(days).not_to_have_attribute("aria-invalid", "true")
    # Never: the number does not matter.
    days.fill("0")
    page.get_by_role("group", name="Erase messages").get_by_role("radio", name="Never").check()
    sent = submit_event(page)
    assert sent["retention_days"] is None
    expect(page.get_by_role("heading", name="“Too short” is scheduled")).to_be_visible()


def test_a_series_keeps_the_choices(live_server: LiveServer, context_factory: Any) -> None:
    page = context_factory().new_page()
    page.goto(live_server.base + "/")
    fill_event(page, "Weekly sync")
    who = page.get_by_label("Who can read the transcript afterwards")
    who.select_option(label="Only the hosts")
    days = page.get_by_label("Number of days")
    days.fill("0")
    # Repeating changes nothing in them: shown, as they were left, and checked the same way.
    page.get_by_label("Repeat").select_option(label="Every week")
    expect(who).to_be_visible()
    expect(who).to_have_value("hosts")
    expect(page.get_by_role("group", name="Erase messages").get_by_role("radio", name="After 0 days")).to_be_checked()
    page.get_by_role("button", name="Schedule the series").click()
    error = page.locator("#f-retention-error")
    expect(error).to_have_text("Choose a number of days from 1 to 3,650.")
    expect(days).to_be_focused()
    days.fill("14")
    expect(error).to_be_hidden()
    with page.expect_request(lambda r: r.url.endswith("/api/series") and r.method == "POST") as sent:
        page.get_by_role("button", name="Schedule the series").click()
    body = sent.value.post_data_json
    assert (body["transcript"], body["retention_days"]) == ("hosts", 14)
    expect(page.locator("#created-privacy")).to_have_text(
        "Only the hosts can read each meeting's transcript afterwards. Messages are erased 14 days after each meeting."
    )

    # Schedule another: one event, the choices as new.
    page.get_by_role("button", name="Schedule another event").click()
    expect(who).to_have_value("public")
    expect(page.get_by_label("Repeat")).to_have_value("none")
