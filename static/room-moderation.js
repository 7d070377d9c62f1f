// What participants see of the host's moderation, in the room and in the chat bar's panel: slow
// mode (a line over the message box, and after each post a countdown on the send button), the
// notice that takes the composer's place while the host has muted the reader, the join form
// closed to new people, the line under the join form that says what becomes of one's words (who
// may read the chat afterwards, and when it is erased), and the closed notice of a chat kept for
// the hosts only or erased. The policy comes with the page (#room's data-*) and follows the
// host's changes live: their "updated" items, heard as "room:items" (room-api.js).

import { errorMessage, eventPath, fetchJson, retryAfter } from "./api.js";
import { db } from "./idb.js";
import { lang, t, tn } from "./i18n.js";
import { durationText, formatDuration } from "./time.js";

const TEXT = {
  // Translators: {duration} is such as "30 s" or "2 min".
  slowMode: (duration) => t("Slow mode: one message every {duration}.", { duration }),
  muted: (n) =>
    tn("You are muted for {n} more minute; you can read along meanwhile.", "You are muted for {n} more minutes; you can read along meanwhile.", n),
  joinsClosed: t("The host has closed the room to new people."),
  // The consent line under the join form: who may read the chat once the event is over…
  public: t("This chat will be public after the event."),
  hostsOnly: t("After the event, only the hosts can read this chat."),
  // Translators: …and, when the host chose so, when it is erased; "it" is the event.
  erasedAfter: (n) => tn("Messages are erased {n} day after it ends.", "Messages are erased {n} days after it ends.", n),
  // Translators: two sentences in a row.
  both: (sentence, after) => t("{sentence} {after}", { sentence, after }),
  // Translators: {date} is a date such as "March 3, 2026": retention erased the chat on that day.
  erased: (date) => t("This chat was erased on {date}.", { date }),
};

const MINUTE = 60 * 1000;
const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: "long" });

