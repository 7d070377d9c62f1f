// The pinned announcement: the host's newest announcement stays above the conversation (it is in
// the list too, where it was said) until the reader dismisses it; a dismissal is remembered per
// room in this browser (localStorage, else for the page's lifetime). Removed by the host: unpinned.

import { store, stored } from "./dom.js";
import { renderMarkdown } from "./markdown.js";
import { localTimes } from "./time.js";

export class Pinned {
  /** box: the <section id="pinned">; body, time: its parts; close: its dismiss button. */
  constructor(slug, { box, body, time, close }) {
    Object.assign(this, { box, body, time });
    this.key = "chatserver.pinned." + slug;
    this.item = null; // the announcement shown
    this.newest = 0; // the newest announcement seen, pinned or not
    this.removed = new Set();
    const n = Number(stored(this.key));
    this.dismissed = Number.isSafeInteger(n) && n > 0 ? n : 0;
    close.addEventListener("click", () => this.dismiss());
  }

  /** Items from the stream, in id order: the newest announcement is pinned, a retraction unpins. */
  take(items) {
    let next = this.item;
    for (const item of items) {
      if (!item || typeof item.id !== "number") continue;
      if (item.kind === "retraction") {
        this.removed.add(item.target);
        if (next && next.id === item.target) next = null;
      } else if (item.kind === "announcement" && item.id > this.newest) {
        this.newest = item.id;
        // Only the newest counts: an older one does not come back when a newer one is removed.
        next = item.retracted || this.removed.has(item.id) || item.id <= this.dismissed ? null : item;
      }
    }
    if (next !== this.item) this.show(next);
  }

  show(item) {
    this.item = item;
    this.box.hidden = !item;
    if (!item) return;
    renderMarkdown(this.body, item.body);
    this.time.setAttribute("datetime", item.created_at);
    localTimes(this.box);
  }

  dismiss() {
    if (!this.item) return;
    this.dismissed = Math.max(this.dismissed, this.item.id);
    store(this.key, String(this.dismissed));
    const focused = this.box.contains(document.activeElement);
    this.show(null);
    if (focused) document.getElementById("messages").focus({ preventScroll: true });
  }

  /** The stream is read again from the start. */
  clear() {
    this.newest = 0;
    this.removed.clear();
    this.show(null);
  }
}
