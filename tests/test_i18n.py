"""The languages: choosing one, the catalogs served to the front end, plural forms per language."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import pytest

from chatserver.errors import NicknameTaken
from chatserver.handlers.pages import system_text, words
from chatserver.i18n import LANGUAGES, Languages, accepted, fill
from chatserver.models import Item
from chatserver.translations import template
from tests.helpers import Api, assert_error, iso_in

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}


@pytest.fixture
def settings() -> dict[str, object]:
    """Three messages per participant in 10 s, to reach the limit quickly."""
    return {"max_wait": 5.0, "rate_limit": 3, "event_limit": 0, "join_limit": 0}


@pytest.fixture(scope="module")
def languages() -> Languages:
    return Languages()


def test_accept_language_is_read_by_quality_then_order() -> None:
    assert accepted("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5") == ["fr-CH", "fr", "en", "de"]
    assert accepted("de;q=0.5, ja") == ["ja", "de"]
    assert accepted("ar;q=0, es") == ["es"]  # q=0 means "not this one"
    assert accepted("en;q=nonsense, pt") == ["pt"]
    assert accepted("") == []


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("de-AT,de;q=0.9,en;q=0.8", "de"),
        ("pt-BR", "pt_BR"),
        ("pt", "pt_BR"),  # the one Portuguese there is
        ("pt-PT", "pt_BR"),
        ("ja-JP", "ja"),
        ("ar-EG", "ar"),
        ("sv, fi", "en"),  # nothing we speak: English
        ("zz-" + "x" * 5000, "en"),
        ("", "en"),
    ],
)
def test_the_browsers_languages_choose_the_page_language(languages: Languages, header: str, code: str) -> None:
    assert languages.negotiate(None, header).code == code


def test_a_choice_made_in_the_menu_wins_over_the_browser(languages: Languages) -> None:
    assert languages.negotiate("fr", "de").code == "fr"
    assert languages.negotiate("klingon", "de").code == "de"  # an unknown choice is no choice


def test_the_events_language_comes_after_what_the_reader_states(languages: Languages) -> None:
    assert languages.negotiate(None, None, "de").code == "de"
    assert languages.negotiate(None, "sv, fi", "de").code == "de"  # nothing usable from the browser
    assert languages.negotiate(None, "ja", "de").code == "ja"
    assert languages.negotiate("fr", "ja", "de").code == "fr"
    assert languages.negotiate(None, None, None).code == "en"


def test_plural_forms_map_to_the_categories_intl_uses(languages: Languages) -> None:
    for language in languages:
        catalog = json.loads(language.catalog)
        assert catalog["code"] == language.code
        assert catalog["dir"] == ("rtl" if language.code == "ar" else "ltr")
        for forms in catalog["messages"].values():
            if isinstance(forms, dict):
                assert "other" in forms


def test_fill_leaves_unknown_placeholders_and_braces_alone() -> None:
    assert fill("Hello {name}", {"name": "Bob"}) == "Hello Bob"
    assert fill('Send {"body": …}', {"name": "x"}) == 'Send {"body": …}'
    assert fill("{missing} stays", {}) == "{missing} stays"


def test_every_language_has_a_catalog_file() -> None:
    assert [code for code, _ in LANGUAGES][0] == "en"
    assert {code for code, _ in LANGUAGES} == {"en", "de", "fr", "es", "pt_BR", "ja", "ar"}


async def test_the_front_end_catalog_is_served_and_cached_by_version(api: Api) -> None:
    german = Languages().by_code["de"]
    fresh = await api.get(f"/i18n/de.json?v={german.version}")
    assert fresh.status == 200
    assert "immutable" in fresh.headers["Cache-Control"]
    assert fresh.body["tag"] == "de"
    stale = await api.get("/i18n/de.json?v=old")
    assert stale.headers["Cache-Control"] == "no-cache"
    missing = await api.get("/i18n/xx.json")
    assert (missing.status, missing.error_code) == (404, "not_found")


# -- the server's own words --------------------------------------------------------------------


def test_every_message_of_the_server_has_its_german() -> None:
    """The errors and the server's page words (chatserver/*.py) are all translated into German,
    each with the placeholders of the English."""
    german = Languages().by_code["de"]
    server = [m.id for m in template() if m.id and any(p.startswith("chatserver/") for p, _ in m.locations)]
    assert len(server) > 90
    for message in server:
        assert isinstance(message, str)
        translated = german.locale.translate(message)
        assert translated != message or message == "{time} UTC", message
        assert set(re.findall(r"\{(\w+)\}", translated)) == set(re.findall(r"\{(\w+)\}", message)), message


def test_an_error_keeps_its_english_template_and_values() -> None:
    refused = NicknameTaken("The nickname '{nickname}' is taken in this event; choose another.", nickname="bob")
    assert refused.message == "The nickname 'bob' is taken in this event; choose another."
    german = Languages().by_code["de"]
    assert (
        refused.localized(german.translate)
        == "Der Spitzname „bob“ ist in diesem Event schon vergeben; wähle einen anderen."
    )


async def _errors(api: Api, headers: dict[str, str]) -> list[tuple[int, str | None, str]]:
    """Four refusals a participant meets (an empty nickname, a taken one, a missing event, posting
    too fast), as (status, code, message), asked in one language."""
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    replies = [
        await api.post(f"/api/events/{slug}/participants", {"nickname": "  "}, headers=headers),
        await api.post(f"/api/events/{slug}/participants", {"nickname": "ALICE"}, headers=headers),
        await api.get("/api/events/nosuchroom", headers=headers),
    ]
    for n in range(3):
        assert (await api.say(slug, token, f"m{n}")).status == 201
    replies.append(
        await api.post(f"/api/events/{slug}/messages", {"body": "one too many"}, token=token, headers=headers)
    )
    for reply in replies:
        assert_error(reply, reply.status, reply.error_code or "")
    return [(r.status, r.error_code, r.body["error"]["message"]) for r in replies]


async def test_accept_language_de_gives_german_error_messages_with_the_same_codes(api: Api) -> None:
    german = await _errors(api, GERMAN)
    english = await _errors(api, {})
    assert [(status, code) for status, code, _ in german] == [(status, code) for status, code, _ in english]
    assert [(status, code) for status, code, _ in english] == [
        (400, "invalid_request"),
        (409, "nickname_taken"),
        (404, "not_found"),
        (429, "rate_limited"),
    ]
    messages = [message for _, _, message in german]
    assert messages[:3] == [
        "nickname darf nicht leer sein.",  # the field keeps the API's name
        "Der Spitzname „ALICE“ ist in diesem Event schon vergeben; wähle einen anderen.",
        "Zu diesem Link gibt es kein Event; prüf die Adresse.",
    ]
    assert re.fullmatch(r"Zu viele Nachrichten; versuch es in \d+ s noch einmal\.", messages[3]), messages[3]


async def test_english_stays_as_it_was_and_an_unknown_language_gets_english(api: Api) -> None:
    expected = [
        "nickname must not be empty.",
        "The nickname 'ALICE' is taken in this event; choose another.",
        "There is no event with this link; check the address.",
    ]
    for headers in ({}, {"Accept-Language": "en"}, {"Accept-Language": "sv-SE, tlh;q=0.5"}):
        messages = [message for _, _, message in await _errors(api, headers)]
        assert messages[:3] == expected, headers
        assert re.fullmatch(r"Too many messages; try again in \d+ s\.", messages[3]), messages[3]


async def test_a_page_error_speaks_the_readers_language(api: Api) -> None:
    missing = await api.get("/e/nosuchroom", headers=GERMAN)
    assert missing.status == 404
    assert "Unter dieser Adresse gibt es kein Event. Vielleicht enthält der Link einen Tippfehler." in missing.body
    assert "There is no event at this address" in (await api.get("/e/nosuchroom")).body


# -- an event's own language -------------------------------------------------------------------


async def test_an_events_language_is_set_normalised_changed_and_cleared(api: Api) -> None:
    created = await api.create_event(language="pt-BR")
    assert created["event"]["language"] == "pt_BR"
    slug, key = created["event"]["slug"], created["host_key"]
    assert (await api.get(f"/api/events/{slug}")).body["event"]["language"] == "pt_BR"
    assert (await api.create_event())["event"]["language"] is None
    items_before = await api.read_all(slug)

    changed = await api.patch(f"/api/events/{slug}", {"language": "DE"}, token=key)
    assert changed.status == 200 and changed.body["event"]["language"] == "de"
    assert (await api.get(f"/api/events/{slug}")).body["event"]["language"] == "de"
    cleared = await api.patch(f"/api/events/{slug}", {"language": None}, token=key)
    assert cleared.status == 200 and cleared.body["event"]["language"] is None
    assert await api.read_all(slug) == items_before  # the room shows no language: no `updated` item


@pytest.mark.parametrize("value", ["klingon", "de-AT", "pt", "", 7, ["de"]])
async def test_a_language_the_server_does_not_have_is_refused_naming_the_field(api: Api, value: Any) -> None:
    body = {"title": "T", "starts_at": iso_in(60), "ends_at": iso_in(3600), "language": value}
    assert_error(await api.post("/api/events", body), 400, "invalid_request", field="language")
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    assert_error(
        await api.patch(f"/api/events/{slug}", {"language": value}, token=key), 400, "invalid_request", "language"
    )
    german = await api.patch(f"/api/events/{slug}", {"language": value}, token=key, headers=GERMAN)
    assert german.body["error"]["message"] == "language muss null oder eines von en, de, fr, es, pt_BR, ja, ar sein."


async def test_the_transcript_header_of_a_german_event_is_german_and_its_lines_are_not(api: Api) -> None:
    created = await api.create_event(language="de", description="Tagesordnung")
    event = created["event"]
    _, token = await api.join(event["slug"], "alice")
    assert (await api.say(event["slug"], token, "hallo")).status == 201
    items = await api.read_all(event["slug"])

    def moment(iso: str, pattern: str) -> str:
        return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").strftime(pattern)

    text = (await api.get(f"/e/{event['slug']}/transcript.txt", headers={"Accept-Language": "en"})).body
    header, _, body = text.partition("\n\n")
    plain = "%Y-%m-%d %H:%M:%S UTC"  # the item lines' own format, in every language
    assert header.splitlines() == [
        "# Weekly Tornado meeting",
        f"# {moment(event['starts_at'], plain)} bis {moment(event['ends_at'], plain)}",
        "# Tagesordnung",
    ]
    stamps = [moment(item["created_at"], "[%Y-%m-%d %H:%M:%S UTC]") for item in items]
    assert body.splitlines() == [  # the contract's lines, in English, whatever the event's language
        f"{stamps[0]} * The event is open.",
        f"{stamps[1]} * alice joined.",
        f"{stamps[2]} alice: hallo",
    ]

    english = (await api.create_event())["event"]["slug"]
    header = (await api.get(f"/e/{english}/transcript.txt", headers=GERMAN)).body.splitlines()[1]
    assert re.fullmatch(r"# \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", header), header


async def test_an_events_pages_use_its_language_when_the_reader_states_none(api: Api) -> None:
    created = await api.create_event(starts_in=3600, language="de")
    slug, starts = created["event"]["slug"], created["event"]["starts_at"]
    moment = datetime.strptime(starts, "%Y-%m-%dT%H:%M:%S.%fZ")
    german = moment.strftime("%d.%m.%Y, %H:%M:%S UTC")
    japanese = moment.strftime(f"%Y/%m/%d {moment.hour}:%M:%S（UTC）")  # CLDR's ja medium: an unpadded hour
    for path in (f"/e/{slug}", f"/e/{slug}/transcript", f"/e/{slug}/host"):
        assert german in (await api.get(path)).body, path
        assert german in (await api.get(path, headers={"Accept-Language": "sv"})).body, path
        assert japanese in (await api.get(path, headers={"Accept-Language": "ja"})).body, path
        chosen = (await api.get(path + "?locale=ja", headers=GERMAN)).body
        assert japanese in chosen and german not in chosen, path
    english = (await api.get(f"/e/{slug}/transcript", headers={"Accept-Language": "en-GB"})).body
    assert german not in english and " UTC" in english


def _system(code: str, body: str, data: dict[str, Any] | None = None) -> Item:
    return Item(1, "system", code, None, None, body, 0, None, None, False, data)


def test_system_items_are_said_in_the_readers_language_with_names_as_written() -> None:
    german, english, french = (Languages().by_code[code] for code in ("de", "en", "fr"))
    items = [
        _system("opened", "The event is open."),
        _system("joined", "Anna Lena joined."),
        _system("banned", "x joined. was removed by the host."),
        _system("renamed", "bob is now Bobby.", {"previous": "bob", "nickname": "Bobby"}),
        _system("updated", "The host changed the title.", {"changes": {"title": "T"}}),
        _system(
            "updated",
            "The host changed the title, the start and end times.",
            {"changes": {"title": "T", "starts_at": "…", "ends_at": "…", "description": "D"}},
        ),
        _system("future", "Something new happened."),
    ]
    assert [system_text(item, german) for item in items] == [
        "Das Event hat begonnen.",
        "Anna Lena ist beigetreten.",
        "x joined. wurde vom Host entfernt.",
        "bob heißt jetzt Bobby.",
        "Der Host hat den Titel geändert.",
        "Der Host hat den Titel, die Beschreibung und die Start- und Endzeit geändert.",
        "Something new happened.",  # a code this server does not know: its English body
    ]
    for language in (english,):  # English: the server's own body
        assert [system_text(item, language) for item in items] == [item.body for item in items]


def test_the_templates_underscore_fills_placeholders_and_plurals() -> None:
    german = words(Languages().by_code["de"])
    english = words(Languages().by_code["en"])
    assert german("{nickname} joined.", nickname="<b>") == "<b> ist beigetreten."  # the template escapes it
    assert english("{count} message", "{count} messages", 1) == "1 message"
    assert english("{count} message", "{count} messages", 3) == "3 messages"
    assert english("Closed") == "Closed" and german("Closed") == "Beendet"
