// The room's composer: the message box with its length counter, Enter to send, and what came of
// a send. Every message goes out through the outbox (outbox.js), which alone retries. In slow mode
// (or after a 429) the send button counts down the seconds until the next message may go.
// The room extends it (extend(), room-composing.js): a reply, an edit, @mention completion and
// "is typing"; the private panel's composer has none of these.

import { errorCode, errorMessage, retryAfter } from "./api.js";
import { say } from "./dom.js";
import { lang, t, tn } from "./i18n.js";
import { formatDuration } from "./time.js";
import { randomId } from "./util.js";

const TEXT = {
  left: (n) => tn("{n} character left", "{n} characters left", n),
  // Translators: {limit} is the most characters a message may have (4000).
  over: (n, limit) => tn("{n} character over the limit of {limit}", "{n} characters over the limit of {limit}", n, { limit }),
  tooLong: (n, limit) =>
    tn("Your message is {n} character too long; a message holds at most {limit}.", "Your message is {n} characters too long; a message holds at most {limit}.", n, { limit }),
  tooFast: (seconds) => t("You are sending messages too fast. Wait {seconds} s, then send again; your message is kept.", { seconds }),
  notOpen: t("The chat has not opened yet; your message is kept until it does."),
  // Translators: the send button's name for screen readers while it counts down; {duration} is such as "12 s".
  sendIn: (duration) => t("Send, possible again in {duration}", { duration }),
};

const LIMIT = 4000; // characters in a message (the API counts code points)
const COUNTER_FROM = 3500; // the counter shows from here on
// The limit as the language writes it; a four-digit number without a separator ("4000", as before).
const LIMIT_TEXT = new Intl.NumberFormat(lang, { useGrouping: "min2" }).format(LIMIT);

function length(text) {
  return Array.from(text).length; // code points, as the server counts
}

