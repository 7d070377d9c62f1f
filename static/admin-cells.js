// The operator console's pieces of a row: sizes in bytes ("12.4 MB"), counts, a title with its
// slug, a row's size and last activity, tags and buttons. Built as DOM: titles and names are user text.

import { lang, t, tn } from "./i18n.js";
import { formatFull, formatTime } from "./time.js";

const TEXT = {
  // Translators: the size of a chat in the operator console: its messages and notices (joins, announcements…).
  items: (n) => tn("{n} item", "{n} items", n),
  participants: (n) => tn("{n} participant", "{n} participants", n),
  // Translators: the last activity of a chat in which nothing was ever said.
  never: t("None yet"),
};

// Units of 1000 bytes, as "kB", "MB" and "GB" mean.
const UNITS = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte", "petabyte"];
// "18 bytes" in full (the short form says "18 byte"); "4.1 kB", "12.4 MB" short.
const byteFormats = UNITS.map((unit, i) => new Intl.NumberFormat(lang, {
  style: "unit", unit, unitDisplay: i === 0 ? "long" : "short", maximumFractionDigits: i === 0 ? 0 : 1,
}));
const counts = new Intl.NumberFormat(lang);

/** "12.4 MB": a number of bytes in the reader's language. */
export function formatBytes(bytes) {
  let n = Math.max(0, Number(bytes) || 0);
  let i = 0;
  while (n >= 1000 && i < UNITS.length - 1) {
    n /= 1000;
    i++;
  }
  // 999.96 kB rounds to "1,000 kB": say "1 MB" instead.
  if (i < UNITS.length - 1 && Math.round(n * 10) >= 10000) {
    n /= 1000;
    i++;
  }
  return byteFormats[i].format(n);
}

/** "1,234": a count in the reader's language. */
export function formatCount(n) {
  return counts.format(Math.max(0, Number(n) || 0));
}

/** An element with a class and children (strings become text, never markup). */
export function el(name, className, ...children) {
  const node = document.createElement(name);
  if (className) node.className = className;
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== ""));
  return node;
}

/** A small tag beside a title: "Unlisted", "Erased". */
export function tag(text, className = "") {
  return el("span", `admin-tag ${className}`.trim(), text);
}

/** The title as a link to its page, with an id for the row's buttons to name it; the slug under it. */
export function titleBlock(href, title, slug, id) {
  const link = el("a", "admin-title", title || slug);
  link.href = href;
  link.id = id;
  link.dir = "auto";
  const code = el("code", "admin-slug", slug);
  code.dir = "ltr";
  return [link, code];
}

/** "12 items · 3 participants · 4.1 kB" as three short lines. */
export function sizeLines(usage) {
  const u = usage || {};
  return [
    el("span", "admin-line", TEXT.items(Number(u.items) || 0)),
    el("span", "admin-line", TEXT.participants(Number(u.participants) || 0)),
    el("span", "admin-line muted", formatBytes(u.bytes)),
  ];
}

/** A moment as a <time>: its time today, else its date and time; the whole moment as a tooltip. */
export function timeElement(iso) {
  if (!iso) return el("span", "muted", TEXT.never);
  const time = el("time", "", formatTime(iso));
  time.dateTime = iso;
  time.title = formatFull(iso);
  return time;
}

/** A row's button; `slot` names its place so that the focus finds it again when the row is redrawn. */
export function actionButton(label, slot, describedBy, danger = false) {
  const button = el("button", danger ? "danger-button" : "secondary-button", label);
  button.type = "button";
  button.dataset.slot = slot;
  button.setAttribute("aria-describedby", describedBy);
  return button;
}

/** The usage of something erased: nothing is left. */
export const NOTHING = Object.freeze({ items: 0, participants: 0, bytes: 0 });
