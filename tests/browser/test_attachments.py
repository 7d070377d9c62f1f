"""Sending files from the room: the attach button, pasting, dropping, voice notes, photos from the
camera, cancelling an upload, a refused type, and files written offline going out once.

Two people in one room, each in their own browser context: Alice sends, Bob sees what arrives.
Chromium's fake devices (conftest's CHROMIUM_FLAGS) give a microphone that beeps and a camera with
a test pattern, allowed without a prompt.
"""

from __future__ import annotations

import base64
import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room

SHOTS = Path("/tmp/shots-compose")
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def png_bytes(size: tuple[int, int] = (640, 480), colour: tuple[int, int, int] = (200, 90, 40)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, colour)
    for x in range(0, size[0], 80):  # stripes: a picture with something in it
        image.paste((20, 60, 160), (x, 0, x + 30, size[1]))
    image.save(out, "PNG")
    return out.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def big_zip(path: Path, megabytes: int = 8) -> Path:
    """A ZIP of random bytes, stored (not compressed): as large on the wire as on disk."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("noise.bin", os.urandom(megabytes * 1024 * 1024))
    return path


def messages(server: LiveServer, slug: str) -> list[dict[str, Any]]:
    status, reply = server.api("GET", f"/api/events/{slug}/messages?after=0&limit=1000")
    assert status == 200, reply
    return [item for item in reply["messages"] if item["kind"] == "message"]


def two_in_a_room(server: LiveServer, context_factory: Any, **options: Any) -> tuple[str, Any, Any, Any]:
    slug = server.create_event(title="Files")["event"]["slug"]
    alice_context = context_factory(**options)
    alice = open_room(alice_context, server, slug, "alice")
    bob = open_room(context_factory(), server, slug, "bob")
    return slug, alice_context, alice, bob


def attach_by_button(page: Any, *paths: Path) -> None:
    """What a person does: click the paperclip, pick files in the browser's file chooser."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Attach files").click()
    assert chooser.value.is_multiple()
    chooser.value.set_files([str(p) for p in paths])


def shown_from(file: dict[str, Any]) -> re.Pattern[str]:
    """An <img> src showing the file: its thumbnail's URL or its own."""
    urls = [file["url"]] + ([file["thumbnail_url"]] if file.get("thumbnail_url") else [])
    return re.compile("(" + "|".join(re.escape(u) for u in urls) + ")$")


def send_button(page: Any) -> Any:
    return page.locator("#send")


def test_a_picture_attached_by_the_button_goes_up_with_progress_and_reaches_the_other_reader(
    live_server: LiveServer, context_factory: Any, tmp_path: Path
) -> None:
    slug, _, alice, bob = two_in_a_room(live_server, context_factory)
    picture = write(tmp_path / "sunset.png", png_bytes())
    # Every progress event the upload reports, seen from the page (the bar's value as it moves).
    alice.evaluate(
        """() => { window.seen = []; new MutationObserver(() => {
             const bar = document.querySelector('.attach-chip progress');
             if (bar && !bar.hidden) window.seen.push(bar.value);
           }).observe(document.getElementById('composer'), {subtree: true, attributes: true, childList: true}); }"""
    )
    attach_by_button(alice, picture)

    chip = alice.locator(".attach-chip")
    expect(chip).to_have_count(1)
    expect(chip.locator(".attach-name")).to_have_text("sunset.png")
    expect(chip.locator(".attach-meta")).to_contain_text("kB")
    expect(chip.locator(".attach-thumb canvas")).to_be_visible()  # a preview of the picture itself
    expect(chip).to_have_attribute("data-state", "done")
    expect(chip.locator(".attach-status")).to_have_text("Ready to send")
    assert alice.evaluate("window.seen.length") > 0  # the bar showed while it went up
    expect(chip.get_by_role("button", name="Remove sunset.png")).to_be_visible()

    alice.get_by_label("Message").fill("Look at this")
    alice.get_by_label("Message").press("Enter")
    expect(chip).to_have_count(0)  # the tray is empty for the next message

    seen = bob.locator("#messages li.message", has_text="Look at this")
    expect(seen).to_have_count(1)
    [item] = [m for m in messages(live_server, slug) if m["body"] == "Look at this"]
    [file] = item["files"]
    assert (file["name"], file["type"], file["width"], file["height"]) == ("sunset.png", "image/png", 640, 480)
    expect(seen.locator("img")).to_have_attribute("src", shown_from(file))
    expect(alice.locator("#messages li.message", has_text="Look at this").locator("img")).to_have_count(1)


