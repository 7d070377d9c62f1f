"""The style sheets use logical properties, so an Arabic page mirrors: no physical left or right outside ALLOWED.

Flagged: left/right properties (margin-left, padding-right, border-left…, left:, right:, corner radii),
left/right values (text-align, float, clear), shorthands whose left and right parts differ (padding:
0 1rem 0 2rem; a border-radius whose corners differ left to right), inset box shadows along a side
that do not multiply their x offset by var(--inline-sign), and translateX.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parent.parent / "static"
SHEETS = ("style.css", "pages.css", "demo.css", "compose-files.css", "files.css", "qa.css", "polls.css", "calls.css")

# (sheet, selector, property) → why it stays physical. Every entry must still be in use.
ALLOWED = {
    # Centred: left 50% and translateX(-50%) put it in the middle whichever way the text runs.
    ("style.css", ".connection", "left"): "centred toast",
    ("style.css", ".connection", "transform"): "centred toast",
    ("style.css", ".jump", "left"): "centred button",
    ("style.css", ".jump", "transform"): "centred button",
}

PHYSICAL_PROPERTY = re.compile(
    r"^(?:left|right"
    r"|(?:margin|padding|border|inset|scroll-margin|scroll-padding)-(?:left|right)(?:-(?:width|style|color))?"
    r"|border-(?:top|bottom)-(?:left|right)-radius)$"
)
PHYSICAL_VALUE = {"text-align", "float", "clear", "justify-self", "justify-items", "caption-side"}
FOUR_SIDES = {
    "margin",
    "padding",
    "inset",
    "border-width",
    "border-style",
    "border-color",
    "scroll-margin",
    "scroll-padding",
}


def words(value: str) -> list[str]:
    """The value split at spaces outside parentheses: `calc(100% - 1rem) 0` is two words."""
    out, depth, word = [], 0, ""
    for char in value:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char.isspace() and depth == 0:
            if word:
                out.append(word)
            word = ""
        else:
            word += char
    return [*out, word] if word else out


def split_top(value: str, separator: str) -> list[str]:
    """The value split at a separator outside parentheses (the layers of a box-shadow)."""
    parts, depth, part = [], 0, ""
    for char in value:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == separator and depth == 0:
            parts.append(part)
            part = ""
        else:
            part += char
    return [*parts, part]


def corners(parts: list[str]) -> list[str]:
    """Top-left, top-right, bottom-right and bottom-left of a border-radius given by 1 to 4 values."""
    if len(parts) == 1:
        return parts * 4
    if len(parts) == 2:
        return [parts[0], parts[1], parts[0], parts[1]]
    if len(parts) == 3:
        return [parts[0], parts[1], parts[2], parts[1]]
    return parts[:4]


def declarations(css: str) -> Iterator[tuple[str, str, str, int]]:
    """(selector, property, value, line) of every declaration; the selector is the innermost rule's."""
    css = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group()), css, flags=re.S)
    # Inside strings, ";", "{" and "}" are text: hidden while splitting, put back in what is yielded.
    hide, show = str.maketrans(";{}", "\x00\x01\x02"), str.maketrans("\x00\x01\x02", ";{}")
    css = re.sub(r'"(?:[^"\\]|\\.)*"', lambda m: m.group().translate(hide), css)
    start, prelude = 0, ""
    for match in re.finditer(r"[{}]", css):
        parts = css[start : match.start()].split(";")
        if match.group() == "{":
            # The text before a "{" is a selector (or an at-rule), after the enclosing rule's declarations.
            *parts, prelude = parts
        at = start
        for decl in parts:
            name, colon, value = decl.partition(":")
            if colon and name.strip() and prelude and not prelude.lstrip().startswith("@"):
                line = css.count("\n", 0, at + len(decl) - len(decl.lstrip())) + 1
                selector, value = " ".join(prelude.split()).translate(show), " ".join(value.split()).translate(show)
                yield selector, name.strip().lower(), value, line
            at += len(decl) + 1
        if match.group() == "}":
            prelude = ""
        start = match.end()


