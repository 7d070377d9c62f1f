// The start page after scheduling: the room link and the host link with copy buttons, and the new
// event in the lists below (they were rendered before it existed).

import { copyText, origin, reducedMotion, say } from "./dom.js";
import { localTimes, relativeHints, relativeText, whenText } from "./time.js";

const TEXT = {
  title: (title) => `“${title}”`,
  when: (when) => `${when}. `,
  openNow: "It is open now.",
  opensBy: (relative) => `It opens by itself ${relative || "soon"}.`,
  unlisted: " It is not listed: only people with the link can find it.",
  until: "until ",
  count: (n, more) => `${n}${more ? "+" : ""}`,
  hostLink: "Host link",
  roomLink: "Room link",
  copied: "Copied",
  copy: "Copy",
  copiedTo: (what) => `${what} copied to the clipboard.`,
  selected: (what) => `${what} selected: press Ctrl+C (or ⌘C) to copy it.`,
};

const $ = (id) => document.getElementById(id);

/** Show the links of the event just scheduled ({event, links} from the API) instead of the form. */
export function showCreated(data) {
  const ev = data.event;
  const room = new URL(data.links.room, origin()).href;
  const host = new URL(data.links.host, origin()).href;
  $("created-title").textContent = TEXT.title(ev.title);
  const start = new Date(ev.starts_at);
  const end = new Date(ev.ends_at);
  $("created-when").textContent =
    TEXT.when(whenText(start, end)) +
    (ev.state === "open" ? TEXT.openNow : TEXT.opensBy(relativeText(start - Date.now()))) +
    (ev.listed ? "" : TEXT.unlisted);
  $("room-link").value = room;
  $("host-link").value = host;
  $("room-open").href = room;
  $("host-open").href = host;
  if (ev.listed) addToList(ev, room);
  $("schedule-part").hidden = true;
  $("created").hidden = false;
  say($("copy-status"), "");
  $("created-heading").focus();
  $("created").scrollIntoView({ block: "nearest", behavior: reducedMotion() ? "auto" : "smooth" });
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
    when.append(TEXT.until, time);
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
  badge.textContent = TEXT.count(n, badge.textContent.trim().endsWith("+"));
}

async function copy(button) {
  const input = $(button.dataset.copy);
  const what = button.dataset.copy === "host-link" ? TEXT.hostLink : TEXT.roomLink;
  if (await copyText(input)) {
    button.textContent = TEXT.copied;
    button.classList.add("copied");
    say($("copy-status"), TEXT.copiedTo(what));
    setTimeout(() => {
      button.textContent = TEXT.copy;
      button.classList.remove("copied");
    }, 2000);
  } else {
    input.focus();
    input.select();
    say($("copy-status"), TEXT.selected(what));
  }
}

/** The copy buttons, and "Schedule another event" (again() resets the form). */
export function bindCreated(again) {
  for (const button of document.querySelectorAll("button.copy")) button.addEventListener("click", () => copy(button));
  // A click in a link field selects all of it, ready to copy by hand.
  for (const input of [$("room-link"), $("host-link")]) input.addEventListener("focus", () => input.select());
  $("again").addEventListener("click", () => {
    $("created").hidden = true;
    $("schedule-part").hidden = false;
    again();
  });
}
