"""Files on private lines: a participant attaches files in the private panel (the same tray as the
public composer: button, paste, drop, voice note, camera), the hosts see them in the console's inbox
and reply with a file from there; nobody else ever gets them, on the page or from the server. A
private message with a file written offline waits in the panel's outbox, across a reload, and goes
once. Screenshots of the panel with files, phone and desktop, light and dark, to look at."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room
from tests.browser.test_files_view import PDF, png, status_of, upload
from tests.browser.test_offline_outbox import SLOW_STEP_MS
from tests.browser.test_private_thread import private_box, shown_thread, staff_view

SHOTS = Path("/tmp/shots-private-files")
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
BLOB = re.compile(r"^blob:")


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def token_and_id(page: Any, slug: str) -> tuple[str, int]:
    """The participant token and id the room keeps for this browser."""
    kept = page.evaluate("(slug) => JSON.parse(localStorage.getItem('chatserver.participant.' + slug))", slug)
    return str(kept["token"]), int(kept["id"])


def attach(page: Any, scope: Any, *paths: Path) -> None:
    """Click the paperclip in `scope` (the private panel, the console's reply box) and pick files."""
    with page.expect_file_chooser() as chooser:
        scope.get_by_role("button", name="Attach files").click()
    chooser.value.set_files([str(p) for p in paths])


def open_panel(page: Any) -> Any:
    page.get_by_role("button", name=re.compile("^(Message the hosts privately|Private messages)")).click()
    panel = page.locator("#private-thread")
    expect(panel).to_be_visible()
    return panel


def test_files_go_privately_between_a_participant_and_the_hosts_and_to_nobody_else(
    live_server: LiveServer, context_factory: Any, tmp_path: Path
) -> None:
    created = live_server.create_event(title="Clinic")
    slug, key = created["event"]["slug"], created["host_key"]
    alice = open_room(context_factory(service_workers="block"), live_server, slug, "alice")
    bob = open_room(context_factory(service_workers="block"), live_server, slug, "bob")
    alice_token, alice_id = token_and_id(alice, slug)
    bob_token, _ = token_and_id(bob, slug)
    host = context_factory(service_workers="block").new_page()
    host.goto(live_server.base + created["links"]["host"])
    expect(host.get_by_role("heading", name=re.compile("^Inbox"))).to_be_visible()

    # alice attaches a picture and a PDF in the private panel, and sends them to the hosts.
    panel = open_panel(alice)
    scan = write(tmp_path / "scan.png", png(640, 480, (30, 120, 90)))
    attach(alice, panel, scan)
    # The PDF is dropped on the panel: it lands in the panel's tray, not the room's behind it.
    alice.evaluate(
        """(b64) => {
             const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
             const data = new DataTransfer();
             data.items.add(new File([bytes], 'form.pdf', {type: 'application/pdf'}));
             const target = document.querySelector('#private-thread .private-scroller');
             for (const type of ['dragenter', 'dragover'])
               target.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
             window.dropped = data;
           }""",
        base64.b64encode(PDF).decode(),
    )
    expect(panel.locator(".drop-zone")).to_be_visible()
    expect(alice.locator("#chat > .drop-zone")).to_be_hidden()
    alice.evaluate(
        """() => document.querySelector('#private-thread .private-scroller').dispatchEvent(
             new DragEvent('drop', {dataTransfer: window.dropped, bubbles: true, cancelable: true}))"""
    )
    expect(panel.locator(".drop-zone")).to_be_hidden()
    chips = panel.locator(".attach-chip")
    expect(chips.locator(".attach-name")).to_have_text(["scan.png", "form.pdf"])
    for chip in (chips.nth(0), chips.nth(1)):
        expect(chip).to_have_attribute("data-state", "done")
    expect(alice.locator("#composer .attach-chip")).to_have_count(0)  # not the public composer's
    private_box(alice).fill("My scan and the signed form")
    private_box(alice).press("Enter")
    expect(chips).to_have_count(0)  # the tray is empty for the next message
    mine = shown_thread(alice).filter(has_text="My scan and the signed form")
    expect(mine.locator(".file-thumb img")).to_have_attribute("src", BLOB)
    expect(mine.locator(".file-card .file-name")).to_have_text("form.pdf")
    expect(alice.locator("#messages li.message")).to_have_count(0)  # never in the public list

    [line] = staff_view(live_server, slug, key)
    assert (line["private"], line["to"]) == (True, "hosts")
    assert [f["name"] for f in line["files"]] == ["scan.png", "form.pdf"]

    # The console's inbox shows them, fetched with the host's key.
    host.locator(f"#inbox-list button[data-pid='{alice_id}']").click()
    asked = host.locator("#thread-lines li", has_text="My scan and the signed form")
    picture = asked.locator(".file-thumb img")
    expect(picture).to_have_attribute("src", BLOB)
    host.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    expect(asked.locator(".file-card .file-name")).to_have_text("form.pdf")

    # The host replies with a file from the inbox's reply box.
    reply_box = host.locator("#thread-reply")
    attach(host, reply_box, write(tmp_path / "receipt.png", png(300, 200, (160, 40, 40))))
    expect(reply_box.locator(".attach-chip")).to_have_attribute("data-state", "done")
    host.locator("#thread-body").fill("Thanks: your receipt")
    host.locator("#thread-body").press("Enter")
    expect(reply_box.locator(".attach-chip")).to_have_count(0)
    expect(host.locator("#thread-body")).to_have_value("")
    answer = host.locator("#thread-lines li.from-hosts", has_text="Thanks: your receipt")
    expect(answer.locator(".file-thumb img")).to_have_attribute("src", BLOB)
    replied = next(m for m in staff_view(live_server, slug, key) if m["body"] == "Thanks: your receipt")
    assert (replied["private"], replied["to"], [f["name"] for f in replied["files"]]) == (
        True,
        alice_id,
        ["receipt.png"],
    )

    # alice sees it in her panel.
    theirs = shown_thread(alice).filter(has_text="Thanks: your receipt")
    expect(theirs.locator(".file-thumb img")).to_have_attribute("src", BLOB)
    alice.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=theirs.locator("img").element_handle())

    # bob never sees any of it: a public line after them reaches him, they do not.
    status, _ = live_server.api(
        "POST", f"/api/events/{slug}/messages", {"body": "Public: we start at ten"}, alice_token
    )
    assert status == 201
    expect(bob.locator("#messages li.message .body")).to_have_text(["Public: we start at ten"])
    expect(bob.locator(".files, .file-thumb, .file-card, img[src^='blob:']")).to_have_count(0)
    for word in ("scan.png", "form.pdf", "receipt.png", "signed form", "your receipt"):
        expect(bob.locator("body")).not_to_contain_text(word)
    expect(bob.locator("#private-thread li")).to_have_count(0)
    files = line["files"] + replied["files"]
    urls = [f["url"] for f in files] + [f["thumbnail_url"] for f in files if f.get("thumbnail_url")]
    for url in urls:
        assert status_of(live_server, url, bob_token) == 404, url
        assert status_of(live_server, url, alice_token) == 200, url
        assert status_of(live_server, url, key) == 200, url