/** A whole number ≥ 0 from a data attribute or a change; `fallback` for anything else. */
function whole(value, fallback) {
  const n = typeof value === "string" && value !== "" ? Number(value) : value;
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** "30 s", "1 min 30 s", "2 min", "1 hour": how often one may post in slow mode. */
function every(seconds) {
  return seconds % 60 ? formatDuration(seconds) : durationText(seconds * 1000);
}

export class RoomModeration {
  /**
   * root: the room's <article>. parts: composer and outbox (the room's: slow mode paces both),
   * list (its ItemList: emptied once the chat was erased), close() — the room shows its closed
   * state (the stream said the chat is over for this reader).
   */
  constructor(root, parts) {
    Object.assign(this, { root, ...parts });
    const $ = (id) => document.getElementById(id);
    this.els = {
      composer: $("composer"), slow: $("slow-mode"), muted: $("muted-note"),
      join: $("join"), joinClosed: $("join-closed"), consent: $("join-consent"),
      public: $("closed-public"), hosts: $("closed-hosts"), erased: $("closed-erased"), read: $("closed-read"),
    };
    const data = root.dataset;
    this.policy = {
      slow_mode: whole(data.slowMode, 0),
      joins_locked: data.joinsLocked === "true",
      transcript: data.transcript === "hosts" ? "hosts" : "public",
      retention_days: whole(data.retentionDays, 0) || null,
    };
    this.since = Date.parse(data.now) || 0; // the page shows the policy as it stood then
    this.can = null; // what the forms allow (nickname.js show()): {compose, banned}
    this.mutedUntil = 0; // ms
    this.timer = null;
    this.ended = null; // "hosts_only" or "erased": the stream stopped for good
    this.els.joinClosed.textContent = TEXT.joinsClosed;
    root.addEventListener("room:items", (ev) => this.heard(ev.detail.items || []));
    this.render();
  }

  /** Items from the stream: the host's changes made since the page was made apply, in order. */
  heard(items) {
    for (const item of items) {
      if (item.kind !== "system" || item.code !== "updated" || !item.changes) continue;
      // Older ones are in the page already (a cached conversation brings them again).
      if (Date.parse(item.created_at) >= this.since) this.apply(item.changes);
    }
  }

  /** The host changed the policy: {slow_mode?, joins_locked?, transcript?, retention_days?}. */
  apply(changes) {
    const p = this.policy;
    p.slow_mode = whole(changes.slow_mode, p.slow_mode);
    if (typeof changes.joins_locked === "boolean") p.joins_locked = changes.joins_locked;
    if (changes.transcript === "public" || changes.transcript === "hosts") p.transcript = changes.transcript;
    if (Object.hasOwn(changes, "retention_days")) p.retention_days = whole(changes.retention_days, 0) || null;
    this.render();
  }

  /** The forms were placed for the state (room.js showForms): the composer, or the muted notice. */
  show(can) {
    this.can = can;
    this.render();
  }

  /** The reader posted: in slow mode the send button counts down to the next message. */
  posted() {
    if (this.policy.slow_mode) this.composer.hold(this.policy.slow_mode);
  }

  /** A join came back 403 joins_locked: the room is closed to new people, whatever the page knew. */
  lockJoins() {
    this.apply({ joins_locked: true });
  }

  /** A post came back 403 muted: the notice counts the minutes down, then the composer is back. */
  muted(res) {
    let seconds = retryAfter(res);
    if (seconds === null) {
      // The answer says it in words only: "muted you for 9 more minutes" (whole minutes, rounded up).
      const minutes = /\d+/.exec(errorMessage(res, ""));
      seconds = (minutes ? Number(minutes[0]) : 1) * 60;
    }
    const hadFocus = this.els.composer.contains(document.activeElement);
    this.mutedUntil = Date.now() + seconds * 1000;
    this.tick();
    if (hadFocus && !this.els.muted.hidden) this.els.muted.focus(); // the box went away under the cursor
  }

  /** The muted notice, a whole minute at a time; the composer comes back at the end. */
  tick() {
    clearTimeout(this.timer);
    const left = this.mutedUntil - Date.now();
    const noteHadFocus = document.activeElement === this.els.muted;
    if (left <= 0) this.mutedUntil = 0;
    this.render();
    if (left > 0) this.timer = setTimeout(() => this.tick(), (left % MINUTE || MINUTE) + 50);
    else if (noteHadFocus && !this.els.composer.hidden) this.composer.els.input.focus();
  }

  /**
   * The stream stopped for good (stream.js trouble info): for a chat kept for the hosts only, or
   * erased, the closed notice says so and true comes back (nothing to reconnect to); else false.
   */
  stopped(info) {
    if (!info || (info.reason !== "hosts_only" && info.reason !== "erased")) return false;
    if (this.ended === info.reason) return true;
    this.ended = info.reason;
    if (info.reason === "erased") this.erased(info.message);
    this.render();
    this.close();
    return true;
  }

  /** Erased by retention: the conversation goes from the page and from this browser's copy too. */
  async erased(message) {
    const slug = this.root.dataset.slug;
    this.els.erased.textContent = message || "";
    this.list.clear();
    db.clearRoom(slug);
    try {
      const res = await fetchJson("GET", eventPath(slug));
      const at = res.status === 200 && res.data && res.data.event ? Date.parse(res.data.event.erased_at) : NaN;
      if (!isNaN(at)) this.els.erased.textContent = TEXT.erased(dateFormat.format(new Date(at)));
    } catch (e) {
      // The server's own sentence stays.
    }
  }

  render() {
    const { policy: p, els } = this;
    // Slow mode: the line over the box; the composer and the outbox wait their turn.
    els.slow.textContent = p.slow_mode ? TEXT.slowMode(every(p.slow_mode)) : "";
    els.slow.hidden = !p.slow_mode;
    this.composer.slowMode(p.slow_mode);
    this.outbox.gap = p.slow_mode * 1000;
    // Closed to new people: the join form says so in the field's place (CSS); "Continue as …" stays.
    els.join.toggleAttribute("data-locked", p.joins_locked);
    els.joinClosed.hidden = !p.joins_locked;
    // What becomes of one's words, before joining.
    const who = p.transcript === "hosts" ? TEXT.hostsOnly : TEXT.public;
    els.consent.textContent = p.retention_days ? TEXT.both(who, TEXT.erasedAfter(p.retention_days)) : who;
    els.consent.hidden = false;
    // The closed notice: the transcript's link only where participants may read it.
    const erased = this.ended === "erased";
    const hosts = !erased && (p.transcript === "hosts" || this.ended === "hosts_only");
    els.public.hidden = hosts || erased;
    els.hosts.hidden = !hosts;
    els.read.hidden = hosts || erased;
    els.erased.hidden = !erased;
    // Muted: the notice in the composer's place, for as long as it lasts.
    const muted = this.mutedUntil > Date.now();
    if (muted) els.muted.textContent = TEXT.muted(Math.max(1, Math.ceil((this.mutedUntil - Date.now()) / MINUTE)));
    if (!this.can) return;
    els.composer.hidden = !this.can.compose || muted;
    els.muted.hidden = !this.can.compose || !muted;
  }
}
