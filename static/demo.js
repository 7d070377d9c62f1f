// The chat bar demo: copy the snippet, call the bar's JavaScript API, and show what it reports.
"use strict";

(function () {
  // The server leaves the snippet's script address relative (it never trusts Host): complete it here.
  const snippet = document.getElementById("snippet");
  if (snippet) snippet.value = snippet.value.replace('<script src="/', () => `<script src="${Chat.origin()}/`);
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", () => Chat.copyFrom(button));
  }

  // A pasted host link (…/e/<slug>/host#key=…) names the room too, but its key must not leave the
  // browser (into this page's address, logs and history): send only the slug.
  const pick = document.querySelector("form.pick");
  if (pick) pick.addEventListener("submit", () => {
    const room = pick.elements.room;
    room.value = roomOf(room.value);
  });

  /** The slug of a pasted room or host link (or the text itself, cut before any '#' or '?'). */
  function roomOf(text) {
    const link = text.trim().split(/#|%23|\?/i)[0];
    const match = /\/e\/([^/]+)/.exec(link);
    return match ? match[1] : link;
  }

  const log = document.getElementById("log");
  if (!log) return;

  function note(text) {
    const li = document.createElement("li");
    li.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
    log.append(li);
    log.scrollTop = log.scrollHeight;
  }

  // The widget loads async; it is there by the window's load event.
  window.addEventListener("load", () => {
    const bar = window.chatserver;
    if (!bar) return note("The chat bar did not load.");
    for (const type of ["ready", "open", "close", "unread", "message", "announcement", "state", "nickname"]) {
      bar.on(type, (detail) => note(`${type} ${JSON.stringify(detail)}`));
    }
    for (const button of document.querySelectorAll("button[data-call]")) {
      button.addEventListener("click", async () => {
        const call = button.dataset.call;
        if (call !== "setNickname") return bar[call]();
        const name = document.getElementById("api-nick").value.trim();
        if (!name) return note("Type a nickname first.");
        const result = await bar.setNickname(name);
        note(`setNickname → ${JSON.stringify(result)}`);
      });
    }
  });
})();
