// The emoji picker (room, host console, chat bar panel): a popover beside a button, a bottom sheet
// on a phone, with a search field, the reader's frequently used emoji and Unicode's groups. Its
// catalog (emoji-catalog.js: names and keywords in the page's language) loads on the first open.
// ARIA: a dialog holding one listbox whose options are grouped (role=group, labelled by the group's
// heading), focus roving over the options (the active one has tabindex=0). Screen readers say an
// option's name and, on entering it, its group; a grid would read out rows and columns that mean
// nothing here, and its headings would have no place in a grid's rows.

import { fold, found, frequentRow, loadCatalog, rememberEmoji } from "./emoji-catalog.js";
import { t, tn } from "./i18n.js";

const TEXT = {
  // Translators: the emoji picker's name, said by screen readers when it opens.
  picker: t("Choose an emoji"),
  // Translators: the placeholder of the emoji picker's search field.
  search: t("Search emoji"),
  // Translators: the name of the list of emoji in the picker, for screen readers.
  list: t("Emoji"),
  // Translators: the button that closes the emoji picker (an ×), for screen readers.
  close: t("Close the emoji picker"),
  // Translators: the heading of the emoji the reader picked most often, at the top of the picker.
  frequent: t("Frequently used"),
  none: t("No emoji found"),
  found: (n) => tn("One emoji found", "{n} emoji found", n),
  loading: t("Loading the emoji…"),
  failed: t("The emoji could not be loaded; try again later."),
  // Translators: the emoji picker's group headings, Unicode's names for its groups of emoji.
  groups: {
    "smileys-emotion": t("Smileys & Emotion"),
    "people-body": t("People & Body"),
    "animals-nature": t("Animals & Nature"),
    "food-drink": t("Food & Drink"),
    "travel-places": t("Travel & Places"),
    activities: t("Activities"),
    objects: t("Objects"),
    symbols: t("Symbols"),
    flags: t("Flags"),
  },
};

const SHEET = "(max-width: 29.99rem)"; // i18n: a media query; below 480 px the picker is a bottom sheet (style.css)
const GAP = 6; // px between the button and the popover, and at least from the window's edges

let current = null; // the open picker: { anchor, close }

function element(tag, className, attrs = {}, text = "") {
  const el = document.createElement(tag);
  if (className) el.className = className;
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  el.textContent = text;
  return el;
}

/**
 * Open the picker beside `anchor` (a button); onPick(emoji) gets the chosen emoji (its stored,
 * fully-qualified form). options: keepOpen (stay open after a pick), label (the dialog's name).
 * Opening it again from the same button closes it. Returns { close } (null when it closed).
 */
