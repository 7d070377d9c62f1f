// The console's "Questions" panel (Q&A): the questions folded from the stream by questions-model.js
// (the hosts' stream carries the pending ones too), drawn Top or New with their votes and status,
// and a "Waiting for approval" queue above them while screening holds questions back. Each
// question offers what may come next (Answer now, Answered, Dismiss; Approve for a pending one);
// the server keeps one question "answering" at a time, and the list shows it highlighted. Keys on
// the focused question: j/k or the arrows move, a answer now, d answered, x dismiss, o approve or
// reopen; never while typing in a field. The host and moderators alike (the API lets both).

import { errorCode, errorMessage } from "./api.js";
import { say } from "./dom.js";
import { make } from "./el.js";
import { hostCall } from "./host-call.js";
import { lang, t, tn } from "./i18n.js";
import { QuestionTable } from "./questions-model.js";

const TEXT = {
  // Translators: buttons on a question in the host console's Questions panel.
  actions: {
    answering: t("Answer now"),
    answered: t("Answered"),
    dismissed: t("Dismiss"),
    approve: t("Approve"),
    // Translators: puts an answered or dismissed question back among the open ones.
    reopen: t("Reopen"),
  },
  // Translators: a question's status in the host console's Questions panel.
  status: {
    pending: t("Waiting for approval"),
    open: t("Open"),
    answering: t("Answering now"),
    answered: t("Answered"),
    dismissed: t("Dismissed"),
  },
  // Translators: what the status line says after the host acted on a question; {author} asked it.
  done: {
    approve: (author) => t("Approved {author}'s question: everyone sees it now.", { author }),
    open: (author) => t("{author}'s question is open again.", { author }),
    answering: (author) => t("Answering {author}'s question now: it is highlighted in the room.", { author }),
    answered: (author) => t("{author}'s question is marked answered.", { author }),
    dismissed: (author) => t("{author}'s question is dismissed.", { author }),
  },
  votes: (n) => tn("{n} vote", "{n} votes", n),
  count: (n) => tn("{n} question", "{n} questions", n),
  // Translators: the accessible name of a question's row: "alice: What comes next? (3 votes, open)".
  row: (author, body, votes, status) => t("{author}: {body} ({votes}, {status})", { author, body, votes, status }),
  off: t("Q&A is off: people cannot ask questions. Turn it on in the room settings."),
};

// The keys on a focused question, and the status each sets.
const KEYS = { a: "answering", d: "answered", x: "dismissed", o: "open" };
const COUNT = new Intl.NumberFormat(lang);

/** Whether the keyboard is in a place where letters are text. */
function typing(target) {
  return !!target.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])");
}

/** What may be done to a question in `status`: [[label key, status to set], …]. */
function choices(status) {
  if (status === "pending") return [["approve", "open"], ["dismissed", "dismissed"]];
  if (status === "open") return [["answering", "answering"], ["answered", "answered"], ["dismissed", "dismissed"]];
  if (status === "answering") return [["answered", "answered"], ["dismissed", "dismissed"]];
  return [["reopen", "open"]];
}

export class HostQuestions {
  /** path: the event's API path; host: state(), event(). */
  constructor(path, host) {
    const $ = (id) => document.getElementById(id);
    this.path = path;
    this.host = host;
    this.table = new QuestionTable();
    this.sort = "top";
    this.rows = new Map(); // question id → its <li>, made once
    this.busy = new Set();
    this.focusId = null; // the question the keys act on (the row with tabindex 0)
    this.el = {
      section: $("host-questions"), list: $("hq-list"), queue: $("hq-queue"), queueBox: $("hq-approval"), queueCount: $("hq-approval-count"),
      count: $("hq-count"), empty: $("hq-empty"), off: $("hq-off"), status: $("hq-status"),
      tabs: { top: $("hq-top"), new: $("hq-new") },
    };
    this.el.off.textContent = TEXT.off;
    for (const [sort, button] of Object.entries(this.el.tabs)) button.addEventListener("click", () => this.order(sort));
    for (const list of [this.el.list, this.el.queue]) {
      list.addEventListener("click", (e) => {
        const button = e.target.closest("button[data-status]");
        if (button) this.act(Number(button.closest("li").dataset.id), button.dataset.status);
      });
      list.addEventListener("keydown", (e) => this.key(e));
      list.addEventListener("focusin", (e) => {
        const li = e.target.closest("li.hq-item");
        if (li) this.focusOn(Number(li.dataset.id), false);
      });
    }
    $("host").addEventListener("host:event", () => this.render()); // Q&A on or off, the state
    this.render();
  }

