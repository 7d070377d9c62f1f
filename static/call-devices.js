// The call window's device menus (call-window.js): beside the mute button a small button opens the
// microphones (and the speakers, where the browser lets a page choose where its sound goes:
// HTMLMediaElement.setSinkId), beside the camera button one opens the cameras. Each device by the
// label the browser gives it, the one in use checked; choosing one switches to it. A menu the ARIA
// way: ↑ ↓ Home End move, Enter or Space chooses, Esc closes it back to its button, Tab leaves it,
// and a click elsewhere closes it. Device labels are the system's words: set as text, dir=auto.

import { make } from "./el.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";

const TEXT = {
  // Translators: the small button beside "Mute the microphone" that opens the list of microphones.
  audioinput: t("Choose the microphone"),
  // Translators: as "Choose the microphone", where the browser also lets the page choose the speaker.
  audio: t("Choose the microphone and speaker"),
  videoinput: t("Choose the camera"),
  // Translators: the headings of the device menu's groups.
  groups: { audioinput: t("Microphone"), audiooutput: t("Speaker"), videoinput: t("Camera") },
  // Translators: a device the browser gives no name; {n} counts from 1.
  unnamed: {
    audioinput: (n) => t("Microphone {n}", { n }),
    audiooutput: (n) => t("Speaker {n}", { n }),
    videoinput: (n) => t("Camera {n}", { n }),
  },
  failed: {
    audioinput: t("That microphone could not be started; the call goes on with the one before."),
    audiooutput: t("The sound could not be sent to that speaker."),
    videoinput: t("That camera could not be started; the call goes on with the one before."),
  },
  lost: {
    audio: t("The microphone was disconnected: the call now uses the default one."),
    video: t("The camera was disconnected: the call now uses the default one."),
  },
  gone: {
    audio: t("The microphone was disconnected, and no other one could be started: the other side cannot hear you."),
    video: t("The camera was disconnected, and no other one could be started: the other side cannot see you."),
  },
};

let speaker = ""; // the speaker chosen in this page, for its next calls too ("": the default)

/** Whether this browser lets a page choose the speaker. */
export const speakersChoosable = () => typeof HTMLMediaElement !== "undefined" && typeof HTMLMediaElement.prototype.setSinkId === "function";

/** Play `element` on the speaker chosen before, if any. */
export function useSpeaker(element) {
  if (speaker && speakersChoosable()) element.setSinkId(speaker).catch(() => {});
}

/** What to say when the track of `kind` ("audio" | "video") ended by itself; `ok`: another one took over. */
export function lostText(kind, ok) {
  return (ok ? TEXT.lost : TEXT.gone)[kind === "video" ? "video" : "audio"];
}

let menus = 0; // ids for aria-controls

export class DevicePicker {
  /**
   * kinds: the device kinds of the menu, in order ("audioinput", "audiooutput"; or "videoinput");
   * read(kind) → {list, current} (MediaDeviceInfo list, the deviceId in use); choose(kind, id) →
   * whether it worked; say(text) tells the reader when it did not; sink: the media element whose
   * speaker "audiooutput" chooses.
   */
  constructor({ kinds, read, choose, say, sink }) {
    Object.assign(this, { kinds, read, choose, say, sink });
    const label = kinds.length > 1 ? TEXT.audio : TEXT[kinds[0]];
    const b = (this.button = make("button", "call-button call-pick"));
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.title = label;
    b.setAttribute("aria-haspopup", "menu");
    b.setAttribute("aria-expanded", "false");
    b.append(icon("chevron-up", 16));
    b.hidden = true; // until there is something to choose
    const menu = (this.menu = make("div", "call-menu"));
    menu.id = `call-menu-${++menus}`;
    menu.setAttribute("role", "menu");
    menu.setAttribute("aria-label", label);
    menu.hidden = true;
    b.setAttribute("aria-controls", menu.id);
    b.addEventListener("click", () => (menu.hidden ? this.open() : this.close(true)));
    b.addEventListener("keydown", (ev) => {
      if (ev.key !== "ArrowUp" && ev.key !== "ArrowDown") return;
      ev.preventDefault();
      this.open(ev.key === "ArrowUp" ? "last" : "checked");
    });
    menu.addEventListener("keydown", (ev) => this.keyed(ev));
    this.outside = (ev) => {
      if (!menu.contains(ev.target) && !b.contains(ev.target)) this.close(false);
    };
    this.lists = new Map();
  }

