// Wall-clock times in any IANA time zone, not only the browser's: which moment "2027-01-05T10:00"
// means in Asia/Tokyo, and back. The offsets come from Intl (the browser's own zone data); nothing
// here depends on the reader's zone or language, so every function can be checked on its own.

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;
const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

const formats = new Map();

/** A formatter that reads a moment's wall clock in a zone, as numbers. */
function clockIn(timeZone) {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { // i18n: numbers to compute with, not for people
      timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", second: "numeric",
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** Whether the browser knows the zone ("Europe/Berlin"). */
export function knownZone(timeZone) {
  if (!timeZone || typeof timeZone !== "string") return false;
  try {
    clockIn(timeZone);
    return true;
  } catch (e) {
    return false;
  }
}

/** The browser's own zone ("America/New_York"), or "UTC" when it does not say. */
export function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; // i18n: a zone's id
  } catch (e) {
    return "UTC"; // i18n: a zone's id
  }
}

/** The wall clock of the moment `ms` in the zone, read as if it were UTC (milliseconds). */
function wallMs(ms, timeZone) {
  const parts = {};
  for (const { type, value } of clockIn(timeZone).formatToParts(new Date(ms))) parts[type] = Number(value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute, parts.second);
}

/** The zone's offset from UTC at the moment `ms`, in minutes east (Berlin in winter: 60). */
export function offsetAt(ms, timeZone) {
  const whole = Math.floor(ms / 1000) * 1000;
  return Math.round((wallMs(whole, timeZone) - whole) / MINUTE);
}

/** A wall time "YYYY-MM-DDTHH:MM" read as if it were UTC (milliseconds); null when it is not one. */
export function parseWall(value) {
  const m = WALL.exec(value || "");
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  // Date.UTC rolls 31 February over into March: such a value is not a wall time.
  const back = new Date(ms);
  return isNaN(ms) || back.getUTCDate() !== +m[3] || back.getUTCHours() !== +m[4] ? null : ms;
}

/**
 * Every moment at which the zone's clock reads `value` ("YYYY-MM-DDTHH:MM"), earliest first: one on
 * most days, two when the clocks go back over it, none when they jump over it. Null when `value` is
 * not a wall time.
 */
export function momentsOf(value, timeZone) {
  const wall = parseWall(value);
  if (wall === null) return null;
  // A zone's offset lies within a day of UTC, so the offsets around are all it can have here.
  const offsets = new Set([offsetAt(wall - DAY, timeZone), offsetAt(wall, timeZone), offsetAt(wall + DAY, timeZone)]);
  const found = new Set();
  for (const offset of offsets) {
    const ms = wall - offset * MINUTE;
    if (wallMs(ms, timeZone) === wall) found.add(ms);
  }
  return [...found].sort((a, b) => a - b).map((ms) => new Date(ms));
}

/**
 * The moment the wall time `value` ("YYYY-MM-DDTHH:MM") means in the zone, as browsers read a local
 * time: the first of two when it happens twice; a time the clocks skip is read with the offset
 * before the jump (02:30 on the night of 02:00 → 03:00 becomes 03:30). Null when it is not a wall time.
 */
export function fromWall(value, timeZone) {
  const moments = momentsOf(value, timeZone);
  if (moments === null) return null;
  if (moments.length) return moments[0];
  const wall = parseWall(value);
  return new Date(wall - offsetAt(wall - DAY, timeZone) * MINUTE);
}

const pad = (n) => String(n).padStart(2, "0");

/** The zone's wall clock at `date`: "YYYY-MM-DDTHH:MM", the value of an <input type=datetime-local>. */
export function toWall(date, timeZone) {
  return new Date(wallMs(date.getTime(), timeZone)).toISOString().slice(0, 16);
}

/** The day part of a wall time ("2027-01-05"). */
export function dayOf(wall) {
  return String(wall).slice(0, 10);
}

/** "+01:00", "-05:00", "+05:45": an offset in minutes east, as RFC 3339 writes it. */
export function offsetString(minutes) {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A moment as RFC 3339 with the zone's offset at that moment: 2027-01-05T10:00:00-05:00. */
export function zonedISO(date, timeZone) {
  const ms = Math.floor(date.getTime() / 1000) * 1000;
  const wall = new Date(wallMs(ms, timeZone)).toISOString().slice(0, 19);
  return wall + offsetString(offsetAt(ms, timeZone));
}

/** The wall day `day` ("2027-01-05") moved by `days` days. */
export function addDays(day, days) {
  const ms = parseWall(`${day}T00:00`);
  return ms === null ? null : new Date(ms + days * DAY).toISOString().slice(0, 10);
}