  /** Stream items: the Q&A kinds fold into the table. */
  add(items) {
    const changed = this.table.take(items).changed;
    if (changed || items.some((i) => i.kind === "system" && i.code === "updated")) this.render(); // Q&A on or off
  }

  clear() {
    this.table.clear();
    this.render();
  }

  /** The list as the server has it (with the key: every status). */
  async load() {
    const res = await hostCall("GET", this.path + "/questions?sort=top&limit=1000");
    if (this.table.putList(res)) this.render();
  }

  order(sort) {
    this.sort = sort;
    this.render();
  }

  /** Every question in the order shown: the approval queue first, then the list. */
  shown() {
    const all = this.table.sorted(this.sort, true);
    const pending = all.filter((q) => q.status === "pending");
    // Dismissed ones last, out of the way; the rest in the chosen order.
    const rest = all.filter((q) => q.status !== "pending" && q.status !== "dismissed");
    return { pending, rest: rest.concat(all.filter((q) => q.status === "dismissed")) };
  }

  async act(id, status) {
    const question = this.table.get(id);
    if (!question || this.busy.has(id) || this.host.state() === "closed") return;
    if (question.status === status) return;
    const wasPending = question.status === "pending";
    const next = wasPending ? this.neighbour(id) : null; // the queue's next, for the keys
    const hadFocus = this.rows.get(id).contains(document.activeElement);
    this.busy.add(id);
    this.render();
    say(this.el.status, "");
    const res = await hostCall("PATCH", `${this.path}/questions/${id}`, { status });
    this.busy.delete(id);
    if (res.status === 200 && res.data && res.data.question) {
      const changed = this.table.put(res.data.question);
      const said = wasPending && status === "open" ? TEXT.done.approve : TEXT.done[status];
      say(this.el.status, said(changed.author), "ok");
      // An answering question moves the one before to answered: the stream tells, but show it now.
      if (status === "answering") for (const q of this.table.byId.values()) if (q.id !== id && q.status === "answering") q.status = "answered";
    } else if ((res.status !== 403 || res.keyWorks) && errorCode(res) !== "event_closed") {
      say(this.el.status, errorMessage(res), "error");
    }
    this.render();
    if (next !== null && hadFocus) this.focusOn(next, true); // triage: on to the next waiting one
  }

  /** In the approval queue: the question after `id`, else the one before, else null. */
  neighbour(id) {
    const ids = this.shown().pending.map((q) => q.id);
    const at = ids.indexOf(id);
    return at < 0 ? null : ids[at + 1] ?? ids[at - 1] ?? null;
  }

  /** The keys on a focused question. */
  key(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    const li = e.target.closest("li.hq-item");
    if (!li) return;
    const id = Number(li.dataset.id);
    const order = [...this.shown().pending, ...this.shown().rest].map((q) => q.id);
    const at = order.indexOf(id);
    const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (k === "j" || k === "ArrowDown" || k === "k" || k === "ArrowUp") {
      const step = k === "j" || k === "ArrowDown" ? 1 : -1;
      const to = order[Math.min(order.length - 1, Math.max(0, at + step))];
      if (to !== undefined) this.focusOn(to, true);
    } else if (k === "Home" || k === "End") {
      this.focusOn(order[k === "Home" ? 0 : order.length - 1], true);
    } else if (Object.hasOwn(KEYS, k)) {
      const question = this.table.get(id);
      const status = KEYS[k];
      if (!question || !choices(question.status).some(([, s]) => s === status)) return;
      this.act(id, status);
    } else {
      return;
    }
    e.preventDefault();
  }

