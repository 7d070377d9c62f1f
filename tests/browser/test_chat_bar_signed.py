"""The chat bar with the app's own users (docs/embed.md, "Your users, signed by your server"):
data-identity and chatserver.identify(jwt) join as the user the app's server signed, without a
nickname form, the same participant on every device; a host's notice to one of them shows in that
user's bar only.

Each test runs twice (other_site): on another port of the chat server's host (the same site) and
on another site (a third-party frame, its storage blocked)."""

from __future__ import annotations

import re
import time
from typing import Any

import jwt
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.test_chat_bar import app_page, room_in, wait_ready

# What the page hears from the bar.
LISTEN = """() => {
    window.heard = [];
    for (const type of ["message", "announcement", "nickname", "unread"]) {
        chatserver.on(type, (detail) => heard.push([type, detail]));
    }
}"""

# In every frame of a context, from its start: whether the room's join form was ever shown.
WATCH_JOIN_FORM = """(() => {
    if (!location.pathname.endsWith("/embed")) return;
    window.joinFormShown = false;
    new MutationObserver(() => {
        const form = document.getElementById("join");
        if (form && !form.hidden) window.joinFormShown = true;
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["hidden"] });
})();"""


def signed(secret: str, sub: str, name: str, ahead: float = 600) -> str:
    """A JWT as the app's server signs it for its user (PyJWT, as docs/embed.md shows)."""
    return jwt.encode({"sub": sub, "name": name, "exp": int(time.time() + ahead)}, secret, algorithm="HS256")


def event_taking_identities(server: LiveServer, title: str) -> tuple[str, str, str]:
    """An open event whose host made its identity secret: (slug, host key, secret)."""
    created = server.create_event(title=title)
    slug, key = created["event"]["slug"], created["host_key"]
    status, body = server.api("POST", f"/api/events/{slug}/identity-secret", token=key)
    assert status == 200, body
    return slug, key, str(body["secret"])


def people(server: LiveServer, slug: str) -> list[tuple[int, str, bool]]:
    _, body = server.api("GET", f"/api/events/{slug}/participants")
    return sorted((p["id"], p["nickname"], bool(p.get("verified"))) for p in body["participants"])


def embed_frame(page: Any) -> Any:
    return next(frame for frame in page.frames if "/embed" in frame.url)


