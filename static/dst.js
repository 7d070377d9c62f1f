// Local times on the nights the clocks change: a wall time in the reader's time zone may happen
// twice (clocks go back) or never (clocks go forward). The forms show a note under such a field that
// says which moment is meant, and lets the reader pick the second of two.

import { lang, t } from "./i18n.js";

const TEXT = {
  // Translators: a wall time that happens twice when the clocks go back; {zone} is such as "CEST (UTC+2)".
  twice: [
    (time, zone) => t("{time} happens twice that night: this is the first, at {time} {zone}.", { time, zone }),
    (time, zone) => t("{time} happens twice that night: this is the second, at {time} {zone}.", { time, zone }),
  ],
  // Translators: a button that picks the other of the two moments a wall time means.
  pick: [
    (time, zone) => t("Use the first: {time} {zone}", { time, zone }),
    (time, zone) => t("Use the second: {time} {zone}", { time, zone }),
  ],
  gap: (time, day, from, to, becomes) =>
    t("{time} does not exist on {day} in your time zone: clocks jump from {from} to {to}; it will be {becomes}.", { time, day, from, to, becomes }),
  // Translators: a time zone's name and its offset from UTC: "CEST (UTC+2)".
  zone: (name, offset) => (name ? t("{name} ({offset})", { name, offset }) : t("({offset})", { offset })),
  // Translators: a time zone's offset from UTC, such as "UTC+01:00".
  utc: (offset) => t("UTC{offset}", { offset }),
};

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;

const wallFormat = new Intl.DateTimeFormat(lang, { timeStyle: "short", timeZone: "UTC" });
const dayFormat = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" });
const zoneFormat = new Intl.DateTimeFormat(lang, { hour: "numeric", timeZoneName: "short" });

/** The reader's offset from UTC at a moment, in minutes east. */
const offsetAt = (ms) => -new Date(ms).getTimezoneOffset();

/** Does the local wall time of `date` read y-mo-d h:mi? */
function reads(date, [y, mo, d, h, mi]) {
  return date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d &&
    date.getHours() === h && date.getMinutes() === mi;
}

/** "UTC+2", "UTC+5:30", "UTC−3" (a real minus sign, for people to read). */
function utcText(offset) {
  const abs = Math.abs(offset);
  const minutes = abs % 60;
  return TEXT.utc(`${offset < 0 ? "−" : "+"}${Math.floor(abs / 60)}${minutes ? ":" + String(minutes).padStart(2, "0") : ""}`);
}

/** "CEST (UTC+2)" where the language has a name for the zone at that moment, else "(UTC+2)". */
function zoneText(date) {
  let name = "";
  try {
    const part = zoneFormat.formatToParts(date).find((p) => p.type === "timeZoneName");
    name = part && !/^(GMT|UTC)([+−-]|$)/.test(part.value) ? part.value : "";
  } catch (e) {
    name = "";
  }
  return TEXT.zone(name, utcText(offsetAt(date.getTime())));
}

/** A moment's local time of day, as the clock shows it ("03:30"). */
function clockTime(date) {
  return wallFormat.format(date.getTime() + offsetAt(date.getTime()) * MINUTE);
}

/**
 * The moments at which the reader's clock reads `value` ("YYYY-MM-DDTHH:MM"): {wall, moments: []}
 * with one moment on most days, two when the clocks go back over it, none when they jump over it
 * (then `moved`: the moment the browser makes of it, and `from`/`to`: the wall times of the jump).
 * Null when the value is not a date and time.
 */
export function lookUp(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
  if (!m) return null;
  const parts = m.slice(1, 6).map(Number);
  const wall = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4]); // the wall time read as UTC
  if (isNaN(wall)) return null;
  // A zone's offset lies within a day of UTC, so the offsets a day either side are all it can have here.
  const before = offsetAt(wall - DAY);
  const after = offsetAt(wall + DAY);
  const moments = [...new Set([before, after])]
    .map((offset) => new Date(wall - offset * MINUTE))
    .filter((date) => reads(date, parts))
    .sort((a, b) => a - b);
  const found = { wall, moments };
  if (moments.length || before === after) return found;
  // Skipped: find when the clocks changed, and read the wall time as the browser does (the offset before).
  let lo = wall - DAY;
  let hi = wall + DAY;
  while (hi - lo > MINUTE) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid) === before) lo = mid;
    else hi = mid;
  }
  return { ...found, moved: new Date(wall - before * MINUTE), from: hi + before * MINUTE, to: hi + after * MINUTE };
}

let notes = 0;

/** A note under a date and time field, shown only on the nights the clocks change. */
export class DstNote {
  /** after: the element the note follows; controls: the inputs it describes; picked(): the reader chose the other moment. */
  constructor(after, controls, picked) {
    this.el = document.createElement("p");
    this.el.className = "field-note dst-note"; // i18n: class names
    this.el.id = `dst-note-${++notes}`;
    this.el.hidden = true;
    this.el.setAttribute("aria-live", "polite");
    this.text = document.createElement("span");
    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.className = "link";
    this.el.append(this.text, " ", this.button);
    after.after(this.el);
    for (const control of controls) {
      const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      control.setAttribute("aria-describedby", [...ids, this.el.id].join(" "));
    }
    this.value = null;
    this.found = null;
    this.which = 0;
    this.button.addEventListener("click", () => {
      this.which = 1 - this.which;
      this.render();
      if (picked) picked();
    });
  }

  /** The moment the wall time `value` ("YYYY-MM-DDTHH:MM") means, as chosen; shows or hides the note. */
  update(value) {
    if (value !== this.value) {
      this.value = value;
      this.found = lookUp(value);
      this.which = 0;
      this.render();
    }
    return this.date();
  }

  /** Show `value` meaning `moment` (a time already saved): the second of two if that is the one. */
  set(value, moment) {
    this.update(value);
    const minute = (date) => Math.floor(date.getTime() / MINUTE);
    const index = this.found ? this.found.moments.findIndex((date) => minute(date) === minute(moment)) : -1;
    if (index > 0) {
      this.which = index;
      this.render();
    }
  }

  /** The moment meant, or null without a date and time. */
  date() {
    const found = this.found;
    if (!found) return null;
    if (!found.moments.length) return found.moved || null;
    return found.moments[Math.min(this.which, found.moments.length - 1)];
  }

  render() {
    const found = this.found;
    const twice = !!found && found.moments.length === 2;
    const gap = !!found && !!found.moved;
    this.el.hidden = !twice && !gap;
    this.button.hidden = !twice;
    if (!twice) this.button.textContent = "";
    if (!twice && !gap) return;
    const time = wallFormat.format(found.wall);
    if (gap) {
      this.text.textContent = TEXT.gap(time, dayFormat.format(found.wall), wallFormat.format(found.from),
        wallFormat.format(found.to), clockTime(found.moved));
      return;
    }
    const [chosen, other] = this.which ? [found.moments[1], found.moments[0]] : found.moments;
    const otherWhich = 1 - this.which;
    this.text.textContent = TEXT.twice[this.which](time, zoneText(chosen));
    this.button.textContent = TEXT.pick[otherWhich](time, zoneText(other));
  }
}
