// The console's room settings, each applied at once: slow mode (how often one person may post),
// whether new people may join and whether the chat says so, who may write privately, whether the
// room takes questions (Q&A) and whether they wait for approval; and the word
// filter (saved with its own button), whose messages wait in the review queue. Only the host may
// change them; a moderator sees them.

import { errorCode, errorMessage } from "./api.js";
import { say } from "./dom.js";
import { fieldError } from "./fields.js";
import { hostCall } from "./host-call.js";
import { t, tn } from "./i18n.js";

const TEXT = {
  seconds: (n) => tn("{n} second", "{n} seconds", n),
  minutes: (n) => tn("{n} minute", "{n} minutes", n),
  // Translators: {time} is how long one person waits between two messages, such as "30 seconds".
  slowOn: (time) => t("Slow mode is on: each person may post once every {time}.", { time }),
  slowOff: t("Slow mode is off."),
  joinsOpen: t("New people can join."),
  joinsLocked: t("Nobody new can join; those already in the room stay."),
  needSeconds: t("Choose a number of seconds from 1 to 3600."),
  joinsShown: t("The chat says when someone joins."),
  joinsHidden: t("The chat no longer says when someone joins."),
  // Translators: after the host chose who may write privately in the room's settings.
  dm: {
    hosts: t("People can write privately to the hosts and moderators."),
    everyone: t("People can write privately to the hosts and to each other."),
    off: t("Nobody can write privately now; the hosts can still write to anyone."),
  },
  // Translators: after the host turned Q&A on or off in the room's settings.
  qaOn: t("The room takes questions: its Questions panel is open to everyone now."),
  qaOff: t("The room takes no questions now: its Questions panel is gone."),
  screeningOn: t("New questions wait for your approval before everyone sees them."),
  screeningOff: t("New questions are shown to everyone at once."),
  filterOn: (n) => tn("Saved: a message with this word or phrase is held for review.", "Saved: a message with one of these {n} words or phrases is held for review.", n),
  filterOff: t("Saved: there is no word filter, so no message is held."),
  // Translators: the field named in the server's refusals of a word filter.
  filterName: t("the word filter"),
  // Translators: {n} is how many lines the host wrote in the word filter.
  tooMany: (n) => t("At most {max} words or phrases: this list has {n}.", { max: FILTER_MAX, n }),
  // Translators: about one line of the word filter; * stands for any letters.
  badLine: (line) => t("Line {line}: each word or phrase has 2 to {max} characters, at least two of them letters or digits, and at most two *.", { line, max: ENTRY_MAX }),
};
const PRESETS = ["0", "10", "30", "60", "300"];
// The server's limits on the word filter (chatserver/wordfilter.py): it says the last word.
const FILTER_MAX = 200;
const ENTRY_MAX = 100;
const STARS_MAX = 2;

/** The word filter's lines as the server takes them, and what is wrong with them first (or ""). */
function filterEntries(value) {
  const entries = [];
  let problem = "";
  value.split("\n").forEach((raw, index) => {
    const line = raw.trim().replace(/\s+/g, " ");
    if (!line) return;
    const stars = (line.replace(/\*+/g, "*").match(/\*/g) || []).length;
    const letters = (line.match(/[\p{L}\p{N}_]/gu) || []).length;
    if (!problem && (line.length > ENTRY_MAX || stars > STARS_MAX || letters < 2)) problem = TEXT.badLine(index + 1);
    entries.push(line);
  });
  if (entries.length > FILTER_MAX) problem = TEXT.tooMany(entries.length);
  return { entries, problem };
}

/** "30 seconds", "5 minutes", "90 seconds". */
function slowText(seconds) {
  return seconds % 60 === 0 ? TEXT.minutes(seconds / 60) : TEXT.seconds(seconds);
}

