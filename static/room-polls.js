// The room's polls: each one a card in the conversation where its `poll` item sits (poll-card.js),
// its open ones pinned above the conversation (poll-pins.js), votes sent with the reader's token
// (PUT …/polls/<id>/vote, changeable while the poll is open), and the counts kept live from the
// stream's `votes` and `poll_closed` items (poll-model.js). The reader's own choices, and the counts
// the results option shows only to voters, come from GET …/polls/<id> on load and from each vote's
// answer. The chat bar hears of the open polls ("room:polls") and may bring one into view
// ("embed:poll" on the room's root, embed-polls.js).

import { errorMessage, eventPath, fetchJson } from "./api.js";
import { drawPoll, pollBox } from "./poll-card.js";
import { PollTable } from "./poll-model.js";
import { PollPins } from "./poll-pins.js";
import { announce } from "./room-api.js";

// How often a voter's card of a poll that shows its results to voters only asks for its counts.
const VOTERS_REFRESH_MS = 10_000;

/** root: the room's <article>; slug; identity (identity.js); state() → the event's state. */
export function roomPolls(root, { slug, identity, state }) {
  return new RoomPolls(root, { slug, identity, state });
}

class RoomPolls {
  constructor(root, { slug, identity, state }) {
    Object.assign(this, { root, slug, identity, state });
    this.table = new PollTable();
    this.boxes = new Map(); // poll id → its card in the conversation
    this.how = new Map(); // poll id → {pending, busy, error}: what the reader is doing with it
    this.asked = new Set(); // the polls asked of the API since the last reload
    this.ended = false; // the event closed: so did every poll
    this.pins = new PollPins(document.getElementById("pinned"), (id) => this.go(id));
    this.told = "";
    root.addEventListener("embed:poll", (ev) => this.go(ev.detail && ev.detail.id));
    setInterval(() => this.refresh(), VOTERS_REFRESH_MS);
  }

  /** Counts shown to voters only never travel in the public stream: a voter's open card asks for
   *  them now and then, while it is on screen. */
  refresh() {
    if (document.visibilityState !== "visible") return;
    for (const [id, box] of this.boxes) {
      const poll = this.table.get(id);
      if (!box.isConnected || !poll || poll.closed || poll.results !== "voted" || !this.table.hasVoted(poll)) continue;
      this.asked.delete(id);
      this.ask(id);
    }
  }

  /** ItemList's card option: the card of a `poll` item (null for any other kind). */
  card(item) {
    if (!item || item.kind !== "poll") return null;
    if (!this.table.get(item.id)) this.table.take([item]);
    const box = pollBox(item.id);
    this.boxes.set(item.id, box);
    this.draw(item.id);
    this.ask(item.id);
    return box;
  }

  /** Stream items: the poll kinds folded in (the cards follow); returns the `poll` items, for the
   *  conversation (the questions panel keeps every Q&A kind out of it). */
  take(items) {
    const changed = this.table.take(items);
    for (const id of changed) {
      if (this.ended) this.table.get(id).closed = true;
      this.draw(id);
    }
    if (changed.length) this.pinned();
    return items.filter((item) => item && item.kind === "poll");
  }

  /** What the reader may do: "yes" vote, "join" first, "no" (the event is not open), "closed" (or
   *  banned: the card only). */
  voting(poll) {
    if (poll.closed || this.ended) return "closed";
    if (this.state() !== "open") return "no";
    const me = this.identity.me;
    if (!this.identity.token()) return "join";
    return me && me.banned ? "closed" : "yes";
  }

  draw(id) {
    const box = this.boxes.get(id);
    const poll = this.table.get(id);
    if (!box || !poll) return;
    const how = this.how.get(id) || {};
    drawPoll(box, poll, this.table, {
      ...how,
      voting: this.voting(poll),
      vote: (options) => this.vote(id, options),
      check: (pending) => {
        this.how.set(id, { ...how, pending });
        this.draw(id);
      },
    });
  }

  /** The poll as the API tells it to this reader: their choices, the counts they may see. */
  async ask(id) {
    if (this.asked.has(id)) return;
    this.asked.add(id);
    const res = await fetchJson("GET", eventPath(this.slug, `/polls/${id}`), { token: this.identity.token(), timeout: 15000 }).catch(() => null);
    if (!res || res.status !== 200 || !res.data || !res.data.poll) {
      this.asked.delete(id); // asked again on the next reload
      return;
    }
    this.table.put(res.data.poll);
    this.draw(id);
    this.pinned();
  }

  async vote(id, options) {
    const token = this.identity.token();
    if (!token) return;
    const how = { ...(this.how.get(id) || {}), busy: true, error: "" };
    this.how.set(id, how);
    this.draw(id);
    const res = await fetchJson("PUT", eventPath(this.slug, `/polls/${id}/vote`), { body: { options }, token, timeout: 15000 }).catch(() => null);
    if (res && res.status === 200 && res.data && res.data.poll) {
      this.table.put(res.data.poll);
      this.how.set(id, {});
    } else {
      if (res && res.status === 409 && res.data && res.data.error && res.data.error.code === "poll_closed") this.table.get(id).closed = true;
      this.how.set(id, { pending: how.pending, error: errorMessage(res) });
    }
    this.draw(id);
    this.pinned();
  }

  /** The open polls above the conversation, and told to the chat bar (when they change). */
  pinned() {
    const open = this.ended ? [] : this.table.open().filter((p) => p.question);
    this.pins.show(open.map((p) => ({ id: p.id, question: p.question, vote: this.voting(p) === "yes" && !this.table.hasVoted(p) })));
    const polls = open.map((p) => ({ id: p.id, question: p.question }));
    const told = JSON.stringify(polls);
    if (told === this.told) return;
    this.told = told;
    announce(this.root, "polls", { polls });
  }

  /** Bring a poll's card into view and give it the focus (the pin, the chat bar). */
  go(id) {
    const box = this.boxes.get(Number(id));
    if (!box || !box.isConnected) return;
    box.scrollIntoView({ block: "start", behavior: "smooth" }); // its question first, in a small panel too
    box.focus({ preventScroll: true });
  }

  /** Who may vote changed (the event's state, the reader): every card again. */
  changed() {
    if (this.state() === "closed" && !this.ended) {
      this.ended = true; // the polls ended with their event: their final counts, for everyone
      for (const poll of this.table.byId.values()) poll.closed = true;
      this.reload();
    }
    for (const id of this.boxes.keys()) this.draw(id);
    this.pinned();
  }

  /** The reader changed, or the stream is read again: ask the API for every poll again. */
  reload() {
    this.asked.clear();
    this.how.clear();
    for (const id of this.boxes.keys()) this.ask(id);
  }
}
