// New messages while the reader is scrolled up: the first one is marked, and a button at the
// bottom counts them and jumps down to them; reading down to the end clears it.

import { reducedMotion } from "./dom.js";
import { t, tn } from "./i18n.js";

const TEXT = {
  newMessages: (n) => tn("{n} new message", "{n} new messages", n),
  // Translators: a small tag on the first message that arrived while the reader was scrolled up.
  newTag: t("New"),
};

export class Jump {
  /** list: the ItemList; button, label: the jump button and its text; focus() — after a jump. */
  constructor(list, button, label, focus) {
    Object.assign(this, { list, button, label });
    this.unread = 0;
    button.addEventListener("click", () => {
      list.scrollToBottom(!reducedMotion());
      this.readAll();
      focus();
    });
    list.ol.addEventListener("scroll", () => {
      if (this.unread && list.nearBottom()) this.readAll();
    }, { passive: true });
  }

  show() {
    this.button.hidden = this.unread === 0;
    this.label.textContent = TEXT.newMessages(this.unread);
  }

  readAll() {
    this.unread = 0;
    this.show();
  }

  /** Messages from others arrived below the fold (their <li>s, in order). */
  add(news) {
    if (this.unread === 0) {
      for (const old of this.list.ol.querySelectorAll(".first-unread")) old.classList.remove("first-unread");
      news[0].dataset.newLabel = TEXT.newTag; // the tag style.css draws on it
      news[0].classList.add("first-unread");
    }
    this.unread += news.length;
    this.show();
  }
}
