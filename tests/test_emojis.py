"""Reactions' emoji (chatserver/emojis.py): exactly one emoji or refused, one stored form for each, and
the picker's catalog per language, served at /emoji/<code>.json (chatserver/handlers/emoji.py).

Properties over the whole of Unicode's emoji list (as the `emoji` package carries it) beside the
examples that pin the decisions taken (the module's docstring states the rule)."""

from __future__ import annotations

import json

import emoji
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatserver.emoji_groups import GROUPS
from chatserver.emojis import (
    VS16,
    EmojiCatalogs,
    canonical_emoji,
    emoji_catalog,
    group_id,
    names_language,
    one_emoji,
    picker_groups,
)
from chatserver.i18n import LANGUAGES
from tests.helpers import Api

PROPS = settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

COMPONENT = emoji.STATUS["component"]
FULLY_QUALIFIED = emoji.STATUS["fully_qualified"]
#: Every emoji Unicode lists, in every qualification (with and without U+FE0F), components aside.
EVERY = sorted(text for text, data in emoji.EMOJI_DATA.items() if data["status"] != COMPONENT)
SKIN_TONES = [chr(c) for c in range(0x1F3FB, 0x1F400)]
HAIR = ["\U0001f9b0", "\U0001f9b1", "\U0001f9b3", "\U0001f9b2"]
REGIONAL_INDICATORS = [chr(c) for c in range(0x1F1E6, 0x1F200)]
ZWJ, VS15, KEYCAP = "\u200d", "\ufe0e", "\u20e3"
TAGS = [chr(c) for c in (0xE0067, 0xE0062, 0xE0065, 0xE006E, 0xE007F)]
#: Pieces of emoji sequences that are no emoji alone.
PIECES = SKIN_TONES + HAIR + REGIONAL_INDICATORS + TAGS + [ZWJ, VS16, VS15, KEYCAP, "#", "*", *"0123456789"]
#: Text that cannot combine with an emoji into another one: letters, digits, punctuation, spaces.
PLAIN = st.text(st.characters(categories=["L", "N", "P", "Zs", "Cc"]), min_size=1, max_size=5)
GROUP_IDS = [
    "smileys-emotion",
    "people-body",
    "animals-nature",
    "food-drink",
    "travel-places",
    "activities",
    "objects",
    "symbols",
    "flags",
]
CODES = [code for code, _name in LANGUAGES]
SIZE_BOUND = 120_000


# -- one emoji ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "👍",
        "👍🏽",  # a skin tone
        "👩\u200d💻",  # a ZWJ sequence
        "👨\u200d👩\u200d👧",
        "🧑🏻\u200d🤝\u200d🧑🏿",  # two skin tones in one sequence
        "🇩🇪",  # a flag: two regional indicators
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland: tag sequence
        "1\ufe0f\u20e3",  # a keycap
        "1\u20e3",  # the keycap without FE0F
        "#\ufe0f\u20e3",
        "❤\ufe0f",
        "❤",  # without VS16 as well
        "©",  # a text-default emoji without VS16 is still the emoji
        "©\ufe0f",
        "🏳\ufe0f\u200d🌈",
        "🏳\u200d🌈",
    ],
)
def test_one_emoji_is_accepted(text: str) -> None:
    assert one_emoji(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "👍 ",
        " 👍",
        "\n👍",
        "👍👍",  # two
        "🇩🇪🇩🇪",
        "a👍",
        "👍!",
        "🏻",  # a skin-tone modifier alone: a component, no emoji
        "🦰",  # a hair component alone
        "🇩",  # a regional indicator alone
        "\u200d",  # ZWJ alone
        "👍\u200d",  # a dangling ZWJ
        "\u200d👍",
        "\ufe0f",  # VS16 alone
        "❤\ufe0f\ufe0f",
        "❤\ufe0e",  # asks for text presentation
        "1",  # a digit is no emoji without its keycap
        "#",
        "*",
        "\u20e3",
        "👍🏽🏽",
        "🇽🇽",  # no such flag
        "👨\u200d🦰\u200d🦱",  # not a sequence Unicode recommends
        "\ud83d",  # a lone surrogate (JSON can carry one)
        "thumbs up",
        ":thumbs_up:",
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    assert not one_emoji(text)
    with pytest.raises(ValueError):
        canonical_emoji(text)


@PROPS
@given(st.sampled_from(EVERY))
def test_every_emoji_of_unicodes_list_is_one_emoji(text: str) -> None:
    assert one_emoji(text)


@PROPS
@given(st.sampled_from(EVERY), st.sampled_from(EVERY))
def test_two_emoji_are_never_one(first: str, second: str) -> None:
    assert not one_emoji(first + second)


@PROPS
@given(st.sampled_from(EVERY), PLAIN, st.sampled_from(["before", "after", "both"]))
def test_text_beside_an_emoji_is_refused(text: str, plain: str, where: str) -> None:
    around = {"before": plain + text, "after": text + plain, "both": plain + text + plain}[where]
    assert not one_emoji(around)


@pytest.mark.parametrize("piece", PIECES, ids=ascii)
def test_a_piece_of_an_emoji_alone_is_refused(piece: str) -> None:
    assert not one_emoji(piece)


@PROPS
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=4))
def test_pieces_make_an_emoji_only_as_a_flag_or_a_keycap(pieces: list[str]) -> None:
    text = "".join(pieces)
    if one_emoji(text):
        flag = len(pieces) == 2 and all(p in REGIONAL_INDICATORS for p in pieces)
        keycap = pieces[0] in "#*0123456789" and pieces[-1] == KEYCAP
        assert flag or keycap, ascii(text)


