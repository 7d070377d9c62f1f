"""The room in the reader's language, as a mechanism (the catalogs are translated later): the page
loads its catalog, the shared worker is started in the same language, the API is asked for it, and
the room says the server's system items in that language from their codes, names isolated. A small
German catalog is served in place of the real one; plural forms follow the language's own rules."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.helpers import iso_in

# A few of the room's messages in German, as a translator would write them.
GERMAN = {
    "{nickname} joined.": "{nickname} ist beigetreten.",
    "{a} and {b} joined.": "{a} und {b} sind beigetreten.",
    "{previous} is now {nickname}.": "{previous} heißt jetzt {nickname}.",
    "The host changed {fields}.": "Die Gastgeber haben {fields} geändert.",
    "the title": "den Titel",
    "the end time": "das Ende",
}

# Each CLDR category in Arabic its own form: which one a count picks shows the plural rule at work.
PLURALS = """async () => {
    const { words } = await import("/static/i18n.js");
    const forms = { zero: "zero {n}", one: "one {n}", two: "two {n}", few: "few {n}", many: "many {n}", other: "other {n}" };
    const arabic = words({ "{n} new message": forms }, "ar");
    const digits = new Intl.NumberFormat("ar");
    const counts = [0, 1, 2, 3, 11, 100];
    return [counts.map((n) => arabic.tn("{n} new message", "{n} new messages", n)), counts.map((n) => digits.format(n))];
}"""


def test_the_room_speaks_the_readers_language(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    status, joined = live_server.api("POST", f"/api/events/{slug}/participants", {"nickname": "محمد"})
    assert status == 201, joined
    live_server.join(slug, "bob")
    page = context_factory().new_page()
    catalogs: list[int] = []
    languages: set[str] = set()
    page.on("request", lambda r: "/api/" in r.url and languages.add(r.headers.get("accept-language", "")))

    def german(route: Any) -> None:
        # The server's own catalog for the language, with a few messages translated.
        response = route.fetch()
        catalogs.append(response.status)
        body = response.json()
        body["messages"].update(GERMAN)
        route.fulfill(response=response, body=json.dumps(body))

    page.route(re.compile(r"/i18n/de\.json"), german)
    page.goto(f"{live_server.base}/e/{slug}?locale=de")

    assert page.evaluate("document.documentElement.lang") == "de"
    assert catalogs == [200]
    # The server's sentences, said from their codes in the page's language; names stay isolated.
    # The two joins, one after the other, are one line.
    arrived = page.locator("#messages li.system[data-code=joined]:visible").locator(".body")
    expect(arrived).to_have_text("bob und محمد sind beigetreten.")
    expect(arrived.locator("bdi")).to_have_text(["bob", "محمد"])
    expect(arrived).to_have_css("direction", "ltr")
    live_server.api(
        "PATCH", f"/api/events/{slug}/participants/{joined['participant']['id']}", {"nickname": "Mo"}, joined["token"]
    )
    live_server.api("PATCH", f"/api/events/{slug}", {"title": "Neu", "ends_at": iso_in(7200)}, key)
    renamed = page.locator("#messages li.system[data-code=renamed] .body")
    expect(renamed).to_have_text("محمد heißt jetzt Mo.")
    expect(renamed.locator("bdi")).to_have_text(["محمد", "Mo"])
    # A list in the language's own words and order ("und"), not glued together in English.
    expect(page.locator("#messages li.system[data-code=updated] .body")).to_have_text(
        "Die Gastgeber haben den Titel und das Ende geändert."
    )

    # The shared worker runs in the same language: its URL names it and the catalog, and it works.
    expect(page.locator("#room")).to_have_attribute("data-transport", "worker")
    worker = page.evaluate(
        """async () => (await import("/static/tabs.js")).sharedWorkerUrl(document.getElementById("room").dataset)"""
    )
    params = dict(re.findall(r"[?&](\w+)=([^&]*)", worker))
    assert params["lang"] == "de"
    assert re.fullmatch(r"%2Fi18n%2Fde\.json%3Fv%3D\w+", params["catalog"]), worker
    # The API is asked for the page's language (its error messages follow it).
    assert languages == {"de"}

    # Plurals by the language's rules (Intl.PluralRules: 0, 1, 2, 3, 11, 100 each its own form in
    # Arabic), the counts in the language's digits.
    said, digits = page.evaluate(PLURALS)
    forms = ["zero", "one", "two", "few", "many", "other"]
    assert said == [f"{form} {n}" for form, n in zip(forms, digits, strict=True)]
