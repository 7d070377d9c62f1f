"""The languages chatserver speaks: gettext catalogs (chatserver/locale/<code>.po) read with Babel,
served to Tornado's templates and error messages as `tornado.locale` locales, and to the front end
as JSON catalogs made from the same files, so that the two never disagree."""

from __future__ import annotations

import gettext
import hashlib
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import tornado.locale
from babel import Locale as BabelLocale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

# Every language, in the order of the language menu: (code, its own name). English is the source
# language (the msgids); each other code has chatserver/locale/<code>.po. Adding a language is
# its catalog file and a line here (docs: DEVELOPERS.md, "Languages").
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("pt_BR", "Português (Brasil)"),
    ("ja", "日本語"),
    ("ar", "العربية"),
)
SOURCE = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The cookie the language menu sets (a year); without it, Accept-Language decides.
COOKIE = "chatserver_lang"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# pgettext keys in gettext's own form: context, EOT, message.
_CONTEXT_SEP = "\x04"


def fill(text: str, values: Mapping[str, object] | None = None) -> str:
    """Put values into a message's {name} placeholders; an unknown name stays as written."""
    if not values:
        return text
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def placeholders(text: str) -> set[str]:
    """The {name} placeholders of a message."""
    return set(_PLACEHOLDER.findall(text))


def tag(code: str) -> str:
    """The BCP 47 tag of a catalog code, as HTML's lang and Intl want it: pt_BR → pt-BR."""
    return code.replace("_", "-")


@dataclass(frozen=True, slots=True)
class Language:
    """One language: its Tornado locale (templates, errors) and its catalog for the front end."""

    code: str
    name: str
    locale: tornado.locale.Locale
    catalog: bytes  # the front end's JSON catalog
    version: str  # a hash of the catalog, for its cache-busting URL

    @property
    def tag(self) -> str:
        return tag(self.code)

    @property
    def rtl(self) -> bool:
        return bool(self.locale.rtl)

    def translate(self, message: str, values: Mapping[str, object] | None = None) -> str:
        """The message in this language, its placeholders filled."""
        return fill(self.locale.translate(message), values)

    def translate_plural(
        self, singular: str, plural: str, count: int, values: Mapping[str, object] | None = None
    ) -> str:
        """The form of a message for `count` by this language's plural rule; {count} and the
        other placeholders filled."""
        return fill(self.locale.translate(singular, plural, count), {"count": count, **(values or {})})


class Languages:
    """The languages loaded from a folder of catalogs, and the choice of one for a request."""

    def __init__(self, directory: Path = LOCALE_DIR, languages: tuple[tuple[str, str], ...] = LANGUAGES) -> None:
        self.by_code: dict[str, Language] = {}
        for code, name in languages:
            self.by_code[code] = _load(directory, code, name)
        # A bare language matches its one regional catalog ("pt" → pt_BR).
        self._primary: dict[str, str] = {}
        for code in self.by_code:
            self._primary.setdefault(code.split("_")[0].lower(), code)

    @property
    def source(self) -> Language:
        return self.by_code[SOURCE]

    def __iter__(self) -> Iterator[Language]:
        return iter(self.by_code.values())

    def match(self, wanted: str | None) -> Language | None:
        """The language for one tag or code ("de", "de-AT", "pt_br"), or None."""
        if not wanted:
            return None
        parts = wanted.strip().replace("-", "_").split("_")
        if not parts[0] or len(parts[0]) > 8:
            return None
        code = parts[0].lower() + ("_" + parts[1].upper() if len(parts) > 1 and parts[1] else "")
        if code in self.by_code:
            return self.by_code[code]
        primary = self._primary.get(parts[0].lower())
        return self.by_code[primary] if primary else None

    def negotiate(self, chosen: str | None, accept_language: str | None, fallback: str | None = None) -> Language:
        """The reader's choice (the menu's cookie, a locale parameter), else the best of
        Accept-Language by its q-values, else the fallback (an event's language), else English."""
        found = self.match(chosen)
        if found:
            return found
        for wanted in accepted(accept_language or ""):
            found = self.match(wanted)
            if found:
                return found
        return self.match(fallback) or self.source


def accepted(header: str) -> list[str]:
    """The tags of an Accept-Language header, most wanted first (q=0 left out); at most 20 read."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:20]):
        fields = part.strip().split(";")
        name = fields[0].strip()
        quality = 1.0
        for param in fields[1:]:
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name and name != "*" and quality > 0:
            ranked.append((-quality, index, name))
    return [name for _, _, name in sorted(ranked)]


# Parsing a catalog is the slow part (tens of ms): each file is read once per process, however many
# apps (the tests build hundreds) load it. The Language made from it never changes.
@lru_cache(maxsize=64)
def _load(directory: Path, code: str, name: str) -> Language:
    if code == SOURCE:
        translations: gettext.NullTranslations = gettext.NullTranslations()
        messages: dict[str, Any] = {}
        categories = _categories(code, lambda n: 0 if n == 1 else 1)
    else:
        with open(directory / f"{code}.po", "rb") as po:
            catalog = read_po(po, locale=code)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        translations = gettext.GNUTranslations(buffer)
        plural = gettext.c2py(catalog.plural_expr)
        categories = _categories(code, plural)
        messages = {}
        for message in catalog:
            if not message.id or not message.string or message.fuzzy:
                continue
            if not any(str(path).startswith("static/") for path, _line in message.locations):
                continue  # the pages' and the server's own words: the front end never asks for them
            key = message.id if isinstance(message.id, str) else str(message.id[0])
            if message.context:
                key = f"{message.context}{_CONTEXT_SEP}{key}"
            if not isinstance(message.string, str):
                forms = [str(form) for form in message.string]
                if not all(forms):
                    continue  # an untranslated plural form: English it is, whole
                messages[key] = {category: forms[index] for category, index in categories.items()}
            else:
                messages[key] = message.string
    locale = tornado.locale.GettextLocale(code, translations)
    body = {"code": code, "tag": tag(code), "dir": "rtl" if locale.rtl else "ltr", "messages": messages}
    catalog_bytes = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    version = hashlib.sha256(catalog_bytes).hexdigest()[:12]
    return Language(code, name, locale, catalog_bytes, version)


def _categories(code: str, plural: Any) -> dict[str, int]:
    """Which gettext plural form each CLDR category (what Intl.PluralRules names) uses, found by
    asking both rules about the same numbers: the front end picks a form by category."""
    rule = BabelLocale.parse(code).plural_form
    found: dict[str, int] = {}
    # Every category shows up among these: the small numbers, and a million ("many" in French).
    for n in (*range(0, 2001), 1_000_000, 2_000_000):
        found.setdefault(rule(n), int(plural(n)))
    return found
