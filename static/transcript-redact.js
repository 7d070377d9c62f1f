// The transcript page: a reader whose browser still keeps a participant token for the event (the
// room page's, identity.js, or a chat bar's on some site) may delete their own messages from it.
// Each of those gets a Delete button; after a confirmation the server erases the text
// (POST /api/events/<slug>/redactions, with that message's author's token) and the line says so.

import { TEXT as API_TEXT, errorCode, errorMessage, eventPath, fetchJson } from "./api.js";
import { confirmAction } from "./dialog.js";
import { say } from "./dom.js";
import { t } from "./i18n.js";

const TEXT = {
  // Translators: a button beside one of the reader's own messages in a transcript.
  delete: t("Delete"),
  // Translators: the name of the Delete button for screen readers; {time} is when the message was sent.
  deleteOne: (time) => t("Delete your message from {time}", { time }),
  deleteTitle: t("Delete your message?"),
  deleteText: t("Its text is erased for everyone, on this page and in the downloads. This cannot be undone."),
  deleting: t("Deleting…"),
  // Translators: in a transcript, in place of a message its author deleted.
  deleted: t("Deleted by its author"),
  done: t("Your message was deleted."),
  // Translators: the server no longer knows the participant token this browser kept for the event.
  lost: t("This browser is no longer known as the author of these messages, so it cannot delete them."),
};

const SAID_MS = 8000; // how long "deleted" stays said
let clearing = null;

const PREFIX = "chatserver.participant.";

/** {participant id → token} of every identity this browser keeps for the event: the room page's
 *  ("chatserver.participant.<slug>") and each chat bar's ("….<slug>.in.<origin>"). */
function identities(slug) {
  const found = new Map();
  const own = PREFIX + slug;
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key !== own && !(key && key.startsWith(own + ".in."))) continue;
      let me = null;
      try {
        me = JSON.parse(localStorage.getItem(key) || "null");
      } catch (e) {
        me = null;
      }
      if (me && typeof me.id === "number" && typeof me.token === "string") found.set(me.id, me.token);
    }
  } catch (e) {
    // no storage here (blocked, a private mode): no token, so no button
  }
  return found;
}

/** Ask, erase, and say so in place of the text. */
async function redact(slug, li, button, token, status) {
  if (!(await confirmAction(TEXT.deleteTitle, TEXT.deleteText, TEXT.delete))) {
    button.focus();
    return;
  }
  say(status, "");
  button.disabled = true;
  button.textContent = TEXT.deleting;
  let res = null;
  try {
    res = await fetchJson("POST", eventPath(slug, "/redactions"), { body: { id: Number(li.id.slice(1)) }, token, timeout: 15000 });
  } catch (e) {
    res = null;
  }
  if (res && res.status === 200) {
    const body = li.querySelector(".body");
    body.textContent = TEXT.deleted;
    body.removeAttribute("dir");
    li.classList.add("retracted");
    li.setAttribute("tabindex", "-1");
    button.closest(".own-actions").remove();
    li.focus();
    say(status, TEXT.done);
    clearTimeout(clearing);
    clearing = setTimeout(() => {
      if (status.textContent === TEXT.done) say(status, "");
    }, SAID_MS);
    return;
  }
  clearTimeout(clearing);
  if (errorCode(res) === "unauthorized") {
    // The token is gone from the server (an erased or reset event): none of its buttons can work.
    for (const other of document.querySelectorAll(`.own-actions[data-author="${li.dataset.participant}"]`)) other.remove();
    li.setAttribute("tabindex", "-1");
    li.focus();
    say(status, TEXT.lost, "error");
    return;
  }
  button.disabled = false;
  button.textContent = TEXT.delete;
  say(status, res ? errorMessage(res) : API_TEXT.unreachable, "error");
}

/** A Delete button on each of the reader's own messages in the log. */
export function ownMessages(log) {
  const page = log.closest("[data-slug]");
  const status = document.getElementById("redact-status");
  if (!page || !status || !document.getElementById("confirm")) return;
  const slug = page.dataset.slug;
  const mine = identities(slug);
  if (!mine.size) return;
  for (const li of log.querySelectorAll("li.message[data-participant]")) {
    const token = mine.get(Number(li.dataset.participant));
    if (!token) continue;
    li.classList.add("mine");
    const time = li.querySelector("time");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "redact";
    button.textContent = TEXT.delete;
    button.setAttribute("aria-label", TEXT.deleteOne(time ? time.textContent.trim() : ""));
    button.addEventListener("click", () => redact(slug, li, button, token, status));
    const actions = document.createElement("div");
    actions.className = "own-actions";
    actions.dataset.author = li.dataset.participant;
    actions.append(button);
    li.querySelector(".body").after(actions);
  }
}
