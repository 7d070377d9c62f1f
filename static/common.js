// Shared helpers for every page: local times, JSON calls, the long-poll stream and the item list.
// User text only ever goes into the page through textContent (and links built with createElement).
// Also loaded by the shared worker (static/chat-worker.js): nothing here may touch the DOM when loaded.
"use strict";

(function () {
  const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });
  const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "medium" });

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  /** "8:15 PM" for today, "Nov 21, 2026, 8:15 PM" for another day (in the reader's time zone). */
  function formatTime(date, now) {
    const d = date instanceof Date ? date : new Date(date);
    if (isNaN(d)) return "";
    return d.toDateString() === (now || new Date()).toDateString() ? timeFormat.format(d) : dateTimeFormat.format(d);
  }

  /** The whole moment, for a tooltip: "Saturday, November 21, 2026 at 8:15:03 PM". */
  function formatFull(date) {
    const d = date instanceof Date ? date : new Date(date);
    return isNaN(d) ? "" : fullFormat.format(d);
  }

  /** Show <time data-local="datetime|time|end|auto"> elements in the reader's time zone. */
  function localTimes(root) {
    for (const el of (root || document).querySelectorAll("time[data-local]")) {
      const date = new Date(el.getAttribute("datetime"));
      if (isNaN(date)) continue;
      const kind = el.dataset.local;
      let text = kind === "time" ? timeFormat.format(date) : kind === "auto" ? formatTime(date) : dateTimeFormat.format(date);
      if (kind === "end") {
        // "Nov 21, 8:00 PM – 9:30 PM": an end on the start's day shows only its time.
        const prev = el.previousElementSibling;
        const start = prev && prev.tagName === "TIME" ? new Date(prev.getAttribute("datetime")) : null;
        if (start && start.toDateString() === date.toDateString()) text = timeFormat.format(date);
      }
      el.textContent = text;
      el.title = formatFull(date);
    }
  }

  /** "2 h 05 min", "3 min 07 s", "12 s": a duration in seconds, for countdowns. */
  function formatDuration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    const n = (value, unit) => `${value}\u00a0${unit}`;
    if (s < 60) return n(s, "s");
    if (s < 3600) return `${n(Math.floor(s / 60), "min")} ${n(pad(s % 60), "s")}`;
    if (s < 86400) return `${n(Math.floor(s / 3600), "h")} ${n(pad(Math.floor((s % 3600) / 60)), "min")}`;
    const days = Math.floor(s / 86400);
    return `${n(days, days === 1 ? "day" : "days")} ${n(Math.floor((s % 86400) / 3600), "h")}`;
  }

  /** A Date as RFC 3339 with the browser's offset for that date, e.g. 2026-11-21T20:00:00+01:00. */
  function toOffsetISO(date) {
    const offset = -date.getTimezoneOffset();
    const sign = offset >= 0 ? "+" : "-";
    const abs = Math.abs(offset);
    return (
      `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
      `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
      `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
    );
  }

  /** The value of an <input type=datetime-local> showing this moment in local time. */
  function toLocalInput(date) {
    return (
      `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
      `T${pad(date.getHours())}:${pad(date.getMinutes())}`
    );
  }

  /** Parse a datetime-local value as local time; null when empty or invalid. */
  function fromLocalInput(value) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value || "");
    if (!m) return null;
    const date = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
    return isNaN(date) ? null : date;
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Like sleep, but resolves early (to true) when `signal` aborts. */
  function sleepUnless(ms, signal) {
    return new Promise((resolve) => {
      if (signal && signal.aborted) return resolve(true);
      const done = (woken) => {
        clearTimeout(timer);
        if (signal) signal.removeEventListener("abort", onAbort);
        resolve(woken);
      };
      const onAbort = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      if (signal) signal.addEventListener("abort", onAbort);
    });
  }

  /** A random id for safe retries of a post (works outside secure contexts too). */
  function randomId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return "c-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /**
   * Call the JSON API. Resolves to {status, data, headers}; rejects only when the network fails.
   * Credentials travel in the Authorization header, never in the URL.
   * `options.signal` / `options.timeout` (ms) abort the call (it then rejects).
   */
  async function api(method, path, body, token, options) {
    const opts = options || {};
    const headers = { Accept: "application/json" };
    if (body !== undefined && body !== null) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = "Bearer " + token;
    let signal = opts.signal;
    let timer = null;
    if (opts.timeout) {
      const controller = new AbortController();
      timer = setTimeout(() => controller.abort(), opts.timeout);
      if (signal) signal.addEventListener("abort", () => controller.abort());
      signal = controller.signal;
    }
    try {
      const response = await fetch(path, {
        method,
        headers,
        body: body !== undefined && body !== null ? JSON.stringify(body) : undefined,
        cache: "no-store",
        credentials: "omit",
        signal,
      });
      let data = null;
      try {
        data = await response.json();
      } catch (e) {
        if (signal && signal.aborted) throw e;
        data = null;
      }
      return { status: response.status, data, headers: response.headers };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  function errorCode(res) {
    return res && res.data && res.data.error ? res.data.error.code : null;
  }

  function errorMessage(res, fallback) {
    if (res && res.data && res.data.error && res.data.error.message) return res.data.error.message;
    return fallback || `The server answered ${res ? res.status : "nothing"}; please try again.`;
  }

  /** Seconds from a Retry-After header (delta-seconds or an HTTP date); null when absent. */
  function retryAfter(res) {
    const value = res && res.headers && res.headers.get ? res.headers.get("Retry-After") : null;
    if (!value) return null;
    if (/^\d+$/.test(value.trim())) return parseInt(value, 10);
    const when = Date.parse(value);
    return isNaN(when) ? null : Math.max(0, Math.ceil((when - Date.now()) / 1000));
  }

  /** Show text in an element, or hide it when the text is empty. */
  function say(el, text, kind) {
    if (!el) return;
    el.textContent = text || "";
    el.hidden = !text;
    if (kind) el.dataset.kind = kind;
    else delete el.dataset.kind;
  }

  // --- links in user text ---------------------------------------------------------------------

  const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;

  /** Drop punctuation that ends a sentence rather than the address: "see https://x.org/a)." */
  function trimUrl(url) {
    for (;;) {
      const last = url[url.length - 1];
      if (".,;:!?'*".includes(last)) {
        url = url.slice(0, -1);
      } else if (last === ")" || last === "]" || last === "}") {
        const open = { ")": "(", "]": "[", "}": "{" }[last];
        if (url.split(open).length >= url.split(last).length) break; // balanced: part of the URL
        url = url.slice(0, -1);
      } else {
        break;
      }
    }
    return url;
  }

  /**
   * Fill `el` with `text`, turning http(s) addresses into links that open in a new tab.
   * Everything is text nodes and <a> elements made here: the text is never parsed as HTML.
   */
  function linkify(el, text) {
    el.replaceChildren();
    const value = String(text == null ? "" : text);
    let at = 0;
    for (const match of value.matchAll(URL_PATTERN)) {
      const url = trimUrl(match[0]);
      let parsed = null;
      try {
        parsed = new URL(url);
      } catch (e) {
        parsed = null;
      }
      if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || !parsed.host) continue;
      if (match.index > at) el.append(document.createTextNode(value.slice(at, match.index)));
      const a = document.createElement("a");
      a.href = parsed.href;
      a.target = "_blank";
      a.rel = "noopener nofollow ugc";
      a.textContent = url;
      el.append(a);
      at = match.index + url.length;
    }
    if (at < value.length) el.append(document.createTextNode(value.slice(at)));
  }

  /**
   * Follows an event's stream with long polls: `after` = the last cursor, `wait` = 25 s, one poll at
   * a time with a fetch timeout above the hold. An empty answer polls again at once; errors back off
   * exponentially with jitter (up to 30 s); 429 waits for Retry-After; 409 cursor_ahead reads the
   * stream again from 0. It stops once the event is closed and every item has been read.
   * Once the history is read, it follows the same stream over Server-Sent Events (one response,
   * read with fetch so that the token still travels in a header), and falls back to long polls for
   * good where that does not work (a proxy that buffers, an old server). Errors are handled alike.
   *
   * handlers (all optional): token() → participant token sent so the reader counts as online;
   * items(list); state(state, data); reset(); status(text) — "" once connected again;
   * trouble(info|null) — {attempt, retryAt, reason} while reconnecting, null when a poll succeeds;
   * loaded() — after the first complete read of the stream;
   * readsVersion() → the version of read receipts known (polls then ask for newer ones with
   * `reads=`), or null not to ask; reads({version, by}) — newer read receipts.
   * It also works inside a worker (no document there: the tabs forward their visibility).
   */
  class Stream {
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
      this.streaming = Stream.streaming && typeof TextDecoder === "function"; // false: polls only
      this.shortStreams = 0; // streams that ended at once in a row (something in between buffers)
      this.transport = "poll";
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
      // A poll held for longer than its hold has likely died with a suspended tab.
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

    async poll() {
      const h = this.handlers;
      const controller = (this.controller = new AbortController());
      const timer = setTimeout(() => controller.abort(), this.timeout);
      this.pollStarted = Date.now();
      try {
        const headers = { Accept: "application/json" };
        const token = h.token ? h.token() : null;
        if (token) headers.Authorization = "Bearer " + token; // counts us as online
        // The first reads, and the first poll after trouble, answer at once: the history shows
        // without delay, and a reconnection is confirmed (and its banner cleared) right away.
        const wait = this.loaded && !this.troubled ? this.wait : 0;
        let url = `/api/events/${encodeURIComponent(this.slug)}/messages?after=${this.cursor}&wait=${wait}`;
        const reads = h.readsVersion ? h.readsVersion() : null;
        if (typeof reads === "number") url += `&reads=${reads}`;
        // The browser knows it is offline: the request would fail anyway. (A shared worker's own
        // requests may even slip past a browser's offline switch; its navigator.onLine does not.)
        if (navigator.onLine === false) return { status: 0, data: null, headers: null, aborted: false };
        const response = await fetch(url, { headers, cache: "no-store", credentials: "omit", signal: controller.signal });
        let data = null;
        try {
          data = await response.json();
        } catch (e) {
          if (controller.signal.aborted) throw e;
          data = null;
        }
        return { status: response.status, data, headers: response.headers };
      } catch (e) {
        return { status: 0, data: null, headers: null, aborted: controller.signal.aborted };
      } finally {
        clearTimeout(timer);
        this.controller = null;
        this.pollStarted = 0;
      }
    }

    /**
     * One SSE response, read as it comes: {streamed: true, ended, closed} once it was open (ended:
     * the server finished it), or a poll-like {status, data, headers} when it did not open.
     */
    async stream() {
      const h = this.handlers;
      const controller = (this.controller = new AbortController());
      let timer = null;
      let bytes = false;
      const arm = (ms) => {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(), ms);
        this.pollStarted = Date.now(); // alive: wake() leaves it be
      };
      // The server writes at once: silence for 10 s means something in between holds it back.
      arm(10000);
      const opened = Date.now();
      let delivered = false;
      try {
        if (navigator.onLine === false) return { status: 0, data: null, headers: null, aborted: false };
        const headers = { Accept: "text/event-stream" };
        const token = h.token ? h.token() : null;
        if (token) headers.Authorization = "Bearer " + token;
        let url = `/api/events/${encodeURIComponent(this.slug)}/stream?after=${this.cursor}`;
        const reads = h.readsVersion ? h.readsVersion() : null;
        if (typeof reads === "number") url += `&reads=${reads}`;
        const response = await fetch(url, { headers, cache: "no-store", credentials: "omit", signal: controller.signal });
        const type = response.headers.get("Content-Type") || "";
        if (response.status === 204) return { streamed: true, ended: true, closed: true };
        if (response.status !== 200 || !type.startsWith("text/event-stream") || !response.body) {
          let data = null;
          try {
            data = await response.json();
          } catch (e) {
            data = null;
          }
          if (response.status === 200) this.streaming = false; // answered, but not as a stream
          return { status: response.status, data, headers: response.headers };
        }
        this.transport = "stream";
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          bytes = true;
          arm(this.streamTimeout);
          buffer += decoder.decode(value, { stream: true });
          const batch = [];
          let at;
          while ((at = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, at);
            buffer = buffer.slice(at + 2);
            this.streamEvent(block, batch);
          }
          if (batch.length && h.items) {
            delivered = true;
            h.items(batch, this.streamMeta());
          }
        }
        return { streamed: true, ended: true, closed: this.state === "closed", short: !delivered && Date.now() - opened < 1000 };
      } catch (e) {
        if (!bytes && controller.signal.aborted && !this.kicked) this.streaming = false; // held back: polls
        return { status: 0, data: null, headers: null, aborted: controller.signal.aborted };
      } finally {
        clearTimeout(timer);
        this.controller = null;
        this.pollStarted = 0;
        this.transport = "poll";
      }
    }

    /** What items from the stream come with, in the shape of a poll answer's fields. */
    streamMeta() {
      return { cursor: this.cursor, state: this.state, server_time: this.serverTime, more: false };
    }

    /** One SSE event: an item goes into `batch`; state and read receipts go to their handlers. */
    streamEvent(block, batch) {
      const h = this.handlers;
      let type = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (!line || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (name === "event") type = value;
        else if (name === "data") data += (data ? "\n" : "") + value;
      }
      let d;
      try {
        d = JSON.parse(data);
      } catch (e) {
        return;
      }
      if (!d || typeof d !== "object") return;
      if (type === "message" && typeof d.id === "number") {
        if (d.id > this.cursor) this.cursor = d.id;
        if (!this.seen.has(d.id)) {
          this.seen.add(d.id);
          batch.push(d);
        }
      } else if (type === "state" && typeof d.state === "string") {
        if (batch.length && h.items) h.items(batch.splice(0), this.streamMeta()); // items before the state change
        this.state = d.state;
        this.serverTime = d.server_time;
        if (h.state) h.state(d.state, d);
      } else if (type === "reads" && typeof d.version === "number" && Array.isArray(d.by) && h.reads) {
        h.reads(d);
      }
    }

    async nap(ms) {
      const napper = (this.napper = new AbortController());
      await sleepUnless(ms, napper.signal);
      this.napper = null;
    }

    async loop() {
      const h = this.handlers;
      let failures = 0;
      this.troubled = false;
      while (!this.stopped) {
        const stream = this.streaming && this.loaded && !this.troubled;
        const res = stream ? await this.stream() : await this.poll();
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
          const d = res.data;
          this.state = d.state;
          this.serverTime = d.server_time;
          const fresh = d.messages.filter((item) => item && typeof item.id === "number" && !this.seen.has(item.id));
          for (const item of fresh) this.seen.add(item.id);
          if (typeof d.cursor === "number" && d.cursor >= this.cursor) this.cursor = d.cursor;
          if (fresh.length && h.items) h.items(fresh, d);
          if (d.reads && typeof d.reads.version === "number" && Array.isArray(d.reads.by) && h.reads) h.reads(d.reads);
          if (h.state) h.state(d.state, d);
          if (!this.loaded && !d.more) {
            this.loaded = true; // from now on polls hold; the first reads answer at once
            if (h.loaded) h.loaded(d);
          }
          if (d.state === "closed" && !d.more) return; // nothing can be added any more
          // The server holds too many connections to hold ours: it answered at once and says when
          // to come back. Polling again now would only spin.
          if (typeof d.retry_after === "number" && !fresh.length) await this.nap(Math.min(60, d.retry_after) * 1000);
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
        if (res.status === 404) {
          if (h.status) h.status("This event no longer exists.");
          if (h.trouble) h.trouble({ attempt: failures + 1, retryAt: null, reason: "gone" });
          return;
        }
        failures += 1;
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
        if (h.status) h.status(`Connection lost; trying again in ${Math.max(1, Math.round(delay / 1000))} s.`);
        await this.nap(delay);
      }
    }
  }

  // Streams unless the page (or the worker, from the room's URL) says ?transport=poll: an escape
  // hatch for networks whose proxies hold streams back, and what long-poll tests use.
  Stream.streaming = !/[?&]transport=poll(&|$)/.test((self.location && self.location.search) || "");

  const GROUP_MS = 5 * 60 * 1000;

  /** A stable 0–7 colour slot for a nickname. */
  function hueOf(name) {
    let h = 0;
    for (const ch of String(name || "")) h = (h * 31 + ch.codePointAt(0)) >>> 0;
    return h % 8;
  }

  /**
   * Renders stream items into an <ol>: one <li id="m<id>"> per item, deduplicated by id.
   * System items and announcements get their own classes; a retraction blanks its target.
   * options: mine(item) → bool; decorate(li, item); removed(li); group: true to show the author
   * once per run of messages (same author, under 5 minutes apart) with an initial beside it;
   * tail: a selector for elements that stay below every item (messages still being sent).
   */
  class ItemList {
    constructor(ol, options) {
      this.ol = ol;
      this.options = options || {};
      this.byId = new Map();
      this.removed = new Set();
      this.maxId = 0;
    }

    clear() {
      this.byId.clear();
      this.removed.clear();
      this.maxId = 0;
      this.ol.replaceChildren();
    }

    nearBottom() {
      const el = this.ol;
      return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    }

    scrollToBottom(smooth) {
      const el = this.ol;
      if (smooth && el.scrollTo) el.scrollTo({ top: el.scrollHeight, behavior: "smooth" });
      else el.scrollTop = el.scrollHeight;
    }

    /** Add items; returns the <li>s that are new. Sticks to the bottom if the reader was there. */
    add(items) {
      const stick = this.nearBottom();
      const added = [];
      for (const item of items) {
        const li = this.addOne(item);
        if (li) added.push(li);
      }
      if (stick) this.scrollToBottom(false);
      return added;
    }

    addOne(item) {
      if (!item || typeof item.id !== "number") return null;
      if (item.kind === "retraction") {
        this.removed.add(item.target);
        const target = this.byId.get(item.target);
        if (target) this.markRemoved(target);
        return null;
      }
      if (this.byId.has(item.id)) return null;
      if (!["message", "system", "announcement"].includes(item.kind)) return null; // unknown kinds are ignored
      const li = document.createElement("li");
      li.id = "m" + item.id;
      li.className = "item " + item.kind;
      li.dataset.id = String(item.id);
      li.dataset.at = String(Date.parse(item.created_at) || 0);
      if (item.code) li.dataset.code = item.code;
      if (item.kind === "message") li.dataset.author = item.participant_id != null ? "p" + item.participant_id : "n" + item.author;

      const meta = document.createElement("div");
      meta.className = "meta";
      if (item.kind === "message") {
        const author = document.createElement("span");
        author.className = "author";
        author.dataset.hue = String(hueOf(item.author));
        author.textContent = item.author || "";
        meta.append(author);
      } else if (item.kind === "announcement") {
        const label = document.createElement("span");
        label.className = "author";
        label.textContent = "Announcement";
        meta.append(label);
      }
      const time = document.createElement("time");
      time.setAttribute("datetime", item.created_at);
      time.dataset.local = this.options.group ? "auto" : "time";
      time.textContent = item.created_at;
      meta.append(time);

      const body = document.createElement("div");
      body.className = "body";
      if (item.kind === "system") body.textContent = item.body;
      else linkify(body, item.body);

      if (this.options.group && item.kind === "message") {
        const avatar = document.createElement("span");
        avatar.className = "avatar";
        avatar.dataset.hue = String(hueOf(item.author));
        avatar.setAttribute("aria-hidden", "true");
        avatar.textContent = (Array.from(String(item.author || "?").trim())[0] || "?").toUpperCase();
        li.append(avatar);
      }
      li.append(meta, body);
      if (this.options.mine && this.options.mine(item)) li.classList.add("mine");
      if (this.options.decorate) this.options.decorate(li, item);
      localTimes(li);
      // Keep id order even if a post's own response and the poll arrive out of order.
      let before = null;
      if (item.id < this.maxId) {
        for (const [id, el] of this.byId) {
          if (id > item.id && (!before || id < Number(before.dataset.id))) before = el;
        }
      }
      if (!before && this.options.tail) before = this.ol.querySelector(`:scope > ${this.options.tail}`);
      this.ol.insertBefore(li, before);
      this.byId.set(item.id, li);
      this.maxId = Math.max(this.maxId, item.id);
      if (item.retracted || this.removed.has(item.id)) this.markRemoved(li);
      if (this.options.group) {
        this.regroup(li);
        if (li.nextElementSibling) this.regroup(li.nextElementSibling);
      }
      return li;
    }

    /** A message continues the run above it: same author, a message too, within 5 minutes. */
    regroup(li) {
      if (!li.classList.contains("message")) return;
      const prev = li.previousElementSibling;
      const cont =
        !!prev &&
        prev.classList.contains("message") &&
        prev.dataset.author === li.dataset.author &&
        Number(li.dataset.at) - Number(prev.dataset.at) < GROUP_MS;
      li.classList.toggle("cont", cont);
    }

    markRemoved(li) {
      li.classList.add("retracted");
      const body = li.querySelector(".body");
      if (body) body.textContent = "This message was removed by the host.";
      if (this.options.removed) this.options.removed(li);
    }
  }

  /** Copy an input's value to the clipboard; without the clipboard API, select it and copy. */
  async function copyText(input) {
    try {
      await navigator.clipboard.writeText(input.value);
      return true;
    } catch (e) {
      // No clipboard API (plain http, an old browser, or permission refused).
      input.focus();
      input.select();
      try {
        return document.execCommand("copy");
      } catch (e2) {
        return false;
      }
    }
  }

  /** Copy the value of the input named by data-copy; fall back to selecting it. */
  async function copyFrom(button) {
    const input = document.getElementById(button.dataset.copy);
    if (!input) return;
    const ok = await copyText(input);
    const label = button.dataset.label || (button.dataset.label = button.textContent);
    button.textContent = ok ? "Copied" : "Press Ctrl+C";
    setTimeout(() => {
      button.textContent = label;
    }, 1500);
  }

  const FIELD_WORDS = { title: "the title", description: "the description", starts_at: "the start", ends_at: "the end" };

  /** An event-form error in words: "ends_at must be after starts_at." → "The end must be after the start." */
  function humaneFields(message) {
    const text = message.replace(/\b(title|description|starts_at|ends_at)\b/g, (name) => FIELD_WORDS[name]);
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  /** Of the field names given, the one an API message names first (or null). */
  function fieldNamed(message, names) {
    let best = null;
    let at = Infinity;
    for (const name of names) {
      const m = new RegExp(`\\b${name}\\b`).exec(message);
      if (m && m.index < at) {
        best = name;
        at = m.index;
      }
    }
    return best;
  }

  /** The order of a participant list: the present first, the banned last, then by nickname. */
  function byPresence(a, b) {
    return (a.banned ? 1 : 0) - (b.banned ? 1 : 0) || (b.online ? 1 : 0) - (a.online ? 1 : 0) ||
      a.nickname.localeCompare(b.nickname, undefined, { sensitivity: "base" });
  }

  /** A participant-list row: online dot and nickname (as text); pages append their own tags. */
  function personRow(p, closed) {
    const online = !!p.online && !p.banned && !closed;
    const li = document.createElement("li");
    li.className = "person" + (online ? " online" : "") + (p.banned ? " banned" : "");
    const dot = document.createElement("span");
    dot.className = "dot" + (online ? " online" : "");
    dot.setAttribute("aria-hidden", "true");
    const name = document.createElement("span");
    name.className = "nick";
    name.textContent = p.nickname;
    li.append(dot, name);
    return { li, online };
  }

  /** The server's public origin for absolute links: --public-url when the page carries it, else the page's own. */
  function origin() {
    return document.documentElement.dataset.publicUrl || location.origin;
  }

  /** Whether the reader asked for less motion (smooth scrolling and animations stay off then). */
  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  self.Chat = {
    localTimes, toOffsetISO, toLocalInput, fromLocalInput, sleep, randomId, api,
    errorCode, errorMessage, say, Stream, ItemList, copyFrom, copyText, humaneFields, fieldNamed, byPresence, personRow,
    // added for the room; usable by any page
    formatTime, formatFull, formatDuration, sleepUnless, retryAfter, linkify, hueOf, reducedMotion,
    origin,
  };

  if (typeof document !== "undefined") document.addEventListener("DOMContentLoaded", () => localTimes(document));
})();
