// The start page: schedule an event, then show the room link and the host link.
"use strict";

(function () {
  const form = document.getElementById("schedule");
  if (!form) return;
  const errorEl = document.getElementById("schedule-error");
  const created = document.getElementById("created");
  const submit = form.querySelector("button[type=submit]");
  const fields = form.elements;

  // Suggest the next full hour, for one hour.
  const start = new Date();
  start.setMinutes(0, 0, 0);
  start.setHours(start.getHours() + 1);
  const end = new Date(start.getTime() + 60 * 60 * 1000);
  fields.starts_at.value = Chat.toLocalInput(start);
  fields.ends_at.value = Chat.toLocalInput(end);

  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    zone = "";
  }
  if (zone) Chat.say(document.getElementById("tz-note"), `Times are in your time zone (${zone}).`);

  // Keep the end after the start when the start moves past it.
  let lastStart = Chat.fromLocalInput(fields.starts_at.value);
  fields.starts_at.addEventListener("change", () => {
    const s = Chat.fromLocalInput(fields.starts_at.value);
    const e = Chat.fromLocalInput(fields.ends_at.value);
    if (s && e && lastStart && e > lastStart) {
      fields.ends_at.value = Chat.toLocalInput(new Date(s.getTime() + (e - lastStart)));
    } else if (s && (!e || e <= s)) {
      fields.ends_at.value = Chat.toLocalInput(new Date(s.getTime() + 60 * 60 * 1000));
    }
    lastStart = s;
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    Chat.say(errorEl, "");
    const title = fields.title.value.trim();
    const startsAt = Chat.fromLocalInput(fields.starts_at.value);
    const endsAt = Chat.fromLocalInput(fields.ends_at.value);
    if (!title) return Chat.say(errorEl, "Give the event a title.");
    if (!startsAt) return Chat.say(errorEl, "Choose when the event starts.");
    if (!endsAt) return Chat.say(errorEl, "Choose when the event ends.");
    const body = {
      title,
      description: fields.description.value,
      starts_at: Chat.toOffsetISO(startsAt),
      ends_at: Chat.toOffsetISO(endsAt),
      listed: fields.listed.checked,
    };
    submit.disabled = true;
    let res;
    try {
      res = await Chat.api("POST", "/api/events", body);
    } catch (e) {
      Chat.say(errorEl, "The server could not be reached. Check your connection and try again.");
      submit.disabled = false;
      return;
    }
    submit.disabled = false;
    if (res.status !== 201 || !res.data || !res.data.links) {
      Chat.say(errorEl, Chat.errorMessage(res));
      return;
    }
    const room = location.origin + res.data.links.room;
    const host = location.origin + res.data.links.host;
    document.getElementById("room-link").value = room;
    document.getElementById("host-link").value = host;
    document.getElementById("room-open").href = res.data.links.room;
    document.getElementById("host-open").href = res.data.links.host;
    form.hidden = true;
    created.hidden = false;
    created.scrollIntoView({ block: "start" });
    document.getElementById("host-link").focus();
  });

  for (const button of document.querySelectorAll("button.copy")) {
    button.addEventListener("click", () => Chat.copyFrom(button));
  }
})();
