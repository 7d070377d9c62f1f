// What happens to a message after it was said (API.md "Conversation"): edits, reactions, replies'
// quotes and removal, for one ItemList. Each message keeps a record: its text now, when it was last
// edited, and its reactions (emoji → nicknames, in order) from its `reactions` field, then each
// `reaction` item with set semantics (add the author if absent, take them out if `removed`), so an
// item read twice changes nothing. An edit or a reaction whose message is not (yet) in the list
// waits in a bounded map until it comes. The reader's own toggles show at once, and are taken back
// when the server refuses them; the stream's item then confirms what is already shown.

import { TEXT as API_TEXT, errorMessage, eventPath, fetchJson } from "./api.js";
import { textOrFiles } from "./file-words.js";
import { t } from "./i18n.js";
import { renderMarkdown } from "./markdown.js";
import { drawReactions, reactionRow } from "./reactions.js";
import { QUOTE_GONE, drawQuote, quoteButton, showOriginal } from "./reply-quote.js";
import { formatFull } from "./time.js";

const TEXT = {
  // Translators: a mark beside a message whose author changed its text.
  edited: t("(edited)"),
  // Translators: the "(edited)" mark's tooltip and what screen readers say; {time} is the whole date and time.
  editedAt: (time) => t("Edited {time}", { time }),
  // Translators: the author shown in a reply's quote of an announcement.
  announcement: t("Announcement"),
  joinFirst: t("Join the room to react."),
};

const PENDING_MAX = 1000; // edits and reactions waiting for their message

function element(tag, className, text) {
  const el = document.createElement(tag);
  el.className = className;
  if (text != null) el.textContent = text;
  return el;
}

function focusOn(li) {
  if (!li.hasAttribute("tabindex")) li.tabIndex = -1;
  li.focus({ preventScroll: true });
}

export class ItemChanges {
  /**
   * list: the ItemList. Its options used here: me() → {id, nickname, token, banned} or null (the
   * reader), open() → whether the event is open, slug (for the API), say(text, kind) — the status
   * line, changed(li, item) — a message's text changed (item: the message as it is now).
   */
  constructor(list) {
    this.list = list;
    this.options = list.options;
    this.records = new Map(); // message id → {id, item, li, body, editedAt, retracted, reactions}
    this.pending = new Map(); // message id → [edit and reaction items]
    this.waiting = 0;
    this.replies = new Map(); // message id → Set of the ids of replies quoting it
    this.calls = new Map(); // "<id> <emoji>" → the reader's last call about it (one at a time)
    this.drawn = null; // (record) → after a record's reactions were drawn (message-actions.js)
    list.ol.addEventListener("click", (ev) => this.clicked(ev));
  }

  clear() {
    this.records.clear();
    this.pending.clear();
    this.replies.clear();
    this.waiting = 0;
  }

  me() {
    return this.options.me ? this.options.me() : null;
  }

  /** The reader may react (and act on messages): joined, not banned, the event open. */
  canAct() {
    const me = this.me();
    return !!(me && me.token && !me.banned && this.options.slug && this.options.open && this.options.open());
  }

  /** An edit or a reaction item: applied, or kept for its message. False for any other item. */
  take(item) {
    if (item.kind !== "edit" && item.kind !== "reaction") return false;
    if (typeof item.target !== "number") return true;
    const record = this.records.get(item.target);
    if (record) this.apply(record, item);
    else this.keep(item);
    return true;
  }

  keep(item) {
    const waiting = this.pending.get(item.target) || [];
    if (waiting.some((one) => one.id === item.id)) return;
    waiting.push(item);
    this.pending.set(item.target, waiting);
    this.waiting += 1;
    while (this.waiting > PENDING_MAX) {
      const [id, oldest] = this.pending.entries().next().value; // the message waited for longest
      oldest.shift();
      this.waiting -= 1;
      if (!oldest.length) this.pending.delete(id);
    }
  }

