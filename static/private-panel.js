// The private thread's panel on screen: the button beside the composer that opens it (with the
// count of unread replies), and the panel itself: beside the chat on a wide screen, a sheet over
// the room on a phone (a modal <dialog> there). Its heading says with whom, a line who sees it; a
// switcher lists the threads when there is more than one; the thread's list; its own composer.
// Escape or the close button closes it, and the focus goes back where it came from.
// Every word is set as text (never parsed): nicknames are the participants' own.

import { appendSentence } from "./dom.js";
import { make } from "./el.js";
import { lang, t, tn } from "./i18n.js";

const TEXT = {
  open: t("Message the hosts privately"),
  // Translators: the button that opens the private thread, when the reader may no longer write in it.
  openRead: t("Private messages"),
  // Translators: a screen reader hears it after the button "Message the hosts privately".
  unread: (n) => tn("{n} unread private message", "{n} unread private messages", n),
  heading: t("Private messages with the hosts"),
  headingWith: t("Private messages with {nickname}"),
  intro: t("Only you and the hosts see these messages."),
  introWith: t("Only you and {nickname} see these messages."),
  // Translators: the close button of the private thread's panel (for screen readers, and as its tooltip).
  close: t("Close the private conversation"),
  // Translators: what a screen reader calls the private thread's panel.
  panel: t("Private conversation"),
  // Translators: the name of the list of one's private conversations (with the hosts, with a participant).
  threads: t("Private conversations"),
  // Translators: in the list of one's private conversations, the one with the hosts and moderators.
  hosts: t("The hosts"),
  empty: t("No private messages yet."),
  // Translators: what a screen reader calls the box for a private message (its placeholder says to whom).
  label: t("Write privately"),
  placeholder: t("Write to the hosts…"),
  // Translators: the placeholder of the box for a private message to one participant.
  placeholderWith: (nickname) => t("Write to {nickname}…", { nickname }),
  send: t("Send"),
};

const PHONE = "(max-width: 37.5rem)"; // i18n: a media query; here the panel is a sheet over the room
const numbers = new Intl.NumberFormat(lang);

/** The button's icon: a speech bubble with a lock (drawn, so that no font has to have it). */
function icon() {
  const ns = "http://www.w3.org/2000/svg"; // i18n: a namespace
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "18");
  svg.setAttribute("height", "18");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("fill", "currentColor");
  path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2Zm8 3.5A2.5 2.5 0 0 0 9.5 9v1H9v4.5h6V10h-.5V9A2.5 2.5 0 0 0 12 6.5Zm0 1.3A1.2 1.2 0 0 1 13.2 9v1h-2.4V9A1.2 1.2 0 0 1 12 7.8Z"); // i18n: a path
  svg.append(path);
  return svg;
}

export class PrivatePanel {
  /**
   * entryAfter: the element the open button goes after (the composer); home: where the panel goes
   * (the chat). hooks: open() — the reader asked for the panel (which thread is the room's to say);
   * closed() — it closed; pick(key) — the reader chose another thread in the switcher.
   */
  constructor(entryAfter, home, hooks) {
    Object.assign(this, { entryAfter, home, hooks });
    this.returnTo = null;
    this.files = null; // its composer's files (useFiles(): private-files.js)
    const entry = (this.entry = make("div", "private-entry"));
    entry.hidden = true;
    const button = (this.button = make("button", "private-open"));
    button.type = "button";
    button.id = "private-open";
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "private-thread");
    this.label = make("span", "private-open-label", TEXT.open);
    this.count = make("span", "private-count");
    this.count.setAttribute("aria-hidden", "true");
    this.countText = make("span", "visually-hidden");
    button.append(icon(), this.label, this.count, this.countText);
    entry.append(button);

    const dialog = (this.dialog = make("dialog", "private-thread"));
    dialog.id = "private-thread";
    dialog.setAttribute("aria-label", TEXT.panel); // the heading (with whom) comes first inside
    dialog.setAttribute("aria-describedby", "private-intro");
    const head = make("div", "private-head");
    this.heading = make("h2", "private-heading");
    this.heading.id = "private-heading";
    this.heading.dir = "auto";
    const close = make("button", "private-close");
    close.type = "button";
    close.setAttribute("aria-label", TEXT.close);
    close.title = TEXT.close;
    close.append(make("span", "", "×")); // i18n: a symbol
    close.firstChild.setAttribute("aria-hidden", "true");
    this.intro = make("p", "private-intro small");
    this.intro.id = "private-intro";
    head.append(this.heading, close, this.intro);
    this.switcher = make("nav", "private-threads");
    this.switcher.setAttribute("aria-label", TEXT.threads);
    this.switcher.hidden = true;
    this.tabs = make("ul");
    this.switcher.append(this.tabs);
    this.box = make("div", "private-scroller");
    this.empty = make("p", "private-empty muted", TEXT.empty);
    this.box.append(this.empty);
    this.note = make("p", "private-note small");
    this.note.hidden = true;
    dialog.append(head, this.switcher, this.box, this.note, this.form());

