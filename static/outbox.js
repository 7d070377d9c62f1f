// The outbox: every message written in the room goes out through it, and it alone retries. What
// the server has not accepted yet is kept in IndexedDB, so it survives a reload (outbox-store.js),
// and sent one at a time, in the order written, each with its client_id: a retry after a lost answer
// is stored only once by the server, so nothing is lost or doubled. A message the server refuses is
// marked failed, with the reason, until the writer retries or discards it. Tabs of one room share the
// outbox: a Web Lock lets one send at a time, and a BroadcastChannel tells the others to show the change.
// A 429 (slow mode, too many messages) holds every message until its Retry-After; in slow mode the
// next one waits its turn rather than ask early (and be refused). A reply keeps what it answers
// (`reply`: {id, author, preview}) with it, in storage too: sent later, it still answers it.

import { errorCode, eventPath, retryAfter } from "./api.js";
import { db } from "./idb.js";
import { cancelUploads, sendWithFiles } from "./outbox-files.js";
import { postEntry, refusal } from "./outbox-post.js";
import { OutboxStore } from "./outbox-store.js";

const MAX_BACKOFF = 30000;

/**
 * options: scope (what the outbox is kept under, default the slug); token(entry?) → the participant
 * token to send (that entry) with, or null: nothing is sent until there is one;
 * changed(entries, sendingId) — show them; sent(entry, item) — the server stored it as `item`;
 * refused(entry, res) — marked failed; waiting(why|null) — why sending is paused, if it is.
 */
export class Outbox extends OutboxStore {
  constructor(slug, options) {
    super(slug, options);
    this.path = eventPath(slug, "/messages");
    this.flushing = null;
    this.again = false;
    this.timer = null;
    this.failures = 0;
    this.gap = 0; // ms between two messages in slow mode (room-moderation.js sets it)
    this.notBefore = 0; // no message goes before then (ms): a 429's Retry-After, or slow mode
  }

  /** Read what earlier pages of this room left unsent, show it, and send what can be sent. */
  async load() {
    await this.reload();
    this.flush();
  }

  /** Kept under `scope` from now on (a private thread's outbox is its reader's own); shown, and sent. */
  rescope(scope) {
    // Without storage, each scope's messages wait in memory, for as long as the page lives.
    this.others = this.others || new Map();
    this.others.set(this.slug, this.entries);
    const entries = (this.memoryOnly && this.others.get(scope)) || [];
    Object.assign(this, { slug: scope, entries, failures: 0, notBefore: 0 });
    return this.load();
  }

  /** Queue a message (to: privately, to whom; reply: what it answers) behind those that wait, and send. */
  async add(body, clientId, to, reply, files) {
    const entry = await this.keep(body, clientId, "pending", null, null, to, reply, files);
    this.flush();
    return entry;
  }

  /**
   * Send a message now: nothing waits before it. It is neither kept nor shown while this first
   * try is in flight (the writer's box still holds it). Resolves to {sent: item}; {queued: true}
   * when it went into the outbox (out of reach: retried from there; refused for good: shown
   * failed); or {refused: res}, an answer that is the writer's to act on (too fast, not open yet,
   * a nickname no longer valid, an invalid message), with the message left to them.
   */
  async post(body, clientId, to, reply) {
    const token = this.options.token ? this.options.token() : null;
    if (!token || navigator.onLine === false) return { queued: !!(await this.add(body, clientId, to, reply)) };
    this.sending = clientId;
    const outcome = await this.attempt({ body, clientId, to, reply }, token);
    this.sending = null;
    if (outcome.kind === "sent") {
      if (this.options.sent) this.options.sent({ body, clientId, to, reply }, outcome.item);
      return { sent: outcome.item };
    }
    if (outcome.kind === "retry") return { queued: !!(await this.add(body, clientId, to, reply)) };
    if (outcome.kind === "held") return { queued: !!(await this.keep(body, clientId, "held", null, outcome.held.id, to, reply)) };
    if (outcome.kind === "rate") this.pause(outcome.res);
    const code = errorCode(outcome.res);
    if (code === "banned" || code === "event_closed" || code === "muted") { // kept, to retry or discard
      const entry = await this.keep(body, clientId, "failed", this.refusal(outcome.res), null, to, reply);
      if (this.options.refused) this.options.refused(entry, outcome.res);
      return { queued: true };
    }
    return { refused: outcome.res };
  }

