// The item renderer: stream items (messages, system lines, announcements, retractions) as <li>s
// of an <ol>, deduplicated by id and kept in id order. User text only ever goes in as text.

import { callLine } from "./call-line.js";
import { DayLines } from "./day-lines.js";
import { drawFiles, dropFiles, forgetFiles } from "./file-view.js";
import { t } from "./i18n.js";
import { ItemChanges } from "./item-changes.js";
import { foldJoin } from "./join-runs.js";
import { Previews } from "./link-preview.js";
import { renderMarkdown } from "./markdown.js";
import { MessageActions } from "./message-actions.js";
import { isPrivate, markPrivate } from "./private-mark.js";
import { FIELD_NAMES, joinedName, systemText } from "./system-text.js";
import { localTimes } from "./time.js";

export { FIELD_NAMES, systemText }; // where they were before system-text.js

const TEXT = {
  announcement: t("Announcement"),
  // Translators: a small badge after the name of someone who speaks for the event.
  roles: { host: t("Host"), moderator: t("Moderator") },
  removed: t("This message was removed by the host."),
  // Translators: in place of a message its author deleted in the room.
  deleted: t("This message was deleted."),
};

const GROUP_MS = 5 * 60 * 1000;
const AWAY_MS = 1500; // a smooth scroll to a quoted message ends well within this

/** A stable 0–7 colour slot for a nickname (the server's hue() in handlers/pages.py is the same). */
export function hueOf(name) {
  let h = 0;
  for (const ch of String(name || "")) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return h % 8;
}

/** The disc with a nickname's initial, beside the first message of a run. */
export function avatarFor(name) {
  const avatar = document.createElement("span");
  avatar.className = "avatar";
  avatar.dataset.hue = String(hueOf(name));
  avatar.setAttribute("aria-hidden", "true");
  avatar.textContent = (Array.from(String(name || "?").trim())[0] || "?").toUpperCase();
  return avatar;
}

/** The author's name in a message's meta line, in the nickname's colour. */
export function authorFor(name) {
  const author = document.createElement("span");
  author.className = "author";
  author.dataset.hue = String(hueOf(name));
  author.dir = "auto"; // an isolate with its own direction: a right-to-left name does not reorder the line
  author.textContent = name || "";
  return author;
}

/** The badge after the name of a message the host or a moderator posted as such; null for others. */
export function roleBadge(role) {
  if (role !== "host" && role !== "moderator") return null;
  const badge = document.createElement("span");
  badge.className = "role-badge";
  badge.dataset.role = role;
  badge.textContent = TEXT.roles[role];
  return badge;
}

/**
 * Renders stream items into an <ol>: one <li id="m<id>"> per item, deduplicated by id.
 * System items and announcements get their own classes; a retraction blanks its target; edits,
 * reactions and replies' quotes are item-changes.js's (this.changes).
 * options: mine(item) → bool; decorate(li, item); removed(li); group: true to show the author
 * once per run of messages (same author, under 5 minutes apart) with an initial beside it;
 * tail: a selector for elements that stay below every item (messages still being sent);
 * notices: true to show notices from the hosts (the room's private thread), else they are skipped;
 * days: true for a line with the date where the day changes (day-lines.js); actions: true for
 * each message's toolbar (message-actions.js: reactions, onReply(item), onEdit(item), Delete);
 * me(), open(), slug, say(text, kind), changed(li, item): see ItemChanges; credential() → the
 * reader's token or key, for the files of private items (file-view.js; previews: link-preview.js);
 * card(item) → an element for a kind of its own (a poll, poll-card.js), else null: it is skipped.
 */