def test_a_pasted_screenshot_is_attached_and_sent_without_words(live_server: LiveServer, context_factory: Any) -> None:
    slug, _, alice, bob = two_in_a_room(live_server, context_factory)
    alice.get_by_label("Message").focus()
    alice.evaluate(
        """(b64) => {
             const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
             const data = new DataTransfer();
             data.items.add(new File([bytes], 'image.png', {type: 'image/png'}));
             const paste = new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true});
             document.getElementById('body').dispatchEvent(paste);
           }""",
        base64.b64encode(png_bytes((300, 200))).decode(),
    )
    chip = alice.locator(".attach-chip")
    expect(chip).to_have_count(1)
    expect(chip.locator(".attach-name")).to_have_text(re.compile(r"^screenshot-\d{4}-\d{2}-\d{2}-\d{4}\.png$"))
    expect(alice.get_by_label("Message")).to_have_value("")  # nothing pasted as text
    expect(chip).to_have_attribute("data-state", "done")

    alice.get_by_label("Message").press("Enter")  # no words: the files alone are the message
    expect(chip).to_have_count(0)
    expect(bob.locator("#messages li.message img")).to_have_count(1)
    [item] = messages(live_server, slug)
    assert item["body"] == ""
    assert re.fullmatch(r"screenshot-\d{4}-\d{2}-\d{2}-\d{4}\.png", item["files"][0]["name"])
    expect(bob.locator("#messages li.message img")).to_have_attribute("src", shown_from(item["files"][0]))


def test_files_dropped_on_the_room_show_a_drop_zone_and_are_sent(live_server: LiveServer, context_factory: Any) -> None:
    slug, _, alice, bob = two_in_a_room(live_server, context_factory)
    alice.evaluate(
        """() => {
             window.dropped = new DataTransfer();
             window.dropped.items.add(new File(['agenda: files, voice notes\\n'], 'notes.txt', {type: 'text/plain'}));
             window.dropped.items.add(new File([Uint8Array.from([137,80,78,71])], 'broken.png', {type: 'image/png'}));
             const chat = document.getElementById('chat');
             chat.dispatchEvent(new DragEvent('dragenter', {dataTransfer: window.dropped, bubbles: true, cancelable: true}));
           }"""
    )
    zone = alice.locator(".drop-zone")
    expect(zone).to_be_visible()
    expect(zone).to_have_text("Drop files here to attach them")
    alice.evaluate(
        """() => {
             const target = document.getElementById('messages');
             for (const type of ['dragover', 'drop'])
               target.dispatchEvent(new DragEvent(type, {dataTransfer: window.dropped, bubbles: true, cancelable: true}));
           }"""
    )
    expect(zone).to_be_hidden()
    chips = alice.locator(".attach-chip")
    expect(chips.locator(".attach-name")).to_have_text(["notes.txt", "broken.png"])
    # The second is no picture at all: the server says so, and it is removed before sending.
    expect(chips.nth(1)).to_have_attribute("data-state", "refused")
    alice.get_by_role("button", name="Remove broken.png").click()
    expect(chips).to_have_count(1)
    expect(chips.first).to_have_attribute("data-state", "done")
    expect(alice.get_by_role("button", name="Remove notes.txt")).to_be_focused()

    alice.get_by_label("Message").fill("Agenda attached")
    send_button(alice).click()
    seen = bob.locator("#messages li.message", has_text="Agenda attached")
    expect(seen).to_contain_text("notes.txt")
    [item] = messages(live_server, slug)
    assert [(f["name"], f["type"].split(";")[0]) for f in item["files"]] == [("notes.txt", "text/plain")]


