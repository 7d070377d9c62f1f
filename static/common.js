// Shared helpers for every page: local times, JSON calls, the long-poll stream and the item list.
// User text only ever goes into the page through textContent.
"use strict";

(function () {
  const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  /** Show <time data-local="datetime|time"> elements in the reader's time zone. */
  function localTimes(root) {
    for (const el of (root || document).querySelectorAll("time[data-local]")) {
      const date = new Date(el.getAttribute("datetime"));
      if (isNaN(date)) continue;
      let text = el.dataset.local === "time" ? timeFormat.format(date) : dateTimeFormat.format(date);
      if (el.dataset.local === "end") {
        // "Nov 21, 8:00 PM – 9:30 PM": an end on the start's day shows only its time.
        const prev = el.previousElementSibling;
        const start = prev && prev.tagName === "TIME" ? new Date(prev.getAttribute("datetime")) : null;
        if (start && start.toDateString() === date.toDateString()) text = timeFormat.format(date);
      }
      el.textContent = text;
      el.title = date.toString();
    }
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

  /** A random id for safe retries of a post (works outside secure contexts too). */
  function randomId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return "c-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /**
   * Call the JSON API. Resolves to {status, data, headers}; rejects only when the network fails.
   * Credentials travel in the Authorization header, never in the URL.
   */
  async function api(method, path, body, token) {
    const headers = { Accept: "application/json" };
    if (body !== undefined && body !== null) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = "Bearer " + token;
    const response = await fetch(path, {
      method,
      headers,
      body: body !== undefined && body !== null ? JSON.stringify(body) : undefined,
      cache: "no-store",
      credentials: "omit",
    });
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    return { status: response.status, data, headers: response.headers };
  }

  function errorCode(res) {
    return res && res.data && res.data.error ? res.data.error.code : null;
  }

  function errorMessage(res, fallback) {
    if (res && res.data && res.data.error && res.data.error.message) return res.data.error.message;
    return fallback || `The server answered ${res ? res.status : "nothing"}; please try again.`;
  }

  /** Show text in an element, or hide it when the text is empty. */
  function say(el, text, kind) {
    if (!el) return;
    el.textContent = text || "";
    el.hidden = !text;
    if (kind) el.dataset.kind = kind;
    else delete el.dataset.kind;
  }

  /**
   * Follows an event's stream with long polls: `after` = the last cursor, `wait` = 25 s.
   * Backs off on errors, restarts from 0 on cursor_ahead, and stops once the event is closed
   * and every item has been read.
   */
  class Stream {
    constructor(slug, handlers) {
      this.slug = slug;
      this.cursor = 0;
      this.wait = 25;
      this.stopped = false;
      this.handlers = handlers;
    }

    stop() {
      this.stopped = true;
      if (this.controller) this.controller.abort();
    }

    async run() {
      const h = this.handlers;
      let failures = 0;
      while (!this.stopped) {
        let res = null;
        this.controller = new AbortController();
        try {
          const headers = { Accept: "application/json" };
          const token = h.token ? h.token() : null;
          if (token) headers.Authorization = "Bearer " + token; // counts us as online
          const url = `/api/events/${encodeURIComponent(this.slug)}/messages?after=${this.cursor}&wait=${this.wait}`;
          const response = await fetch(url, { headers, cache: "no-store", credentials: "omit", signal: this.controller.signal });
          let data = null;
          try {
            data = await response.json();
          } catch (e) {
            data = null;
          }
          res = { status: response.status, data };
        } catch (e) {
          res = null;
        }
        if (this.stopped) return;
        if (res && res.status === 200 && res.data && Array.isArray(res.data.messages)) {
          failures = 0;
          if (h.status) h.status("");
          const d = res.data;
          if (d.messages.length && h.items) h.items(d.messages);
          this.cursor = d.cursor;
          if (h.state) h.state(d.state, d);
          if (d.state === "closed" && !d.more) return; // nothing can be added any more
          continue;
        }
        if (res && res.status === 409 && errorCode(res) === "cursor_ahead") {
          // The server's stream is behind our cursor (a restored database): read it again from the start.
          this.cursor = 0;
          if (h.reset) h.reset();
          continue;
        }
        if (res && res.status === 404) {
          if (h.status) h.status("This event no longer exists.");
          return;
        }
        failures += 1;
        const delay = Math.min(30000, 1000 * 2 ** Math.min(failures - 1, 5)) * (0.75 + Math.random() / 2);
        if (h.status) h.status(`Connection lost; trying again in ${Math.round(delay / 1000)} s.`);
        await sleep(delay);
      }
    }
  }

  /**
   * Renders stream items into an <ol>: one <li id="m<id>"> per item, deduplicated by id.
   * System items and announcements get their own classes; a retraction blanks its target.
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

    add(items) {
      const stick = this.nearBottom();
      for (const item of items) this.addOne(item);
      if (stick) this.ol.scrollTop = this.ol.scrollHeight;
    }

    addOne(item) {
      if (!item || typeof item.id !== "number") return;
      if (item.kind === "retraction") {
        this.removed.add(item.target);
        const target = this.byId.get(item.target);
        if (target) this.markRemoved(target);
        return;
      }
      if (this.byId.has(item.id)) return;
      if (!["message", "system", "announcement"].includes(item.kind)) return; // unknown kinds are ignored
      const li = document.createElement("li");
      li.id = "m" + item.id;
      li.className = "item " + item.kind;
      li.dataset.id = String(item.id);
      if (item.code) li.dataset.code = item.code;

      const meta = document.createElement("div");
      meta.className = "meta";
      if (item.kind === "message") {
        const author = document.createElement("span");
        author.className = "author";
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
      time.dataset.local = "time";
      time.textContent = item.created_at;
      meta.append(time);

      const body = document.createElement("div");
      body.className = "body";
      body.textContent = item.body;

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
      this.ol.insertBefore(li, before);
      this.byId.set(item.id, li);
      this.maxId = Math.max(this.maxId, item.id);
      if (item.retracted || this.removed.has(item.id)) this.markRemoved(li);
    }

    markRemoved(li) {
      li.classList.add("retracted");
      const body = li.querySelector(".body");
      if (body) body.textContent = "This message was removed by the host.";
      if (this.options.removed) this.options.removed(li);
    }
  }

  /** Copy the value of the input named by data-copy; fall back to selecting it. */
  async function copyFrom(button) {
    const input = document.getElementById(button.dataset.copy);
    if (!input) return;
    let ok = false;
    try {
      await navigator.clipboard.writeText(input.value);
      ok = true;
    } catch (e) {
      input.focus();
      input.select();
      try {
        ok = document.execCommand("copy");
      } catch (e2) {
        ok = false;
      }
    }
    const label = button.dataset.label || (button.dataset.label = button.textContent);
    button.textContent = ok ? "Copied" : "Press Ctrl+C";
    setTimeout(() => {
      button.textContent = label;
    }, 1500);
  }

  window.Chat = {
    localTimes, toOffsetISO, toLocalInput, fromLocalInput, sleep, randomId, api,
    errorCode, errorMessage, say, Stream, ItemList, copyFrom,
  };

  document.addEventListener("DOMContentLoaded", () => localTimes(document));
})();
