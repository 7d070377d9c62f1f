"""A series' link /s/<slug> and what lists series: the room of the current occurrence with the past
meetings, the chat bar's frame, the archive (a series once, its meetings under it) and the home page
(a series' current occurrence only)."""

from __future__ import annotations

import re

from tests.conftest import Chat
from tests.helpers import Api, JumpClock
from tests.test_pages import page
from tests.test_series import create_series, local, move_to, read_series, server_clock

BACKENDS = ("sqlite", "postgresql")
__all__ = ["server_clock"]  # the module's clock fixture, shared with tests/test_series.py


def room_slug(html: str) -> str:
    found = re.search(r'<article id="room" class="room" data-slug="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


async def test_the_series_link_shows_the_current_room_and_the_past_meetings(
    api: Api, chat: Chat, server_clock: JumpClock
) -> None:
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10), title="Tornado <weekly>")
    slug, key = created["series"]["slug"], created["host_key"]
    first, second = (await read_series(api, slug))["occurrences"]
    html = await page(api, f"/s/{slug}")
    # Before the first: its waiting room, on the series' link; the rule for the words in the page.
    assert room_slug(html) == first["slug"] and 'data-state="scheduled"' in html
    assert f'data-series="{slug}"' in html and 'data-series-rrule="FREQ=WEEKLY;BYDAY=TU"' in html
    assert "Tornado &lt;weekly&gt;" in html and "<weekly>" not in html
    assert f'href="/s/{slug}.ics"' in html and "Past meetings" not in html

    await move_to(chat, server_clock, first["starts_at"], before_ms=-1000)
    html = await page(api, f"/s/{slug}")
    assert room_slug(html) == first["slug"] and 'data-state="open"' in html

    # The host closes the first while open and cancels the second: the third is the room, and the
    # first's transcript is listed after the second (newest first), which is marked cancelled.
    assert (await api.post(f"/api/events/{first['slug']}/close", token=key)).status == 200
    assert (await api.post(f"/api/events/{second['slug']}/close", token=key)).status == 200  # cancelled
    third = (await read_series(api, slug))["occurrences"][2]
    html = await page(api, f"/s/{slug}")
    assert room_slug(html) == third["slug"]
    past = html[html.index('class="past-meetings"') :]
    assert "2 past meetings" in past
    assert past.index(f'datetime="{second["starts_at"]}"') < past.index(f"/e/{first['slug']}/transcript")
    assert "(cancelled)" in past and f"/e/{second['slug']}/transcript" not in past


async def test_an_ended_series_says_so_and_keeps_showing_its_last_meeting(api: Api) -> None:
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10))
    slug, key = created["series"]["slug"], created["host_key"]
    first = (await read_series(api, slug))["occurrences"][0]
    assert (await api.post(f"/api/series/{slug}/end", token=key)).status == 200
    assert (await api.post(f"/api/events/{first['slug']}/close", token=key)).status == 200
    html = await page(api, f"/s/{slug}")
    assert 'data-state="closed"' in html and "This series has ended" in html


async def test_unknown_series_pages_are_html_404s(api: Api) -> None:
    for path in ("/s/nosuchseries", "/s/nosuchseries/embed", "/s/nosuchseries/host", "/s/%00"):
        html = await page(api, path, 404)
        assert "There is no series at this address" in html or "There is no page" in html


async def test_the_series_frame_follows_the_series_and_its_allowed_sites(api: Api) -> None:
    created = await create_series(
        api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10), embed_origins=["https://app.example.org"]
    )
    slug = created["series"]["slug"]
    reply = await api.get(f"/s/{slug}/embed")
    assert reply.status == 200
    assert reply.headers["Content-Security-Policy"].endswith("frame-ancestors 'self' https://app.example.org")
    first = (await read_series(api, slug))["occurrences"][0]
    assert room_slug(reply.body) == first["slug"] and f'data-series="{slug}"' in reply.body
    # Each occurrence takes the series' allowed sites.
    assert (await api.get(f"/api/events/{first['slug']}")).body["event"]["embed_origins"] == ["https://app.example.org"]


async def test_the_archive_shows_a_series_once_with_its_meetings(api: Api) -> None:
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10), title="Tornado weekly")
    slug, key = created["series"]["slug"], created["host_key"]
    one_off = await api.create_event(title="A one-off")
    assert (await api.post(f"/api/events/{one_off['event']['slug']}/close", token=one_off["host_key"])).status == 200
    for _ in range(3):  # cancel the current one three times: three closed meetings, one series
        current = (await read_series(api, slug))["series"]["current"]
        assert (await api.post(f"/api/events/{current['slug']}/close", token=key)).status == 200
    html = await page(api, "/archive")
    assert html.count(f'href="/s/{slug}"') == 1 and html.count("Tornado weekly") == 1
    assert "3 past meetings" in html and "A one-off" in html
    # Searching by title finds the series once too.
    html = await page(api, "/archive?q=weekly")
    assert html.count(f'href="/s/{slug}"') == 1 and "A one-off" not in html


async def test_the_home_page_lists_a_series_current_meeting_only(api: Api) -> None:
    created = await create_series(api, "FREQ=WEEKLY;BYDAY=TU", local("2027-03-23", 10), title="Tornado weekly")
    slug = created["series"]["slug"]
    first, second = (await read_series(api, slug))["occurrences"]
    html = await page(api, "/")
    # Once, linked to the series' link, at the first meeting's time.
    assert html.count("Tornado weekly") == 1 and html.count(f'href="/s/{slug}"') == 1
    assert f'datetime="{first["starts_at"]}"' in html and f'datetime="{second["starts_at"]}"' not in html
