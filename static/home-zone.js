// The home form's time zone: the browser's by default, shown as "Time zone: America/New_York ·
// change"; "change" opens a list of every zone the browser knows. Also the few words the form says
// about times in the chosen zone: "Tue, Jan 5, 10:00 – 11:00 AM", "UTC−05:00".

import { lang, t } from "./i18n.js";
import { browserZone, knownZone, offsetAt } from "./zoned-time.js";

const TEXT = {
  // Translators: a time zone's offset from UTC, such as "UTC+01:00".
  utc: (offset) => t("UTC{offset}", { offset }),
  // Translators: in the list of time zones: "Asia/Tokyo (UTC+09:00)".
  option: (zone, offset) => t("{zone} ({offset})", { zone, offset }),
  // Translators: under the list of time zones; {zone} is the browser's, such as America/New_York.
  yours: (zone) => t("Your own time zone is {zone}.", { zone }),
};

/** "UTC+01:00", "UTC−05:00" (a real minus sign, for people to read): the zone's offset at `date`. */
export function offsetText(date, timeZone) {
  const offset = offsetAt(date.getTime(), timeZone);
  const abs = Math.abs(offset);
  const hm = `${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return TEXT.utc(`${offset < 0 ? "−" : "+"}${hm}`);
}

/** "Sat, Nov 21, 8:00 – 9:00 PM": a start and an end as the zone's clock shows them. */
export function whenIn(start, end, timeZone) {
  const options = { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone };
  const year = (date) => new Intl.DateTimeFormat("en-US", { year: "numeric", timeZone }).format(date); // i18n: a number
  if (year(start) !== year(new Date())) options.year = "numeric";
  const format = new Intl.DateTimeFormat(lang, options);
  if (end > start) return format.formatRange(start, end);
  return format.format(start);
}

/** The zone line and its list; `changed(zone)` is called when the reader picks another zone. */
export class ZoneChoice {
  constructor(changed) {
    const $ = (id) => document.getElementById(id);
    this.own = browserZone();
    this.zone = this.own;
    this.changed = changed;
    this.name = $("zone-name");
    this.button = $("zone-change");
    this.picker = $("zone-picker");
    this.select = $("zone-picker").querySelector("select");
    this.note = $("f-zone-note");
    this.filled = false;
    this.name.textContent = this.zone;
    this.button.addEventListener("click", () => this.open(this.picker.hidden));
    this.select.addEventListener("change", () => this.pick(this.select.value));
    // Escape closes the list, back on the button that opened it.
    this.select.addEventListener("keydown", (ev) => {
      if (ev.key !== "Escape" || this.picker.hidden) return;
      ev.preventDefault();
      this.open(false);
      this.button.focus();
    });
  }

  /** Show the list (filled the first time: some four hundred zones, each with its offset now), or hide it. */
  open(show) {
    if (show && !this.filled) this.fill();
    this.picker.hidden = !show;
    this.button.setAttribute("aria-expanded", String(show));
    if (show) this.select.focus();
  }

  fill() {
    let zones = [];
    try {
      zones = Intl.supportedValuesOf("timeZone"); // i18n: an Intl key
    } catch (e) {
      zones = [];
    }
    // The browser's own zone may be an alias the list leaves out (Asia/Calcutta): it is offered all the same.
    zones = [...new Set([...zones, this.own, "UTC"])].filter(knownZone).sort(); // i18n: a zone's id
    const now = new Date();
    const options = zones.map((zone) => {
      const option = document.createElement("option");
      option.value = zone;
      option.textContent = TEXT.option(zone, offsetText(now, zone));
      return option;
    });
    this.select.replaceChildren(...options);
    this.select.value = this.zone;
    this.note.textContent = TEXT.yours(this.own);
    this.filled = true;
  }

  pick(zone) {
    if (!knownZone(zone) || zone === this.zone) return;
    this.zone = zone;
    this.name.textContent = zone;
    this.changed(zone);
  }

  /** Back to the browser's own zone, the list closed. */
  reset() {
    this.zone = this.own;
    this.name.textContent = this.own;
    if (this.filled) this.select.value = this.own;
    this.open(false);
  }

  /** Whether the chosen zone is the browser's own (its clock is the one the inputs know). */
  isOwn() {
    return this.zone === this.own;
  }
}
