"""Files and link previews where messages are read (API.md "Files, images, voice notes and link
previews"): images inline with their space reserved before they load, a viewer with the keyboard,
audio players, cards for other files, files gone once their message is removed, the transcript
page, private files through the reader's credential only, and a link's preview card."""

from __future__ import annotations

import base64
import io
import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room

# A one-page PDF; padded so that its size reads the same whichever way a half is rounded (2.3 kB).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n"
)
PDF += b"%" + b"x" * (2345 - len(PDF) - 7) + b"\n%%EOF\n"

RECORD = """async () => {
  // A second of a tone, recorded as a voice note is (WebM/Opus), handed back as base64.
  const ctx = new AudioContext();
  const tone = ctx.createOscillator();
  const out = ctx.createMediaStreamDestination();
  tone.connect(out);
  tone.start();
  const recorder = new MediaRecorder(out.stream, { mimeType: "audio/webm;codecs=opus" });
  const parts = [];
  recorder.ondataavailable = (ev) => parts.push(ev.data);
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  recorder.start();
  await new Promise((resolve) => setTimeout(resolve, 1200));
  recorder.stop();
  await stopped;
  const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}"""


def png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A PNG with a stripe, so that it is not one flat colour."""
    image = Image.new("RGB", (width, height), colour)
    for x in range(0, width, 40):
        for y in range(height):
            image.putpixel((x, y), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def upload(
    server: LiveServer, slug: str, token: str, name: str, data: bytes, media: str, duration: float | None = None
) -> dict[str, Any]:
    """POST /api/events/<slug>/files as multipart/form-data; the File object."""
    boundary = uuid.uuid4().hex
    parts = []
    if duration is not None:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="duration"\r\n\r\n{duration}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: {media}\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{server.base}/api/events/{slug}/files",
        data=body,
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=20) as resp:
        assert resp.status == 201
        return dict(json.loads(resp.read())["file"])


def post(
    server: LiveServer, slug: str, token: str, body: str, files: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    status, posted = server.api(
        "POST",
        f"/api/events/{slug}/messages",
        {"body": body, "files": [f["id"] for f in files] or None, **extra},
        token,
    )
    assert status == 201, posted
    return dict(posted["message"])


def status_of(server: LiveServer, path: str, token: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(server.base + path, headers=headers), timeout=10) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def join(server: LiveServer, slug: str, nickname: str) -> tuple[int, str]:
    status, joined = server.api("POST", f"/api/events/{slug}/participants", {"nickname": nickname})
    assert status == 201, joined
    return int(joined["participant"]["id"]), str(joined["token"])


def watch_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def ratio(locator: Any) -> float:
    box = locator.bounding_box()
    assert box and box["height"] > 0, box
    return float(box["width"] / box["height"])


@pytest.fixture(scope="module")
def voice_note(browser: Any) -> bytes:
    """A real WebM/Opus recording, made once by Chromium's MediaRecorder."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto("about:blank")
        return base64.b64decode(page.evaluate(RECORD))
    finally:
        context.close()


