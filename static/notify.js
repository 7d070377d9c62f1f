// Telling the reader about new messages while they look elsewhere: an unread count in the tab's
// title and a badge on its icon (tab-icon.js) while the tab is hidden, optional desktop
// notifications for mentions of their nickname and for host announcements (permission is asked when
// they tick the box, never on load), and an optional beep (WebAudio, no file). Settings are kept per
// room in localStorage. With the room open in several tabs, one beep and one notification per message:
// a visible tab marks what it shows as seen, and hidden tabs claim each alert once.
// Private replies (private-room.js) count in the title while unread, and each notifies as a mention.

import { say, store, stored } from "./dom.js";
import { textOrFiles } from "./file-words.js";
import { t } from "./i18n.js";
import { isPrivate, privateTitle } from "./private-mark.js";
import { TabIcon } from "./tab-icon.js";
import { tone } from "./tone.js";
import { sleep } from "./util.js";

export const TEXT = {
  announcement: t("Announcement"),
  // Translators: a desktop notification's title when someone wrote the reader's nickname.
  mentioned: (author) => t("{author} mentioned you", { author }),
  // Translators: a desktop notification's title: who ("bob mentioned you") and the room's title.
  title: (who, room) => t("{who} · {room}", { who, room }),
  // Translators: the browser tab's title while it is hidden: {n} new messages, then the room's title.
  counted: (n, title) => t("({n}) {title}", { n, title }),
  unsupported: t("This browser cannot show desktop notifications."),
  blocked: t("Desktop notifications are blocked for this site in your browser's settings."),
  refused: t("Your browser did not allow notifications for this site. You can allow them in its site settings, then tick the box again."),
};
const DEFAULTS = { badge: true, desktop: false, sound: false, opens: false }; // opens: open-alert.js
const SETTLE = 200; // ms a hidden tab waits, so that a visible tab can say it shows the message
const HOLD = 10000; // ms an alert's lock is kept by the tab that took it

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether `body` mentions `nickname` as a word ("@alice", "Alice:", not "malice"). */
export function mentions(body, nickname) {
  const nick = String(nickname || "").trim();
  if (!nick || !body) return false;
  const pattern = new RegExp(`(^|[^\\p{L}\\p{N}_])@?${escapeRegExp(nick)}(?![\\p{L}\\p{N}_])`, "iu");
  return pattern.test(body);
}

/** Whether `item` names the reader ({id, nickname}): by the server's `mentions` (ids) if it has them, else by its text. */
export function mentionsReader(item, reader) {
  if (!item || !reader) return false;
  return Array.isArray(item.mentions) ? item.mentions.includes(reader.id) : mentions(item.body, reader.nickname);
}

/**
 * Claim an alert once per browser: resolves true for the first tab to ask for `id`. localStorage
 * alone is not enough (tabs see each other's writes a moment late), so a Web Lock named after the
 * item decides between tabs asking at once; it is held a while so that a slower tab finds it taken.
 */
export async function claim(key, id) {
  if (Number(stored(key) || 0) >= id) return false;
  if (navigator.locks && navigator.locks.request) {
    const got = await new Promise((resolve) => {
      navigator.locks.request(`${key}.${id}`, { ifAvailable: true }, (lock) => {
        resolve(!!lock);
        return lock ? sleep(HOLD) : null;
      }).catch(() => resolve(true));
    });
    if (!got) return false;
  }
  if (Number(stored(key) || 0) < id) store(key, String(id));
  return true;
}

export class Notifier {
  /** options: title() → the page title without a count; reader() → {id, nickname} of the reader, or null. */
  constructor(slug, options) {
    this.slug = slug;
    this.options = options || {};
    this.key = "chatserver.settings." + slug;
    this.settings = Object.assign({}, DEFAULTS);
    try {
      Object.assign(this.settings, JSON.parse(stored(this.key) || "{}"));
    } catch (e) {
      // unreadable settings: the defaults
    }
    this.count = 0;
    this.privately = 0; // private replies not yet seen (private-room.js)
    this.icon = new TabIcon();
    this.audio = null;
    document.addEventListener("visibilitychange", () => {
      if (!this.hidden()) this.clear();
    });
  }

  hidden() {
    return document.visibilityState === "hidden";
  }

  save() {
    store(this.key, JSON.stringify(this.settings));
  }

