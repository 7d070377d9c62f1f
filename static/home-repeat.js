// The home form's "Repeat": does not repeat, every day, every week on chosen days (toggle chips,
// the start date's weekday until the reader picks), every month on day 15 or on the second Tuesday;
// and when the series ends: never, after N meetings, on a date. repeat-rule.js makes the RRULE.

import { fill, lang, t, tn } from "./i18n.js";
import { weekdayName } from "./recurrence-words.js";
import { buildRule, firstDay, monthPosition, weekdayOf, weekFrom } from "./repeat-rule.js";
import { addDays } from "./zoned-time.js";

const TEXT = {
  monthDay: (day) => t("On day {day}", { day }),
  // Translators: {weekday} is a day's name ("Tuesday"): the meeting is on that weekday of every month.
  nth: {
    1: (weekday) => t("On the first {weekday}", { weekday }),
    2: (weekday) => t("On the second {weekday}", { weekday }),
    3: (weekday) => t("On the third {weekday}", { weekday }),
    4: (weekday) => t("On the fourth {weekday}", { weekday }),
    "-1": (weekday) => t("On the last {weekday}", { weekday }),
  },
  // Translators: a monthly series on day 29, 30 or 31 skips the months that have no such day.
  shortMonths: (day) => t("Months without a day {day} are skipped.", { day }),
  // Translators: "The series ends: after [10] meetings"; {n} is where the number field goes.
  afterCount: (n) => tn("After {n} meeting", "After {n} meetings", n, { n: "{n}" }),
  // Translators: "The series ends: on [date]"; {date} is where the date field goes.
  onDate: t("On {date}"),
  // Translators: the name of the choice "The series ends: on [date]" before a date is chosen.
  onADate: t("On a date"),
  noDays: t("Choose at least one day of the week."),
  badCount: (max) => t("Choose a number of meetings from 1 to {max}.", { max }),
  noUntil: t("Choose the date of the last meeting."),
  untilEarly: t("The last meeting cannot come before the first."),
};

const COUNT_MAX = 5000;
const DAILY_COUNT = 10;

/** The locale's first day of the week (1 Monday … 7 Sunday), Monday where the browser does not say. */
function firstWeekday() {
  try {
    const locale = new Intl.Locale(lang);
    const info = typeof locale.getWeekInfo === "function" ? locale.getWeekInfo() : locale.weekInfo;
    return (info && info.firstDay) || 1;
  } catch (e) {
    return 1;
  }
}

/** Fill the text around a field from a sentence with one placeholder: "After {n} meetings". */
function around(sentence, name, before, after) {
  const [head, tail] = sentence.split(`{${name}}`);
  before.textContent = head.trim();
  after.textContent = (tail || "").trim();
}

export class RepeatChoice {
  /** form: the schedule form; changed(): any choice changed (the summary follows). */
  constructor(form, changed) {
    const $ = (id) => document.getElementById(id);
    this.form = form;
    this.changed = changed;
    this.select = form.elements.repeat;
    this.options = $("repeat-options");
    this.weekly = $("repeat-weekly");
    this.monthly = $("repeat-monthly");
    this.monthlyNote = $("monthly-note");
    this.count = form.elements.count;
    this.until = form.elements.until;
    this.error = $("f-repeat-error");
    this.day = null;
    this.daysPicked = false; // the reader chose days: the start date no longer moves them
    this.endPicked = false; // the reader chose an end: a change of frequency no longer moves it
    this.chips = this.buildChips($("day-chips"));
    this.sayCount();
    around(TEXT.onDate, "date", $("until-before"), $("until-after"));
    // Every control of the repetition is described by its error, which names what to change.
    for (const control of [this.select, ...this.options.querySelectorAll("input")]) {
      const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      control.setAttribute("aria-describedby", [...ids, this.error.id].join(" "));
    }

    this.select.addEventListener("change", () => this.frequencyChanged());
    for (const chip of this.chips) {
      chip.addEventListener("change", () => {
        this.daysPicked = true;
        this.edited();
      });
    }
    for (const radio of form.querySelectorAll("input[name=monthly]")) radio.addEventListener("change", () => this.edited());
    for (const radio of this.endRadios()) {
      radio.addEventListener("change", () => {
        this.endPicked = true;
        if (radio.value === "until" && !this.until.value && this.day) this.until.value = addDays(this.day, 91);
        this.sayCount();
        this.edited();
      });
    }
    // Typing a number or a date chooses that way of ending.
    for (const [field, value] of [[this.count, "count"], [this.until, "until"]]) {
      field.addEventListener("input", () => {
        this.sayCount();
        this.setEnd(value);
        this.endPicked = true;
        this.edited();
      });
    }
  }

  /** The seven toggles, in the order the reader's calendar has them, named in their language. */
  buildChips(box) {
    return weekFrom(firstWeekday()).map((code) => {
      const label = document.createElement("label");
      label.className = "chip";
      const input = document.createElement("input");
      input.type = "checkbox";
      input.name = "byday";
      input.value = code;
      const short = document.createElement("span");
      short.setAttribute("aria-hidden", "true");
      short.textContent = weekdayName(code, "short");
      const full = document.createElement("span");
      full.className = "visually-hidden";
      full.textContent = weekdayName(code);
      label.append(input, short, full);
      box.append(label);
      return input;
    });
  }

