"""Link previews: what a card shows of a page's head, and which link of a message gets a card."""

from __future__ import annotations

import pytest

from chatserver.previews.page import MAX_DESCRIPTION, MAX_TITLE, parse_page
from chatserver.previews.service import first_url

URL = "https://news.example/section/story.html"


def page(head: str, body: str = "<p>text</p>") -> bytes:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode()


def test_open_graph_tags_come_first() -> None:
    meta = parse_page(
        page(
            '<title>Page title</title><meta name="twitter:title" content="Twitter title">'
            '<meta property="og:title" content="OG title"><meta property="og:description" content="OG text">'
            '<meta name="description" content="Plain text"><meta property="og:image" content="https://cdn.example/a.png">'
            '<meta property="og:site_name" content="News">'
        ),
        None,
        URL,
    )
    assert (meta.title, meta.description, meta.image_url, meta.site_name) == (
        "OG title",
        "OG text",
        "https://cdn.example/a.png",
        "News",
    )


def test_fallbacks_twitter_then_title_and_the_host() -> None:
    meta = parse_page(
        page(
            '<title>Page title</title><meta name="twitter:title" content="Twitter title">'
            '<meta name="twitter:description" content="Tw text"><meta name="twitter:image" content="/t.jpg">'
        ),
        None,
        URL,
    )
    assert (meta.title, meta.description, meta.image_url, meta.site_name) == (
        "Twitter title",
        "Tw text",
        "https://news.example/t.jpg",
        "news.example",
    )
    meta = parse_page(page('<title>\n  Just   the\ttitle </title><meta name="description" content="Plain">'), None, URL)
    assert (meta.title, meta.description, meta.image_url) == ("Just the title", "Plain", None)
    assert parse_page(page("<meta charset=utf-8>"), None, URL).title == ""


def test_entities_are_unescaped_in_text_and_attributes() -> None:
    meta = parse_page(
        page(
            '<title>Tom &amp; Jerry&#x21; &lt;b&gt;</title><meta property="og:description" content="a &quot;b&quot; &eacute;">'
        ),
        None,
        URL,
    )
    assert (meta.title, meta.description) == ("Tom & Jerry! <b>", 'a "b" é')


@pytest.mark.parametrize(
    ("body", "charset"),
    [
        ("<head><title>Café Zürich</title></head>".encode("cp1252"), "windows-1252"),
        ("<head><title>Café Zürich</title></head>".encode("latin-1"), "ISO-8859-1"),
        ('<head><meta charset="iso-8859-15"><title>Café Zürich</title></head>'.encode("iso-8859-15"), None),
        (
            '<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><title>Café Zürich</title>'.encode(
                "cp1252"
            ),
            None,
        ),
        ("<head><title>Café Zürich</title></head>".encode(), None),
        ("\ufeff<head><title>Café Zürich</title></head>".encode("utf-16-le"), None),
        ("<head><title>Café Zürich</title></head>".encode(), "no-such-charset"),
    ],
)
def test_the_charset_from_the_header_the_page_or_utf8(body: bytes, charset: str | None) -> None:
    assert parse_page(body, charset, URL).title == "Café Zürich"


def test_bytes_that_do_not_decode_are_replaced() -> None:
    assert parse_page(b"<title>caf\xe9 ok</title>", "utf-8", URL).title == "caf\ufffd ok"


def test_images_are_made_absolute_and_http_only() -> None:
    def image(value: str) -> str | None:
        return parse_page(page(f'<title>t</title><meta property="og:image" content="{value}">'), None, URL).image_url

    assert image("../img/a.png") == "https://news.example/img/a.png"
    assert image("//cdn.example/b.png") == "https://cdn.example/b.png"
    assert image("  http://cdn.example/c.png ") == "http://cdn.example/c.png"
    assert image("javascript:alert(1)") is None
    assert image("data:image/png;base64,AAAA") is None
    assert image("ftp://cdn.example/d.png") is None
    assert image("") is None


def test_only_the_head_is_read_and_script_is_not_a_title() -> None:
    meta = parse_page(
        b"<html><head><script>document.title = '<title>Fake</title>'</script>"
        b"<style>title { content: '<title>Nope</title>' }</style><title>Real</title></head>"
        b'<body><meta property="og:title" content="From the body"><title>Body title</title></body></html>',
        None,
        URL,
    )
    assert meta.title == "Real"
    meta = parse_page(b'<head><title>A</title></head><meta property="og:description" content="late">', None, URL)
    assert meta.description == ""  # a <meta> after the head is ignored


def test_a_page_without_head_or_body_tags_is_read_as_a_head() -> None:
    assert parse_page(b'<meta property="og:title" content="Bare">', None, URL).title == "Bare"


def test_long_text_is_truncated_and_control_characters_dropped() -> None:
    meta = parse_page(
        page(f'<title>{"word " * 1000}</title><meta name="description" content="{"x" * 5000}">'), None, URL
    )
    assert len(meta.title) == MAX_TITLE and meta.title.endswith("…")
    assert len(meta.description) == MAX_DESCRIPTION and meta.description.endswith("…")
    assert parse_page(page("<title>a\x00b\x1b[31mc\x7f</title>"), None, URL).title == "ab[31mc"


def test_a_body_cut_in_the_middle_still_gives_what_it_has() -> None:
    assert parse_page(b"<head><title>Cut &amp", None, URL).title == "Cut &"


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("see https://example.com/a?b=1#c", "https://example.com/a?b=1#c"),
        ("https://example.com.", "https://example.com"),
        ("is it https://example.com/x?!", "https://example.com/x"),
        ("(see https://example.com/x)", "https://example.com/x"),
        ("https://en.wikipedia.org/wiki/Mercury_(planet)", "https://en.wikipedia.org/wiki/Mercury_(planet)"),
        (
            "(https://en.wikipedia.org/wiki/Mercury_(disambiguation)).",
            "https://en.wikipedia.org/wiki/Mercury_(disambiguation)",
        ),
        ("first http://a.example/, then https://b.example/", "http://a.example/"),
        ('"https://example.com/q"', "https://example.com/q"),
        ("<https://example.com/angle>", "https://example.com/angle"),
        ("HTTPS://EXAMPLE.COM/Up", "HTTPS://EXAMPLE.COM/Up"),
        ("`https://code.example/` but https://real.example/", "https://real.example/"),
        ("https://example.com/path;param:x", "https://example.com/path;param:x"),
        ("no link here", None),
        ("javascript:alert(1)", None),
        ("ftp://files.example/x", None),
        ("xhttps://example.com/", None),
        ("https://", None),
        ("https://.", None),
        ("mailto:someone@example.com", None),
    ],
)
def test_first_url(text: str, url: str | None) -> None:
    assert first_url(text) == url
