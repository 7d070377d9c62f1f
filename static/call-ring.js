// An incoming call's ring: two short beeps every two seconds from WebAudio (no sound file), and a
// desktop notification when the reader allowed them and the page is out of sight. A browser that
// lets no sound play before the reader has touched the page simply stays silent: the window shows.

import { tone } from "./tone.js";

const BEEP_HZ = 880;
const EVERY_MS = 2000;

export class Ringer {
  constructor() {
    this.ctx = null;
    this.timer = null;
  }

  start() {
    this.stop();
    try {
      const Ctx = self.AudioContext || self.webkitAudioContext;
      if (!Ctx) return;
      this.ctx = this.ctx || new Ctx();
      if (this.ctx.state === "suspended") this.ctx.resume().catch(() => {});
    } catch (e) {
      return;
    }
    const ring = () => {
      this.beep(0);
      this.beep(0.25);
    };
    ring();
    this.timer = setInterval(ring, EVERY_MS);
  }

  beep(at) {
    const ctx = this.ctx;
    if (!ctx || ctx.state !== "running") return;
    tone(ctx, BEEP_HZ, ctx.currentTime + at, 0.2, 0.02);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
  }
}

/** A desktop notification saying `text`, when allowed and the page is not in sight. */
export function notifyRing(text) {
  try {
    if (typeof Notification !== "function" || Notification.permission !== "granted" || !document.hidden) return;
    const note = new Notification(text, { tag: "chatserver-call", renotify: true }); // i18n: a notification tag
    note.onclick = () => {
      window.focus();
      note.close();
    };
  } catch (e) {
    // notifications are a bonus
  }
}
