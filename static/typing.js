// "Is typing", both ways. TypingSignal tells the server while the reader writes in the room's
// message box: the first key at once, then at most once every 3 s; nothing once the box is emptied
// or its message sent (the next key says so again at once); errors are ignored, and a 429 pauses
// for its Retry-After. TypingLine names who else is typing, over the foot of the conversation (it
// never moves the list): each typist for the seconds the server gives unless told again, and gone
// as soon as a message of theirs arrives. Screen readers hear it only when who is typing changes.

import { eventPath, fetchJson, retryAfter } from "./api.js";
import { appendSentence } from "./dom.js";
import { t, tn } from "./i18n.js";

const TEXT = {
  // Translators: over the message box; {name} is a nickname.
  one: t("{name} is typing…"),
  // Translators: over the message box; {first} and {second} are nicknames.
  two: t("{first} and {second} are typing…"),
  // Translators: over the message box while three or more people are typing.
  many: (n) => tn("{n} person is typing…", "{n} people are typing…", n),
};

const EVERY_MS = 3000; // between two signals while the reader types
const TTL_S = 6; // how long a typist shows when the answer does not say (broker.TYPING_TTL_S)

export class TypingSignal {
  /**
   * input: the message box; options: slug; token() → the reader's token, or null; active() →
   * whether what is typed now counts (the public box, not an edit, the event open).
   */
  constructor(input, options) {
    this.path = eventPath(options.slug, "/typing");
    this.options = options;
    this.last = 0; // when the last signal went (ms); 0: the next key sends one at once
    this.pausedUntil = 0; // a 429's Retry-After
    input.addEventListener("input", () => this.typed(input.value));
  }

  typed(value) {
    if (!value.trim()) return this.stop();
    const now = Date.now();
    if (!this.options.active() || now - this.last < EVERY_MS || now < this.pausedUntil || navigator.onLine === false) return;
    const token = this.options.token();
    if (!token) return;
    this.last = now;
    fetchJson("POST", this.path, { token, timeout: 10000 }).then((res) => {
      if (res.status === 429) this.pausedUntil = Date.now() + Math.max(1, retryAfter(res) || 0) * 1000;
    }, () => {}); // nothing to say: readers see the next one, or nothing
  }

  /** The box was emptied, or its message sent. */
  stop() {
    this.last = 0;
  }
}

export class TypingLine {
  /** place: the element it lies over the foot of (the conversation's); me() → the reader's id, or null. */
  constructor(place, me) {
    this.me = me;
    this.el = document.createElement("p");
    this.el.className = "typing-line";
    this.el.setAttribute("role", "status"); // polite; said when it changes, which is when who changes
    place.append(this.el);
    this.typists = new Map(); // participant id → {nickname, until (ms), since (ms)}
    this.timer = null;
    this.said = "";
  }

  /** Who is typing, from the stream: one typist (all false), or everyone typing now (all true: a poll's answer). */
  take(typists, all) {
    const now = Date.now();
    const list = Array.isArray(typists) ? typists : [];
    if (all) {
      for (const id of [...this.typists.keys()]) if (!list.some((one) => one && one.participant_id === id)) this.typists.delete(id);
    }
    for (const one of list) {
      if (!one || typeof one.participant_id !== "number" || typeof one.nickname !== "string" || one.participant_id === this.me()) continue;
      const seconds = typeof one.expires_in === "number" && one.expires_in > 0 ? one.expires_in : TTL_S;
      const was = this.typists.get(one.participant_id);
      this.typists.set(one.participant_id, { nickname: one.nickname, until: now + seconds * 1000, since: was ? was.since : now });
    }
    this.draw();
  }

  /** A message of `participantId` arrived: they are done typing it. */
  spoke(participantId) {
    if (this.typists.delete(participantId)) this.draw();
  }

  clear() {
    this.typists.clear();
    this.draw();
  }

  /** The line, for those not expired; the next expiry is timed. Rewritten only when what it says changes. */
  draw() {
    const now = Date.now();
    for (const [id, one] of this.typists) if (one.until <= now || id === this.me()) this.typists.delete(id);
    clearTimeout(this.timer);
    const left = [...this.typists.values()];
    if (left.length) this.timer = setTimeout(() => this.draw(), Math.max(50, Math.min(...left.map((one) => one.until)) - now));
    const names = left.sort((a, b) => a.since - b.since).map((one) => one.nickname);
    const key = names.length > 2 ? String(names.length) : names.join("\n");
    if (key === this.said) return;
    this.said = key;
    this.el.replaceChildren();
    if (names.length === 1) appendSentence(this.el, TEXT.one, { name: names[0] });
    else if (names.length === 2) appendSentence(this.el, TEXT.two, { first: names[0], second: names[1] });
    else if (names.length > 2) this.el.textContent = TEXT.many(names.length);
    this.el.classList.toggle("shown", names.length > 0);
  }
}
