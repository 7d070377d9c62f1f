"""The language menu: choosing a language reloads the page in it and every next page remembers it
(the chatserver_lang cookie), with the keyboard too, without JavaScript as a plain form, and in the
site bar of a phone. (The catalogs' words come later: these tests read lang, dir, the cookie and the menu.)"""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import expect

from chatserver.i18n import COOKIE, LANGUAGES, Languages
from tests.browser.conftest import LiveServer

YEAR = 365 * 24 * 3600


def language_cookie(context: Any) -> dict[str, Any] | None:
    return next((c for c in context.cookies() if c["name"] == COOKIE), None)


def assert_in_viewport(page: Any, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    width = page.viewport_size["width"]
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)


def test_choosing_a_language_reloads_the_page_in_it_and_is_remembered(
    live_server: LiveServer, context_factory: Any
) -> None:
    context = context_factory(locale="en-US")
    page = context.new_page()
    page.goto(live_server.base + "/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")

    menu = page.locator("#lang-menu")
    choices = menu.locator("button[name=locale]")
    # Every language in its own name, marked with its language; the page's own is the current one.
    assert choices.all_text_contents() == [name for _, name in LANGUAGES]
    assert [choices.nth(i).get_attribute("lang") for i in range(len(LANGUAGES))] == [
        code.replace("_", "-") for code, _ in LANGUAGES
    ]
    expect(menu.locator("[aria-current=true]")).to_have_text("English")
    expect(menu.locator("summary")).to_contain_text("Language")  # its accessible name

    menu.locator("summary").click()
    with page.expect_navigation():
        menu.get_by_role("button", name="Deutsch").click()
    expect(html).to_have_attribute("lang", "de")
    expect(html).to_have_attribute("data-catalog", f"/i18n/de.json?v={Languages().by_code['de'].version}")
    cookie = language_cookie(context)
    assert cookie is not None and cookie["value"] == "de" and cookie["path"] == "/" and cookie["sameSite"] == "Lax"
    assert abs(cookie["expires"] - (time.time() + YEAR)) < 60

    # The next page remembers the choice, whatever the browser's languages say.
    page.goto(live_server.base + "/archive")
    expect(html).to_have_attribute("lang", "de")
    expect(page.locator("#lang-menu [aria-current=true]")).to_have_text("Deutsch")

    # By keyboard: the menu opens with Enter, Escape closes it, and Arabic mirrors the page.
    summary = page.locator("#lang-menu summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#lang-menu")).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(page.locator("#lang-menu")).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    for _ in LANGUAGES:  # Tab through the choices to the last one, العربية
        page.keyboard.press("Tab")
    expect(page.locator("#lang-menu button[value=ar]")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    assert language_cookie(context)["value"] == "ar"  # type: ignore[index]

    # A ?locale= in the address would outvote the cookie: choosing drops it, and keeps the fragment
    # (the host console's key).
    created = live_server.create_event()
    host = f"{live_server.base}/e/{created['event']['slug']}/host"
    page.goto(f"{host}?locale=fr#key={created['host_key']}")
    expect(html).to_have_attribute("lang", "fr")
    page.locator("#lang-menu summary").click()
    with page.expect_navigation():
        page.locator("#lang-menu").get_by_role("button", name="Deutsch").click()
    expect(html).to_have_attribute("lang", "de")
    assert page.url == f"{host}#key={created['host_key']}"


def test_without_javascript_the_menu_is_a_form_and_locale_sets_the_cookie(
    live_server: LiveServer, context_factory: Any
) -> None:
    context = context_factory(java_script_enabled=False)
    page = context.new_page()
    html = page.locator("html")
    page.goto(live_server.base + "/?locale=fr")
    expect(html).to_have_attribute("lang", "fr")
    assert language_cookie(context)["value"] == "fr"  # type: ignore[index]
    page.goto(live_server.base + "/archive?q=retro")
    expect(html).to_have_attribute("lang", "fr")

    # The menu opens (a <details>) and sends the choice with the page's search.
    page.locator("#lang-menu summary").click()
    with page.expect_navigation():
        page.locator("#lang-menu").get_by_role("button", name="Español").click()
    assert page.url.endswith("/archive?q=retro&locale=es")
    expect(html).to_have_attribute("lang", "es")
    expect(page.locator("#q")).to_have_value("retro")
    page.goto(live_server.base + "/")
    expect(html).to_have_attribute("lang", "es")


def test_the_menu_fits_a_phones_site_bar_both_ways(live_server: LiveServer, context_factory: Any) -> None:
    context = context_factory(viewport={"width": 360, "height": 640})
    page = context.new_page()
    for locale in ("de", "ar"):
        page.goto(f"{live_server.base}/?locale={locale}")
        header = page.locator("header.site")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        # One line: the name, the links and the globe side by side.
        heights = [page.locator(s).bounding_box()["height"] for s in ("header.site", "header.site .brand")]
        assert heights[0] < heights[1] + 30, heights
        expect(header.locator("#lang-menu summary")).to_be_visible()
        assert_in_viewport(page, "#lang-menu summary")
        header.locator("#lang-menu summary").click()
        expect(page.locator("#lang-menu .menu-body")).to_be_visible()
        assert_in_viewport(page, "#lang-menu .menu-body")
        page.mouse.click(180, 600)  # a click elsewhere closes it
        expect(page.locator("#lang-menu .menu-body")).to_be_hidden()
