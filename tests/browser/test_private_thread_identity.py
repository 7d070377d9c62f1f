"""Private lines never reach another identity of the same browser: the room's copy of the stream
(IndexedDB) is one reader's, and someone else joining in the same browser reads the stream anew,
online or from the offline copy, whether the tabs share a worker or elect a leader."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room
from tests.browser.test_offline_outbox import SLOW_STEP_MS

# Every item and room this browser keeps in IndexedDB (static/idb.js), read as the page sees them.
READ_CACHE = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("chatserver");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = (name) => new Promise((resolve) => {
    db.transaction(name, "readonly").objectStore(name).getAll().onsuccess = (e) => resolve(e.target.result);
  });
  const out = { items: (await all("items")).map((row) => row.item), rooms: await all("rooms") };
  db.close();
  return out;
}"""


# What the service worker keeps (Cache Storage): the paths of every request it stored.
KEPT_PATHS = """async () => {
  const paths = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
  }
  return paths;
}"""


def cache(page: Any) -> dict[str, Any]:
    out: dict[str, Any] = page.evaluate(READ_CACHE)
    return out


def wait_for_cache(page: Any, predicate: str) -> None:
    """Wait until `predicate` (JS, of the cache as READ_CACHE reads it) holds."""
    page.wait_for_function(f"async () => {{ const c = await ({READ_CACHE})(); return {predicate}; }}", polling=100)


@pytest.mark.parametrize("transport", ["worker", "leader"])
def test_another_reader_in_the_same_browser_never_sees_the_last_ones_private_lines(
    live_server: LiveServer, context_factory: Any, transport: str
) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    context = context_factory()
    if transport == "leader":
        context.add_init_script("delete window.SharedWorker")  # the tabs elect a leader instead
    page = open_room(context, live_server, slug, "alice")
    expect(page.locator("#room")).to_have_attribute("data-transport", transport)
    status, people = live_server.api("GET", f"/api/events/{slug}/participants")
    alice_id = next(p["id"] for p in people["participants"] if p["nickname"] == "alice")
    assert live_server.api("POST", f"/api/events/{slug}/messages", {"body": "Public hello"}, key)[0] == 201
    reply = {"body": "Your refund is on its way", "to": alice_id}
    assert live_server.api("POST", f"/api/events/{slug}/messages", reply, key)[0] == 201
    expect(page.locator("#private-open .private-count")).to_have_text("1")
    # Kept in alice's copy of the room, which says it is hers.
    wait_for_cache(page, "c.items.some((i) => i.private) && c.rooms[0].viewer === 'p" + str(alice_id) + "'")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")

    # alice leaves; bob joins in the same browser.
    page.locator("#change-nick").click()
    page.locator("#leave").click()
    expect(page.locator("#join")).to_be_visible()
    expect(page.locator("#private-open")).to_be_hidden()
    wait_for_cache(page, "!c.items.some((i) => i.private)")
    page.get_by_label("Choose a nickname").fill("bob")
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#composer")).to_be_visible()
    bob_id = next(
        p["id"]
        for p in live_server.api("GET", f"/api/events/{slug}/participants")[1]["participants"]
        if p["nickname"] == "bob"
    )
    wait_for_cache(page, "c.rooms.length === 1 && c.rooms[0].viewer === 'p" + str(bob_id) + "'")

    def bob_sees_no_private_line_of_alice() -> None:
        expect(page.locator("#messages li.message .body")).to_have_text(["Public hello"], timeout=SLOW_STEP_MS)
        expect(page.locator("body")).not_to_contain_text("refund")
        expect(page.locator("#private-thread li")).to_have_count(0)
        expect(page.locator("#private-open .private-count")).to_be_hidden()
        kept = cache(page)
        assert not [i for i in kept["items"] if i.get("private")], kept["items"]
        assert all("refund" not in str(i.get("body")) for i in kept["items"])
        assert [room["viewer"] for room in kept["rooms"]] == [f"p{bob_id}"]

    bob_sees_no_private_line_of_alice()
    page.reload()
    expect(page.locator("#me")).to_have_text("bob")
    bob_sees_no_private_line_of_alice()

    context.set_offline(True)
    live_server.stop()  # nothing can answer: what shows comes from this browser's copy
    page.reload()
    expect(page.locator("#me")).to_have_text("bob", timeout=SLOW_STEP_MS)
    expect(page.locator("#connection")).to_be_visible(timeout=SLOW_STEP_MS)
    bob_sees_no_private_line_of_alice()
    # The service worker keeps pages and files, never an answer of the API (which carries tokens).
    kept_paths = page.evaluate(KEPT_PATHS)
    assert kept_paths and not [path for path in kept_paths if path.startswith("/api/")], kept_paths
