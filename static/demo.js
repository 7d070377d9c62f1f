// The chat bar demo: copy the snippet, call the bar's JavaScript API, and show what it reports.

import { copyFrom, origin } from "./dom.js";
import { lang, t } from "./i18n.js";

const TEXT = {
  noBar: t("The chat bar did not load."),
  nickFirst: t("Type a nickname first."),
  jwtFirst: t("Paste a JWT signed by your server first."),
};

const EVENTS = ["ready", "open", "close", "unread", "message", "announcement", "state", "nickname"];

// The server leaves the snippet's script address relative (it never trusts Host): complete it here.
const snippet = document.getElementById("snippet");
if (snippet) snippet.value = snippet.value.replace('<script src="/', () => `<script src="${origin()}/`);
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.addEventListener("click", () => copyFrom(button));
}

/** The slug of a pasted room or host link (or the text itself, cut before any '#' or '?'). */
function roomOf(text) {
  const link = text.trim().split(/#|%23|\?/i)[0];
  const match = /\/e\/([^/]+)/.exec(link);
  return match ? match[1] : link;
}

// A pasted host link (…/e/<slug>/host#key=…) names the room too, but its key must not leave the
// browser (into this page's address, logs and history): send only the slug.
const pick = document.querySelector("form.pick");
if (pick) pick.addEventListener("submit", () => {
  const room = pick.elements.room;
  room.value = roomOf(room.value);
});

const log = document.getElementById("log");
if (log) listen(log);

// The bar (and its announcement banner) floats over the page's bottom corner: the page keeps room
// for it, below its end (as tall as the bar is now) and, on a wide screen, beside it (demo.css).
function makeRoom() {
  const bar = document.querySelector("chatserver-bar");
  if (!bar || typeof ResizeObserver !== "function") return;
  const html = document.documentElement;
  html.dataset.barSide = bar.dataset.side || "right";
  new ResizeObserver(() => {
    html.style.setProperty("--bar-height", `${Math.ceil(bar.getBoundingClientRect().height)}px`);
  }).observe(bar);
}
window.addEventListener("load", makeRoom);

function listen(log) {
  function note(text) {
    const li = document.createElement("li");
    // The time, then what the bar reported (its event names and data, as the API gives them).
    li.textContent = `${new Date().toLocaleTimeString(lang)}  ${text}`;
    log.append(li);
    log.scrollTop = log.scrollHeight;
  }

  // The widget loads async; it is there by the window's load event.
  window.addEventListener("load", () => {
    const bar = window.chatserver;
    if (!bar) return note(TEXT.noBar);
    for (const type of EVENTS) bar.on(type, (detail) => note(`${type} ${JSON.stringify(detail)}`));
    for (const button of document.querySelectorAll("button[data-call]")) {
      button.addEventListener("click", async () => {
        const call = button.dataset.call;
        if (call !== "setNickname" && call !== "identify") return bar[call]();
        // The nickname, or a JWT (docs/embed.md: "Your users, signed by your server").
        const value = document.getElementById(call === "identify" ? "api-jwt" : "api-nick").value.trim();
        if (!value) return note(call === "identify" ? TEXT.jwtFirst : TEXT.nickFirst);
        const result = await bar[call](value);
        note(`${call} → ${JSON.stringify(result)}`);
      });
    }
  });
}