def test_data_identity_joins_without_a_form_and_shows_the_verified_name(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    slug, _, secret = event_taking_identities(live_server, "Signed in")
    token = signed(secret, "user-42", "Ada Lovelace")
    context = context_factory()
    context.add_init_script(WATCH_JOIN_FORM)
    urls: list[str] = []
    context.on("request", lambda request: urls.append(request.url))
    app = app_page(context, other_site, live_server, slug, attrs=f'data-identity="{token}"')
    wait_ready(app)
    app.wait_for_function("chatserver.nickname() === 'Ada Lovelace'")
    assert [(name, verified) for _, name, verified in people(live_server, slug)] == [("Ada Lovelace", True)]

    app.locator("chatserver-bar .bar").click()
    room = room_in(app)
    expect(room.locator("#me")).to_have_text("Ada Lovelace")
    mark = room.locator("#compose-help .verified")
    expect(mark).to_be_visible()
    expect(mark).to_have_attribute("title", "Verified: this name comes from the site you are signed in to.")
    expect(mark).to_have_text("✓ verified")  # the check mark, and words for screen readers
    expect(room.locator("#change-nick")).to_be_hidden()  # the name is the app's: no rename
    expect(room.locator("#join")).to_be_hidden()
    assert embed_frame(app).evaluate("window.joinFormShown") is False  # not even while signing in
    # The site signs its user in on every page: blocked storage forgets no nickname, so no note says so.
    expect(room.locator(".storage-note")).to_have_count(0)
    room.locator("#body").fill("Signed and sent")
    room.locator("#body").press("Enter")
    expect(room.locator("#messages li.message.mine", has_text="Signed and sent")).to_be_visible()

    # The JWT went by postMessage only: in no address the browser asked for, nor in the server's log.
    assert urls and not [url for url in urls if token in url or "identity=" in url]
    assert embed_frame(app).url.count("signed=1") == 1
    assert not [line for line in live_server.log if token in line]


def test_the_same_user_is_the_same_participant_in_two_browsers(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    slug, _, secret = event_taking_identities(live_server, "Two devices")
    laptop = app_page(
        context_factory(), other_site, live_server, slug, attrs=f'data-identity="{signed(secret, "u-7", "Grace")}"'
    )
    wait_ready(laptop)
    laptop.wait_for_function("chatserver.nickname() === 'Grace'")
    # The phone's page gets its token a moment later, from the app's server, and calls identify().
    phone = app_page(context_factory(), other_site, live_server, slug, attrs="data-open")
    wait_ready(phone)
    phone.evaluate(LISTEN)
    answer = phone.evaluate("(token) => chatserver.identify(token)", signed(secret, "u-7", "Grace", ahead=900))
    assert answer["ok"] is True and answer["nickname"] == "Grace" and answer["error"] is None
    # The laptop's bar already has Grace: identify() again answers at once, with the same participant.
    again = laptop.evaluate("(token) => chatserver.identify(token)", signed(secret, "u-7", "Grace", ahead=300))
    assert again == answer
    assert people(live_server, slug) == [(answer["participant_id"], "Grace", True)]

    phone_room = room_in(phone)
    expect(phone_room.locator("#me")).to_have_text("Grace")
    expect(phone_room.locator("#join")).to_be_hidden()
    laptop.locator("chatserver-bar .bar").click()
    laptop_room = room_in(laptop)
    expect(laptop_room.locator("#join")).to_be_hidden()
    laptop_room.locator("#body").fill("Written on the laptop")
    laptop_room.locator("#body").press("Enter")
    # On the phone it is Grace's own message: in the room, and for the page.
    expect(phone_room.locator("#messages li.message", has_text="Written on the laptop")).to_have_class(
        re.compile(r"\bmine\b")
    )
    phone.wait_for_function("heard.some(([type, d]) => type === 'message' && d.body === 'Written on the laptop')")
    heard = phone.evaluate("heard.find(([type, d]) => type === 'message')[1]")
    assert heard["mine"] is True and heard["author"] == "Grace"


def test_a_bad_identity_joins_nobody_and_another_user_replaces_the_last(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    slug, _, secret = event_taking_identities(live_server, "Refused")
    app = app_page(context_factory(), other_site, live_server, slug, attrs="data-open")
    warnings: list[str] = []
    app.on("console", lambda message: warnings.append(message.text) if message.type == "warning" else None)
    wait_ready(app)
    room = room_in(app)
    expect(room.get_by_label("Choose a nickname")).to_be_visible()
    for token in ("not-a-jwt", signed("another app's secret, not this event's", "u-1", "Mallory")):
        refused = app.evaluate("(token) => chatserver.identify(token)", token)
        assert refused["ok"] is False and refused["error"]["code"] == "invalid_identity", refused
        assert refused["nickname"] is None and refused["error"]["message"]
    assert app.evaluate("chatserver.nickname()") is None
    assert people(live_server, slug) == []  # nobody joined
    expect(room.get_by_label("Choose a nickname")).to_be_visible()  # the join form as it was
    expect(room.locator("#join-error")).to_be_hidden()
    assert len([text for text in warnings if "chatserver: the identity was refused" in text]) == 2

    ada = app.evaluate("(token) => chatserver.identify(token)", signed(secret, "u-1", "Ada"))
    assert ada["ok"] is True and ada["nickname"] == "Ada"
    expect(room.locator("#me")).to_have_text("Ada")
    # The app's page now signs in someone else: Bob replaces Ada, as another participant.
    bob = app.evaluate("(token) => chatserver.identify(token)", signed(secret, "u-2", "Bob"))
    assert bob["ok"] is True and bob["nickname"] == "Bob" and bob["participant_id"] != ada["participant_id"]
    expect(room.locator("#me")).to_have_text("Bob")
    # A refused JWT for a third user: Bob is forgotten first, so nobody is left signed in.
    expired = app.evaluate("(token) => chatserver.identify(token)", signed(secret, "u-3", "Carol", ahead=-3600))
    assert expired["ok"] is False and expired["error"]["code"] == "invalid_identity"
    assert expired["nickname"] is None and app.evaluate("chatserver.nickname()") is None
    expect(room.get_by_label("Choose a nickname")).to_be_visible()
    # Back to Bob, in another language: the new frame signs in again with the JWT the bar kept.
    assert app.evaluate("(token) => chatserver.identify(token)", signed(secret, "u-2", "Bob"))["ok"] is True
    app.evaluate(
        """() => {
          window.readyAgain = new Promise((done) => chatserver.on("ready", () => done(true)));
          chatserver.setLocale("de");
        }"""
    )
    assert app.evaluate("readyAgain") is True
    expect(room.locator("html")).to_have_attribute("lang", "de")
    expect(room.locator("#me")).to_have_text("Bob")
    # The app's user signed out: identify(null) forgets them here.
    assert app.evaluate("chatserver.identify(null)") == {
        "ok": True,
        "nickname": None,
        "error": None,
        "participant_id": None,
    }
    expect(room.locator("#nickname")).to_be_visible()
    assert [name for _, name, _ in people(live_server, slug)] == ["Ada", "Bob"]


def test_a_notice_shows_in_its_users_bar_only(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    slug, key, secret = event_taking_identities(live_server, "Billing")
    pages = {}
    for sub, name in (("u-ada", "Ada"), ("u-bob", "Bob")):
        page = app_page(
            context_factory(), other_site, live_server, slug, attrs=f'data-identity="{signed(secret, sub, name)}"'
        )
        wait_ready(page)
        page.wait_for_function("(name) => chatserver.nickname() === name", arg=name)
        page.evaluate(LISTEN)
        pages[sub] = page
    ada, bob = pages["u-ada"], pages["u-bob"]

    body = "Your invoice INV-1040 is overdue: <b>pay</b> by Friday, please."
    status, sent = live_server.api("POST", f"/api/events/{slug}/notices", {"body": body, "users": ["u-ada"]}, token=key)
    assert status == 201 and sent["sent"] == 1, sent
    banner = ada.locator("chatserver-bar .b")
    expect(banner).to_be_visible()  # while the bar is collapsed
    expect(banner.locator(".bl")).to_have_text("Message from the hosts")
    expect(banner.locator(".bn")).to_have_text(body)  # as text, never markup
    expect(ada.locator("chatserver-bar .n")).to_have_text("1")

    # Then a public line for everyone: once Bob's bar has it, it has had all it will get of the notice.
    helper = live_server.join(slug, "helper")
    live_server.api("POST", f"/api/events/{slug}/messages", {"body": "Office hours at 3"}, token=helper)
    for page in (ada, bob):
        page.wait_for_function("heard.some(([type, d]) => type === 'message' && d.body === 'Office hours at 3')")
    expect(bob.locator("chatserver-bar .n")).to_have_text("1")  # only the public line is unread
    expect(bob.locator("chatserver-bar .b")).to_be_hidden()
    assert bob.evaluate("chatserver.unread()") == 1 and ada.evaluate("chatserver.unread()") == 2
    for page in (ada, bob):
        # The page is not told a private body: no message, no announcement event carries it.
        assert page.evaluate("JSON.stringify(heard)").count("INV-1040") == 0
    assert "INV-1040" not in bob.locator("chatserver-bar").evaluate("bar => bar.shadowRoot.textContent")

    banner.locator(".bn").click()  # the banner opens the room
    expect(ada.locator("chatserver-bar .bar")).to_have_attribute("aria-expanded", "true")
    expect(banner).to_be_hidden()
    ada.locator("chatserver-bar .bar").click()
    expect(banner).to_be_hidden()  # read in the open panel: it does not come back


def test_only_the_page_the_frame_was_made_for_may_sign_in(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    slug, _, secret = event_taking_identities(live_server, "Not yours")
    origin, site_pages = other_site
    # A page of this site frames the room naming another site as its parent, and hands it a valid JWT.
    site_pages["/framer"] = (
        "<!doctype html><title>Framer</title>"
        f'<iframe src="{live_server.base}/e/{slug}/embed?parent=https%3A%2F%2Fapp.example.org"></iframe>'
    )
    page = context_factory().new_page()
    page.goto(origin + "/framer")
    frame = page.frame_locator("iframe")
    expect(frame.locator("#nickname")).to_be_visible()
    room = embed_frame(page)
    room.evaluate("""() => {
        window.asked = [];
        window.got = 0;
        const fetchBefore = window.fetch;
        window.fetch = (...args) => (asked.push(String(args[0])), fetchBefore(...args));
        addEventListener("message", () => got++);
    }""")
    page.evaluate(
        "(jwt) => document.querySelector('iframe').contentWindow.postMessage("
        "{chatserver: 1, type: 'identify', jwt, req: 1}, '*')",
        signed(secret, "u-9", "Ivan"),
    )
    room.wait_for_function("got === 1")
    # Whatever the message started has started by the next task: it started nothing.
    assert room.evaluate("new Promise((done) => setTimeout(() => done(asked), 0))") == []
    assert people(live_server, slug) == []
    expect(frame.locator("#nickname")).to_be_visible()


def test_words_left_unsent_by_one_app_user_never_go_out_as_the_next(
    live_server: LiveServer, context_factory: Any, other_site: tuple[str, dict[str, str]]
) -> None:
    """A shared computer: Ada writes while offline, the site signs Bob in; Ada's message waits for
    Ada (sent once she is signed in again), and nothing goes out under Bob's name. Across sites the
    frame's storage is blocked: the words wait in memory, and the outbox sends without the tabs'
    lock, which such a frame is refused."""
    slug, key, secret = event_taking_identities(live_server, "Shared computer")
    context = context_factory()
    app = app_page(context, other_site, live_server, slug)
    wait_ready(app)
    assert app.evaluate("(token) => chatserver.identify(token)", signed(secret, "u-1", "Ada"))["ok"] is True
    app.locator("chatserver-bar .bar").click()
    room = room_in(app)
    expect(room.locator("#me")).to_have_text("Ada")
    context.set_offline(True)
    room.locator("#body").fill("Ada's words")
    room.locator("#body").press("Enter")
    expect(room.locator("#messages li.outgoing.pending")).to_contain_text("Ada's words")
    assert app.evaluate("(token) => chatserver.identify(token)", signed(secret, "u-2", "Bob"))["ok"] is False
    context.set_offline(False)
    assert app.evaluate("(token) => chatserver.identify(token)", signed(secret, "u-2", "Bob"))["ok"] is True
    expect(room.locator("#me")).to_have_text("Bob")
    expect(room.locator("#messages")).not_to_contain_text("Ada's words")
    room.locator("#body").fill("Bob here")
    room.locator("#body").press("Enter")
    expect(room.locator("#messages")).to_contain_text("Bob here")
    _, seen = live_server.api("GET", f"/api/events/{slug}/messages?after=0", token=key)
    assert [m["body"] for m in seen["messages"] if m["kind"] == "message"] == ["Bob here"]
    assert app.evaluate("(token) => chatserver.identify(token)", signed(secret, "u-1", "Ada"))["ok"] is True
    expect(room.locator("#messages li.outgoing")).to_have_count(0)  # sent, as Ada
    expect(room.locator("#messages li.message .body")).to_have_text(["Bob here", "Ada's words"])
    _, seen = live_server.api("GET", f"/api/events/{slug}/messages?after=0", token=key)
    said = [(m["author"], m["body"]) for m in seen["messages"] if m["kind"] == "message"]
    assert said == [("Bob", "Bob here"), ("Ada", "Ada's words")]
