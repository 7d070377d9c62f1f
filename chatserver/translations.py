"""Keeping the catalogs whole: extract every translatable message from the code, the templates and
the front end into chatserver/locale/chatserver.pot, bring each language's .po up to it, and say
what is missing. `make translations` runs it; tests/test_i18n.py fails while anything is missing."""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract, extract_python
from babel.messages.frontend import parse_keywords
from babel.messages.pofile import read_po, write_po

from chatserver.i18n import LANGUAGES, LOCALE_DIR, SOURCE, placeholders

ROOT = Path(__file__).resolve().parent.parent
# Python and templates: Tornado's _(message) and _(singular, plural, count), pgettext, and N_()
# marking a message translated later (an error's message, by the reader's language).
PY_KEYWORDS = parse_keywords(["_:1,1t", "_:1,2,3t", "N_", "pgettext:1c,2"])
# The front end (static/i18n.js): t(message, values) and tn(singular, plural, n, values).
JS_KEYWORDS = parse_keywords(["t:1", "tn:1,2"])
_TEMPLATE_CODE = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.DOTALL)


def extract_tornado(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[Any]:
    """Babel's extractor for Tornado templates: the Python inside {{ }} and {% %}."""
    text = fileobj.read().decode("utf-8")
    for match in _TEMPLATE_CODE.finditer(text):
        code = (match.group(1) or match.group(2) or "").strip()
        if "_(" not in code and "pgettext(" not in code:
            continue
        for word in ("if ", "elif ", "for ", "set ", "while "):
            if code.startswith(word):
                code = code[len(word) :].rstrip(":")  # {% if x %} → x; enough for a call inside
        line = text.count("\n", 0, match.start())
        for lineno, funcname, message, comments in extract_python(
            io.BytesIO(code.encode()), keywords, comment_tags, options
        ):
            yield lineno + line, funcname, message, comments


def sources(root: Path = ROOT) -> Iterator[tuple[Path, Any, Any]]:
    """Every file messages come from, with its extraction method and keywords."""
    for path in sorted((root / "chatserver").rglob("*.py")):
        yield path, "python", PY_KEYWORDS
    for path in sorted((root / "templates").glob("*.html")):
        yield path, extract_tornado, PY_KEYWORDS
    for path in sorted((root / "static").glob("*.js")):
        if path.name != "widget.js":  # runs on other sites: its few words come from the frame
            yield path, "javascript", JS_KEYWORDS


def template(root: Path = ROOT) -> Catalog:
    """The catalog of every message in use now (the .pot)."""
    catalog = Catalog(project="chatserver", copyright_holder="the chatserver authors", fuzzy=False)
    for path, method, keywords in sources(root):
        with open(path, "rb") as fileobj:
            for lineno, message, comments, context in extract(
                method, fileobj, keywords=keywords, comment_tags=("Translators:",), strip_comment_tags=True
            ):
                if not message or "${" in _forms(message)[0]:
                    continue  # not a message: a template literal passed to something named t
                where = (str(path.relative_to(root)), lineno)
                catalog.add(message, locations=[where], auto_comments=comments, context=context)
    return catalog


def load(code: str, directory: Path = LOCALE_DIR) -> Catalog:
    """A language's catalog as it is on disk (a new, empty one if it has no file yet)."""
    path = directory / f"{code}.po"
    if not path.exists():
        return Catalog(locale=code, project="chatserver", fuzzy=False)
    with open(path, "rb") as po:
        return read_po(po, locale=code)


_DATES = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*\n', re.MULTILINE)


def save(catalog: Catalog, path: Path) -> None:
    """Write a catalog, unless only its dates would change (so that a run changes no file for nothing)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False, include_previous=False)
    new = buffer.getvalue()
    if path.exists() and _DATES.sub(b"", path.read_bytes()) == _DATES.sub(b"", new):
        return
    path.write_bytes(new)


def update(root: Path = ROOT, directory: Path = LOCALE_DIR) -> None:
    """Write the .pot and bring every language's .po up to it (new messages empty, gone ones dropped)."""
    pot = template(root)
    directory.mkdir(parents=True, exist_ok=True)
    save(pot, directory / "chatserver.pot")
    for code, _name in LANGUAGES:
        if code == SOURCE:
            continue
        catalog = load(code, directory)
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        save(catalog, directory / f"{code}.po")


def _forms(value: Any) -> tuple[str, ...]:
    """A message's id or string as a tuple of its forms (one unless plural)."""
    return (value,) if isinstance(value, str) else tuple(str(form) for form in value)


def problems(root: Path = ROOT, directory: Path = LOCALE_DIR) -> list[str]:
    """What keeps the catalogs from being whole: each problem as a sentence, none when complete."""
    pot = template(root)
    wanted = {(_forms(m.id)[0], m.context): m for m in pot if m.id}
    found: list[str] = []
    for code, _name in LANGUAGES:
        if code == SOURCE:
            continue
        catalog = load(code, directory)
        have = {(_forms(m.id)[0], m.context): m for m in catalog if m.id}
        for key, message in wanted.items():
            mine = have.get(key)
            if mine is None or not all(_forms(mine.string or "")):
                found.append(f"{code}: no translation of {key[0]!r}")
                continue
            if mine.fuzzy:
                found.append(f"{code}: the translation of {key[0]!r} is marked fuzzy")
            ids = _forms(message.id)
            need = set().union(*(placeholders(i) for i in ids))
            strings = _forms(mine.string)
            for string in strings:
                if placeholders(string) != need and not (len(ids) > 1 and placeholders(string) <= need):
                    found.append(
                        f"{code}: {key[0]!r} has placeholders {sorted(placeholders(string))}, not {sorted(need)}"
                    )
        for key in have.keys() - wanted.keys():
            found.append(f"{code}: {key[0]!r} is no longer used")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="change nothing; list what is missing")
    args = parser.parse_args(argv)
    if not args.check:
        update()
    missing = problems()
    for line in missing:
        print(line)
    print(f"{len(missing)} problems", file=sys.stderr)
    return 1 if missing and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
