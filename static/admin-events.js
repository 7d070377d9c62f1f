// The operator console's events: every event, listed or not, with a search (title or slug) and a
// state filter; per row its state, listing, series, size and last activity, and Close, Unlist/List
// and Erase. Closing and erasing ask first (static/dialog.js); each answer redraws its row.

import { errorCode, errorMessage } from "./api.js";
import { NOTHING, actionButton, el, sizeLines, tag, timeElement, titleBlock } from "./admin-cells.js";
import { AdminList } from "./admin-list.js";
import { showState } from "./badge.js";
import { confirmAction } from "./dialog.js";
import { appendSentence, say } from "./dom.js";
import { t, tn } from "./i18n.js";
import { formatFull } from "./time.js";

const TEXT = {
  // Translators: an event's tag in the operator console: it shows on the home page and in the archive.
  listed: t("Listed"),
  // Translators: an event's tag in the operator console: only those with its link find it.
  unlisted: t("Unlisted"),
  // Translators: an event's tag in the operator console: its messages were erased.
  erased: t("Erased"),
  // Translators: the tooltip of the "Erased" tag; {date} is a date and time.
  erasedOn: (date) => t("Erased on {date}", { date }),
  // Translators: under an event's title in the operator console; {series} is the series' name, a link.
  meetingOf: t("A meeting of {series}"),
  // Translators: buttons in a row of the operator console's events (the "…" means it asks first).
  close: t("Close…"),
  unlist: t("Unlist"),
  list: t("List"),
  erase: t("Erase…"),
  closeTitle: (title) => t("Close “{title}” now?", { title }),
  closeText: (slug) => t("Nobody can post in {slug} any more, and this cannot be undone. Its transcript stays.", { slug }),
  closeOk: t("Close the event"),
  eraseTitle: (title) => t("Erase “{title}”?", { title }),
  eraseText: (slug) => t("The event {slug} is closed, and its messages, participants and moderators are deleted for good: its pages will only say that it was erased. This cannot be undone.", { slug }),
  eraseOk: t("Erase the event"),
  closedNow: (title) => t("“{title}” is closed.", { title }),
  listedNow: (title) => t("“{title}” is listed again.", { title }),
  unlistedNow: (title) => t("“{title}” is no longer listed.", { title }),
  erasedNow: (title) => t("“{title}” is erased.", { title }),
  shown: (n) => tn("{n} event shown", "{n} events shown", n),
  noMatch: t("No event matches this search."),
  noEvents: t("There are no events on this server yet."),
};

let rows = 0; // for the ids the buttons name their row's title by

const eventUrl = (slug) => "/api/admin/events/" + encodeURIComponent(slug);

export class EventList {
  /** host: {changed(kind)}: after an action (stats and the other lists are out of date). */
  constructor(host) {
    const $ = (id) => document.getElementById(id);
    this.host = host;
    this.done = $("events-done");
    this.query = $("events-q");
    this.state = $("events-state");
    this.list = new AdminList({
      path: "/api/admin/events",
      field: "events",
      rows: $("events-rows"),
      more: $("events-more"),
      status: $("events-status"),
      query: () => ({ q: this.query.value.trim(), state: this.state.value }),
      cells: (entry, tr) => this.cells(entry, tr),
      count: TEXT.shown,
      empty: (searched) => (searched ? TEXT.noMatch : TEXT.noEvents),
    });
    $("events-search").addEventListener("submit", (e) => {
      e.preventDefault();
      this.search();
    });
    this.state.addEventListener("change", () => this.search());
    let typing = 0;
    this.query.addEventListener("input", () => {
      clearTimeout(typing);
      typing = setTimeout(() => this.search(), 350);
    });
  }

  search() {
    say(this.done, "");
    this.list.load(true);
  }

