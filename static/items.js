// The item renderer: stream items (messages, system lines, announcements, retractions) as <li>s
// of an <ol>, deduplicated by id and kept in id order. User text only ever goes in as text.

import { appendSentence } from "./dom.js";
import { has, lang, t } from "./i18n.js";
import { foldJoin } from "./join-runs.js";
import { linkify } from "./links.js";
import { isPrivate, markPrivate } from "./private-mark.js";
import { localTimes } from "./time.js";

const TEXT = {
  announcement: t("Announcement"),
  // Translators: a small badge after the name of someone who speaks for the event.
  roles: { host: t("Host"), moderator: t("Moderator") },
  removed: t("This message was removed by the host."),
  // The server's system items by code, said in the reader's language (the item's body is the
  // server's English). The same messages as the server's pages (handlers/pages.py): one catalog.
  system: {
    opened: t("The event is open."),
    closed: t("The event is closed."),
    joined: t("{nickname} joined."),
    banned: t("{nickname} was removed by the host."),
    renamed: t("{previous} is now {nickname}."),
  },
  // Translators: {fields} is a list such as "the title and the end time".
  updated: (fields) => t("The host changed {fields}.", { fields }),
  fields: {
    title: t("the title"),
    description: t("the description"),
    starts_at: t("the start time"),
    ends_at: t("the end time"),
    slow_mode: t("slow mode"),
    joins_locked: t("who may join"),
    transcript: t("who may read the transcript"),
    retention_days: t("how long messages are kept"),
    direct_messages: t("who may write privately"),
  },
  bothTimes: t("the start and end times"),
};

/** The room's names of an event's fields, as a host's edit lists them ("the title and the end time"). */
export const FIELD_NAMES = TEXT.fields;

const GROUP_MS = 5 * 60 * 1000;

// The server's English sentences about a participant end so: what is before is the nickname.
const NAMED = { joined: " joined.", banned: " was removed by the host." }; // i18n: the server's English
const EDITED = ["title", "description", "starts_at", "ends_at", "slow_mode", "joins_locked", "transcript", "retention_days", "direct_messages"];
const fieldList = new Intl.ListFormat(lang, { type: "conjunction" });

/** What a host's edit changed ("the title and the end time"), or null when it names nothing. */
function changedFields(changes) {
  if (!changes || typeof changes !== "object") return null;
  const changed = EDITED.filter((name) => Object.hasOwn(changes, name));
  const names = changed.map((name) => TEXT.fields[name]);
  if (changed.includes("starts_at") && changed.includes("ends_at")) names.splice(-2, 2, TEXT.bothTimes);
  return names.length ? fieldList.format(names) : null;
}

/** Who a `joined` item says joined. */
function joinedName(item) {
  if (typeof item.nickname === "string") return item.nickname;
  const body = String(item.body || "");
  return body.endsWith(NAMED.joined) ? body.slice(0, -NAMED.joined.length) : body;
}

/** A system item's sentence with its names: {sentence, values}, or null to show its body as it is. */
function systemSentence(item) {
  const code = item.code;
  const body = String(item.body || "");
  if (code === "opened" || code === "closed") return { sentence: TEXT.system[code], values: {} };
  if (code === "joined" || code === "banned") {
    // The body (English) names the participant; a transcript's may be in another language already.
    let nickname = typeof item.nickname === "string" ? item.nickname : null;
    if (nickname === null && body.endsWith(NAMED[code])) nickname = body.slice(0, -NAMED[code].length);
    return nickname ? { sentence: TEXT.system[code], values: { nickname } } : null;
  }
  if (code === "renamed" && typeof item.previous === "string" && typeof item.nickname === "string") {
    return { sentence: TEXT.system.renamed, values: { previous: item.previous, nickname: item.nickname } };
  }
  // English lists differ from the server's ("a, b and c"): an untranslated sentence is its body.
  const fields = code === "updated" && has("The host changed {fields}.") ? changedFields(item.changes) : null;
  if (fields) return { sentence: TEXT.updated(fields), values: {} };
  return null;
}

/**
 * A system line's text in the reader's language, from its code (an unknown code: the server's
 * body), the nicknames in it isolated (<bdi>): "محمد joined." stays a sentence.
 */
export function systemText(el, item) {
  el.replaceChildren();
  el.dir = "auto"; // the sentence decides the direction; isolated names do not count
  const said = systemSentence(item);
  if (said) appendSentence(el, said.sentence, said.values);
  else el.append(String(item.body || ""));
}

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
 * System items and announcements get their own classes; a retraction blanks its target.
 * options: mine(item) → bool; decorate(li, item); removed(li); group: true to show the author
 * once per run of messages (same author, under 5 minutes apart) with an initial beside it;
 * tail: a selector for elements that stay below every item (messages still being sent);
 * notices: true to show notices from the hosts (the room's private thread), else they are skipped.
 */
export class ItemList {
  constructor(ol, options) {
    this.ol = ol;
    this.options = options || {};
    this.byId = new Map();
    this.removed = new Set();
    this.maxId = 0;
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
    this.maxId = 0;
    this.ol.replaceChildren();
  }

  nearBottom() {
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
      this.removed.add(item.target);
      const target = this.byId.get(item.target);
      if (target) this.markRemoved(target);
      return null;
    }
    if (this.byId.has(item.id)) return null;
    const kinds = this.options.notices ? ["message", "system", "announcement", "notice"] : ["message", "system", "announcement"];
    if (!kinds.includes(item.kind)) return null; // unknown kinds are ignored
    const li = this.build(item);
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
    if (item.retracted || this.removed.has(item.id)) this.markRemoved(li);
    if (this.options.group && item.code === "joined") foldJoin(li, joinedName(item));
    if (this.options.group) {
      this.regroup(li);
      if (li.nextElementSibling) this.regroup(li.nextElementSibling);
    }
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
    else linkify(body, item.body);

    if (this.options.group && talk) li.append(avatarFor(item.author));
    li.append(meta, body);
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

  markRemoved(li) {
    li.classList.add("retracted");
    const body = li.querySelector(".body");
    if (body) body.textContent = TEXT.removed;
    if (this.options.removed) this.options.removed(li);
  }
}