  /** The keys act on `id`'s row: it alone takes the Tab stop; `move`: the focus goes there. */
  focusOn(id, move) {
    this.focusId = id;
    for (const [qid, li] of this.rows) li.tabIndex = qid === id ? 0 : -1;
    const li = this.rows.get(id);
    if (move && li && li.isConnected) li.focus();
  }

  /** One question's row, made once and kept current. */
  row(question) {
    let li = this.rows.get(question.id);
    if (!li) {
      li = make("li", "hq-item");
      li.dataset.id = String(question.id);
      li.tabIndex = -1;
      const votes = make("span", "hq-votes");
      const text = make("p", "hq-text");
      text.dir = "auto";
      const meta = make("p", "hq-meta small");
      const author = make("span", "hq-author muted");
      author.dir = "auto";
      meta.append(author, " ", make("span", "hq-badge"));
      const main = make("div", "hq-main");
      main.append(text, meta);
      li.append(votes, main, make("div", "hq-actions"));
      this.rows.set(question.id, li);
    }
    const status = question.status;
    li.querySelector(".hq-text").textContent = question.body;
    li.querySelector(".hq-author").textContent = question.author;
    li.querySelector(".hq-votes").textContent = COUNT.format(question.votes);
    li.querySelector(".hq-votes").title = TEXT.votes(question.votes);
    const badge = li.querySelector(".hq-badge");
    badge.textContent = TEXT.status[status] || status;
    badge.className = "hq-badge qa-badge qa-" + status;
    li.className = "hq-item " + status;
    li.setAttribute("aria-label", TEXT.row(question.author, question.body, TEXT.votes(question.votes), TEXT.status[status] || status));
    const actions = li.querySelector(".hq-actions");
    const wanted = choices(status).map(([label, to]) => `${label}:${to}`).join(" ");
    if (actions.dataset.made !== wanted) {
      actions.dataset.made = wanted;
      const hadFocus = actions.contains(document.activeElement);
      actions.replaceChildren(...choices(status).map(([label, to]) => {
        // The step forward stands out (Answer now, Approve); the others are secondary.
        const button = make("button", label === "answering" || label === "approve" ? "" : "secondary-button", TEXT.actions[label]);
        button.type = "button";
        button.dataset.status = to;
        return button;
      }));
      if (hadFocus) li.focus();
    }
    const fixed = this.busy.has(question.id) || this.host.state() === "closed";
    for (const button of actions.children) button.disabled = fixed;
    return li;
  }

  /** Draw both lists; a row keeps the focus when it moves (only what is out of place is moved). */
  render() {
    const { pending, rest } = this.shown();
    for (const [sort, button] of Object.entries(this.el.tabs)) button.setAttribute("aria-pressed", sort === this.sort ? "true" : "false");
    const ev = this.host.event();
    this.el.off.hidden = !ev || ev.qa !== false;
    // Shown while the room takes questions, or has some to read.
    this.el.section.hidden = !(ev && ev.qa) && this.table.byId.size === 0;
    this.el.count.textContent = rest.length ? TEXT.count(rest.length) : "";
    this.el.queueBox.hidden = pending.length === 0;
    this.el.queueCount.textContent = pending.length ? COUNT.format(pending.length) : "";
    this.el.empty.hidden = rest.length > 0;
    const focused = document.activeElement;
    for (const [list, questions] of [[this.el.queue, pending], [this.el.list, rest]]) {
      const wanted = questions.map((q) => this.row(q));
      const keep = new Set(wanted);
      for (const li of [...list.children]) if (!keep.has(li)) li.remove();
      wanted.forEach((li, i) => {
        if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
      });
    }
    if (focused && focused.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
    // One Tab stop: the focused question, else the first.
    const first = pending[0] || rest[0];
    const id = this.rows.has(this.focusId) && this.rows.get(this.focusId).isConnected ? this.focusId : first ? first.id : null;
    if (id !== null) this.focusOn(id, false);
  }
}