export class RoomSettings {
  /** root: the console's <article> (it tells "host:event"); path: the event's API path;
   *  host: role(), state(), show(event) after a change. */
  constructor(root, path, host) {
    const $ = (id) => document.getElementById(id);
    Object.assign(this, { path, host, $ });
    this.form = $("room-settings");
    this.slow = $("r-slow");
    this.seconds = $("r-seconds");
    this.joins = $("r-joins");
    this.joinItems = $("r-join-items");
    this.dm = $("r-dm");
    this.qa = $("r-qa");
    this.screening = $("r-qa-screening");
    this.filterForm = $("filter-form");
    this.filter = $("r-filter");
    this.filterDirty = false; // the host is editing the list: what the server says waits
    this.event = null;
    this.choosing = false; // "Another number" chosen and not yet set: what the stream tells waits
    this.slow.addEventListener("change", () => {
      this.showOther();
      this.choosing = this.slow.value === "other";
      if (this.choosing) {
        if (!this.seconds.value) this.seconds.value = String(this.event && this.event.slow_mode > 0 ? this.event.slow_mode : 45);
        this.seconds.focus();
      } else {
        this.apply({ slow_mode: Number(this.slow.value) }, this.slow);
      }
    });
    this.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const text = this.seconds.value.trim();
      const seconds = /^\d+$/.test(text) ? Number(text) : NaN;
      if (!(seconds >= 1 && seconds <= 3600)) {
        this.error(TEXT.needSeconds);
        return this.seconds.focus();
      }
      this.apply({ slow_mode: seconds }, this.seconds);
    });
    this.seconds.addEventListener("input", () => this.error(""));
    this.joins.addEventListener("change", () => this.apply({ joins_locked: !this.joins.checked }, this.joins));
    this.joinItems.addEventListener("change", () => this.apply({ join_items: this.joinItems.checked }, this.joinItems));
    this.dm.addEventListener("change", () => this.apply({ direct_messages: this.dm.value }, this.dm));
    this.qa.addEventListener("change", () => this.apply({ qa: this.qa.checked }, this.qa));
    this.screening.addEventListener("change", () => this.apply({ qa_screening: this.screening.checked }, this.screening));
    this.filterForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.saveFilter();
    });
    this.filter.addEventListener("input", () => {
      this.filterDirty = true;
      this.filterError("");
      say(this.$("filter-status"), "");
    });
    root.addEventListener("host:event", (ev) => this.fill(ev.detail));
  }

  error(message) {
    fieldError(this.$("r-slow-error"), [this.seconds], message);
  }

  filterError(message) {
    fieldError(this.$("r-filter-error"), [this.filter], message);
  }

  showOther() {
    this.$("r-slow-other").hidden = this.slow.value !== "other";
  }

  /** Show the event's settings (not while a change of them is on its way). */
  fill(ev) {
    this.event = ev;
    if (!this.busy) {
      const slow = String(ev.slow_mode || 0);
      const preset = PRESETS.includes(slow);
      if (!this.choosing) {
        this.slow.value = preset ? slow : "other";
        if (!preset) this.seconds.value = slow;
      }
      this.joins.checked = !ev.joins_locked;
      this.joinItems.checked = ev.join_items !== false;
      this.dm.value = Object.hasOwn(TEXT.dm, ev.direct_messages) ? ev.direct_messages : "hosts";
      this.qa.checked = ev.qa === true;
      this.screening.checked = ev.qa_screening === true;
      this.showOther();
    }
    this.enable();
  }

  /** Only the host changes these, and only until the close. */
  enable() {
    const fixed = this.host.role() !== "host" || this.host.state() === "closed" || this.busy;
    for (const el of this.form.elements) el.disabled = fixed;
    // The word filter stays readable (a moderator sees what is held); only the host saves it.
    this.filter.readOnly = fixed || this.savingFilter;
    this.filterForm.querySelector("button[type=submit]").disabled = fixed || this.savingFilter;
    this.filterForm.querySelector(".actions").hidden = this.host.role() !== "host"; // a moderator reads it
    this.$("room-host-only").hidden = this.host.role() === "host";
  }

  /** The word filter as the server keeps it (GET …/host: never in the public event). */
  fillFilter(words) {
    if (!Array.isArray(words) || this.filterDirty) return;
    this.filter.value = words.filter((w) => typeof w === "string").join("\n");
  }

  async saveFilter() {
    const status = this.$("filter-status");
    say(status, "");
    const { entries, problem } = filterEntries(this.filter.value);
    this.filterError(problem);
    if (problem) return this.filter.focus();
    this.savingFilter = true;
    this.enable();
    const res = await hostCall("PATCH", this.path, { filter_words: entries });
    this.savingFilter = false;
    if (res.status === 200 && res.data && res.data.event) {
      this.filterDirty = false;
      this.host.show(res.data.event);
      // Read it back as the server keeps it (lower case, each once).
      const back = await hostCall("GET", this.path + "/host");
      this.fillFilter(back.status === 200 && back.data && Array.isArray(back.data.filter_words) ? back.data.filter_words : entries);
      const n = this.filter.value ? this.filter.value.split("\n").length : 0;
      say(status, n ? TEXT.filterOn(n) : TEXT.filterOff, "ok");
    } else if ((res.status !== 403 || res.keyWorks) && errorCode(res) !== "event_closed") {
      // The server's own words (400), its field named as the label does.
      const message = errorMessage(res).replace(/\bfilter_words\b/, TEXT.filterName);
      this.filterError(message.charAt(0).toUpperCase() + message.slice(1));
      this.filter.focus();
    }
    this.enable();
  }

  async apply(change, control) {
    const status = this.$("room-status");
    say(status, "");
    this.error("");
    this.busy = true;
    this.enable();
    const res = await hostCall("PATCH", this.path, change);
    this.busy = false;
    if (res.status === 200 && res.data && res.data.event) {
      const ev = res.data.event;
      if ("slow_mode" in change) this.choosing = false;
      this.host.show(ev);
      if ("slow_mode" in change) say(status, ev.slow_mode ? TEXT.slowOn(slowText(ev.slow_mode)) : TEXT.slowOff, "ok");
      else if ("join_items" in change) say(status, ev.join_items ? TEXT.joinsShown : TEXT.joinsHidden, "ok");
      else if ("direct_messages" in change) say(status, TEXT.dm[ev.direct_messages] || "", "ok");
      else if ("qa" in change) say(status, ev.qa ? TEXT.qaOn : TEXT.qaOff, "ok");
      else if ("qa_screening" in change) say(status, ev.qa_screening ? TEXT.screeningOn : TEXT.screeningOff, "ok");
      else say(status, ev.joins_locked ? TEXT.joinsLocked : TEXT.joinsOpen, "ok");
    } else {
      if (this.event && control !== this.seconds) this.fill(this.event); // as it was; a number typed stays
      if ((res.status !== 403 || res.keyWorks) && errorCode(res) !== "event_closed") {
        if (control === this.seconds) this.error(errorMessage(res));
        else say(status, errorMessage(res), "error");
      }
    }
    this.enable();
    if (document.activeElement === document.body && !control.disabled) control.focus();
  }
}
