"""The chat bar (static/widget.js) on a web app of another origin: the snippet a site owner pastes."""

from __future__ import annotations

import html
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room, settles_at

# What a hostile (or just careless) host page may do to everything on it.
HOSTILE_CSS = """
* { display: none !important; }
html { display: block !important; }
div, span, button, iframe { font-size: 40px !important; color: red !important; background: lime !important;
  width: 10px !important; height: 10px !important; position: static !important; }
chatserver-bar { display: none !important; top: 0 !important; left: 0 !important; transform: scale(0) !important; }
"""


def app_page(
    context: Any, site: tuple[str, dict[str, str]], server: LiveServer, slug: str, attrs: str = "", css: str = ""
) -> Any:
    """Open a page of the other site that carries the one-line snippet (and maybe some CSS)."""
    origin, pages = site
    path = f"/app-{len(pages)}"
    pages[path] = (
        "<!doctype html><html><head><title>Invoices · Acme</title>"
        f"<style>{css}</style>"
        # Which globals the page had before the widget, to see what it adds.
        "<script>window.globalsBefore = Object.keys(window);</script>"
        "</head><body><h1>Invoices</h1><div class='app'><p>Export your invoices as CSV.</p></div>"
        f'<script src="{server.base}/static/widget.js" data-room="{html.escape(slug)}" {attrs} async></script>'
        "</body></html>"
    )
    page = context.new_page()
    page.goto(origin + path)
    return page


def cross_site(site: tuple[str, dict[str, str]]) -> bool:
    """Whether the app is another site than the chat server (the "cross-site" run of other_site)."""
    return site[0].startswith("http://localhost:")


def room_in(page: Any) -> Any:
    """The room inside the bar's iframe."""
    return page.frame_locator("chatserver-bar iframe")


def wait_ready(page: Any) -> None:
    """Until the bar's room has loaded its conversation (window.chatserver.ready)."""
    page.wait_for_function("window.chatserver !== undefined")
    page.evaluate("chatserver.ready")


