// Search results, shared by the room's search panel (room-search.js) and the transcript's and the
// archive's search boxes (page-search.js): the API called as one types (debounced, a stale call
// aborted), each result's author and local time, its snippet with the words found as <mark>s
// (built as text, never parsed), and where the transcript shows a message.

import { TEXT as API_TEXT, errorMessage, fetchJson } from "./api.js";
import { t, tn } from "./i18n.js";
import { hueOf } from "./items.js";
import { formatFull, formatTime } from "./time.js";

export const TEXT = {
  announcement: t("Announcement"),
  // Translators: a search found nothing.
  none: t("No messages found"),
  // Translators: how many messages a search found.
  found: (n) => tn("{n} message found", "{n} messages found", n),
};

export const DEBOUNCE_MS = 300;
// Results asked for (the API gives at most 100); handlers/page_search.py shows as many.
export const RESULTS = 50;
// A link opens the transcript a few ids before the message (handlers/page_search.py: the same).
const CONTEXT_IDS = 10;
const WAIT_MS = 15000;

/** The transcript's link to a message: the page that holds it (with a little before it), at its anchor. */
export function transcriptHref(slug, id) {
  const after = Math.max(0, id - 1 - CONTEXT_IDS);
  return `/e/${encodeURIComponent(slug)}/transcript${after ? "?after=" + after : ""}#m${id}`;
}

/**
 * Append `snippet` to `el` with the `marks` ([start, end) in code points, as the API counts them)
 * as <mark> elements. A JavaScript string counts an emoji as two, so it is split into code points.
 */
export function appendSnippet(el, snippet, marks) {
  const chars = Array.from(String(snippet || ""));
  const ranges = (Array.isArray(marks) ? marks : [])
    .filter((m) => Array.isArray(m) && Number.isInteger(m[0]) && Number.isInteger(m[1]) && m[0] < m[1])
    .sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at || end > chars.length) continue;
    if (start > at) el.append(chars.slice(at, start).join(""));
    const mark = document.createElement("mark");
    mark.textContent = chars.slice(start, end).join("");
    el.append(mark);
    at = end;
  }
  if (at < chars.length) el.append(chars.slice(at).join(""));
  return el;
}

/** One result's parts: who wrote it and when (span.hit-meta), then its snippet (span.snippet). */
export function hitParts(result) {
  const message = result.message || {};
  const meta = document.createElement("span");
  meta.className = "hit-meta";
  const author = document.createElement("span");
  author.className = "author";
  if (message.kind === "announcement") {
    author.textContent = TEXT.announcement;
  } else {
    author.dataset.hue = String(hueOf(message.author));
    author.dir = "auto";
    author.textContent = message.author || "";
  }
  const time = document.createElement("time");
  const date = new Date(message.created_at);
  if (!isNaN(date)) {
    time.setAttribute("datetime", message.created_at);
    time.textContent = formatTime(date);
    time.title = formatFull(date);
  }
  meta.append(author, " ", time);
  const snippet = document.createElement("span");
  snippet.className = "snippet";
  snippet.dir = "auto";
  appendSnippet(snippet, result.snippet, result.marks);
  return [meta, snippet];
}

/** What a search says above its results: how many, none, or why it could not search. */
export function countText(results) {
  return results.length ? TEXT.found(results.length) : TEXT.none;
}

/**
 * Searching as one types. path(q) → the API's URL for a query; hooks: busy(q) (a call went out),
 * results(list, q), failed(message, q) (the API's words, or why it could not be reached),
 * cleared() (the box is empty). Only the newest query's answer is ever reported.
 */
export class LiveSearch {
  constructor(path, hooks) {
    Object.assign(this, { path, hooks });
    this.timer = null;
    this.controller = null;
    this.asked = ""; // the query answered, or on its way
  }

  /** The box changed: search once typing pauses. */
  type(value) {
    clearTimeout(this.timer);
    this.timer = null;
    const q = String(value || "").trim();
    if (!q) return this.clear();
    if (q === this.asked) return; // answered already, or on its way
    this.timer = setTimeout(() => this.now(q), DEBOUNCE_MS);
  }

  /** Whether `value` is what the results on screen (or on their way) answer. */
  answers(value) {
    return String(value || "").trim() === this.asked && !this.timer;
  }

  /** Search for `value` now (Enter), unless that is what is shown. */
  async now(value) {
    clearTimeout(this.timer);
    this.timer = null;
    const q = String(value || "").trim();
    if (!q) return this.clear();
    if (q === this.asked) return;
    this.abort();
    const controller = (this.controller = new AbortController());
    this.asked = q;
    if (this.hooks.busy) this.hooks.busy(q);
    let res;
    try {
      res = await fetchJson("GET", this.path(q), { signal: controller.signal, timeout: WAIT_MS });
    } catch (e) {
      if (controller.signal.aborted) return; // a newer query took its place
      res = null;
    }
    if (this.controller !== controller) return;
    this.controller = null;
    if (res && res.status === 200 && res.data && Array.isArray(res.data.results)) {
      this.hooks.results(res.data.results, q);
    } else {
      this.asked = ""; // the same words may be tried again
      this.hooks.failed(res ? errorMessage(res) : API_TEXT.unreachable, q);
    }
  }

  abort() {
    if (this.controller) this.controller.abort();
    this.controller = null;
  }

  clear() {
    clearTimeout(this.timer);
    this.timer = null;
    this.abort();
    this.asked = "";
    this.hooks.cleared();
  }
}
