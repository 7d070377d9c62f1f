// The start page after scheduling: the room link and the host link with copy buttons, and the new
// event in the lists below (they were rendered before it existed).

import { copyText, origin, reducedMotion, say } from "./dom.js";
import { formatFull, relativeText, whenText } from "./time.js";

const TEXT = {
  title: (title) => `“${title}”`,
  when: (when) => `${when}. `,
  openNow: "It is open now.",
  opensBy: (relative) => `It opens by itself ${relative || "soon"}.`,
  unlisted: " It is not listed: only people with the link can find it.",
  until: "until ",
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
  when.textContent = (open ? TEXT.until : "") + formatFull(new Date(open ? ev.ends_at : ev.starts_at));
  item.append(link, when);
  list.prepend(item);
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
