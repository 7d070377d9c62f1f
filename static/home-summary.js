// The line under the home form's times, said as it will happen: "Tue, Jan 5, 10:00 – 11:00 AM ·
// 1 hour · America/New_York (UTC−05:00)"; for a series its schedule in words and its first meeting;
// and, when the times are in another zone than the browser's, the same times on the reader's clock.

import { t } from "./i18n.js";
import { offsetText, whenIn } from "./home-zone.js";
import { describeRule } from "./recurrence-words.js";
import { durationText } from "./time.js";

const TEXT = {
  // Translators: {zone} is a time zone's name, such as Europe/Berlin.
  zone: (zone) => (zone ? t("Times are in your time zone, {zone}.", { zone }) : t("Times are in your time zone.")),
  // Translators: {zone} is a time zone's name the reader chose, such as Asia/Tokyo.
  zoneChosen: (zone) => t("Times are in {zone}.", { zone }),
  // Translators: a time zone's name and its offset, such as "Europe/Berlin (UTC+2)".
  where: (zone, offset) => (zone ? t("{zone} ({offset})", { zone, offset }) : offset),
  // Translators: under the times of a new event, such as "Tue 3 June, 14:00–15:00 · 1 h · Europe/Berlin (UTC+2)".
  summary: (when, length, where) => t("{when} · {length} · {where}", { when, length, where }),
  summaryPast: (when, length, where) => t("{when} · {length} · {where}. The start is already past, so the room opens at once.", { when, length, where }),
  // Translators: {start} is the start's date and time.
  endBeforeStart: (start) => t("{start}: the end must come after the start.", { start }),
  // Translators: under the schedule of a new series: "First meeting: Tue, Jan 5, 10:00 – 11:00 AM · 1 hour · America/New_York (UTC−05:00)".
  first: (summary) => t("First meeting: {summary}", { summary }),
  // Translators: the times of a new event on the reader's own clock, when they chose another time zone for it.
  yours: (zone, when) => t("In your time zone ({zone}): {when}", { zone, when }),
};

function line(text, className) {
  const span = document.createElement("span");
  span.className = className || "summary-line";
  span.textContent = text;
  return span;
}

/**
 * Fill `out` with the summary of {start, end} (Dates or null) in `zone` (`own`: the browser's);
 * for a series, `rule` (its RRULE value) and `first` ({start, end} of its first meeting), with
 * `problem`: what is missing from the choices (said instead of the schedule), and `past`: the words
 * to say when that meeting would be in the past.
 */
export function whenSummary(out, { start, end, zone, own, rule, first, problem, past }) {
  if (!start || !end) {
    out.replaceChildren(line(zone === own ? TEXT.zone(zone) : TEXT.zoneChosen(zone)));
    return;
  }
  if (end <= start) {
    out.replaceChildren(line(TEXT.endBeforeStart(whenIn(start, start, zone))));
    return;
  }
  const lines = [];
  const [from, to] = first ? [first.start, first.end] : [start, end];
  const parts = [whenIn(from, to, zone), durationText(to - from), TEXT.where(zone, offsetText(from, zone))];
  if (first) {
    lines.push(problem ? line(problem, "summary-line summary-problem") : line(describeRule(rule, zone, from), "summary-line summary-rule"));
    lines.push(line(TEXT.first(TEXT.summary(...parts))));
    if (past) lines.push(line(past, "summary-line summary-problem"));
  } else if (from < Date.now() && to > Date.now()) {
    lines.push(line(TEXT.summaryPast(...parts)));
  } else {
    lines.push(line(TEXT.summary(...parts)));
  }
  if (zone !== own) lines.push(line(TEXT.yours(own, whenIn(from, to, own)), "summary-line summary-own"));
  out.replaceChildren(...lines);
}
