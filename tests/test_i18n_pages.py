"""The pages in every language: each answers in the reader's language with the right lang and dir,
names its catalog, remembers a ?locale= choice in the menu's cookie, and the templates leave no
user-visible English outside the catalogs."""

from __future__ import annotations

import html.parser
import re
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from chatserver.handlers.pages import markup
from chatserver.i18n import COOKIE, LANGUAGES, Languages, tag
from tests.helpers import Api, Reply

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PAGES = [
    ("/", 200),
    ("/archive?q=week", 200),
    ("/e/{slug}", 200),
    ("/e/{slug}/transcript", 200),
    ("/e/{slug}/host", 200),
    ("/admin", 200),
    ("/e/{slug}/embed", 200),
    ("/e/{closed}/transcript", 200),
    ("/demo/embed", 200),
    ("/demo/embed?room={slug}", 200),
    ("/e/nosuchevent", 404),
    ("/no/such/page", 404),
]
YEAR = 365 * 24 * 3600


def html_tag(page: str) -> str:
    match = re.search(r"<html\b[^>]*>", page)
    assert match, page[:200]
    return match.group(0)


def cookies(reply: Reply) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    for header in reply.headers.get_list("Set-Cookie"):
        jar.load(header)
    return jar


@pytest.mark.parametrize("code", [code for code, _ in LANGUAGES])
async def test_every_page_answers_in_each_language_with_its_lang_and_dir(api: Api, code: str) -> None:
    created = await api.create_event(description="Agenda")
    slug = created["event"]["slug"]
    _, token = await api.join(slug, "alice")
    assert (await api.say(slug, token, "hello")).status == 201
    ended = await api.create_event()
    closed = ended["event"]["slug"]
    assert (await api.post(f"/api/events/{closed}/close", token=ended["host_key"])).status == 200
    language = Languages().by_code[code]
    direction = "rtl" if code == "ar" else "ltr"
    for path, status in PAGES:
        url = path.format(slug=slug, closed=closed)
        reply = await api.get(url, headers={"Accept-Language": f"{tag(code)},en;q=0.5"})
        assert reply.status == status, (url, reply.status)
        opening = html_tag(reply.body)
        assert f'lang="{tag(code)}"' in opening and f'dir="{direction}"' in opening, (url, opening)
        assert reply.headers["Vary"] == "Accept-Language, Cookie", url
        if code == "en":  # English pages are their own words: no catalog to load
            assert "data-catalog" not in opening and "/i18n/" not in reply.body, url
        else:
            catalog = f"/i18n/{code}.json?v={language.version}"
            assert f'data-catalog="{catalog}"' in opening, url
            assert f'<link rel="preload" href="{catalog}" as="fetch" crossorigin="anonymous">' in reply.body, url
        assert "Set-Cookie" not in reply.headers, url  # the browser's languages are not a choice


async def test_a_locale_argument_is_remembered_in_the_menus_cookie(api: Api) -> None:
    chosen = await api.get("/archive?locale=fr", headers={"Accept-Language": "de"})
    assert 'lang="fr"' in html_tag(chosen.body)
    cookie = cookies(chosen)[COOKIE]
    assert cookie.value == "fr"
    assert (cookie["path"], cookie["max-age"], cookie["samesite"]) == ("/", str(YEAR), "Lax")

    # The next page, without the argument, speaks the language of the cookie.
    later = await api.get("/", headers={"Accept-Language": "de", "Cookie": f"{COOKIE}=fr"})
    assert 'lang="fr"' in html_tag(later.body)
    # A tag is kept as its catalog's code; an unknown one is no choice.
    assert cookies(await api.get("/?locale=pt-br"))[COOKIE].value == "pt_BR"
    assert "Set-Cookie" not in (await api.get("/?locale=klingon")).headers


