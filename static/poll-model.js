// The polls of a room as data, without the page: the stream's `poll`, `poll_closed` and `votes`
// items and the API's answers (GET …/polls/<id>, a vote's answer) folded into one table {id → Poll}.
// Pure: no DOM, no calls, so that the room, the host console and the chat bar draw the same thing.
//
// Counts come from two sources that may cross: the stream's items, in order, and the API's answers,
// which are newer than every item read before them. Each poll remembers the item id its counts were
// last set at (`at`); an item applies only if it is later. Counts the results option hides from the
// reader are null in the API's answers and absent from the public `votes` items: never guessed.

import { FoldTable } from "./fold-table.js";

/** The stream's poll kinds. */
export const POLL_KINDS = new Set(["poll", "poll_closed", "votes"]);

/** A whole number ≥ 0, else 0. */
const count = (n) => (Number.isSafeInteger(n) && n >= 0 ? n : 0);

export class PollTable extends FoldTable {
  /** staff: the reader is a host or a moderator (they see every count). */
  constructor({ staff = false } = {}) {
    super();
    this.staff = staff;
  }

  /** The polls still open, oldest first. */
  open() {
    return [...this.byId.values()].filter((p) => !p.closed).sort((a, b) => a.id - b.id);
  }

  /** A new entry from a Poll object (an item's fields or the API's poll). */
  make(id, given) {
    const options = Array.isArray(given.options) ? given.options.map((o) => String(o && o.text != null ? o.text : o)) : [];
    return {
      id,
      question: String(given.question || ""),
      options,
      multiple: given.multiple === true,
      results: typeof given.results === "string" ? given.results : "live",
      counts: null, // [n per option], or null while the reader may not see them
      voters: 0,
      at: -1,
      closed: false,
      voted: null, // the reader's own choices ([]: none), or null until the API told them
      created_at: given.created_at,
    };
  }

  /** Set counts told at `at` (an item id, or between two) unless those known are newer. Told at the
   *  same place, the later wins: two API answers read after the same item, the second is newer. */
  counted(poll, options, voters, at) {
    if (at < poll.at) return false;
    const counts = Array.isArray(options) ? options.map((o) => (o && typeof o === "object" ? o.votes : o)) : null;
    if (!counts || counts.length !== poll.options.length || counts.some((n) => typeof n !== "number")) {
      if (typeof voters === "number" && at > poll.at) poll.voters = count(voters); // the number of voters is public
      return false;
    }
    poll.counts = counts.map(count);
    poll.voters = count(voters);
    poll.at = at;
    return true;
  }

  /** Put a Poll from the API (its `voted` too): newer than every item read so far. Returns the entry. */
  put(given) {
    if (!given || typeof given.id !== "number") return null;
    const poll = this.byId.get(given.id) || this.make(given.id, given);
    if (!poll.question) Object.assign(poll, this.make(given.id, given), { at: poll.at, voted: poll.voted });
    this.counted(poll, given.options, given.voters, Math.max(this.last, given.id) + 0.5);
    if (typeof given.voters === "number") poll.voters = count(given.voters);
    if (given.closed === true) poll.closed = true;
    if (Array.isArray(given.voted)) poll.voted = given.voted.filter((i) => Number.isInteger(i));
    this.byId.set(poll.id, poll);
    return poll;
  }

  /** Fold stream items in; returns the ids of the polls that changed. */
  take(items) {
    const changed = new Set();
    for (const item of items || []) {
      if (!item || typeof item.id !== "number" || !POLL_KINDS.has(item.kind)) continue;
      for (const id of this.fold(item)) changed.add(id);
      this.last = Math.max(this.last, item.id);
    }
    return [...changed];
  }

  /** One poll item; the ids of the polls it changed. */
  fold(item) {
    if (item.kind === "poll") {
      const known = this.byId.get(item.id);
      if (known && known.question) return [];
      const poll = Object.assign(this.make(item.id, item), known ? { at: known.at, counts: known.counts, voters: known.voters, voted: known.voted, closed: known.closed } : {});
      if (item.closed === true) poll.closed = true;
      this.counted(poll, item.options, item.voters, item.id);
      this.byId.set(item.id, poll);
      return [item.id];
    }
    if (item.kind === "poll_closed") {
      const given = item.poll || {};
      const id = typeof item.target === "number" ? item.target : given.id;
      if (typeof id !== "number") return [];
      const poll = this.byId.get(id) || this.make(id, given);
      poll.closed = true;
      this.counted(poll, given.options, given.voters, item.id);
      this.byId.set(id, poll);
      return [id];
    }
    const ids = [];
    for (const [key, told] of Object.entries(item.polls || {})) {
      const poll = this.byId.get(Number(key));
      if (poll && told && this.counted(poll, told.counts, told.voters, item.id)) ids.push(poll.id);
    }
    return ids;
  }

  /** Whether the reader has voted (as far as is known). */
  hasVoted(poll) {
    return Array.isArray(poll.voted) && poll.voted.length > 0;
  }

  /** Whether the reader may see the counts now: the results option (API.md), and counts known. */
  shows(poll) {
    const allowed = poll.closed || poll.results === "live" || this.staff || (poll.results === "voted" && this.hasVoted(poll));
    return allowed && Array.isArray(poll.counts);
  }

  /** Why the counts are hidden: "voted" (after you vote), "closed" (when it closes), or "" (shown, or
   *  not known yet). */
  hiddenUntil(poll) {
    if (this.shows(poll) || poll.closed || this.staff) return "";
    if (poll.results === "voted" && !this.hasVoted(poll)) return "voted";
    if (poll.results === "closed") return "closed";
    return "";
  }

  /** Each option's share of the voters, in whole percent (several choices: they may add past 100). */
  percents(poll) {
    const counts = poll.counts || poll.options.map(() => 0);
    return counts.map((n) => (poll.voters > 0 ? Math.round((100 * n) / poll.voters) : 0));
  }
}
