// How far the reader has read each of their private threads (the hosts, or one participant): the
// newest item id seen there, kept in localStorage per room and participant, so that a reload does
// not count old replies again, and a thread read in another tab is read here too.

import { store, stored, storageKept } from "./dom.js";

export class ReadMarks {
  /** changed() — another tab of this browser read a thread (the counts may be lower now). */
  constructor(slug, changed) {
    this.slug = slug;
    this.key = null; // no participant: nothing is kept
    this.marks = {};
    if (!storageKept()) return;
    window.addEventListener("storage", (ev) => {
      if (!this.key || (ev.key !== null && ev.key !== this.key)) return;
      this.marks = this.load();
      changed();
    });
  }

  /** Whose marks these are from now on: a participant's id, or null. */
  use(participantId) {
    this.key = participantId ? `chatserver.private-read.${this.slug}.${participantId}` : null; // i18n: a storage key
    this.marks = this.load();
  }

  load() {
    if (!this.key) return {};
    try {
      const marks = JSON.parse(stored(this.key) || "{}");
      return marks && typeof marks === "object" && !Array.isArray(marks) ? marks : {};
    } catch (e) {
      return {}; // unreadable: everything counts as unread once more, nothing worse
    }
  }

  /** The newest item id read in a thread ("hosts", "p12"), 0 for none. */
  upTo(thread) {
    const id = Number(this.marks[thread]);
    return Number.isFinite(id) ? id : 0;
  }

  /** The thread is read up to `id`; false when it already was. */
  read(thread, id) {
    if (!this.key || id <= this.upTo(thread)) return false;
    // Another tab may have read other threads meanwhile: their marks stay.
    const marks = this.load();
    for (const [name, value] of Object.entries(this.marks)) marks[name] = Math.max(Number(marks[name]) || 0, Number(value) || 0);
    marks[thread] = id;
    this.marks = marks;
    store(this.key, JSON.stringify(marks));
    return true;
  }
}
