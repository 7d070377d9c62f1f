"""Property-based tests of every input validator (chatserver/validation.py, chatserver/timefmt.py).

Each validator either returns a value that keeps the rules of API.md (and of docs/api.md's
"What input is refused and what is normalised") or raises InvalidRequest -- never anything else,
whatever Unicode it is fed. Example-based tests beside the properties pin the bugs they found
(marked "Regression") and the decisions taken.
"""

from __future__ import annotations

import calendar
import functools
import json
import math
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chatserver import validation as v
from chatserver.errors import InvalidRequest, NicknameTaken
from chatserver.timefmt import LATEST_MS, format_time, parse_time

PROPS = settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
FEW = settings(PROPS, max_examples=100)

# -- strategies ----------------------------------------------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u034f\u180e\u2800\u3164\u115f\u1160\uffa0\ufe0f\U000e0041"
COMBINING = "".join(map(chr, range(0x300, 0x370))) + "\u0591\u05b4\u05bc\u0651\u064e\u0f71\u0f90\u20dd\u20e3"
SPACES = " \t\u00a0\u1680\u2000\u2003\u200a\u202f\u205f\u3000\u2028\u2029\u0085\x1c"
CONTROLS = "\x00\x07\x08\x0b\x0c\r\n\x1b\x7f\x80\x9f"
SURROGATES = "\ud800\udbff\udc00\udfff"
LETTERS = "aAzZßİıﬀÅΩKée\u0301ＡＬｉｃｅ文字אבعربي한글ᾳ\u0345ǅ"
EMOJI = [
    "😀",
    "👩\u200d🚀",
    "❤\ufe0f",
    "1\ufe0f\u20e3",
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "👍🏽",
]
NON_ASCII_DIGITS = "٠١٢٣٤٥٦٧٨٩" + "０１２３４５６７８９" + "०१२३४५६७८९" + "߀߁߂߃߄߅߆߇߈߉"

#: Any code point at all, lone surrogates included (JSON can carry them as \udXXX escapes).
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)
tricky_char = st.one_of(
    st.sampled_from(BIDI + INVISIBLE + COMBINING + SPACES + CONTROLS + SURROGATES + LETTERS),
    st.sampled_from(EMOJI),
    st.characters(codec=None, exclude_categories=()),
)
#: Text built from the characters that make validation hard: bidi controls, invisibles, marks, ...
tricky_text = st.lists(tricky_char, max_size=40).map("".join)
text = st.one_of(any_text, tricky_text)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)
not_a_string = JSON_VALUES.filter(lambda x: not isinstance(x, str) and x is not None)


def outcome(fn: Callable[[], Any]) -> tuple[bool, Any]:
    """(True, result) or (False, the InvalidRequest); any other exception fails the test."""
    try:
        return True, fn()
    except InvalidRequest as error:
        assert error.message and error.message[-1] in ".:", error.message
        return False, error


def is_nfc(s: str) -> bool:
    return unicodedata.normalize("NFC", s) == s


def utf8_ok(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def mark_run(s: str) -> int:
    """Independent count of the longest stack of non-spacing marks (invisible format chars do not break it)."""
    longest = run = 0
    for ch in s:
        cat = unicodedata.category(ch)
        if cat in ("Mn", "Me"):
            run += 1
            longest = max(longest, run)
        elif cat != "Cf" and ch not in INVISIBLE and not "\ufe00" <= ch <= "\ufe0f":
            run = 0
    return longest


def no_controls(s: str, allow: str = "") -> bool:
    return not any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allow for ch in s)


# -- nicknames ------------------------------------------------------------------------------------


def check_nickname(raw: Any) -> tuple[bool, Any]:
    ok, result = outcome(lambda: v.nickname({"nickname": raw}))
    if ok:
        assert isinstance(result, str)
        assert is_nfc(result)
        assert 1 <= len(result) <= v.NICKNAME_MAX
        assert not result[0].isspace() and not result[-1].isspace()
        assert result[0] not in INVISIBLE[:12] and result[-1] not in INVISIBLE[:12]  # trimmed
        assert no_controls(result) and utf8_ok(result)
        assert not any(ch in BIDI or ch in "\u2028\u2029" for ch in result)
        assert v.nickname_key(result), "a nickname has something visible"
        assert mark_run(result) <= v.COMBINING_MAX
        # Idempotent: what was stored validates to itself.
        assert v.nickname({"nickname": result}) == result
    else:
        assert "nickname" in result.message
    return ok, result


@PROPS
@given(text)
def test_nickname_is_refused_or_clean_and_idempotent(raw: str) -> None:
    check_nickname(raw)


