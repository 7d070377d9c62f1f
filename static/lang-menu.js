// The language menu (templates/lang_menu.html): choosing a language remembers it in the
// chatserver_lang cookie for a year and reloads the page in it. Without this module the menu is a
// GET form (?locale=<code>) and the server sets the same cookie. Self-starting: common.js imports
// it on every page, and the demo page loads it by itself. No words of its own: the menu's are the
// template's.

const COOKIE = "chatserver_lang";
const YEAR = 365 * 24 * 60 * 60;

/** Remember a language code for every page of this site, as the server does for ?locale=. */
export function rememberLanguage(code) {
  document.cookie = `${COOKIE}=${encodeURIComponent(code)}; Path=/; Max-Age=${YEAR}; SameSite=Lax`;
}

/** Wire one menu: a <details> with a form of submit buttons named "locale". */
export function bindLanguageMenu(menu) {
  const form = menu.querySelector("form");
  if (!form) return;
  form.addEventListener("submit", (ev) => {
    const button = ev.submitter;
    if (!button || button.name !== "locale") return; // not ours: let the form do what it does
    ev.preventDefault();
    rememberLanguage(button.value);
    // A ?locale= in the address would outvote the cookie on reload: drop it. The fragment stays
    // (the host console's key lives there).
    const url = new URL(location.href);
    const asked = url.searchParams.has("locale");
    url.searchParams.delete("locale");
    if (asked) location.replace(url.href);
    else if (button.getAttribute("aria-current") === "true") closeMenu(menu, true);
    else location.reload();
  });
  document.addEventListener("click", (ev) => {
    if (menu.open && !menu.contains(ev.target)) closeMenu(menu, false);
  });
  menu.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && menu.open) closeMenu(menu, true);
  });
}

function closeMenu(menu, refocus) {
  menu.open = false;
  if (refocus) menu.querySelector("summary").focus();
}

for (const menu of document.querySelectorAll("details.lang-menu")) bindLanguageMenu(menu);
