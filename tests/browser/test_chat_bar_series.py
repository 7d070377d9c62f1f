"""The chat bar on a series (static/widget.js with data-series): it shows the meeting under way, and
moves on to the next one by itself when that one opens, without the app's page loading again; the
unread count is per meeting, and the visitor's nickname is offered (or, for a site the host listed,
taken) again in the next meeting.

Each test runs twice (other_site): on another port of the chat server's host (the same site) and on
another site (a third-party frame, whose storage this Chromium blocks)."""

from __future__ import annotations

import html
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.test_chat_bar import cross_site, room_in, wait_ready
from tests.helpers import iso_in

# The page hears everything the bar tells it.
LISTEN = """() => {
    window.heard = [];
    for (const type of ["ready", "message", "unread", "state", "nickname"]) {
        chatserver.on(type, (detail) => heard.push([type, detail]));
    }
}"""


def series_app_page(
    context: Any, site: tuple[str, dict[str, str]], server: LiveServer, series: str, attrs: str = ""
) -> Any:
    """A page of the other site with the snippet for a series; it marks its own document."""
    origin, pages = site
    path = f"/app-{len(pages)}"
    pages[path] = (
        "<!doctype html><html><head><title>Dashboard · Acme</title></head>"
        "<body><h1>Dashboard</h1><p>Your week at a glance.</p>"
        f'<script src="{server.base}/static/widget.js" data-series="{html.escape(series)}" {attrs} async></script>'
        "</body></html>"
    )
    page = context.new_page()
    page.goto(origin + path)
    wait_ready(page)
    page.evaluate("window.sameDocument = true")  # survives only if the app's page never loads again
    page.evaluate(LISTEN)
    return page


def open_series(server: LiveServer, **fields: Any) -> tuple[str, str, str, str]:
    """A series whose first meeting is under way (the second one a week later): slugs and key."""
    created = server.create_series(title="Weekly support", **fields)
    series, key = created["series"]["slug"], created["host_key"]
    first, second = (o["slug"] for o in server.occurrences(series)[:2])
    server.move(first, key, starts_in=-60, lasts=3600)
    return series, key, first, second


def move_on(server: LiveServer, key: str, first: str, second: str) -> None:
    """The next meeting opens in 5 s, and the one under way closes 3 s before that."""
    server.move(second, key, starts_in=5, lasts=600)
    status, body = server.api("PATCH", f"/api/events/{first}", {"ends_at": iso_in(2)}, token=key)
    assert status == 200, body


def post(server: LiveServer, slug: str, token: str, body: str) -> None:
    status, posted = server.api("POST", f"/api/events/{slug}/messages", {"body": body}, token=token)
    assert status == 201, posted


def heard(page: Any, type_: str) -> list[dict[str, Any]]:
    return [detail for kind, detail in page.evaluate("heard") if kind == type_]


def wait_for_meeting(page: Any, slug: str) -> None:
    """Until the bar's frame has loaded the meeting `slug` (its ready event)."""
    page.wait_for_function(
        "(slug) => heard.some(([type, d]) => type === 'ready' && d.slug === slug)", arg=slug, timeout=20000
    )