  endRadios() {
    return [...this.form.querySelectorAll("input[name=series_end]")];
  }

  setEnd(value) {
    for (const radio of this.endRadios()) radio.checked = radio.value === value;
  }

  /** The words around the two fields, and the names of their choices ("After 3 meetings", "On Jun 30, 2027"):
   *  browsers do not follow a field's value into a name made from it. */
  sayCount() {
    const n = parseInt(this.count.value, 10);
    const sentence = TEXT.afterCount(Number.isFinite(n) ? n : DAILY_COUNT);
    around(sentence, "n", document.getElementById("count-before"), document.getElementById("count-after"));
    this.radio("count").setAttribute("aria-label", fill(sentence, { n: Number.isFinite(n) ? n : "" }).replace(/\s+/g, " "));
    const until = this.until.value ? new Date(this.until.value + "T12:00:00Z") : null;
    const date = until && !isNaN(until) ? new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }).format(until) : ""; // i18n: a zone's id
    this.radio("until").setAttribute("aria-label", date ? fill(TEXT.onDate, { date }) : TEXT.onADate);
  }

  radio(value) {
    return this.endRadios().find((radio) => radio.value === value);
  }

  get frequency() {
    return this.select.value;
  }

  frequencyChanged() {
    const frequency = this.frequency;
    this.options.hidden = frequency === "none";
    this.weekly.hidden = frequency !== "weekly";
    this.monthly.hidden = frequency !== "monthly";
    // A daily series without an end would run past what the server allows: ten meetings unless the reader says otherwise.
    if (!this.endPicked) this.setEnd(frequency === "daily" ? "count" : "never");
    if (frequency === "daily" && !this.endPicked && !this.count.value) this.count.value = String(DAILY_COUNT);
    this.sayCount();
    this.edited();
  }

  /** The start date changed ("2027-01-05"): its weekday is the one chosen until the reader picks,
   *  and the monthly choices name its place in the month. */
  setDay(day) {
    this.day = day;
    const code = weekdayOf(day);
    if (!this.daysPicked && code) for (const chip of this.chips) chip.checked = chip.value === code;
    const at = monthPosition(day);
    const dayText = document.getElementById("monthly-day");
    const weekdayText = document.getElementById("monthly-weekday");
    dayText.textContent = at ? TEXT.monthDay(at.day) : "";
    weekdayText.textContent = at ? TEXT.nth[String(at.nth)](weekdayName(at.weekday)) : "";
    const byDay = this.form.querySelector("input[name=monthly][value=day]").checked;
    this.monthlyNote.textContent = at && at.day > 28 && byDay ? TEXT.shortMonths(at.day) : "";
    this.monthlyNote.hidden = !this.monthlyNote.textContent;
  }

  edited() {
    this.clearError();
    if (this.day) this.setDay(this.day);
    this.changed();
  }

  /** What the reader chose, for repeat-rule.js. */
  choice() {
    const end = this.endRadios().find((radio) => radio.checked);
    return {
      frequency: this.frequency,
      days: this.chips.filter((chip) => chip.checked).map((chip) => chip.value),
      monthly: this.form.querySelector("input[name=monthly]:checked").value,
      day: this.day,
      end: end ? end.value : "never",
      count: parseInt(this.count.value, 10),
      until: this.until.value,
    };
  }

  /** Whether a series is asked for. */
  repeats() {
    return this.frequency !== "none";
  }

  /** The day of the first meeting: the start date, or the first chosen weekday after it. */
  firstDay(day) {
    return firstDay(day, this.choice());
  }

  /** The RRULE value, or null for a one-off event. */
  rule() {
    return this.repeats() ? buildRule(this.choice()) : null;
  }

  /** What the browser can tell is wrong before asking the server: a message, or "". */
  problem(first) {
    if (!this.repeats()) return "";
    const choice = this.choice();
    if (choice.frequency === "weekly" && !choice.days.length) return TEXT.noDays;
    if (choice.end === "count" && !(choice.count >= 1 && choice.count <= COUNT_MAX && String(choice.count) === this.count.value.trim())) {
      return TEXT.badCount(COUNT_MAX);
    }
    if (choice.end === "until" && !choice.until) return TEXT.noUntil;
    if (choice.end === "until" && first && choice.until < first) return TEXT.untilEarly;
    return "";
  }

  /** The control a problem with the repetition is about, to mark and to focus. */
  control() {
    const choice = this.choice();
    if (choice.frequency === "weekly" && !choice.days.length) return this.chips[0];
    if (choice.end === "count") return this.count;
    if (choice.end === "until") return this.until;
    return this.endRadios().find((radio) => radio.checked) || this.select;
  }

  clearError() {
    this.error.hidden = true;
    this.error.textContent = "";
    for (const el of this.form.querySelectorAll(`[aria-describedby~="${this.error.id}"]`)) el.removeAttribute("aria-invalid");
  }

  /** As new: does not repeat, the days and the end follow the start again. */
  reset() {
    this.daysPicked = false;
    this.endPicked = false;
    this.count.value = String(DAILY_COUNT);
    this.until.value = "";
    this.frequencyChanged();
  }
}
