// The stream transport: follows an event's stream with long polls, and once the history is read,
// over Server-Sent Events (sse.js: read with fetch, so that the token still travels in a header).
// Works in a page and in a worker (no document there: the tabs forward their visibility).

import { errorCode, errorMessage, eventPath, fetchJson, retryAfter } from "./api.js";
import { t } from "./i18n.js";
import { streamOnce } from "./sse.js";
import { sleepUnless } from "./util.js";

// What the status handler is told; in a worker, in the language its URL names (tabs.js).
const TEXT = {
  gone: t("This event no longer exists."),
  retrying: (n) => t("Connection lost; trying again in {n} s.", { n }),
};

// Streams unless the page (or the worker, from the room's URL) says ?transport=poll: an escape
// hatch for networks whose proxies hold streams back, and what long-poll tests use.
export const streaming = !/[?&]transport=poll(&|$)/.test((self.location && self.location.search) || "");

const OFFLINE = { status: 0, data: null, headers: null, aborted: false };

/**
 * `after` = the last cursor, `wait` = 25 s, one poll at a time with a fetch timeout above the hold.
 * An empty answer polls again at once; errors back off exponentially with jitter (up to 30 s); 429
 * waits for Retry-After; 409 cursor_ahead reads the stream again from 0. It stops once the event is
 * closed and every item has been read, and for good on a 404, a 410 (erased by retention) or a 403
 * (closed, its transcript kept for the hosts). SSE falls back to long polls for good where it does not
 * work (a proxy that buffers, an old server).
 *
 * handlers (all optional): token() → participant token sent so the reader counts as online;
 * items(list, meta); state(state, data); reset(); status(text) — "" once connected again;
 * trouble(info|null) — {attempt, retryAt, reason} while reconnecting, null when a poll succeeds;
 * {reason: "gone" | "hosts_only" | "erased", retryAt: null, message} once it stopped for good;
 * loaded() — after the first complete read of the stream; readsVersion() → the version of read
 * receipts known (then asked for newer ones with `reads=`), or null; reads({version, by});
 * typing(typists, all) — who is typing ([{participant_id, nickname, expires_in?}]): one typist from
 * the stream (all false), or everyone typing now from a poll (all true; polls then ask `typing=1`);
 * signal(s) — a call's signal for this reader (call.js), each once by its id (polls ask `signals=1`).
 */
export class Stream {
  constructor(slug, handlers) {
    this.slug = slug;
    this.cursor = 0;
    this.wait = 25;
    this.timeout = 35000; // ms; above the hold, so only a dead connection hits it
    this.maxBackoff = 30000;
    this.stopped = false;
    this.running = false;
    this.loaded = false;
    this.handlers = handlers || {};
    this.controller = null; // the poll in flight
    this.napper = null; // the backoff sleep in progress
    this.seen = new Set(); // ids delivered since the last reset: nothing is handed over twice
    this.streamTimeout = 40000; // ms without a byte (the server sends one every 15 s) ends a stream
    this.streaming = streaming && typeof TextDecoder === "function"; // false: polls only
    this.shortStreams = 0; // streams that ended at once in a row (something in between buffers)
    this.transport = "poll";
    this.signalIds = new Set(); // the signals handed over: a repeat (another process's poll) is dropped
    this.signalsCursor = null;
  }

  /** One signal of a call, from the stream or a poll: handed over once. */
  takeSignal(s) {
    if (!s || typeof s.type !== "string" || !this.handlers.signal) return;
    if (s.id !== undefined) {
      if (this.signalIds.has(s.id)) return;
      this.signalIds.add(s.id);
      if (this.signalIds.size > 500) this.signalIds.delete(this.signalIds.values().next().value);
    }
    this.handlers.signal(s);
  }

  stop() {
    this.stopped = true;
    if (this.controller) this.controller.abort();
    if (this.napper) this.napper.abort();
  }

  /**
   * Poll again now: ends a backoff sleep, and with `restart` also drops a held poll (its
   * connection may be dead after a network change or a sleeping laptop). Safe: the cursor
   * only moves on an answer.
   */
  kick(restart) {
    if (this.napper) this.napper.abort();
    if (restart && this.controller) {
      this.kicked = true;
      this.controller.abort();
    }
  }

  /** The page is shown again: poll now, dropping a held poll that has likely died meanwhile. */
  wake() {
    const stale = !!this.pollStarted && Date.now() - this.pollStarted > (this.wait + 3) * 1000;
    this.kick(stale);
  }

  /** Start polling once; resumes by itself on `online` and when the page is shown again. */
  run() {
    if (this.running) return this.done;
    this.running = true;
    if (!this.listening) {
      this.listening = true;
      self.addEventListener("online", () => this.kick(true)); // a window or a worker
      // Gone offline: a held poll is most likely dead; the next one says so at once.
      self.addEventListener("offline", () => this.kick(true));
      if (typeof document !== "undefined") {
        document.addEventListener("visibilitychange", () => {
          if (document.visibilityState === "visible") this.wake();
        });
      }
    }
    this.done = this.loop().finally(() => {
      this.running = false;
    });
    return this.done;
  }

  /** The URL of a poll or a stream, from the cursor (and the read receipts' version, if asked). */
  url(kind, extra) {
    let url = eventPath(this.slug, `/${kind}?after=${this.cursor}${extra}`);
    const reads = this.handlers.readsVersion ? this.handlers.readsVersion() : null;
    if (typeof reads === "number") url += `&reads=${reads}`;
    return url;
  }

