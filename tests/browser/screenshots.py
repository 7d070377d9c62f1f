"""Take the screenshots in docs/ from a real server with a seeded conversation: `make screenshots`.

Every page at desktop (1280×800) and phone (390×844) sizes, light and dark, into an output folder
(default /tmp/chatserver-shots) for a walk through; the ones the README shows are copied to docs/.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, LiveServer

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# Shots the README and docs link to: (page, size, scheme) → file in docs/.
KEPT = {
    ("room", "desktop", "light"): "screenshot.png",
    ("room", "desktop", "dark"): "screenshot-room-dark.png",
    ("room", "phone", "light"): "screenshot-room-phone.png",
    ("room", "phone", "dark"): "screenshot-room-phone-dark.png",
    ("transcript", "desktop", "light"): "screenshot-transcript-light.png",
    ("transcript", "desktop", "dark"): "screenshot-transcript-dark.png",
    ("host", "desktop", "light"): "screenshot-host.png",
    ("demo", "desktop", "light"): "screenshot-chat-bar.png",
    ("demo-collapsed", "desktop", "light"): "screenshot-chat-bar-collapsed.png",
    ("series", "desktop", "light"): "screenshot-series.png",
    ("series-host", "desktop", "light"): "screenshot-series-host.png",
    ("call", "desktop", "light"): "screenshot-call-desktop.png",
    ("call", "phone", "dark"): "screenshot-call-phone-dark.png",
}
# The other side's video plays in the call window.
VIDEO_PLAYS = (
    "() => { const v = document.querySelector('.call-remote'); return !!v && v.readyState >= 2 && v.videoWidth > 0; }"
)

CONVERSATION = [
    ("alice", "Morning all! Agenda is in the description; first up: the 6.5 release."),
    ("bob", "I pushed the IOStream fix last night, CI is green on 3.11 to 3.13."),
    ("carol", "@bob nice. Does it cover the half-closed socket case from last week?"),
    ("bob", "It does:\n\n    stream.set_close_callback(on_close)\n\nand a test that closes the write side first."),
    ("dana", "مرحبا! أتابع من القاهرة، شكرا على التسجيل."),
    ("alice", "Let's cut 6.5b1 on Friday then. Notes: www.tornadoweb.org/en/latest/releases.html"),
]


def seed(server: LiveServer, closed: bool = False) -> dict[str, Any]:
    """An open event with a few people, a conversation, an announcement and read receipts."""
    created = server.create_event(
        starts_in=-1800,
        lasts=3600 * 2,
        title="Weekly Tornado meeting",
        description="Agenda: the 6.5 release, IOStream fixes, docs. Notes: https://www.tornadoweb.org/",
    )
    slug = created["event"]["slug"]
    tokens = {name: server.join(slug, name) for name in ("alice", "bob", "carol", "dana")}
    for number, (name, body) in enumerate(CONVERSATION):
        status, _ = server.api("POST", f"/api/events/{slug}/messages", {"body": body}, tokens[name])
        assert status == 201
        if number == 2:
            status, _ = server.api(
                "POST",
                f"/api/events/{slug}/announcements",
                {"body": "Recording starts at :30; the transcript stays up for a month."},
                created["host_key"],
            )
            assert status == 201
    if closed:
        server.api("POST", f"/api/events/{slug}/close", None, created["host_key"])
    created["tokens"] = tokens
    return created


def seed_series(server: LiveServer) -> dict[str, Any]:
    """A weekly series whose first meeting has taken place (moved to this morning, then closed)."""
    created = server.create_series(
        starts_in=86400 * 2,
        title="Tornado office hour",
        description="Questions about Tornado, every week. Bring your tracebacks.",
    )
    key = created["host_key"]
    first = server.occurrences(created["series"]["slug"])[0]
    server.move(first["slug"], key, starts_in=-1800, lasts=3600)
    token = server.join(first["slug"], "alice")
    server.api("POST", f"/api/events/{first['slug']}/messages", {"body": "Thanks, see you next week!"}, token)
    server.api("POST", f"/api/events/{first['slug']}/close", None, key)
    return created


def settle(page: Any, name: str) -> None:
    """Wait until the page shows what it is for (a long poll never lets the network go idle)."""
    if name == "room":
        page.locator("#messages[aria-busy=false]").wait_for(state="attached")
    if name == "host":
        page.locator("#messages li").first.wait_for()
    if name == "series-host":
        page.locator("#coming li").first.wait_for()
    if name.startswith("demo"):
        page.frame_locator("iframe").first.locator("#messages[aria-busy=false]").wait_for(state="attached")
    page.evaluate("document.fonts.ready.then(() => new Promise(requestAnimationFrame))")


def open_page(context: Any, url: str) -> Any:
    """A new page at url; on a busy machine a navigation now and then stalls, so once more if so."""
    for attempt in (1, 2):
        page = context.new_page()
        try:
            page.goto(url, wait_until="domcontentloaded", timeout=20000)
            return page
        except Exception:
            page.close()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def shoot_call(browser: Any, server: LiveServer, file: Path, viewport: dict[str, int], scheme: str) -> None:
    """A video call from the room's private thread, on (the host answered in the console)."""
    event = seed(server)
    slug, key = event["event"]["slug"], event["host_key"]
    room = browser.new_context(viewport=viewport, color_scheme=scheme, device_scale_factor=1)
    console = browser.new_context(viewport=SIZES["desktop"])
    try:
        page = open_page(room, f"{server.base}/e/{slug}")
        page.get_by_label("Choose a nickname").fill("erin")
        page.get_by_role("button", name="Join").click()
        page.locator("#composer").wait_for()
        page.locator("#private-open").click()
        field = page.locator("#private-thread").get_by_label("Write privately")
        field.fill("Could we go through the release notes together?")
        field.press("Enter")
        page.locator("#private-thread li.message").first.wait_for()
        host = open_page(console, f"{server.base}/e/{slug}/host#key={key}")
        page.locator("#private-thread").get_by_role("button", name="Video call").click()
        host.locator(".call-window .call-accept").click()
        page.wait_for_function(VIDEO_PLAYS)
        page.locator(".call-window .call-status", has_text=":").wait_for()
        settle(page, "room")
        page.screenshot(path=str(file))
        page.locator(".call-window .call-hangup").click()
        host.locator(".call-window .call-close").wait_for()
    finally:
        room.close()
        console.close()


