// The home form's repeat choices as an RFC 5545 RRULE value (the rules POST /api/series accepts),
// and the calendar arithmetic behind them: a day's weekday, "the second Tuesday", the first day a
// rule gives. Days are wall days ("2027-01-05"), the same in every time zone; no DOM, no words.

/** RFC 5545's weekday codes, Sunday first (as Date.getUTCDay counts). */
export const DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]; // i18n: RFC 5545 codes
const WEEK_ORDER = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]; // i18n: RFC 5545 codes

const DAY_MS = 24 * 3600 * 1000;

function utcDay(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || "");
  if (!m) return null;
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return date.getUTCDate() === +m[3] ? date : null;
}

/** The weekday code of a day: "2027-01-05" → "TU"; null for no day. */
export function weekdayOf(day) {
  const date = utcDay(day);
  return date ? DAYS[date.getUTCDay()] : null;
}

/**
 * Where a day falls in its month: {day: 9, weekday: "TU", nth: 2} for the second Tuesday; nth is
 * -1 when it is the month's last such weekday (the 4th or 5th), as "the last Friday" means.
 */
export function monthPosition(day) {
  const date = utcDay(day);
  if (!date) return null;
  const d = date.getUTCDate();
  const length = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  return { day: d, weekday: DAYS[date.getUTCDay()], nth: d + 7 > length ? -1 : Math.ceil(d / 7) };
}

/** The days of a week in the order a calendar shows them: Monday first, or Sunday (firstDay 7), etc. */
export function weekFrom(firstDay) {
  const start = WEEK_ORDER.indexOf(DAYS[(firstDay || 1) % 7]);
  return [...WEEK_ORDER.slice(start), ...WEEK_ORDER.slice(0, start)];
}

/** The first day on or after `day` that the choice gives: the next chosen weekday for a weekly
 *  rule; the day itself otherwise (a daily or monthly rule is made from it). */
export function firstDay(day, choice) {
  const date = utcDay(day);
  if (!date || !choice || choice.frequency !== "weekly" || !choice.days || !choice.days.length) return day;
  for (let i = 0; i < 7; i++) {
    const next = new Date(date.getTime() + i * DAY_MS);
    if (choice.days.includes(DAYS[next.getUTCDay()])) return next.toISOString().slice(0, 10);
  }
  return day;
}

/**
 * The RRULE value of a choice, or null for "does not repeat":
 * {frequency: "none"|"daily"|"weekly"|"monthly", days: ["TU", "TH"] (weekly),
 *  monthly: "day"|"weekday", day: the first day ("2027-01-12", for monthly),
 *  end: "never"|"count"|"until", count: 10, until: "2027-06-30"}.
 */
export function buildRule(choice) {
  const parts = [];
  if (choice.frequency === "daily") {
    parts.push("FREQ=DAILY"); // i18n: RFC 5545
  } else if (choice.frequency === "weekly") {
    const days = WEEK_ORDER.filter((code) => (choice.days || []).includes(code));
    parts.push("FREQ=WEEKLY", "BYDAY=" + days.join(",")); // i18n: RFC 5545
  } else if (choice.frequency === "monthly") {
    const at = monthPosition(choice.day);
    if (!at) return null;
    parts.push("FREQ=MONTHLY"); // i18n: RFC 5545
    parts.push(choice.monthly === "weekday" ? `BYDAY=${at.nth}${at.weekday}` : `BYMONTHDAY=${at.day}`);
  } else {
    return null;
  }
  if (choice.end === "count") parts.push(`COUNT=${choice.count}`);
  else if (choice.end === "until" && utcDay(choice.until)) parts.push(`UNTIL=${choice.until.replace(/-/g, "")}`);
  return parts.join(";");
}