export class Composer {
  /**
   * els: form, input, button, error, counter. hooks: me() → the reader or null; offline() →
   * whether the room is out of touch (a message then queues at once); landed() — a message was
   * sent or queued, so the end of the conversation is what matters; lost() — the server no longer
   * knows the reader's token.
   */
  constructor(els, outbox, hooks) {
    Object.assign(this, { els, outbox, hooks });
    this.sending = false;
    this.pending = null; // {text, clientId}: a message that may or may not have reached the server
    this.rateTimer = null;
    this.slow = 0; // the room's slow mode, in seconds (room-moderation.js)
    this.heldUntil = 0; // no message may go before then (ms): the send button counts down
    this.holdTimer = null;
    this.sendText = this.sendWord = els.button.textContent;
    this.ext = null; // what the room adds (extend())
    this.files = null; // the message's files (useFiles(): attach-sources.js)
    const { form, input, button } = els;
    input.addEventListener("input", () => {
      this.update();
      if (els.error.dataset.kind === "transient") say(els.error, "");
    });
    // Enter sends, Shift+Enter starts a new line (and Enter while composing with an IME does not send).
    input.addEventListener("keydown", (ev) => {
      if (this.ext && this.ext.key(ev)) return; // the mention list, the reply and the edit take theirs first
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
        ev.preventDefault();
        if (!this.sending && !this.waits()) (form.requestSubmit ? form.requestSubmit() : button.click());
      }
    });
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.submit();
    });
  }

  /**
   * What the room adds to the box: key(ev) → whether it took the key (and prevented its default);
   * replyTo(item), startEdit(item); editing() → whether Enter saves an edit, save(text) doing so;
   * reply() → {id, author, preview} of what the next message answers, or null; sent() after one went.
   */
  extend(ext) {
    this.ext = ext;
  }

  /** The message's files: count(), settle() → null or why not, take() → the files for the outbox. */
  useFiles(files) {
    this.files = files;
  }

  /** Answer `item` with the next message (the room only; the item list's Reply). */
  replyTo(item) {
    if (this.ext) this.ext.replyTo(item);
  }

  /** Edit the reader's own message `item` in the box (the room only; the item list's Edit). */
  startEdit(item) {
    if (this.ext) this.ext.startEdit(item);
  }

  /** The send button's words: "Save" while editing; none: "Send" again. */
  label(text) {
    this.sendText = text || this.sendWord;
    this.tick();
  }

  /** The counter and the height, after the text changed. */
  update() {
    const { input, counter } = this.els;
    const n = length(input.value);
    if (n < COUNTER_FROM) say(counter, "");
    else if (n <= LIMIT) say(counter, TEXT.left(LIMIT - n), LIMIT - n < 100 ? "warn" : null);
    else say(counter, TEXT.over(n - LIMIT, LIMIT_TEXT), "error");
    if (window.CSS && CSS.supports && CSS.supports("field-sizing", "content")) return; // CSS does it
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 200) + "px";
  }

  /** The box can be written in (it is shown, and the reader is not banned). */
  usable() {
    return !this.els.form.hidden && !this.els.input.disabled;
  }

  /** Show whether the reader may write: banned readers read along. */
  allow(allowed) {
    this.allowed = allowed;
    this.els.input.disabled = !allowed;
    this.els.button.disabled = !allowed || this.sending || this.waits();
  }

  /** The room's slow mode (seconds; 0: off). Turned off, the countdown stops at once. */
  slowMode(seconds) {
    if (seconds === this.slow) return;
    this.slow = seconds;
    // The server counts from the last post with the slow mode now in force: a shorter wait, or none.
    if (this.held()) this.heldUntil = seconds ? Math.min(this.heldUntil, Date.now() + seconds * 1000) : 0;
    this.tick();
  }

  /** Whether the send button is counting down. */
  held() {
    return this.heldUntil > Date.now();
  }

  /** Whether the box holds an edit (which slow mode does not hold back: it is no new message). */
  editing() {
    return !!(this.ext && this.ext.editing());
  }

  /** Whether what the box holds must wait for the countdown. */
  waits() {
    return this.held() && !this.editing();
  }

  /** No message goes for `seconds` (0: they may from now on): the send button counts down meanwhile. */
  hold(seconds) {
    this.heldUntil = seconds > 0 ? Math.max(this.heldUntil, Date.now() + seconds * 1000) : 0;
    this.tick();
  }

  /** The send button: the seconds left, or "Send" again once none are. */
  tick() {
    clearTimeout(this.holdTimer);
    const { button } = this.els;
    const ms = this.heldUntil - Date.now();
    if (ms > 0 && !this.editing()) {
      const duration = formatDuration(Math.ceil(ms / 1000));
      button.textContent = duration;
      button.setAttribute("aria-label", TEXT.sendIn(duration));
      button.classList.add("holding");
      button.disabled = true;
      this.holdTimer = setTimeout(() => this.tick(), ms % 1000 || 1000); // at the next whole second left
      return;
    }
    if (ms <= 0) this.heldUntil = 0;
    button.textContent = this.sendText;
    button.removeAttribute("aria-label");
    button.classList.remove("holding");
    button.disabled = this.allowed === false || this.sending;
  }

  error(text, kind) {
    say(this.els.error, text, kind);
  }

  /** `text` went (or waits in the outbox): empty the box if it still holds it. */
  done(text) {
    this.pending = null;
    if (this.els.input.value === text) this.els.input.value = "";
    if (this.ext) this.ext.sent();
    this.update();
    this.hooks.landed();
    if (this.usable()) this.els.input.focus();
  }

  async submit() {
    const me = this.hooks.me();
    if (this.sending || !me || me.banned || this.waits()) return;
    const text = this.els.input.value;
    const files = this.files && !this.editing() ? this.files.count() : 0;
    if (!text.trim() && !files && !this.editing()) return; // an emptied edit: the server says to delete instead
    if (length(text) > LIMIT) return this.error(TEXT.tooLong(length(text) - LIMIT, LIMIT_TEXT), "transient");
    if (this.editing()) return this.ext.save(text); // an edit goes now or not at all, never queued
    if (files) return this.sendFiles(text);
    clearInterval(this.rateTimer);
    this.error("");
    // Sending the same text again after a failure reuses its id: the server stores it only once.
    if (!this.pending || this.pending.text !== text) this.pending = { text, clientId: randomId() };
    const { clientId } = this.pending;
    const reply = this.ext ? this.ext.reply() : null;
    // Offline, reconnecting, or behind messages that still wait: it queues, to keep the order.
    if (navigator.onLine === false || this.hooks.offline() || this.outbox.queued()) {
      this.done(text);
      await this.outbox.add(text, clientId, null, reply);
      return;
    }
    this.sending = true;
    this.els.button.disabled = true;
    this.els.form.setAttribute("aria-busy", "true");
    const result = await this.outbox.post(text, clientId, null, reply);
    this.sending = false;
    this.els.form.removeAttribute("aria-busy");
    const now = this.hooks.me();
    this.els.button.disabled = !!(now && now.banned) || this.waits();
    if (!result.refused) return this.done(text);
    const res = result.refused;
    const code = errorCode(res);
    if (code === "unauthorized") this.hooks.lost();
    else if (code === "not_open") this.error(TEXT.notOpen);
    else if (code === "rate_limited") this.rateLimited(retryAfter(res));
    else this.error(errorMessage(res));
  }

  /** A message with files: their uploads finish (or the writer cancels one), then the outbox sends it. */
  async sendFiles(text) {
    this.error("");
    this.sending = true;
    this.els.button.disabled = true;
    this.els.form.setAttribute("aria-busy", "true");
    const why = await this.files.settle();
    this.sending = false;
    this.els.form.removeAttribute("aria-busy");
    this.tick();
    if (why !== null) return this.error(why, "transient");
    const reply = this.ext ? this.ext.reply() : null;
    const files = this.files.take();
    this.done(text);
    await this.outbox.add(text, randomId(), null, reply, files);
  }

  rateLimited(seconds) {
    clearInterval(this.rateTimer);
    let left = Math.max(1, seconds || 1);
    this.hold(left); // the button counts down; in slow mode (its line says why) that is all
    if (this.slow) return this.error("");
    const show = () => this.error(TEXT.tooFast(left), "rate");
    show();
    this.rateTimer = setInterval(() => {
      left -= 1;
      if (left > 0) return show();
      clearInterval(this.rateTimer);
      if (this.els.error.dataset.kind === "rate") this.error("");
    }, 1000);
  }
}
