// The series console's settings for its meetings: slow mode, whether new people may join and whether
// the chat says so, who may read each meeting's transcript and when its messages are erased, and the
// word filter. One form: only what the host changed is sent (PATCH /api/series/<slug>), and the
// server's refusal shows beside the field it names. They reach the meetings not yet open and every
// later one; a meeting under way keeps its own (its own console changes them). The word filter is
// never in the public series: only GET …/host answers it (series.filter_words).
// Slow mode's choices and the word filter's rules follow host-room.js (the event console), copied.

import { errorMessage } from "./api.js";
import { say } from "./dom.js";
import { fieldError, fieldNamed } from "./fields.js";
import { hostCall } from "./host-call.js";
import { t } from "./i18n.js";

const TEXT = {
  needSeconds: t("Choose a number of seconds from 1 to 3600."),
  needDays: t("Choose a number of days from 1 to 3650."),
  unchanged: t("Nothing has changed."),
  saved: t("Saved: the meetings not yet open have these settings now, and every later one will."),
  // Translators: the settings, as named inside the server's error messages ("retention_days must be …").
  words: {
    slow_mode: t("slow mode"),
    joins_locked: t("who may join"),
    join_items: t("whether joins are shown"),
    transcript: t("who may read the transcript"),
    retention_days: t("the number of days"),
    filter_words: t("the word filter"),
  },
  // Translators: after the server's refusal of the word filter, the first line it is about.
  atLine: (line) => t("See line {line}.", { line }),
  // Translators: two sentences in a row.
  both: (sentence, after) => t("{sentence} {after}", { sentence, after }),
};
const PRESETS = ["0", "10", "30", "60", "300"];
// The errors beside their fields; any other refusal goes to the status line.
const FIELDS = { slow_mode: "s-slow-error", retention_days: "s-days-error", filter_words: "s-filter-error" };
// The server's rules for one entry of the word filter (chatserver/wordfilter.py), to point at a line.
const ENTRY_MAX = 100;
const STARS_MAX = 2;

/** The word filter's lines as the server takes them: trimmed, inner spaces as one, no empty lines. */
function filterLines(value) {
  return value.split("\n").map((line) => line.trim().replace(/\s+/g, " ")).filter(Boolean);
}

/** The number (from 1) of the first line the server would refuse, or 0. */
function badLine(lines) {
  const index = lines.findIndex((raw) => {
    const line = raw.normalize("NFKC").replace(/\*+/g, "*");
    const letters = (line.match(/[\p{L}\p{N}_]/gu) || []).length;
    return line.length > ENTRY_MAX || (line.match(/\*/g) || []).length > STARS_MAX || letters < 2;
  });
  return index + 1;
}

