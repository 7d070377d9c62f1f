// The reader's private threads in the room: one per counterpart, the hosts ("hosts": every host and
// moderator) or another participant (where the event lets participants write to each other). Each
// is a list of its items (items.js), the reader's messages still being sent below them
// (outgoing.js). Which thread a private item belongs to is decided here, from who wrote it to whom.

import { ItemList } from "./items.js";
import { Outgoing } from "./outgoing.js";
import { isPrivate } from "./private-mark.js";

/** A thread's key: "hosts", or "p<participant id>". */
export function threadKey(to) {
  return to === "hosts" ? "hosts" : "p" + to;
}

/**
 * Whom a private item puts the reader in touch with: "hosts", a participant's id, or null (not
 * private, or nothing the reader takes part in, such as a kind this page does not know).
 */
export function counterpart(item, me) {
  if (!me || !isPrivate(item) || !["message", "notice", "call"].includes(item.kind)) return null;
  // From the hosts (a notice, a host's or a moderator's line), or the reader's own to them.
  if (item.kind === "notice" || item.role || item.to === "hosts") return "hosts";
  if (item.participant_id === me.id) return typeof item.to === "number" ? item.to : null;
  return typeof item.participant_id === "number" ? item.participant_id : null;
}

export class Threads {
  /**
   * box: where the threads' lists go (one shown at a time); outbox: the private outbox (Retry and
   * Discard); me() → the reader or null; wrote(item) → whether it is the reader's; away() — where
   * the focus goes when the last button of a message being sent goes away.
   */
  constructor(box, outbox, { me, wrote, away }) {
    Object.assign(this, { box, outbox, me, wrote, away });
    this.all = new Map(); // key → {key, to, ol, list, outgoing, items: Map<id, mine>}
  }

  /** The thread with `to` ("hosts" or a participant's id), made when there is none yet. */
  get(to) {
    const key = threadKey(to);
    let thread = this.all.get(key);
    if (thread) return thread;
    const ol = document.createElement("ol");
    ol.className = "messages grouped private-list"; // i18n: class names
    ol.id = "private-" + key;
    ol.tabIndex = 0;
    ol.hidden = true;
    ol.setAttribute("aria-live", "polite");
    ol.setAttribute("aria-relevant", "additions");
    const list = new ItemList(ol, {
      group: true, notices: true, tail: ".outgoing", mine: (item) => this.wrote(item),
      credential: () => (this.me() ? this.me().token : null), // private files come only with it (file-src.js)
    });
    thread = { key, to, ol, list, outgoing: null, items: new Map() };
    thread.outgoing = new Outgoing(list, this.outbox, this.me, () => this.away(thread));
    this.all.set(key, thread);
    this.box.append(ol);
    return thread;
  }

  find(key) {
    return this.all.get(key) || null;
  }

  /** Every thread, the hosts' first, then in the order they began. */
  list() {
    const all = Array.from(this.all.values());
    return all.filter((th) => th.key === "hosts").concat(all.filter((th) => th.key !== "hosts"));
  }

  /**
   * Put the reader's private items among `items` in their threads; a retraction goes to every
   * thread (it may blank a line there). → [{thread, item, li}] of the lines that are new.
   */
  take(items) {
    const me = this.me();
    const added = [];
    for (const item of items) {
      if (item && item.kind === "retraction") {
        for (const thread of this.all.values()) thread.list.add([item]);
        continue;
      }
      const to = counterpart(item, me);
      if (to === null) continue;
      const thread = this.get(to);
      const [li] = thread.list.add([item]);
      if (!li) continue;
      thread.items.set(item.id, li.classList.contains("mine"));
      added.push({ thread, item, li });
    }
    return added;
  }

  /** How many lines of a thread, not the reader's, came after `upTo`. */
  unread(thread, upTo) {
    let n = 0;
    for (const [id, mine] of thread.items) if (!mine && id > upTo) n += 1;
    return n;
  }

  /** The newest item id of a thread (0: none yet). */
  newest(thread) {
    return thread.list.maxId;
  }

  /** The outbox's messages under their threads, each thread's in the order written. */
  render(entries, sendingId) {
    const by = new Map();
    for (const entry of entries) {
      if (entry.to === null || entry.to === undefined) continue; // not private: never shown here
      const key = threadKey(entry.to);
      if (!by.has(key)) by.set(key, []);
      by.get(key).push(entry);
    }
    for (const [key, list] of by) if (!this.all.has(key)) this.get(list[0].to);
    for (const thread of this.all.values()) thread.outgoing.render(by.get(thread.key) || [], sendingId);
  }

  /** Why sending waits (null: it does not), said under every message being sent. */
  waiting(why) {
    for (const thread of this.all.values()) thread.outgoing.waiting(why);
  }

  /** Forget every thread (another reader now, or the stream is read again from the start). */
  clear() {
    for (const thread of this.all.values()) {
      thread.list.clear(); // its private files' object URLs go now, not at the next sweep
      thread.ol.remove();
    }
    this.all.clear();
  }
}