  /** Read the devices again: the button shows when there is a choice; an open menu is redrawn. */
  async refresh() {
    const lists = new Map();
    for (const kind of this.kinds) lists.set(kind, kind === "audiooutput" ? await this.speakers() : await this.read(kind));
    this.lists = lists;
    this.button.hidden = !Array.from(lists.values()).some((l) => l.list.length > 1);
    if (this.button.hidden) this.close(false);
    else if (!this.menu.hidden) this.draw();
  }

  /** The groups of the menu, each device a menuitemradio, the one in use checked. */
  draw() {
    const focused = this.menu.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    const groups = [];
    for (const [kind, { list, current }] of this.lists) {
      if (!list.length || (kind === "audiooutput" && list.length < 2)) continue;
      const group = make("div", "call-menu-group");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", TEXT.groups[kind]);
      const title = make("p", "call-menu-title", TEXT.groups[kind]);
      title.setAttribute("aria-hidden", "true"); // the group's name already
      list.forEach((device, n) => {
        const item = make("button", "call-menu-item");
        item.type = "button";
        item.tabIndex = -1;
        item.setAttribute("role", "menuitemradio");
        item.setAttribute("aria-checked", device.deviceId === current ? "true" : "false");
        item.dataset.key = `${kind} ${device.deviceId}`;
        const name = make("span", "call-menu-label", device.label || TEXT.unnamed[kind](n + 1));
        name.dir = "auto";
        item.append(icon("check", 16, "icon call-menu-check"), name);
        item.addEventListener("click", () => this.pick(kind, device.deviceId));
        group.append(item);
      });
      groups.push(title, group);
    }
    this.menu.replaceChildren(...groups);
    const again = focused && this.items().find((i) => i.dataset.key === focused);
    if (again) again.focus();
    else if (focused) this.focusItem("checked");
  }

  items() {
    return Array.from(this.menu.querySelectorAll('[role="menuitemradio"]'));
  }

  focusItem(which) {
    const items = this.items();
    const to = which === "last" ? items[items.length - 1] : items.find((i) => i.getAttribute("aria-checked") === "true") || items[0];
    if (to) to.focus();
  }

  open(which = "checked") {
    this.draw();
    this.menu.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    document.addEventListener("pointerdown", this.outside, true);
    this.focusItem(which);
  }

  close(refocus) {
    if (this.menu.hidden) return;
    this.menu.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", this.outside, true);
    if (refocus) this.button.focus();
  }

  keyed(ev) {
    const items = this.items();
    const at = items.indexOf(document.activeElement);
    const moves = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 };
    if (ev.key in moves) {
      ev.preventDefault();
      const to = items[(moves[ev.key] + items.length) % items.length];
      if (to) to.focus();
    } else if (ev.key === "Escape") {
      // Not the modal panel's Esc (the chat bar's on a phone): only the menu closes.
      ev.preventDefault();
      ev.stopPropagation();
      this.close(true);
    } else if (ev.key === "Tab") {
      this.close(false);
    }
  }

  async pick(kind, deviceId) {
    this.close(true);
    const { current } = this.lists.get(kind) || {};
    if (deviceId === current) return;
    const ok = kind === "audiooutput" ? await this.toSpeaker(deviceId) : await this.choose(kind, deviceId);
    if (!ok) this.say(TEXT.failed[kind]);
    await this.refresh();
  }

  async speakers() {
    const { list } = await this.read("audiooutput");
    return { list, current: this.sink.sinkId || (list.some((d) => d.deviceId === "default") ? "default" : "") };
  }

  async toSpeaker(deviceId) {
    try {
      await this.sink.setSinkId(deviceId);
      speaker = deviceId;
      return true;
    } catch (e) {
      return false;
    }
  }
}
