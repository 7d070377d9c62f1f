"""Search everywhere: the room's search panel (a query without accents finds the message, a result
shows it in the conversation), the panel on a phone, the transcript's search box linking to the
right anchor (on this page or another), and the archive's message search grouped by event."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room

INSIDE = """(el) => { const r = el.getBoundingClientRect();
  return r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }"""


def targeted(page: Any, item_id: int) -> None:
    """Await the page's :target being the item (after a navigation to its anchor)."""
    page.wait_for_function(
        "(id) => { const t = document.querySelector(':target'); return !!t && t.id === id; }", arg=f"m{item_id}"
    )


def say(server: LiveServer, slug: str, token: str, body: str) -> dict[str, Any]:
    status, reply = server.api("POST", f"/api/events/{slug}/messages", {"body": body}, token)
    assert status == 201, reply
    return dict(reply["message"])


def chat_with_a_cafe(
    server: LiveServer, title: str = "Weekly meeting", after: int = 30
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An open event: a message about the café, then `after` more lines (so it scrolls out of view)."""
    created = server.create_event(title=title)
    slug = created["event"]["slug"]
    alice, bob = server.join(slug, "alice"), server.join(slug, "bob")
    say(server, slug, bob, "Good morning everyone")
    cafe = say(server, slug, alice, "Shall we meet at the Café Müller downstairs at noon?")
    for n in range(after):
        say(server, slug, bob if n % 2 else alice, f"Line {n} about the release notes")
    return created, cafe


def test_room_search_finds_a_message_without_accents_and_shows_it(
    live_server: LiveServer, context_factory: Any
) -> None:
    created, cafe = chat_with_a_cafe(live_server)
    slug = created["event"]["slug"]
    page = open_room(context_factory(), live_server, slug, "carol")
    found = page.locator(f"#m{cafe['id']}")
    expect(found).to_be_attached()
    expect(found).not_to_be_in_viewport()  # far above the newest lines

    opener = page.locator("#search-open")
    opener.click()
    panel = page.get_by_role("dialog", name="Search the conversation")
    expect(panel).to_be_visible()
    box = panel.get_by_role("searchbox", name="Words to search for")
    expect(box).to_be_focused()
    box.fill("cafe muller")  # neither accent nor umlaut
    results = panel.get_by_role("option")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("alice")
    expect(results.first.locator("mark")).to_have_text(["Café", "Müller"])  # the words found, marked
    expect(panel.get_by_role("status")).to_have_text("1 message found")

    results.first.click()
    expect(found).to_have_class(re.compile(r"\bfound\b"))
    expect(found).to_be_in_viewport()
    expect(panel).to_be_visible()  # beside the chat on a wide screen, it stays

    # The keyboard: Down to a result, Enter shows it; Escape closes, the focus back on the button.
    box.fill("release")
    expect(results).to_have_count(30)
    box.press("ArrowDown")
    box.press("ArrowDown")
    second = results.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id") or "")
    line = page.locator(f"#m{second.get_attribute('data-id')}")
    box.press("Enter")
    expect(line).to_have_class(re.compile(r"\bfound\b"))
    box.press("Escape")
    expect(panel).to_be_hidden()
    expect(opener).to_be_focused()
    expect(opener).to_have_attribute("aria-expanded", "false")

    # What cannot be searched for: the API's own words, in the panel.
    opener.click()
    box.fill("OR")
    expect(panel.get_by_role("status")).to_have_text("q holds no word to search for.")
    box.fill("nothingofthesort")
    expect(panel.get_by_role("status")).to_have_text("No messages found")
    expect(results).to_have_count(0)


def test_the_search_panel_is_a_sheet_that_fits_a_phone(live_server: LiveServer, context_factory: Any) -> None:
    created, cafe = chat_with_a_cafe(live_server, title="Release planning for the whole team, with a long title")
    slug = created["event"]["slug"]
    context = context_factory(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = open_room(context, live_server, slug, "carol")
    opener = page.locator("#search-open")
    # The header's buttons fit beside the title.
    assert opener.evaluate(INSIDE) and page.locator("#alerts > summary").evaluate(INSIDE)

    opener.click()
    panel = page.get_by_role("dialog", name="Search the conversation")
    expect(panel).to_be_visible()
    box = panel.get_by_role("searchbox")
    box.fill("cafe")
    result = panel.get_by_role("option").first
    expect(result).to_contain_text("Café")
    # A sheet over the whole screen, nothing sideways.
    size = panel.evaluate(
        "(el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }"
    )
    assert size == [0, 0, 390, 844], size
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert box.evaluate(INSIDE) and result.evaluate(INSIDE)
    assert panel.get_by_role("button", name="Close the search").evaluate(INSIDE)

    # A result closes the sheet and shows the message, the focus on it.
    result.click()
    expect(panel).to_be_hidden()
    found = page.locator(f"#m{cafe['id']}")
    expect(found).to_have_class(re.compile(r"\bfound\b"))
    expect(found).to_be_focused()
    expect(found).to_be_in_viewport()


def closed_with_chat(server: LiveServer, title: str, lines: list[str]) -> tuple[str, list[dict[str, Any]]]:
    created = server.create_event(title=title)
    slug, key = created["event"]["slug"], created["host_key"]
    alice = server.join(slug, "alice")
    said = [say(server, slug, alice, line) for line in lines]
    assert server.api("POST", f"/api/events/{slug}/close", None, key)[0] == 200
    return slug, said


def test_transcript_search_links_to_the_right_anchor(live_server: LiveServer, context_factory: Any) -> None:
    lines = [
        "Budget review first",
        "Then the café order",
        *[f"Item {n} of the agenda" for n in range(15)],
        "The café is booked",
    ]
    slug, said = closed_with_chat(live_server, "Planning", lines)
    first_cafe, last_cafe = said[1], said[-1]
    page = context_factory().new_page()
    page.goto(f"{live_server.base}/e/{slug}/transcript")

    box = page.get_by_label("Search this transcript")
    box.fill("cafe")  # as one types, no reload
    hits = page.locator("#search-found a.search-hit")
    expect(hits).to_have_count(2)
    expect(page.locator("#search-status")).to_contain_text("2 messages found")
    expect(page).to_have_url(re.compile(r"[?&]q=cafe"))  # a reload shows the same
    # Both are on this page: their anchors here.
    assert sorted(hits.evaluate_all("els => els.map(a => a.getAttribute('href'))")) == sorted(
        [f"#m{first_cafe['id']}", f"#m{last_cafe['id']}"]
    )
    page.locator(f'#search-found a.search-hit[href="#m{last_cafe["id"]}"]').click()
    targeted(page, last_cafe["id"])

    # From a later page, a message before it is on another page: the link opens that page at it.
    page.goto(f"{live_server.base}/e/{slug}/transcript?after={said[10]['id']}")
    expect(page.locator(f"#m{first_cafe['id']}")).to_have_count(0)
    page.get_by_label("Search this transcript").fill("order")
    hit = page.locator("#search-found a.search-hit")
    expect(hit).to_have_count(1)
    expect(hit.locator("mark")).to_have_text("order")
    hit.click()
    expect(page).to_have_url(re.compile(rf"/e/{slug}/transcript(\?after=\d+)?#m{first_cafe['id']}$"))
    expect(page.locator(f"#m{first_cafe['id']}")).to_be_visible()
    targeted(page, first_cafe["id"])

    # Clearing the box takes the results away.
    page.get_by_label("Search this transcript").fill("")
    expect(page.locator("#search-found")).to_be_hidden()


def test_archive_message_search_groups_by_event_and_links_into_transcripts(
    live_server: LiveServer, context_factory: Any
) -> None:
    closed_with_chat(live_server, "Planning", ["The café opens at nine", "Nothing else"])
    retro, said = closed_with_chat(live_server, "Retro", ["The café was too loud", "Next time another café"])
    closed_with_chat(live_server, "Hush", ["Quiet café plans"])
    unlisted = live_server.create_event(title="Unlisted", listed=False)  # never searched
    token = live_server.join(unlisted["event"]["slug"], "eve")
    say(live_server, unlisted["event"]["slug"], token, "Unlisted café talk")

    page = context_factory().new_page()
    page.goto(live_server.base + "/archive")
    page.get_by_role("link", name="Messages").click()
    expect(page).to_have_url(re.compile(r"/archive\?in=messages"))
    box = page.get_by_label("Search messages")
    box.fill("cafe")
    groups = page.locator("#search-found li.event-hit")
    expect(groups.locator("h2")).to_have_count(3)
    expect(page.locator("#search-status")).to_contain_text("4 messages found")
    expect(page.locator("#search-found")).not_to_contain_text("Unlisted")
    retro_group = groups.filter(has=page.get_by_role("heading", name="Retro"))
    expect(retro_group.locator("a.search-hit")).to_have_count(2)
    expect(retro_group.locator("mark").first).to_have_text("café")
    expect(page.locator(".archive-listing")).to_be_hidden()  # the results take the events' place

    retro_group.locator("a.search-hit", has_text="too loud").click()
    expect(page).to_have_url(re.compile(rf"/e/{retro}/transcript(\?after=\d+)?#m{said[0]['id']}$"))
    targeted(page, said[0]["id"])
