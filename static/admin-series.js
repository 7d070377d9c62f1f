// The operator console's series: every series, listed or not, with a search (title or slug); per row
// whether it has ended, its listing, its number of meetings, their size and last activity, and End,
// Unlist/List and Erase (each for the series and all its meetings). Ending and erasing ask first.

import { errorMessage } from "./api.js";
import { NOTHING, actionButton, el, sizeLines, tag, timeElement, titleBlock } from "./admin-cells.js";
import { AdminList } from "./admin-list.js";
import { confirmAction } from "./dialog.js";
import { say } from "./dom.js";
import { t, tn } from "./i18n.js";

const TEXT = {
  // Translators: a series' state in the operator console: it has no more meetings.
  ended: t("Ended"),
  // Translators: a series' state in the operator console: more meetings are planned.
  active: t("Active"),
  listed: t("Listed"),
  unlisted: t("Unlisted"),
  erased: t("Erased"),
  // Translators: how many meetings (events) a series has made so far.
  meetings: (n) => tn("{n} meeting", "{n} meetings", n),
  // Translators: buttons in a row of the operator console's series (the "…" means it asks first).
  end: t("End…"),
  unlist: t("Unlist"),
  list: t("List"),
  erase: t("Erase…"),
  endTitle: (title) => t("End the series “{title}”?", { title }),
  endText: (slug) => t("No more meetings of {slug}: each one not closed yet is closed now. This cannot be undone; the transcripts stay.", { slug }),
  endOk: t("End the series"),
  eraseTitle: (title) => t("Erase the series “{title}”?", { title }),
  eraseText: (slug) => t("The series {slug} ends, and the messages, participants and moderators of all its meetings are deleted for good: their pages will only say that they were erased. This cannot be undone.", { slug }),
  eraseOk: t("Erase the series"),
  endedNow: (title) => t("The series “{title}” has ended.", { title }),
  listedNow: (title) => t("“{title}” is listed again.", { title }),
  unlistedNow: (title) => t("“{title}” is no longer listed.", { title }),
  erasedNow: (title) => t("“{title}” is erased.", { title }),
  shown: (n) => tn("{n} series shown", "{n} series shown", n),
  noMatch: t("No series matches this search."),
  noSeries: t("There are no series on this server yet."),
};

let rows = 0;

const seriesUrl = (slug) => "/api/admin/series/" + encodeURIComponent(slug);

export class SeriesList {
  /** host: {changed(kind)}: after an action (stats and the other lists are out of date). */
  constructor(host) {
    const $ = (id) => document.getElementById(id);
    this.host = host;
    this.done = $("series-done");
    this.query = $("series-q");
    this.list = new AdminList({
      path: "/api/admin/series",
      field: "series",
      rows: $("series-rows"),
      more: $("series-more"),
      status: $("series-status"),
      query: () => ({ q: this.query.value.trim() }),
      cells: (entry, tr) => this.cells(entry, tr),
      count: TEXT.shown,
      empty: (searched) => (searched ? TEXT.noMatch : TEXT.noSeries),
    });
    $("series-search").addEventListener("submit", (e) => {
      e.preventDefault();
      this.search();
    });
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
    const s = entry.series;
    entry.rowId = entry.rowId || `admin-series-${++rows}`;
    const id = entry.rowId;
    const ended = !!s.ended_at;
    const erased = !!(entry.erased || s.erased_at);
    const title = el("td", "admin-name", ...titleBlock("/s/" + encodeURIComponent(s.slug), s.title, s.slug, id));
    title.append(el("span", "admin-line small muted", TEXT.meetings(Number(entry.occurrences) || 0)));

    const badge = el("span", `badge ${ended ? "state-closed" : "state-open"}`, ended ? TEXT.ended : TEXT.active);
    const tags = [badge, tag(s.listed ? TEXT.listed : TEXT.unlisted, s.listed ? "" : "is-unlisted")];
    if (erased) tags.push(tag(TEXT.erased, "is-erased"));
    tr.dataset.listed = s.listed ? "true" : "false";
    tr.dataset.erased = erased ? "true" : "false";

    const actions = el("td", "admin-actions");
    if (!ended) {
      const end = actionButton(TEXT.end, "close", id);
      end.addEventListener("click", () => this.end(tr));
      actions.append(end);
    }
    const listing = actionButton(s.listed ? TEXT.unlist : TEXT.list, "listing", id);
    listing.addEventListener("click", () => this.setListed(tr, !s.listed));
    actions.append(listing);
    if (!erased) {
      const erase = actionButton(TEXT.erase, "erase", id, true);
      erase.addEventListener("click", () => this.erase(tr));
      actions.append(erase);
    }
    return [
      title,
      el("td", "admin-state", ...tags),
      el("td", "admin-size", ...sizeLines(entry.usage)),
      el("td", "admin-when", timeElement(entry.last_activity)),
      actions,
    ];
  }

  async end(tr) {
    const s = this.list.entryOf(tr).series;
    if (!(await confirmAction(TEXT.endTitle(s.title), TEXT.endText(s.slug), TEXT.endOk))) return;
    const res = await this.list.act(tr, "POST", seriesUrl(s.slug) + "/close");
    this.answer(tr, res, "close", TEXT.endedNow);
  }

  async setListed(tr, listed) {
    const s = this.list.entryOf(tr).series;
    const res = await this.list.act(tr, "PATCH", seriesUrl(s.slug), { listed });
    this.answer(tr, res, "listing", listed ? TEXT.listedNow : TEXT.unlistedNow);
  }

  async erase(tr) {
    const s = this.list.entryOf(tr).series;
    if (!(await confirmAction(TEXT.eraseTitle(s.title), TEXT.eraseText(s.slug), TEXT.eraseOk))) return;
    const res = await this.list.act(tr, "POST", seriesUrl(s.slug) + "/erase");
    this.answer(tr, res, "erase", TEXT.erasedNow, true);
  }

  /** Show an action's answer in its row, and say what happened (or what went wrong). */
  answer(tr, res, slot, words, erased = false) {
    if (res.status !== 200 || !res.data || !res.data.series) {
      if (res.status !== 403 || res.keyWorks) say(this.done, errorMessage(res), "error");
      return;
    }
    const entry = this.list.entryOf(tr);
    entry.series = res.data.series;
    if (erased) {
      entry.erased = true; // the list does not say so: this page knows it did it
      entry.usage = NOTHING;
    }
    this.list.fill(tr, entry, slot);
    say(this.done, words(entry.series.title), "ok");
    this.host.changed("series");
  }
}
