// The review queue: messages the host's word filter held. Only their authors and the hosts see
// them; the host or a moderator approves one (it joins the chat as its author's message) or rejects
// it (its text and files are erased). The console loads the queue with the people list, and after
// each decision. A held message's files show under its text, as they will in the chat.

import { errorCode, errorMessage } from "./api.js";
import { say } from "./dom.js";
import { drawFiles, forgetFiles } from "./file-view.js";
import { hostCall, readKey } from "./host-call.js";
import { t, tn } from "./i18n.js";
import { formatFull, formatTime } from "./time.js";
import { oneAtATime } from "./util.js";

const TEXT = {
  // Translators: beside the heading "Review queue": how many held messages wait for a decision.
  waiting: (n) => tn("{n} waiting", "{n} waiting", n),
  // Translators: a button beside a held message: it goes into the chat.
  approve: t("Approve"),
  approveLabel: (nickname) => t("Approve the message from {nickname}", { nickname }),
  // Translators: a button beside a held message: nobody else ever sees it, and its text is erased.
  reject: t("Reject"),
  rejectLabel: (nickname) => t("Reject the message from {nickname}", { nickname }),
  approved: (nickname) => t("The message from {nickname} is in the chat now.", { nickname }),
  rejected: (nickname) => t("The message from {nickname} was rejected: nobody else will see it.", { nickname }),
  decided: t("Someone else has already approved or rejected this message."),
  failed: t("The review queue could not be loaded; it is tried again soon."),
};

export class ReviewQueue {
  /** path: the event's API path; host: state(); changed() after a decision, here or in another
   *  console (the activity log). */
  constructor(path, host, changed) {
    const $ = (id) => document.getElementById(id);
    Object.assign(this, { path, host, changed, $ });
    this.list = $("held");
    this.count = $("held-count");
    this.empty = $("held-empty");
    this.status = $("held-status");
    this.none = this.empty.textContent; // "Nothing is waiting for review."
    this.shown = null; // the ids on screen, as "1,4,7": nothing is redrawn while the queue stays the same
    // Load the queue; a load asked for while one is under way runs once more after it.
    this.load = oneAtATime(() => this.fetch());
  }

  async fetch() {
    const res = await hostCall("GET", this.path + "/held");
    if (res.status === 200 && res.data && Array.isArray(res.data.held)) {
      this.render(res.data.held.filter((h) => h && typeof h.id === "number" && h.status === "held"));
    } else if (this.shown === null && (res.status !== 403 || res.keyWorks)) {
      say(this.empty, TEXT.failed);
    }
  }

  render(held) {
    const ids = held.map((h) => h.id).join(",");
    if (ids !== this.shown) {
      // Gone from the queue since the last look: another console decided; its line is in the log now.
      const before = this.shown === null ? [] : this.shown.split(",");
      if (before.some((id) => id && !ids.split(",").includes(id))) this.changed();
      // Keep the focus on a row that stays (a decision in another console redraws the list).
      const focused = this.list.contains(document.activeElement) ? document.activeElement : null;
      const keep = focused ? `[data-held="${focused.closest("li").dataset.held}"] button.${focused.dataset.action}` : null;
      forgetFiles(this.list); // the rows' files, fetched with the key, are let go before new ones come
      this.list.replaceChildren(...held.map((h) => this.row(h)));
      this.shown = ids;
      const again = keep ? this.list.querySelector(keep) : null;
      if (again) again.focus();
      else if (focused) this.$("review-heading").focus();
    }
    this.counted(held.length);
  }

  /** The count beside the heading (a live region: a new arrival is read out) and the empty state. */
  counted(n) {
    const text = n ? TEXT.waiting(n) : "";
    if (this.count.textContent !== text) this.count.textContent = text;
    this.empty.hidden = n > 0;
    if (!n) this.empty.textContent = this.none;
  }

  row(h) {
    const nickname = typeof h.author === "string" ? h.author : "";
    const li = document.createElement("li");
    li.className = "held-item";
    li.dataset.held = String(h.id);
    const meta = document.createElement("div");
    meta.className = "held-meta";
    const who = document.createElement("bdi");
    who.className = "nick";
    who.textContent = nickname;
    meta.append(who);
    const at = new Date(h.created_at);
    if (!isNaN(at)) {
      const time = document.createElement("time");
      time.setAttribute("datetime", h.created_at);
      time.textContent = formatTime(at);
      time.title = formatFull(at);
      meta.append(" ", time);
    }
    const body = document.createElement("p");
    body.className = "held-body";
    body.dir = "auto";
    body.textContent = String(h.body || "");
    const actions = document.createElement("div");
    actions.className = "held-actions";
    const closed = this.host.state() === "closed";
    const approve = this.button("approve", TEXT.approve, TEXT.approveLabel(nickname), () => this.decide(h, nickname, true, li));
    approve.disabled = closed; // nothing can be posted any more; a rejection still erases the text
    const reject = this.button("reject", TEXT.reject, TEXT.rejectLabel(nickname), () => this.decide(h, nickname, false, li));
    actions.append(approve, reject);
    // Its files, fetched with the key: a picture can be what the filter caught, or what to judge by.
    const files = drawFiles(h.files, readKey);
    li.append(...[meta, body, files, actions].filter(Boolean));
    return li;
  }

  button(action, text, label, onClick) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = action === "approve" ? "approve" : "small-button " + action;
    button.dataset.action = action;
    button.textContent = text;
    button.setAttribute("aria-label", label);
    button.addEventListener("click", onClick);
    return button;
  }

  async decide(h, nickname, approve, li) {
    const buttons = li.querySelectorAll("button");
    for (const b of buttons) b.disabled = true;
    say(this.status, "");
    const path = `${this.path}/held/${h.id}`;
    const res = approve ? await hostCall("POST", path + "/approve") : await hostCall("DELETE", path);
    if (res.status === 200 || res.status === 404) {
      // Gone from the queue either way (404: another console decided first).
      const next = li.nextElementSibling || li.previousElementSibling;
      const action = approve ? "approve" : "reject";
      li.remove();
      this.shown = Array.from(this.list.children, (el) => el.dataset.held).join(",");
      this.counted(this.list.children.length);
      say(this.status, res.status === 404 ? TEXT.decided : approve ? TEXT.approved(nickname) : TEXT.rejected(nickname), res.status === 200 ? "ok" : null);
      const focus = next && next.querySelector(`button.${action}:not(:disabled)`);
      (focus || this.$("review-heading")).focus();
      this.changed();
    } else {
      for (const b of buttons) b.disabled = b.dataset.action === "approve" && this.host.state() === "closed";
      if ((res.status !== 403 || res.keyWorks) && errorCode(res) !== "event_closed") say(this.status, errorMessage(res), "error");
    }
    this.load();
  }

  /** The event closed: a held message can no longer go into the chat (it can still be rejected). */
  closed() {
    for (const b of this.list.querySelectorAll("button.approve")) b.disabled = true;
  }
}
