// "Add to calendar": the event's .ics download (GET /e/<slug>.ics) and links that open Google
// Calendar or Outlook on the web with the event filled in. Used by the room and the home page.

import { origin } from "./dom.js";

const GOOGLE = "https://calendar.google.com/calendar/render"; // i18n: an address
const OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose"; // i18n: an address

/** 20261203T100000Z: the compact UTC form of Google Calendar's `dates`. */
function compact(iso) {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, ""); // i18n: a time format
}

/** The links' addresses for {slug, title, description, starts_at, ends_at}, every value URL-encoded. */
export function calendarLinks(ev) {
  const path = "/e/" + encodeURIComponent(ev.slug);
  const room = new URL(path, origin()).href;
  // The room's link in the event's text, as the .ics file has it.
  const details = ev.description ? ev.description + "\n\n" + room : room;
  const google = new URL(GOOGLE);
  google.search = new URLSearchParams({
    action: "TEMPLATE",
    text: ev.title,
    dates: compact(ev.starts_at) + "/" + compact(ev.ends_at),
    details,
  }).toString();
  const outlook = new URL(OUTLOOK);
  outlook.search = new URLSearchParams({
    subject: ev.title,
    startdt: new Date(ev.starts_at).toISOString(),
    enddt: new Date(ev.ends_at).toISOString(),
    body: details,
  }).toString();
  return { ics: path + ".ics", google: google.href, outlook: outlook.href };
}

/** Point a box's links (a[data-calendar="ics|google|outlook"]) at the event, and show them. */
export function fillCalendarLinks(box, ev) {
  if (!box) return;
  const links = calendarLinks(ev);
  for (const a of box.querySelectorAll("a[data-calendar]")) if (links[a.dataset.calendar]) a.href = links[a.dataset.calendar];
  for (const el of box.querySelectorAll("[data-needs-script]")) el.hidden = false;
}

/** The room's box, from the page's details, kept current as the host edits them ("room:details"). */
export function roomCalendarLinks(root) {
  const box = root.querySelector(".add-to-calendar");
  if (!box) return;
  const fill = () => {
    const h1 = root.querySelector(".event-head h1");
    const description = root.querySelector(".event-head .description");
    fillCalendarLinks(box, {
      slug: root.dataset.slug,
      title: h1 ? h1.textContent : "",
      description: description && !description.hidden ? description.dataset.text ?? description.textContent : "",
      starts_at: root.dataset.startsAt,
      ends_at: root.dataset.endsAt,
    });
  };
  fill();
  root.addEventListener("room:details", fill);
}
