// The room's questions as data, without the page: the stream's Q&A items (`question`,
// `question_status`, `votes`) and the API's answers (GET …/questions, a vote's answer) folded into
// one table {id → Question}, and the two orders the panel shows (top and new). Pure: no DOM, no
// calls, so that the page (and a test in it) can check it with plain objects.
//
// Counts and statuses come from two sources that may cross: the stream's items, in order, and the
// API's answers, which are newer than every item read before them. Each question remembers the
// item id its votes and its status were last set at (`at`); an item applies only if it is later.

import { FoldTable } from "./fold-table.js";

/** The stream's Q&A kinds: none of them is a line of the conversation. */
export const QA_KINDS = new Set(["question", "question_status", "poll", "poll_closed", "votes"]);

/** Statuses everyone sees; the author also sees their own pending and dismissed questions. */
const LISTED = new Set(["open", "answering", "answered"]);

/** A question's time in ms (for the orders); NaN-proof. */
function millis(when) {
  const ms = Date.parse(when);
  return Number.isNaN(ms) ? 0 : ms;
}

export class QuestionTable extends FoldTable {
  /** `me()`: the reader's participant id, or null. */
  constructor(me = () => null) {
    super();
    this.me = me;
  }

  /** Put a Question from the API (its `voted` too, when given): newer than every item read so far. */
  put(question) {
    if (!question || typeof question.id !== "number") return null;
    // After what was read and after the question's own item, before the next item.
    const at = Math.max(this.last, question.id) + 0.5;
    const known = this.byId.get(question.id);
    const next = Object.assign(known || { voted: false, votesAt: -1, statusAt: -1 }, {
      id: question.id,
      body: String(question.body || ""),
      author: String(question.author || ""),
      participant_id: question.participant_id,
      created_at: question.created_at,
    });
    if (at > next.votesAt && typeof question.votes === "number") {
      next.votes = question.votes;
      next.votesAt = at;
    }
    if (at > next.statusAt && typeof question.status === "string") {
      next.status = question.status;
      next.statusAt = at;
    }
    if (typeof question.voted === "boolean") next.voted = question.voted;
    this.byId.set(question.id, next);
    return next;
  }

  /** The API's list answer ({status, data: {questions}}): each question put; false when it is none. */
  putList(res) {
    if (!res || res.status !== 200 || !res.data || !Array.isArray(res.data.questions)) return false;
    for (const question of res.data.questions) this.put(question);
    return true;
  }

  /**
   * Fold stream items in. Returns {rest, changed}: `rest` the items that are not Q&A (for the
   * conversation), `changed` whether any question changed.
   */
  take(items) {
    const rest = [];
    let changed = false;
    for (const item of items || []) {
      if (!item || !QA_KINDS.has(item.kind)) {
        rest.push(item);
        continue;
      }
      if (typeof item.id === "number" && this.fold(item)) changed = true;
      if (typeof item.id === "number") this.last = Math.max(this.last, item.id);
    }
    return { rest, changed };
  }

  /** One Q&A item; true when a question changed. */
  fold(item) {
    if (item.kind === "question") {
      if (this.byId.has(item.id)) return false; // the API told us of it already, and more
      this.byId.set(item.id, Object.assign({ voted: false }, {
        id: item.id, body: String(item.body || ""), author: String(item.author || ""),
        participant_id: item.participant_id, created_at: item.created_at,
        votes: typeof item.votes === "number" ? item.votes : 0, status: item.status || "open",
        votesAt: item.id, statusAt: item.id,
      }));
      return true;
    }
    if (item.kind === "question_status") {
      const given = item.question || {};
      const id = typeof item.target === "number" ? item.target : given.id;
      if (typeof id !== "number") return false;
      let known = this.byId.get(id);
      if (!known && typeof given.id === "number") {
        known = { voted: false, votes: given.votes || 0, votesAt: -1, statusAt: -1, id, body: String(given.body || ""),
          author: String(given.author || ""), participant_id: given.participant_id, created_at: given.created_at };
        this.byId.set(id, known);
      }
      if (!known || known.statusAt >= item.id) return false;
      known.status = item.status || given.status;
      known.statusAt = item.id;
      if (typeof given.body === "string") known.body = given.body; // a pending question shown: its text now
      return true;
    }
    if (item.kind === "votes") {
      let changed = false;
      for (const [key, votes] of Object.entries(item.questions || {})) {
        const known = this.byId.get(Number(key));
        if (!known || typeof votes !== "number" || known.votesAt >= item.id) continue;
        known.votes = votes;
        known.votesAt = item.id;
        changed = true;
      }
      return changed;
    }
    return false; // polls: not shown yet
  }

  /** Whether the reader asked it. */
  mine(question) {
    const me = this.me();
    return me !== null && me !== undefined && question.participant_id === me;
  }

  /** The questions the reader sees: the public ones, and their own pending or dismissed. */
  visible() {
    return [...this.byId.values()].filter((q) => LISTED.has(q.status) || (this.mine(q) && (q.status === "pending" || q.status === "dismissed")));
  }

  /** Most votes first, then the older (as the server's `top`); `list`: the reader's by default. */
  sortTop(list = this.visible()) {
    return list.sort((a, b) => b.votes - a.votes || millis(a.created_at) - millis(b.created_at) || a.id - b.id);
  }

  /** The newest first (as the server's `new`). */
  sortNew(list = this.visible()) {
    return list.sort((a, b) => b.id - a.id);
  }

  /** The questions in the order `sort` ("top" or "new"); `all`: every one (the hosts see them all). */
  sorted(sort, all = false) {
    const list = all ? [...this.byId.values()] : this.visible();
    return sort === "new" ? this.sortNew(list) : this.sortTop(list);
  }
}
