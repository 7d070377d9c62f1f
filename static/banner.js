// The connection banner (room and host console): why the page is out of touch with the server
// and when it tries again, counting down; hidden again once a poll gets through.

import { t } from "./i18n.js";

const TEXT = {
  gone: t("This event no longer exists on the server."),
  // Translators: {n} is the number of seconds until the next try ("s" for seconds).
  offline: (n) => (n > 0 ? t("You are offline. Trying again in {n} s…", { n }) : t("You are offline. Trying again…")),
  busy: (n) => (n > 0 ? t("The server is busy. Reconnecting in {n} s…", { n }) : t("The server is busy. Reconnecting…")),
  lost: (n) => (n > 0 ? t("Connection lost. Reconnecting in {n} s…", { n }) : t("Connection lost. Reconnecting…")),
  // Translators: two sentences in a row: why the page is out of touch, then what that means on it.
  more: (sentence, after) => t("{sentence} {after}", { sentence, after }),
};

export class ConnectionBanner {
  /**
   * box: shown while out of touch; text: where the sentence goes (the box itself by default);
   * retry: a "Try now" button, if any; root: gets the class "offline" meanwhile; after: a
   * sentence added at the end (what it means on this page); kind: the box's data-kind meanwhile.
   */
  constructor({ box, text, retry, root, after, kind }) {
    Object.assign(this, { box, text: text || box, retry, root, after, kind });
    this.timer = null;
  }

  /** info from the stream: {reason, retryAt} while out of touch, null once connected again. */
  show(info) {
    clearInterval(this.timer);
    if (this.root) this.root.classList.toggle("offline", !!info);
    this.box.hidden = !info;
    if (this.kind) {
      if (info) this.box.dataset.kind = this.kind;
      else delete this.box.dataset.kind;
    }
    if (!info) return;
    if (info.reason === "gone") {
      this.write(TEXT.gone);
      if (this.retry) this.retry.hidden = true;
      return;
    }
    if (this.retry) this.retry.hidden = false;
    const tick = () => {
      const left = Math.max(0, Math.ceil((info.retryAt - Date.now()) / 1000));
      // Messages written now wait in the outbox; the banner says when the next try is.
      if (navigator.onLine === false && info.reason !== "rate_limited") return this.write(TEXT.offline(left));
      this.write(info.reason === "rate_limited" ? TEXT.busy(left) : TEXT.lost(left));
    };
    tick();
    this.timer = setInterval(tick, 1000);
  }

  write(sentence) {
    this.text.textContent = this.after ? TEXT.more(sentence, this.after) : sentence;
  }
}
