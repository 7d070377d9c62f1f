// The room's "Questions" panel, on events that take questions (<article data-qa="true">): the
// questions in the order the reader picks (Top or New), an "Ask a question" box, and a vote
// button on each. The table is questions-model.js's; this module draws it, asks and votes through
// the API with the reader's token, and folds in the stream's Q&A items that room.js hands it.
// When the order changes under the reader, the question they were looking at stays where it was.

import { errorMessage, eventPath, fetchJson } from "./api.js";
import { make } from "./el.js";
import { t, tn } from "./i18n.js";
import { QuestionTabs } from "./qa-tabs.js";
import { COUNT, drawQuestion, questionRow } from "./question-row.js";
import { QuestionTable } from "./questions-model.js";
import { VoteEcho } from "./vote-echo.js";

const TEXT = {
  // Translators: the heading of the room's panel of questions for the host (Q&A).
  heading: t("Questions"),
  // Translators: a button that orders the questions by their votes, the most first.
  top: t("Top"),
  // Translators: a button that orders the questions by time, the newest first.
  newest: t("New"),
  order: t("Order of the questions"),
  ask: t("Ask a question"),
  placeholder: t("Ask the host a question…"),
  // Translators: the button that sends a question to the host.
  send: t("Ask"),
  join: t("Choose a nickname to ask questions and vote."),
  empty: t("No questions yet."),
  list: t("Questions to the host"),
  count: (n) => tn("{n} question", "{n} questions", n),
};

/** Where the panel goes: above the conversation, under the pinned announcement. */
function build(chatMain) {
  const box = make("details", "qa");
  box.id = "questions";
  // On a phone (style.css's small screens) folded at first: its summary still counts the questions.
  box.open = !window.matchMedia("(max-width: 40rem), (max-height: 32rem)").matches;
  const summary = make("summary", "qa-summary");
  const title = make("span", "qa-title", TEXT.heading);
  const count = make("span", "qa-count muted");
  summary.append(title, " ", count);

  const order = make("div", "qa-order");
  order.setAttribute("role", "group");
  order.setAttribute("aria-label", TEXT.order);
  const tabs = {};
  for (const [sort, label] of [["top", TEXT.top], ["new", TEXT.newest]]) {
    const button = make("button", "qa-sort", label);
    button.type = "button";
    button.dataset.sort = sort;
    order.append(button);
    tabs[sort] = button;
  }

  const form = make("form", "qa-ask");
  const label = make("label", "visually-hidden", TEXT.ask);
  label.htmlFor = "qa-input";
  const input = make("textarea", "qa-input");
  input.id = "qa-input";
  input.rows = 1;
  input.dir = "auto";
  input.maxLength = 4000;
  input.required = true;
  input.placeholder = TEXT.placeholder;
  const send = make("button", "qa-send", TEXT.send);
  send.type = "submit";
  form.append(label, input, send);
  const hint = make("p", "qa-hint small muted", TEXT.join);
  const error = make("p", "error qa-error");
  error.setAttribute("role", "alert");
  error.hidden = true;

  const list = make("ol", "qa-list");
  list.setAttribute("aria-label", TEXT.list);
  const empty = make("p", "qa-empty small muted", TEXT.empty);
  const body = make("div", "qa-body");
  body.append(order, form, hint, error, list, empty);
  box.append(summary, body);
  const scroller = chatMain.querySelector(".scroller");
  chatMain.insertBefore(box, scroller);
  return { box, count, tabs, form, input, send, hint, error, list, empty };
}