/** A refusal in words: "retention_days must be …" → "The number of days must be …". */
function humane(message) {
  const text = message.replace(/\b(slow_mode|joins_locked|join_items|transcript|retention_days|filter_words)\b/g, (name) => TEXT.words[name]);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A whole number typed in a number field, or NaN. */
function whole(input) {
  const text = input.value.trim();
  return /^\d+$/.test(text) ? Number(text) : NaN;
}

export class SeriesSettings {
  /** host: {path, series(), show(body) after a change, refresh()}. */
  constructor(host) {
    const $ = (id) => document.getElementById(id);
    const form = $("settings");
    Object.assign(this, { host, $, form, f: form.elements });
    this.shown = null; // the series' values as last put in the form: what differs was typed
    this.filterShown = null; // the same for the word filter, known only from GET …/host
    this.words = null; // the word filter as the server keeps it
    const f = this.f;
    f.slow.addEventListener("change", () => {
      this.error("slow_mode", "");
      this.showOther();
      if (f.slow.value !== "other") return;
      if (!f.seconds.value) f.seconds.value = "45";
      f.seconds.focus();
    });
    f.seconds.addEventListener("input", () => this.error("slow_mode", ""));
    f.retention.addEventListener("change", () => {
      this.error("retention_days", "");
      this.showRetention();
      if (f.retention.value !== "days") return;
      if (!f.retention_days.value) f.retention_days.value = "30";
      f.retention_days.focus();
    });
    f.retention_days.addEventListener("input", () => this.error("retention_days", ""));
    f.filter_words.addEventListener("input", () => this.error("filter_words", ""));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.save();
    });
  }

  /** The control a field's error is about. */
  control(name) {
    const f = this.f;
    if (name === "slow_mode") return f.slow.value === "other" ? f.seconds : f.slow;
    return name === "retention_days" ? (f.retention.value === "days" ? f.retention_days : f.retention) : f.filter_words;
  }

  error(name, message) {
    const el = this.$(FIELDS[name]);
    fieldError(el, message ? [this.control(name)] : this.form.querySelectorAll(`[aria-describedby~="${el.id}"]`), message);
  }

  showOther() {
    this.$("s-slow-other").hidden = this.f.slow.value !== "other";
  }

  showRetention() {
    const days = this.f.retention.value === "days";
    this.$("s-days-field").hidden = !days;
    this.f.retention_days.disabled = !days;
  }

  /** Show the series' settings; what the host changed and has not saved stays. */
  show(series) {
    const f = this.f;
    const slow = String(series.slow_mode || 0);
    const preset = PRESETS.includes(slow);
    const values = {
      slow: preset ? slow : "other",
      seconds: preset ? f.seconds.value : slow,
      joins: !series.joins_locked,
      join_items: series.join_items !== false,
      transcript: series.transcript === "hosts" ? "hosts" : "public",
      retention: series.retention_days == null ? "never" : "days",
      retention_days: series.retention_days == null ? f.retention_days.value || "30" : String(series.retention_days),
    };
    for (const [name, value] of Object.entries(values)) {
      const control = f[name];
      const box = control.type === "checkbox";
      if (this.shown && (box ? control.checked : control.value) !== this.shown[name]) continue; // typed
      if (box) control.checked = value;
      else control.value = value;
    }
    this.shown = values;
    if (Array.isArray(series.filter_words)) {
      this.words = series.filter_words.filter((word) => typeof word === "string");
      const text = this.words.join("\n");
      if (this.filterShown === null || f.filter_words.value === this.filterShown) f.filter_words.value = text;
      this.filterShown = text;
    }
    this.showOther();
    this.showRetention();
  }

  /** The changes the host made, or null after pointing at a field that needs attention. */
  changes(series) {
    const f = this.f;
    const changes = {};
    const slow = f.slow.value === "other" ? whole(f.seconds) : Number(f.slow.value);
    if (Number.isNaN(slow)) return this.refuse("slow_mode", TEXT.needSeconds);
    if (slow !== (series.slow_mode || 0)) changes.slow_mode = slow;
    if (f.joins.checked === !!series.joins_locked) changes.joins_locked = !f.joins.checked;
    if (f.join_items.checked !== (series.join_items !== false)) changes.join_items = f.join_items.checked;
    if (f.transcript.value !== (series.transcript === "hosts" ? "hosts" : "public")) changes.transcript = f.transcript.value;
    const days = f.retention.value === "days" ? whole(f.retention_days) : null;
    if (Number.isNaN(days)) return this.refuse("retention_days", TEXT.needDays);
    if (days !== (series.retention_days == null ? null : series.retention_days)) changes.retention_days = days;
    const lines = filterLines(f.filter_words.value);
    if (!this.words || lines.join("\n") !== this.words.join("\n")) changes.filter_words = lines;
    return changes;
  }

  refuse(name, message) {
    this.error(name, message);
    this.control(name).focus();
    return null;
  }

  async save() {
    const status = this.$("settings-status");
    say(status, "");
    for (const name of Object.keys(FIELDS)) this.error(name, "");
    const series = this.host.series();
    if (!series) return;
    const changes = this.changes(series);
    if (!changes) return;
    if (Object.keys(changes).length === 0) return say(status, TEXT.unchanged);
    const button = this.form.querySelector("button[type=submit]");
    button.disabled = true;
    const res = await hostCall("PATCH", this.host.path, changes);
    button.disabled = false;
    if (res.status === 200 && res.data && res.data.series) {
      // The saved values are the ones to show; the word filter as the server keeps it (lower case,
      // each once) comes with GET …/host.
      this.shown = null;
      this.filterShown = null;
      this.host.show(res.data);
      say(status, TEXT.saved, "ok");
      await this.host.refresh();
    } else if (res.status !== 403) {
      const message = errorMessage(res);
      const field = res.status === 400 ? fieldNamed(message, Object.keys(FIELDS)) : null;
      if (!field) return say(status, humane(message), "error");
      const line = field === "filter_words" ? badLine(changes.filter_words || []) : 0;
      this.refuse(field, line ? TEXT.both(humane(message), TEXT.atLine(line)) : humane(message));
    }
  }
}