@PROPS
@given(st.text(st.characters(codec=None, exclude_categories=()), max_size=8))
def test_any_text_is_answered_without_an_error(text: str) -> None:
    if one_emoji(text):
        assert canonical_emoji(text) in emoji.EMOJI_DATA


# -- one stored form ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_", "stored"),
    [
        ("❤", "❤\ufe0f"),
        ("❤\ufe0f", "❤\ufe0f"),
        ("©", "©\ufe0f"),
        ("1\u20e3", "1\ufe0f\u20e3"),
        ("🏳\u200d🌈", "🏳\ufe0f\u200d🌈"),
        ("👁\u200d🗨", "👁\ufe0f\u200d🗨\ufe0f"),
        ("👁\ufe0f\u200d🗨", "👁\ufe0f\u200d🗨\ufe0f"),
        ("👍", "👍"),  # emoji presentation by default: no FE0F added
        ("👍🏽", "👍🏽"),
    ],
)
def test_the_stored_form_is_the_fully_qualified_one(given_: str, stored: str) -> None:
    assert canonical_emoji(given_) == stored


def test_a_heart_with_and_without_vs16_is_one_reaction() -> None:
    assert canonical_emoji("❤") == canonical_emoji("❤\ufe0f")


@PROPS
@given(st.sampled_from(EVERY))
def test_the_stored_form_is_the_same_emoji_fully_qualified_and_stays_as_it_is(text: str) -> None:
    stored = canonical_emoji(text)
    assert emoji.EMOJI_DATA[stored]["status"] == FULLY_QUALIFIED
    assert emoji.EMOJI_DATA[stored]["en"] == emoji.EMOJI_DATA[text]["en"]
    assert stored.replace(VS16, "") == text.replace(VS16, "")  # only where FE0F stands differs
    assert one_emoji(stored)
    assert canonical_emoji(stored) == stored


# -- the picker's catalog -------------------------------------------------------------------------


def catalog(code: str) -> dict[str, object]:
    body = json.loads(emoji_catalog(code))
    assert isinstance(body, dict)
    return body


def entries(code: str) -> dict[str, list[str]]:
    """emoji → [emoji, name, keywords?] of one language's catalog."""
    body = catalog(code)
    return {entry[0]: entry for group in body["groups"] for entry in group["emoji"]}  # type: ignore[attr-defined]


def test_the_vendored_groups_are_unicodes_nine_in_order_and_every_emoji_has_a_name() -> None:
    groups = picker_groups()
    assert [group_id(name) for name, _members in groups] == GROUP_IDS
    assert [name for name, _block in GROUPS][0] == "Smileys & Emotion"
    members = [one for _name, group in groups for one in group]
    assert len(members) == len(set(members)) > 1800
    for one in members:
        assert emoji.EMOJI_DATA[one]["status"] == FULLY_QUALIFIED, ascii(one)
    assert members[:3] == ["😀", "😃", "😄"]
    assert "🇩🇪" in dict(groups)["Flags"]