export function openEmojiPicker(anchor, onPick, options = {}) {
  if (current) {
    const again = current.anchor === anchor;
    current.close(true);
    if (again) return null;
  }
  const pop = element("div", "emoji-picker", { role: "dialog", "aria-label": options.label || TEXT.picker });
  const head = element("div", "emoji-picker-head");
  const search = element("input", "", {
    type: "search", "aria-label": TEXT.search, placeholder: TEXT.search, autocomplete: "off", spellcheck: "false",
  });
  // No tab stop (Escape closes; Tab goes between the field and the list): for pointers and screen readers.
  const closing = { type: "button", "aria-label": TEXT.close, tabindex: "-1" };
  const closer = element("button", "emoji-picker-close", closing, "×"); // i18n: a sign, named by its aria-label
  head.append(search, closer);
  const list = element("div", "emoji-picker-list", { role: "listbox", "aria-label": TEXT.list });
  const status = element("p", "emoji-picker-status", { role: "status" }, TEXT.loading);
  pop.append(head, list, status);
  (anchor.closest("dialog[open]") || document.body).append(pop); // inside a modal dialog, or it would be inert
  anchor.setAttribute("aria-haspopup", "dialog");
  anchor.setAttribute("aria-expanded", "true");

  const words = new Map(); // option → its folded name and keywords
  let shown = []; // the options not filtered out, in order
  let active = null;
  let open = true;

  function option(one, name, keywords) {
    const attrs = { role: "option", tabindex: "-1", "aria-selected": "false", "aria-label": name, title: name };
    const el = element("div", "emoji-option", { ...attrs, "data-emoji": one }, one);
    words.set(el, ` ${fold(`${name} ${keywords || ""}`)}`);
    return el;
  }

  function group(id, title) {
    const box = element("div", "emoji-group", { role: "group", "aria-labelledby": `emoji-picker-${id}` });
    box.append(element("div", "emoji-heading", { role: "presentation", id: `emoji-picker-${id}` }, title));
    list.append(box);
    return box;
  }

  function render(catalog) {
    const named = new Map();
    const frequent = group("frequent", TEXT.frequent);
    frequent.dataset.frequent = "";
    for (const g of catalog.groups) {
      const box = group(g.id, TEXT.groups[g.id] || g.id);
      for (const [one, name, keywords] of g.emoji) {
        named.set(one, [name, keywords]);
        box.append(option(one, name, keywords));
      }
    }
    for (const one of frequentRow()) frequent.append(option(one, ...(named.get(one) || [one, ""])));
    status.textContent = "";
    filter();
  }

  function setActive(el, focus) {
    if (active && active !== el) {
      active.tabIndex = -1;
      active.setAttribute("aria-selected", "false");
    }
    active = el;
    if (!el) return;
    el.tabIndex = 0;
    el.setAttribute("aria-selected", "true");
    if (focus) {
      el.focus({ preventScroll: true });
      el.scrollIntoView({ block: "nearest" });
    }
  }

  function filter() {
    const wanted = fold(search.value).split(" ").filter(Boolean);
    for (const box of list.children) {
      let any = false;
      const frequent = box.dataset.frequent !== undefined; // while searching, only the groups
      for (const el of box.querySelectorAll("[role=option]")) {
        el.hidden = wanted.length > 0 && (frequent || !wanted.every((w) => found(words.get(el), w)));
        any = any || !el.hidden;
      }
      box.hidden = !any;
    }
    shown = [...list.querySelectorAll("[role=option]:not([hidden])")].filter((el) => !el.parentElement.hidden);
    if (!active || !shown.includes(active)) setActive(shown[0] || null, false);
    status.textContent = !wanted.length ? "" : shown.length ? TEXT.found(shown.length) : TEXT.none;
  }

  /** The option in the next row up or down, the nearest to `from` across: the layout decides. */
  function vertical(from, down) {
    const box = from.getBoundingClientRect();
    const x = box.left + box.width / 2;
    let row = null;
    let best = null;
    for (let i = shown.indexOf(from) + (down ? 1 : -1); i >= 0 && i < shown.length; i += down ? 1 : -1) {
      const b = shown[i].getBoundingClientRect();
      if (row === null && (down ? b.top > box.top + 1 : b.top < box.top - 1)) row = b.top;
      if (row === null) continue;
      if (Math.abs(b.top - row) > 1) break;
      const across = Math.abs(b.left + b.width / 2 - x);
      if (!best || across < best.across) best = { el: shown[i], across };
    }
    return best ? best.el : null;
  }

  function pick(el) {
    const one = el.dataset.emoji;
    rememberEmoji(one);
    if (!options.keepOpen) close(true);
    onPick(one);
  }

  list.addEventListener("keydown", (ev) => {
    if (!active || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const rtl = getComputedStyle(pop).direction === "rtl";
    const at = shown.indexOf(active);
    const moves = {
      ArrowRight: () => shown[at + (rtl ? -1 : 1)],
      ArrowLeft: () => shown[at + (rtl ? 1 : -1)],
      ArrowDown: () => vertical(active, true),
      ArrowUp: () => vertical(active, false),
      Home: () => shown[0],
      End: () => shown[shown.length - 1],
    };
    if (moves[ev.key]) {
      ev.preventDefault();
      const to = moves[ev.key]();
      if (to) setActive(to, true);
    } else if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      pick(active);
    } else if (ev.key === "Tab") {
      ev.preventDefault(); // Tab leaves the list for the search field, either way
      search.focus();
    } else if (ev.key.length === 1) {
      search.focus(); // typing searches: the key goes on to the field
    }
  });
  list.addEventListener("click", (ev) => {
    const el = ev.target.closest("[role=option]");
    if (el) pick(el);
  });
  search.addEventListener("input", filter);
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" || ev.key === "Tab") {
      ev.preventDefault(); // Tab goes on to the list, either way; it stays here while there is none
      if (active) setActive(active, true);
    } else if (ev.key === "Enter" && active) {
      ev.preventDefault();
      pick(active); // the first found, unless the reader moved on to another (it is highlighted)
    }
  });
  closer.addEventListener("click", () => close(true));
  pop.addEventListener("keydown", (ev) => {
    if (ev.key !== "Escape") return;
    ev.preventDefault(); // not the dialog around it too
    ev.stopPropagation();
    close(true);
  });

  function place() {
    if (window.matchMedia(SHEET).matches) return; // a bottom sheet: style.css places it
    const r = anchor.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    const height = window.innerHeight;
    const rtl = getComputedStyle(pop).direction === "rtl";
    const start = rtl ? width - r.right : r.left; // from the edge where lines start
    const inline = Math.max(GAP, Math.min(start, width - pop.offsetWidth - GAP));
    const below = r.bottom + GAP;
    const above = r.top - GAP - pop.offsetHeight;
    const fits = below + pop.offsetHeight <= height - GAP || above < GAP; // below, unless only above has room
    const block = fits ? Math.max(GAP, Math.min(below, height - pop.offsetHeight - GAP)) : above;
    pop.style.setProperty("--emoji-picker-inline", `${inline}px`); // CSSOM, which the pages' CSP allows
    pop.style.setProperty("--emoji-picker-block", `${block}px`);
  }

  function outside(ev) {
    if (!pop.contains(ev.target) && !anchor.contains(ev.target)) close(false);
  }

  // A click elsewhere closes it; it follows its button when the page scrolls or the window changes size.
  const follow = (ev) => pop.contains(ev.target) || place(); // not for the picker's own scrolling
  const watching = [[document, "pointerdown", outside], [window, "resize", place], [window, "scroll", follow]];
  function close(refocus) {
    if (!open) return;
    open = false;
    current = null;
    pop.remove();
    anchor.setAttribute("aria-expanded", "false");
    for (const [target, type, fn] of watching) target.removeEventListener(type, fn, true);
    if (refocus && anchor.isConnected) anchor.focus();
  }

  for (const [target, type, fn] of watching) target.addEventListener(type, fn, true);
  place();
  search.focus();
  current = { anchor, close };
  loadCatalog().then(
    (catalog) => open && render(catalog),
    (e) => {
      console.warn("chatserver: the emoji catalog did not load:", e);
      if (open) status.textContent = TEXT.failed;
    },
  );
  return { close: () => close(false) };
}
