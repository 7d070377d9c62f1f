"""The emoji picker (static/emoji-picker.js) as a reader uses it: opened from a button, searched, moved
through with the keyboard, closed with Escape or a click elsewhere; on a phone a sheet inside the
screen, in Arabic mirrored; the frequently used row remembers a pick. The catalog is the server's
(/emoji/<code>.json)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer

# A button on a real page (its style sheets, its language, its CSP) that opens the picker; each
# pick is kept in window.picked.
MOUNT = """async () => {
  const { openEmojiPicker } = await import("/static/emoji-picker.js");
  const button = document.createElement("button");
  button.id = "react";
  button.textContent = "+";
  document.querySelector("main").prepend(button);
  window.picked = [];
  button.addEventListener("click", () => openEmojiPicker(button, (one) => window.picked.push(one)));
}"""
GROUPS = ".emoji-group:not([data-frequent])"


def page_with_picker(context: Any, server: LiveServer, path: str = "/archive") -> Any:
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(server.base + path)
    page.evaluate(MOUNT)
    page.problems = problems
    return page


def open_picker(page: Any) -> Any:
    """Click the button; the picker with its catalog loaded."""
    page.click("#react")
    picker = page.locator(".emoji-picker")
    expect(picker).to_be_visible()
    expect(picker.locator(f"{GROUPS} [role=option]").first).to_be_visible()
    return picker


def picked(page: Any) -> list[str]:
    return list(page.evaluate("window.picked"))


def test_searching_thumb_finds_thumbs_up_and_enter_picks_it(live_server: LiveServer, context_factory: Any) -> None:
    page = page_with_picker(context_factory(), live_server)
    with page.expect_response(lambda r: "/emoji/en.json" in r.url) as response:
        picker = open_picker(page)
    assert response.value.status == 200
    search = picker.get_by_role("searchbox")
    expect(search).to_be_focused()
    expect(page.locator("#react")).to_have_attribute("aria-expanded", "true")
    search.fill("THUMB")  # capitals aside
    thumbs = picker.locator(f'{GROUPS} [data-emoji="👍"]')
    expect(thumbs).to_be_visible()
    expect(thumbs).to_have_attribute("aria-label", "thumbs up")
    expect(picker.locator(f'{GROUPS} [data-emoji="😀"]')).to_be_hidden()
    expect(picker.locator(".emoji-group[data-frequent]")).to_be_hidden()
    expect(picker.get_by_role("status")).not_to_have_text("")
    search.fill("cat")  # a word's beginning: the cats, not "identification card"
    expect(picker.locator(f'{GROUPS} [data-emoji="🐈"]')).to_be_visible()
    expect(picker.locator(f'{GROUPS} [data-emoji="🪪"]')).to_be_hidden()
    search.fill("no such emoji at all")
    expect(picker.get_by_role("status")).to_have_text("No emoji found")
    search.fill("thumbs up")
    page.keyboard.press("Enter")
    expect(picker).to_have_count(0)
    assert picked(page) == ["👍"]
    expect(page.locator("#react")).to_be_focused()
    assert page.problems == []


def test_arrow_keys_move_through_the_grid_and_enter_picks(live_server: LiveServer, context_factory: Any) -> None:
    page = page_with_picker(context_factory(), live_server)
    picker = open_picker(page)
    focused = page.locator(".emoji-picker [role=option]:focus")
    page.keyboard.press("ArrowDown")  # from the search field into the list: the first emoji
    expect(focused).to_have_attribute("data-emoji", "👍")  # the quick reactions, until the reader has their own
    expect(focused).to_have_attribute("tabindex", "0")
    page.keyboard.press("ArrowDown")  # the row below, the same column: the first smiley
    expect(focused).to_have_attribute("data-emoji", "😀")
    page.keyboard.press("ArrowRight")
    expect(focused).to_have_attribute("data-emoji", "😃")
    page.keyboard.press("ArrowUp")
    expect(focused).to_have_attribute("data-emoji", "❤️")
    expect(picker.locator("[role=option][tabindex='0']")).to_have_count(1)  # one tab stop: roving
    page.keyboard.press("Tab")  # Tab leaves the list for the search field
    expect(picker.get_by_role("searchbox")).to_be_focused()
    page.keyboard.press("Tab")  # and comes back to the emoji it left
    expect(focused).to_have_attribute("data-emoji", "❤️")
    page.keyboard.press("Shift+Tab")  # either way
    expect(picker.get_by_role("searchbox")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(focused).to_have_attribute("data-emoji", "❤️")
    page.keyboard.press("Enter")
    expect(picker).to_have_count(0)
    assert picked(page) == ["❤️"]
    assert page.problems == []


def test_escape_closes_and_gives_the_focus_back(live_server: LiveServer, context_factory: Any) -> None:
    page = page_with_picker(context_factory(), live_server)
    picker = open_picker(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(picker).to_have_count(0)
    expect(page.locator("#react")).to_be_focused()
    expect(page.locator("#react")).to_have_attribute("aria-expanded", "false")
    # A click elsewhere closes it as well; the button opens it again, and closes it.
    open_picker(page)
    page.mouse.click(5, 400)
    expect(picker).to_have_count(0)
    open_picker(page)
    page.click("#react")
    expect(picker).to_have_count(0)
    # Typing in the list searches.
    open_picker(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.type("rocket")
    expect(picker.get_by_role("searchbox")).to_have_value("rocket")
    expect(picker.locator(f'{GROUPS} [data-emoji="🚀"]')).to_be_visible()
    assert picked(page) == []


def test_on_a_phone_the_picker_is_a_sheet_inside_the_screen(live_server: LiveServer, context_factory: Any) -> None:
    page = page_with_picker(context_factory(viewport={"width": 360, "height": 740}), live_server)
    picker = open_picker(page)
    box = picker.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert abs(box["y"] + box["height"] - 740) <= 1, box  # at the bottom of the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the screen
    cell = picker.locator(f"{GROUPS} [role=option]").first.bounding_box()
    assert cell["width"] >= 36 and cell["height"] >= 36, cell  # big enough for a finger
    picker.locator(f'{GROUPS} [data-emoji="😂"]').click()
    assert picked(page) == ["😂"]


def test_the_frequently_used_row_remembers_a_pick(live_server: LiveServer, context_factory: Any) -> None:
    context = context_factory()
    page = page_with_picker(context, live_server)
    picker = open_picker(page)
    picker.get_by_role("searchbox").fill("fox")
    expect(picker.locator(f'{GROUPS} [data-emoji="🦊"]')).to_be_visible()
    page.keyboard.press("Enter")
    assert picked(page) == ["🦊"]
    frequent = picker.locator(".emoji-group[data-frequent] [role=option]")
    open_picker(page)
    expect(frequent.first).to_have_attribute("data-emoji", "🦊")
    # …and on the next visit.
    again = page_with_picker(context, live_server)
    open_picker(again)
    expect(again.locator(".emoji-group[data-frequent] [role=option]").first).to_have_attribute("data-emoji", "🦊")
    expect(again.locator(".emoji-group[data-frequent] [role=option]").nth(1)).to_have_attribute("data-emoji", "👍")


def test_in_arabic_the_picker_is_mirrored_and_speaks_arabic(live_server: LiveServer, context_factory: Any) -> None:
    page = page_with_picker(context_factory(), live_server, "/archive?locale=ar")
    with page.expect_response(lambda r: "/emoji/ar.json" in r.url):
        picker = open_picker(page)
    heading = picker.locator(".emoji-group[data-frequent] .emoji-heading")
    expect(heading).not_to_have_text("Frequently used")
    expect(picker.get_by_role("searchbox")).not_to_have_attribute("placeholder", "Search emoji")
    first, second = (picker.locator(".emoji-group[data-frequent] [role=option]").nth(i) for i in (0, 1))
    assert first.bounding_box()["x"] > second.bounding_box()["x"]  # the first emoji on the right
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowLeft")  # onwards, which is leftwards here
    expect(page.locator(".emoji-picker [role=option]:focus")).to_have_attribute("data-emoji", "❤️")
    box, button = picker.bounding_box(), page.locator("#react").bounding_box()
    assert abs(box["x"] + box["width"] - (button["x"] + button["width"])) <= 1  # starts where the button does