def mirrors(prop: str, value: str) -> str | None:
    """Why the declaration does not mirror in a right-to-left page, or None when it does."""
    value = re.sub(r"\s*!important$", "", value)
    if PHYSICAL_PROPERTY.match(prop):
        return f"{prop} is physical"
    if prop in PHYSICAL_VALUE and re.search(r"\b(?:left|right)\b", value):
        return f"{prop}: {value} is physical"
    if prop in FOUR_SIDES:
        parts = words(value)
        if len(parts) == 4 and parts[1] != parts[3]:
            return f"{prop}: {value} differs left and right"
    if prop == "border-radius":
        for half in split_top(value, "/"):
            tl, tr, br, bl = corners(words(half))
            if tl != tr or br != bl:
                return f"border-radius: {value} differs left and right"
    if prop in {"transform", "translate"} and (
        "translatex(" in value.lower() or (prop == "translate" and words(value)[0] not in {"0", "none"})
    ):
        return f"{prop}: {value} moves along x"
    if prop == "box-shadow" or prop == "background-position":
        if re.search(r"\b(?:left|right)\b", value):
            return f"{prop}: {value} is physical"
        for layer in split_top(value, ","):
            parts = words(layer)
            if "inset" in parts:
                lengths = [p for p in parts if p != "inset" and re.match(r"^(?:-?[\d.]|calc\()", p)]
                if lengths and lengths[0] not in {"0", "0px"} and "var(--inline-sign)" not in lengths[0]:
                    return f"{prop}: {layer} shades one side; multiply its x by var(--inline-sign)"
    return None


def physical(sheet: str, css: str) -> Iterator[tuple[str, str, str, int, str]]:
    for selector, prop, value, line in declarations(css):
        reason = mirrors(prop, value)
        if reason:
            yield sheet, selector, prop, line, reason


@pytest.mark.parametrize("sheet", SHEETS)
def test_the_sheet_uses_logical_properties(sheet: str) -> None:
    found = [f for f in physical(sheet, (STATIC / sheet).read_text()) if (f[0], f[1], f[2]) not in ALLOWED]
    assert not found, "physical left/right (use the logical property, or add to ALLOWED with why):\n" + "\n".join(
        f"  {s}:{line} {selector} {{ {reason} }}" for s, selector, _, line, reason in found
    )


def test_every_allowed_exception_is_still_there() -> None:
    used = {(f[0], f[1], f[2]) for sheet in SHEETS for f in physical(sheet, (STATIC / sheet).read_text())}
    assert set(ALLOWED) <= used, f"stale ALLOWED entries: {set(ALLOWED) - used}"


@pytest.mark.parametrize(
    ("css", "flagged"),
    [
        (".a { margin-left: 1rem; }", True),
        (".a { padding-right: 0 !important; }", True),
        (".a { position: absolute; left: 0; top: 0; }", True),
        ("@media (max-width: 40rem) { .a .b { right: .3rem; } }", True),
        (".a { border-left: 4px solid red; }", True),
        (".a { border-right-color: transparent; }", True),
        (".a { border-top-left-radius: 0; }", True),
        (".a { text-align: right; }", True),
        (".a { float: left; }", True),
        (".a { padding: .5rem 2.75rem .55rem .9rem; }", True),
        (".a { border-radius: 10px 10px 0 10px; }", True),
        (".a { box-shadow: inset 3px 0 0 red; }", True),
        (".a { transform: translateX(-50%); }", True),
        ("@keyframes k { from { box-shadow: inset 4px 0 0 red, 0 0 0 3px blue; } }", True),
        (".a { margin-inline-start: 1rem; padding-inline: 0 1rem; inset-inline-end: 0; }", False),
        (".a { border-inline-start: 4px solid red; border-end-start-radius: 0; }", False),
        (".a { text-align: end; float: inline-start; }", False),
        (".a { padding: .5rem 1rem .75rem; margin: 0 auto; border-radius: 8px 8px 0 0; }", False),
        (".a { box-shadow: inset calc(3px * var(--inline-sign)) 0 0 red, 0 1px 2px black; }", False),
        (".a { box-shadow: inset 0 2px 0 red; transform: rotate(360deg); }", False),
        ('.a::before { content: "left: 1rem; right"; }', False),
        ('.a::before { content: "{;}"; margin-left: 0; }', True),
        ("/* margin-left: 1rem; */ .a { color: red; }", False),
        ('html[data-bar-side="right"] main:dir(ltr) { margin-inline-end: 1rem; }', False),
    ],
)
def test_the_check_tells_physical_from_logical(css: str, flagged: bool) -> None:
    assert bool(list(physical("t.css", css))) is flagged
