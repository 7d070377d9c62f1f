"""The operator console (/admin#key=…): it finds an unlisted event by search, erases it after asking,
and the room and the audit log then say so; a wrong key is refused plainly; a phone gets no
sideways scrolling; the tabs work from the keyboard."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer

OPERATOR = "Olga Operator"


def operator_link(server: LiveServer, name: str = OPERATOR) -> str:
    """A new operator key's console link, as `chatserver admin-key` prints it: /admin#key=<key>."""
    made = subprocess.run(
        [sys.executable, "-m", "chatserver", "admin-key", "--db", str(server.db), "--name", name],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = re.search(r"/admin#key=(\S+)", made.stdout)
    assert found, made.stdout + made.stderr
    return f"/admin#key={found.group(1)}"


def open_console(context: Any, server: LiveServer, link: str) -> Any:
    page = context.new_page()
    page.goto(server.base + link)
    expect(page.locator("#events-rows tr").first).to_be_visible()
    return page


def test_the_console_finds_an_unlisted_event_and_erases_it(live_server: LiveServer, context_factory: Any) -> None:
    link = operator_link(live_server)
    hidden = live_server.create_event(title="Secret planning", listed=False)["event"]
    slug = hidden["slug"]
    live_server.create_event(title="Public talk")
    token = live_server.join(slug, "alice")
    status, _ = live_server.api("POST", f"/api/events/{slug}/messages", {"body": "the plan is ready"}, token)
    assert status == 201
    status, listing = live_server.api("GET", f"/api/admin/events?q={slug}", token=link.split("#key=")[1])
    assert status == 200, listing
    usage = listing["events"][0]["usage"]
    assert usage["items"] >= 2 and usage["participants"] == 1

    page = open_console(context_factory(viewport={"width": 1280, "height": 800}), live_server, link)
    expect(page.locator("#admin-operator")).to_have_text(f"Signed in with the key of {OPERATOR}.")
    expect(page.locator("#stat-events")).to_have_text("2")
    expect(page.locator("#events-rows tr")).to_have_count(2)

    page.get_by_role("searchbox", name="Title or slug").fill("secret")
    rows = page.locator("#events-rows tr")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row.get_by_role("link", name="Secret planning")).to_have_attribute("href", f"/e/{slug}")
    expect(row).to_contain_text(slug)
    expect(row).to_contain_text("Unlisted")
    expect(row).to_contain_text("Open")
    expect(row).to_contain_text(f"{usage['items']} items")
    expect(row).to_contain_text("1 participant")
    expect(row).to_contain_text(re.compile(r"\d+ bytes"))
    expect(page.locator("#events-status")).to_have_text("1 event shown")

    # Erasing asks first, naming the event; the safe choice has the focus.
    row.get_by_role("button", name="Erase…").click()
    dialog = page.get_by_role("dialog", name="Erase “Secret planning”?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(slug)
    expect(dialog).to_contain_text("This cannot be undone.")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(row).not_to_contain_text("Erased")

    row.get_by_role("button", name="Erase…").click()
    dialog.get_by_role("button", name="Erase the event").click()
    expect(page.locator("#events-done")).to_have_text("“Secret planning” is erased.")
    expect(row).to_contain_text("Erased")
    expect(row).to_contain_text("Closed")
    expect(row).to_contain_text("0 items")
    expect(row.get_by_role("button", name="Erase…")).to_have_count(0)
    expect(row.get_by_role("button", name="Close…")).to_have_count(0)
    expect(row.get_by_role("button", name="List")).to_be_focused()  # the focus stays in the row

    # Its room now says it was erased.
    room = page.context.new_page()
    answer = room.goto(f"{live_server.base}/e/{slug}")
    assert answer is not None and answer.status == 410
    expect(room.locator("main")).to_contain_text("erased")
    expect(room.locator("main")).not_to_contain_text("the plan is ready")

    # The audit log names who erased what.
    page.get_by_role("tab", name="Audit log").click()
    entry = page.locator("#audit-rows tr").first
    expect(entry).to_contain_text(OPERATOR)
    expect(entry).to_contain_text("Erased")
    expect(entry).to_contain_text("Secret planning")
    expect(entry).to_contain_text(slug)
    expect(page.locator("#audit-rows tr")).to_have_count(1)


def test_a_wrong_key_is_refused_and_lists_nothing(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(title="Not for you", listed=False)
    context = context_factory()
    page = context.new_page()
    # A host's key is not an operator's.
    page.goto(f"{live_server.base}/admin#key={created['host_key']}")
    problem = page.get_by_role("alert")
    expect(problem.get_by_role("heading", name="This operator key is wrong")).to_be_visible()
    expect(page.locator("#console")).to_be_hidden()
    expect(page.locator("#events-rows tr")).to_have_count(0)
    expect(page.get_by_text("Not for you")).to_have_count(0)

    page = context.new_page()
    page.goto(f"{live_server.base}/admin")
    expect(page.get_by_role("heading", name="This link has no operator key")).to_be_visible()
    expect(page.locator("#key-problem-text")).to_contain_text("chatserver admin-key")
    expect(page.locator("#console")).to_be_hidden()


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_a_phone_gets_stacked_rows_and_no_sideways_scrolling(
    live_server: LiveServer, context_factory: Any, locale: str
) -> None:
    link = operator_link(live_server)
    live_server.create_event(title="A long title " * 8, listed=False)
    live_server.create_event(title="Short")
    live_server.create_series(title="Weekly standup with a rather long name for a phone")
    context = context_factory(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.base}/admin?locale={locale}{link}")
    expect(page.locator("#events-rows tr")).not_to_have_count(0)
    expect(page.locator("#stat-database_bytes")).not_to_have_text("–")
    overflow = "document.scrollingElement.scrollWidth <= innerWidth"
    assert page.evaluate(overflow)
    # The table's rows are stacked: each cell spans the row's width, with its column's heading.
    first = page.locator("#events-rows tr").first
    cells = first.locator("td")
    assert cells.nth(0).bounding_box()["y"] < cells.nth(1).bounding_box()["y"]
    for tab in ("tab-series", "tab-audit"):
        page.locator("#" + tab).click()
        expect(page.locator(f"#{tab.removeprefix('tab-')}-status")).to_be_visible()
        assert page.evaluate(overflow), tab


def test_the_tabs_work_from_the_keyboard(live_server: LiveServer, context_factory: Any) -> None:
    link = operator_link(live_server)
    live_server.create_series(title="Monthly call")
    page = open_console(context_factory(), live_server, link)
    page.get_by_role("tab", name="Events").focus()
    page.keyboard.press("ArrowRight")
    series_tab = page.get_by_role("tab", name="Series")
    expect(series_tab).to_be_focused()
    expect(series_tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name="Series")).to_contain_text("Monthly call")
    expect(page.get_by_role("tabpanel", name="Events")).to_be_hidden()
    page.keyboard.press("End")
    expect(page.get_by_role("tab", name="Audit log")).to_be_focused()
    expect(page.locator("#audit-status")).to_have_text("Nothing has been closed, listed, unlisted or erased yet.")
    page.keyboard.press("Home")
    expect(page.get_by_role("tab", name="Events")).to_have_attribute("aria-selected", "true")
