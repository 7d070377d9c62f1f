// An action that can be taken back for a few seconds: a line says what was done with an Undo
// button, and the action itself runs only when the time is up, when another one starts, or when
// the page is hidden or left (then with keepalive: the request outlives the page).

import { t } from "./i18n.js";

const TEXT = {
  undo: t("Undo"),
};

const SECONDS = 5;

export class UndoToast {
  /** place: the element the toast's line goes before (in the flow: it covers nothing). */
  constructor(place) {
    const box = document.createElement("div");
    box.className = "toast";
    box.setAttribute("role", "status");
    box.hidden = true;
    this.text = document.createElement("span");
    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.className = "link toast-undo"; // i18n: class names
    this.button.textContent = TEXT.undo;
    box.append(this.text, " · ", this.button); // a separator, not a word
    place.before(box);
    this.box = box;
    this.pending = null; // {run(keepalive), undo(), timer}
    this.button.addEventListener("click", () => this.undo());
    // Leaving the page (or hiding it, which may be the last thing it sees) does what was asked.
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.flush(true);
    });
    window.addEventListener("pagehide", () => this.flush(true));
  }

  /**
   * Say `text` with an Undo button for 5 seconds; then run(keepalive). undo() — taken back.
   * An action still waiting runs now: one thing at a time can be undone.
   */
  offer(text, run, undo) {
    this.flush(false);
    const hadFocus = document.activeElement;
    this.text.textContent = text;
    this.box.hidden = false;
    this.pending = { run, undo, timer: setTimeout(() => this.flush(false), SECONDS * 1000) };
    // The button that was pressed may go away: keyboard users land on Undo instead.
    if (!hadFocus || hadFocus === document.body || hadFocus.disabled) this.button.focus({ preventScroll: true });
  }

  /** Do the waiting action now. */
  flush(keepalive) {
    const p = this.pending;
    if (!p) return;
    this.close();
    p.run(keepalive);
  }

  undo() {
    const p = this.pending;
    if (!p) return;
    this.close();
    p.undo();
  }

  close() {
    clearTimeout(this.pending.timer);
    this.pending = null;
    const focused = this.box.contains(document.activeElement);
    this.box.hidden = true;
    if (focused) document.getElementById("messages").focus({ preventScroll: true });
  }
}