export class ItemList {
  constructor(ol, options) {
    this.ol = ol;
    this.options = options || {};
    this.byId = new Map();
    this.removed = new Map(); // id → who removed it ("author", or null: the hosts), before or after it came
    this.maxId = 0;
    this.changes = new ItemChanges(this);
    this.previews = new Previews(this);
    this.days = this.options.days ? new DayLines(ol) : null;
    this.actions = this.options.actions ? new MessageActions(this) : null;
    // A reader at the bottom stays there when the list itself shrinks or grows (the composer gives
    // way to the closed notice, an announcement is pinned above, the window is resized).
    this.atBottom = true;
    ol.addEventListener("scroll", () => {
      this.atBottom = this.nearBottom();
    }, { passive: true });
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(() => {
        if (this.atBottom && ol.clientHeight) this.scrollToBottom(false);
      }).observe(ol);
    }
  }

  clear() {
    this.byId.clear();
    this.removed.clear();
    this.changes.clear();
    this.previews.clear();
    forgetFiles(this.ol);
    this.maxId = 0;
    this.ol.replaceChildren();
  }

  /** The reader went to an earlier message on purpose (a reply's quote): for a moment, while the
   *  list scrolls there from the bottom, new items and resizes do not pull it back down. */
  leaveBottom() {
    this.atBottom = false;
    this.awayUntil = performance.now() + AWAY_MS;
  }

  nearBottom() {
    if (this.awayUntil && performance.now() < this.awayUntil) return false;
    const el = this.ol;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  }

  scrollToBottom(smooth) {
    const el = this.ol;
    if (smooth && el.scrollTo) el.scrollTo({ top: el.scrollHeight, behavior: "smooth" });
    else el.scrollTop = el.scrollHeight;
  }

  /** Add items; returns the <li>s that are new. Sticks to the bottom if the reader was there. */
  add(items) {
    const stick = this.nearBottom();
    const added = [];
    for (const item of items) {
      const li = this.addOne(item);
      if (li) added.push(li);
    }
    if (stick) this.scrollToBottom(false);
    return added;
  }

  addOne(item) {
    if (!item || typeof item.id !== "number") return null;
    if (item.kind === "retraction") {
      this.removed.set(item.target, item.by || null);
      const target = this.byId.get(item.target);
      if (target) this.markRemoved(target, item.by);
      return null;
    }
    if (this.changes.take(item)) return null; // an edit or a reaction: its message changes
    if (this.previews.take(item)) return null; // a link preview: under its message
    if (this.byId.has(item.id)) return null;
    const kinds = this.options.notices ? ["message", "system", "announcement", "notice", "call"] : ["message", "system", "announcement"];
    const card = !kinds.includes(item.kind) && this.options.card ? this.options.card(item) : null; // a poll
    if (!kinds.includes(item.kind) && !card) return null; // unknown kinds are ignored
    const li = card ? this.cardLine(item, card) : this.build(item);
    if (this.options.mine && this.options.mine(item)) li.classList.add("mine");
    if (this.options.decorate) this.options.decorate(li, item);
    localTimes(li);
    // Keep id order even if a post's own response and the poll arrive out of order.
    let before = null;
    if (item.id < this.maxId) {
      for (const [id, el] of this.byId) {
        if (id > item.id && (!before || id < Number(before.dataset.id))) before = el;
      }
    }
    if (!before && this.options.tail) before = this.ol.querySelector(`:scope > ${this.options.tail}`);
    this.ol.insertBefore(li, before);
    this.byId.set(item.id, li);
    this.maxId = Math.max(this.maxId, item.id);
    if (this.days) this.days.place(li);
    this.changes.arrived(li, item);
    this.previews.arrived(li, item);
    if (item.retracted || this.removed.has(item.id)) this.markRemoved(li, this.removed.get(item.id));
    if (this.options.group && item.code === "joined") foldJoin(li, joinedName(item));
    if (this.options.group) {
      this.regroup(li);
      // The next item, past a day line put before it.
      for (let next = li.nextElementSibling; next; next = next.nextElementSibling) {
        this.regroup(next);
        if (next.classList.contains("item")) break;
      }
    }
    return li;
  }

  /** The <li> of an item another module draws (options.card(item) → its element: a poll's card). */
  cardLine(item, card) {
    const li = document.createElement("li");
    li.id = "m" + item.id;
    li.className = "item card " + item.kind;
    li.dataset.id = String(item.id);
    li.dataset.at = String(Date.parse(item.created_at) || 0);
    li.append(card);
    return li;
  }

  /** The <li> of one item, not yet in the list. */
  build(item) {
    const li = document.createElement("li");
    li.id = "m" + item.id;
    li.className = "item " + item.kind;
    li.dataset.id = String(item.id);
    li.dataset.at = String(Date.parse(item.created_at) || 0);
    if (item.code) li.dataset.code = item.code;
    const talk = item.kind === "message" || item.kind === "notice"; // a notice reads as a message from the hosts
    if (talk) li.dataset.author = item.participant_id != null ? "p" + item.participant_id : "n" + item.author;

    const meta = document.createElement("div");
    meta.className = "meta";
    if (talk) {
      meta.append(authorFor(item.author));
      const badge = roleBadge(item.role);
      if (badge) meta.append(badge);
      if (isPrivate(item)) markPrivate(li, meta, item); // never mistaken for a line everybody sees
    } else if (item.kind === "announcement") {
      const label = document.createElement("span");
      label.className = "author";
      label.textContent = TEXT.announcement;
      meta.append(label);
    }
    const time = document.createElement("time");
    time.setAttribute("datetime", item.created_at);
    time.dataset.local = this.options.group ? "auto" : "time";
    time.textContent = item.created_at;
    meta.append(time);

    const body = document.createElement("div");
    body.className = "body";
    if (item.kind === "system") systemText(body, item);
    else if (item.kind === "call") body.textContent = callLine(item); // a private thread's call
    else renderMarkdown(body, item.body);

    if (this.options.group && talk) li.append(avatarFor(item.author));
    li.append(meta, body);
    const files = !item.retracted && drawFiles(item.files, isPrivate(item) ? this.options.credential : null);
    if (files) li.append(files);
    return li;
  }

  /** The reader is `author` now ("p<id>", or null): their messages, and only theirs, are marked mine. */
  reown(author) {
    for (const li of this.ol.querySelectorAll(":scope > li.message:not(.outgoing)")) li.classList.toggle("mine", !!author && li.dataset.author === author);
  }

  /** A message continues the run above it: same author, a message too, within 5 minutes. */
  regroup(li) {
    if (!li.classList.contains("message")) return;
    const prev = li.previousElementSibling;
    const cont =
      !!prev &&
      prev.classList.contains("message") &&
      prev.dataset.author === li.dataset.author &&
      prev.classList.contains("private") === li.classList.contains("private") && // a private line starts its own run
      Number(li.dataset.at) - Number(prev.dataset.at) < GROUP_MS;
    li.classList.toggle("cont", cont);
  }

  /** by: "author" when its author deleted it, else the hosts removed it. */
  markRemoved(li, by) {
    li.classList.add("retracted");
    const body = li.querySelector(".body");
    if (body) body.textContent = by === "author" ? TEXT.deleted : TEXT.removed;
    dropFiles(li); // erased with it: their URLs answer 404 now
    this.changes.removed(li);
    if (this.options.removed) this.options.removed(li);
  }
}
