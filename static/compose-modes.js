// The room's composer besides writing (composer.js): answering a message and editing one's own.
// A reply shows a bar above the box, "Replying to <author>: <its first words>", with × (and Escape)
// to cancel; the message carries reply_to through the outbox (outbox.js keeps it with the entry).
// An edit puts the message's text in the box under "Editing your message": Enter saves it at once
// with PATCH (never queued: an edit needs the server now), Escape gives back what the box held
// before. Up in an empty box edits the reader's newest message, as in Slack.

import { errorCode, errorMessage, eventPath, fetchJson } from "./api.js";
import { appendSentence } from "./dom.js";
import { t } from "./i18n.js";
import { plainPreview } from "./markdown.js";
import { isPrivate } from "./private-mark.js";

const TEXT = {
  // Translators: above the message box while answering a message: who wrote it, and its first words.
  replying: t("Replying to {author}: {preview}"),
  // Translators: the × beside "Replying to …" above the message box, for screen readers.
  cancelReply: t("Cancel reply"),
  // Translators: above the message box while it holds one's own message, changed.
  editing: t("Editing your message"),
  // Translators: the × beside "Editing your message", for screen readers.
  cancelEdit: t("Cancel editing"),
  // Translators: the send button while the message box holds an edit.
  save: t("Save"),
  announcement: t("Announcement"),
  offline: t("You are offline. The edit can be saved once you are connected again."),
  unreachable: t("The edit was not saved: the server could not be reached. Try again."),
};

const PREVIEW = 120; // characters of the message answered, in the bar

function element(tag, className) {
  const el = document.createElement(tag);
  el.className = className;
  return el;
}

export class ComposeModes {
  /**
   * composer: the room's Composer. options: slug; token() → the reader's token, or null; newest() →
   * the reader's newest message that is not removed ({id, body}), or null; text(item) → the newest
   * text known of a message; open() → whether the event is open; offline() → whether the room is
   * out of touch; edited(message) — the server saved an edit (the list may show it now);
   * lost() — the server no longer knows the reader's token; changed() — a mode began or ended.
   */
  constructor(composer, options) {
    Object.assign(this, { composer, options });
    this.input = composer.els.input;
    this.replying = null; // {id, author, preview}: what the next message answers
    this.edit = null; // {id, body, draft: {text, reply}}: the message edited, and what the box held before
    this.bar = element("div", "compose-bar");
    this.bar.hidden = true;
    this.icon = element("span", "compose-bar-icon");
    this.icon.setAttribute("aria-hidden", "true");
    this.text = element("p", "compose-bar-text");
    this.text.id = "compose-bar-text"; // i18n: an id
    this.cancel = element("button", "compose-bar-cancel");
    this.cancel.type = "button";
    const cross = element("span", "");
    cross.setAttribute("aria-hidden", "true");
    cross.textContent = "×"; // i18n: a symbol
    this.cancel.append(cross);
    this.cancel.addEventListener("click", () => {
      this.stop();
      this.input.focus();
    });
    this.bar.append(this.icon, this.text, this.cancel);
    const row = composer.els.form.querySelector(".compose-row");
    composer.els.form.insertBefore(this.bar, row);
  }

  /** Answer `item` with the next message. */
  replyTo(item) {
    if (!item || typeof item.id !== "number" || isPrivate(item)) return;
    if (this.edit) this.finish();
    const author = item.kind === "announcement" ? TEXT.announcement : String(item.author || "");
    this.replying = { id: item.id, author, preview: plainPreview(this.options.text(item), PREVIEW) };
    this.show();
    this.input.focus();
  }

  /** Edit the reader's own message `item` in the box; what the box held comes back afterwards. */
  startEdit(item) {
    if (!item || typeof item.id !== "number" || !this.options.open() || !this.composer.usable()) return;
    if (!this.edit) this.edit = { draft: { text: this.input.value, reply: this.replying } };
    Object.assign(this.edit, { id: item.id, body: this.options.text(item) });
    this.replying = null;
    this.fill(this.edit.body);
    this.composer.error("");
    this.composer.label(TEXT.save);
    this.show();
  }

  editing() {
    return !!this.edit;
  }