def shoot(browser: Any, server: LiveServer, out: Path) -> list[Path]:
    """Every page in every size and scheme; returns the files written."""
    past = seed(server, closed=True)
    series = seed_series(server)
    series_slug, series_key = series["series"]["slug"], series["host_key"]
    written = []
    for size, viewport in SIZES.items():
        for scheme in ("light", "dark"):
            event = seed(server)  # each context joins as "erin": a room of its own
            slug, key = event["event"]["slug"], event["host_key"]
            pages = {
                "home": "/",
                "room": f"/e/{slug}",
                "host": f"/e/{slug}/host#key={key}",
                "transcript": f"/e/{past['event']['slug']}/transcript",
                "archive": "/archive",
                "demo": f"/demo/embed?room={slug}&open=1",
                "demo-collapsed": f"/demo/embed?room={slug}",
                "series": f"/s/{series_slug}",
                "series-host": f"/s/{series_slug}/host#key={series_key}",
            }
            context = browser.new_context(viewport=viewport, color_scheme=scheme, device_scale_factor=1)
            try:
                for name, path in pages.items():
                    page = open_page(context, server.base + path)
                    if name == "room":
                        page.get_by_label("Choose a nickname").fill("erin")
                        page.get_by_role("button", name="Join").click()
                        page.locator("#composer").wait_for()
                        page.locator("#body").fill("Friday works for me.")
                    settle(page, name)
                    file = out / f"{name}-{size}-{scheme}.png"
                    page.screenshot(path=str(file))
                    written.append(file)
                    page.close()
            finally:
                context.close()
            file = out / f"call-{size}-{scheme}.png"
            shoot_call(browser, server, file, viewport, scheme)
            written.append(file)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="/tmp/chatserver-shots", help="folder for every shot")
    parser.add_argument("--keep", action="store_true", help="also copy the README's shots into docs/")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        server = LiveServer(Path(tmp) / "chat.db", "--rate-limit", "0")
        try:
            files = shoot(browser, server, out)
        finally:
            server.stop()
            browser.close()
    for file in files:
        print(file)
    if args.keep:
        for (name, size, scheme), target in KEPT.items():
            shutil.copyfile(out / f"{name}-{size}-{scheme}.png", ROOT / "docs" / target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