@PROPS
@given(
    st.lists(st.sampled_from(BIDI + INVISIBLE + COMBINING[:20] + " ab\u05d0\u0627Ａ"), min_size=1, max_size=12).map(
        "".join
    )
)
def test_nickname_made_of_bidi_invisible_and_marks(raw: str) -> None:
    ok, _ = check_nickname(raw)
    if any(ch in BIDI for ch in raw):  # never trimmed away, so always refused
        assert not ok


@FEW
@given(text)
def test_nickname_through_json_with_escaped_surrogates(raw: str) -> None:
    # ensure_ascii escapes lone surrogates as \udXXX, as a hostile client would send them.
    body = v.parse_json_object(json.dumps({"nickname": raw}).encode())
    ok, _ = check_nickname(body["nickname"])
    if any("\ud800" <= ch <= "\udfff" for ch in raw):
        assert not ok


@FEW
@given(not_a_string)
def test_nickname_that_is_not_a_string_is_refused(raw: Any) -> None:
    with pytest.raises(InvalidRequest, match="nickname"):
        v.nickname({"nickname": raw})


plain_nick = st.text(
    st.characters(categories=["Lu", "Ll", "Lo", "Nd"], exclude_characters="\u115f\u1160\u3164\uffa0"),
    min_size=1,
    max_size=v.NICKNAME_MAX,
).map(lambda s: unicodedata.normalize("NFC", s))


@PROPS
@given(plain_nick, st.text(" \t\u3000\u00a0\ufeff\u200b", max_size=3), st.text(" \u3000\u200b", max_size=3))
def test_ordinary_nickname_is_accepted_trimmed_and_otherwise_unchanged(nick: str, before: str, after: str) -> None:
    assume(1 <= len(nick) <= v.NICKNAME_MAX and v.nickname_key(nick))
    assert v.nickname({"nickname": before + nick + after}) == nick


@PROPS
@given(text)
def test_nickname_key_is_idempotent_and_normalisation_blind(raw: str) -> None:
    key = v.nickname_key(raw)
    assert v.nickname_key(key) == key
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        assert v.nickname_key(unicodedata.normalize(form, raw)) == key, form
    assert key == key.strip() and "  " not in key


ascii_nick = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=20)


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


@PROPS
@given(ascii_nick, st.lists(st.tuples(st.integers(0, 20), st.sampled_from(INVISIBLE[:12])), max_size=4))
def test_nickname_key_equates_case_width_and_invisible_variants(nick: str, inserts: list[tuple[int, str]]) -> None:
    key = v.nickname_key(nick)
    hidden = nick
    for at, ch in inserts:
        hidden = hidden[:at] + ch + hidden[at:]
    variants = [
        nick.upper(),
        nick.lower(),
        nick.swapcase(),
        fullwidth(nick),
        fullwidth(nick.upper()),
        hidden,
        nick.replace(" ", "\u3000"),
    ]
    for variant in variants:
        assert v.nickname_key(variant) == key, variant


@pytest.mark.parametrize(
    "other",
    [
        "ALICE",
        "alice",
        "aLiCe",
        "al\u200bice",
        "\u200balice",
        "alice\ufeff",
        "a\u00adlice",
        "al\u2060ice",
        "ＡＬＩＣＥ",
        "Ａlice",
        "Al\u200dice",
        "A\u034flice",
    ],
)
def test_look_alikes_of_a_nickname_share_its_key(other: str) -> None:
    assert v.nickname_key(v.nickname({"nickname": other})) == v.nickname_key("Alice")


@pytest.mark.parametrize(
    "raw",
    [
        "\u202eecila",
        "ali\u202ece",
        "al\u2066ice\u2069",
        "alice\u200f",
        "\u200ealice",
        "x\u061c",
    ],
    ids=repr,
)
def test_bidi_controls_in_nicknames_are_refused(raw: str) -> None:
    with pytest.raises(InvalidRequest, match="nickname must not contain bidirectional"):
        v.nickname({"nickname": raw})


@pytest.mark.parametrize(
    "raw",
    [
        "\u3164",
        "\u115f\u1160",
        "\uffa0",
        "\u2800",
        "\u200b\u200c",
        "\ufe0f",
        "\U000e0041\U000e0042",
        " \u2060 ",
        "\u00ad",
        "\u034f",
    ],
    ids=repr,
)
def test_invisible_only_nicknames_are_refused(raw: str) -> None:
    with pytest.raises(InvalidRequest, match="nickname must (not be empty|contain a visible character)"):
        v.nickname({"nickname": raw})


@pytest.mark.parametrize(
    "nick",
    [
        "José",
        "Nguyễn Văn Ánh",
        "שָׁלוֹם",
        "محمد",
        "أحمد",
        "ཀྵ",
        "👩\u200d🚀 Ada",
        "I ❤\ufe0f Py",
        "नमस्ते",
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
        "ကျွန်ုပ်",
        "x" * 32,
        "ß",
        "ǅ",
    ],
)
def test_real_names_are_accepted_as_sent(nick: str) -> None:
    assert v.nickname({"nickname": nick}) == unicodedata.normalize("NFC", nick)


