"""The pages in German, Japanese and Arabic with the real catalogs: German's long words still fit a
390 px phone (no sideways scrolling, no button or badge cut off), Japanese dates come from Intl, and
the Arabic room and chat bar are mirrored. The expected words are read from each language's .po, so
a test fails by name while a translation is missing and never hard-codes one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from chatserver.i18n import Languages
from chatserver.translations import load, template
from tests.browser.conftest import LiveServer

PHONE = {"width": 390, "height": 844}
DESCRIPTION = "Fragen zur neuen Version: Installation, Datenübernahme und Rechteverwaltung. " * 2
# Arrows point the way the page reads, so they stay out of the messages (an Arabic page mirrors them).
ARROWS = re.compile("[←→↑↓↖↗↘↙⇐⇒]")

# The page's width, and every visible button and badge (also in open shadow roots, as the chat
# bar's) whose text is wider than its box.
OVERFLOW = """() => {
  const roots = [document];
  for (const el of document.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  const cut = [];
  for (const root of roots) {
    for (const el of root.querySelectorAll('button, summary, .badge, .tag, .n')) {
      // On screen: not in a closed menu, not hidden, not for screen readers only.
      if (!el.checkVisibility({visibilityProperty: true}) || el.clientWidth === 0 || el.closest('.visually-hidden')) continue;
      if (el.scrollWidth > el.clientWidth + 1) {
        cut.push(`${el.id || el.className || el.tagName}: "${el.textContent.trim()}" ${el.scrollWidth} > ${el.clientWidth}`);
      }
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: innerWidth, cut};
}"""


@cache
def languages() -> Languages:
    return Languages()


@cache
def catalog(code: str) -> Any:
    return load(code)


def word(code: str, message: str, **values: object) -> str:
    """The message as the language's .po translates it; fails while the translation is missing."""
    found = catalog(code).get(message)
    assert found is not None and found.string, f"{code}.po has no translation of {message!r}"
    return languages().by_code[code].translate(message, values)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the module: each test makes its own event."""
    live = LiveServer(Path(tmp_path_factory.mktemp("languages")) / "chat.db", "--rate-limit", "0")
    try:
        yield live
    finally:
        live.stop()


def room(server: LiveServer, title: str, messages: int = 4) -> tuple[dict[str, Any], str]:
    """An open event with a conversation; its creation and the token of "bob", who is in it."""
    created = server.create_event(title=title, description=DESCRIPTION)
    slug = created["event"]["slug"]
    tokens = [server.join(slug, "anna"), server.join(slug, "bob")]
    for n in range(messages):
        body = f"Nachricht {n}: " + "ein paar Worte mehr " * (1 + n % 3)
        assert server.api("POST", f"/api/events/{slug}/messages", {"body": body}, tokens[n % 2])[0] == 201
    return created, tokens[1]


def fits(page_or_frame: Any, width: int, what: str) -> None:
    """No sideways scrolling at this width and no button or badge cut off."""
    found = page_or_frame.evaluate(OVERFLOW)
    # A phone widens its layout to fit content that overflows, so innerWidth alone would agree.
    assert found["scroll"] <= width and found["inner"] == width, f"{what} is {found['scroll']} px wide, not {width}"
    assert not found["cut"], f"{what}: text wider than its button or badge: {found['cut']}"


def join(page: Any, nickname: str) -> None:
    page.locator("#nickname").fill(nickname)
    page.locator("#join button[type=submit]").click()
    expect(page.locator("#composer")).to_be_visible()


def frame_of(page: Any) -> Any:
    """The room's frame inside the chat bar."""
    page.wait_for_function("window.chatserver !== undefined")
    frame = page.locator("chatserver-bar iframe").element_handle().content_frame()
    assert frame is not None
    return frame


def test_no_arrow_inside_a_message() -> None:
    inside = [message.id for message in template() if message.id and ARROWS.search(str(message.id))]
    assert not inside, f"arrows inside translatable messages (put them in <span class=arrow>): {inside}"


def test_german_fits_a_phone(server: LiveServer, context_factory: Any) -> None:
    created, bob = room(server, "Fragestunde zur Datenübernahme", messages=16)
    slug = created["event"]["slug"]
    page = context_factory(locale="de-DE", viewport=PHONE, is_mobile=True, has_touch=True).new_page()

    # The room: the join form, then the composer, the conversation and the people panel opened.
    page.goto(f"{server.base}/e/{slug}")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("label[for=nickname]")).to_have_text(word("de", "Choose a nickname to take part"))
    expect(page.locator("#messages .item.message")).to_have_count(16)
    fits(page, 390, "the room's join form")
    join(page, "Erika")
    expect(page.locator("#send")).to_have_text(word("de", "Send"))
    expect(page.locator("#change-nick")).to_have_text(word("de", "Change nickname"))
    page.locator("#people-toggle").click()
    expect(page.locator("#participants li.me .tag")).to_have_text(word("de", "you"))
    fits(page, 390, "the room")

    # A message while the reader is scrolled up: the first new one is tagged in German.
    page.locator("#messages").evaluate("(ol) => { ol.scrollTop = 0; }")
    assert server.api("POST", f"/api/events/{slug}/messages", {"body": "Noch eine Frage"}, bob)[0] == 201
    first = page.locator("#messages .item.first-unread")
    expect(first).to_contain_text("Noch eine Frage")
    tag = first.evaluate("(li) => getComputedStyle(li, '::after').content")
    assert tag == f'"{word("de", "New")}"'
    fits(page, 390, "the room with new messages below")

    # The host console, with its people and their Ban buttons.
    page.goto(server.base + created["links"]["host"])
    expect(page.locator("#console")).to_be_visible()
    expect(page.locator("#messages .item.message")).to_have_count(17)
    expect(page.locator("#participants button").first).to_have_text(word("de", "Ban"))
    expect(page.locator("#announce button[type=submit]")).to_have_text(word("de", "Announce"))
    fits(page, 390, "the host console")

    # The home page, its form shown by its script.
    page.goto(server.base + "/")
    expect(page.locator("#schedule button[type=submit]")).to_have_text(word("de", "Schedule the event"))
    fits(page, 390, "the home page")

    # The chat bar on the demo page, open: the bar and its panel speak German and fit.
    page.goto(f"{server.base}/demo/embed?room={slug}&open=true")
    frame = frame_of(page)
    expect(frame.locator("html")).to_have_attribute("lang", "de")
    expect(frame.locator("#messages .item.message")).to_have_count(17)
    expect(page.locator("chatserver-bar .bar")).to_have_attribute("title", word("de", "Hide the chat"))
    fits(page, 390, "the demo page with the chat bar open")
    fits(frame, frame.evaluate("innerWidth"), "the chat bar's panel")


def test_japanese_room(server: LiveServer, context_factory: Any) -> None:
    created, _bob = room(server, "週次ミーティング")
    slug = created["event"]["slug"]
    page = context_factory(locale="ja-JP", viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(f"{server.base}/e/{slug}")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("label[for=nickname]")).to_have_text(word("ja", "Choose a nickname to take part"))
    # Dates as Intl writes them in Japanese: 2026/12/03 10:00, and in full 2026年12月3日木曜日.
    starts = page.locator(".times time.starts")
    expect(starts).to_have_text(re.compile(r"^\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}$"))
    expect(starts).to_have_attribute("title", re.compile(r"\d{4}年\d{1,2}月\d{1,2}日.曜日"))
    join(page, "ゆき")
    expect(page.locator("#send")).to_have_text(word("ja", "Send"))
    page.locator("#people-toggle").click()
    expect(page.locator("#participants li.me .tag")).to_have_text(word("ja", "you"))
    fits(page, 390, "the Japanese room")


def test_arabic_is_mirrored(server: LiveServer, context_factory: Any) -> None:
    created, _bob = room(server, "لقاء الأسبوع")
    slug = created["event"]["slug"]
    ended = server.create_event(title="Release planning", description="What is left, who does it.")
    assert server.api("POST", f"/api/events/{ended['event']['slug']}/close", None, ended["host_key"])[0] == 200
    page = context_factory(locale="ar", viewport={"width": 1280, "height": 800}).new_page()

    page.goto(f"{server.base}/e/{slug}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("label[for=nickname]")).to_have_text(word("ar", "Choose a nickname to take part"))
    join(page, "ليلى")
    send = page.locator("#send")
    expect(send).to_have_text(word("ar", "Send"))
    expect(page.locator("#participants li.me .tag")).to_have_text(word("ar", "you"))
    box, textbox = send.bounding_box(), page.locator("#body").bounding_box()
    assert box["x"] + box["width"] <= textbox["x"], "Send is not left of the message box"
    people, messages = page.locator("#people").bounding_box(), page.locator("#messages").bounding_box()
    assert people["x"] + people["width"] <= messages["x"], "the participants are not left of the messages"

    # The home page's arrow to the archive points left, and an English title there reads left to right.
    page.goto(server.base + "/")
    arrow = page.locator(".archive-link .arrow")
    expect(arrow).to_have_css("transform", "matrix(-1, 0, 0, 1, 0, 0)")
    page.goto(server.base + "/archive")
    expect(page.locator(".archive-title")).to_have_text("Release planning")
    expect(page.locator(".archive-title")).to_have_css("direction", "ltr")
    expect(page.locator(".archive-description")).to_have_css("direction", "ltr")

    # The chat bar on an Arabic page: in the left corner, mirrored, in Arabic.
    page.goto(f"{server.base}/demo/embed?room={slug}")
    frame = frame_of(page)
    expect(frame.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("chatserver-bar")).to_have_attribute("data-side", "left")
    bar = page.locator("chatserver-bar .bar")
    expect(bar).to_have_attribute("title", word("ar", "Show the chat"))
    where = bar.bounding_box()
    assert where["x"] + where["width"] / 2 < 640, "the chat bar is not in the left corner"