  /** New items from others, as they arrive (not the history read at load). */
  news(items) {
    if (!items.length) return;
    const last = items[items.length - 1].id;
    if (!this.hidden()) {
      store(`chatserver.seen.${this.slug}`, String(last)); // shown here: no alert elsewhere
      return;
    }
    this.count += items.filter((item) => !isPrivate(item)).length; // the private are counted while unread
    this.show();
    const reader = this.options.reader ? this.options.reader() : null;
    setTimeout(async () => {
      // Shown in another tab of this room meanwhile: the reader has it, no alert.
      if (Number(stored(`chatserver.seen.${this.slug}`) || 0) >= last) return;
      const important = items.filter((item) => item.kind === "announcement" || isPrivate(item) || mentionsReader(item, reader));
      if (this.settings.sound && (await claim(`chatserver.beeped.${this.slug}`, last))) this.beep(important.length > 0);
      if (this.settings.desktop) {
        // Each its own notification (a few at most: a flood after a reconnection is not news).
        for (const item of important.slice(-3)) {
          // Private items come in calls of their own (private-room.js): claimed in an order of their own.
          const key = `chatserver.notified${isPrivate(item) ? "-privately" : ""}.${this.slug}`; // i18n: a storage key
          if (await claim(key, item.id)) this.desktop(item);
        }
      }
    }, SETTLE);
  }

  /** How many private replies are unread: counted in the title and on the icon too. */
  unreadPrivately(n) {
    if (n === this.privately) return;
    this.privately = n;
    this.show();
  }

  /** The title and the icon show the count while the tab is hidden (if the reader wants it). */
  show() {
    const base = this.options.title ? this.options.title() : document.title;
    const count = this.count + this.privately;
    const counting = this.settings.badge && count > 0;
    document.title = counting ? TEXT.counted(count, base) : base;
    this.icon.show(counting ? count : 0);
  }

  clear() {
    this.count = 0;
    this.show();
  }

  desktop(item) {
    if (typeof Notification !== "function" || Notification.permission !== "granted") return;
    const who = item.kind === "announcement" ? TEXT.announcement : privateTitle(item) || TEXT.mentioned(item.author);
    const room = this.options.title ? this.options.title() : document.title;
    try {
      const note = new Notification(TEXT.title(who, room), {
        body: textOrFiles(item.body, item.files).slice(0, 200), tag: `chatserver-${this.slug}-${item.id}`, icon: this.icon.href || undefined,
      });
      note.addEventListener("click", () => {
        window.focus();
        note.close();
      });
    } catch (e) {
      // Some browsers only notify from a service worker; the count in the title still shows.
    }
  }

  /** Create (or wake) the audio context; only works from a click or a key press. */
  unlockAudio() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    if (!this.audio) this.audio = new Ctx();
    if (this.audio.state === "suspended") this.audio.resume().catch(() => {});
    return this.audio;
  }

  /** Two short sine tones; a higher second tone for a mention or an announcement. */
  beep(important) {
    const audio = this.audio;
    if (!audio || audio.state !== "running") return;
    const now = audio.currentTime;
    const tones = important ? [660, 990] : [660, 880];
    tones.forEach((freq, i) => tone(audio, freq, now + i * 0.13, 0.13, 0.015));
    if (this.options.beeped) this.options.beeped(important);
  }

  /**
   * Wire the settings menu (a <details>): checkboxes #…badge, #…desktop, #…sound and a status
   * line. The permission for desktop notifications is asked here, on the reader's click.
   */
  bindMenu(els) {
    const menu = els.menu;
    document.addEventListener("click", (ev) => {
      if (menu.open && !menu.contains(ev.target)) menu.open = false;
    });
    menu.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    const tell = (text) => say(els.status, text);
    els.badge.checked = !!this.settings.badge;
    els.sound.checked = !!this.settings.sound;
    const supported = typeof Notification === "function";
    els.desktop.checked = supported && !!this.settings.desktop && Notification.permission === "granted";
    if (!supported) {
      els.desktop.disabled = true;
      tell(TEXT.unsupported);
    } else if (this.settings.desktop && Notification.permission === "denied") {
      tell(TEXT.blocked);
    }
    els.badge.addEventListener("change", () => {
      this.settings.badge = els.badge.checked;
      this.save();
      this.show();
    });
    els.sound.addEventListener("change", () => {
      this.settings.sound = els.sound.checked;
      this.save();
      if (els.sound.checked && this.unlockAudio()) this.beep(false); // a sample, and it unlocks audio
    });
    els.desktop.addEventListener("change", async () => {
      tell("");
      if (!els.desktop.checked) {
        this.settings.desktop = false;
        return this.save();
      }
      let permission = Notification.permission;
      if (permission === "default") {
        try {
          permission = await Notification.requestPermission();
        } catch (e) {
          permission = "denied";
        }
      }
      const granted = permission === "granted";
      els.desktop.checked = granted;
      this.settings.desktop = granted;
      this.save();
      if (!granted) tell(TEXT.refused);
    });
    // Audio may only start after a gesture: the first click or key press on the page wakes it.
    if (this.settings.sound) {
      const wake = () => {
        this.unlockAudio();
        document.removeEventListener("pointerdown", wake, true);
        document.removeEventListener("keydown", wake, true);
      };
      document.addEventListener("pointerdown", wake, true);
      document.addEventListener("keydown", wake, true);
    }
  }
}

