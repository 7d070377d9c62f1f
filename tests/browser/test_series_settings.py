"""The series console's settings for its meetings (/s/<slug>/host#key=…): slow mode, joins, who can read
the transcript, erasing, and the word filter, saved with PATCH /api/series/<slug>; they reach the meetings
not yet open and every later one, while a meeting under way keeps its own; a refusal shows the server's
words beside the field and changes nothing."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer


def open_console(context: Any, server: LiveServer, created: dict[str, Any]) -> Any:
    page = context.new_page()
    page.goto(server.base + created["links"]["host"])
    expect(page.get_by_role("heading", name="Meeting settings")).to_be_visible()
    return page


def series_body(server: LiveServer, slug: str) -> dict[str, Any]:
    status, body = server.api("GET", f"/api/series/{slug}")
    assert status == 200, body
    return dict(body)


def filter_of(server: LiveServer, path: str, key: str) -> Any:
    """The word filter as the host endpoint answers it: a series' (series.filter_words) or an event's."""
    status, body = server.api("GET", path + "/host", token=key)
    assert status == 200, body
    return body["series"]["filter_words"] if "series" in body else body["filter_words"]


def test_slow_mode_and_a_filter_word_reach_the_meetings_not_yet_open(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_series()
    slug, key = created["series"]["slug"], created["host_key"]
    first, second = live_server.occurrences(slug)
    live_server.move(first["slug"], key, -60, 3600)  # under way: it keeps its own settings
    page = open_console(context_factory(), live_server, created)
    settings = page.locator("#settings")
    expect(settings.get_by_label("Slow mode")).to_have_value("0")
    expect(settings.get_by_label("Let new people join")).to_be_checked()
    expect(settings.get_by_label("Show when people join")).to_be_checked()
    expect(settings.get_by_label("Who can read the transcript afterwards")).to_have_value("public")
    expect(settings.get_by_label("Erase messages after")).to_have_value("never")
    expect(settings.get_by_role("spinbutton", name="Number of days")).to_be_hidden()
    words = settings.get_by_label("Held for review: one word or phrase per line")
    expect(words).to_have_value("")
    expect(page.locator("#settings-help")).to_contain_text("A meeting under way keeps its own settings")

    save = settings.get_by_role("button", name="Save the settings")
    save.click()
    expect(page.locator("#settings-status")).to_have_text("Nothing has changed.")

    settings.get_by_label("Slow mode").select_option(label="30 seconds")
    words.fill("  Crypto*\n\nbuy   now \n")
    with page.expect_request(lambda r: r.method == "PATCH" and r.url.endswith(f"/api/series/{slug}")) as sent:
        save.click()
    assert sent.value.post_data_json == {"slow_mode": 30, "filter_words": ["Crypto*", "buy now"]}
    expect(page.locator("#settings-status")).to_contain_text("Saved")
    # Read back as the server keeps it (lower case), from the host's own view of the series.
    expect(words).to_have_value("crypto*\nbuy now")

    body = series_body(live_server, slug)
    assert body["series"]["slow_mode"] == 30 and "filter_words" not in body["series"]
    assert filter_of(live_server, f"/api/series/{slug}", key) == ["crypto*", "buy now"]
    now, later = body["occurrences"]
    assert (now["slug"], now["slow_mode"]) == (first["slug"], 0)  # under way: unchanged
    assert (later["slug"], later["slow_mode"]) == (second["slug"], 30)
    assert filter_of(live_server, f"/api/events/{later['slug']}", key) == ["crypto*", "buy now"]
    assert not filter_of(live_server, f"/api/events/{now['slug']}", key)

    # A reload shows what was saved, the word filter read from GET …/host.
    page.reload()
    expect(settings.get_by_label("Slow mode")).to_have_value("30")
    expect(words).to_have_value("crypto*\nbuy now")

    # Another number of seconds, joins turned off, hosts only and erased after 7 days.
    settings.get_by_label("Slow mode").select_option(label="Another number of seconds…")
    seconds = settings.get_by_role("spinbutton", name="Seconds between one person's messages")
    expect(seconds).to_be_focused()
    seconds.fill("90")
    settings.get_by_label("Show when people join").uncheck()
    settings.get_by_label("Who can read the transcript afterwards").select_option(label="Only the hosts")
    settings.get_by_label("Erase messages after").select_option(label="A number of days")
    days = settings.get_by_role("spinbutton", name="Number of days")
    expect(days).to_be_focused()
    days.fill("7")
    with page.expect_request(lambda r: r.method == "PATCH" and r.url.endswith(f"/api/series/{slug}")) as sent:
        save.click()
    expected = {"slow_mode": 90, "join_items": False, "transcript": "hosts", "retention_days": 7}
    assert sent.value.post_data_json == expected
    expect(page.locator("#settings-status")).to_contain_text("Saved")
    later = series_body(live_server, slug)["occurrences"][1]
    assert {name: later[name] for name in expected} == expected
    page.reload()
    expect(settings.get_by_label("Slow mode")).to_have_value("other")
    expect(seconds).to_have_value("90")
    expect(settings.get_by_label("Show when people join")).not_to_be_checked()
    expect(days).to_have_value("7")


def test_a_bad_value_shows_the_servers_words_and_changes_nothing(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_series(filter_words=["spam"])
    slug, key = created["series"]["slug"], created["host_key"]
    page = open_console(context_factory(), live_server, created)
    settings = page.locator("#settings")
    words = settings.get_by_label("Held for review: one word or phrase per line")
    expect(words).to_have_value("spam")
    save = settings.get_by_role("button", name="Save the settings")

    settings.get_by_label("Slow mode").select_option(label="10 seconds")
    settings.get_by_label("Erase messages after").select_option(label="A number of days")
    days = settings.get_by_role("spinbutton", name="Number of days")
    days.fill("0")
    with page.expect_response(lambda r: r.request.method == "PATCH") as answer:
        save.click()
    assert answer.value.status == 400
    error = page.locator("#s-days-error")
    expect(error).to_have_text("The number of days must be a whole number from 1 to 3650.")
    expect(days).to_have_attribute("aria-invalid", "true")
    expect(days).to_be_focused()
    expect(page.locator("#settings-status")).to_be_hidden()
    days.fill("30")
    expect(error).to_be_hidden()
    expect(days).not_to_have_attribute("aria-invalid", "true")

    # A word of one letter: the server's words, and the line it is about.
    words.fill("spam\nx")
    with page.expect_response(lambda r: r.request.method == "PATCH") as answer:
        save.click()
    assert answer.value.status == 400
    filter_error = page.locator("#s-filter-error")
    expect(filter_error).to_have_text(
        "The word filter: each entry is 2 to 100 characters, with at most two * (any ending). See line 2."
    )
    expect(words).to_have_attribute("aria-invalid", "true")
    expect(words).to_be_focused()

    # Nothing changed: not the slow mode or the days sent with them, not the filter.
    series = series_body(live_server, slug)["series"]
    assert (series["slow_mode"], series["retention_days"]) == (0, None)
    assert filter_of(live_server, f"/api/series/{slug}", key) == ["spam"]
    assert all(o["slow_mode"] == 0 for o in live_server.occurrences(slug))

    # Mended, all of it is saved at once.
    words.fill("spam\nxx")
    expect(filter_error).to_be_hidden()
    save.click()
    expect(page.locator("#settings-status")).to_contain_text("Saved")
    series = series_body(live_server, slug)["series"]
    assert (series["slow_mode"], series["retention_days"]) == (10, 30)
    assert filter_of(live_server, f"/api/series/{slug}", key) == ["spam", "xx"]


def test_a_refresh_keeps_what_the_host_is_typing(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_series()
    slug, key = created["series"]["slug"], created["host_key"]
    page = context_factory().new_page()
    page.clock.install()
    page.goto(live_server.base + created["links"]["host"])
    settings = page.locator("#settings")
    words = settings.get_by_label("Held for review: one word or phrase per line")
    expect(words).to_have_value("")
    words.fill("giveaway")

    # Another tab changes slow mode: the console shows it after its refresh; the typing stays.
    status, reply = live_server.api("PATCH", f"/api/series/{slug}", {"slow_mode": 60, "filter_words": ["old"]}, key)
    assert status == 200, reply
    page.clock.run_for(31_000)
    expect(settings.get_by_label("Slow mode")).to_have_value("60")
    expect(words).to_have_value("giveaway")
