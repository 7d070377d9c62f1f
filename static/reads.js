// Read receipts. Reporting: an item counts as read once its end has been on screen, or it has
// filled the whole list (a message taller than the list), in a visible tab: checked for the items
// an IntersectionObserver finds in the list, as they come and as the reader scrolls. The newest such
// item id is sent to
// POST /api/events/<slug>/reads at most every 2 s, and only when it grows. Showing: the receipts
// that come with the long poll put each other reader under the last message they have seen,
// "Seen by bob" (a few names) or "Seen by 4" (the names in a tooltip and on a click).

import { eventPath, fetchJson } from "./api.js";
import { appendSentence } from "./dom.js";
import { lang, t, tn } from "./i18n.js";

const TEXT = {
  // Translators: under a message; {names} is a list of nicknames ("alice and bob").
  seenBy: t("Seen by {names}"),
  seenByAll: (names) => t("Seen by {names}", { names }),
  // Translators: under a message, on a button that shows the names of those who have seen it.
  seenByCount: (n) => tn("Seen by {n}", "Seen by {n}", n),
};
const EVERY = 2000; // ms between reports
const NAMES = 2; // up to this many readers are named in the line itself
// "alice and bob" in the line itself; "bob, carol, dave" in the tooltip and the list of all.
const sentenceList = new Intl.ListFormat(lang, { type: "conjunction" });
const plainList = new Intl.ListFormat(lang, { type: "unit", style: "short" });
const byName = new Intl.Collator(lang);

/** A list of names as the language writes it, each name a <bdi>: a right-to-left nickname keeps its place. */
function nameList(names, format) {
  const out = document.createDocumentFragment();
  for (const part of format.formatToParts(names)) {
    if (part.type !== "element") {
      out.append(part.value);
      continue;
    }
    const bdi = document.createElement("bdi");
    bdi.textContent = part.value;
    out.append(bdi);
  }
  return out;
}

/**
 * ol: the message list (<li data-id> items, scrolled inside it); options: token() → the
 * participant token or null; me() → the reader's participant id or null; active() → false while
 * the list is out of sight though the tab is visible (a collapsed chat bar); changed() — called
 * after the markers were redrawn (the list may have grown by a line).
 */
export class Reads {
  constructor(slug, ol, options) {
    this.path = eventPath(slug, "/reads");
    this.ol = ol;
    this.options = options || {};
    this.onScreen = new Set(); // ids of items read on screen now (their end shown, or filling the list)
    this.inView = new Set(); // the <li>s at least partly in the list's view
    this.checkQueued = false;
    this.reported = 0;
    this.best = 0; // the newest item seen on screen
    this.lastSent = 0;
    this.timer = null;
    this.sending = false;
    this.by = new Map(); // participant id → {nickname, last_read_id}
    this.drawQueued = false;
    this.observer = typeof IntersectionObserver === "function"
      ? new IntersectionObserver((entries) => this.observed(entries), { root: ol, threshold: [0, 0.25, 0.5, 0.75, 1] })
      : null;
    // A message taller than the list crosses no threshold while it scrolls by: look on each scroll.
    ol.addEventListener("scroll", () => this.queueCheck(), { passive: true });
    document.addEventListener("visibilitychange", () => this.check());
  }

  /** Watch newly shown items. */
  watch(lis) {
    if (!this.observer) return;
    for (const li of lis) if (li.dataset.id) this.observer.observe(li);
  }

  /** The list was emptied (the stream is read again from the start). */
  reset() {
    if (this.observer) this.observer.disconnect();
    this.onScreen.clear();
    this.inView.clear();
    this.draw();
  }

  observed(entries) {
    for (const entry of entries) {
      if (entry.isIntersecting) this.inView.add(entry.target);
      else this.inView.delete(entry.target);
    }
    this.check();
  }

  queueCheck() {
    if (this.checkQueued) return;
    this.checkQueued = true;
    requestAnimationFrame(() => {
      this.checkQueued = false;
      this.check();
    });
  }

  /** Which items in view count as read now: their end is on screen, or they fill the list. */
  check() {
    const view = this.ol.getBoundingClientRect();
    const top = view.top + this.ol.clientTop;
    const bottom = top + this.ol.clientHeight;
    this.onScreen.clear();
    for (const li of this.inView) {
      if (!li.isConnected) {
        this.inView.delete(li);
        continue;
      }
      const r = li.getBoundingClientRect();
      const endShown = r.bottom > top && r.bottom <= bottom + 1;
      const fills = r.top <= top + 1 && r.bottom >= bottom - 1;
      if (endShown || fills) this.onScreen.add(Number(li.dataset.id));
    }
    this.consider();
  }

