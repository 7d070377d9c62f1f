// The start page after scheduling: the room link (a series: the series link, its schedule in words
// and its next dates) and the host link with copy buttons, "Add to calendar", and the new event in
// the lists below (they were rendered before it existed).

import { fillCalendarLinks } from "./calendar-links.js";
import { copyText, origin, reducedMotion, say } from "./dom.js";
import { privacyText } from "./home-privacy.js";
import { lang, t } from "./i18n.js";
import { describeRule, listDates } from "./recurrence-words.js";
import { localTimes, relativeHints, relativeText, whenText } from "./time.js";

const TEXT = {
  // Translators: the title of the event just scheduled, in the language's quotation marks.
  title: (title) => t("“{title}”", { title }),
  // Translators: {when} is the event's date and times.
  when: (when) => t("{when}.", { when }),
  openNow: t("It is open now."),
  // Translators: {relative} is how soon, such as "in 3 hours" or "tomorrow".
  opensBy: (relative) => (relative ? t("It opens by itself {relative}.", { relative }) : t("It opens by itself soon.")),
  unlisted: t("It is not listed: only people with the link can find it."),
  // Translators: an open event in the list on the start page; {time} is when it ends.
  until: t("until {time}"),
  // Translators: beside a list's heading when it holds more events than the page shows, such as "50+".
  more: (n) => t("{n}+", { n }),
  copied: t("Copied"),
  copy: t("Copy"),
  copiedTo: {
    "host-link": t("Host link copied to the clipboard."),
    "room-link": t("Room link copied to the clipboard."),
    "series-link": t("Series link copied to the clipboard."),
  },
  selected: {
    "host-link": t("Host link selected: press Ctrl+C (or ⌘C) to copy it."),
    "room-link": t("Room link selected: press Ctrl+C (or ⌘C) to copy it."),
    "series-link": t("Series link selected: press Ctrl+C (or ⌘C) to copy it."),
  },
  // Translators: a new series' schedule ("Every week on Tuesday at 10:00 (Central European Time)"), then its next dates ("Jan 5, Jan 12 and Jan 19").
  schedule: (schedule, dates) => (dates ? t("{schedule}. Next: {dates}.", { schedule, dates }) : t("{schedule}.", { schedule })),
  // Translators: {relative} is how soon, such as "in 3 hours" or "tomorrow".
  firstOpens: (relative) => (relative ? t("The first meeting opens by itself {relative}.", { relative }) : t("The first meeting opens by itself soon.")),
  seriesUnlisted: t("It is not listed: only people with the link can find its meetings."),
};

const numbers = new Intl.NumberFormat(lang);

const $ = (id) => document.getElementById(id);

/** Show the links of what was just scheduled instead of the form: {event, links} or {series, links} from the API. */
export function showCreated(data) {
  const shown = data.series ? showSeries(data.series, data.links) : showEvent(data.event, data.links);
  const host = new URL(data.links.host, origin()).href;
  $("host-link").value = host;
  $("host-open").href = host;
  for (const el of document.querySelectorAll("#created [data-for]")) el.hidden = el.dataset.for !== (data.series ? "series" : "event");
  $("series-link-box").hidden = !data.series;
  $("room-link-box").hidden = !!data.series;
  $("created-series-calendar").hidden = !data.series;
  $("created-calendar").hidden = !!data.series;
  const ev = shown.event;
  if (ev && ev.listed) addToList(ev, new URL("/e/" + encodeURIComponent(ev.slug), origin()).href);
  $("schedule-part").hidden = true;
  $("created").hidden = false;
  say($("copy-status"), "");
  $("created-heading").focus();
  $("created").scrollIntoView({ block: "nearest", behavior: reducedMotion() ? "auto" : "smooth" });
}

function showEvent(ev, links) {
  const room = new URL(links.room, origin()).href;
  $("created-title").textContent = TEXT.title(ev.title);
  const start = new Date(ev.starts_at);
  const end = new Date(ev.ends_at);
  const sentences = [TEXT.when(whenText(start, end)), ev.state === "open" ? TEXT.openNow : TEXT.opensBy(relativeText(start - Date.now()))];
  if (!ev.listed) sentences.push(TEXT.unlisted);
  $("created-when").textContent = sentences.join(" ");
  say($("created-privacy"), privacyText(ev));
  $("room-link").value = room;
  $("room-open").href = room;
  fillCalendarLinks($("created-calendar"), ev);
  return { event: ev };
}