    button.addEventListener("click", () => (this.isOpen() ? this.close() : this.hooks.open()));
    close.addEventListener("click", () => this.close());
    dialog.addEventListener("keydown", (ev) => {
      if (ev.key !== "Escape" || ev.defaultPrevented) return;
      ev.preventDefault(); // in a chat bar, Escape here closes this panel, not the bar's
      this.close();
    });
    dialog.addEventListener("cancel", (ev) => {
      ev.preventDefault(); // a modal dialog's own Escape: closed our way, the focus going back
      this.close();
    });
    this.tabs.addEventListener("click", (ev) => {
      const tab = ev.target.closest("button[data-thread]");
      if (tab) this.hooks.pick(tab.dataset.thread);
    });
  }

  /** The panel's composer: its box, Send, the counter and the error line (composer.js runs it). */
  form() {
    const form = (this.composer = make("form", "composer private-composer"));
    const label = make("label", "visually-hidden", TEXT.label);
    label.htmlFor = "private-body";
    const row = make("div", "compose-row");
    const input = (this.input = make("textarea"));
    Object.assign(input, { id: "private-body", name: "body", rows: 1, dir: "auto", required: true, placeholder: TEXT.placeholder });
    input.setAttribute("enterkeyhint", "send");
    input.setAttribute("aria-describedby", "private-intro private-counter private-error");
    this.send = make("button", "", TEXT.send);
    this.send.type = "submit";
    this.send.id = "private-send";
    row.append(input, this.send);
    this.counter = make("p", "counter small");
    this.counter.id = "private-counter";
    this.counter.hidden = true;
    this.error = make("p", "error");
    this.error.id = "private-error";
    this.error.setAttribute("role", "alert");
    this.error.hidden = true;
    form.append(label, row, this.counter, this.error);
    return form;
  }

  isOpen() {
    return this.dialog.open;
  }

  /** The composer's files (private-files.js): told when the panel opens and which thread it shows. */
  useFiles(files) {
    this.files = files;
  }

  /** Into the page, the first time it is offered: a room read without joining has none of it. */
  attach() {
    if (this.entry.isConnected) return;
    this.entryAfter.after(this.entry);
    this.home.append(this.dialog);
  }

  /** Whether the open button shows; `writable`: its words invite writing to the hosts. */
  offer(shown, writable) {
    if (shown) this.attach();
    this.entry.hidden = !shown;
    this.label.textContent = writable ? TEXT.open : TEXT.openRead;
    if (!shown && this.isOpen()) this.close();
  }

  /** The unread count on the open button (0: none shown). */
  unread(n) {
    this.count.textContent = n ? numbers.format(n) : "";
    this.count.hidden = !n;
    this.countText.textContent = n ? TEXT.unread(n) : "";
    this.button.classList.toggle("has-unread", n > 0);
  }

  /** Say with whom the thread is (name: a participant's nickname, or null for the hosts), and who sees it. */
  describe(name) {
    this.heading.replaceChildren();
    this.intro.replaceChildren();
    if (name === null) {
      this.heading.textContent = TEXT.heading;
      this.intro.textContent = TEXT.intro;
    } else {
      appendSentence(this.heading, TEXT.headingWith, { nickname: name });
      appendSentence(this.intro, TEXT.introWith, { nickname: name });
    }
    this.input.placeholder = name === null ? TEXT.placeholder : TEXT.placeholderWith(name);
  }

  /** Show a thread's list (the others hidden), at its newest line. */
  show(thread) {
    if (this.files) this.files.showed(thread.key);
    for (const el of this.box.querySelectorAll(":scope > ol")) el.hidden = el !== thread.ol;
    thread.list.scrollToBottom(false);
  }

  /** The switcher: [{key, name (null: the hosts), unread, current}], shown for two threads or more. */
  threads(rows) {
    this.switcher.hidden = rows.length < 2;
    this.tabs.replaceChildren();
    for (const row of rows) {
      const li = make("li");
      const tab = make("button", "private-tab");
      tab.type = "button";
      tab.dataset.thread = row.key;
      tab.setAttribute("aria-current", row.current ? "true" : "false");
      const name = make("bdi", "", row.name === null ? TEXT.hosts : row.name);
      tab.append(name);
      if (row.unread) {
        const count = make("span", "private-count", numbers.format(row.unread));
        count.setAttribute("aria-hidden", "true");
        tab.append(count, make("span", "visually-hidden", TEXT.unread(row.unread)));
      }
      li.append(tab);
      this.tabs.append(li);
    }
  }

  /** Why the reader cannot write here now (null: they can), in the composer's place. */
  cannot(why) {
    this.note.textContent = why || "";
    this.note.hidden = !why;
    this.composer.hidden = !!why;
  }

  /** Open the panel (a sheet on a phone), the focus in its box, or on its list when it cannot be written in. */
  open(focusList) {
    this.attach();
    if (!this.isOpen()) {
      const active = document.activeElement;
      this.returnTo = active && active !== document.body ? active : this.button;
      if (window.matchMedia && window.matchMedia(PHONE).matches) this.dialog.showModal();
      else this.dialog.show();
      this.button.setAttribute("aria-expanded", "true");
    }
    if (this.files) this.files.opened(); // its tools, the first time
    const list = this.box.querySelector(":scope > ol:not([hidden])");
    const target = focusList || this.composer.hidden || this.input.disabled ? list || this.dialog : this.input;
    target.focus({ preventScroll: true });
  }

  /** Close it; the focus goes back to what opened it (else the open button, if it shows). */
  close() {
    if (!this.isOpen()) return;
    const hadFocus = this.dialog.contains(document.activeElement) || document.activeElement === document.body;
    this.dialog.close();
    this.button.setAttribute("aria-expanded", "false");
    const back = this.returnTo && this.returnTo.isConnected && !this.returnTo.closest("[hidden]") ? this.returnTo : this.button;
    this.returnTo = null;
    if (hadFocus && !back.closest("[hidden]")) back.focus({ preventScroll: true });
    this.hooks.closed();
  }
}
