// One conversation of the console's inbox: the participant's lines and the hosts' (who of the hosts
// wrote each), a private reply box (Enter sends, Shift+Enter starts a new line, a client_id makes a
// retry safe) with files as the console's post box has them (attach-sources.js, uploaded with the
// key; a reply's files are its conversation's: another one opened, the tray is emptied), Mark
// done / Reopen, and "Answer publicly…", which quotes their question, without their name, in the
// console's public post box. Open and in view, the conversation is marked read
// up to its newest line for every host and moderator (only ever forward).

import { errorCode, errorMessage } from "./api.js";
import { composeFiles } from "./attach-sources.js";
import { callLine } from "./call-line.js";
import { appendSentence, say } from "./dom.js";
import { drawFiles, forgetFiles } from "./file-view.js";
import { previewCard } from "./link-preview.js";
import { hostCall, readKey } from "./host-call.js";
import { isDone, newestLine, quoteOf } from "./host-inbox-model.js";
import { t } from "./i18n.js";
import { authorFor, roleBadge } from "./items.js";
import { renderMarkdown } from "./markdown.js";
import { verifiedMark as peopleMark } from "./people.js";
import { privateBadge } from "./private-mark.js";
import { localTimes } from "./time.js";
import { randomId } from "./util.js";

const TEXT = {
  // Translators: the label of the reply box in a conversation of the inbox; {name} is the participant's.
  replyTo: t("Reply privately to {name}"),
  // Translators: a button in a conversation of the inbox: it moves to the collapsed Done group.
  markDone: t("Mark done"),
  // Translators: a button in a conversation of the inbox marked done: it goes back among the open ones.
  reopen: t("Reopen"),
  reopened: t("The conversation is open again."),
  removed: t("This message was removed."),
  needBody: t("Write the message first."),
  notUploaded: t("The files are not uploaded yet: wait for the network, then send again."),
  tooLate: t("The event is closed: nobody can post any more."),
  nothingToQuote: t("They have not asked anything yet."),
  quoted: t("Their question is in the message box under the chat, without their name: finish your answer and send it."),
  verifiedTitle: t("Verified: signed in through your site."),
};

/** The check mark after a verified participant's name, as the hosts read it. */
export function verifiedMark() {
  return peopleMark(TEXT.verifiedTitle);
}

