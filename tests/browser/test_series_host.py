"""The series host console (/s/<slug>/host#key=…): editing the series, cancelling one meeting, each
meeting's own console with the same key, ending the series, and a wrong key said plainly."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer


def open_console(context: Any, server: LiveServer, created: dict[str, Any]) -> Any:
    page = context.new_page()
    page.goto(server.base + created["links"]["host"])
    expect(page.get_by_role("heading", name="Meetings")).to_be_visible()
    return page


def series_body(server: LiveServer, slug: str) -> dict[str, Any]:
    status, body = server.api("GET", f"/api/series/{slug}")
    assert status == 200, body
    return dict(body)


def test_edit_the_title_and_listing(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_series(title="Old sync")
    slug = created["series"]["slug"]
    page = open_console(context_factory(), live_server, created)
    expect(page.get_by_role("heading", level=1)).to_have_text("Old sync")
    expect(page.locator("#series-schedule")).to_contain_text("Every week on")
    meetings = page.locator("#coming li[data-slug]")
    expect(meetings).to_have_count(2)
    expect(page.locator("#coming li[data-state=planned]")).to_have_count(1)  # the third date, not made yet

    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#edit-status")).to_have_text("Nothing has changed.")
    page.get_by_role("textbox", name="Title").fill("   ")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#s-title-error")).to_have_text("Give the series a title.")
    expect(page.get_by_role("textbox", name="Title")).to_be_focused()

    page.get_by_role("textbox", name="Title").fill("New sync")
    page.get_by_label("Listed publicly on this site").uncheck()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#edit-status")).to_contain_text("Saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("New sync")
    expect(page).to_have_title("Series host: New sync · chatserver")
    expect(meetings.locator(".meeting-title")).to_have_text(["New sync", "New sync"])

    body = series_body(live_server, slug)
    assert body["series"]["title"] == "New sync" and body["series"]["listed"] is False
    assert [(o["state"], o["title"], o["listed"]) for o in body["occurrences"]] == [
        ("scheduled", "New sync", False),
        ("scheduled", "New sync", False),
    ]


def test_cancel_one_meeting_and_the_next_is_made(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_series()
    slug = created["series"]["slug"]
    first, second = live_server.occurrences(slug)
    page = open_console(context_factory(), live_server, created)
    row = page.locator(f"#m-{first['slug']}")
    cancel = row.get_by_role("button", name="Cancel…")

    cancel.click()
    dialog = page.get_by_role("dialog", name=re.compile(r"^Cancel the meeting of .+\?$"))
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Keep the meeting")).to_be_focused()  # the safe choice
    dialog.get_by_role("button", name="Keep the meeting").click()
    expect(dialog).to_be_hidden()
    assert live_server.occurrences(slug)[0]["cancelled"] is False

    cancel.click()
    dialog.get_by_role("button", name="Cancel the meeting").click()
    expect(row.locator(".badge")).to_have_text("Cancelled")
    expect(row).to_be_focused()
    expect(page.locator("#meetings-status")).to_contain_text("is cancelled.")
    expect(row.get_by_role("button", name="Cancel…")).to_have_count(0)
    expect(row.get_by_role("link", name="Transcript")).to_have_count(0)  # nothing took place
    expect(row.get_by_role("link", name="Console")).to_be_visible()  # its room says it is cancelled

    occurrences = live_server.occurrences(slug)
    assert [(o["slug"], o["cancelled"]) for o in occurrences[:2]] == [(first["slug"], True), (second["slug"], False)]
    assert len(occurrences) == 3  # a new later meeting, so that the next always exists
    third = page.locator(f"#m-{occurrences[2]['slug']}")
    expect(third.locator(".badge")).to_have_text("Scheduled")
    expect(third.get_by_role("button", name="Cancel…")).to_be_visible()
    expect(page.locator("#coming li[data-slug]")).to_have_count(3)
    expect(page.locator("#coming li[data-state=planned]")).to_have_count(1)  # the date after it


def test_each_meeting_console_takes_the_series_key(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_series()
    key = created["host_key"]
    first = live_server.occurrences(created["series"]["slug"])[0]
    page = open_console(context_factory(), live_server, created)
    link = page.locator(f"#m-{first['slug']}").get_by_role("link", name="Console")
    href = link.get_attribute("href")
    assert href == f"/e/{first['slug']}/host#key={key}"  # the key in the fragment only, never a query

    link.click()
    expect(page).to_have_url(re.compile(rf"/e/{first['slug']}/host#key="))
    expect(page.get_by_role("heading", name="Live chat")).to_be_visible()  # the event console accepted it
    expect(page.locator("#key-problem")).to_be_hidden()


def test_end_the_series_after_the_meeting_under_way(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_series()
    slug, key = created["series"]["slug"], created["host_key"]
    first, second = live_server.occurrences(slug)
    live_server.move(first["slug"], key, -60, 3600)  # under way now
    page = open_console(context_factory(), live_server, created)
    expect(page.locator(f"#m-{first['slug']} .badge")).to_have_text("Open")

    page.get_by_role("button", name="End the series…").click()
    dialog = page.get_by_role("dialog", name="End the series?")
    expect(dialog).to_contain_text("The meeting under way continues until")
    expect(dialog).to_contain_text("the later ones are cancelled.")
    dialog.get_by_role("button", name="Keep the series").click()
    expect(dialog).to_be_hidden()
    assert series_body(live_server, slug)["series"]["ended"] is False

    page.get_by_role("button", name="End the series…").click()
    dialog.get_by_role("button", name="End the series").click()
    ended = page.get_by_role("heading", name="This series has ended")
    expect(ended).to_be_visible()
    expect(ended).to_be_focused()
    expect(page.locator("#end-help")).to_contain_text("The meeting under way is the last one")
    expect(page.locator("#series-badge")).to_have_text("Ended")
    expect(page.get_by_role("button", name="End the series…")).to_be_hidden()
    expect(page.get_by_role("button", name="Cancel…")).to_have_count(0)
    expect(page.locator(f"#m-{second['slug']} .badge")).to_have_text("Cancelled")
    expect(page.locator(f"#m-{first['slug']}").get_by_role("link", name="Console")).to_be_visible()

    body = series_body(live_server, slug)
    assert body["series"]["ended"] is True
    assert [(o["state"], o["cancelled"]) for o in body["occurrences"]] == [("open", False), ("closed", True)]


def test_ending_between_meetings_names_the_next_one(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_series()
    slug = created["series"]["slug"]
    page = open_console(context_factory(), live_server, created)
    page.get_by_role("button", name="End the series…").click()
    dialog = page.get_by_role("dialog", name="End the series?")
    expect(dialog).to_contain_text(re.compile(r"The meeting of .+ still takes place; no more after it\."))
    dialog.get_by_role("button", name="End the series").click()
    expect(page.get_by_role("heading", name="This series has ended")).to_be_focused()
    expect(page.locator("#end-help")).to_contain_text("is the last one.")
    expect(page.get_by_role("button", name="Cancel…")).to_have_count(0)
    expect(page.locator("#coming li[data-state=planned]")).to_have_count(0)
    assert series_body(live_server, slug)["series"]["ended"] is True

    # Opened again later, an ended series says so at once.
    again = open_console(page.context, live_server, created)
    expect(again.get_by_role("heading", name="This series has ended")).to_be_visible()
    expect(again.get_by_role("button", name="End the series…")).to_be_hidden()


def test_the_list_refreshes_by_itself_while_visible(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_series()
    slug, key = created["series"]["slug"], created["host_key"]
    first = live_server.occurrences(slug)[0]
    page = context_factory().new_page()
    page.clock.install()
    page.goto(live_server.base + created["links"]["host"])
    row = page.locator(f"#m-{first['slug']}")
    expect(row.locator(".badge")).to_have_text("Scheduled")

    status, reply = live_server.api("POST", f"/api/events/{first['slug']}/close", token=key)  # in another tab
    assert status == 200, reply
    page.clock.run_for(31_000)
    expect(row.locator(".badge")).to_have_text("Cancelled")


def test_a_wrong_or_missing_key_shows_the_problem_and_no_actions(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_series(title="Guarded series")
    slug = created["series"]["slug"]
    page = context_factory().new_page()
    page.goto(f"{live_server.base}/s/{slug}/host#key=not-the-key")
    expect(page.get_by_role("alert")).to_contain_text("This host key is wrong")
    expect(page.get_by_role("heading", level=1)).to_have_text("Guarded series")
    expect(page.get_by_role("heading", name="Meetings")).to_be_hidden()
    expect(page.get_by_role("button", name="End the series…")).to_be_hidden()
    expect(page.get_by_role("button", name="Save changes")).to_be_hidden()
    expect(page.locator("#coming li")).to_have_count(0)
    expect(page.get_by_role("link", name="open the series page", exact=True)).to_have_attribute("href", f"/s/{slug}")

    page.goto(f"{live_server.base}/s/{slug}/host")
    expect(page.get_by_role("alert")).to_contain_text("This link has no host key")

    # Pasting the right link into the same tab changes only the fragment; the console starts.
    page.goto(live_server.base + created["links"]["host"])
    expect(page.get_by_role("heading", name="Meetings")).to_be_visible()
    expect(page.get_by_role("alert")).to_be_hidden()
    assert series_body(live_server, slug)["series"]["title"] == "Guarded series"
