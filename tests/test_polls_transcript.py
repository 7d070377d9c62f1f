"""The transcript page shows each poll where it was asked, with its final result as bars that need no
script (<meter>), percentages and counts; counts the results option still hides are not on the page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Chat
from tests.helpers import Api
from tests.test_polls import cast, open_poll
from tests.test_private import room


@pytest.fixture
def settings() -> dict[str, object]:
    return {"max_wait": 5.0, "rate_limit": 0, "vote_limit": 0}


async def test_the_transcript_page_shows_each_poll_with_its_final_result(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    _, bob = await api.join(slug, "bob")
    assert (await api.post(f"/api/events/{slug}/messages", {"body": "before the poll"}, token=alice)).status == 201
    poll = (await open_poll(api, slug, key, results="closed")).body["poll"]
    assert (await api.post(f"/api/events/{slug}/messages", {"body": "after the poll"}, token=bob)).status == 201
    for token, choice in ((alice, [2]), (bob, [2])):
        assert (await cast(api, slug, token, poll["id"], choice)).status == 200
    # Open, results at close: the page shows the poll, not its counts.
    page = (await api.get(f"/e/{slug}/transcript")).body
    assert "Which day?" in page and "<meter" not in page and "Results when the poll closes" in page
    assert (await api.post(f"/api/events/{slug}/close", token=key)).status == 200
    page = (await api.get(f"/e/{slug}/transcript")).body
    # Where it was asked: between the two messages.
    assert page.index("before the poll") < page.index("Which day?") < page.index("after the poll")
    card = page[page.index(f'id="m{poll["id"]}"') :]
    card = card[: card.index('class="poll-voters')]  # its options, up to the number of voters
    meters = re.findall(r'<meter min="0" max="100" value="(\d+)"', card)
    assert meters == ["0", "0", "100"], meters
    assert "100%" in card and "2 votes" in card and "0 votes" in card
    assert "Closed" in page and "2 voters" in page
    # A reader in French reads the shares as French writes them.
    french = (await api.get(f"/e/{slug}/transcript", headers={"Accept-Language": "fr"})).body
    assert "100\u00a0%" in french or "100 %" in french or "100\u202f%" in french


async def test_a_poll_between_two_messages_of_one_author_ends_their_run(api: Api, chat: Chat) -> None:
    slug, key = await room(api)
    _, alice = await api.join(slug, "alice")
    assert (await api.post(f"/api/events/{slug}/messages", {"body": "before the poll"}, token=alice)).status == 201
    await open_poll(api, slug, key)
    said = await api.post(f"/api/events/{slug}/messages", {"body": "after the poll"}, token=alice)
    assert said.status == 201
    page = (await api.get(f"/e/{slug}/transcript")).body
    line = re.search(rf'<li id="m{said.body["message"]["id"]}" class="([^"]*)"', page)
    assert line is not None and line.group(1).split() == ["item", "message"], line
