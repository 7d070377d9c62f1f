// The start page: schedule an event, or a series of them (home-repeat.js), in the browser's time
// zone or another one (home-zone.js); then home-created.js shows the links. Also keeps the "in 3 h"
// hints of the upcoming list current.

import { TEXT as API_TEXT, errorMessage, fetchJson } from "./api.js";
import { say } from "./dom.js";
import { fieldError, fieldNamed, humaneFields } from "./fields.js";
import { DstNote } from "./dst.js";
import { bindCreated, showCreated } from "./home-created.js";
import { PrivacyChoice } from "./home-privacy.js";
import { RepeatChoice } from "./home-repeat.js";
import { whenSummary } from "./home-summary.js";
import { ZoneChoice } from "./home-zone.js";
import { t, tn } from "./i18n.js";
import { relativeHints } from "./time.js";
import { fromWall, toWall, zonedISO } from "./zoned-time.js";

const TEXT = {
  needTitle: t("Give the event a title."),
  needStart: t("Choose the start date and time."),
  needEnd: t("Choose when the event ends."),
  needDuration: t("Choose a duration."),
  endAfterStart: t("The end must come after the start."),
  endPast: t("The end is already past: choose a later start or end."),
  seriesPast: t("A series cannot start in the past: choose a later start."),
  tooLong: (days) => tn("An event lasts at most {n} day.", "An event lasts at most {n} days.", days),
  // Translators: the Schedule button while the event is being scheduled.
  scheduling: t("Scheduling…"),
  schedule: t("Schedule the event"),
  scheduleSeries: t("Schedule the series"),
  // Translators: a series' fields, as named inside the server's error messages ("The schedule gives more than 366 occurrences…").
  words: { rrule: t("the schedule"), time_zone: t("the time zone") },
  chooseEnd: t("Choose when the series ends: after a number of meetings, or on a date."),
};

const MINUTE = 60 * 1000;
const MAX_DAYS = 31;

// --- relative hints in the lists ("· in 2 hours") ------------------------------------------
relativeHints(document);
setInterval(() => relativeHints(document), 30 * 1000);

const form = document.getElementById("schedule");
if (form) scheduling(form);