/** A series: its schedule in words and its next dates, its one link, and its calendar feed (a file, or a subscription). */
function showSeries(series, links) {
  const link = new URL(links.series, origin()).href;
  $("created-title").textContent = TEXT.title(series.title);
  const upcoming = (series.upcoming || []).map((o) => o.starts_at);
  const dates = upcoming.length ? listDates(upcoming, series.time_zone) : "";
  const sentences = [TEXT.schedule(describeRule(series.rrule, series.time_zone, series.starts_at), dates)];
  const first = series.current;
  if (first) sentences.push(first.state === "open" ? TEXT.openNow : TEXT.firstOpens(relativeText(new Date(first.starts_at) - Date.now())));
  if (!series.listed) sentences.push(TEXT.seriesUnlisted);
  $("created-when").textContent = sentences.join(" ");
  say($("created-privacy"), privacyText(series, true));
  $("series-link").value = link;
  $("series-open").href = link;
  const feed = new URL(links.calendar, origin());
  $("series-ics").href = links.calendar;
  // The same feed for a calendar app to follow: webcal:// is how a link says "subscribe" (over http or https).
  $("series-subscribe").href = "webcal://" + feed.host + feed.pathname + feed.search; // i18n: a URL scheme
  return { event: first };
}

/** The new event in its list, as the server renders the others: soonest first, local times, the count. */
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
  // Open events show when they close; upcoming ones when they start, and how soon.
  const at = open ? ev.ends_at : ev.starts_at;
  const time = document.createElement("time");
  time.setAttribute("datetime", at);
  time.dataset.local = open ? "auto" : "datetime";
  const when = document.createElement("span");
  when.className = "event-when";
  if (open) {
    // The time element where the sentence has its placeholder.
    const [before, after] = TEXT.until.split("{time}");
    when.append(before, time, after || "");
  } else {
    const relative = document.createElement("span");
    relative.className = "relative";
    relative.dataset.until = at;
    when.append(time, " ", relative);
  }
  item.append(link, when);
  localTimes(item);
  relativeHints(item);
  const later = [...list.children].find((li) => {
    const t = li.querySelector("time[datetime]");
    return t && Date.parse(t.getAttribute("datetime")) > Date.parse(at);
  });
  list.insertBefore(item, later || null);
  count(panel.querySelector("h2"), list.children.length);
}

/** The count beside a list's heading; a "+" (more than the page shows) stays. */
function count(heading, n) {
  if (!heading) return;
  let badge = heading.querySelector(".count");
  if (!badge) {
    badge = document.createElement("span");
    badge.className = "count";
    heading.append(" ", badge);
  }
  badge.textContent = badge.textContent.trim().endsWith("+") ? TEXT.more(n) : numbers.format(n);
}

async function copy(button) {
  const input = $(button.dataset.copy);
  const which = Object.hasOwn(TEXT.copiedTo, button.dataset.copy) ? button.dataset.copy : "room-link";
  if (await copyText(input)) {
    button.textContent = TEXT.copied;
    button.classList.add("copied");
    say($("copy-status"), TEXT.copiedTo[which]);
    setTimeout(() => {
      button.textContent = TEXT.copy;
      button.classList.remove("copied");
    }, 2000);
  } else {
    input.focus();
    input.select();
    say($("copy-status"), TEXT.selected[which]);
  }
}

/** The copy buttons, and "Schedule another event" (again() resets the form). */
export function bindCreated(again) {
  for (const button of document.querySelectorAll("button.copy")) button.addEventListener("click", () => copy(button));
  // A click in a link field selects all of it, ready to copy by hand.
  for (const input of [$("room-link"), $("series-link"), $("host-link")]) input.addEventListener("focus", () => input.select());
  $("again").addEventListener("click", () => {
    $("created").hidden = true;
    $("schedule-part").hidden = false;
    again();
  });
}
