// Mute from the console: a participant is kept from posting for 5, 15 or 60 minutes or a day (they
// still read along), and may be let speak again. The participants list does not say who is muted,
// so the console knows the mutes made or lifted in it; a mute from another console shows nowhere here.

import { errorCode, errorMessage } from "./api.js";
import { hostCall } from "./host-call.js";
import { t, tn } from "./i18n.js";
import { formatTime } from "./time.js";

const CHOICES = [5, 15, 60, 1440]; // minutes

const TEXT = {
  // Translators: the first line of the small menu beside a message's author in the console; the
  // other lines say for how long ("5 minutes", "1 hour").
  mute: t("Mute…"),
  muteLabel: (nickname) => t("Mute {nickname} for…", { nickname }),
  minutes: (n) => tn("{n} minute", "{n} minutes", n),
  hours: (n) => tn("{n} hour", "{n} hours", n),
  // Translators: a button in the console for a participant this console muted.
  unmute: t("Unmute"),
  unmuteLabel: (nickname) => t("Unmute {nickname}", { nickname }),
  // Translators: a participant's state in the console's list of people; {time} is when the mute ends.
  mutedUntil: (time) => t("muted until {time}", { time }),
  isMuted: (nickname, time) => t("{nickname} is muted until {time}: they can read along but not post.", { nickname, time }),
  isUnmuted: (nickname) => t("{nickname} can post again.", { nickname }),
  gone: (nickname) => t("{nickname} is no longer in this event.", { nickname }),
};

const choiceText = (minutes) => (minutes % 60 === 0 ? TEXT.hours(minutes / 60) : TEXT.minutes(minutes));

export class Mutes {
  /**
   * path: the event's API path; options: state() → the event's state, banned(pid) → whether the
   * console knows them banned (no mute then), say(text, kind) the outcome, changed() after a change.
   */
  constructor(path, options) {
    Object.assign(this, { path, options });
    this.until = new Map(); // participant id → when the mute made here ends (ms)
    this.timers = new Map();
  }

  /** Until when the participant is muted (ms), or 0 — as far as this console knows. */
  mutedUntil(pid) {
    const until = this.until.get(pid) || 0;
    return until > Date.now() ? until : 0;
  }

  /** The tag for the people list ("muted until 14:35"), or "" when not muted. */
  tagText(pid) {
    const until = this.mutedUntil(pid);
    return until ? TEXT.mutedUntil(formatTime(new Date(until))) : "";
  }

  /** A participant's mute control: a menu of how long, or Unmute while muted. */
  control(pid, nickname) {
    const box = document.createElement("span");
    box.className = "mute-control";
    box.dataset.mute = String(pid);
    box.dataset.nickname = nickname;
    this.render(box);
    return box;
  }

  render(box) {
    const pid = Number(box.dataset.mute);
    const nickname = box.dataset.nickname;
    const closed = this.options.state() === "closed";
    box.replaceChildren();
    box.hidden = this.options.banned(pid);
    const until = this.mutedUntil(pid);
    if (until) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "small-button unmute";
      button.textContent = TEXT.unmute;
      button.setAttribute("aria-label", TEXT.unmuteLabel(nickname));
      button.title = TEXT.mutedUntil(formatTime(new Date(until)));
      button.disabled = closed;
      button.addEventListener("click", () => this.unmute(pid, nickname, button));
      box.append(button);
      return;
    }
    const select = document.createElement("select");
    select.className = "mute-select";
    select.setAttribute("aria-label", TEXT.muteLabel(nickname));
    select.disabled = closed;
    const first = new Option(TEXT.mute, "");
    select.append(first, ...CHOICES.map((minutes) => new Option(choiceText(minutes), String(minutes))));
    select.addEventListener("change", () => {
      const minutes = Number(select.value);
      if (minutes) this.mute(pid, nickname, minutes, select);
    });
    box.append(select);
  }

  /** Show every control of this participant anew (muted, unmuted, banned). */
  refresh(pid) {
    for (const box of document.querySelectorAll(`.mute-control[data-mute="${pid}"]`)) this.render(box);
  }

  set(pid, until) {
    clearTimeout(this.timers.get(pid));
    this.timers.delete(pid);
    if (until) {
      this.until.set(pid, until);
      // When the mute ends by itself, the menu comes back.
      this.timers.set(pid, setTimeout(() => this.set(pid, 0), Math.max(0, until - Date.now()) + 250));
    } else {
      this.until.delete(pid);
    }
    this.refresh(pid);
    this.options.changed();
  }

  async mute(pid, nickname, minutes, control) {
    control.disabled = true;
    const started = Date.now();
    const res = await hostCall("POST", `${this.path}/participants/${pid}/mute`, { minutes });
    if (res.status === 200) {
      const until = started + minutes * 60000;
      this.set(pid, until);
      this.options.say(TEXT.isMuted(nickname, formatTime(new Date(until))), "ok");
    } else {
      control.value = "";
      control.disabled = this.options.state() === "closed";
      this.refused(res, nickname);
    }
  }

  async unmute(pid, nickname, button) {
    button.disabled = true;
    const res = await hostCall("DELETE", `${this.path}/participants/${pid}/mute`);
    if (res.status === 200) {
      this.set(pid, 0);
      this.options.say(TEXT.isUnmuted(nickname), "ok");
    } else {
      button.disabled = this.options.state() === "closed";
      if (res.status === 404) this.set(pid, 0); // nobody left to unmute
      this.refused(res, nickname);
    }
  }

  /** Say why it did not work: not a wrong key (the console says so) nor a closed event (it shows). */
  refused(res, nickname) {
    if (errorCode(res) === "event_closed" || (res.status === 403 && !res.keyWorks)) return;
    this.options.say(res.status === 404 ? TEXT.gone(nickname) : errorMessage(res), "error");
  }
}
