"""Every word a user sees comes from the catalogs: no prose left in a template or a module outside
_() and t()/tn(), and the catalogs complete for every language (chatserver/translations.py)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from chatserver import translations

ROOT = Path(__file__).resolve().parent.parent
# A line may say why a literal is not for people: "// i18n: <reason>" (JS) or "{# i18n: … #}".
EXEMPT = "i18n:"
# Names that are the same in every language.
PROPER = {"chatserver", "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries"}
_WORD = re.compile(r"[^\W\d_]{2,}")
# What only code is made of: markup, assignments, URLs, selectors, CSS functions and variables.
_CODE_MARKS = r"[=;{}<>]|=>|://|^[.#\[(]|--|\w\("
_CODE = re.compile(_CODE_MARKS + r"|^[a-z-]+(\s+[a-z-]+)*$")  # …and class lists: "notice storage-note"
_CODE_TEXT = re.compile(_CODE_MARKS)


def prose(text: str) -> bool:
    """Whether a literal reads as words for people (not a selector, a URL, a code or a key)."""
    text = re.sub(r"\$\{[^}]*\}", " ", text).strip()
    if not text or text in PROPER or _CODE.search(text):
        return False
    words = _WORD.findall(text)
    if len(words) >= 2 and " " in text:
        return text[0].isupper() or text[-1] in ".!?:…" or len(words) >= 3
    return len(words) == 1 and text[0].isupper() and text[-1] in ".!?…" and len(text) > 3


def js_literals(path: Path) -> list[tuple[int, str]]:
    """The prose literals of a module that are neither translated nor for developers."""
    # Babel's JavaScript tokenizer, the one its extractor uses (so both read the modules alike); it
    # warns that it is internal. If a Babel release drops it, this test fails loudly, not silently.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return _js_literals(path)


def _js_literals(path: Path, messages: list[str] | None = None) -> list[tuple[int, str]]:
    """messages, when given, collects the first argument of every t() and tn() call."""
    from babel.messages.jslexer import tokenize, unquote_string

    source = path.read_text()
    lines = source.splitlines()
    found = []
    calls: list[str] = []
    previous = None
    for token in tokenize(source, jsx=False, template_string=True):
        if messages is not None and token.type == "string" and previous is not None and previous.value == "(":
            if calls and calls[-1].split(".")[-1] in ("t", "tn"):
                messages.append(unquote_string(token.value))
        if token.type == "operator" and token.value == "(":
            calls.append(previous.value if previous is not None and previous.type == "name" else "")
        elif token.type == "operator" and token.value == ")" and calls:
            calls.pop()
        elif token.type in ("string", "template_string"):
            text = token.value[1:-1] if token.type == "template_string" else unquote_string(token.value)
            translated = bool(calls) and calls[-1].split(".")[-1] in ("t", "tn")
            for_developers = any(name.startswith("console.") or name.endswith("Error") for name in calls)
            exempt = EXEMPT in lines[token.lineno - 1]
            if prose(text) and not (translated or for_developers or exempt):
                found.append((token.lineno, text))
        previous = token
    return found


_TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_HIDDEN = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->", re.DOTALL | re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\b(placeholder|title|aria-label|alt|aria-description|content|value)="([^"]*)"')


def template_literals(path: Path) -> list[tuple[int, str]]:
    """Text nodes and visible attributes of a template written in English rather than through _()."""
    source = path.read_text()
    found = []
    for number, line in enumerate(source.splitlines(), 1):
        if EXEMPT in line:
            continue
        code_free = _TEMPLATE_CODE.sub(" ", line)
        for name, value in _ATTRIBUTE.findall(code_free):
            words = name not in ("value", "content") and _WORD.search(value) and not _CODE.search(value)
            if prose(value) or (words and value not in PROPER and "/" not in value):
                found.append((number, f'{name}="{value}"'))
    text = _HIDDEN.sub(lambda m: "\n" * m.group(0).count("\n"), source)
    text = _TEMPLATE_CODE.sub(lambda m: " " * len(m.group(0).replace("\n", "")) + "\n" * m.group(0).count("\n"), text)
    for match in re.finditer(r">([^<>]+)<", text):
        words = re.sub(r"&\w+;|&#\d+;", " ", match.group(1)).strip()
        number = text.count("\n", 0, match.start()) + 1
        if (
            _WORD.search(words)
            and words not in PROPER
            and not _CODE_TEXT.search(words)
            and EXEMPT not in source.splitlines()[number - 1]
        ):
            found.append((number, words))
    return found


MODULES = sorted(p for p in (ROOT / "static").glob("*.js") if p.name != "widget.js")
TEMPLATES = sorted((ROOT / "templates").glob("*.html"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_module_shows_words_that_are_not_in_the_catalogs(path: Path) -> None:
    assert js_literals(path) == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_template_shows_words_that_are_not_in_the_catalogs(path: Path) -> None:
    assert template_literals(path) == []


def test_the_check_finds_what_it_is_for(tmp_path: Path) -> None:
    module = tmp_path / "m.js"
    module.write_text(
        'const TEXT = { ok: t("Fine here."), n: (n) => tn("One item", "{n} items", n) };\n'
        'el.textContent = "Nobody translated this.";\n'
        'console.warn("chatserver: developers read this");\n'
        'el.querySelector("button[type=submit]");\n'
        "note.textContent = `Sent at ${when}, by you`;\n"
    )
    assert [line for line, _ in js_literals(module)] == [2, 5]
    page = tmp_path / "p.html"
    page.write_text(
        '<p>{{ _("Fine") }}</p>\n<p>Not fine</p>\n<input placeholder="Your name">\n<b>{{ count }}</b> &middot;\n'
    )
    assert sorted(line for line, _ in template_literals(page)) == [2, 3]


def test_every_message_a_module_asks_for_reaches_the_catalogs() -> None:
    # Babel's extractor skips a t() written inside another t()'s arguments: such a message would
    # never be translated, silently. Every call's message must be in the template catalog.
    asked: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for path in MODULES:
            _js_literals(path, asked)
    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in translations.template() if m.id}
    assert sorted(set(asked) - extracted) == []


def test_every_language_translates_every_message() -> None:
    assert translations.problems() == []
