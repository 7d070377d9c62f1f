// The outbox: messages written in the room but not yet accepted by the server, kept in IndexedDB
// so that they survive a reload. They are sent one at a time, in the order written, each with its
// client_id: a retry after a lost answer is stored only once by the server, so nothing is lost or
// doubled. A message the server refuses is marked failed, with the reason, until the writer
// retries or discards it. Tabs of one room share the outbox: a Web Lock lets one send at a time,
// and a BroadcastChannel tells the others to show the change.
"use strict";

(function () {
  const Chat = self.Chat;
  const MAX_BACKOFF = 30000;

  /** Why the server refused a message, in words the writer can act on. */
  function reason(res) {
    switch (Chat.errorCode(res)) {
      case "event_closed":
        return "The event has closed.";
      case "banned":
        return "The host removed you from this room.";
      case "unauthorized":
        return "Your nickname is no longer valid in this room. Join again, then retry.";
      case "not_found":
        return "This event no longer exists.";
      default:
        return Chat.errorMessage(res);
    }
  }

  /**
   * options: token() → the participant token (or null: nothing is sent until there is one);
   * changed(entries) — show them; sent(entry, item) — the server stored it as `item`;
   * refused(entry, res) — marked failed; waiting(text|null) — why sending is paused, if it is.
   */
  class Outbox {
    constructor(slug, options) {
      this.slug = slug;
      this.path = `/api/events/${encodeURIComponent(slug)}/messages`;
      this.options = options || {};
      this.entries = [];
      this.sending = null; // clientId of the post in flight
      this.memoryOnly = !Chat.db;
      this.flushing = null;
      this.again = false;
      this.timer = null;
      this.failures = 0;
      this.counter = 0;
      this.channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("chatserver.outbox." + slug) : null;
      if (this.channel) this.channel.addEventListener("message", () => this.reload());
    }

    /** Read what earlier pages of this room left unsent, show it, and send what can be sent. */
    async load() {
      await this.reload();
      this.flush();
    }

    async reload() {
      if (this.memoryOnly) return this.changed();
      const entries = await Chat.db.outbox.list(this.slug);
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
      if (!this.memoryOnly && !(await Chat.db.outbox.put(entry))) this.memoryOnly = true;
      this.tell();
    }

    /** Messages waiting to go out: a new one must queue behind them to keep the order. */
    queued() {
      return this.entries.some((e) => e.status === "pending");
    }

    /** Queue a message (with the client_id a direct attempt already used, if any) and send. */
    async add(body, clientId) {
      const entry = {
        clientId: clientId || Chat.randomId(), slug: this.slug, body,
        seq: Date.now() + (this.counter++ % 1000) / 1000, status: "pending", error: null,
      };
      this.entries.push(entry);
      // Kept first, shown second: "pending" must mean it survives the tab closing now.
      await this.save(entry);
      this.changed();
      this.flush();
      return entry;
    }

    find(clientId) {
      return this.entries.find((e) => e.clientId === clientId) || null;
    }

    /** An item from the stream: if it is one of ours, it has arrived and leaves the outbox. */
    delivered(item) {
      const entry = item && item.client_id ? this.find(item.client_id) : null;
      if (!entry) return false;
      this.drop(entry);
      return true;
    }

    async drop(entry) {
      this.entries = this.entries.filter((e) => e.clientId !== entry.clientId);
      this.changed();
      if (!this.memoryOnly) await Chat.db.outbox.remove(entry.clientId);
      this.tell();
    }

    async discard(clientId) {
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
          if (navigator.locks && navigator.locks.request) {
            await navigator.locks.request("chatserver.outbox." + this.slug, () => this.sendAll());
          } else {
            await this.sendAll();
          }
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

    waiting(text) {
      if (this.options.waiting) this.options.waiting(text);
    }

    async sendAll() {
      for (;;) {
        // Another tab may have sent, retried or discarded meanwhile: the stored outbox is the truth.
        if (!this.memoryOnly) {
          const stored = await Chat.db.outbox.list(this.slug);
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
        const token = this.options.token ? this.options.token() : null;
        if (!token) return this.waiting("nickname");
        this.sending = entry.clientId;
        this.changed();
        let res = null;
        try {
          res = await Chat.api("POST", this.path, { body: entry.body, client_id: entry.clientId }, token, { timeout: 15000 });
        } catch (e) {
          res = null; // network trouble: the same client_id goes again later
        }
        this.sending = null;
        if (res && (res.status === 201 || res.status === 200) && res.data && res.data.message) {
          this.failures = 0;
          // The stream may have brought it first (and dropped it already): then there is nothing to do.
          if (this.find(entry.clientId)) await this.drop(entry);
          if (this.options.sent) this.options.sent(entry, res.data.message);
          continue;
        }
        if (!res || res.status >= 500) {
          this.failures += 1;
          const delay = Math.min(MAX_BACKOFF, 1000 * 2 ** Math.min(this.failures - 1, 5));
          this.changed();
          this.later(delay);
          return this.waiting("network");
        }
        const code = Chat.errorCode(res);
        if (res.status === 429) {
          this.changed();
          this.later(Math.max(1, Chat.retryAfter(res) || 1) * 1000);
          return this.waiting("rate");
        }
        if (code === "not_open") {
          this.changed();
          return this.waiting("not_open"); // sent again when the room opens
        }
        // Refused: kept, marked failed with the reason, for the writer to retry or discard.
        const stored = this.find(entry.clientId);
        if (stored) {
          stored.status = "failed";
          stored.error = { code, status: res.status, message: reason(res) };
          this.changed();
          await this.save(stored);
          if (this.options.refused) this.options.refused(stored, res);
        }
        if (code === "unauthorized") return this.waiting("nickname");
      }
    }
  }

  Chat.Outbox = Outbox;
})();