export class ThreadView {
  /** inbox: the list (thread(pid), nameOf(pid), verified(pid), add(items), back(pid, done));
   *  path: the event's API path; host: state(), name(), answer(text). */
  constructor(inbox, path, host) {
    const $ = (id) => document.getElementById(id);
    Object.assign(this, { inbox, path, host, $ });
    this.root = $("thread");
    this.ol = $("thread-lines");
    this.input = $("thread-body");
    this.form = $("thread-reply");
    this.status = $("thread-status");
    this.doneButton = $("thread-done");
    this.pid = null; // the conversation shown
    this.shown = ""; // what its lines were drawn from: nothing is redrawn while they stay the same
    this.asked = new Map(); // pid -> the read mark asked for last (not asked again meanwhile)
    this.drafts = new Map(); // pid -> a reply not sent yet
    this.clientId = null; // the same while the same reply is retried: it is never posted twice
    this.filesFor = null; // the conversation the files in the tray were attached in
    const box = { els: { form: this.form, input: this.input }, error: (text) => say(this.status, text, "error"), usable: () => host.state() !== "closed", useFiles() {} };
    this.files = composeFiles(box, { slug: this.root.closest("[data-slug]").dataset.slug, token: readKey, area: this.root });
    $("thread-back").addEventListener("click", () => this.inbox.back(this.pid, false));
    this.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.send();
    });
    this.input.addEventListener("input", () => {
      this.clientId = null; // another message now
      say(this.status, "");
    });
    // Enter sends, as in the room; Shift+Enter starts a new line (and Enter while composing with an IME does not send).
    this.input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
        ev.preventDefault();
        this.form.requestSubmit();
      }
    });
    this.doneButton.addEventListener("click", () => this.toggleDone());
    $("thread-public").addEventListener("click", () => this.answerPublicly());
    document.addEventListener("visibilitychange", () => this.markRead());
  }

  thread() {
    return this.pid === null ? null : this.inbox.thread(this.pid);
  }

  open(pid) {
    if (this.pid !== null && this.pid !== pid) this.close();
    this.pid = pid;
    this.shown = "";
    this.clientId = null;
    if (this.filesFor !== pid && this.files.count()) this.files.clear(); // never sent to someone else
    this.filesFor = pid;
    this.input.value = this.drafts.get(pid) || "";
    say(this.status, "");
    this.root.hidden = false;
    this.refresh();
    this.ol.scrollTop = this.ol.scrollHeight;
    this.$("thread-name").focus();
  }

  close() {
    if (this.pid !== null) {
      if (this.input.value.trim()) this.drafts.set(this.pid, this.input.value);
      else this.drafts.delete(this.pid);
    }
    this.pid = null;
    this.root.hidden = true;
    if (this.calls) this.calls.update();
  }

  /** Show the conversation as it is now (after anything arrived), and mark it read if it is in view. */
  refresh() {
    const thread = this.thread();
    if (!thread) return;
    const name = this.$("thread-name");
    name.replaceChildren(this.inbox.nameOf(thread.pid));
    if (this.inbox.verified(thread.pid)) name.append(verifiedMark());
    const label = this.$("thread-body-label");
    label.replaceChildren();
    appendSentence(label, TEXT.replyTo, { name: this.inbox.nameOf(thread.pid) });
    const done = isDone(thread);
    this.$("thread-state").hidden = !done;
    this.doneButton.textContent = done ? TEXT.reopen : TEXT.markDone;
    const closed = this.host.state() === "closed";
    this.doneButton.disabled = closed;
    this.form.querySelector("button[type=submit]").disabled = closed;
    this.input.disabled = closed;
    const drawn = thread.lines.map((l) => `${l.id}:${l.removed ? "-" : l.body.length}`).join(",");
    if (drawn !== this.shown) {
      const stick = this.ol.scrollHeight - this.ol.scrollTop - this.ol.clientHeight < 60;
      forgetFiles(this.ol); // drawn again below: the private files' object URLs are reused
      this.ol.replaceChildren(...thread.lines.map((line) => this.lineOf(line)));
      localTimes(this.ol);
      if (stick || !this.shown) this.ol.scrollTop = this.ol.scrollHeight;
      this.shown = drawn;
    }
    this.markRead();
    if (this.calls) this.calls.update(); // host-calls.js: the call buttons
  }

  lineOf(line) {
    const li = document.createElement("li");
    li.className = `line from-${line.from}` + (line.removed ? " removed" : "") + (line.call ? " call" : "");
    li.dataset.id = String(line.id);
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.append(authorFor(line.author));
    const badge = line.from === "hosts" ? roleBadge(line.role || "host") : null;
    if (badge) meta.append(badge);
    if (line.kind === "notice") meta.append(privateBadge(true));
    const time = document.createElement("time");
    time.setAttribute("datetime", line.at);
    time.dataset.local = "auto";
    meta.append(time);
    const body = document.createElement("div");
    body.className = "body";
    body.dir = "auto";
    if (line.removed) body.textContent = TEXT.removed;
    else if (line.call) body.textContent = callLine(line.call);
    else renderMarkdown(body, line.body);
    li.append(meta, body);
    const files = !line.removed && drawFiles(line.files, readKey); // private: fetched with the key
    if (files) li.append(files);
    const card = !line.removed && previewCard(line.preview, readKey); // its image is private too
    if (card) li.append(card);
    return li;
  }

  /** Mark the conversation read up to its newest line, for every host: only forward, only while in view. */
  async markRead() {
    const thread = this.thread();
    if (!thread || document.hidden || this.host.state() === "closed") return;
    const last = newestLine(thread);
    if (!last || last.id <= thread.read || last.id <= (this.asked.get(thread.pid) || 0)) return;
    this.asked.set(thread.pid, last.id);
    const res = await hostCall("POST", `${this.path}/threads/${thread.pid}`, { read: last.id });
    if (res.status === 201 && res.data && res.data.mark) this.inbox.add([res.data.mark]);
    else if (this.asked.get(thread.pid) === last.id) this.asked.delete(thread.pid); // asked again on the next change
  }

  async send() {
    say(this.status, "");
    const pid = this.pid;
    const body = this.input.value;
    if (!body.trim() && !this.files.count()) {
      say(this.status, TEXT.needBody, "error");
      return this.input.focus();
    }
    this.clientId = this.clientId || randomId();
    const button = this.form.querySelector("button[type=submit]");
    button.disabled = true;
    const why = this.files.count() ? await this.files.settle() : null; // the files go up first
    const ids = why === null ? this.files.ids() : null;
    if (why !== null || !ids || this.pid !== pid) {
      button.disabled = this.host.state() === "closed";
      return this.pid === pid && say(this.status, why === null ? TEXT.notUploaded : why, "error");
    }
    const name = this.host.name();
    const res = await hostCall("POST", this.path + "/messages", { body, to: pid, client_id: this.clientId, ...(name ? { name } : {}), ...(ids.length && { files: ids }) });
    button.disabled = this.host.state() === "closed";
    if ((res.status === 201 || res.status === 200) && res.data && res.data.message) {
      this.clientId = null;
      this.drafts.delete(pid);
      if (this.pid === pid) {
        this.input.value = "";
        this.files.clear();
        this.ol.scrollTop = this.ol.scrollHeight;
      }
      this.inbox.add([res.data.message]);
    } else if (errorCode(res) === "event_closed") {
      say(this.status, TEXT.tooLate, "error");
    } else if (res.status !== 403 || res.keyWorks) {
      say(this.status, errorMessage(res), "error");
    }
  }

  async toggleDone() {
    const thread = this.thread();
    if (!thread) return;
    say(this.status, "");
    const done = !isDone(thread);
    const change = { done };
    const last = newestLine(thread);
    if (done && last && last.id > thread.read) change.read = last.id; // done is read too
    this.doneButton.disabled = true;
    const res = await hostCall("POST", `${this.path}/threads/${thread.pid}`, change);
    this.doneButton.disabled = this.host.state() === "closed";
    if (res.status === 201 && res.data && res.data.mark) {
      this.inbox.add([res.data.mark]);
      if (done && this.pid === thread.pid) this.inbox.back(thread.pid, true);
      else if (!done) say(this.status, TEXT.reopened, "ok");
    } else if (errorCode(res) !== "event_closed" && (res.status !== 403 || res.keyWorks)) {
      say(this.status, errorMessage(res), "error");
    }
  }

  answerPublicly() {
    const thread = this.thread();
    const quote = thread ? quoteOf(thread) : "";
    if (!quote) return say(this.status, TEXT.nothingToQuote, "error");
    say(this.status, TEXT.quoted, "ok");
    this.host.answer(quote);
  }
}
