"""The home page lists what starts, or closes, soonest first, however many events there are."""

from __future__ import annotations

import re

from tests.helpers import Api

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)


def titles(html: str, section: str) -> list[str]:
    part = html.split(f'id="{section}-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="event-title"[^>]*>(?:<span[^>]*></span>)?([^<]+)</a>', part)


async def test_the_soonest_events_lead_even_when_they_are_the_oldest(api: Api) -> None:
    # Created first, so beyond the newest 50: still first on the page.
    await api.create_event(starts_in=600, lasts=600, title="Soonest start")
    await api.create_event(starts_in=-60, lasts=120, title="Closing soonest")
    for n in range(60):
        await api.create_event(starts_in=3600 + n * 60, lasts=600, title=f"Later {n}")
        await api.create_event(starts_in=-60, lasts=7200 + n * 60, title=f"Open {n}")
    await api.create_event(starts_in=700, lasts=600, title="Unlisted", listed=False)
    html = (await api.get("/")).body
    upcoming = titles(html, "upcoming")
    assert upcoming[:3] == ["Soonest start", "Later 0", "Later 1"]
    assert "Unlisted" not in upcoming
    assert titles(html, "open")[:2] == ["Closing soonest", "Open 0"]
