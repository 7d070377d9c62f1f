// The room's event details: the countdown to the start by the server's clock, and the title,
// description and times kept current. The host may change them at any time: each change comes
// through the stream as a system item {code: "updated", changes} (and, while the event waits to
// start, a reload of the details now and then catches anything missed).

import { eventPath, fetchJson } from "./api.js";
import { t } from "./i18n.js";
import { linkify } from "./links.js";
import { announce } from "./room-api.js";
import { formatDuration, localTimes } from "./time.js";

const TEXT = {
  soon: t("Starting any moment now…"),
  // Translators: the countdown in the waiting room; {duration} is such as "2 h 05 min".
  startsIn: (duration) => t("Starts in {duration}", { duration }),
  // Translators: the browser tab's title for a room: the event's title, then the site's name.
  pageTitle: (title) => t("{title} · chatserver", { title }),
};

const REFRESH_EVERY = 20000; // ms between reloads of the event's details while it is scheduled

export class EventDetails {
  /** root: the room's <article>; state() → the room's state; retitled() — the title changed. */
  constructor(root, slug, state, retitled) {
    Object.assign(this, { root, state, retitled });
    this.path = eventPath(slug);
    this.startsAt = Date.parse(root.dataset.startsAt);
    this.skew = Date.parse(root.dataset.now) - Date.now(); // server clock minus ours
    this.title = document.title; // the page's title without an unread count
    this.lastRefresh = Date.now();
    this.countdownEl = document.getElementById("countdown");
    this.waiting = document.getElementById("waiting");
    this.head = root.querySelector(".event-head");
    const description = this.head.querySelector(".description");
    if (description) {
      description.dataset.text = description.textContent;
      linkify(description, description.textContent); // addresses become links
    }
  }

  /** The server's time, from an answer: the countdown follows its clock, not this browser's. */
  clock(serverTime) {
    const serverNow = Date.parse(serverTime);
    if (!isNaN(serverNow)) this.skew = serverNow - Date.now();
  }

  countdown() {
    if (this.state() !== "scheduled") return;
    const left = (this.startsAt - (Date.now() + this.skew)) / 1000;
    this.countdownEl.textContent = left <= 0.5 ? TEXT.soon : TEXT.startsIn(formatDuration(left));
  }

  /** What the page shows now: {title, starts_at, ends_at} (what the chat bar shows too). */
  current() {
    const h1 = this.head.querySelector("h1");
    return { title: h1 ? h1.textContent : "", starts_at: this.root.dataset.startsAt, ends_at: this.root.dataset.endsAt };
  }

  /**
   * Show new details: {title?, description?, starts_at?, ends_at?} (an `updated` item's changes,
   * new values only). Tells the page's other scripts ("room:details") when anything changed.
   */
  apply(changes) {
    if (!changes || typeof changes !== "object") return false;
    const root = this.root;
    let changed = false;
    const title = changes.title;
    const h1 = this.head.querySelector("h1");
    if (typeof title === "string" && title && h1 && h1.textContent !== title) {
      h1.textContent = title;
      this.title = TEXT.pageTitle(title);
      this.retitled(); // the document's title, with its unread count
      changed = true;
    }
    if (typeof changes.description === "string") changed = this.describe(changes.description) || changed;
    for (const [name, cls, key] of [["starts_at", "starts", "startsAt"], ["ends_at", "ends", "endsAt"]]) {
      const at = changes[name];
      if (typeof at !== "string" || isNaN(Date.parse(at)) || Date.parse(root.dataset[key]) === Date.parse(at)) continue;
      root.dataset[key] = at;
      for (const el of root.querySelectorAll("time." + cls)) el.setAttribute("datetime", at);
      changed = true;
    }
    if (!changed) return false;
    this.startsAt = Date.parse(root.dataset.startsAt);
    localTimes(this.head);
    localTimes(this.waiting);
    this.countdown();
    announce(root, "details", this.current());
    return true;
  }

  /** The description, its addresses as links; hidden when empty. */
  describe(text) {
    let el = this.head.querySelector(".description");
    if (el && el.dataset.text === text) return false;
    if (!el) {
      if (!text) return false;
      el = document.createElement("p");
      el.className = "description";
      this.head.append(el);
    }
    el.dataset.text = text;
    linkify(el, text);
    el.hidden = !text;
    return true;
  }

  /** Show what is current: now with `force`, else at most every 20 s. */
  async refresh(force) {
    if (!force && Date.now() - this.lastRefresh < REFRESH_EVERY) return;
    this.lastRefresh = Date.now();
    let res;
    try {
      res = await fetchJson("GET", this.path);
    } catch (e) {
      return; // the poll reports connection trouble
    }
    if (res.status !== 200 || !res.data || !res.data.event) return;
    const ev = res.data.event;
    const changes = { starts_at: ev.starts_at, ends_at: ev.closed_at || ev.ends_at };
    if (ev.title) changes.title = ev.title;
    if (typeof ev.description === "string") changes.description = ev.description;
    this.apply(changes);
    this.countdown();
  }
}