def test_the_picker_leaves_out_skin_tone_variants_and_components_but_misses_no_other_emoji() -> None:
    shown = set(entries("en"))
    assert not any(tone in one for one in shown for tone in SKIN_TONES)
    assert not shown & set(HAIR)
    # Every fully-qualified emoji without a skin tone up to the vendored groups' Unicode version (17.0).
    wanted = {
        one
        for one, data in emoji.EMOJI_DATA.items()
        if data["status"] == FULLY_QUALIFIED and data["E"] <= 17 and not any(t in one for t in SKIN_TONES)
    }
    assert wanted == shown


@pytest.mark.parametrize("code", CODES)
def test_every_languages_catalog_parses_has_every_group_and_stays_small(code: str) -> None:
    raw = emoji_catalog(code)
    assert len(raw) < SIZE_BOUND, len(raw)
    body = json.loads(raw)
    assert body["code"] == code
    assert [group["id"] for group in body["groups"]] == GROUP_IDS
    for group in body["groups"]:
        assert group["emoji"], group["id"]
        for entry in group["emoji"]:
            assert len(entry) in (2, 3), entry
            one, name, *keywords = entry
            assert one_emoji(one) and canonical_emoji(one) == one  # the picker sends the stored form
            assert name.strip() and ":" not in name[:1] and "_" not in name, entry
            assert all(k.strip() for k in keywords), entry


def test_names_are_in_the_pages_language_and_english_words_find_them_too() -> None:
    english, german, japanese = entries("en"), entries("de"), entries("ja")
    assert english["👍"][1] == "thumbs up"
    assert "thumbsup" in english["👍"][2].split()  # a shortcode people type
    assert german["👍"][1] != "thumbs up"
    assert "thumbs" in german["👍"][2].split()  # the English name searches in every language
    assert japanese["😀"][1] != english["😀"][1]
    emoji.config.load_language("pt")
    assert entries("pt_BR")["👍"][1] == emoji.EMOJI_DATA["👍"]["pt"].strip(":").replace("_", " ")


def test_our_language_codes_map_to_the_emoji_packages_names() -> None:
    assert [names_language(code) for code in CODES] == ["en", "de", "fr", "es", "pt", "ja", "ar"]
    assert names_language("xx") == "en"  # a language the emoji package lacks: English names


def test_catalogs_are_built_once_per_language_and_only_for_ours() -> None:
    catalogs = EmojiCatalogs()
    german = catalogs.catalog("de")
    assert german is not None and catalogs.catalog("de") is german
    assert german.body == emoji_catalog("de")
    assert catalogs.url("de") == f"/emoji/de.json?v={german.version}"
    assert catalogs.catalog("xx") is None and catalogs.url("xx") is None
    assert catalogs.catalog("pt") is None  # our code is pt_BR
    assert EmojiCatalogs(["en"]).catalog("de") is None


# -- served ---------------------------------------------------------------------------------------


async def test_the_catalog_is_served_and_cached_by_version(api: Api) -> None:
    german = EmojiCatalogs().catalog("de")
    assert german is not None
    fresh = await api.get(f"/emoji/de.json?v={german.version}")
    assert fresh.status == 200
    assert fresh.headers["Content-Type"].startswith("application/json")
    assert fresh.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert [group["id"] for group in fresh.body["groups"]] == GROUP_IDS
    plain = await api.get("/emoji/de.json")
    assert plain.status == 200 and plain.headers["Cache-Control"] == "no-cache"
    etag = plain.headers["ETag"]
    again = await api.get("/emoji/de.json", headers={"If-None-Match": etag})
    assert again.status == 304
    stale = await api.get("/emoji/de.json?v=old")
    assert stale.status == 200 and stale.headers["Cache-Control"] == "no-cache"
    brazilian = await api.get("/emoji/pt_BR.json")
    assert brazilian.status == 200 and brazilian.body["code"] == "pt_BR"


async def test_an_unknown_language_is_a_json_404(api: Api) -> None:
    missing = await api.get("/emoji/xx.json")
    assert (missing.status, missing.error_code) == (404, "not_found")
    assert missing.headers["Content-Type"].startswith("application/json")