def test_a_private_file_written_offline_waits_in_the_outbox_across_a_reload_and_goes_once(
    live_server: LiveServer, context_factory: Any, tmp_path: Path
) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    context = context_factory()
    page = open_room(context, live_server, slug, "alice")
    panel = open_panel(page)
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")  # the page kept for a reload

    context.set_offline(True)
    attach(page, panel, write(tmp_path / "map.png", png(400, 300, (40, 90, 160))))
    expect(panel.locator(".attach-chip")).to_have_attribute("data-state", "waiting")
    private_box(page).fill("The map, from the train")
    private_box(page).press("Enter")
    pending = panel.locator("li.outgoing.pending")
    expect(pending.locator(".body")).to_have_text("The map, from the train")
    expect(pending.locator(".pending-file .attach-name")).to_have_text("map.png")

    page.reload()  # kept in this browser meanwhile, files and all
    open_panel(page).locator("li.outgoing.pending").wait_for(timeout=SLOW_STEP_MS)
    pending = page.locator("#private-thread li.outgoing.pending")
    expect(pending.locator(".pending-file .attach-name")).to_have_text("map.png")
    assert staff_view(live_server, slug, key) == []

    context.set_offline(False)
    expect(page.locator("#private-thread li.outgoing")).to_have_count(0, timeout=SLOW_STEP_MS)
    sent = shown_thread(page).filter(has_text="The map, from the train")
    expect(sent.locator(".file-thumb img")).to_have_attribute("src", BLOB)
    [line] = staff_view(live_server, slug, key)
    assert (line["to"], [f["name"] for f in line["files"]]) == ("hosts", ["map.png"])


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_panel_with_files_fits_the_screen(
    live_server: LiveServer, context_factory: Any, tmp_path: Path, size: str, scheme: str
) -> None:
    """The panel's files, its tray and its tools fit a phone and a desktop; shots to look at."""
    created = live_server.create_event(title="Clinic")
    slug, key = created["event"]["slug"], created["host_key"]
    page = open_room(
        context_factory(viewport=SIZES[size], color_scheme=scheme, service_workers="block"), live_server, slug, "alice"
    )
    token, pid = token_and_id(page, slug)
    photo = upload(live_server, slug, token, "whiteboard.png", png(800, 500, (50, 110, 170)), "image/png")
    status, _ = live_server.api(
        "POST", f"/api/events/{slug}/messages", {"body": "The whiteboard", "to": "hosts", "files": [photo["id"]]}, token
    )
    assert status == 201
    sheet = upload(live_server, slug, key, "agenda.pdf", PDF, "application/pdf")
    status, _ = live_server.api(
        "POST", f"/api/events/{slug}/messages", {"body": "Here is the agenda", "to": pid, "files": [sheet["id"]]}, key
    )
    assert status == 201

    panel = open_panel(page)
    expect(shown_thread(page)).to_have_count(2)
    expect(shown_thread(page).first.locator(".file-thumb img")).to_have_attribute("src", BLOB)
    attach(page, panel, write(tmp_path / "notes-from-the-meeting.png", png(300, 300, (170, 60, 60))))
    expect(panel.locator(".attach-chip")).to_have_attribute("data-state", "done")
    private_box(page).fill("And my notes")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#private-thread img')].every((img) => img.complete && img.naturalWidth)"
    )

    # Nothing sticks out of the panel, nor the panel out of the screen.
    width = SIZES[size]["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    outer = panel.bounding_box()
    assert outer and outer["x"] >= 0 and outer["x"] + outer["width"] <= width + 0.5
    for part in ("button[type=submit]", ".compose-tools", ".attach-chip", "textarea"):
        box = panel.locator(f"form {part}").first.bounding_box()
        assert box and box["x"] >= outer["x"] - 0.5 and box["x"] + box["width"] <= outer["x"] + outer["width"] + 0.5, (
            part
        )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"panel-{size}-{scheme}.png"))
