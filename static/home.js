// The start page: schedule an event in the browser's time zone (then home-created.js shows the
// room link and the host link). Also keeps the "in 3 h" hints of the upcoming list current.

import { TEXT as API_TEXT, errorMessage, fetchJson } from "./api.js";
import { say } from "./dom.js";
import { fieldError, fieldNamed, humaneFields } from "./fields.js";
import { DstNote } from "./dst.js";
import { bindCreated, showCreated } from "./home-created.js";
import { t, tn } from "./i18n.js";
import {
  durationText, fromLocalInput, offsetText, pad, rangeFormat, relativeHints, toLocalDate, toLocalInput, toOffsetISO,
  whenText, zoneName,
} from "./time.js";

const TEXT = {
  // Translators: {zone} is a time zone's name, such as Europe/Berlin.
  zone: (zone) => (zone ? t("Times are in your time zone, {zone}.", { zone }) : t("Times are in your time zone.")),
  // Translators: a time zone's name and its offset, such as "Europe/Berlin (UTC+2)".
  where: (zone, offset) => (zone ? t("{zone} ({offset})", { zone, offset }) : offset),
  // Translators: under the times of a new event, such as "Tue 3 June, 14:00–15:00 · 1 h · Europe/Berlin (UTC+2)".
  summary: (when, length, where) => t("{when} · {length} · {where}", { when, length, where }),
  summaryPast: (when, length, where) => t("{when} · {length} · {where}. The start is already past, so the room opens at once.", { when, length, where }),
  // Translators: {start} is the start's date and time.
  endBeforeStart: (start) => t("{start}: the end must come after the start.", { start }),
  needTitle: t("Give the event a title."),
  needStart: t("Choose the start date and time."),
  needEnd: t("Choose when the event ends."),
  needDuration: t("Choose a duration."),
  endAfterStart: t("The end must come after the start."),
  endPast: t("The end is already past: choose a later start or end."),
  tooLong: (days) => tn("An event lasts at most {n} day.", "An event lasts at most {n} days.", days),
  // Translators: the Schedule button while the event is being scheduled.
  scheduling: t("Scheduling…"),
  schedule: t("Schedule the event"),
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
  const zone = zoneName();

  // --- reading the form -----------------------------------------------------------------------
  // On the nights the clocks change, a note says which moment a time means (or that it is skipped).
  const startNote = new DstNote(f.time.closest(".pair"), [f.date, f.time], () => startChanged());
  const endNote = new DstNote(f.ends_at, [f.ends_at], () => summarise());

  /** The start as a local Date from the date and time inputs; null when incomplete. */
  function startDate() {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(f.date.value || "");
    const hm = /^(\d{2}):(\d{2})/.exec(f.time.value || "");
    return startNote.update(day && hm ? `${f.date.value}T${hm[1]}:${hm[2]}` : null);
  }

  const customEnd = () => f.duration.value === "custom";

  function endDate(start) {
    if (customEnd()) return endNote.update(f.ends_at.value);
    endNote.update(null);
    return start ? new Date(start.getTime() + Number(f.duration.value) * MINUTE) : null;
  }

  function setStart(date) {
    f.date.value = toLocalDate(date);
    f.time.value = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
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

  // --- the summary under the times ------------------------------------------------------------
  function summarise() {
    const out = $("when-summary");
    const start = startDate();
    const end = endDate(start);
    if (!start || !end) {
      out.textContent = TEXT.zone(zone);
      return;
    }
    const parts = [whenText(start, end), durationText(end - start), TEXT.where(zone, offsetText(start))];
    if (end <= start) out.textContent = TEXT.endBeforeStart(rangeFormat(start).format(start));
    else if (start < Date.now() && end > Date.now()) out.textContent = TEXT.summaryPast(...parts);
    else out.textContent = TEXT.summary(...parts);
  }

  // Moving the start keeps a custom end the same length after it.
  let lastStart = startDate();
  function startChanged() {
    const start = startDate();
    if (customEnd() && start && lastStart) {
      const end = fromLocalInput(f.ends_at.value);
      if (end) f.ends_at.value = toLocalInput(new Date(start.getTime() + (end - lastStart)));
    }
    if (start) lastStart = start;
    clearField("starts_at");
    summarise();
  }
  for (const input of [f.date, f.time]) {
    input.addEventListener("change", startChanged);
    input.addEventListener("input", startChanged);
  }

  let lastMinutes = Number(f.duration.value);
  f.duration.addEventListener("change", () => {
    const start = startDate();
    if (customEnd()) {
      endField.hidden = false;
      if (!f.ends_at.value && start) f.ends_at.value = toLocalInput(new Date(start.getTime() + lastMinutes * MINUTE));
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
  function check(title, start, end) {
    const problems = {};
    if (!title) problems.title = TEXT.needTitle;
    if (!start) problems.starts_at = TEXT.needStart;
    if (!end) problems.ends_at = customEnd() ? TEXT.needEnd : TEXT.needDuration;
    else if (start && end <= start) problems.ends_at = TEXT.endAfterStart;
    else if (end <= Date.now()) problems.ends_at = TEXT.endPast;
    else if (start && end - start > MAX_DAYS * 24 * 60 * MINUTE) problems.ends_at = TEXT.tooLong(MAX_DAYS);
    return problems;
  }

  function focusFirstInvalid() {
    const first = form.querySelector("[aria-invalid=true]");
    if (first) first.focus();
  }

  // --- sending ----------------------------------------------------------------------------------
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearAll();
    const title = f.title.value.trim();
    const start = startDate();
    const end = endDate(start);
    const problems = check(title, start, end);
    if (Object.keys(problems).length) {
      for (const [name, message] of Object.entries(problems)) showField(name, message);
      focusFirstInvalid();
      return;
    }
    const body = {
      title, description: f.description.value, starts_at: toOffsetISO(start), ends_at: toOffsetISO(end), listed: f.listed.checked,
    };
    submit.disabled = true;
    submit.textContent = TEXT.scheduling;
    let res = null;
    try {
      res = await fetchJson("POST", "/api/events", { body, timeout: 20000 });
    } catch (e) {
      res = null;
    }
    submit.disabled = false;
    submit.textContent = TEXT.schedule;
    if (!res) return say(generalError, API_TEXT.unreachable);
    if (res.status === 201 && res.data && res.data.links && res.data.event) return showCreated(res.data);
    const message = errorMessage(res);
    const field = res.status === 400 ? fieldNamed(message, Object.keys(FIELDS)) : null;
    if (field) {
      showField(field, humaneFields(message));
      focusFirstInvalid();
    } else {
      say(generalError, humaneFields(message));
    }
  });

  // "Schedule another event": the form as new.
  bindCreated(() => {
    form.reset();
    setStart(nextSlot());
    endField.hidden = true;
    lastStart = startDate();
    lastMinutes = Number(f.duration.value);
    clearAll();
    summarise();
    f.title.focus();
  });
}
