// The console's inbox: one conversation per participant who has a private line with the hosts,
// newest activity first, each with its unread count; done ones in a collapsed group below (a new
// line from the participant brings one back up). The counts follow the read and done marks every
// host and moderator shares through the stream (host-inbox-model.js); one conversation opens in
// the same panel (host-thread.js).

import { callLine } from "./call-line.js";
import { say } from "./dom.js";
import { textOrFiles } from "./file-words.js";
import { foldThreads, isDone, newInbox, newestLine, placeUsers, shownThreads, totalUnread, unreadOf } from "./host-inbox-model.js";
import { ThreadView, verifiedMark } from "./host-thread.js";
import { lang, t, tn } from "./i18n.js";
import { localTimes } from "./time.js";

const TEXT = {
  // Translators: beside the heading "Inbox": lines people wrote privately that no host has read yet.
  unread: (n) => tn("{n} unread", "{n} unread", n),
  // Translators: the collapsed group of conversations a host marked done.
  doneGroup: (n) => tn("Done: {n} conversation", "Done: {n} conversations", n),
  // Translators: a conversation's last line, written by a host or moderator: "Ben: Thanks, we will look".
  byHosts: (author, text) => t("{author}: {text}", { author, text }),
  // Translators: a conversation's last line when it is a notice the hosts sent.
  notice: (text) => t("Notice: {text}", { text }),
  // Translators: a participant's name when the console does not know it (yet).
  someone: (id) => t("Participant {id}", { id: String(id) }),
  removed: t("This message was removed."),
  movedToDone: (name) => t("The conversation with {name} is done.", { name }),
};
const SNIPPET_MAX = 90;
const numbers = new Intl.NumberFormat(lang);

export class Inbox {
  /** path: the event's API path; host: state(), role(), name() (the name replies go out under),
   *  unread(n) for the page's title, answer(text) puts text in the console's public post box. */
  constructor(path, host) {
    const $ = (id) => document.getElementById(id);
    Object.assign(this, { path, host, $ });
    this.data = newInbox();
    this.people = new Map(); // id -> {nickname, verified}, from the people list
    this.list = $("inbox-threads");
    this.doneList = $("inbox-done-threads");
    this.pending = false;
    this.view = new ThreadView(this, path, host);
  }

  /** Items from the stream, or answers of this console's own calls (each folded once). */
  add(items) {
    if (foldThreads(this.data, items).size) this.schedule();
  }

  /** The stream starts again from its beginning. */
  clear() {
    this.data = newInbox();
    this.schedule();
  }

  /** The people list as loaded: the names and verified marks the threads show. */
  setPeople(people) {
    const next = new Map();
    for (const p of people) if (p && Number.isInteger(p.id)) next.set(p.id, { nickname: String(p.nickname || ""), verified: p.verified === true });
    const same = next.size === this.people.size && [...next].every(([id, p]) => {
      const was = this.people.get(id);
      return was && was.nickname === p.nickname && was.verified === p.verified;
    });
    this.people = next;
    const users = new Map(people.filter((p) => p && typeof p.user === "string").map((p) => [p.user, p.id]));
    if (placeUsers(this.data, users).size || !same) this.schedule();
  }

  thread(pid) {
    return this.data.threads.get(pid) || null;
  }

  /** A participant's name as the console knows it: the people list's, else their lines'. */
  nameOf(pid) {
    const known = this.people.get(pid);
    if (known && known.nickname) return known.nickname;
    const thread = this.thread(pid);
    return (thread && thread.name) || TEXT.someone(pid);
  }

  verified(pid) {
    const known = this.people.get(pid);
    return !!known && known.verified;
  }

  /** Draw once for everything that arrived together (not per item, nor per page of the history). */
  schedule() {
    if (this.pending) return;
    this.pending = true;
    // Not requestAnimationFrame: a hidden tab must still update its title's count.
    setTimeout(() => {
      this.pending = false;
      this.render();
    }, 0);
  }

  render() {
    const threads = shownThreads(this.data);
    const open = threads.filter((th) => !isDone(th));
    const done = threads.filter(isDone);
    const focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest("[data-pid]") : null;
    const keep = focused && (this.list.contains(focused) || this.doneList.contains(focused)) ? focused.dataset.pid : null;
    this.list.replaceChildren(...open.map((th) => this.row(th)));
    this.doneList.replaceChildren(...done.map((th) => this.row(th)));
    this.$("inbox-done").hidden = !done.length;
    this.$("inbox-done-summary").textContent = TEXT.doneGroup(done.length);
    this.$("inbox-empty").hidden = threads.length > 0;
    if (keep) {
      const again = this.$("inbox").querySelector(`button[data-pid="${keep}"]`);
      if (again) again.focus();
    }
    localTimes(this.list);
    localTimes(this.doneList);
    const total = totalUnread(this.data);
    this.$("inbox-count").textContent = total ? TEXT.unread(total) : "";
    this.host.unread(total);
    this.view.refresh();
  }

  /** One conversation in the list: a button with the name, the last line's start and time, the unread count. */
  row(thread) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "thread-row";
    button.dataset.pid = String(thread.pid);
    const unread = unreadOf(thread);
    if (unread) button.classList.add("unread");
    const top = document.createElement("span");
    top.className = "thread-top";
    const name = document.createElement("span");
    name.className = "thread-name";
    const bdi = document.createElement("bdi");
    bdi.textContent = this.nameOf(thread.pid);
    name.append(bdi);
    if (this.verified(thread.pid)) name.append(verifiedMark());
    const last = newestLine(thread);
    const time = document.createElement("time");
    time.setAttribute("datetime", last.at);
    time.dataset.local = "auto";
    top.append(name, time);
    const snippet = document.createElement("span");
    snippet.className = "thread-snippet";
    snippet.dir = "auto";
    snippet.textContent = this.snippet(last);
    button.append(top, snippet);
    if (unread) {
      const pill = document.createElement("span");
      pill.className = "count-pill";
      pill.title = TEXT.unread(unread);
      const digits = document.createElement("span");
      digits.setAttribute("aria-hidden", "true");
      digits.textContent = numbers.format(unread);
      const words = document.createElement("span");
      words.className = "visually-hidden";
      words.textContent = TEXT.unread(unread);
      pill.append(digits, words);
      button.append(pill);
    }
    button.addEventListener("click", () => this.open(thread.pid));
    li.append(button);
    return li;
  }

  /** The start of a line, for the list. */
  snippet(line) {
    if (line.removed) return TEXT.removed;
    if (line.call) return callLine(line.call);
    let text = textOrFiles(line.body, line.files).replace(/\s+/g, " ").trim();
    if (text.length > SNIPPET_MAX) text = text.slice(0, SNIPPET_MAX - 1).trimEnd() + "…";
    if (line.kind === "notice") return TEXT.notice(text);
    return line.from === "hosts" ? TEXT.byHosts(line.author, text) : text;
  }

  /** Show one conversation instead of the list. */
  open(pid) {
    say(this.$("inbox-status"), "");
    this.$("inbox-list").hidden = true;
    this.view.open(pid);
  }

  /** Back to the list, the conversation's row focused; `done` says it moved to the Done group. */
  back(pid, done) {
    this.view.close();
    this.$("inbox-list").hidden = false;
    this.render();
    if (done) say(this.$("inbox-status"), TEXT.movedToDone(this.nameOf(pid)), "ok");
    const row = this.$("inbox").querySelector(`button[data-pid="${pid}"]`);
    if (row && !done) row.focus();
    else this.$("inbox-heading").focus();
  }
}
