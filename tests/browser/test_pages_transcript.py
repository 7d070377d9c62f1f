"""The transcript (anchors, local times, downloads) and the archive (search, links to transcripts)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer

ZONE = "Asia/Kolkata"  # UTC+05:30 all year: a local time never looks like the UTC one


def closed_event_with_chat(server: LiveServer, title: str = "Weekly meeting") -> tuple[str, list[dict[str, Any]]]:
    created = server.create_event(title=title)
    slug, key = created["event"]["slug"], created["host_key"]
    alice, bob = server.join(slug, "alice"), server.join(slug, "bob")
    for token, body in [(alice, "hello"), (alice, "second line from alice"), (bob, "hi alice"), (bob, "oops")]:
        assert server.api("POST", f"/api/events/{slug}/messages", {"body": body}, token)[0] == 201
    items = server.api("GET", f"/api/events/{slug}/messages?after=0")[1]
    oops = next(i for i in items["messages"] if i["body"] == "oops")
    assert server.api("DELETE", f"/api/events/{slug}/messages/{oops['id']}", None, key)[0] == 200
    assert server.api("POST", f"/api/events/{slug}/announcements", {"body": "Thanks for coming"}, key)[0] == 201
    assert server.api("POST", f"/api/events/{slug}/close", None, key)[0] == 200
    items = server.api("GET", f"/api/events/{slug}/messages?after=0")[1]
    shown = [i for i in items["messages"] if i["kind"] != "retraction" and not i.get("retracted")]
    return slug, shown


def local_hhmm(created_at: str) -> str:
    moment = datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(ZONE)).strftime("%H:%M")


def test_transcript_anchors_local_times_and_downloads(live_server: LiveServer, context_factory: Any) -> None:
    slug, shown = closed_event_with_chat(live_server)
    context = context_factory(timezone_id=ZONE, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    hello = next(i for i in shown if i.get("body") == "hello")
    page.goto(f"{live_server.base}/e/{slug}/transcript#m{hello['id']}")

    items = page.locator("ol.log > li[id^=m]")
    expect(items).to_have_count(len(shown))
    assert items.evaluate_all("els => els.map(e => e.id)") == [f"m{i['id']}" for i in shown]
    expect(page.locator("ol.log")).not_to_contain_text("oops")
    # The linked item is the target, and its own "#" link points at it.
    assert page.evaluate("document.querySelector(':target').id") == f"m{hello['id']}"
    target = page.locator(f"#m{hello['id']}")
    expect(target.get_by_role("link", name="Link to this message")).to_have_attribute("href", f"#m{hello['id']}")
    # Times in the reader's zone, in place of the UTC text the server wrote.
    expect(target.locator("time")).to_have_text(local_hhmm(hello["created_at"]))
    expect(page.locator("ol.log time").first).not_to_contain_text("UTC")
    # Two messages in a row from alice make one run; bob starts his own.
    expect(page.locator("ol.log li.message.cont")).to_have_count(1)
    expect(page.locator("ol.log li.message.cont")).to_contain_text("second line from alice")
    # System items and the announcement are set apart.
    expect(page.locator("ol.log li.system", has_text="The event is closed.")).to_have_count(1)
    expect(page.locator("ol.log li.announcement")).to_contain_text("Thanks for coming")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download text (.txt)").click()
    # Named by the server (Content-Disposition): the title and the start date.
    _, event = live_server.api("GET", f"/api/events/{slug}")
    name = f"{event['event']['title']}-{event['event']['starts_at'][:10]}"
    assert download.value.suggested_filename == f"{name}.txt"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "] alice: hello\n" in text and "oops" not in text

    with page.expect_download() as download:
        page.get_by_role("link", name="Download JSON (.json)").click()
    assert download.value.suggested_filename == f"{name}.json"
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [m["id"] for m in data["messages"]] == [i["id"] for i in shown]


def test_permalinks_can_be_followed_by_keyboard(live_server: LiveServer, context_factory: Any) -> None:
    slug, shown = closed_event_with_chat(live_server)
    page = context_factory().new_page()
    page.goto(f"{live_server.base}/e/{slug}/transcript")
    hi = next(i for i in shown if i.get("body") == "hi alice")
    link = page.locator(f"#m{hi['id']}").get_by_role("link", name="Link to this message")
    link.focus()
    expect(link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.base}/e/{slug}/transcript#m{hi['id']}")
    assert page.evaluate("document.querySelector(':target').id") == f"m{hi['id']}"


def test_archive_search_finds_a_closed_event_by_title(live_server: LiveServer, context_factory: Any) -> None:
    alpha, _ = closed_event_with_chat(live_server, "Alpha planning")
    closed_event_with_chat(live_server, "Beta retrospective")
    live_server.create_event(title="Alpha still open")
    page = context_factory(timezone_id=ZONE).new_page()
    page.goto(live_server.base + "/archive")
    titles = page.locator(".archive-list").get_by_role("link")
    expect(titles).to_have_text(["Beta retrospective", "Alpha planning"])  # newest first

    page.get_by_label("Search by title").fill("alpha")
    page.get_by_label("Search by title").press("Enter")
    expect(titles).to_have_text(["Alpha planning"])
    expect(page.get_by_label("Search by title")).to_have_value("alpha")
    expect(page.locator(".archive-when time").first).not_to_contain_text("UTC")

    titles.first.click()
    expect(page).to_have_url(f"{live_server.base}/e/{alpha}/transcript")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alpha planning")

    page.goto(live_server.base + "/archive?q=gamma")
    expect(page.get_by_role("status")).to_contain_text("No ended event has “gamma” in its title.")
