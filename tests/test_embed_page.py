"""The embed page: the room without the site around it, framable only by the sites the host allows."""

from __future__ import annotations

from tests.helpers import Api


def ancestors(reply: object) -> str:
    policy = reply.headers["Content-Security-Policy"]  # type: ignore[attr-defined]
    return next(part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors"))


async def test_the_embed_page_follows_the_hosts_choice_of_sites(api: Api) -> None:
    created = await api.create_event(title="Embedded <b>room</b>")
    slug, key = created["event"]["slug"], created["host_key"]
    page = await api.get(f"/e/{slug}/embed")
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Embedded &lt;b&gt;room&lt;/b&gt;" in page.body and 'id="room"' in page.body
    assert 'class="site"' not in page.body  # no site header inside someone else's page
    assert ancestors(page) == "frame-ancestors *"  # by default any site may embed it

    await api.patch(f"/api/events/{slug}", {"embed_origins": ["https://app.example.org"]}, token=key)
    assert ancestors(await api.get(f"/e/{slug}/embed")) == "frame-ancestors 'self' https://app.example.org"
    await api.patch(f"/api/events/{slug}", {"embed_origins": []}, token=key)
    assert ancestors(await api.get(f"/e/{slug}/embed")) == "frame-ancestors 'self'"
    # The room page itself is never framed.
    assert ancestors(await api.get(f"/e/{slug}")) == "frame-ancestors 'none'"


async def test_an_unknown_room_has_no_embed_page(api: Api) -> None:
    reply = await api.get("/e/nosuchroom/embed")
    assert reply.status == 404 and reply.headers["Content-Type"].startswith("text/html")
