// The room's private side: the reader's direct line to the hosts (and, where the event lets
// participants write to each other, to one participant). Private items from the stream go into
// their threads (private-thread.js), never into the public list; the panel (private-panel.js) shows
// a thread with a composer of its own, whose messages go through an outbox of their own (outbox.js,
// kept per reader: retried, sent once); the replies not yet seen are counted (private-unread.js) on
// the panel's button and in the tab's title, and notify as a mention does. Who may write privately
// follows the event (`direct_messages` on the page, then the host's changes in the stream).

import { Composer } from "./composer.js";
import { privateCalls } from "./private-calls.js";
import { t } from "./i18n.js";
import { Outbox } from "./outbox.js";
import { isPrivate } from "./private-mark.js";
import { privateFiles } from "./private-files.js";
import { PrivatePanel } from "./private-panel.js";
import { Threads } from "./private-thread.js";
import { ReadMarks } from "./private-unread.js";

const TEXT = {
  off: t("This event takes no private messages."),
  hostsOnly: t("This event takes private messages to the hosts only."),
  closed: t("The event has closed."),
  banned: t("The host removed you from this room."),
  // Translators: in "Private messages with …", for a participant whose nickname the page does not know (yet).
  someone: t("another participant"),
};

const POLICIES = ["hosts", "everyone", "off"];

export class PrivateRoom {
  /**
   * root: the room's <article>; identity: identity.js. hooks: state() → the room's state;
   * offline() → whether the room is out of touch; notifier: notify.js (the title's count, alerts);
   * refused(entry, res) — a refusal's consequences for the reader (room-follow.js); lost() — the
   * server no longer knows the reader's token; people() — draw the participant list again.
   */
  constructor(root, identity, hooks) {
    Object.assign(this, { root, identity, hooks });
    const data = root.dataset;
    this.policy = POLICIES.includes(data.directMessages) ? data.directMessages : "hosts";
    this.since = Date.parse(data.now) || 0; // the page shows the policy as it stood then
    this.names = new Map(); // participant id → nickname, from the participant list and their lines
    this.who = undefined; // whose threads these are: a participant id, or null
    this.settled = false; // this reader's stream is read so far: what comes now is news
    this.current = null; // the thread the panel shows
    this.drafts = new Map(); // thread key → what was being written there
    this.switcher = "";
    this.base = identity.scope + " privately"; // i18n: what the outbox is kept under, per reader
    this.panel = new PrivatePanel(document.getElementById("composer"), document.getElementById("chat"), {
      open: () => this.open(this.firstToOpen()),
      closed: () => this.render(),
      pick: (key) => this.show(this.threads.find(key), true),
    });
    this.outbox = new Outbox(data.slug, {
      scope: this.base,
      // A message kept under another reader (read just before a change of reader) never goes with this one's token.
      token: (entry) => (!entry || entry.slug === this.outbox.slug ? identity.token() : null),
      changed: (entries, sendingId) => {
        this.threads.render(entries, sendingId);
        if (this.files) this.files.pending(entries); // a waiting message's files under it
        this.render();
      },
      progress: (entry, index, fraction) => this.files.progress(entry, index, fraction),
      sent: (entry, item) => {
        const me = identity.me;
        if (me && item.participant_id === me.id) this.place([item]); // not a reader's from before
      },
      refused: (entry, res) => hooks.refused(entry, res),
      waiting: (why) => this.threads.waiting(why),
    });
    this.threads = new Threads(this.panel.box, this.outbox, {
      me: () => identity.me,
      wrote: (item) => identity.wrote(item),
      away: () => this.focusIn(),
    });
    const to = () => (this.current ? this.current.to : "hosts");
    const sendTo = { // the composer's outbox: this one, to the thread shown
      queued: () => this.outbox.queued(),
      add: (text, clientId, _to, _reply, files) => this.outbox.add(text, clientId, to(), null, files),
      post: (text, clientId) => this.outbox.post(text, clientId, to()),
    };
    const { composer, input, send, error, counter } = this.panel;
    this.composer = new Composer({ form: composer, input, button: send, error, counter }, sendTo, {
      me: () => identity.me,
      offline: () => hooks.offline(),
      landed: () => this.current && this.current.list.scrollToBottom(false),
      lost: () => hooks.lost(),
    });
    this.calls = privateCalls(this); // calls with the hosts (call-desk.js)
    this.files = privateFiles(this.panel, this.composer, { slug: data.slug, token: () => identity.token(), reader: () => this.who });
    this.marks = new ReadMarks(data.slug, () => this.render());
    root.addEventListener("room:items", (ev) => this.heard(ev.detail.items || []));
    root.addEventListener("room:state", () => this.render()); // open: the button; closed: no box
    document.addEventListener("visibilitychange", () => this.seen());
    window.addEventListener("online", () => this.outbox.flush());
    this.changed();
  }

