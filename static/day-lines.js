// The room's list, read as a conversation over days: a line with the date wherever the reader's
// local day changes between two items ("Today", "Yesterday", else the long date, as the transcript
// writes it: pages.js), and a "New messages" line above what came while the tab was hidden. Both
// are <li>s of the list that are no items: a line starts a new run of messages (items.js regroup).

import { lang, t } from "./i18n.js";

const TEXT = {
  today: t("Today"),
  yesterday: t("Yesterday"),
  // Translators: a line across the conversation, above the first message that came while the reader was away.
  newMessages: t("New messages"),
};

const dayFormat = new Intl.DateTimeFormat(lang, { weekday: "long", day: "numeric", month: "long", year: "numeric" });

/** The reader's local day of `date` ("2026-11-21" in local time), to compare two moments by. */
export function dayKey(date) {
  const d = date instanceof Date ? date : new Date(date);
  return isNaN(d) ? "" : `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** What a day line says for `date` when it is `now`: "Today", "Yesterday", else the long date. */
export function dayLabel(date, now = new Date()) {
  const d = date instanceof Date ? date : new Date(date);
  if (isNaN(d)) return "";
  if (dayKey(d) === dayKey(now)) return TEXT.today;
  // The day before, by the calendar (a day with a DST change is not 24 hours long).
  if (dayKey(d) === dayKey(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1))) return TEXT.yesterday;
  return dayFormat.format(d);
}

/** Where day lines go in a list of items in order: the indices (into `dates`) a new day starts at. */
export function dayStarts(dates) {
  const starts = [];
  let last = null;
  dates.forEach((date, i) => {
    const key = dayKey(date);
    if (key && key !== last) starts.push(i);
    if (key) last = key;
  });
  return starts;
}

/** A list item the server sent (not a line, nor a message still being sent). */
function isItem(el) {
  return !!el && el.classList.contains("item") && !el.classList.contains("outgoing") && !!el.dataset.id;
}

function line(className) {
  const li = document.createElement("li");
  li.className = className;
  li.setAttribute("role", "presentation"); // as the transcript's: the list's items are the conversation's
  li.append(document.createElement("span"));
  return li;
}

/** Keeps a day line above the first item of each local day in `ol` (items.js calls place()). */
export class DayLines {
  constructor(ol) {
    this.ol = ol;
    this.today = dayKey(new Date());
    // "Today" becomes "Yesterday" at midnight: relabelled when the reader comes back, and as items come.
    document.addEventListener("visibilitychange", () => this.relabel());
  }

  /** The lines (and other non-items) right before `li`, and the item before them. */
  gap(li) {
    const lines = [];
    let el = li.previousElementSibling;
    while (el && !isItem(el)) {
      if (el.classList.contains("day-line")) lines.push(el);
      el = el.previousElementSibling;
    }
    return { lines, prev: el };
  }

  /** The item `li` was just put into the list: the lines before it and after it follow. */
  place(li) {
    this.relabel();
    this.fix(li);
    let next = li.nextElementSibling;
    while (next && !isItem(next)) next = next.nextElementSibling;
    if (next) this.fix(next);
  }

  /** One day line before `li` when its day is not the day of the item before it; none otherwise. */
  fix(li) {
    const at = new Date(Number(li.dataset.at));
    const { lines, prev } = this.gap(li);
    const wanted = !prev || dayKey(new Date(Number(prev.dataset.at))) !== dayKey(at);
    const [keep, ...extra] = lines;
    for (const el of extra) el.remove();
    if (!wanted) {
      if (keep) keep.remove();
      return;
    }
    const el = keep || line("day-line");
    el.dataset.at = li.dataset.at;
    el.firstChild.textContent = dayLabel(at);
    if (!keep) this.ol.insertBefore(el, li);
  }

  relabel() {
    const today = dayKey(new Date());
    if (today === this.today) return;
    this.today = today;
    for (const el of this.ol.querySelectorAll(":scope > li.day-line")) el.firstChild.textContent = dayLabel(new Date(Number(el.dataset.at)));
  }
}

/**
 * The "New messages" line: above the first message from others that came while the reader was
 * away (the tab hidden, or away() true), put there when they come back; gone once they have
 * scrolled on past it, or sent a message (clear()). list: the ItemList; away() → bool.
 */
export class NewLine {
  constructor(list, away) {
    Object.assign(this, { list, away, first: null, el: null, seen: false });
    this.observer = typeof IntersectionObserver === "function"
      ? new IntersectionObserver((entries) => this.observed(entries), { root: list.ol })
      : null;
    document.addEventListener("visibilitychange", () => this.returned());
  }

  /** Messages from others arrived (their <li>s, in order). */
  arrived(lis) {
    if (!this.first && lis.length && (document.visibilityState !== "visible" || this.away())) this.first = lis[0];
  }

  /** The reader is back: the line goes above the first message they have not seen. */
  returned() {
    if (document.visibilityState !== "visible" || this.away() || !this.first) return;
    const first = this.first;
    this.first = null;
    if (!first.isConnected) return;
    this.clear();
    this.el = line("new-line");
    this.el.firstChild.textContent = TEXT.newMessages;
    this.seen = false;
    this.list.ol.insertBefore(this.el, first);
    this.list.regroup(first); // the line starts a new run
    if (this.observer) this.observer.observe(this.el);
  }

  observed(entries) {
    for (const entry of entries) {
      if (entry.target !== this.el) continue;
      if (entry.isIntersecting) this.seen = true;
      // Seen, then scrolled on past it (it went out of view above the list's top): read.
      else if (this.seen && entry.boundingClientRect.bottom <= (entry.rootBounds ? entry.rootBounds.top : 0)) this.clear();
    }
  }

  clear() {
    if (!this.el) return;
    if (this.observer) this.observer.unobserve(this.el);
    const next = this.el.nextElementSibling;
    this.el.remove();
    this.el = null;
    if (next) this.list.regroup(next);
  }
}
