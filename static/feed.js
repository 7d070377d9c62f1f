// One room's stream for every tab of this browser: a single long poll (stream.js) whose items,
// state, read receipts and connection trouble are handed to all tabs, and kept in IndexedDB so a
// reload shows the conversation at once and catches up from the cached cursor.
// It runs in the shared worker (static/chat-worker.js), or in the leader tab where there is none.
// A feed reads for one viewer ("p<participant id>" or "public"): the stream carries that reader's
// private items, so another reader gets a feed of their own, and the cache is only ever one
// viewer's (idb.js): a copy of someone else's is dropped, and the stream read again from the start.

import { db } from "./idb.js";
import { Stream } from "./stream.js";

/**
 * emit(message) sends to every tab; seed {items, cursor, state, reads} is what a tab taking over
 * already knows (of the same viewer); viewer: whose view it reads. Messages: snapshot (all that is
 * known, for a tab that arrives), items, state, loaded, reset, trouble, status, reads, typing (who is
 * typing: never cached, nor in a snapshot, since it is gone in seconds) — each with `slug` and `viewer`.
 */
export class Feed {
  constructor(slug, emit, seed, viewer) {
    this.slug = slug;
    this.viewer = viewer || "public";
    this.emit = emit;
    this.items = [];
    this.ids = new Set();
    this.cursor = 0;
    this.state = null;
    this.loaded = false;
    this.reads = null;
    this.trouble = null;
    this.status = "";
    this.token = null;
    this.stream = null;
    this.started = false;
    this.stopped = false;
    this.writing = Promise.resolve(); // cache writes, one after the other
    if (seed) {
      this.absorb(seed.items || [], seed.cursor || 0);
      this.state = seed.state || null;
      this.reads = seed.reads || null;
    }
  }

  /** Take items in (once each, in id order); returns those that were new. */
  absorb(items, cursor) {
    const fresh = [];
    const lastBefore = this.items.length ? this.items[this.items.length - 1].id : 0;
    for (const item of items) {
      if (!item || typeof item.id !== "number" || this.ids.has(item.id)) continue;
      this.ids.add(item.id);
      fresh.push(item);
    }
    this.items.push(...fresh);
    if (fresh.length && fresh[0].id < lastBefore) this.items.sort((a, b) => a.id - b.id);
    const last = this.items.length ? this.items[this.items.length - 1].id : 0;
    this.cursor = Math.max(this.cursor, cursor || 0, last);
    return fresh;
  }

  snapshot() {
    return {
      type: "snapshot", slug: this.slug, viewer: this.viewer, items: this.items, cursor: this.cursor, state: this.state,
      loaded: this.loaded, reads: this.reads, trouble: this.trouble, status: this.status,
    };
  }

  send(message) {
    message.slug = this.slug;
    message.viewer = this.viewer;
    this.emit(message);
  }

  /** Cache writes, one after the other; none once stopped (another viewer's feed may own the copy). */
  cache(fn) {
    const write = () => (this.stopped ? null : fn());
    this.writing = this.writing.then(write, write);
  }

  /** Write to this viewer's copy; a missing or another viewer's copy is replaced with all we know. */
  async save(items, cursor, state) {
    const saved = await db.saveItems(this.slug, items, cursor, state, this.viewer);
    if (saved === "stale" && !this.stopped) await db.replaceRoom(this.slug, this.viewer, this.items, this.cursor, this.state);
  }

  /** Read the cache (when nothing is known yet), tell every tab, then follow the stream. */
  async start() {
    if (this.started) return;
    this.started = true;
    if (!this.items.length) {
      const cached = await db.loadRoom(this.slug);
      if (this.stopped) return;
      if (cached.viewer === this.viewer) {
        this.absorb(cached.items, cached.cursor);
        if (cached.state && !this.state) this.state = cached.state;
      } else if (cached.cursor || cached.items.length) {
        await db.clearRoom(this.slug); // someone else's view: gone now, not at the next write
        if (this.stopped) return;
      }
    }
    this.send(this.snapshot());
    const stream = (this.stream = new Stream(this.slug, {
      token: () => this.token,
      readsVersion: () => (this.reads ? this.reads.version : 0),
      items: (items, data) => {
        const fresh = this.absorb(items, data.cursor);
        const cursor = this.cursor;
        this.cache(() => this.save(fresh, cursor, data.state));
        if (fresh.length) this.send({ type: "items", items: fresh, state: data.state, server_time: data.server_time });
      },
      state: (state, data) => {
        const changed = state !== this.state;
        this.state = state;
        if (changed) this.cache(() => this.save([], 0, state));
        this.send({ type: "state", state, server_time: data && data.server_time });
      },
      reads: (reads) => {
        this.reads = reads;
        this.send({ type: "reads", reads });
      },
      typing: (typists, all) => this.send({ type: "typing", typists, all }),
      signal: (signal) => this.send({ type: "signal", signal }), // a call's: never cached, nor in a snapshot
      loaded: () => {
        this.loaded = true;
        this.send({ type: "loaded" });
      },
      reset: () => {
        this.items = [];
        this.ids.clear();
        this.cursor = 0;
        this.loaded = false;
        this.cache(() => db.clearRoom(this.slug));
        this.send({ type: "reset" });
      },
      trouble: (info) => {
        this.trouble = info;
        this.send({ type: "trouble", info });
      },
      status: (text) => {
        if (text === this.status) return;
        this.status = text;
        this.send({ type: "status", text });
      },
    }));
    stream.cursor = this.cursor;
    for (const id of this.ids) stream.seen.add(id);
    stream.run();
  }

  /** The participant token the poll carries (so the reader counts as online). */
  setToken(token) {
    if ((token || null) === this.token) return;
    this.token = token || null;
    if (this.stream) this.stream.kick(true); // poll again now with it: the others see us online
  }

  kick(restart) {
    if (this.stream) this.stream.kick(restart);
  }

  wake() {
    if (this.stream) this.stream.wake();
  }

  /** What a tab asks of the poll, wherever the feed runs: {type: kick|wake|token, …}. */
  command(message) {
    if (message.type === "kick") this.kick(!!message.restart);
    else if (message.type === "wake") this.wake();
    else if (message.type === "token") this.setToken(message.token);
  }

  stop() {
    this.stopped = true;
    if (this.stream) this.stream.stop();
  }
}