  /** A message or announcement was put into the list: its record, quote, marks and what waited for it. */
  arrived(li, item) {
    if (item.kind !== "message" && item.kind !== "announcement") return;
    const record = { id: item.id, item, li, body: item.body, editedAt: item.edited_at || null, retracted: !!item.retracted, reactions: new Map() };
    if (item.reactions && typeof item.reactions === "object") {
      for (const [emoji, names] of Object.entries(item.reactions)) {
        if (Array.isArray(names)) record.reactions.set(emoji, names.filter((name) => typeof name === "string"));
      }
    }
    this.records.set(item.id, record);
    if (typeof item.reply_to === "number" && !record.retracted) {
      const quote = quoteButton(item.reply_to);
      li.querySelector(":scope > .meta").after(quote);
      if (!this.replies.has(item.reply_to)) this.replies.set(item.reply_to, new Set());
      this.replies.get(item.reply_to).add(item.id);
      drawQuote(quote, this.original(item.reply_to), TEXT.announcement);
    }
    const waiting = this.pending.get(item.id);
    if (waiting) {
      this.pending.delete(item.id);
      this.waiting -= waiting.length;
      for (const one of waiting) this.apply(record, one);
    }
    this.draw(record);
    this.requote(item.id);
  }

  /** The message `li` was removed: no quote, marks or reactions any more; quotes of it say so. */
  removed(li) {
    const record = this.records.get(Number(li.dataset.id));
    for (const el of li.querySelectorAll(":scope > :is(.reply-quote, .item-foot, .msg-actions)")) el.remove();
    if (!record) return;
    record.retracted = true;
    this.requote(record.id);
  }

  apply(record, item) {
    if (record.retracted) return;
    if (item.kind === "edit") {
      // An edit older than the text the message already has (read again later) changes nothing.
      if (typeof item.body !== "string" || (record.editedAt && item.created_at < record.editedAt)) return;
      record.body = item.body;
      record.editedAt = item.created_at;
      record.item = { ...record.item, body: item.body, edited_at: item.created_at, mentions: item.mentions || [] };
      const body = record.li.querySelector(":scope > .body");
      if (body) renderMarkdown(body, item.body);
      if (this.options.changed) this.options.changed(record.li, record.item);
      this.requote(record.id);
    } else if (typeof item.emoji === "string" && typeof item.author === "string") {
      this.react(record, item.emoji, item.author, !item.removed);
      return;
    }
    this.draw(record);
  }

  /** One nickname's reaction with one emoji, added or taken out (set semantics); drawn. */
  react(record, emoji, name, add) {
    const names = record.reactions.get(emoji) || [];
    if (add && !names.includes(name)) record.reactions.set(emoji, [...names, name]);
    if (!add && names.includes(name)) {
      const left = names.filter((one) => one !== name);
      if (left.length) record.reactions.set(emoji, left);
      else record.reactions.delete(emoji);
    }
    this.draw(record);
  }

  /** The message's foot: "(edited)" and the reactions row, each only when there is something to show. */
  draw(record) {
    const li = record.li;
    let foot = li.querySelector(":scope > .item-foot");
    const edited = !!record.editedAt && !record.retracted;
    const reacted = !record.retracted && record.reactions.size > 0;
    if (!edited && !reacted) {
      if (foot) this.keepFocus(foot, li).remove();
      return this.drawn && this.drawn(record);
    }
    if (!foot) {
      foot = element("div", "item-foot");
      foot.setAttribute("aria-live", "off"); // each reaction is not announced as the conversation's news
      (Array.from(li.querySelectorAll(":scope > :is(.body, .files, .link-preview)")).pop() || li.lastChild).after(foot);
    }
    let mark = foot.querySelector(":scope > .edited");
    if (edited) {
      if (!mark) {
        mark = element("span", "edited");
        mark.append(element("span", "edited-mark", TEXT.edited), element("span", "visually-hidden"));
        mark.firstChild.setAttribute("aria-hidden", "true");
        foot.prepend(mark);
      }
      const said = TEXT.editedAt(formatFull(record.editedAt));
      mark.title = said;
      mark.lastChild.textContent = said;
    } else if (mark) {
      mark.remove();
    }
    let row = foot.querySelector(":scope > .reactions");
    if (reacted) {
      if (!row) foot.append((row = reactionRow()));
      const me = this.me();
      const focused = row.contains(document.activeElement);
      drawReactions(row, record.reactions, me ? me.nickname : null, this.canAct());
      if (focused && !row.contains(document.activeElement)) focusOn(li); // its chip went
    } else if (row) {
      this.keepFocus(row, li).remove();
    }
    if (this.drawn) this.drawn(record);
  }