  async poll() {
    const controller = (this.controller = new AbortController());
    const timer = setTimeout(() => controller.abort(), this.timeout);
    this.pollStarted = Date.now();
    try {
      // The first reads, and the first poll after trouble, answer at once: the history shows
      // without delay, and a reconnection is confirmed (and its banner cleared) right away.
      const wait = this.loaded && !this.troubled ? this.wait : 0;
      // The browser knows it is offline: the request would fail anyway. (A shared worker's own
      // requests may even slip past a browser's offline switch; its navigator.onLine does not.)
      if (navigator.onLine === false) return OFFLINE;
      const token = this.handlers.token ? this.handlers.token() : null; // counts us as online
      const typing = this.handlers.typing ? "&typing=1" : ""; // who is typing, with each answer
      let signals = this.handlers.signal && token ? "&signals=1" : ""; // a call's signals too
      if (signals && this.signalsCursor !== null) signals += `&signals_after=${encodeURIComponent(this.signalsCursor)}`;
      return await fetchJson("GET", this.url("messages", `&wait=${wait}${typing}${signals}`), { token, signal: controller.signal });
    } catch (e) {
      return { status: 0, data: null, headers: null, aborted: controller.signal.aborted };
    } finally {
      clearTimeout(timer);
      this.controller = null;
      this.pollStarted = 0;
    }
  }

  async nap(ms) {
    const napper = (this.napper = new AbortController());
    await sleepUnless(ms, napper.signal);
    this.napper = null;
  }

  /** A poll's answer with messages: hand over what is new; false once nothing more can come. */
  async answered(d) {
    const h = this.handlers;
    this.state = d.state;
    this.serverTime = d.server_time;
    const fresh = d.messages.filter((item) => item && typeof item.id === "number" && !this.seen.has(item.id));
    for (const item of fresh) this.seen.add(item.id);
    if (typeof d.cursor === "number" && d.cursor >= this.cursor) this.cursor = d.cursor;
    if (fresh.length && h.items) h.items(fresh, d);
    if (d.reads && typeof d.reads.version === "number" && Array.isArray(d.reads.by) && h.reads) h.reads(d.reads);
    if (Array.isArray(d.typing) && h.typing) h.typing(d.typing, true);
    if (Array.isArray(d.signals)) for (const signal of d.signals) this.takeSignal(signal);
    if (d.signals_cursor !== undefined) this.signalsCursor = d.signals_cursor;
    if (h.state) h.state(d.state, d);
    if (!this.loaded && !d.more) {
      this.loaded = true; // from now on polls hold; the first reads answer at once
      if (h.loaded) h.loaded(d);
    }
    if (d.state === "closed" && !d.more) return false; // nothing can be added any more
    // The server holds too many connections to hold ours: it answered at once and says when
    // to come back. Polling again now would only spin.
    if (typeof d.retry_after === "number" && !fresh.length) await this.nap(Math.min(60, d.retry_after) * 1000);
    return true;
  }

  async loop() {
    const h = this.handlers;
    let failures = 0;
    this.troubled = false;
    while (!this.stopped) {
      const stream = this.streaming && this.loaded && !this.troubled;
      const res = stream ? await streamOnce(this) : await this.poll();
      if (this.stopped) return;
      if (res.status === 0 && this.kicked) {
        this.kicked = false; // dropped on purpose by kick(true): poll again at once
        continue;
      }
      this.kicked = false;
      if (res.streamed) {
        if (res.closed) return; // the closing item came: nothing can be added any more
        // Ended by the server (a restart): reconnect. Ended at once, again and again, with
        // nothing in it: something in between buffers the stream, so polls it is.
        this.shortStreams = res.short ? this.shortStreams + 1 : 0;
        if (this.shortStreams >= 3) this.streaming = false;
        continue;
      }
      if (res.status === 200 && res.data && Array.isArray(res.data.messages)) {
        failures = 0;
        if (this.troubled) {
          this.troubled = false;
          if (h.trouble) h.trouble(null);
        }
        if (h.status) h.status("");
        if (!(await this.answered(res.data))) return;
        continue;
      }
      if (res.status === 409 && errorCode(res) === "cursor_ahead") {
        // The server's stream is behind our cursor (a restored database): read it again from the start.
        this.cursor = 0;
        this.seen.clear();
        this.loaded = false;
        if (h.reset) h.reset();
        continue;
      }
      if (res.status === 404 || res.status === 410 || (res.status === 403 && errorCode(res) === "forbidden")) {
        // No such event; erased; closed with its transcript for the hosts only: asking again changes nothing.
        const reason = res.status === 404 ? "gone" : res.status === 410 ? "erased" : "hosts_only";
        if (reason === "gone" && h.status) h.status(TEXT.gone);
        if (h.trouble) h.trouble({ attempt: failures + 1, retryAt: null, reason, message: errorMessage(res) });
        return;
      }
      failures += 1;
      await this.backOff(res, failures);
    }
  }

  /** A failed poll: say so, and wait before the next (Retry-After, else growing with jitter). */
  async backOff(res, failures) {
    const h = this.handlers;
    let delay;
    let reason;
    const wait = res.status === 429 ? retryAfter(res) : null;
    if (wait !== null) {
      delay = Math.max(1000, wait * 1000);
      reason = "rate_limited";
    } else {
      // 1 s, 2 s, 4 s … capped at 30 s, each ±25 % so that a crowd does not come back in step.
      delay = Math.min(this.maxBackoff, 1000 * 2 ** Math.min(failures - 1, 5)) * (0.75 + Math.random() / 2);
      reason = res.status === 0 ? (res.aborted ? "timeout" : "network") : "server";
    }
    this.troubled = true;
    if (h.trouble) h.trouble({ attempt: failures, retryAt: Date.now() + delay, reason, status: res.status });
    if (h.status) h.status(TEXT.retrying(Math.max(1, Math.round(delay / 1000))));
    await this.nap(delay);
  }
}