  /** Whose view of the stream the reader gets: "p<participant id>", or "public" (tabs.js, idb.js). */
  viewer() {
    return this.identity.me ? "p" + this.identity.me.id : "public";
  }

  /**
   * Who the reader is changed: another reader's threads, marks and outbox are never shown here.
   * → whose view of the stream the room reads now (viewer()).
   */
  changed() {
    const me = this.identity.me;
    const who = me ? me.id : null;
    if (who !== this.who) {
      this.who = who;
      this.panel.close(); // the last reader's thread goes from the screen at once
      this.settled = false;
      this.threads.clear();
      this.current = null;
      this.drafts.clear();
      this.panel.input.value = "";
      this.composer.pending = null;
      this.composer.update();
      this.marks.use(who);
      this.outbox.rescope(who === null ? this.base : `${this.base} ${who}`);
    }
    this.render();
    return this.viewer();
  }

  /** The stream has been read so far (for this reader): from now on a reply is news. */
  loaded() {
    this.settled = true;
  }

  /** The stream is read again from the start: the threads too (what waits to be sent stays). */
  clear() {
    this.threads.clear();
    this.current = null;
    this.settled = false;
    this.outbox.reload();
    this.render();
  }

  /** Send what waits (back online, the room open again). */
  flush() {
    this.outbox.flush();
  }

  /** Items from the stream: the reader's private ones go to their threads (replies may alert); → the others. */
  take(items) {
    for (const item of items) this.outbox.delivered(item);
    this.calls.items(items);
    this.place(items);
    return items.filter((item) => !isPrivate(item));
  }

  /** Put private items in their threads; new replies are counted, and alert once the stream is read so far. */
  place(items) {
    const added = this.threads.take(items);
    if (!added.length) return;
    const me = this.identity.me;
    for (const { item } of added) {
      if (typeof item.participant_id === "number" && me && item.participant_id !== me.id) this.know(item.participant_id, item.author);
    }
    if (this.settled) for (const { li } of added) li.classList.add("fresh");
    this.seen();
    this.render();
    const news = added.filter(({ li }) => !li.classList.contains("mine")).map(({ item }) => item);
    if (this.settled && news.length) this.hooks.notifier.news(news);
  }

  /** A participant's nickname (from the participant list, or a line of theirs). */
  know(id, nickname) {
    if (typeof nickname !== "string" || !nickname || this.names.get(id) === nickname) return;
    this.names.set(id, nickname);
    if (this.current && this.current.to === id) this.describe();
    this.render();
  }

  /** The host's changes heard in the stream: who may write privately, if it changed since the page was made. */
  heard(items) {
    for (const item of items) {
      if (item.kind !== "system" || item.code !== "updated" || !item.changes) continue;
      const next = item.changes.direct_messages;
      if (!POLICIES.includes(next) || Date.parse(item.created_at) < this.since || next === this.policy) continue;
      this.policy = next;
      this.render();
      this.hooks.people();
    }
  }

