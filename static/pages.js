// The transcript and the archive: both work without JavaScript (times in UTC); this adds local
// dates, day dividers, messages in their Markdown (markdown.js: links, code, quotes…), date tiles,
// a Delete button on the reader's own messages (transcript-redact.js) and the image viewer
// (transcript-files.js). Text is only ever set as text.

import { lang, t } from "./i18n.js";
import { systemText } from "./items.js";
import { linkify } from "./links.js";
import { renderMarkdown } from "./markdown.js";
import { zoneName } from "./time.js";
import { imageViewer } from "./transcript-files.js";
import { ownMessages } from "./transcript-redact.js";
import { editedTimes } from "./transcript-marks.js";
import { pageSearch } from "./page-search.js";

const TEXT = {
  // Translators: after "Times are shown in your time zone" at the end of a transcript; {zone} is its name, such as Europe/Berlin.
  zone: (zone) => (zone ? " " + t("({zone})", { zone }) : ""),
};

const dayFormat = new Intl.DateTimeFormat(lang, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
const monthFormat = new Intl.DateTimeFormat(lang, { month: "short" });
// The tile's day and year as plain numbers, in the language's digits.
const plainNumber = new Intl.NumberFormat(lang, { useGrouping: false });

// --- the transcript ---------------------------------------------------------------------------
function transcript(log) {
  log.classList.add("enhanced");
  let lastDay = null;
  for (const li of Array.from(log.children)) {
    const time = li.querySelector("time[datetime]");
    const date = time ? new Date(time.getAttribute("datetime")) : null;
    if (date && !isNaN(date)) {
      const day = date.toDateString();
      if (day !== lastDay) {
        // A day divider: the times beside the items show only the hour.
        const divider = document.createElement("li");
        divider.className = "day";
        divider.setAttribute("role", "presentation");
        const label = document.createElement("span");
        label.textContent = dayFormat.format(date);
        divider.append(label);
        log.insertBefore(divider, li);
        lastDay = day;
        li.classList.remove("cont"); // a new day starts a new run
      }
    }
    const body = li.querySelector(".body");
    if (body && li.classList.contains("system")) systemText(body, { body: body.textContent, code: li.dataset.code });
    else if (body) renderMarkdown(body, body.textContent); // messages and announcements, as in the room
  }

  for (const el of document.querySelectorAll(".log-end .zone")) el.textContent = TEXT.zone(zoneName());
  ownMessages(log); // the reader's own messages: a Delete button each
  imageViewer(log); // images open in the viewer
  editedTimes(log); // "(edited)": when, in the reader's zone
  followAnchor(log);
  window.addEventListener("hashchange", () => followAnchor(log));
}

/** A link to #m<id> that lies on a later page of the transcript opens that page. */
function followAnchor(log) {
  const m = /^#m(\d+)$/.exec(location.hash);
  if (!m || document.getElementById("m" + m[1])) return;
  const next = document.querySelector(".pager a[rel=next]");
  const ids = Array.from(log.querySelectorAll("li[id^=m]"), (li) => Number(li.id.slice(1)));
  const wanted = Number(m[1]);
  if (next && ids.length && wanted > Math.max(...ids)) {
    const url = new URL(location.href);
    url.searchParams.set("after", String(wanted - 1));
    url.hash = "m" + wanted;
    location.replace(url.href);
  }
}

// --- the archive ----------------------------------------------------------------------------
function tiles() {
  const thisYear = new Date().getFullYear();
  for (const el of document.querySelectorAll("time[data-tile]")) {
    const date = new Date(el.getAttribute("datetime"));
    if (isNaN(date)) continue;
    const month = document.createElement("span");
    month.className = "tile-month";
    month.textContent = monthFormat.format(date);
    const day = document.createElement("span");
    day.className = "tile-day";
    day.textContent = plainNumber.format(date.getDate());
    el.replaceChildren(month, day);
    if (date.getFullYear() !== thisYear) {
      const year = document.createElement("span");
      year.className = "tile-year";
      year.textContent = plainNumber.format(date.getFullYear());
      el.append(year);
    }
  }
}

const log = document.querySelector("ol.log");
if (log) transcript(log);
const description = document.querySelector(".transcript-page .description");
if (description) linkify(description, description.textContent); // the event's description: its addresses as links
tiles();
pageSearch(); // the transcript's and the archive's search boxes, as one types