def test_an_upload_cancelled_midway_sends_nothing(
    live_server: LiveServer, context_factory: Any, tmp_path: Path
) -> None:
    slug, _, alice, bob = two_in_a_room(live_server, context_factory)
    archive = big_zip(tmp_path / "archive.zip")
    # A slow uplink (1 MB/s), so that the upload is still under way when the writer cancels it.
    cdp = alice.context.new_cdp_session(alice)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 1024 * 1024},
    )
    attach_by_button(alice, archive)
    chip = alice.locator(".attach-chip")
    expect(chip).to_have_attribute("data-state", "uploading")
    alice.wait_for_function(
        "() => { const bar = document.querySelector('.attach-chip progress'); return bar.value > 0.05; }"
    )
    alice.get_by_label("Message").fill("The archive")
    send_button(alice).click()  # it waits for the upload…
    expect(alice.locator("#composer")).to_have_attribute("aria-busy", "true")
    assert alice.evaluate("document.querySelector('.attach-chip progress').value") < 0.9
    alice.get_by_role("button", name="Cancel the upload of archive.zip").click()  # …which is cancelled
    expect(chip).to_have_count(0)
    expect(alice.locator("#composer")).not_to_have_attribute("aria-busy", "true")
    expect(alice.get_by_label("Message")).to_have_value("The archive")  # kept, not sent
    expect(alice.get_by_label("Message")).to_be_focused()
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )

    alice.get_by_label("Message").fill("Never mind")
    send_button(alice).click()
    expect(bob.locator("#messages li.message", has_text="Never mind")).to_have_count(1)
    assert [(m["body"], m.get("files")) for m in messages(live_server, slug)] == [("Never mind", None)]


def test_a_refused_type_shows_the_servers_reason_on_its_chip_and_nothing_is_sent(
    live_server: LiveServer, context_factory: Any, tmp_path: Path
) -> None:
    slug, _, alice, bob = two_in_a_room(live_server, context_factory)
    drawing = write(
        tmp_path / "drawing.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
    )
    attach_by_button(alice, drawing)
    chip = alice.locator(".attach-chip")
    expect(chip).to_have_attribute("data-state", "refused")
    expect(chip.locator(".attach-status")).to_contain_text("This kind of file is not accepted")

    alice.get_by_label("Message").fill("A drawing")
    send_button(alice).click()
    expect(alice.locator("#send-error")).to_have_text(
        "Some files could not be uploaded: retry or remove them before sending."
    )
    expect(alice.get_by_label("Message")).to_have_value("A drawing")
    alice.get_by_role("button", name="Remove drawing.svg").click()
    send_button(alice).click()  # the words alone go
    expect(bob.locator("#messages li.message", has_text="A drawing")).to_have_count(1)
    assert [(m["body"], m.get("files")) for m in messages(live_server, slug)] == [("A drawing", None)]