def test_nickname_is_nfc_so_composed_and_decomposed_are_one_name() -> None:
    assert v.nickname({"nickname": "Jose\u0301"}) == "José"
    assert v.nickname_key("Jose\u0301") == v.nickname_key("JOSÉ")


def test_nickname_with_a_line_separator_is_refused() -> None:
    # Regression: U+2028/U+2029 are not Cc, so "al\u2028ice" used to be a two-line nickname.
    for sep in ("\u2028", "\u2029"):
        with pytest.raises(InvalidRequest, match="line breaks"):
            v.nickname({"nickname": f"al{sep}ice"})


def test_hangul_filler_and_braille_blank_nicknames_are_refused() -> None:
    # Regression: these are letters/symbols to Unicode but show nothing; "\u3164" was a valid, blank nickname.
    for raw in ("\u3164", "\u2800", "\u3164\u3164"):
        with pytest.raises(InvalidRequest):
            v.nickname({"nickname": raw})


def test_nickname_key_collapses_white_space_and_renormalises_after_casefold() -> None:
    assert v.nickname_key("alice  bob") == v.nickname_key("Alice\u00a0Bob") == v.nickname_key("alice\u3000bob")
    # casefold("\u01f0") is "j" + U+030C, which NFKC composes again: keys are NFKC and stable.
    for raw in ("\u01f0", "\u0390", "\u1fb3", "\u0130"):
        key = v.nickname_key(raw)
        assert unicodedata.normalize("NFKC", key) == key and v.nickname_key(key) == key


# -- reserved nicknames (issue 13, item 9) --------------------------------------------------------

#: What the .txt transcript and the room show for authors who are not participants, and role words.
ROLE_NAMES = [
    "Announcement",
    "System",
    "Host",
    "Hosts",
    "The host",
    "Moderator",
    "Moderators",
    "Mod",
    "Admin",
    "Administrator",
    "ChatServer",
    "You",
]
SYMBOL_CATEGORIES = ["Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk"]


def check_join_name(raw: Any) -> tuple[str, Any]:
    """("ok", the name), ("invalid", error) or ("reserved", error) from the join's nickname check."""
    try:
        return "ok", v.joining_nickname({"nickname": raw})
    except InvalidRequest as error:
        return "invalid", error
    except NicknameTaken as error:
        assert "reserved" in error.message and "taken" not in error.message, error.message
        return "reserved", error


