"""Files people upload can never run script on chatserver's origin, opened however a browser may
open them: in a tab, in a frame of a room page, or fetched and shown by a hostile page's script."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from tests.browser.conftest import LiveServer
from tests.files_helpers import multipart

# Accepted as plain text (its first KiB is prose), yet a browser that sniffed it as HTML would run
# the script further down, which marks the room's origin and calls the API.
SCRIPT = b"<script>document.title = 'pwned'; localStorage.setItem('pwned', '1'); fetch('/pwned')</script>"
SNEAKY = b"Meeting notes, plain text.\n" * 60 + b"<html><body>" + SCRIPT + b"</body></html>\n"


def upload(server: LiveServer, slug: str, token: str, name: str, data: bytes) -> dict[str, Any]:
    body, content_type = multipart([("file", name, data)])
    request = urllib.request.Request(
        f"{server.base}/api/events/{slug}/files",
        data=body,
        headers={"Content-Type": content_type, "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["file"]  # type: ignore[no-any-return]


def test_an_uploaded_file_opened_in_a_tab_or_a_frame_runs_no_script(browser: Any, live_server: LiveServer) -> None:
    created = live_server.create_event()
    slug = created["event"]["slug"]
    token = live_server.join(slug, "mallory")
    file = upload(live_server, slug, token, "notes.html", SNEAKY)
    assert file["type"] == "text/plain; charset=utf-8" and file["name"] == "notes.html.txt"
    status, _ = live_server.api("POST", f"/api/events/{slug}/messages", {"files": [file["id"]]}, token=token)
    assert status == 201
    url = live_server.base + file["url"]
    context = browser.new_context(accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(f"{live_server.base}/e/{slug}")
        # In a tab: an attachment is downloaded, never rendered.
        with page.expect_download() as download:
            page.evaluate("url => { const a = document.createElement('a'); a.href = url; a.click(); }", url)
        assert download.value.suggested_filename == "notes.html.txt"
        # In a frame of chatserver's own page, the sandbox and the attachment keep it inert too.
        page.evaluate(
            "url => new Promise(done => { const f = document.createElement('iframe'); f.src = url;"
            " f.onload = done; setTimeout(done, 3000); document.body.append(f); })",
            url,
        )
        # Fetched by a script and forced into a document, it is text: its type says so, and nosniff.
        fetched = page.evaluate(
            "url => fetch(url).then(r => ({type: r.headers.get('content-type'),"
            " sniff: r.headers.get('x-content-type-options'), csp: r.headers.get('content-security-policy')}))",
            url,
        )
        assert fetched == {
            "type": "text/plain; charset=utf-8",
            "sniff": "nosniff",
            "csp": "sandbox; default-src 'none'",
        }
        assert page.title() != "pwned"
        assert page.evaluate("localStorage.getItem('pwned')") is None
        assert not any("/pwned" in line for line in live_server.log)
    finally:
        context.close()