function scheduling(form) {
  const $ = (id) => document.getElementById(id);
  form.hidden = false;
  const f = form.elements;
  const submit = form.querySelector("button[type=submit]");
  const generalError = $("schedule-error");
  const endField = $("end-field");
  const zones = new ZoneChoice(() => zoneChanged());
  const privacy = new PrivacyChoice(form, () => clearField("retention_days"));
  const repeat = new RepeatChoice(form, () => {
    submit.textContent = repeat.repeats() ? TEXT.scheduleSeries : TEXT.schedule;
    clearField("rrule");
    summarise();
  });

  // --- reading the form -----------------------------------------------------------------------
  // On the nights the clocks change, a note says which moment a time means (or that it is skipped):
  // in the browser's own zone, whose clock the inputs know. In another zone, the first of two is meant.
  const startNote = new DstNote(f.time.closest(".pair"), [f.date, f.time], () => startChanged());
  const endNote = new DstNote(f.ends_at, [f.ends_at], () => summarise());

  /** A wall time in the chosen zone as a Date: null when incomplete. */
  function moment(wall, note) {
    if (zones.isOwn()) return note.update(wall);
    note.update(null);
    return fromWall(wall, zones.zone);
  }

  /** The start's wall time ("2027-01-05T10:00") from the date and time inputs; null when incomplete. */
  function startWall() {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(f.date.value || "");
    const hm = /^(\d{2}):(\d{2})/.exec(f.time.value || "");
    return day && hm ? `${f.date.value}T${hm[1]}:${hm[2]}` : null;
  }

  const startDate = () => moment(startWall(), startNote);
  const customEnd = () => f.duration.value === "custom";

  function endDate(start) {
    if (customEnd()) return moment(f.ends_at.value || null, endNote);
    endNote.update(null);
    return start ? new Date(start.getTime() + Number(f.duration.value) * MINUTE) : null;
  }

  /** A series' first meeting: on the start date, or on the first chosen weekday after it; as long as the form says. */
  function firstMeeting(start, end) {
    const wall = startWall();
    if (!repeat.repeats() || !start || !end || !wall) return null;
    const day = repeat.firstDay(f.date.value);
    const first = day === f.date.value ? start : fromWall(`${day}${wall.slice(10)}`, zones.zone);
    return { day, start: first, end: new Date(first.getTime() + (end - start)) };
  }

  function setStart(date) {
    const wall = toWall(date, zones.zone);
    f.date.value = wall.slice(0, 10);
    f.time.value = wall.slice(11, 16);
  }

  /** The next full hour, or the one after if that is less than a quarter of an hour away. */
  function nextSlot() {
    const now = new Date();
    const slot = new Date(now);
    slot.setMinutes(0, 0, 0);
    slot.setHours(slot.getHours() + (now.getMinutes() >= 45 ? 2 : 1));
    return slot;
  }
  setStart(nextSlot());
  repeat.setDay(f.date.value);

  // --- the summary under the times ------------------------------------------------------------
  function summarise() {
    const start = startDate();
    const end = endDate(start);
    const first = firstMeeting(start, end);
    whenSummary($("when-summary"), {
      start, end, zone: zones.zone, own: zones.own, rule: repeat.rule(), first,
      problem: first ? repeat.problem(first.day) : "",
      past: first && first.start < Date.now() ? TEXT.seriesPast : "",
    });
  }

  // Moving the start keeps a custom end the same length after it.
  let lastStart = startDate();
  function startChanged() {
    const start = startDate();
    if (customEnd() && start && lastStart) {
      const end = fromWall(f.ends_at.value, zones.zone);
      if (end) f.ends_at.value = toWall(new Date(start.getTime() + (end - lastStart)), zones.zone);
    }
    if (start) lastStart = start;
    repeat.setDay(f.date.value);
    clearField("starts_at");
    summarise();
  }
  for (const input of [f.date, f.time]) {
    input.addEventListener("change", startChanged);
    input.addEventListener("input", startChanged);
  }

  // Another zone: the same wall times, now read in it.
  function zoneChanged() {
    lastStart = startDate();
    clearAll();
    summarise();
  }

  let lastMinutes = Number(f.duration.value);
  f.duration.addEventListener("change", () => {
    const start = startDate();
    if (customEnd()) {
      endField.hidden = false;
      if (!f.ends_at.value && start) f.ends_at.value = toWall(new Date(start.getTime() + lastMinutes * MINUTE), zones.zone);
      f.ends_at.focus();
    } else {
      endField.hidden = true;
      lastMinutes = Number(f.duration.value);
    }
    clearField("ends_at");
    summarise();
  });
  f.ends_at.addEventListener("input", () => {
    clearField("ends_at");
    summarise();
  });
  summarise();

  // --- errors next to their fields ------------------------------------------------------------
  const FIELDS = {
    title: { error: "f-title-error", controls: () => [f.title] },
    description: { error: "f-description-error", controls: () => [f.description] },
    starts_at: { error: "f-start-error", controls: () => [f.date, f.time] },
    ends_at: { error: "f-end-error", controls: () => [customEnd() ? f.ends_at : f.duration] },
    rrule: { error: "f-repeat-error", controls: () => [repeat.control()] },
    retention_days: { error: "f-retention-error", controls: () => [f.retention_days] },
  };

  const showField = (name, message) => fieldError($(FIELDS[name].error), FIELDS[name].controls(), message);
  const clearField = (name) => fieldError($(FIELDS[name].error), form.querySelectorAll(`[aria-describedby~="${FIELDS[name].error}"]`), "");

  function clearAll() {
    for (const name of Object.keys(FIELDS)) clearField(name);
    say(generalError, "");
  }

  f.title.addEventListener("input", () => clearField("title"));
  f.description.addEventListener("input", () => clearField("description"));

  /** Checks the browser can make before asking the server; returns {field: message}. */
  function check(title, start, end, first) {
    const problems = {};
    if (!title) problems.title = TEXT.needTitle;
    if (!start) problems.starts_at = TEXT.needStart;
    else if (first && first.start < Date.now()) problems.starts_at = TEXT.seriesPast;
    if (!end) problems.ends_at = customEnd() ? TEXT.needEnd : TEXT.needDuration;
    else if (start && end <= start) problems.ends_at = TEXT.endAfterStart;
    else if (!first && end <= Date.now()) problems.ends_at = TEXT.endPast;
    else if (start && end - start > MAX_DAYS * 24 * 60 * MINUTE) problems.ends_at = TEXT.tooLong(MAX_DAYS);
    const rule = repeat.problem(first ? first.day : null);
    if (rule) problems.rrule = rule;
    const days = privacy.problem();
    if (days) problems.retention_days = days;
    return problems;
  }

  function focusFirstInvalid() {
    const first = form.querySelector("[aria-invalid=true]");
    if (first) first.focus();
  }

  /** A refusal in words: the API's field names as the form calls them. */
  function humane(message) {
    return humaneFields(privacy.humane(message).replace(/\b(rrule|time_zone)\b/g, (name) => TEXT.words[name]));
  }

  /** What to send, and where: a one-off event, or a series from its first meeting. */
  function request(title, start, end, first) {
    const body = { title, description: f.description.value, listed: f.listed.checked, qa: f.qa.checked, ...privacy.fields() };
    if (!first) {
      return ["/api/events", { ...body, starts_at: zonedISO(start, zones.zone), ends_at: zonedISO(end, zones.zone) }];
    }
    return ["/api/series", {
      ...body, starts_at: zonedISO(first.start, zones.zone), ends_at: zonedISO(first.end, zones.zone),
      rrule: repeat.rule(), time_zone: zones.zone,
    }];
  }

  // --- sending ----------------------------------------------------------------------------------
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearAll();
    const title = f.title.value.trim();
    const start = startDate();
    const end = endDate(start);
    const first = firstMeeting(start, end);
    const problems = check(title, start, end, first);
    if (Object.keys(problems).length) {
      for (const [name, message] of Object.entries(problems)) showField(name, message);
      focusFirstInvalid();
      return;
    }
    const [path, body] = request(title, start, end, first);
    const label = submit.textContent;
    submit.disabled = true;
    submit.textContent = TEXT.scheduling;
    let res = null;
    try {
      res = await fetchJson("POST", path, { body, timeout: 20000 });
    } catch (e) {
      res = null;
    }
    submit.disabled = false;
    submit.textContent = label;
    if (!res) return say(generalError, API_TEXT.unreachable);
    if (res.status === 201 && res.data && res.data.links && (res.data.event || res.data.series)) return showCreated(res.data);
    const message = errorMessage(res);
    const field = res.status === 400 ? fieldNamed(message, Object.keys(FIELDS)) : null;
    if (field) {
      const never = field === "rrule" && body.rrule && !/COUNT|UNTIL/.test(body.rrule);
      showField(field, never ? `${humane(message)} ${TEXT.chooseEnd}` : humane(message));
      focusFirstInvalid();
    } else {
      say(generalError, humane(message));
    }
  });

  // "Schedule another event": the form as new.
  bindCreated(() => {
    form.reset();
    zones.reset();
    setStart(nextSlot());
    privacy.reset();
    repeat.reset();
    repeat.setDay(f.date.value);
    endField.hidden = true;
    lastStart = startDate();
    lastMinutes = Number(f.duration.value);
    clearAll();
    summarise();
    f.title.focus();
  });
}
