// The console's room settings, each applied at once: slow mode (how often one person may post) and
// whether new people may join. Only the host may change them; a moderator sees them.

import { errorCode, errorMessage } from "./api.js";
import { say } from "./dom.js";
import { fieldError } from "./fields.js";
import { hostCall } from "./host-call.js";
import { t, tn } from "./i18n.js";

const TEXT = {
  seconds: (n) => tn("{n} second", "{n} seconds", n),
  minutes: (n) => tn("{n} minute", "{n} minutes", n),
  // Translators: {time} is how long one person waits between two messages, such as "30 seconds".
  slowOn: (time) => t("Slow mode is on: each person may post once every {time}.", { time }),
  slowOff: t("Slow mode is off."),
  joinsOpen: t("New people can join."),
  joinsLocked: t("Nobody new can join; those already in the room stay."),
  needSeconds: t("Choose a number of seconds from 1 to 3600."),
};
const PRESETS = ["0", "10", "30", "60", "300"];

/** "30 seconds", "5 minutes", "90 seconds". */
function slowText(seconds) {
  return seconds % 60 === 0 ? TEXT.minutes(seconds / 60) : TEXT.seconds(seconds);
}

export class RoomSettings {
  /** root: the console's <article> (it tells "host:event"); path: the event's API path;
   *  host: role(), state(), show(event) after a change. */
  constructor(root, path, host) {
    const $ = (id) => document.getElementById(id);
    Object.assign(this, { path, host, $ });
    this.form = $("room-settings");
    this.slow = $("r-slow");
    this.seconds = $("r-seconds");
    this.joins = $("r-joins");
    this.event = null;
    this.choosing = false; // "Another number" chosen and not yet set: what the stream tells waits
    this.slow.addEventListener("change", () => {
      this.showOther();
      this.choosing = this.slow.value === "other";
      if (this.choosing) {
        if (!this.seconds.value) this.seconds.value = String(this.event && this.event.slow_mode > 0 ? this.event.slow_mode : 45);
        this.seconds.focus();
      } else {
        this.apply({ slow_mode: Number(this.slow.value) }, this.slow);
      }
    });
    this.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const text = this.seconds.value.trim();
      const seconds = /^\d+$/.test(text) ? Number(text) : NaN;
      if (!(seconds >= 1 && seconds <= 3600)) {
        this.error(TEXT.needSeconds);
        return this.seconds.focus();
      }
      this.apply({ slow_mode: seconds }, this.seconds);
    });
    this.seconds.addEventListener("input", () => this.error(""));
    this.joins.addEventListener("change", () => this.apply({ joins_locked: !this.joins.checked }, this.joins));
    root.addEventListener("host:event", (ev) => this.fill(ev.detail));
  }

  error(message) {
    fieldError(this.$("r-slow-error"), [this.seconds], message);
  }

  showOther() {
    this.$("r-slow-other").hidden = this.slow.value !== "other";
  }

  /** Show the event's settings (not while a change of them is on its way). */
  fill(ev) {
    this.event = ev;
    if (!this.busy) {
      const slow = String(ev.slow_mode || 0);
      const preset = PRESETS.includes(slow);
      if (!this.choosing) {
        this.slow.value = preset ? slow : "other";
        if (!preset) this.seconds.value = slow;
      }
      this.joins.checked = !ev.joins_locked;
      this.showOther();
    }
    this.enable();
  }

  /** Only the host changes these, and only until the close. */
  enable() {
    const fixed = this.host.role() !== "host" || this.host.state() === "closed" || this.busy;
    for (const el of this.form.elements) el.disabled = fixed;
    this.$("room-host-only").hidden = this.host.role() === "host";
  }

  async apply(change, control) {
    const status = this.$("room-status");
    say(status, "");
    this.error("");
    this.busy = true;
    this.enable();
    const res = await hostCall("PATCH", this.path, change);
    this.busy = false;
    if (res.status === 200 && res.data && res.data.event) {
      const ev = res.data.event;
      if ("slow_mode" in change) this.choosing = false;
      this.host.show(ev);
      if ("slow_mode" in change) say(status, ev.slow_mode ? TEXT.slowOn(slowText(ev.slow_mode)) : TEXT.slowOff, "ok");
      else say(status, ev.joins_locked ? TEXT.joinsLocked : TEXT.joinsOpen, "ok");
    } else {
      if (this.event && control !== this.seconds) this.fill(this.event); // as it was; a number typed stays
      if ((res.status !== 403 || res.keyWorks) && errorCode(res) !== "event_closed") {
        if (control === this.seconds) this.error(errorMessage(res));
        else say(status, errorMessage(res), "error");
      }
    }
    this.enable();
    if (document.activeElement === document.body && !control.disabled) control.focus();
  }
}
