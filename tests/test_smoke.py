from tests.helpers import Api

BACKENDS = ("sqlite", "postgresql")  # the same tests on both engines (tests/conftest.py)


async def test_join_post_and_read(api: Api) -> None:
    created = await api.create_event()
    slug = created["event"]["slug"]
    _, token = await api.join(slug, "alice")
    reply = await api.say(slug, token, "hello", client_id="c-1")
    assert reply.status == 201
    items = await api.read_all(slug)
    assert [(i["kind"], i.get("code"), i["body"]) for i in items] == [
        ("system", "opened", "The event is open."),
        ("system", "joined", "alice joined."),
        ("message", None, "hello"),
    ]