def is_symbols(word: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PM" or unicodedata.category(ch) in SYMBOL_CATEGORIES for ch in word)


@st.composite
def disguised_role(draw: st.DrawFn) -> str:
    """A role name as a hostile client would dress it: case, width, invisibles, spaces, decoration."""
    name = draw(st.sampled_from(ROLE_NAMES))
    name = draw(st.sampled_from([str.upper, str.lower, str.swapcase, str.title, fullwidth, lambda s: s]))(name)
    for at, ch in draw(st.lists(st.tuples(st.integers(0, 20), st.sampled_from(INVISIBLE[:12])), max_size=3)):
        name = name[:at] + ch + name[at:]
    before, after = draw(st.sampled_from([("", ""), ("(", ")"), ("*", "*"), ("[", "]:"), ("~ ", " ~"), ("", ":")]))
    return draw(st.text(" \u3000", max_size=2)) + before + name + after + draw(st.text(" \u00a0", max_size=2))


@PROPS
@given(st.one_of(text, disguised_role(), st.text(st.characters(categories=SYMBOL_CATEGORIES), min_size=1, max_size=8)))
def test_no_name_whose_key_is_reserved_is_accepted(raw: str) -> None:
    verdict, result = check_join_name(raw)
    if verdict == "ok":
        key = v.nickname_key(result)
        assert key not in v.RESERVED_NICKNAMES, result
        assert not is_symbols(key.split(" ")[0]), result  # nothing made of symbols alone, nor led by them
        assert v.nickname({"nickname": result}) == result  # otherwise the ordinary nickname rules hold
    elif verdict == "reserved":
        assert v.nickname({"nickname": raw})  # reserved names are valid names: only their meaning is refused


@PROPS
@given(disguised_role())
def test_every_disguise_of_a_role_name_is_refused(raw: str) -> None:
    assert check_join_name(raw)[0] == "reserved", raw


def test_reserved_keys_are_keys() -> None:
    # A reserved word that nickname_key would change could never match anything.
    for key in v.RESERVED_NICKNAMES:
        assert v.nickname_key(key) == key, key


@pytest.mark.parametrize(
    "raw",
    [
        "Announcement",
        "System",
        "Host",
        "Moderator",
        "*",
        "HOST",
        "Ho\u200bst",
        "Ｈｏｓｔ",
        "ＳＹＳＴＥＭ",
        "\ufeffhost",
        "The  Host",
        "hosts",
        "admin",
        "Administrator",
        "chatserver",
        "-",
        ">",
        "***",
        "->",
        "∗",
        "＊",
        "(Host)",
        "Host:",
        "[moderator]",
        "*System*",
        "* alice joined.",
        "> quoted",
        "you",
    ],
    ids=repr,
)
def test_role_and_symbol_names_are_reserved(raw: str) -> None:
    with pytest.raises(NicknameTaken, match=r"is reserved; choose another\.$"):
        v.joining_nickname({"nickname": raw})


@pytest.mark.parametrize(
    "raw",
    [
        "Ghost",
        "Hostess",
        "alice",
        "Host 2",
        "Sys",
        "Admiral",
        "*bob",
        "-alice-",
        "😀",
        "🎉 Party",
        "I ❤\ufe0f Py",
        "José",
        "x" * 32,
    ],
    ids=repr,
)
def test_names_that_only_resemble_a_role_are_accepted(raw: str) -> None:
    assert v.joining_nickname({"nickname": raw}) == unicodedata.normalize("NFC", raw)


def test_the_reserved_message_names_the_name_as_sent() -> None:
    with pytest.raises(NicknameTaken) as refused:
        v.joining_nickname({"nickname": "  Host "})
    assert refused.value.message == "The nickname 'Host' is reserved; choose another."


# -- titles and other one-line fields -----------------------------------------------------------


@PROPS
@given(text)
def test_title_is_refused_or_clean_and_idempotent(raw: str) -> None:
    ok, result = outcome(lambda: v.single_line({"title": raw}, "title", v.TITLE_MAX))
    if ok:
        assert isinstance(result, str) and is_nfc(result) and 1 <= len(result) <= v.TITLE_MAX
        assert result == result.strip() and no_controls(result) and utf8_ok(result)
        assert "\u2028" not in result and "\u2029" not in result
        assert v.single_line({"title": result}, "title", v.TITLE_MAX) == result
    else:
        assert "title" in result.message


# -- message bodies -------------------------------------------------------------------------------


def check_body(raw: Any, field: str = "body", max_len: int = v.BODY_MAX) -> tuple[bool, Any]:
    ok, result = outcome(lambda: v.multi_line({field: raw}, field, max_len))
    if ok:
        assert isinstance(result, str)
        assert is_nfc(result)
        assert "\r" not in result and "\u2028" not in result and "\u2029" not in result
        assert no_controls(result, allow="\n\t") and utf8_ok(result)
        assert 1 <= len(result) <= max_len
        assert result.strip() and any(not ch.isspace() and ch not in INVISIBLE for ch in result)
        assert mark_run(result) <= v.COMBINING_MAX
        assert v.multi_line({field: result}, field, max_len) == result
    else:
        assert field in result.message
    return ok, result


@PROPS
@given(text)
def test_body_is_refused_or_clean_and_idempotent(raw: str) -> None:
    check_body(raw)


@PROPS
@given(
    st.lists(
        st.sampled_from(BIDI + INVISIBLE + COMBINING + SPACES + "\r\nab\u05d0\u0627"), min_size=1, max_size=80
    ).map("".join)
)
def test_body_of_bidi_invisibles_marks_and_line_breaks(raw: str) -> None:
    check_body(raw)


@FEW
@given(st.integers(3980, 4020), st.sampled_from(["x", "é", "e\u0301", "\r\n", "😀", "\u202e"]))
def test_body_length_limit_is_counted_after_normalisation(n: int, unit: str) -> None:
    raw = "a" + unit * n
    ok, _ = check_body(raw)
    expected = len(unicodedata.normalize("NFC", raw.replace("\r\n", "\n")))
    assert ok == (expected <= v.BODY_MAX)


safe_body = st.text(
    st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp", "Mn", "Me"], include_characters="\n\t"),
    min_size=1,
    max_size=200,
).map(lambda s: unicodedata.normalize("NFC", s))


@PROPS
@given(safe_body, st.lists(st.tuples(st.integers(0, 200), st.sampled_from(BIDI)), max_size=6))
def test_bidi_controls_in_bodies_are_kept(body: str, inserts: list[tuple[int, str]]) -> None:
    assume(not v._is_blank(body))
    for at, ch in inserts:
        body = body[:at] + ch + body[at:]
    assert v.multi_line({"body": body}, "body", v.BODY_MAX) == body


@PROPS
@given(safe_body, st.sampled_from(["\r\n", "\r", "\u2028", "\u2029"]))
def test_body_line_breaks_are_normalised_to_lf(body: str, newline: str) -> None:
    ok, expected = check_body(body)
    again, result = check_body(body.replace("\n", newline))
    assert again == ok
    if ok:
        assert result == expected


@PROPS
@given(
    st.sampled_from("abcxyzאبक"),
    st.lists(st.sampled_from(COMBINING), min_size=0, max_size=30),
    st.lists(st.sampled_from("\u200b\u200c\u200d\u2060"), max_size=5),
)
def test_stacks_of_combining_marks_are_limited(base: str, marks: list[str], hiders: list[str]) -> None:
    # NFC can fold at most a couple of marks into the base letter (Vietnamese "ấ"), so a few more
    # than COMBINING_MAX in the input is always refused, even with invisible characters between them.
    stack = "".join(marks)
    for i, hider in enumerate(hiders):
        at = 1 + i * 3
        stack = stack[:at] + hider + stack[at:]
    ok, result = check_body("Z " + base + stack + " go")
    count = len(unicodedata.normalize("NFD", "".join(marks)))  # U+0344 is two marks in NFC already
    if count > v.COMBINING_MAX + 3:
        assert not ok and "combining marks" in result.message and "body" in result.message
    if count <= v.COMBINING_MAX:
        assert ok


@pytest.mark.parametrize(
    "body",
    [
        "Tiếng Việt có dấu: ấ ặ ẫ ờ",
        "בְּרֵאשִׁ֖ית בָּרָ֣א",
        "بِسْمِ ٱللَّٰهِ",
        "ཧཱུྃ ཀྵ",
        "ကျွန်ုပ်",
        "1\ufe0f\u20e3",
        "e" + "\u0301" * v.COMBINING_MAX,
        "he said \u202eolleh\u202c to me",
        "\u2067مرحبا\u2069 world",
        "zero\u200bwidth",
        "tab\there",
        "line\nbreak",
    ],
)
def test_real_text_is_accepted(body: str) -> None:
    assert v.multi_line({"body": body}, "body", v.BODY_MAX) == unicodedata.normalize("NFC", body)


def test_zalgo_is_refused_with_a_message_naming_the_field() -> None:
    zalgo = "h" + "\u0315\u031b\u0340\u0341\u0358\u0321\u0322\u0327\u0328\u0334" * 2 + "ello"
    with pytest.raises(InvalidRequest, match="^body must not stack more than 8 combining marks"):
        v.multi_line({"body": zalgo}, "body", v.BODY_MAX)
    with pytest.raises(InvalidRequest, match="^nickname must not stack"):
        v.nickname({"nickname": "z" + "\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u0309\u030a"})


@pytest.mark.parametrize(
    "body", ["\u200b", "\u3164\n\u2800", " \ufeff \t", "\u2060\u00ad", "\ufe0f", "\r\n\u2028"], ids=repr
)
def test_invisible_only_bodies_are_refused(body: str) -> None:
    # Regression: "\u200b" alone (not white space to str.strip) was an empty-looking message.
    with pytest.raises(InvalidRequest, match="body must not be empty or only white space"):
        v.multi_line({"body": body}, "body", v.BODY_MAX)


def test_line_and_paragraph_separators_in_bodies_become_newlines() -> None:
    assert v.multi_line({"body": "a\u2028b\u2029c\r\nd\re"}, "body", v.BODY_MAX) == "a\nb\nc\nd\ne"


@PROPS
@given(text)
def test_description_may_be_empty_but_is_otherwise_clean(raw: str) -> None:
    ok, result = outcome(
        lambda: v.multi_line({"description": raw}, "description", v.DESCRIPTION_MAX, required=False, allow_empty=True)
    )
    if ok:
        assert is_nfc(result) and "\r" not in result and no_controls(result, allow="\n\t")
        assert len(result) <= v.DESCRIPTION_MAX
        assert v.multi_line({"description": result}, "description", v.DESCRIPTION_MAX, allow_empty=True) == result


# -- client_id ------------------------------------------------------------------------------------


@PROPS
@given(st.one_of(text, st.text(max_size=70), st.text(min_size=60, max_size=70)))
def test_client_id_is_kept_exactly_or_refused(raw: str) -> None:
    ok, result = outcome(lambda: v.client_id({"client_id": raw}))
    valid = 1 <= len(raw) <= v.CLIENT_ID_MAX and no_controls(raw)
    assert ok == valid
    if ok:
        assert result == raw and type(result) is str and utf8_ok(result)
    else:
        assert "client_id" in result.message


@FEW
@given(not_a_string)
def test_client_id_that_is_not_a_string_is_refused(raw: Any) -> None:
    with pytest.raises(InvalidRequest, match="client_id"):
        v.client_id({"client_id": raw})


def test_client_id_absent_or_null_is_none() -> None:
    assert v.client_id({}) is None and v.client_id({"client_id": None}) is None


# -- times ----------------------------------------------------------------------------------------

OFFSET_MINUTES = 23 * 60 + 59
offsets = st.one_of(
    st.integers(-OFFSET_MINUTES, OFFSET_MINUTES),
    st.sampled_from([0, 345, -210, 330, 525, -570, 765, OFFSET_MINUTES, -OFFSET_MINUTES, 60, -300]),
).map(lambda m: timezone(timedelta(minutes=m)))
aware = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets)
# Strict RFC 3339 date-time (plus the space separator RFC 3339 permits), ASCII only.
STRICT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})")
OUTPUT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")