def test_images_audio_and_files_show_in_the_room_open_in_the_viewer_and_go_with_their_message(
    live_server: LiveServer, context_factory: Any, voice_note: bytes
) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    _, alice = join(live_server, slug, "alice")
    wide = upload(live_server, slug, alice, "harbour.png", png(1200, 800, (30, 90, 160)), "image/png")
    pdf = upload(live_server, slug, alice, "agenda.pdf", PDF, "application/pdf")
    note = upload(live_server, slug, alice, "voice.webm", voice_note, "audio/webm", duration=1.2)
    assert (wide["width"], wide["height"]) == (1200, 800) and wide.get("thumbnail_url"), wide
    small = upload(live_server, slug, alice, "small.png", png(300, 200, (160, 60, 30)), "image/png")
    tall = upload(live_server, slug, alice, "tall.png", png(600, 900, (40, 140, 60)), "image/png")
    assert "thumbnail_url" not in small

    # bob's page holds the thumbnail back: its box has the image's shape before a byte of it came.
    bob = open_room(
        context_factory(viewport={"width": 1280, "height": 800}, service_workers="block"), live_server, slug, "bob"
    )
    errors = watch_errors(bob)
    held: list[Any] = []
    bob.route(re.compile(r"/files/[^/]+/thumb/"), lambda route: held.append(route))
    first = post(live_server, slug, alice, "Photos from the harbour, the agenda and a note", [wide, pdf, note])
    second = post(live_server, slug, alice, "Two more", [small, tall])

    message = bob.locator(f"#m{first['id']}")
    thumb = message.locator(".files .file-thumb img")
    expect(thumb).to_have_attribute("alt", "harbour.png")
    expect(thumb).to_have_attribute("width", str(wide["thumbnail_width"]))
    expect(thumb).to_have_attribute("height", str(wide["thumbnail_height"]))
    expect(thumb).to_have_attribute("loading", "lazy")
    bob.wait_for_function("() => document.querySelectorAll('.file-thumb img').length === 3")
    assert held, "the thumbnail was not asked for"
    assert thumb.evaluate("(img) => img.naturalWidth") == 0  # not loaded yet
    before = thumb.bounding_box()
    assert before and abs(ratio(thumb) - 1.5) < 0.02, before
    for route in held:
        route.continue_()
    bob.unroute(re.compile(r"/files/[^/]+/thumb/"))
    bob.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    after = thumb.bounding_box()
    assert after and abs(after["height"] - before["height"]) < 1 and abs(after["width"] - before["width"]) < 1
    assert thumb.evaluate("(img) => new URL(img.src).pathname") == wide["thumbnail_url"]

    # Several images: a grid of squares.
    grid = bob.locator(f"#m{second['id']} .file-images")
    expect(grid.locator(".file-thumb")).to_have_count(2)
    expect(grid).not_to_have_class(re.compile(r"\bsingle\b"))
    assert abs(ratio(grid.locator(".file-thumb").first) - 1) < 0.05

    # The PDF's card: its kind, its size, a download link to the file itself.
    card = message.locator(".file-card")
    expect(card).to_have_attribute("data-kind", "pdf")
    expect(card.locator(".file-name")).to_have_text("agenda.pdf")
    expect(card.locator(".file-meta")).to_have_text(f"PDF document · {pdf['size'] / 1000:.1f} kB")
    link = card.get_by_role("link", name="Download agenda.pdf")
    expect(link).to_have_attribute("href", pdf["url"])
    expect(link).to_have_attribute("download", "agenda.pdf")

    # The voice note: a player that learns its length, with the length the uploader gave.
    player = message.locator(".file-audio audio")
    expect(player).to_have_attribute("preload", "metadata")
    expect(message.locator(".file-audio .file-name")).to_have_text("voice.webm")
    expect(message.locator(".file-duration")).to_have_text("0:01")
    bob.wait_for_function("(a) => Number.isFinite(a.duration) && a.duration > 0.5", arg=player.element_handle())

    # The viewer: the full image, its name and place; the arrows move through the room's images.
    opener = message.locator(".file-thumb")
    opener.click()
    expect(bob.get_by_role("dialog", name="harbour.png")).to_be_visible()
    viewer = bob.locator("dialog.lightbox")
    full = viewer.locator("img.lightbox-image")
    expect(full).to_have_attribute("src", wide["url"])
    bob.wait_for_function("(img) => img.complete && img.naturalWidth === 1200", arg=full.element_handle())
    expect(viewer.locator(".lightbox-position")).to_have_text("1 of 3")
    expect(viewer.get_by_role("link", name="Download harbour.png")).to_have_attribute("download", "harbour.png")
    bob.keyboard.press("ArrowRight")
    expect(viewer.locator(".lightbox-name")).to_have_text("small.png")
    expect(viewer.locator(".lightbox-position")).to_have_text("2 of 3")
    expect(full).to_have_attribute("src", small["url"])
    bob.keyboard.press("ArrowLeft")
    expect(viewer.locator(".lightbox-name")).to_have_text("harbour.png")
    # Tab goes round the viewer's controls and never leaves it.
    for _ in range(6):
        bob.keyboard.press("Tab")
        assert viewer.evaluate("(d) => d.contains(document.activeElement)")
    bob.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(opener).to_be_focused()
    # Opened again and moved on, it closes back to the thumbnail of the image it showed.
    opener.click()
    bob.keyboard.press("ArrowRight")
    bob.keyboard.press("ArrowRight")
    expect(bob.locator("dialog.lightbox .lightbox-name")).to_have_text("tall.png")
    bob.get_by_role("button", name="Close the image").click()
    expect(bob.locator(f"#m{second['id']} .file-thumb").nth(1)).to_be_focused()

    # The host removes the message: its files go from bob's screen, and from the server.
    status, _ = live_server.api("DELETE", f"/api/events/{slug}/messages/{first['id']}", token=key)
    assert status == 200
    expect(message.locator(".body")).to_have_text("This message was removed by the host.")
    expect(message.locator(".files")).to_have_count(0)
    expect(bob.locator(f"#m{second['id']} .files .file-thumb")).to_have_count(2)
    for url in (wide["url"], wide["thumbnail_url"], pdf["url"], note["url"]):
        assert status_of(live_server, url) in (404, 410), url
    assert errors == []


