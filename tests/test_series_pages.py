"""A series' host console page (/s/<slug>/host): HTML that is never cached, names the series, escapes
its title, never holds the key (it stays in the fragment), and an unknown series is a plain 404 page."""

from __future__ import annotations

from typing import Any

from chatserver.timefmt import format_time, now_ms
from tests.helpers import Api, Reply

DAY = 24 * 3600 * 1000
XSS_TITLE = "<script>alert(1)</script>"
XSS_TITLE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def assert_html(reply: Reply, status: int = 200) -> str:
    assert reply.status == status, (reply.status, reply.body)
    assert reply.headers["Content-Type"].startswith("text/html"), reply.headers["Content-Type"]
    assert isinstance(reply.body, str)
    return reply.body


async def create_series(api: Api, title: str = "Weekly Tornado meeting") -> dict[str, Any]:
    """A weekly series whose first meeting is tomorrow, in UTC; the 201 body."""
    starts = now_ms() + DAY
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[(starts // DAY + 3) % 7]  # 1 Jan 1970 was a Thursday
    body = {
        "title": title,
        "starts_at": format_time(starts),
        "ends_at": format_time(starts + 3600_000),
        "rrule": f"FREQ=WEEKLY;BYDAY={weekday}",
        "time_zone": "UTC",
    }
    reply = await api.post("/api/series", body)
    assert reply.status == 201, reply.body
    return dict(reply.body)


async def test_the_console_page_is_html_never_cached_and_names_the_series(api: Api) -> None:
    created = await create_series(api)
    slug, key = created["series"]["slug"], created["host_key"]
    reply = await api.get(f"/s/{slug}/host")
    html = assert_html(reply)
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert "<title>Series host: Weekly Tornado meeting · chatserver</title>" in html
    assert '<h1 id="series-title" dir="auto">Weekly Tornado meeting</h1>' in html
    assert f'data-slug="{slug}"' in html and 'src="/static/series-host.js' in html
    assert f'href="/s/{slug}.ics"' in html and f'href="/s/{slug}"' in html
    assert key not in html  # the key lives in the link's fragment, which never reaches the server


async def test_the_console_page_escapes_the_title(api: Api) -> None:
    created = await create_series(api, title=XSS_TITLE)
    html = assert_html(await api.get(f"/s/{created['series']['slug']}/host"))
    assert XSS_TITLE_ESCAPED in html
    assert XSS_TITLE not in html


async def test_the_console_page_speaks_the_readers_language(api: Api) -> None:
    created = await create_series(api)
    reply = await api.get(f"/s/{created['series']['slug']}/host", headers={"Accept-Language": "de"})
    html = assert_html(reply)
    assert '<html lang="de"' in html and "data-catalog=" in html


async def test_an_unknown_series_console_is_an_html_404(api: Api) -> None:
    html = assert_html(await api.get("/s/nosuchseries/host"), 404)
    assert "There is no series at this address" in html
