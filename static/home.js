// The start page: schedule an event in the browser's time zone, then show the room link and the
// host link with copy buttons. Also keeps the "in 3 h" hints of the upcoming list current.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const MINUTE = 60 * 1000;
  const MAX_DAYS = 31;

  // --- relative hints in the lists ("in 2 h") -------------------------------------------------
  const relative = typeof Intl.RelativeTimeFormat === "function" ? new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }) : null;

  function relativeText(ms) {
    if (!relative) return "";
    const minutes = Math.round(ms / MINUTE);
    if (minutes < 1) return "starting now";
    if (minutes < 60) return relative.format(minutes, "minute");
    const hours = Math.round(minutes / 60);
    if (hours < 24) return relative.format(hours, "hour");
    // Further off, count calendar days: "tomorrow" must be tomorrow's date, not just 24 hours on.
    const day = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    const now = new Date();
    return relative.format(Math.round((day(new Date(now.getTime() + ms)) - day(now)) / (24 * 60 * MINUTE)), "day");
  }

  function refreshRelative() {
    for (const el of document.querySelectorAll("[data-until]")) {
      const text = relativeText(Date.parse(el.dataset.until) - Date.now());
      el.textContent = text ? `· ${text}` : "";
    }
  }
  refreshRelative();
  setInterval(refreshRelative, 30 * 1000);

  const form = $("schedule");
  if (!form) return;
  form.hidden = false;
  const f = form.elements;
  const created = $("created");
  const schedulePart = $("schedule-part");
  const submit = form.querySelector("button[type=submit]");
  const generalError = $("schedule-error");
  const endField = $("end-field");

  // --- the time zone, said once -----------------------------------------------------------------
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    zone = "";
  }

  function offsetText(date) {
    const offset = -date.getTimezoneOffset();
    const abs = Math.abs(offset);
    const hm = `${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
    return `UTC${offset >= 0 ? "+" : "−"}${hm}`;
  }

  // --- reading the form -----------------------------------------------------------------------
  function pad(n) {
    return String(n).padStart(2, "0");
  }

  /** The start as a local Date from the date and time inputs; null when incomplete. */
  function startDate() {
    const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(f.date.value || "");
    const t = /^(\d{2}):(\d{2})/.exec(f.time.value || "");
    if (!d || !t) return null;
    const date = new Date(+d[1], +d[2] - 1, +d[3], +t[1], +t[2], 0, 0);
    return isNaN(date) ? null : date;
  }

  function customEnd() {
    return f.duration.value === "custom";
  }

  function endDate(start) {
    if (customEnd()) return Chat.fromLocalInput(f.ends_at.value);
    return start ? new Date(start.getTime() + Number(f.duration.value) * MINUTE) : null;
  }

  function setStart(date) {
    f.date.value = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
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
  function rangeFormat(start) {
    const options = { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" };
    if (start.getFullYear() !== new Date().getFullYear()) options.year = "numeric";
    return new Intl.DateTimeFormat(undefined, options);
  }

  function durationText(ms) {
    const minutes = Math.round(ms / MINUTE);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const mins = minutes % 60;
    const parts = [];
    if (days) parts.push(days === 1 ? "1 day" : `${days} days`);
    if (hours) parts.push(hours === 1 ? "1 hour" : `${hours} hours`);
    if (mins) parts.push(`${mins} min`);
    return parts.join(" ") || "0 min";
  }

  /** "Sat, Nov 21, 8:00 – 9:00 PM" in the reader's language and time zone. */
  function whenText(start, end) {
    const format = rangeFormat(start);
    if (typeof format.formatRange === "function" && end > start) return format.formatRange(start, end);
    return `${format.format(start)} – ${format.format(end)}`;
  }

  function summarise() {
    const out = $("when-summary");
    const start = startDate();
    const end = endDate(start);
    if (!start || !end) {
      out.textContent = zone ? `Times are in your time zone, ${zone}.` : "Times are in your time zone.";
      return;
    }
    const where = zone ? `${zone} (${offsetText(start)})` : offsetText(start);
    let text = `${whenText(start, end)} · ${durationText(end - start)} · ${where}`;
    if (end <= start) text = `${rangeFormat(start).format(start)}: the end must come after the start.`;
    else if (start < Date.now() && end > Date.now()) text += ". The start is already past, so the room opens at once.";
    out.textContent = text;
  }

  // Moving the start keeps a custom end the same length after it.
  let lastStart = startDate();
  function startChanged() {
    const start = startDate();
    if (customEnd() && start && lastStart) {
      const end = Chat.fromLocalInput(f.ends_at.value);
      if (end) f.ends_at.value = Chat.toLocalInput(new Date(start.getTime() + (end - lastStart)));
    }
    if (start) lastStart = start;
    clearField("starts_at");
    summarise();
  }
  f.date.addEventListener("change", startChanged);
  f.time.addEventListener("change", startChanged);
  f.date.addEventListener("input", startChanged);
  f.time.addEventListener("input", startChanged);

  let lastMinutes = Number(f.duration.value);
  f.duration.addEventListener("change", () => {
    const start = startDate();
    if (customEnd()) {
      endField.hidden = false;
      if (!f.ends_at.value && start) f.ends_at.value = Chat.toLocalInput(new Date(start.getTime() + lastMinutes * MINUTE));
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

  function showField(name, message) {
    const spec = FIELDS[name];
    Chat.say($(spec.error), message);
    for (const control of spec.controls()) control.setAttribute("aria-invalid", "true");
  }

  function clearField(name) {
    const spec = FIELDS[name];
    Chat.say($(spec.error), "");
    for (const el of form.querySelectorAll(`[aria-describedby~="${spec.error}"]`)) el.removeAttribute("aria-invalid");
  }

  function clearAll() {
    for (const name of Object.keys(FIELDS)) clearField(name);
    Chat.say(generalError, "");
  }

  f.title.addEventListener("input", () => clearField("title"));
  f.description.addEventListener("input", () => clearField("description"));

  /** Checks the browser can make before asking the server; returns {field: message}. */
  function check(title, start, end) {
    const problems = {};
    if (!title) problems.title = "Give the event a title.";
    if (!start) problems.starts_at = "Choose the start date and time.";
    if (!end) problems.ends_at = customEnd() ? "Choose when the event ends." : "Choose a duration.";
    else if (start && end <= start) problems.ends_at = "The end must come after the start.";
    else if (end <= Date.now()) problems.ends_at = "The end is already past: choose a later start or end.";
    else if (start && end - start > MAX_DAYS * 24 * 60 * MINUTE) problems.ends_at = `An event lasts at most ${MAX_DAYS} days.`;
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
      title,
      description: f.description.value,
      starts_at: Chat.toOffsetISO(start),
      ends_at: Chat.toOffsetISO(end),
      listed: f.listed.checked,
    };
    submit.disabled = true;
    submit.textContent = "Scheduling…";
    let res = null;
    try {
      res = await Chat.api("POST", "/api/events", body, null, { timeout: 20000 });
    } catch (e) {
      res = null;
    }
    submit.disabled = false;
    submit.textContent = "Schedule the event";
    if (!res) return Chat.say(generalError, "The server could not be reached. Check your connection and try again.");
    if (res.status === 201 && res.data && res.data.links && res.data.event) return showCreated(res.data);
    const message = Chat.errorMessage(res);
    const field = res.status === 400 ? Chat.fieldNamed(message, Object.keys(FIELDS)) : null;
    if (field) {
      showField(field, Chat.humaneFields(message));
      focusFirstInvalid();
    } else {
      Chat.say(generalError, Chat.humaneFields(message));
    }
  });

  // --- after scheduling: the two links --------------------------------------------------------
  function showCreated(data) {
    const ev = data.event;
    const room = new URL(data.links.room, Chat.origin()).href;
    const host = new URL(data.links.host, Chat.origin()).href;
    $("created-title").textContent = `“${ev.title}”`;
    const start = new Date(ev.starts_at);
    const end = new Date(ev.ends_at);
    $("created-when").textContent =
      `${whenText(start, end)}. ` +
      (ev.state === "open" ? "It is open now." : `It opens by itself ${relativeText(start - Date.now()) || "soon"}.`) +
      (ev.listed ? "" : " It is not listed: only people with the link can find it.");
    $("room-link").value = room;
    $("host-link").value = host;
    $("room-open").href = room;
    $("host-open").href = host;
    if (ev.listed) addToList(ev, room);
    schedulePart.hidden = true;
    created.hidden = false;
    Chat.say($("copy-status"), "");
    $("created-heading").focus();
    created.scrollIntoView({ block: "nearest", behavior: Chat.reducedMotion() ? "auto" : "smooth" });
  }

  // The lists below were rendered before this event existed: show it there at once.
  function addToList(ev, roomUrl) {
    const open = ev.state === "open";
    const panel = document.querySelector(`section[aria-labelledby="${open ? "open" : "upcoming"}-heading"]`);
    if (!panel) return;
    let list = panel.querySelector("ul.event-list");
    if (!list) {
      list = document.createElement("ul");
      list.className = "event-list";
      const empty = panel.querySelector("p.empty");
      if (empty) empty.replaceWith(list);
      else panel.appendChild(list);
    }
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.className = "event-title";
    link.href = roomUrl;
    if (open) {
      const dot = document.createElement("span");
      dot.className = "live-dot";
      dot.setAttribute("aria-hidden", "true");
      link.appendChild(dot);
    }
    link.appendChild(document.createTextNode(ev.title));
    const when = document.createElement("span");
    when.className = "event-when";
    const moment = new Date(open ? ev.ends_at : ev.starts_at);
    when.textContent = (open ? "until " : "") + Chat.formatFull(moment);
    item.append(link, when);
    list.prepend(item);
  }

  async function copy(button) {
    const input = $(button.dataset.copy);
    const what = button.dataset.copy === "host-link" ? "Host link" : "Room link";
    const ok = await Chat.copyText(input);
    if (ok) {
      button.textContent = "Copied";
      button.classList.add("copied");
      Chat.say($("copy-status"), `${what} copied to the clipboard.`);
      setTimeout(() => {
        button.textContent = "Copy";
        button.classList.remove("copied");
      }, 2000);
    } else {
      input.focus();
      input.select();
      Chat.say($("copy-status"), `${what} selected: press Ctrl+C (or ⌘C) to copy it.`);
    }
  }

  for (const button of document.querySelectorAll("button.copy")) {
    button.addEventListener("click", () => copy(button));
  }
  // A click in a link field selects all of it, ready to copy by hand.
  for (const input of [$("room-link"), $("host-link")]) {
    input.addEventListener("focus", () => input.select());
  }

  $("again").addEventListener("click", () => {
    form.reset();
    setStart(nextSlot());
    endField.hidden = true;
    lastStart = startDate();
    lastMinutes = Number(f.duration.value);
    clearAll();
    summarise();
    created.hidden = true;
    schedulePart.hidden = false;
    f.title.focus();
  });
})();