def test_bar_on_another_site_chats_with_the_room_page(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    slug = live_server.create_event(title="Acme support")["event"]["slug"]
    app = app_page(context_factory(), other_site, live_server, slug)
    bar = app.locator("chatserver-bar .bar")
    expect(bar).to_contain_text("Acme support")  # the room's title, from the room itself
    expect(bar).to_have_attribute("aria-expanded", "false")

    bar.click()
    expect(bar).to_have_attribute("aria-expanded", "true")
    room = room_in(app)
    note = room.locator(".storage-note")
    if cross_site(other_site):
        # Chromium here blocks third-party storage: the room works for this page, and says it forgets.
        expect(note).to_have_text(
            "Your browser blocks the chat's storage on this site, so it will not remember your nickname on the next page."
        )
    else:
        expect(note).to_have_count(0)
    room.get_by_label("Choose a nickname").fill("carol")
    room.get_by_role("button", name="Join").click()
    room.locator("#body").fill("Exports fail for me since this morning")
    room.locator("#body").press("Enter")

    other = open_room(context_factory(), live_server, slug, "dave")
    expect(other.locator("#messages")).to_contain_text("Exports fail for me since this morning")
    other.locator("#body").fill("Thanks carol, we are on it")
    other.locator("#body").press("Enter")
    expect(room.locator("#messages")).to_contain_text("Thanks carol, we are on it")
    expect(other.locator("#participants")).to_contain_text("carol")

    bar.click()  # collapses again, and the room goes on in the background
    expect(bar).to_have_attribute("aria-expanded", "false")
    expect(app.locator("chatserver-bar .p")).to_be_hidden()


def test_unread_badge_counts_while_collapsed_and_across_pages(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    slug = live_server.create_event(title="Badge")["event"]["slug"]
    bob = live_server.join(slug, "bob")
    live_server.api("POST", f"/api/events/{slug}/messages", {"body": "said before anyone came"}, token=bob)
    app = app_page(context_factory(), other_site, live_server, slug)
    wait_ready(app)
    badge = app.locator("chatserver-bar .n")
    expect(badge).to_be_hidden()  # what was said before the first visit is not "unread"

    for text in ("one", "two"):
        assert live_server.api("POST", f"/api/events/{slug}/messages", {"body": text}, token=bob)[0] == 201
    expect(badge).to_have_text("2")
    expect(badge).to_have_attribute("aria-label", "2 unread")
    assert app.evaluate("chatserver.unread()") == 2
    # The tab hidden and shown again (or any visibility change) reads nothing: the count stands.
    panel = next(frame for frame in app.frames if "/embed" in frame.url)
    app.evaluate(
        "() => { window.probed = new Promise((done) => addEventListener('message', (ev) => {"
        " if (ev.data && ev.data.type === 'probe') done(); })); }"
    )
    # Messages from the frame arrive in order: once the probe sent after the event is in, whatever
    # the event made the room say has reached the bar (whose listener runs first).
    panel.evaluate(
        "document.dispatchEvent(new Event('visibilitychange'));"
        " window.parent.postMessage({chatserver: 1, type: 'probe'}, '*')"
    )
    app.evaluate("window.probed")
    assert badge.text_content() == "2" and app.evaluate("chatserver.unread()") == 2

    app.locator("chatserver-bar .bar").click()  # read them
    expect(badge).to_be_hidden()
    app.wait_for_function("chatserver.unread() === 0")  # the room says they are read
    app.locator("chatserver-bar .bar").click()

    live_server.api("POST", f"/api/events/{slug}/messages", {"body": "three"}, token=bob)
    expect(badge).to_have_text("1")
    app.reload()  # the next page of the app: the count is kept, not reset
    wait_ready(app)
    expect(badge).to_have_text("1")


def test_announcement_shows_as_a_banner_while_collapsed(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    created = live_server.create_event(title="Status")
    slug, key = created["event"]["slug"], created["host_key"]
    app = app_page(context_factory(), other_site, live_server, slug)
    wait_ready(app)
    banner = app.locator("chatserver-bar .b")
    expect(banner).to_be_hidden()

    body = "The export bug is fixed. <b>Sorry</b> for the trouble!"
    assert live_server.api("POST", f"/api/events/{slug}/announcements", {"body": body}, token=key)[0] == 201
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(body)  # as text, never markup
    assert app.locator("chatserver-bar .b b").count() == 0

    banner.get_by_role("button", name="Dismiss the announcement").click()
    expect(banner).to_be_hidden()
    app.reload()
    wait_ready(app)
    expect(banner).to_be_hidden()  # dismissed stays dismissed

    live_server.api("POST", f"/api/events/{slug}/announcements", {"body": "Maintenance at 22:00"}, token=key)
    expect(banner).to_contain_text("Maintenance at 22:00")
    banner.locator(".bn").click()  # the banner opens the room
    expect(app.locator("chatserver-bar .bar")).to_have_attribute("aria-expanded", "true")
    expect(room_in(app).locator("#messages")).to_contain_text("Maintenance at 22:00")


def test_hostile_css_does_not_break_the_bar(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    slug = live_server.create_event(title="Sturdy")["event"]["slug"]
    context = context_factory(viewport={"width": 1000, "height": 700})
    app = app_page(context, other_site, live_server, slug, css=HOSTILE_CSS)
    bar = app.locator("chatserver-bar .bar")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("Sturdy")
    box = bar.bounding_box()
    assert box is not None
    assert abs(box["y"] + box["height"] - 700) < 1  # along the bottom edge
    assert box["x"] + box["width"] > 900 and box["width"] >= 250  # at the right, full size
    assert bar.locator(".t").evaluate("e => getComputedStyle(e).fontSize") == "14px"

    bar.click()
    frame = app.locator("chatserver-bar iframe")
    expect(frame).to_be_visible()
    frame_box = frame.bounding_box()
    assert frame_box is not None and frame_box["width"] >= 300 and frame_box["height"] >= 300
    room = room_in(app)
    room.get_by_label("Choose a nickname").fill("erin")
    room.get_by_role("button", name="Join").click()
    expect(room.locator("#composer")).to_be_visible()


def test_javascript_api_and_one_global(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    # A site the host listed may set the nickname without a click (test_chat_bar_identity.py).
    slug = live_server.create_event(title="API", embed_origins=[other_site[0]])["event"]["slug"]
    bob = live_server.join(slug, "bob")
    app = app_page(context_factory(), other_site, live_server, slug, attrs='data-label="Help" data-position="left"')
    wait_ready(app)
    added = app.evaluate("Object.keys(window).filter(k => !globalsBefore.includes(k) && k !== 'globalsBefore')")
    assert added == ["chatserver"]
    expect(app.locator("chatserver-bar .t")).to_have_text("Help")  # the label replaces the title
    assert (app.locator("chatserver-bar .bar").bounding_box() or {}).get("x", 999) < 100  # on the left

    app.evaluate("""() => {
        window.seen = [];
        for (const type of ["open", "close", "message", "unread", "nickname"]) {
            chatserver.on(type, (detail) => seen.push([type, detail]));
        }
    }""")
    result = app.evaluate("chatserver.setNickname('frank')")
    assert result == {"ok": True, "nickname": "frank", "error": None}
    expect(room_in(app).locator("#me")).to_have_text("frank")
    live_server.join(slug, "grace")
    taken = app.evaluate("chatserver.setNickname('Grace')")
    assert taken["ok"] is False and taken["error"]["code"] == "nickname_taken"
    assert taken["nickname"] == "frank"  # still frank: a refused name changes nothing

    live_server.api("POST", f"/api/events/{slug}/messages", {"body": "hello frank"}, token=bob)
    app.wait_for_function("seen.some(([type, d]) => type === 'message' && d.body === 'hello frank')")
    message = app.evaluate("seen.find(([type, d]) => type === 'message')[1]")
    assert message["author"] == "bob" and message["mine"] is False and message["kind"] == "message"
    app.wait_for_function("seen.some(([type, d]) => type === 'unread' && d.count === 1)")

    app.evaluate("chatserver.open()")
    assert app.evaluate("chatserver.isOpen()") is True
    app.evaluate("chatserver.close()")
    types = app.evaluate("seen.map(([type]) => type)")
    assert types.index("open") < types.index("close")


def test_the_hosts_new_title_reaches_the_bar(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    created = live_server.create_event(title="Old title")
    slug, key = created["event"]["slug"], created["host_key"]
    app = app_page(context_factory(), other_site, live_server, slug)
    wait_ready(app)
    expect(app.locator("chatserver-bar .t")).to_have_text("Old title")
    assert live_server.api("PATCH", f"/api/events/{slug}", {"title": "New title"}, token=key)[0] == 200
    expect(app.locator("chatserver-bar .t")).to_have_text("New title")  # through the stream, no reload
    expect(app.locator("chatserver-bar iframe")).to_have_attribute("title", "Chat: New title")


def test_a_site_not_allowed_gets_an_unavailable_bar(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    created = live_server.create_event(title="Private", embed_origins=["https://partner.example"])
    app = app_page(context_factory(), other_site, live_server, created["event"]["slug"])
    expect(app.locator("chatserver-bar .s")).to_have_text("unavailable", timeout=10000)
    assert app.evaluate("chatserver.nickname()") is None


def test_bars_in_several_tabs_share_one_connection(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    slug = live_server.create_event(title="Shared")["event"]["slug"]
    bob = live_server.join(slug, "bob")
    context = context_factory()
    tabs = [app_page(context, other_site, live_server, slug) for _ in range(3)]
    for tab in tabs:
        wait_ready(tab)
    # Three pages of the app, one long poll held for all of them. Cross-site, where the browser
    # refuses the framed room its SharedWorker and Web Locks, each page polls for itself instead.
    settles_at(live_server, 3 if cross_site(other_site) else 1)
    live_server.api("POST", f"/api/events/{slug}/messages", {"body": "to every tab"}, token=bob)
    for tab in tabs:
        expect(tab.locator("chatserver-bar .n")).to_have_text("1")


# Every storage and coordination path refused at once, in every frame: what a strict browser, or a
# future default, may do to a third-party frame.
REFUSE_ALL = """(() => {
  const refuse = () => { throw new DOMException("refused by the test", "SecurityError"); };
  Object.defineProperty(window, "localStorage", { get: refuse, configurable: true });
  window.SharedWorker = function () { refuse(); };
  window.BroadcastChannel = function () { refuse(); };
  if (navigator.locks) navigator.locks.request = () => Promise.reject(new DOMException("refused", "SecurityError"));
  if (window.indexedDB) indexedDB.open = refuse;
  if (navigator.serviceWorker) navigator.serviceWorker.register = () => Promise.reject(new DOMException("refused", "SecurityError"));
})();"""


def test_the_bar_works_with_every_storage_path_refused(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    slug = live_server.create_event(title="Strict")["event"]["slug"]
    bob = live_server.join(slug, "bob")
    context = context_factory()
    context.add_init_script(REFUSE_ALL)
    warnings: list[str] = []
    context.on("console", lambda m: warnings.append(m.text))
    app = app_page(context, other_site, live_server, slug)
    wait_ready(app)  # `ready` arrives: the room polls for itself
    live_server.api("POST", f"/api/events/{slug}/messages", {"body": "still here"}, token=bob)
    expect(app.locator("chatserver-bar .n")).to_have_text("1")

    app.locator("chatserver-bar .bar").click()
    room = room_in(app)
    expect(room.locator(".storage-note")).to_contain_text("will not remember your nickname")
    room.get_by_label("Choose a nickname").fill("ivy")
    room.get_by_role("button", name="Join").click()
    room.locator("#body").fill("works without storage")
    room.locator("#body").press("Enter")
    expect(room.locator("#messages")).to_contain_text("works without storage")
    other = open_room(context_factory(), live_server, slug)
    expect(other.locator("#messages")).to_contain_text("works without storage")
    expect(room.locator("#me")).to_have_text("ivy")  # kept in memory for the page's lifetime
    assert any("falling back" in text for text in warnings)  # never silently