def offset_text(dt: datetime, zulu: str) -> str:
    delta = dt.utcoffset()
    assert delta is not None
    minutes = int(delta.total_seconds()) // 60
    if minutes == 0:
        return {"Z": "Z", "z": "z", "": "+00:00", "-": "-00:00"}[zulu]
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@st.composite
def rfc3339(draw: st.DrawFn) -> tuple[str, int, str]:
    """(an RFC 3339 text, the UTC millisecond it means, the same text without its offset)."""
    dt = draw(aware)
    digits = draw(st.integers(0, 9))
    fraction = f"{dt.microsecond:06d}" + draw(st.text("0123456789", min_size=3, max_size=3))
    fraction = fraction[:digits]
    sep = draw(st.sampled_from("Tt "))
    zulu = draw(st.sampled_from(["Z", "z", "", "-"]))  # "" -> +00:00, "-" -> -00:00 when UTC
    local = f"{dt:%Y-%m-%d}{sep}{dt:%H:%M:%S}" + (f".{fraction}" if digits else "")
    whole = dt.replace(microsecond=0).astimezone(UTC)
    ms = calendar.timegm(whole.timetuple()) * 1000 + int(fraction[:3].ljust(3, "0"))
    return local + offset_text(dt, zulu), ms, local


@PROPS
@given(rfc3339())
def test_any_rfc3339_form_parses_to_the_same_instant(case: tuple[str, int, str]) -> None:
    raw, ms, _ = case
    assert parse_time(raw, "starts_at") == ms
    out = format_time(ms)
    assert OUTPUT.fullmatch(out)
    assert parse_time(out, "starts_at") == ms
    utc = datetime.fromtimestamp(ms // 1000, UTC)
    assert out == utc.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


@PROPS
@given(
    rfc3339(),
    st.sampled_from(
        [
            "",
            "+0100",
            "+01",
            "+1:00",
            " UTC",
            "GMT",
            "+24:00",
            "-24:00",
            "+01:60",
            "+01:00:00",
            "ZZ",
            "Z+01:00",
            "EST",
            "+\u0661\u0660:00",
        ]
    ),
)
def test_a_time_without_a_proper_offset_is_refused(case: tuple[str, int, str], tail: str) -> None:
    _, _, local = case
    with pytest.raises(InvalidRequest, match="starts_at"):
        parse_time(local + tail, "starts_at")


@PROPS
@given(st.integers(0, LATEST_MS))
def test_formatting_round_trips(ms: int) -> None:
    out = format_time(ms)
    assert OUTPUT.fullmatch(out) and parse_time(out, "t") == ms


@PROPS
@given(st.one_of(text, rfc3339().map(lambda c: c[0])), st.data())
def test_garbage_time_is_invalid_request_only(raw: str, data: st.DataObject) -> None:
    if raw and data.draw(st.booleans()):  # mutate one character of (often) a valid time
        at = data.draw(st.integers(0, len(raw) - 1))
        raw = raw[:at] + data.draw(tricky_char) + raw[at + 1 :]
    ok, result = outcome(lambda: parse_time(raw, "ends_at"))
    if ok:
        assert STRICT.fullmatch(raw.strip()), raw
        assert 0 <= result <= LATEST_MS
    else:
        assert "ends_at" in result.message


@PROPS
@given(rfc3339(), st.data())
def test_non_ascii_digits_are_refused(case: tuple[str, int, str], data: st.DataObject) -> None:
    raw = case[0]
    places = [i for i, ch in enumerate(raw) if ch.isdigit()]
    at = data.draw(st.sampled_from(places))
    script = data.draw(st.integers(0, len(NON_ASCII_DIGITS) // 10 - 1))
    raw = raw[:at] + NON_ASCII_DIGITS[script * 10 + int(raw[at])] + raw[at + 1 :]
    with pytest.raises(InvalidRequest):
        parse_time(raw, "starts_at")


@FEW
@given(JSON_VALUES.filter(lambda x: not isinstance(x, str)))
def test_a_time_that_is_not_a_string_is_refused(raw: Any) -> None:
    with pytest.raises(InvalidRequest, match="starts_at"):
        parse_time(raw, "starts_at")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1970-01-01T00:00:00Z", 0),
        ("1970-01-01T01:00:00+01:00", 0),
        ("9999-12-31T23:59:59.999Z", LATEST_MS),
        ("2016-12-31T23:59:60Z", parse_time("2017-01-01T00:00:00Z", "t")),
        ("2026-11-21T20:15:00.9999999Z", parse_time("2026-11-21T20:15:00.999Z", "t")),
        ("  2026-11-21t20:15:00z ", parse_time("2026-11-21T20:15:00Z", "t")),
        ("2026-11-21T21:00:00+05:45", parse_time("2026-11-21T15:15:00Z", "t")),
        ("2026-11-21T21:00:00-03:30", parse_time("2026-11-22T00:30:00Z", "t")),
        ("2026-11-21T20:15:00-00:00", parse_time("2026-11-21T20:15:00Z", "t")),
    ],
)
def test_time_examples(raw: str, expected: int) -> None:
    assert parse_time(raw, "t") == expected


@pytest.mark.parametrize(
    "raw",
    [
        "1969-12-31T23:59:59.999Z",
        "9999-12-31T23:59:59.999-00:01",
        "0000-01-01T00:00:00Z",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:60Z",
        "2030-02-30T10:00:00Z",
        "2030-01-01T24:00:00Z",
        "2030-01-01T10:00:00",
        "2030-01-01T10:00:00.000",
        "2030-01-01",
        "2030-01-01T10:00Z",
        "\u0662\u0660\u0662\u0666-11-21T20:15:00Z",
        "２０２６-11-21T20:15:00Z",
        "2026-11-21T20:15:00.\u0665Z",
    ],
    ids=repr,
)
def test_times_refused(raw: str) -> None:
    # Regression: the parser's \d took Arabic-Indic and fullwidth digits, so the last three were accepted.
    with pytest.raises(InvalidRequest, match="starts_at"):
        parse_time(raw, "starts_at")


# -- query integers and cursors ------------------------------------------------------------------


@PROPS
@given(st.integers(0, 2**62), st.integers(0, 2**62), st.integers(-10, 2**63), st.integers(0, 25))
def test_query_int_accepts_exactly_the_decimals_in_range(a: int, b: int, n: int, zeros: int) -> None:
    lo, hi = min(a, b), max(a, b)
    for raw in (str(n), "0" * zeros + str(n)):
        ok, result = outcome(functools.partial(v.query_int, raw, "limit", 7, lo, hi))
        assert ok == (lo <= n <= hi)
        if ok:
            assert result == n
        else:
            assert "limit" in result.message


@PROPS
@given(st.one_of(text, st.text("0123456789+- _.e\u0661５", max_size=25)))
def test_query_int_refuses_any_other_text(raw: str) -> None:
    ok, result = outcome(lambda: v.query_int(raw, "limit", 7, 1, 1000))
    assert ok == (re.fullmatch(r"[0-9]+", raw) is not None and 1 <= int(raw) <= 1000)
    if ok:
        assert result == int(raw)


@PROPS
@given(st.integers(0, v.CURSOR_MAX + 5), st.integers(0, 3))
def test_cursor_is_any_integer_from_0(n: int, zeros: int) -> None:
    raw = "0" * zeros + str(n)
    ok, result = outcome(lambda: v.query_cursor(raw))
    assert ok == (n <= v.CURSOR_MAX)
    if ok:
        assert result == n
    else:
        assert "after" in result.message
    assert v.query_cursor(None) == 0


@pytest.mark.parametrize(
    "raw",
    ["", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "1_000", "\u0661", "５", "١٠", "9" * 10_000, "%00", "∞"],
    ids=repr,
)
def test_cursors_refused(raw: str) -> None:
    with pytest.raises(InvalidRequest, match="^after must be a whole number"):
        v.query_cursor(raw)


def test_the_largest_cursor_and_padded_numbers_are_accepted() -> None:
    # Regression: the digit pattern stopped at 18 digits, so `before` from 10**18 up to its
    # maximum 2**62 (as openapi.json publishes it) and any number written with enough leading
    # zeros were refused, with a message promising a range that included them.
    assert v.query_int(str(2**62), "before", 0, 1, 2**62) == 2**62
    assert v.query_int("0" * 30 + "42", "limit", 50, 1, 200) == 42
    assert v.query_cursor(str(v.CURSOR_MAX)) == v.CURSOR_MAX == 999_999_999_999_999_999
    assert v.query_cursor("0" * 30 + "42") == 42
    with pytest.raises(InvalidRequest, match="from 0 to 999999999999999999"):
        v.query_cursor(str(v.CURSOR_MAX + 1))


# -- wait -----------------------------------------------------------------------------------------

NUMBER = re.compile(r"([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


@PROPS
@given(st.floats(min_value=0, allow_nan=False, allow_infinity=False), st.floats(0, 1000))
def test_wait_accepts_finite_non_negative_numbers_and_caps_them(seconds: float, max_wait: float) -> None:
    for raw in {repr(seconds), str(seconds), f"{seconds:e}", f"{seconds:.3f}", str(int(seconds))}:
        result = v.query_wait(raw, max_wait)
        assert result == min(float(raw), max_wait) and type(result) is float
        assert 0 <= result <= max_wait and math.copysign(1, result) == 1


@PROPS
@given(st.one_of(text, st.text("0123456789+-. eEinfa_\u0663", max_size=12)), st.floats(0, 100))
def test_wait_refuses_anything_but_a_plain_number(raw: str, max_wait: float) -> None:
    ok, result = outcome(lambda: v.query_wait(raw, max_wait))
    if ok:
        assert raw == "" or NUMBER.fullmatch(raw), raw
        assert 0 <= result <= max_wait
    else:
        assert "wait" in result.message
        assert not NUMBER.fullmatch(raw) or not math.isfinite(float(raw))


@pytest.mark.parametrize(
    "raw",
    [
        "-1",
        "-0",
        "-0.5",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "1e400",
        " 5",
        "5 ",
        "+5",
        "1_0",
        "\u0663",
        "３",
        "0x1p3",
        "abc",
        "1e",
        ".",
        "e3",
    ],
    ids=repr,
)
def test_waits_refused(raw: str) -> None:
    # Regression: float() took "1_0", " 5", "\u0663" (Arabic-Indic 3) and returned -0.0 for "-0".
    with pytest.raises(InvalidRequest, match="^wait must be a number of seconds"):
        v.query_wait(raw, 55)


def test_wait_absent_or_empty_is_zero_and_large_is_capped() -> None:
    assert v.query_wait(None, 55) == 0.0 and v.query_wait("", 55) == 0.0
    assert v.query_wait("100", 55) == 55 and v.query_wait("1e3", 55) == 55 and v.query_wait(".5", 55) == 0.5
    assert v.query_wait("5.", 55) == 5.0 and v.query_wait("2.5e-1", 55) == 0.25


# -- whole request bodies, booleans, embed origins --------------------------------------------------


@PROPS
@given(
    st.one_of(
        st.binary(max_size=60),
        JSON_VALUES.map(lambda x: json.dumps(x).encode()),
        st.integers(1, 5000).map(lambda n: b"[" * n + b"]" * n),
    )
)
def test_request_body_is_an_object_or_invalid_request(raw: bytes) -> None:
    ok, result = outcome(lambda: v.parse_json_object(raw))
    if ok:
        assert isinstance(result, dict)


@FEW
@given(JSON_VALUES)
def test_optional_bool(raw: Any) -> None:
    ok, result = outcome(lambda: v.optional_bool({"listed": raw}, "listed"))
    assert ok == (raw is None or isinstance(raw, bool))
    if ok:
        assert result is raw


origin = st.builds(
    "{}://{}{}".format,
    st.sampled_from(["http", "https", "HTTPS", "ftp"]),
    st.one_of(
        st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,20}[A-Za-z0-9])?", fullmatch=True),
        st.sampled_from(["[::1]", "localhost", "app.example.org", "münchen.de", ""]),
    ),
    st.one_of(st.just(""), st.integers(0, 99999).map(":{}".format), st.sampled_from(["/", "/path", ":", "?q"])),
)


@PROPS
@given(st.one_of(st.none(), st.lists(st.one_of(origin, JSON_VALUES), max_size=22), JSON_VALUES))
def test_embed_origins_are_origins_or_invalid_request(raw: Any) -> None:
    ok, result = outcome(lambda: v.embed_origins({"embed_origins": raw}))
    if ok:
        assert result is None if raw is None else isinstance(result, tuple)
        for entry in result or ():
            assert entry == entry.lower() and re.fullmatch(r"https?://[^/?#\s]+", entry)
            port = re.search(r":([0-9]+)$", entry)
            assert not port or int(port.group(1)) <= 65535
        assert len(set(result or ())) == len(result or ())
    else:
        assert "embed_origins" in result.message


def test_embed_origin_ports_must_be_real_ports() -> None:
    # Regression: ":99999" passed, and a browser's postMessage throws on such an origin.
    assert v.embed_origins({"embed_origins": ["https://a.example:65535"]}) == ("https://a.example:65535",)
    with pytest.raises(InvalidRequest, match="embed_origins"):
        v.embed_origins({"embed_origins": ["https://a.example:65536"]})