  /** Why the reader cannot write to `to` now ("hosts" or a participant's id), or null when they can. */
  cannot(to) {
    const me = this.identity.me;
    if (!me) return TEXT.off;
    if (me.banned) return TEXT.banned;
    if (this.hooks.state() === "closed") return TEXT.closed;
    if (this.policy === "off") return TEXT.off;
    return to === "hosts" || this.policy === "everyone" ? null : TEXT.hostsOnly;
  }

  /** Whether the participant list offers "Message privately" on `p` ({id, nickname, banned}). */
  canWriteTo(p) {
    const me = this.identity.me;
    return !!me && p.id !== me.id && !p.banned && this.hooks.state() === "open" && this.cannot(p.id) === null;
  }

  /** Open the thread with participant `p` (the participant list's "Message privately"). */
  writeTo(p) {
    this.know(p.id, p.nickname);
    this.open(p.id);
  }

  /** The thread the open button opens: the first with unread replies, else the last shown, else the hosts'. */
  firstToOpen() {
    const unread = this.threads.list().find((th) => this.threads.unread(th, this.marks.upTo(th.key)));
    if (unread) return unread.to;
    return this.current && this.threads.find(this.current.key) ? this.current.to : "hosts";
  }

  /** Open the panel on the thread with `to`. */
  open(to) {
    this.show(this.threads.get(to), false);
    this.panel.open(false);
    this.seen();
    this.render();
  }

  /** Show a thread in the panel (its draft in the box); `focus`: the box takes the focus. */
  show(thread, focus) {
    if (!thread) return;
    if (this.current) this.drafts.set(this.current.key, this.panel.input.value);
    if (this.current !== thread) this.composer.pending = null; // a draft's retry id is its thread's
    this.current = thread;
    this.panel.input.value = this.drafts.get(thread.key) || "";
    this.composer.update();
    this.describe();
    this.panel.show(thread);
    this.render();
    this.seen();
    if (focus) this.focusIn();
  }

  /** The panel's heading, line and placeholder for the thread shown. */
  describe() {
    const to = this.current ? this.current.to : "hosts";
    this.panel.describe(to === "hosts" ? null : this.names.get(to) || TEXT.someone);
  }

  /** The focus inside the panel: its box, or its list when the box is not there. */
  focusIn() {
    if (this.panel.isOpen()) this.panel.open(false);
  }

  /** The thread shown is read, up to its newest line, while the reader can see it. */
  seen() {
    const thread = this.current;
    if (!thread || !this.panel.isOpen() || document.visibilityState === "hidden") return;
    if (this.marks.read(thread.key, this.threads.newest(thread))) this.render();
  }

  /** Replies not yet seen, in every thread (the tab's title counts them too). */
  unread() {
    return this.threads.list().reduce((n, th) => n + this.threads.unread(th, this.marks.upTo(th.key)), 0);
  }

  /** The open button, the counts, the switcher and the composer, as things stand. */
  render() {
    const me = this.identity.me;
    const threads = this.threads.list();
    const has = threads.some((th) => th.items.size || th.outgoing.shown().length);
    const writable = !!me && this.hooks.state() === "open" && this.cannot("hosts") === null;
    this.panel.offer(!!me && (writable || has), writable);
    const unread = this.unread();
    this.panel.unread(unread);
    this.hooks.notifier.unreadPrivately(unread);
    const rows = threads.map((th) => ({
      key: th.key,
      name: th.to === "hosts" ? null : this.names.get(th.to) || TEXT.someone,
      unread: this.threads.unread(th, this.marks.upTo(th.key)),
      current: th === this.current,
    }));
    const switcher = JSON.stringify(rows);
    if (switcher !== this.switcher) { // drawn again only when it changed: a focused tab keeps its focus
      this.switcher = switcher;
      this.panel.threads(rows);
    }
    const current = this.current;
    this.panel.cannot(current ? this.cannot(current.to) : null);
    this.panel.empty.hidden = !!current && (current.items.size > 0 || current.outgoing.shown().length > 0);
    this.composer.allow(!!me && !me.banned);
    if (this.calls) this.calls.update();
  }
}