def test_the_transcript_page_shows_a_messages_files(
    live_server: LiveServer, context_factory: Any, voice_note: bytes
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    _, alice = join(live_server, slug, "alice")
    wide = upload(live_server, slug, alice, "harbour.png", png(1200, 800, (30, 90, 160)), "image/png")
    pdf = upload(live_server, slug, alice, "agenda.pdf", PDF, "application/pdf")
    note = upload(live_server, slug, alice, "voice.webm", voice_note, "audio/webm", duration=1.2)
    said = post(live_server, slug, alice, "", [wide, pdf, note])

    page = context_factory(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(f"{live_server.base}/e/{slug}/transcript")
    line = page.locator(f"#m{said['id']}")
    image = line.locator(".files a.file-thumb img")
    expect(image).to_have_attribute("alt", "harbour.png")
    expect(image).to_have_attribute("src", wide["thumbnail_url"])
    assert image.get_attribute("width") and image.get_attribute("height")
    assert abs(int(image.get_attribute("width") or 0) / int(image.get_attribute("height") or 1) - 1.5) < 0.01
    expect(line.locator(".files a.file-thumb")).to_have_attribute("href", wide["url"])
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert abs(ratio(image) - 1.5) < 0.02
    card = line.locator(".file-card")
    expect(card.locator(".file-name")).to_have_text("agenda.pdf")
    expect(card.locator(".file-meta")).to_have_text(f"PDF document · {pdf['size'] / 1000:.1f} kB")
    expect(card.get_by_role("link", name="Download agenda.pdf")).to_have_attribute("href", pdf["url"])
    expect(line.locator(".file-audio audio")).to_have_attribute("src", note["url"])
    expect(line.locator(".file-duration")).to_have_text("0:01")

    # The image opens in the viewer, full size, and Escape gives the focus back to its thumbnail.
    line.locator(".files a.file-thumb").click()
    viewer = page.get_by_role("dialog", name="harbour.png")
    full = viewer.locator("img.lightbox-image")
    expect(full).to_have_attribute("src", wide["url"])
    page.wait_for_function(
        "() => { const img = document.querySelector('img.lightbox-image'); return img && img.complete && img.naturalWidth === 1200; }"
    )
    assert page.url.endswith("/transcript"), "the link was followed instead"
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(line.locator(".files a.file-thumb")).to_be_focused()


def test_a_private_lines_image_needs_the_readers_credential(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    alice_page = open_room(context_factory(service_workers="block"), live_server, slug, "alice")
    errors = watch_errors(alice_page)
    alice = str(
        alice_page.evaluate("(slug) => JSON.parse(localStorage.getItem('chatserver.participant.' + slug)).token", slug)
    )
    alice_id = int(
        alice_page.evaluate("(slug) => JSON.parse(localStorage.getItem('chatserver.participant.' + slug)).id", slug)
    )
    photo = upload(live_server, slug, alice, "receipt.png", png(640, 480, (120, 40, 120)), "image/png")
    line = post(live_server, slug, alice, "My receipt", [photo], to="hosts")
    assert line["private"] is True

    # Without a credential, or with another participant's, the file is not given.
    _, bob = join(live_server, slug, "bob")
    assert status_of(live_server, photo["url"]) in (403, 404)
    assert status_of(live_server, photo["url"], bob) in (403, 404)
    assert status_of(live_server, photo["url"], alice) == 200

    # alice's own private thread shows it, through an object URL fetched with her token.
    alice_page.get_by_role("button", name=re.compile("Message the hosts privately|Private messages")).click()
    shown = alice_page.locator(f"#private-thread #m{line['id']} .file-thumb img")
    expect(shown).to_have_attribute("src", re.compile(r"^blob:"))
    alice_page.wait_for_function(
        "(img) => img.complete && img.naturalWidth === 480", arg=shown.element_handle()
    )  # the thumbnail
    assert abs(ratio(shown) - 640 / 480) < 0.02
    expect(alice_page.locator("#messages")).not_to_contain_text("My receipt")  # never in the public list

    # The host console's inbox shows it too, fetched with the host's key.
    host = context_factory(service_workers="block").new_page()
    host.goto(live_server.base + created["links"]["host"])
    host.locator(f"#inbox-list button[data-pid='{alice_id}']").click()
    in_console = host.locator("#thread-lines .file-thumb img")
    expect(in_console).to_have_attribute("src", re.compile(r"^blob:"))
    host.wait_for_function("(img) => img.complete && img.naturalWidth === 480", arg=in_console.element_handle())
    in_console.click()
    viewer = host.get_by_role("dialog", name="receipt.png")
    expect(viewer.locator("img.lightbox-image")).to_have_attribute("src", re.compile(r"^blob:"))
    host.wait_for_function(
        "() => { const img = document.querySelector('img.lightbox-image'); return img && img.complete && img.naturalWidth === 640; }"
    )
    host.keyboard.press("Escape")
    expect(host.locator("#thread-lines .file-thumb")).to_be_focused()

    # Removed, it goes from her thread.
    status, _ = live_server.api("DELETE", f"/api/events/{slug}/messages/{line['id']}", token=alice)
    assert status == 200
    expect(alice_page.locator(f"#private-thread #m{line['id']} .files")).to_have_count(0)
    assert errors == []


def test_previews_and_files_wait_for_their_message_and_sizes_read_well(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event()["event"]["slug"]
    page = open_room(context_factory(), live_server, slug)
    out = page.evaluate("""async () => {
        const { ItemList } = await import("/static/items.js");
        const { durationText, kindOf } = await import("/static/file-view.js");
        const { sizeText } = await import("/static/file-words.js");
        const ol = document.createElement("ol");
        ol.className = "messages grouped";
        document.body.append(ol);
        const list = new ItemList(ol, { group: true });
        const at = (s) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
        const preview = (id, title) => ({ id, kind: "preview", target: 3, created_at: at(id),
          preview: { url: "https://example.org/page", title, description: "A page about things.", image_url: "/files/x/p.webp", image_width: 1200, image_height: 630 } });
        const out = {};
        // Two previews before their message (the older one read last): the newer waits and shows.
        list.add([preview(9, "Newer"), preview(5, "Older")]);
        list.add([{ id: 3, kind: "message", author: "amy", participant_id: 4, body: "see https://example.org/page", created_at: at(3),
          files: [{ id: "f1", name: "a.txt", type: "text/plain; charset=utf-8", size: 830, url: "/files/f1/a.txt" }] }]);
        const card = ol.querySelector("#m3 .link-preview");
        const link = card.querySelector("a");
        out.card = [card.querySelector(".link-preview-site").textContent, link.textContent, link.href, link.rel, link.target,
                    card.querySelector(".link-preview-description").textContent, card.querySelector("img").getAttribute("width")];
        out.order = Array.from(ol.querySelector("#m3").children, (el) => el.className.split(" ")[0]);
        // A preview whose address is not http(s) is never drawn.
        list.add([{ ...preview(10, "Bad"), preview: { url: "javascript:alert(1)", title: "Bad" } }]);
        out.still = ol.querySelector("#m3 .link-preview a").textContent;
        // A reaction after the files: the foot goes below them and the preview.
        list.add([{ id: 11, kind: "reaction", target: 3, emoji: "👍", author: "bob", participant_id: 5, created_at: at(11) }]);
        out.withFoot = Array.from(ol.querySelector("#m3").children, (el) => el.className.split(" ")[0]);
        list.add([{ id: 12, kind: "retraction", target: 3, created_at: at(12) }]);
        out.removed = ol.querySelectorAll("#m3 .files, #m3 .link-preview").length;
        out.sizes = [sizeText(830), sizeText(2345), sizeText(1234567), sizeText(25000000)];
        out.durations = [durationText(7.4), durationText(754), durationText(3723)];
        out.kinds = ["image/webp", "audio/ogg", "application/pdf", "text/plain; charset=utf-8", "application/zip", "x/y"].map((type) => kindOf({ type }));
        ol.remove();
        return out;
    }""")
    assert out["card"] == [
        "example.org",
        "Newer (opens in a new tab)",
        "https://example.org/page",
        "noopener noreferrer nofollow ugc",
        "_blank",
        "A page about things.",
        "1200",
    ]
    assert out["order"] == ["avatar", "meta", "body", "files", "link-preview"]
    assert out["still"] == "Newer (opens in a new tab)"
    assert out["withFoot"] == ["avatar", "meta", "body", "files", "link-preview", "item-foot"]
    assert out["removed"] == 0
    assert out["sizes"] == ["830 bytes", "2.3 kB", "1.2 MB", "25 MB"]
    assert out["durations"] == ["0:07", "12:34", "1:02:03"]
    assert out["kinds"] == ["image", "audio", "pdf", "text", "zip", "other"]


@pytest.fixture
def linked_site() -> Iterator[str]:
    """A page on a loopback port with Open Graph tags and an image, for the server to preview."""
    image = png(1200, 630, (200, 120, 20))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            if self.path == "/og.png":
                body, media = image, "image/png"
            else:
                body = (
                    b"<!doctype html><html><head><title>Harbour notes</title>"
                    b'<meta property="og:title" content="Harbour notes">'
                    b'<meta property="og:description" content="What we saw at the harbour: boats, cranes and the tide.">'
                    b'<meta property="og:site_name" content="Loopback Gazette">'
                    b'<meta property="og:image" content="/og.png"></head><body>Hello</body></html>'
                )
                media = "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_links_preview_shows_under_its_message(tmp_path: Path, linked_site: str, context_factory: Any) -> None:
    server = LiveServer(
        tmp_path / "chat.db", "--rate-limit", "0", "--max-wait", "30", "--unsafe-preview-allow", linked_site
    )
    try:
        created = server.create_event()
        slug = created["event"]["slug"]
        _, alice = join(server, slug, "alice")
        page = open_room(context_factory(viewport={"width": 1280, "height": 800}), server, slug, "bob")
        errors = watch_errors(page)
        status, posted = server.api(
            "POST", f"/api/events/{slug}/messages", {"body": f"Notes: http://{linked_site}/notes"}, alice
        )
        assert status == 201, posted
        card = page.locator(f"#m{posted['message']['id']} .link-preview")
        expect(card).to_be_visible(timeout=15000)
        title = card.get_by_role("link", name=re.compile("^Harbour notes"))
        expect(title).to_have_attribute("href", f"http://{linked_site}/notes")
        expect(title).to_have_attribute("rel", "noopener noreferrer nofollow ugc")
        expect(title).to_have_attribute("target", "_blank")
        expect(card.locator(".link-preview-site")).to_have_text("Loopback Gazette")
        expect(card.locator(".link-preview-description")).to_have_text(
            "What we saw at the harbour: boats, cranes and the tide."
        )
        image = card.locator("img.link-preview-image")
        src = image.get_attribute("src") or ""
        assert src.startswith("/") and linked_site not in src, src  # our server's copy, never the site's
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())

        transcript = context_factory().new_page()
        transcript.goto(f"{server.base}/e/{slug}/transcript")
        expect(transcript.locator(f"#m{posted['message']['id']} .link-preview a")).to_have_attribute(
            "href", f"http://{linked_site}/notes"
        )

        # A private line's link: its card shows in the hosts' inbox, its image fetched with the key.
        status, line = server.api(
            "POST", f"/api/events/{slug}/messages", {"body": f"http://{linked_site}/notes", "to": "hosts"}, alice
        )
        assert status == 201, line
        host = context_factory().new_page()
        host.goto(server.base + created["links"]["host"])
        host.locator("#inbox-list button", has_text="alice").click()
        card = host.locator("#thread-lines .link-preview")
        expect(card.get_by_role("link", name=re.compile("^Harbour notes"))).to_be_visible(timeout=15000)
        inbox_image = card.locator("img.link-preview-image")
        expect(inbox_image).to_have_attribute("src", re.compile(r"^blob:"))
        host.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=inbox_image.element_handle())
        assert errors == []
    finally:
        server.stop()


def test_a_message_of_files_alone_is_named_by_them_where_only_text_fits(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    alice_id, alice = join(live_server, slug, "alice")
    _, bob = join(live_server, slug, "bob")
    agenda = post(
        live_server, slug, alice, "", [upload(live_server, slug, alice, "agenda.pdf", PDF, "application/pdf")]
    )
    post(live_server, slug, bob, "Thanks, reading it now", [], reply_to=agenda["id"])
    photo = upload(live_server, slug, alice, "receipt.png", png(64, 48, (120, 40, 120)), "image/png")
    post(live_server, slug, alice, "", [photo], to="hosts")

    # A reply to a file sent alone quotes it by its name, not by an empty line.
    page = open_room(context_factory(), live_server, slug, "carol")
    quote = page.locator("#messages .reply-quote")
    expect(quote.locator(".quote-text")).to_have_text("File: agenda.pdf")
    expect(quote).to_have_attribute("aria-label", "In reply to alice: File: agenda.pdf")

    # The hosts' inbox lists alice's conversation by her photo's name.
    host = context_factory().new_page()
    host.goto(live_server.base + created["links"]["host"])
    expect(host.locator(f"#inbox-list button[data-pid='{alice_id}']")).to_contain_text("Image: receipt.png")


def test_the_review_queue_shows_a_held_messages_files_and_approval_sends_them(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(filter_words=["crypto*"])
    slug = created["event"]["slug"]
    _, alice = join(live_server, slug, "alice")
    photo = upload(live_server, slug, alice, "chart.png", png(640, 480, (20, 120, 200)), "image/png")
    status, held = live_server.api(
        "POST", f"/api/events/{slug}/messages", {"body": "My crypto chart", "files": [photo["id"]]}, alice
    )
    assert status == 202, held

    # The host judges by the picture too: it shows in the queue, fetched with the key.
    host = context_factory().new_page()
    host.goto(live_server.base + created["links"]["host"])
    row = host.locator("#held li", has_text="My crypto chart")
    shown = row.locator(".file-thumb img")
    expect(shown).to_have_attribute("src", re.compile(r"^blob:"), timeout=15_000)  # the queue loads every 10 s
    host.wait_for_function("(img) => img.complete && img.naturalWidth === 480", arg=shown.element_handle())

    # Approved, the message reaches the room with its picture.
    reader = open_room(context_factory(), live_server, slug, "bob")
    row.get_by_role("button", name="Approve the message from alice").click()
    arrived = reader.locator("#messages li.message", has_text="My crypto chart").locator("img")
    expect(arrived).to_have_attribute("alt", "chart.png")
    reader.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=arrived.element_handle())
