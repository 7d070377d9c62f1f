// The room's event details while people wait: the countdown to the start by the server's clock,
// and the title, description and times kept current (the host may change them meanwhile).

import { eventPath, fetchJson } from "./api.js";
import { formatDuration, localTimes } from "./time.js";

const TEXT = {
  soon: "Starting any moment now…",
  startsIn: (duration) => "Starts in " + duration,
  pageTitle: (title) => `${title} · chatserver`,
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
    const root = this.root;
    this.startsAt = Date.parse(ev.starts_at);
    for (const t of root.querySelectorAll("time.starts")) t.setAttribute("datetime", ev.starts_at);
    for (const t of root.querySelectorAll("time.ends")) t.setAttribute("datetime", ev.closed_at || ev.ends_at);
    localTimes(root.querySelector(".event-head"));
    localTimes(this.waiting);
    const h1 = root.querySelector(".event-head h1");
    if (ev.title && h1.textContent !== ev.title) {
      h1.textContent = ev.title;
      this.title = TEXT.pageTitle(ev.title);
      this.retitled();
    }
    const description = root.querySelector(".event-head .description");
    if (description && typeof ev.description === "string") {
      description.textContent = ev.description;
      description.hidden = !ev.description;
    }
    this.countdown();
  }
}
