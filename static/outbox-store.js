// The outbox's messages, kept (outbox.js sends them): what the server has not accepted yet is kept
// in IndexedDB, so it survives a reload (in memory for the page's lifetime where storage is
// refused), under its scope: the room, or the room in one embedding site's chat bar. Tabs of one
// room share it: a BroadcastChannel tells the others to show each change, and a Web Lock lets one
// tab at a time work on it.

import { db } from "./idb.js";
import { randomId } from "./util.js";

export class OutboxStore {
  /** options: scope (what it is kept under, default the slug); changed(entries, sendingId) — show them. */
  constructor(slug, options) {
    // What it is kept under: the room, or the room in one embedding site's chat bar (options.scope),
    // so that a message written as one identity is never sent with another's token.
    this.slug = (options && options.scope) || slug;
    this.options = options || {};
    this.entries = [];
    this.sending = null; // clientId of the post in flight
    this.memoryOnly = false;
    this.counter = 0;
    this.channel = null; // tells this room's other tabs that the outbox changed
    try {
      if (typeof BroadcastChannel === "function") this.channel = new BroadcastChannel("chatserver.outbox." + slug);
    } catch (e) {
      console.warn(`chatserver: BroadcastChannel is not available here (${e.name}); the outbox is this tab's own`);
    }
    if (this.channel) this.channel.addEventListener("message", () => this.reload());
  }

  async reload() {
    if (this.memoryOnly) return this.changed();
    const entries = await db.outbox.list(this.slug);
    if (entries === null) this.memoryOnly = true;
    else this.entries = entries;
    this.changed();
  }

  changed() {
    if (this.options.changed) this.options.changed(this.entries.slice(), this.sending);
  }

  tell() {
    if (this.channel) this.channel.postMessage("changed");
  }

  async save(entry) {
    if (!this.memoryOnly && !(await db.outbox.put(entry))) this.memoryOnly = true;
    this.tell();
  }

  /** Messages waiting to go out: a new one must queue behind them to keep the order. */
  queued() {
    return this.entries.some((e) => e.status === "pending");
  }

  /** Keep a message (with the client_id a first attempt already used, if any) and show it; files: outbox-files.js. */
  async keep(body, clientId, status, error, held, to, reply, files) {
    const entry = {
      clientId: clientId || randomId(), slug: this.slug, body, seq: Date.now() + (this.counter++ % 1000) / 1000,
      status, error: error || null, held: held || null, to: to ?? null, reply: reply || null, ...(files && files.length && { files }),
    };
    this.entries.push(entry);
    // Kept first, shown second: "pending" must mean it survives the tab closing now.
    await this.save(entry);
    this.changed();
    return entry;
  }

  find(clientId) {
    return this.entries.find((e) => e.clientId === clientId) || null;
  }

  async drop(entry) {
    this.entries = this.entries.filter((e) => e.clientId !== entry.clientId);
    this.changed();
    if (!this.memoryOnly) await db.outbox.remove(entry.clientId);
    this.tell();
  }

  /** Run fn holding this outbox's lock (one tab sends at a time). A third-party frame whose
   *  storage is blocked is refused the lock (SecurityError): it has no shared outbox to guard. */
  async locked(fn) {
    if (!navigator.locks || !navigator.locks.request) return fn();
    let ran = false;
    try {
      return await navigator.locks.request("chatserver.outbox." + this.slug, () => ((ran = true), fn()));
    } catch (e) {
      if (ran || !e || e.name !== "SecurityError") throw e;
      return fn();
    }
  }
}