def test_the_bar_follows_the_series_to_the_next_meeting_with_its_own_unread_count(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    series, key, first, second = open_series(live_server)
    app = series_app_page(context_factory(), other_site, live_server, series)
    bar = app.locator("chatserver-bar .bar")
    badge = app.locator("chatserver-bar .n")
    room = room_in(app)
    expect(room.locator("#room")).to_have_attribute("data-slug", first)  # the meeting under way
    expect(bar).to_contain_text("Weekly support")
    expect(bar).to_have_attribute("aria-expanded", "false")
    expect(badge).to_be_hidden()

    bob = live_server.join(first, "bob")
    post(live_server, first, bob, "agenda for this week")
    expect(badge).to_have_text("1")  # said while the bar was collapsed
    app.wait_for_function("heard.some(([type, d]) => type === 'message' && d.body === 'agenda for this week')")
    assert [m["slug"] for m in heard(app, "message")] == [first]  # which meeting it was said in

    move_on(live_server, key, first, second)
    # Between the two: the bar already names the next meeting, as a new page of the app would.
    expect(bar.locator(".s")).to_contain_text("opens", timeout=10000)
    # The next one opens: the frame shows its room, in the same page of the app.
    expect(room.locator("#room")).to_have_attribute("data-slug", second, timeout=20000)
    expect(room.locator("#room")).to_have_attribute("data-state", "open")  # (out of sight: collapsed)
    wait_for_meeting(app, second)
    assert app.evaluate("window.sameDocument") is True
    expect(bar).to_contain_text("Weekly support")
    expect(bar).to_have_attribute("aria-expanded", "false")
    expect(bar.locator(".s")).to_have_text("")  # open: no "opens …" nor "ended"
    # The count starts again: what was unread in the last meeting is not carried over.
    expect(badge).to_be_hidden()
    assert app.evaluate("chatserver.unread()") == 0
    states = [d["state"] for d in heard(app, "state")]
    assert "closed" in states and states[-1] == "open", states

    dave = live_server.join(second, "dave")
    post(live_server, second, dave, "welcome to this week's meeting")
    expect(badge).to_have_text("1")
    assert app.evaluate("chatserver.unread()") == 1
    app.wait_for_function("(slug) => heard.some(([type, d]) => type === 'message' && d.slug === slug)", arg=second)
    assert [m["slug"] for m in heard(app, "message")] == [first, second]

    bar.click()  # read in the panel: the count goes
    expect(badge).to_be_hidden()
    expect(room.locator("#messages")).to_contain_text("welcome to this week's meeting")
    expect(room.locator("#messages")).not_to_contain_text("agenda for this week")
    app.wait_for_function("chatserver.unread() === 0")
    assert app.evaluate("window.sameDocument") is True


def test_an_open_panel_stays_open_and_offers_the_same_nickname_in_the_next_meeting(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    series, key, first, second = open_series(live_server)
    app = series_app_page(context_factory(), other_site, live_server, series)
    bar = app.locator("chatserver-bar .bar")
    bar.click()
    room = room_in(app)
    room.get_by_label("Choose a nickname").fill("carol")
    room.get_by_role("button", name="Join").click()
    expect(room.locator("#me")).to_have_text("carol")
    app.wait_for_function("chatserver.nickname() === 'carol'")

    move_on(live_server, key, first, second)
    expect(room.locator("#room")).to_have_attribute("data-slug", second, timeout=20000)
    wait_for_meeting(app, second)
    assert app.evaluate("window.sameDocument") is True
    expect(bar).to_have_attribute("aria-expanded", "true")  # the panel stays open
    expect(app.locator("chatserver-bar .p")).to_be_visible()
    expect(room.locator("#chat")).to_be_visible()
    # A meeting is a room of its own: the visitor is not in it yet, but their name is ready. The
    # page may not join them (its site is not listed): only suggested, and the page hears no refusal.
    expect(room.get_by_label("Choose a nickname")).to_have_value("carol")
    assert app.evaluate("chatserver.nickname()") is None
    assert not [n for n in heard(app, "nickname") if not n["ok"]]
    resume = room.get_by_role("button", name="Continue as carol")
    if cross_site(other_site):
        # Storage blocked: the frame remembers nothing across its loads; the bar suggested the name.
        expect(resume).to_have_count(0)
        room.get_by_role("button", name="Join").click()
    else:
        expect(room.locator(".continue-as")).to_contain_text("your nickname at the last meeting")
        resume.click()  # one click of the visitor's, inside the frame
    expect(room.locator("#me")).to_have_text("carol")
    app.wait_for_function("chatserver.nickname() === 'carol'")
    _, people = live_server.api("GET", f"/api/events/{second}/participants")
    assert [p["nickname"] for p in people["participants"]] == ["carol"]
    room.locator("#body").fill("back again")
    room.locator("#body").press("Enter")
    app.wait_for_function("heard.some(([type, d]) => type === 'message' && d.body === 'back again' && d.mine)")


def test_a_listed_site_keeps_the_nickname_it_set_from_meeting_to_meeting(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    series, key, first, second = open_series(live_server, embed_origins=[other_site[0]])
    app = series_app_page(context_factory(), other_site, live_server, series)
    joined = app.evaluate("chatserver.setNickname('Robert')")
    assert joined == {"ok": True, "nickname": "Robert", "error": None}

    move_on(live_server, key, first, second)
    wait_for_meeting(app, second)
    # The app set the name once; the bar joins the next meeting with it (the host listed the site).
    app.wait_for_function("chatserver.nickname() === 'Robert'", timeout=10000)
    assert app.evaluate("window.sameDocument") is True
    _, people = live_server.api("GET", f"/api/events/{second}/participants")
    assert [p["nickname"] for p in people["participants"]] == ["Robert"]
    # And setNickname goes on working, in the meeting shown now.
    renamed = app.evaluate("chatserver.setNickname('Rob')")
    assert renamed == {"ok": True, "nickname": "Rob", "error": None}
    _, people = live_server.api("GET", f"/api/events/{second}/participants")
    assert [p["nickname"] for p in people["participants"]] == ["Rob"]


def test_the_series_page_offers_the_last_meetings_nickname_too(live_server: LiveServer, context_factory: Any) -> None:
    # The same memory (identity.js) on the series' own page: a name, never a token of another room.
    series, key, first, second = open_series(live_server)
    page = context_factory().new_page()
    page.goto(f"{live_server.base}/s/{series}")
    page.get_by_label("Choose a nickname").fill("sam")
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#me")).to_have_text("sam")

    move_on(live_server, key, first, second)
    expect(page.locator("#room")).to_have_attribute("data-slug", second, timeout=20000)
    expect(page.locator("#chat")).to_be_visible()
    resume = page.get_by_role("button", name="Continue as sam")
    expect(page.locator(".continue-as")).to_contain_text("your nickname at the last meeting")
    resume.click()
    expect(page.locator("#me")).to_have_text("sam")
    _, people = live_server.api("GET", f"/api/events/{second}/participants")
    assert [p["nickname"] for p in people["participants"]] == ["sam"]
