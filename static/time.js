// Times in the reader's time zone and language: formatting, the <time data-local> elements, and
// the conversions between Dates, RFC 3339 strings and <input type=datetime-local> values.

import { lang, t, tn } from "./i18n.js";

const TEXT = {
  // Translators: the countdown's units, abbreviated; keep the no-break space between number and unit.
  seconds: (n) => t("{n}\u00a0s", { n }),
  minutesShort: (n) => t("{n}\u00a0min", { n }),
  hoursShort: (n) => t("{n}\u00a0h", { n }),
  daysShort: (n) => tn("{n}\u00a0day", "{n}\u00a0days", n),
  // Translators: a time zone's offset from UTC, such as "UTC+01:00".
  utc: (offset) => t("UTC{offset}", { offset }),
  startingNow: t("starting now"),
  // Translators: how soon something starts, after its date: "· in 3 hours".
  relative: (when) => t("· {when}", { when }),
  days: (n) => tn("{n} day", "{n} days", n),
  hours: (n) => tn("{n} hour", "{n} hours", n),
  minutes: (n) => t("{n} min", { n }),
  // Translators: a span of time, from {start} to {end}.
  range: (start, end) => t("{start} – {end}", { start, end }),
};

const MINUTE = 60 * 1000;

const dateTimeFormat = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
const timeFormat = new Intl.DateTimeFormat(lang, { timeStyle: "short" });
// Two digits ("05"), in the language's own digits; and a run of units ("2 h 05 min") as it lists them.
const twoDigits = new Intl.NumberFormat(lang, { minimumIntegerDigits: 2 });
const units = new Intl.ListFormat(lang, { type: "unit", style: "narrow" });
const fullFormat = new Intl.DateTimeFormat(lang, { dateStyle: "full", timeStyle: "medium" });

export function pad(n) {
  return String(n).padStart(2, "0");
}

/** "8:15 PM" for today, "Nov 21, 2026, 8:15 PM" for another day (in the reader's time zone). */
export function formatTime(date, now) {
  const d = date instanceof Date ? date : new Date(date);
  if (isNaN(d)) return "";
  return d.toDateString() === (now || new Date()).toDateString() ? timeFormat.format(d) : dateTimeFormat.format(d);
}

/** The whole moment, for a tooltip: "Saturday, November 21, 2026 at 8:15:03 PM". */
export function formatFull(date) {
  const d = date instanceof Date ? date : new Date(date);
  return isNaN(d) ? "" : fullFormat.format(d);
}

/** Show <time data-local="datetime|time|end|auto"> elements in the reader's time zone. */
export function localTimes(root) {
  for (const el of (root || document).querySelectorAll("time[data-local]")) {
    const date = new Date(el.getAttribute("datetime"));
    if (isNaN(date)) continue;
    const kind = el.dataset.local;
    let text = kind === "time" ? timeFormat.format(date) : kind === "auto" ? formatTime(date) : dateTimeFormat.format(date);
    if (kind === "end") {
      // "Nov 21, 8:00 PM – 9:30 PM": an end on the start's day shows only its time.
      const prev = el.previousElementSibling;
      const start = prev && prev.tagName === "TIME" ? new Date(prev.getAttribute("datetime")) : null;
      if (start && start.toDateString() === date.toDateString()) text = timeFormat.format(date);
    }
    el.textContent = text;
    el.title = formatFull(date);
  }
}

/** "2 h 05 min", "3 min 07 s", "12 s": a duration in seconds, for countdowns. */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return TEXT.seconds(s);
  if (s < 3600) return units.format([TEXT.minutesShort(Math.floor(s / 60)), TEXT.seconds(twoDigits.format(s % 60))]);
  if (s < 86400) return units.format([TEXT.hoursShort(Math.floor(s / 3600)), TEXT.minutesShort(twoDigits.format(Math.floor((s % 3600) / 60)))]);
  return units.format([TEXT.daysShort(Math.floor(s / 86400)), TEXT.hoursShort(Math.floor((s % 86400) / 3600))]);
}

/** The browser's offset from UTC on that date, as [sign, "hh:mm"]. */
function offsetOf(date) {
  const offset = -date.getTimezoneOffset();
  const abs = Math.abs(offset);
  return [offset >= 0, `${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`];
}

/** "UTC+01:00" (with a real minus sign west of Greenwich), for people to read. */
export function offsetText(date) {
  const [east, hm] = offsetOf(date);
  return TEXT.utc(`${east ? "+" : "−"}${hm}`);
}

/** A Date as RFC 3339 with the browser's offset for that date, e.g. 2026-11-21T20:00:00+01:00. */
export function toOffsetISO(date) {
  const [east, hm] = offsetOf(date);
  return `${toLocalInput(date)}:${pad(date.getSeconds())}${east ? "+" : "-"}${hm}`;
}

/** The value of an <input type=date>: the local day of `date`. */
export function toLocalDate(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The value of an <input type=datetime-local> showing this moment in local time. */
export function toLocalInput(date) {
  return `${toLocalDate(date)}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Parse a datetime-local value as local time; null when empty or invalid. */
export function fromLocalInput(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value || "");
  if (!m) return null;
  const date = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  return isNaN(date) ? null : date;
}

/** The reader's time zone by name ("Europe/Berlin"), or "" when the browser does not say. */
export function zoneName() {
  try {
    return Intl.DateTimeFormat(lang).resolvedOptions().timeZone || "";
  } catch (e) {
    return "";
  }
}

const relative = typeof Intl.RelativeTimeFormat === "function" ? new Intl.RelativeTimeFormat(lang, { numeric: "auto" }) : null;

/** "in 5 minutes", "in 3 hours", "tomorrow": how far off a moment `ms` from now is ("" without Intl support). */
export function relativeText(ms) {
  if (!relative) return "";
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 1) return TEXT.startingNow;
  if (minutes < 60) return relative.format(minutes, "minute");
  const hours = Math.round(minutes / 60);
  if (hours < 24) return relative.format(hours, "hour");
  // Further off, count calendar days: "tomorrow" must be tomorrow's date, not just 24 hours on.
  const day = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const now = new Date();
  return relative.format(Math.round((day(new Date(now.getTime() + ms)) - day(now)) / (24 * 60 * MINUTE)), "day");
}

/** Fill the [data-until] elements under `root` with how soon their moment is ("· in 3 hours"). */
export function relativeHints(root) {
  for (const el of root.querySelectorAll("[data-until]")) {
    const text = relativeText(Date.parse(el.dataset.until) - Date.now());
    el.textContent = text ? TEXT.relative(text) : "";
  }
}

/** "1 day 2 hours 30 min": a length of time in words. */
export function durationText(ms) {
  const minutes = Math.round(ms / MINUTE);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts = [];
  if (days) parts.push(TEXT.days(days));
  if (hours) parts.push(TEXT.hours(hours));
  if (mins) parts.push(TEXT.minutes(mins));
  return parts.length ? units.format(parts) : TEXT.minutes(0);
}

/** A short date and time, with the year only when it is not this year's. */
export function rangeFormat(start) {
  const options = { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" };
  if (start.getFullYear() !== new Date().getFullYear()) options.year = "numeric";
  return new Intl.DateTimeFormat(lang, options);
}

/** "Sat, Nov 21, 8:00 – 9:00 PM" in the reader's language and time zone. */
export function whenText(start, end) {
  const format = rangeFormat(start);
  if (typeof format.formatRange === "function" && end > start) return format.formatRange(start, end);
  return TEXT.range(format.format(start), format.format(end));
}