  cells(entry, tr) {
    const ev = entry.event;
    entry.rowId = entry.rowId || `admin-event-${++rows}`;
    const id = entry.rowId;
    const title = el("td", "admin-name", ...titleBlock("/e/" + encodeURIComponent(ev.slug), ev.title, ev.slug, id));
    if (ev.series) {
      const link = el("a", "", ev.series);
      link.href = "/s/" + encodeURIComponent(ev.series);
      link.dir = "ltr";
      const line = el("span", "admin-line small");
      appendSentence(line, TEXT.meetingOf, { series: link });
      title.append(line);
    }

    const badge = el("span");
    showState(tr, badge, ev.state);
    const tags = [badge, tag(ev.listed ? TEXT.listed : TEXT.unlisted, ev.listed ? "" : "is-unlisted")];
    if (ev.erased_at) {
      const erased = tag(TEXT.erased, "is-erased");
      erased.title = TEXT.erasedOn(formatFull(ev.erased_at));
      tags.push(erased);
    }
    tr.dataset.listed = ev.listed ? "true" : "false";
    tr.dataset.erased = ev.erased_at ? "true" : "false";
    const state = el("td", "admin-state", ...tags);

    const actions = el("td", "admin-actions");
    if (ev.state !== "closed" && !ev.erased_at) {
      const close = actionButton(TEXT.close, "close", id);
      close.addEventListener("click", () => this.close(tr));
      actions.append(close);
    }
    const listing = actionButton(ev.listed ? TEXT.unlist : TEXT.list, "listing", id);
    listing.addEventListener("click", () => this.setListed(tr, !ev.listed));
    actions.append(listing);
    if (!ev.erased_at) {
      const erase = actionButton(TEXT.erase, "erase", id, true);
      erase.addEventListener("click", () => this.erase(tr));
      actions.append(erase);
    }
    return [title, state, el("td", "admin-size", ...sizeLines(entry.usage)), el("td", "admin-when", timeElement(entry.last_activity)), actions];
  }

  async close(tr) {
    const ev = this.list.entryOf(tr).event;
    if (!(await confirmAction(TEXT.closeTitle(ev.title), TEXT.closeText(ev.slug), TEXT.closeOk))) return;
    const res = await this.list.act(tr, "POST", eventUrl(ev.slug) + "/close");
    if (res.status !== 200 && errorCode(res) === "event_closed") {
      // Closed meanwhile (by its host, or at its end): so be it.
      this.show(tr, { ...ev, state: "closed" }, "close", TEXT.closedNow(ev.title));
      return;
    }
    this.answer(tr, res, "close", TEXT.closedNow);
  }

  async setListed(tr, listed) {
    const ev = this.list.entryOf(tr).event;
    const res = await this.list.act(tr, "PATCH", eventUrl(ev.slug), { listed });
    this.answer(tr, res, "listing", listed ? TEXT.listedNow : TEXT.unlistedNow);
  }

  async erase(tr) {
    const ev = this.list.entryOf(tr).event;
    if (!(await confirmAction(TEXT.eraseTitle(ev.title), TEXT.eraseText(ev.slug), TEXT.eraseOk))) return;
    const res = await this.list.act(tr, "POST", eventUrl(ev.slug) + "/erase");
    this.answer(tr, res, "erase", TEXT.erasedNow, true);
  }

  /** Show an action's answer in its row, and say what happened (or what went wrong). */
  answer(tr, res, slot, words, erased = false) {
    if (res.status !== 200 || !res.data || !res.data.event) {
      if (res.status !== 403 || res.keyWorks) say(this.done, errorMessage(res), "error");
      return;
    }
    const ev = res.data.event;
    this.show(tr, ev, slot, words(ev.title), erased);
  }

  show(tr, ev, slot, sentence, erased = false) {
    const entry = this.list.entryOf(tr);
    entry.event = ev;
    if (erased) entry.usage = NOTHING; // its items and participants are gone
    this.list.fill(tr, entry, slot);
    say(this.done, sentence, "ok");
    this.host.changed("event");
  }
}