  /** One POST: sent (with the stored item), held, retry (out of reach, 5xx), rate, not_open or refused. */
  async attempt(entry, token) {
    const outcome = entry.files ? await sendWithFiles(this, entry, token) : await postEntry(this.path, entry, token);
    if (outcome.kind === "sent" && this.gap) this.notBefore = Math.max(this.notBefore, Date.now() + this.gap); // slow mode: the next waits
    return outcome;
  }

  /** A 429: nothing goes before its Retry-After (at least a second) has passed. */
  pause(res) {
    this.notBefore = Math.max(this.notBefore, Date.now() + Math.max(1, retryAfter(res) || 1) * 1000);
  }

  /** Why the server refused a message, in words the writer can act on. */
  refusal(res) {
    return refusal(res);
  }

  /** An item from the stream: if it is one of ours, it has arrived and leaves the outbox. */
  delivered(item) {
    const entry = item && item.client_id ? this.find(item.client_id) : null;
    if (!entry) return false;
    this.drop(entry);
    return true;
  }

  async discard(clientId) {
    cancelUploads(clientId);
    const entry = this.find(clientId);
    if (entry) await this.drop(entry);
  }

  async retry(clientId) {
    const entry = this.find(clientId);
    if (!entry) return;
    entry.status = "pending";
    entry.error = null;
    this.changed();
    await this.save(entry);
    this.failures = 0;
    this.flush();
  }

  /** Send what is pending now (again after a change made meanwhile). Safe to call any time. */
  flush() {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    clearTimeout(this.timer);
    this.timer = null;
    this.flushing = (async () => {
      do {
        this.again = false;
        await this.locked(() => this.sendAll());
      } while (this.again && !this.timer);
    })().catch(() => {}).finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  later(ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, ms);
  }

  waiting(why) {
    if (this.options.waiting) this.options.waiting(why);
  }

  /** The retry loop: the pending messages in order, until one must wait (or none is left). */
  async sendAll() {
    for (;;) {
      // Another tab may have sent, retried or discarded meanwhile: the stored outbox is the truth.
      if (!this.memoryOnly) {
        const stored = await db.outbox.list(this.slug);
        if (stored) {
          this.entries = stored;
          this.changed();
        }
      }
      const entry = this.entries.find((e) => e.status === "pending");
      if (!entry) {
        this.failures = 0;
        return this.waiting(null);
      }
      if (navigator.onLine === false) return this.waiting("offline"); // 'online' sends again
      const token = this.options.token ? this.options.token(entry) : null;
      if (!token) return this.waiting("nickname");
      // Slow mode, or a 429 a moment ago: its turn comes then (a flush meanwhile does not hurry it).
      const early = this.notBefore - Date.now();
      if (early > 0) {
        this.later(early);
        return this.waiting(this.gap ? "slow" : "rate");
      }
      this.sending = entry.clientId;
      this.changed();
      const outcome = await this.attempt(entry, token);
      this.sending = null;
      if (outcome.kind === "sent") {
        this.failures = 0;
        // The stream may have brought it first (and dropped it already): then there is nothing to do.
        if (this.find(entry.clientId)) await this.drop(entry);
        if (this.options.sent) this.options.sent(entry, outcome.item);
        continue;
      }
      this.changed();
      if (outcome.kind === "gone") continue; // discarded while its files went up
      if (outcome.kind === "held") { // the word filter: for the hosts to approve (held.js follows it)
        const kept = this.find(entry.clientId);
        if (kept) await this.save(Object.assign(kept, { status: "held", held: outcome.held.id }));
        this.changed();
        continue;
      }
      if (outcome.kind === "retry") {
        this.failures += 1;
        this.later(Math.min(MAX_BACKOFF, 1000 * 2 ** Math.min(this.failures - 1, 5)));
        return this.waiting("network");
      }
      if (outcome.kind === "rate") {
        this.pause(outcome.res);
        this.later(this.notBefore - Date.now());
        return this.waiting(this.gap ? "slow" : "rate");
      }
      if (outcome.kind === "not_open") return this.waiting("not_open"); // sent again when the room opens
      // Refused: kept, marked failed with the reason, for the writer to retry or discard.
      const stored = this.find(entry.clientId);
      if (stored) {
        stored.status = "failed";
        stored.error = this.refusal(outcome.res);
        this.changed();
        await this.save(stored);
        if (this.options.refused) this.options.refused(stored, outcome.res);
      }
      if (errorCode(outcome.res) === "unauthorized") return this.waiting("nickname");
    }
  }
}
