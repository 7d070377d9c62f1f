// The outbox on screen: messages not yet accepted by the server, below the conversation in the
// order written, each saying why it waits, or that it was not sent (with the reason, Retry and
// Discard). A reply shows the quote of what it answers, as it will once sent (reply-quote.js).

import { t } from "./i18n.js";
import { authorFor, avatarFor } from "./items.js";
import { renderMarkdown } from "./markdown.js";
import { drawQuote, quoteButton } from "./reply-quote.js";

const TEXT = {
  // Translators: the author of a message still being sent, before the reader has a nickname.
  you: t("You"),
  notSent: t("Not sent"),
  retry: t("Retry"),
  discard: t("Discard"),
  sending: t("Sending…"),
  offline: t("Waiting for the network…"),
  network: t("Waiting for the server…"),
  rate: t("Waiting a moment (sending too fast)…"),
  // Translators: a message waiting its turn in a room's slow mode (one message every so many seconds).
  slow: t("Waiting for slow mode…"),
  // Translators: a message the host's word filter held; it is shown only to its author and the hosts.
  held: t("Held for review: only you and the hosts can see it."),
  nickname: t("Waiting for a nickname…"),
  not_open: t("Waiting for the chat to open…"),
};

const WAITS = ["sending", "offline", "network", "rate", "slow", "nickname", "not_open"];

function button(action, text, className) {
  const el = document.createElement("button");
  el.type = "button";
  el.className = className;
  el.dataset.action = action;
  el.textContent = text;
  return el;
}

export class Outgoing {
  /**
   * list: the room's ItemList (its <ol> holds these too); outbox: what to retry and discard;
   * me() → the reader or null; away(li) — where the focus goes when the last button goes away.
   */
  constructor(list, outbox, me, away) {
    Object.assign(this, { list, outbox, me, away });
    this.ol = list.ol;
    this.why = null; // why sending waits: "offline", "network", "rate", "slow", "nickname", "not_open"
    this.ol.addEventListener("click", (ev) => this.clicked(ev));
    window.addEventListener("offline", () => this.waiting("offline"));
  }

  shown() {
    return Array.from(this.ol.querySelectorAll(":scope > li.outgoing"));
  }

  /** Why sending is paused (null: it is not); every waiting message says so. */
  waiting(why) {
    this.why = why;
    for (const li of this.shown()) this.describe(li);
  }

  describe(li) {
    const failed = li.classList.contains("failed");
    if (li.classList.contains("held")) {
      li.querySelector(".send-state").textContent = TEXT.held;
      return;
    }
    const why = li.classList.contains("sending") ? "sending" : this.why || (navigator.onLine === false ? "offline" : "sending");
    li.querySelector(".send-state").textContent = failed ? TEXT.notSent : TEXT[WAITS.includes(why) ? why : "sending"];
  }

  build(entry) {
    const me = this.me();
    const li = document.createElement("li");
    li.className = "item message mine outgoing"; // i18n: class names
    li.dataset.clientId = entry.clientId;
    const nickname = me ? me.nickname : TEXT.you;
    li.dataset.author = me ? "p" + me.id : "me";
    li.dataset.at = String(Math.floor(entry.seq));
    const meta = document.createElement("div");
    meta.className = "meta";
    const sendState = document.createElement("span");
    sendState.className = "send-state";
    meta.append(authorFor(nickname), sendState);
    const body = document.createElement("div");
    body.className = "body";
    renderMarkdown(body, entry.body);
    const failure = document.createElement("div");
    failure.className = "send-failure";
    const why = document.createElement("span");
    why.className = "reason";
    const actions = document.createElement("span");
    actions.className = "actions";
    actions.append(button("retry", TEXT.retry, "small-button"), button("discard", TEXT.discard, "small-button danger-button")); // i18n: class names
    failure.append(why, actions);
    li.append(avatarFor(nickname), meta, body, failure);
    if (entry.reply && typeof entry.reply.id === "number") {
      const quote = quoteButton(entry.reply.id); // a click shows the original (item-changes.js)
      drawQuote(quote, { author: entry.reply.author, body: entry.reply.preview, kind: "message" }, "");
      meta.after(quote);
    }
    return li;
  }

  /** Show the outbox under the conversation: pending (with why it waits) or failed (with why). */
  render(entries, sendingId) {
    const stick = this.list.nearBottom();
    const shown = new Map(this.shown().map((li) => [li.dataset.clientId, li]));
    const wanted = [];
    for (const entry of entries) {
      let li = shown.get(entry.clientId);
      shown.delete(entry.clientId);
      if (!li) li = this.build(entry);
      const failed = entry.status === "failed";
      li.classList.toggle("failed", failed);
      li.classList.toggle("held", entry.status === "held");
      li.classList.toggle("pending", !failed && entry.status !== "held");
      li.classList.toggle("sending", !failed && entry.clientId === sendingId);
      li.querySelector(".send-failure").hidden = !failed;
      li.querySelector(".reason").textContent = failed && entry.error ? entry.error.message : "";
      this.describe(li);
      wanted.push(li);
    }
    for (const li of shown.values()) li.remove();
    // In the order written, below every item from the server.
    const current = this.shown();
    const ol = this.ol;
    if (wanted.some((li, i) => current[i] !== li) || ol.lastElementChild !== (wanted[wanted.length - 1] || ol.lastElementChild)) {
      for (const li of wanted) ol.append(li);
    }
    for (const li of wanted) {
      this.list.regroup(li);
      if (li.classList.contains("failed")) li.classList.remove("cont"); // each refusal stands on its own
    }
    if (stick) this.list.scrollToBottom(false);
  }

  clicked(ev) {
    const target = ev.target.closest("li.outgoing button[data-action]"); // i18n: a selector
    if (!target) return;
    const li = target.closest("li.outgoing");
    if (target.dataset.action === "retry") {
      this.outbox.retry(li.dataset.clientId);
    } else {
      // The next message (or the composer) takes the focus the removed button had.
      const next = li.nextElementSibling && li.nextElementSibling.querySelector("button[data-action]");
      this.outbox.discard(li.dataset.clientId);
      if (next) next.focus();
      else this.away();
    }
  }
}