def test_a_voice_note_is_recorded_and_sent_as_audio_with_its_length(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug, _, alice, bob = two_in_a_room(live_server, context_factory)
    mic = alice.get_by_role("button", name="Record a voice note")
    mic.click()
    bar = alice.get_by_role("group", name="Recording a voice note")
    expect(bar).to_be_visible()
    expect(alice.get_by_role("button", name="Stop recording and attach the voice note")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(bar.get_by_role("timer")).to_have_text("0:01")  # a second has been recorded
    bar.get_by_role("button", name="Stop").click()
    expect(bar).to_be_hidden()
    chip = alice.locator(".attach-chip")
    expect(chip.locator(".attach-name")).to_have_text(re.compile(r"^voice-note-\d{4}-\d{2}-\d{2}-\d{4}\.webm$"))
    expect(chip.locator(".attach-meta")).to_contain_text("0:01")
    expect(chip).to_have_attribute("data-state", "done")
    expect(alice.get_by_role("button", name="Record a voice note")).to_be_focused()

    # Alice hears it before she sends it: it plays to its end, and the button says so throughout.
    listen = chip.get_by_role("button", name=re.compile(r"^Listen to voice-note-"))
    listen.click()
    expect(chip.get_by_role("button", name=re.compile(r"^Pause voice-note-"))).to_have_attribute("aria-pressed", "true")
    expect(listen).to_have_attribute("aria-pressed", "false", timeout=10_000)  # ended
    expect(chip).to_have_attribute("data-state", "done")  # still there, to send

    alice.get_by_label("Message").press("Enter")
    audio = bob.locator("#messages li.message audio")
    expect(audio).to_have_count(1)
    [item] = messages(live_server, slug)
    [file] = item["files"]
    assert file["type"] == "audio/webm"
    assert 0.5 <= file["duration"] < 10
    # Bob plays it: the recording decodes and its time runs (a click first: the page's gesture).
    bob.locator("#messages").click(position={"x": 5, "y": 5})
    audio.evaluate("a => a.play()")
    bob.wait_for_function("a => a.currentTime > 0.2 && !a.error", arg=audio.element_handle())


def test_a_recording_can_be_cancelled(live_server: LiveServer, context_factory: Any) -> None:
    _, _, alice, _ = two_in_a_room(live_server, context_factory)
    alice.get_by_role("button", name="Record a voice note").click()
    bar = alice.get_by_role("group", name="Recording a voice note")
    expect(bar.get_by_role("timer")).to_have_text("0:01")
    bar.get_by_role("button", name="Cancel").click()
    expect(bar).to_be_hidden()
    expect(alice.locator(".attach-chip")).to_have_count(0)
    expect(alice.get_by_role("button", name="Record a voice note")).to_have_attribute("aria-pressed", "false")


def test_the_camera_switches_to_the_next_one_and_back(live_server: LiveServer, context_factory: Any) -> None:
    _, _, alice, _ = two_in_a_room(live_server, context_factory)
    alice.get_by_role("button", name="Take a photo with the camera").click()
    dialog = alice.get_by_role("dialog", name="Take a photo")
    expect(dialog.get_by_role("button", name="Take photo")).to_be_enabled()
    live = "() => document.querySelector('dialog.camera-dialog video').srcObject?.getVideoTracks()[0].getSettings().deviceId"
    first = alice.evaluate(live)
    switch = dialog.get_by_role("button", name="Switch camera")
    switch.click()
    alice.wait_for_function(f"(first) => ![first, undefined].includes(({live})())", arg=first)
    expect(switch).to_be_focused()  # the next press switches again
    switch.press("Enter")
    alice.wait_for_function(f"(first) => ({live})() === first", arg=first)
    # A photo from it is a photo as any other; a still has no switch.
    dialog.get_by_role("button", name="Take photo").click()
    expect(switch).to_be_hidden()
    dialog.get_by_role("button", name="Retake").click()
    expect(switch).to_be_visible()


def test_a_photo_from_the_camera_is_sent_as_a_jpeg(live_server: LiveServer, context_factory: Any) -> None:
    slug, _, alice, bob = two_in_a_room(live_server, context_factory)
    alice.get_by_role("button", name="Take a photo with the camera").click()
    dialog = alice.get_by_role("dialog", name="Take a photo")
    expect(dialog).to_be_visible()
    take = dialog.get_by_role("button", name="Take photo")
    expect(take).to_be_enabled()
    expect(take).to_be_focused()
    take.click()
    expect(dialog.get_by_role("img", name="The photo you took")).to_be_visible()  # the still
    dialog.get_by_role("button", name="Retake").click()
    expect(dialog.locator("video")).to_be_visible()
    dialog.get_by_role("button", name="Take photo").click()
    dialog.get_by_role("button", name="Use photo").click()
    expect(dialog).to_be_hidden()
    # The camera is let go: its stream is gone from the preview and every track has ended.
    assert alice.evaluate("document.querySelector('.camera-video').srcObject") is None
    chip = alice.locator(".attach-chip")
    expect(chip.locator(".attach-name")).to_have_text(re.compile(r"^photo-\d{4}-\d{2}-\d{2}-\d{4}\.jpg$"))
    expect(chip).to_have_attribute("data-state", "done")

    alice.get_by_label("Message").fill("Smile")
    alice.get_by_label("Message").press("Enter")
    seen = bob.locator("#messages li.message", has_text="Smile")
    expect(seen.locator("img")).to_have_count(1)
    [item] = messages(live_server, slug)
    [file] = item["files"]
    assert file["type"] == "image/jpeg"
    assert file["width"] > 0 and file["height"] > 0
    expect(seen.locator("img")).to_have_attribute("src", shown_from(file))


def test_a_message_with_a_file_written_offline_goes_once_when_back_online(
    live_server: LiveServer, context_factory: Any, tmp_path: Path
) -> None:
    slug, context, alice, bob = two_in_a_room(live_server, context_factory)
    picture = write(tmp_path / "offline.png", png_bytes((320, 240)))
    expect(alice.locator("html")).to_have_attribute("data-offline-ready", "true")  # the room loads offline too
    context.set_offline(True)
    attach_by_button(alice, picture)
    chip = alice.locator(".attach-chip")
    expect(chip).to_have_attribute("data-state", "waiting")
    expect(chip.locator(".attach-status")).to_have_text("Will upload when you are back online")
    alice.get_by_label("Message").fill("Sent from the tunnel")
    alice.get_by_label("Message").press("Enter")

    waiting = alice.locator("#messages li.outgoing.pending")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("Waiting for the network")
    expect(waiting.locator(".pending-file .attach-name")).to_have_text("offline.png")
    expect(chip).to_have_count(0)
    assert messages(live_server, slug) == []
    alice.reload()  # the message and its file are kept in this browser (IndexedDB), not only in the page
    waiting = alice.locator("#messages li.outgoing.pending")
    expect(waiting.locator(".pending-file .attach-name")).to_have_text("offline.png", timeout=15_000)
    expect(waiting.locator(".body")).to_have_text("Sent from the tunnel")
    assert messages(live_server, slug) == []

    context.set_offline(False)
    expect(alice.locator("#messages li.outgoing")).to_have_count(0)
    seen = bob.locator("#messages li.message", has_text="Sent from the tunnel")
    expect(seen.locator("img")).to_have_count(1)
    items = messages(live_server, slug)
    assert len(items) == 1
    [item] = items
    assert [f["name"] for f in item["files"]] == ["offline.png"]
    assert len({m.get("client_id") for m in items}) == 1
    expect(alice.locator("#messages li.message", has_text="Sent from the tunnel")).to_have_count(1)


def test_a_file_the_server_no_longer_takes_is_uploaded_again_once(
    live_server: LiveServer, context_factory: Any, tmp_path: Path
) -> None:
    slug, _, alice, bob = two_in_a_room(live_server, context_factory)
    picture = write(tmp_path / "again.png", png_bytes((200, 200)))
    with alice.expect_response(re.compile(r"/api/events/[^/]+/files$")) as answer:
        attach_by_button(alice, picture)
    first = answer.value.json()["file"]["id"]
    expect(alice.locator(".attach-chip")).to_have_attribute("data-state", "done")
    # The upload is used up meanwhile (here by the same person from elsewhere): the id the tray
    # holds is refused, so the file goes up again and the message goes with the new one.
    token = alice.evaluate("(slug) => JSON.parse(localStorage.getItem('chatserver.participant.' + slug)).token", slug)
    status, reply = live_server.api(
        "POST", f"/api/events/{slug}/messages", {"body": "elsewhere", "files": [first]}, token
    )
    assert status == 201, reply
    alice.get_by_label("Message").fill("Second time")
    alice.get_by_label("Message").press("Enter")
    expect(bob.locator("#messages li.message", has_text="Second time").locator("img")).to_have_count(1)
    again = [m for m in messages(live_server, slug) if m["body"] == "Second time"]
    assert len(again) == 1
    assert again[0]["files"][0]["id"] != first
    assert again[0]["files"][0]["name"] == "again.png"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_composer_with_files_fits_and_looks_right(
    live_server: LiveServer, context_factory: Any, tmp_path: Path, size: str, scheme: str
) -> None:
    """Chips, the recorder and the camera fit the screen; screenshots to /tmp/shots-compose to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    slug = live_server.create_event(title="Files")["event"]["slug"]
    context = context_factory(
        viewport=SIZES[size], color_scheme=scheme, is_mobile=size == "phone", has_touch=size == "phone"
    )
    page = open_room(context, live_server, slug, "alice")
    for n in range(3):
        live_server.api("POST", f"/api/events/{slug}/messages", {"body": f"Hello {n}"}, live_server.join(slug, f"p{n}"))
    attach_by_button(
        page,
        write(tmp_path / "holiday-photo-with-a-rather-long-name.png", png_bytes()),
        write(tmp_path / "minutes.txt", b"minutes\n"),
    )
    page.get_by_label("Message").fill("Photos from Friday")
    expect(page.locator(".attach-chip[data-state=done]")).to_have_count(2)
    width = SIZES[size]["width"]
    # On a phone the row's box steps aside (display: contents), so each part is measured.
    for part in ("#composer .compose-tools", "#body", "#send"):
        box = page.locator(part).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{part} is off the screen"
    text, send = page.locator("#body").bounding_box(), page.locator("#send").bounding_box()
    assert text is not None and send is not None
    assert send["y"] < text["y"] + text["height"], "Send is not on the message box's line"
    page.screenshot(path=str(SHOTS / f"chips-{size}-{scheme}.png"))

    page.get_by_role("button", name="Record a voice note").click()
    bar = page.get_by_role("group", name="Recording a voice note")
    expect(bar.get_by_role("timer")).to_have_text("0:01")
    box = bar.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width
    page.screenshot(path=str(SHOTS / f"voice-{size}-{scheme}.png"))
    bar.get_by_role("button", name="Cancel").click()

    page.get_by_role("button", name="Take a photo with the camera").click()
    dialog = page.get_by_role("dialog", name="Take a photo")
    expect(dialog.get_by_role("button", name="Take photo")).to_be_enabled()
    page.screenshot(path=str(SHOTS / f"camera-{size}-{scheme}.png"))
    dialog.get_by_role("button", name="Take photo").click()
    expect(dialog.get_by_role("button", name="Use photo")).to_be_visible()
    box = dialog.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    page.screenshot(path=str(SHOTS / f"camera-still-{size}-{scheme}.png"))
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()


def test_the_host_attaches_a_file_to_a_message_posted_from_the_console(
    live_server: LiveServer, context_factory: Any, tmp_path: Path
) -> None:
    created = live_server.create_event(title="Files")
    slug = created["event"]["slug"]
    bob = open_room(context_factory(), live_server, slug, "bob")
    console = context_factory(viewport=SIZES["desktop"]).new_page()
    console.goto(live_server.base + created["links"]["host"])
    expect(console.get_by_role("heading", name="Live chat")).to_be_visible()
    form = console.locator("#post-as")
    with console.expect_file_chooser() as chooser:
        form.get_by_role("button", name="Attach files").click()
    chooser.value.set_files(str(write(tmp_path / "slides.png", png_bytes())))
    expect(form.locator(".attach-chip")).to_have_attribute("data-state", "done")
    SHOTS.mkdir(parents=True, exist_ok=True)
    form.screenshot(path=str(SHOTS / "host-post-desktop-light.png"))
    form.get_by_role("button", name="Send").click()  # no words: the file alone
    expect(form.locator(".attach-chip")).to_have_count(0)
    expect(bob.locator("#messages li.message img")).to_have_count(1)
    [item] = messages(live_server, slug)
    assert item["body"] == "" and item["role"] == "host"
    assert [f["name"] for f in item["files"]] == ["slides.png"]


def test_on_a_touch_screen_a_voice_note_records_while_the_button_is_held(
    live_server: LiveServer, context_factory: Any
) -> None:
    _, _, alice, _ = two_in_a_room(
        live_server, context_factory, viewport=SIZES["phone"], is_mobile=True, has_touch=True
    )
    mic = alice.get_by_role("button", name="Record a voice note")
    box = mic.bounding_box()
    assert box is not None
    point = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    cdp = alice.context.new_cdp_session(alice)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
    bar = alice.get_by_role("group", name="Recording a voice note")
    expect(bar.get_by_role("timer")).to_have_text("0:01")  # held for a second…
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})  # …and let go: attached
    expect(bar).to_be_hidden()
    chip = alice.locator(".attach-chip")
    expect(chip.locator(".attach-name")).to_have_text(re.compile(r"^voice-note-.*\.webm$"))
    expect(chip).to_have_attribute("data-state", "done")

    # A short tap starts a recording that goes on until the next tap.
    alice.get_by_role("button", name="Record a voice note").tap()
    expect(bar.get_by_role("timer")).to_have_text("0:01")
    alice.get_by_role("button", name="Stop recording and attach the voice note").tap()
    expect(bar).to_be_hidden()
    expect(alice.locator(".attach-chip")).to_have_count(2)


def test_a_file_over_the_servers_limit_says_so_on_its_chip(
    live_server: LiveServer, context_factory: Any, tmp_path: Path
) -> None:
    _, _, alice, _ = two_in_a_room(live_server, context_factory)
    uploads: list[str] = []
    alice.on("request", lambda r: uploads.append(r.url) if r.method == "POST" and r.url.endswith("/files") else None)
    attach_by_button(alice, big_zip(tmp_path / "huge.zip", megabytes=11))  # the default limit is 10 MB
    chip = alice.locator(".attach-chip")
    expect(chip).to_have_attribute("data-state", "refused")
    expect(chip.locator(".attach-status")).to_contain_text("10 MB")
    assert uploads == [], "the page sent a file it knew was over the limit"  # the page knows the limit
    expect(chip.get_by_role("button", name="Remove huge.zip")).to_be_visible()