  /** What the next message answers (kept with it in the outbox), or null. */
  reply() {
    return this.replying ? Object.assign({}, this.replying) : null;
  }

  /** A message went: it was the reply. */
  sent() {
    if (!this.replying) return;
    this.replying = null;
    this.show();
  }

  /** Leave the mode: an edit gives the box back its draft; a reply is no longer one. */
  stop() {
    if (this.edit) this.finish();
    else if (this.replying) this.sent();
  }

  /** The keys the modes take: Escape leaves one, Up in an empty box edits the newest message. */
  key(ev) {
    if (ev.isComposing || ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return false;
    if (ev.key === "Escape" && (this.edit || this.replying)) {
      ev.preventDefault(); // in a chat bar, Escape would close the panel too
      this.stop();
      return true;
    }
    if (ev.key === "ArrowUp" && !this.edit && this.input.value === "") {
      const newest = this.options.newest();
      if (!newest) return false;
      ev.preventDefault();
      this.startEdit(newest);
      return true;
    }
    return false;
  }

  /** Put `text` in the box, the caret at its end. */
  fill(text) {
    this.input.value = text;
    this.composer.update();
    this.input.focus();
    this.input.setSelectionRange(text.length, text.length);
  }

  /** The edit ends (saved, unchanged or cancelled): the box holds what it held before. */
  finish() {
    const { draft } = this.edit;
    this.edit = null;
    this.replying = draft.reply;
    this.composer.label(null);
    this.composer.error("");
    this.fill(draft.text);
    this.show();
  }

  /** Save the edit now: unchanged, it just ends; offline, the box keeps it and says why. */
  async save(text) {
    const edit = this.edit;
    if (text === edit.body) return this.finish();
    if (navigator.onLine === false || this.options.offline()) return this.composer.error(TEXT.offline);
    const token = this.options.token();
    if (!token) return;
    const { composer } = this;
    composer.error("");
    composer.sending = true;
    composer.els.button.disabled = true;
    composer.els.form.setAttribute("aria-busy", "true");
    let res = null;
    try {
      const path = eventPath(this.options.slug, `/messages/${edit.id}`);
      res = await fetchJson("PATCH", path, { body: { body: text }, token, timeout: 15000 });
    } catch (e) {
      res = null; // out of reach: the box keeps the edit, to try again
    }
    composer.sending = false;
    composer.els.form.removeAttribute("aria-busy");
    composer.tick();
    const saved = !!res && res.status === 200 && !!res.data && !!res.data.message;
    if (saved) this.options.edited(res.data.message);
    if (this.edit !== edit) return; // left meanwhile (Escape): the box holds something else now
    if (saved) return this.finish();
    if (!res) return composer.error(TEXT.unreachable);
    if (errorCode(res) === "unauthorized") return this.options.lost();
    composer.error(errorMessage(res)); // removed (409), the event closed (410), a filtered word (403)…
  }

  /** The bar over the box, for the mode there is (none: hidden); the box is described by it. */
  show() {
    const mode = this.edit ? "edit" : this.replying ? "reply" : null;
    this.bar.hidden = !mode;
    this.bar.dataset.mode = mode || "";
    this.text.replaceChildren();
    const described = (this.input.getAttribute("aria-describedby") || "").split(/\s+/).filter((id) => id && id !== this.text.id);
    if (mode) described.unshift(this.text.id);
    this.input.setAttribute("aria-describedby", described.join(" "));
    if (mode === "reply") {
      const author = element("strong", "compose-bar-author");
      author.dir = "auto";
      author.textContent = this.replying.author;
      const preview = element("span", "compose-bar-preview"); // cut at its own end, whichever way the sentence runs
      preview.dir = "auto";
      preview.textContent = this.replying.preview;
      appendSentence(this.text, TEXT.replying, { author, preview });
    } else if (mode === "edit") {
      this.text.textContent = TEXT.editing;
    }
    this.icon.textContent = mode === "edit" ? "✎" : "↩"; // i18n: symbols
    const label = mode === "edit" ? TEXT.cancelEdit : TEXT.cancelReply;
    this.cancel.setAttribute("aria-label", label);
    this.cancel.title = label;
    if (this.options.changed) this.options.changed(mode);
  }
}