export class QuestionsPanel {
  /** `root`: the room's <article>; `identity`: who the reader is (identity.js); `open()`: the event is. */
  constructor(root, { slug, identity, open }) {
    this.slug = slug;
    this.open = open;
    this.identity = identity;
    this.table = new QuestionTable(() => (identity.me ? identity.me.id : null));
    this.sort = "top";
    this.rows = new Map(); // question id → its <li>
    this.busy = new Set(); // questions whose vote is on its way
    const chatMain = root.querySelector(".chat-main");
    this.el = build(chatMain);
    this.tabs = new QuestionTabs(chatMain, this.el.box); // on a phone: the chat or the questions
    this.el.tabs.top.addEventListener("click", () => this.order("top"));
    this.el.tabs.new.addEventListener("click", () => this.order("new"));
    this.el.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.ask();
    });
    this.el.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.el.form.requestSubmit();
      }
    });
    // The reader's votes from their other tabs: marked here too.
    this.echo = new VoteEcho(slug, () => (identity.me ? identity.me.id : null), ({ kind, id, voted }) => {
      const question = kind === "question" ? this.table.get(id) : null;
      if (!question || typeof voted !== "boolean") return;
      question.voted = voted;
      this.render();
    });
    this.el.list.addEventListener("click", (e) => {
      const button = e.target.closest("button.qa-vote");
      if (button) this.vote(Number(button.closest("li").dataset.id), button);
    });
    this.changed();
    this.load();
  }

  /** The host turned Q&A off: the panel goes (room-questions.js makes a new one if it comes back). */
  remove() {
    this.el.box.remove();
    this.tabs.remove();
  }

  /** Stream items: the Q&A kinds are folded in here; → the others, for the conversation. */
  take(items) {
    const { rest, changed } = this.table.take(items);
    if (changed) this.render();
    return rest;
  }

  /** Whether the reader may ask and vote now: they joined, and the event is open. */
  can() {
    return !!this.identity.token() && this.open();
  }

  /** The reader or the event's state changed: what they may do. */
  changed() {
    const can = this.can();
    this.el.input.disabled = !can;
    this.el.send.disabled = !can;
    this.el.hint.hidden = !!this.identity.token(); // "Choose a nickname…" only to who has none
    this.render();
  }

  /** The list as the server has it now, with the reader's own votes (`voted`). */
  async load() {
    let res;
    try {
      res = await fetchJson("GET", eventPath(this.slug, "/questions?sort=top"), { token: this.identity.token() });
    } catch {
      return; // offline: the stream's items still come
    }
    if (this.table.putList(res)) this.render();
  }

  order(sort) {
    this.sort = sort;
    this.render();
  }

  say(message) {
    this.el.error.textContent = message || "";
    this.el.error.hidden = !message;
  }

  async ask() {
    const body = this.el.input.value.trim();
    const token = this.identity.token();
    if (!body || !token) return;
    this.el.send.disabled = true;
    this.say("");
    try {
      const res = await fetchJson("POST", eventPath(this.slug, "/questions"), { body: { body }, token });
      if (res.status === 201 && res.data && res.data.question) {
        this.table.put(res.data.question);
        this.el.input.value = "";
        this.render();
      } else {
        this.say(errorMessage(res));
      }
    } catch {
      this.say(errorMessage(null));
    } finally {
      this.el.send.disabled = !this.can();
    }
  }

  async vote(id, button) {
    if (this.busy.has(id)) return;
    const question = this.table.get(id);
    const token = this.identity.token();
    if (!question || !token) return;
    this.busy.add(id);
    button.disabled = true;
    this.say("");
    try {
      const method = question.voted ? "DELETE" : "PUT";
      const res = await fetchJson(method, eventPath(this.slug, `/questions/${id}/vote`), { token });
      if (res.status === 200 && res.data && res.data.question) {
        this.table.put(res.data.question);
        this.echo.tell("question", id, method === "PUT");
      } else {
        this.say(errorMessage(res));
      }
    } catch {
      this.say(errorMessage(null));
    } finally {
      this.busy.delete(id);
      this.render();
    }
  }

  /** One question's row, made once and kept current. */
  row(question) {
    let li = this.rows.get(question.id);
    if (!li) this.rows.set(question.id, (li = questionRow()));
    // busy: a vote on its way
    drawQuestion(li, question, { mine: this.table.mine(question), votable: this.can() && !this.busy.has(question.id) });
    return li;
  }

  /** Draw the table in the chosen order; the question under the reader's eyes stays where it was. */
  render() {
    const list = this.el.list;
    const questions = this.table.sorted(this.sort);
    for (const [sort, button] of Object.entries(this.el.tabs)) button.setAttribute("aria-pressed", sort === this.sort ? "true" : "false");
    this.el.count.textContent = questions.length ? TEXT.count(questions.length) : "";
    this.tabs.counted(questions.length ? COUNT.format(questions.length) : "");
    this.el.empty.hidden = questions.length > 0;

    const anchor = list.scrollTop > 0 ? this.firstVisible() : null;
    const before = anchor ? anchor.getBoundingClientRect().top : 0;
    const focused = list.contains(document.activeElement) ? document.activeElement : null;

    const wanted = questions.map((q) => this.row(q));
    const keep = new Set(wanted);
    for (const li of [...list.children]) if (!keep.has(li)) li.remove();
    // Move only what is out of place: a moved element loses the focus.
    wanted.forEach((li, i) => {
      if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
    });

    if (anchor && anchor.isConnected) list.scrollTop += anchor.getBoundingClientRect().top - before;
    if (focused && focused.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
  }

  /** The first question whose bottom is below the list's top edge: what the reader sees first. */
  firstVisible() {
    const top = this.el.list.getBoundingClientRect().top;
    for (const li of this.el.list.children) if (li.getBoundingClientRect().bottom > top) return li;
    return null;
  }
}