  /** `el` is about to go: the focus it holds goes to its message. */
  keepFocus(el, li) {
    if (el.contains(document.activeElement)) focusOn(li);
    return el;
  }

  /** Who the reader is, or whether they may act, changed: the chips follow. */
  refresh() {
    const me = this.me();
    const stamp = `${me ? me.id + " " + me.nickname : ""} ${this.canAct()}`;
    if (stamp === this.stamp) return;
    this.stamp = stamp;
    for (const record of this.records.values()) if (record.reactions.size || this.drawn) this.draw(record);
  }

  /** The message `id` as a quote shows it: {author, body, kind, retracted}, or null when not in the list. */
  original(id) {
    const record = this.records.get(id);
    if (!record || !record.li.isConnected) return null;
    const body = textOrFiles(record.body, record.item.files); // a photo sent alone is quoted by its name
    return { author: record.item.author, body, kind: record.item.kind, retracted: record.retracted };
  }

  /** The message `id` changed (came, was edited or removed): the quotes of it follow. */
  requote(id) {
    const replies = this.replies.get(id);
    if (!replies) return;
    const original = this.original(id);
    for (const replyId of replies) {
      const reply = this.records.get(replyId);
      const quote = reply && reply.li.querySelector(":scope > .reply-quote");
      if (quote) drawQuote(quote, original, TEXT.announcement);
    }
  }

  say(text, kind) {
    if (this.options.say) this.options.say(text, kind);
  }

  clicked(ev) {
    const quote = ev.target.closest(".reply-quote");
    if (quote && this.list.ol.contains(quote)) {
      const record = this.records.get(Number(quote.dataset.replyTo));
      if (record && record.li.isConnected && !record.li.hidden) {
        this.say("");
        this.list.leaveBottom(); // an item arriving meanwhile must not scroll it away again
        showOriginal(record.li);
      } else {
        this.say(QUOTE_GONE, "error");
      }
      return;
    }
    const chip = ev.target.closest(".reactions .reaction");
    const li = chip && chip.closest("li[data-id]");
    if (li) this.toggle(Number(li.dataset.id), chip.dataset.emoji);
  }

  /** The reader's reaction with `emoji` to message `id`, on if it was off and off if on: shown at once. */
  async toggle(id, emoji) {
    const record = this.records.get(id);
    if (!record || record.retracted) return;
    const me = this.me();
    if (!this.canAct()) {
      if (!me) this.say(TEXT.joinFirst, "error");
      return;
    }
    const names = record.reactions.get(emoji) || [];
    const add = !names.includes(me.nickname);
    this.react(record, emoji, me.nickname, add);
    this.say("");
    const path = eventPath(this.options.slug, `/messages/${id}/reactions/${encodeURIComponent(emoji)}`);
    // One call at a time for each chip: an on and an off in quick succession reach the server in order.
    const key = `${id} ${emoji}`;
    const call = (this.calls.get(key) || Promise.resolve()).then(() => this.call(add ? "PUT" : "DELETE", path, me.token));
    this.calls.set(key, call);
    const res = await call;
    if (this.calls.get(key) === call) this.calls.delete(key);
    if (res.status === 200) return;
    this.react(record, emoji, me.nickname, !add); // refused: as it was
    this.say(res.status ? errorMessage(res) : API_TEXT.unreachable, "error");
  }

  async call(method, path, token) {
    try {
      return await fetchJson(method, path, { token, timeout: 15000 });
    } catch (e) {
      return { status: 0, data: null };
    }
  }
}
