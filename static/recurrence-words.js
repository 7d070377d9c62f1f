// A series' schedule in words, in the reader's language: "Every week on Tuesday at 10:00 (Central
// European Time)", and its next dates ("5 Jan, 12 Jan and 19 Jan"). Only the rules the server
// accepts (chatserver/recurrence.py): FREQ DAILY, WEEKLY or MONTHLY with INTERVAL, BYDAY,
// BYMONTHDAY, BYSETPOS, COUNT and UNTIL. Shared by the home page, the series page and its console.

import { lang, t, tn } from "./i18n.js";

const DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

const TEXT = {
  daily: (n, time) => tn("Every day at {time}", "Every {n} days at {time}", n, { time }),
  weekly: (n, days, time) => tn("Every week on {days} at {time}", "Every {n} weeks on {days} at {time}", n, { days, time }),
  monthDay: (n, day, time) =>
    tn("Every month on day {day} at {time}", "Every {n} months on day {day} at {time}", n, { day, time }),
  // Translators: {weekday} is a day's name ("Tuesday"); say the ordinal as the language needs with it.
  nth: {
    1: (weekday, time) => t("Every month on the first {weekday} at {time}", { weekday, time }),
    2: (weekday, time) => t("Every month on the second {weekday} at {time}", { weekday, time }),
    3: (weekday, time) => t("Every month on the third {weekday} at {time}", { weekday, time }),
    4: (weekday, time) => t("Every month on the fourth {weekday} at {time}", { weekday, time }),
    "-1": (weekday, time) => t("Every month on the last {weekday} at {time}", { weekday, time }),
  },
  // Translators: a series' schedule, then its time zone's name: "Every week on Tuesday at 10:00 (Central European Time)".
  zoned: (rule, zone) => t("{rule} ({zone})", { rule, zone }),
  count: (text, n) => tn("{schedule}, once", "{schedule}, {n} times", n, { schedule: text }),
  until: (text, date) => t("{schedule}, until {date}", { schedule: text, date }),
};

/** The parts of an RRULE value: {FREQ: "WEEKLY", BYDAY: "TU,TH", ...}. */
export function ruleParts(rrule) {
  const parts = {};
  for (const part of String(rrule || "").toUpperCase().replace(/^RRULE:/, "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0) parts[part.slice(0, at)] = part.slice(at + 1);
  }
  return parts;
}

/** A weekday's name in the reader's language, from its RFC 5545 code ("TU"). */
export function weekdayName(code, style = "long") {
  const index = DAYS.indexOf(code);
  if (index < 0) return code;
  // 4 January 1970 was a Sunday; noon UTC is the same day in every zone.
  const date = new Date(Date.UTC(1970, 0, 4 + index, 12));
  return new Intl.DateTimeFormat(lang, { weekday: style, timeZone: "UTC" }).format(date);
}

/** The zone's name as the reader's language gives it ("Central European Time"), else its IANA id. */
export function zoneName(timeZone, at = new Date()) {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return "UTC"; // not "GMT+00:00"
  try {
    const parts = new Intl.DateTimeFormat(lang, { timeZone, timeZoneName: "longGeneric" }).formatToParts(at);
    const found = parts.find((p) => p.type === "timeZoneName");
    if (found) return found.value;
  } catch (e) {
    // An engine without longGeneric, or a zone it does not know: the id says it plainly.
  }
  return timeZone;
}

function list(items) {
  return new Intl.ListFormat(lang, { type: "conjunction" }).format(items);
}

/** "Every week on Tuesday and Thursday at 10:00 (Central European Time), 12 times": the schedule of a
 *  series whose first occurrence starts at `startsAt` (a Date or an RFC 3339 string) in `timeZone`. */
export function describeRule(rrule, timeZone, startsAt) {
  const parts = ruleParts(rrule);
  const start = startsAt instanceof Date ? startsAt : new Date(startsAt);
  const time = new Intl.DateTimeFormat(lang, { timeStyle: "short", timeZone }).format(start);
  const interval = Math.max(1, parseInt(parts.INTERVAL || "1", 10) || 1);
  const localDay = new Intl.DateTimeFormat("en-US", { weekday: "short", timeZone }).format(start).slice(0, 2).toUpperCase();
  const byDay = (parts.BYDAY || "").split(",").filter(Boolean);
  let text;
  if (parts.FREQ === "DAILY") {
    text = TEXT.daily(interval, time);
  } else if (parts.FREQ === "WEEKLY") {
    const codes = byDay.length ? byDay.map((d) => d.replace(/^[+-]?\d+/, "")) : [localDay];
    text = TEXT.weekly(interval, list(codes.map((c) => weekdayName(c))), time);
  } else if (parts.FREQ === "MONTHLY" && byDay.length === 1 && /^[+-]?\d/.test(byDay[0])) {
    const m = /^([+-]?\d+)([A-Z]{2})$/.exec(byDay[0]);
    const nth = m && TEXT.nth[String(parseInt(m[1], 10))];
    text = nth ? nth(weekdayName(m[2]), time) : rrule;
  } else if (parts.FREQ === "MONTHLY" && byDay.length === 1 && parts.BYSETPOS) {
    const nth = TEXT.nth[String(parseInt(parts.BYSETPOS, 10))];
    text = nth ? nth(weekdayName(byDay[0]), time) : rrule;
  } else if (parts.FREQ === "MONTHLY") {
    const day = parts.BYMONTHDAY || new Intl.DateTimeFormat("en-US", { day: "numeric", timeZone }).format(start);
    text = TEXT.monthDay(interval, day, time);
  } else {
    return String(rrule || "");
  }
  text = TEXT.zoned(text, zoneName(timeZone, start));
  if (parts.COUNT) return TEXT.count(text, parseInt(parts.COUNT, 10));
  if (parts.UNTIL) {
    const u = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(parts.UNTIL);
    if (u) {
      const until = new Date(Date.UTC(+u[1], +u[2] - 1, +u[3], +(u[4] || 0), +(u[5] || 0), +(u[6] || 0)));
      // A date alone (as a form writes it, before the server adds the time) is that day wherever one is.
      const zone = u[4] === undefined ? "UTC" : timeZone; // i18n: a zone's id
      return TEXT.until(text, new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: zone }).format(until));
    }
  }
  return text;
}

/** "5 Jan, 12 Jan and 19 Jan": dates (Dates or RFC 3339 strings) as the reader's language lists them. */
export function listDates(dates, timeZone) {
  const format = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", timeZone });
  return list(dates.map((d) => format.format(d instanceof Date ? d : new Date(d))));
}