  consider() {
    if (document.visibilityState !== "visible" || !this.onScreen.size) return;
    if (this.options.active && !this.options.active()) return;
    for (const id of this.onScreen) if (id > this.best) this.best = id;
    this.schedule();
  }

  schedule() {
    if (this.best <= this.reported || this.timer || this.sending) return;
    const wait = Math.max(0, this.lastSent + EVERY - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.send();
    }, wait);
  }

  async send() {
    const token = this.options.token ? this.options.token() : null;
    const id = this.best;
    if (!token || token === this.refusedToken || id <= this.reported) return;
    this.sending = true;
    this.lastSent = Date.now();
    let res = null;
    try {
      res = await fetchJson("POST", this.path, { body: { last_read_id: id }, token, timeout: 10000 });
    } catch (e) {
      res = null; // offline: the next item on screen (or the next minute) tries again
    }
    this.sending = false;
    if (res && res.status === 200 && res.data && typeof res.data.last_read_id === "number") {
      this.reported = Math.max(this.reported, id, res.data.last_read_id);
    } else if (res && res.status === 400) {
      this.reported = Math.max(this.reported, id); // not an item the server knows: don't insist
    } else if (res && res.status < 500 && res.status !== 429) {
      this.refusedToken = token; // not valid here (any more): silent until the reader joins again
      return;
    } else if (!res || res.status >= 500 || res.status === 429) {
      setTimeout(() => this.schedule(), 30000);
      return;
    }
    this.schedule(); // more was read meanwhile
  }

  /** Receipts from the long poll: {version, by: [{participant_id, nickname, last_read_id}]}. */
  apply(reads) {
    if (!reads || !Array.isArray(reads.by)) return;
    this.by.clear();
    for (const r of reads.by) {
      if (r && typeof r.participant_id === "number" && typeof r.last_read_id === "number") this.by.set(r.participant_id, r);
    }
    this.draw();
  }

  /** Redraw the markers soon (the items or the receipts changed). */
  draw() {
    if (this.drawQueued) return;
    this.drawQueued = true;
    requestAnimationFrame(() => {
      this.drawQueued = false;
      this.render();
    });
  }

  render() {
    const me = this.options.me ? this.options.me() : null;
    // Messages and announcements, in id order: a reader's mark goes under the last one they saw.
    const targets = Array.from(this.ol.querySelectorAll(":scope > li.message[data-id], :scope > li.announcement[data-id]"));
    const ids = targets.map((li) => Number(li.dataset.id));
    const at = new Map(); // li → readers
    for (const r of this.by.values()) {
      if (r.participant_id === me) continue;
      let lo = 0;
      let hi = ids.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (ids[mid] <= r.last_read_id) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      if (found < 0) continue;
      const li = targets[found];
      if (li.dataset.author === "p" + r.participant_id) continue; // "seen" under their own message says nothing
      if (!at.has(li)) at.set(li, []);
      at.get(li).push(r.nickname);
    }
    const stick = this.ol.scrollHeight - this.ol.scrollTop - this.ol.clientHeight < 80;
    for (const old of this.ol.querySelectorAll(":scope > li > .seen")) {
      if (!at.has(old.parentNode)) old.remove();
    }
    for (const [li, names] of at) this.mark(li, names.sort(byName.compare));
    if (stick) this.ol.scrollTop = this.ol.scrollHeight;
    if (this.options.changed) this.options.changed();
  }

  mark(li, names) {
    const all = names.join(", ");
    let line = li.querySelector(":scope > .seen");
    if (line && line.dataset.names === all) return;
    if (!line) {
      line = document.createElement("div");
      line.className = "seen";
      li.append(line);
    }
    line.dataset.names = all;
    line.replaceChildren();
    line.title = TEXT.seenByAll(plainList.format(names));
    if (names.length <= NAMES) {
      appendSentence(line, TEXT.seenBy, { names: nameList(names, sentenceList) });
      return;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link seen-toggle"; // i18n: class names
    button.setAttribute("aria-expanded", "false");
    button.textContent = TEXT.seenByCount(names.length);
    const list = document.createElement("span");
    list.className = "seen-names";
    list.append(nameList(names, plainList));
    list.hidden = true;
    button.addEventListener("click", () => {
      list.hidden = !list.hidden;
      button.setAttribute("aria-expanded", String(!list.hidden));
    });
    line.append(button, " ", list);
  }
}