async def test_the_embed_page_does_not_keep_the_sites_locale(api: Api) -> None:
    """The chat bar's ?locale= is the embedding site's data-locale: the frame speaks it, but the
    reader's own choice for chatserver's pages stays theirs."""
    slug = (await api.create_event())["event"]["slug"]
    framed = await api.get(f"/e/{slug}/embed?locale=de")
    assert 'lang="de"' in html_tag(framed.body)
    assert "Set-Cookie" not in framed.headers
    assert 'id="lang-menu"' not in framed.body  # the site chooses the bar's language, not a menu


async def test_the_menu_names_each_language_in_itself_and_keeps_the_page(api: Api) -> None:
    created = await api.create_event()
    slug, key = created["event"]["slug"], created["host_key"]
    page = (await api.get("/archive?q=retro&before=5&locale=ja")).body
    buttons = re.findall(
        r'<button type="submit" name="locale" value="([^"]+)" lang="([^"]+)"([^>]*)>([^<]+)</button>', page
    )
    assert [(code, name) for code, _, _, name in buttons] == list(LANGUAGES)
    assert all(lang == tag(code) for code, lang, _, _ in buttons)
    assert [code for code, _, current, _ in buttons if 'aria-current="true"' in current] == ["ja"]
    # Without JavaScript the form sends the search along, but not the locale it came with.
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    assert hidden == [("before", "5"), ("q", "retro")]
    # A host link pasted on the demo page: the menu keeps the room, never the key.
    demo = (await api.get(f"/demo/embed?room=https%3A%2F%2Fx.org%2Fe%2F{slug}%2Fhost%23key%3D{key}")).body
    assert key not in demo
    assert '<input type="hidden" name="room" value="https://x.org/e/' + slug + '">' in demo


def test_markup_escapes_the_message_and_inserts_the_given_html() -> None:
    link = '<a href="/e/x/transcript">the transcript</a>'
    assert markup("Read <b>{link}</b> & more", link=link) == f"Read &lt;b&gt;{link}&lt;/b&gt; &amp; more"
    assert markup("{a} then {b}", a="{b}", b="<i>x</i>") == "{b} then <i>x</i>"  # one pass: no re-filling


# -- no user-visible literal in a template outside _() -------------------------------------------

_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_WORDED_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "label"}
# Names, code and examples that read the same in every language.
_ALLOWED_TEXT = {
    "chatserver",
    "· chatserver",
    "Acme",
    "Outlook",
    "chatserver.open()",
    "chatserver.close()",
    "chatserver.setNickname(…)",
}
_ALLOWED_VALUES = {"Acme", "sam", "#0f766e", "https://app.example.org", "https://chat.example.org/e/k3f9x2abq7"}


class _Literals(html.parser.HTMLParser):
    """Words a template writes itself (its {{ }} and {% %} cut out): text and worded attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, element: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(element)
        named = dict(attrs)
        for name, value in attrs:
            worded = name in _WORDED_ATTRIBUTES or (name == "value" and element == "button")
            worded = worded or (name == "content" and element == "meta" and named.get("name") == "description")
            if worded and value and re.search(r"[^\W\d_]", value.replace("§", "")) and value not in _ALLOWED_VALUES:
                self.found.append(f'<{element} {name}="{value}">')

    def handle_endtag(self, element: str) -> None:
        if self.open and self.open[-1] == element:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] in ("script", "style", "code"):
            return
        text = " ".join(data.replace("§", " ").split())
        if re.search(r"[^\W\d_]", text) and text not in _ALLOWED_TEXT:
            self.found.append(text)


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_say_nothing_outside_the_catalogs(template: str) -> None:
    parser = _Literals()
    parser.feed(_CODE.sub("§", (TEMPLATES / template).read_text(encoding="utf-8")))
    # The dialog's button values are the answers the script reads, not words.
    leftovers = [found for found in parser.found if found not in ('<button value="cancel">', '<button value="ok">')]
    assert leftovers == [], f"{template}: words outside _(): {leftovers}"
