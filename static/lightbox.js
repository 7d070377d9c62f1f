// The image viewer: a thumbnail clicked (file-view.js) opens the full image in a modal <dialog>
// over the page, with its name, where it is among the list's images ("2 of 5"), a download link,
// and Previous / Next. Keys: Escape closes, the arrow keys move (mirrored where the text runs right
// to left), Home and End go to the first and last. The focus stays inside while it is open and goes
// back to the thumbnail of the image shown last when it closes. A private image is fetched with the
// reader's credential (file-src.js). The name is the uploader's: set as text.

import { make } from "./el.js";
import { release, savePrivate, showPrivate } from "./file-src.js";
import { dir, t } from "./i18n.js";
import { icon, iconButton } from "./icons.js";

const TEXT = {
  // Translators: where the image shown is among the conversation's images, in the image viewer.
  position: (index, count) => t("{index} of {count}", { index, count }),
  previous: t("Previous image"),
  next: t("Next image"),
  close: t("Close the image"),
  // Translators: a link in the image viewer that saves the image.
  download: t("Download"),
  downloadName: (name) => t("Download {name}", { name }),
  failed: t("The image could not be loaded."),
};

class Lightbox {
  constructor() {
    this.entries = [];
    this.index = 0;
    const dialog = (this.dialog = make("dialog", "lightbox"));
    dialog.setAttribute("aria-labelledby", "lightbox-name");
    const bar = make("div", "lightbox-bar");
    this.name = make("h2", "lightbox-name");
    this.name.id = "lightbox-name";
    this.name.dir = "auto";
    this.position = make("p", "lightbox-position");
    this.position.setAttribute("aria-live", "polite");
    this.download = make("a", "lightbox-download");
    this.download.append(icon("download"), make("span", "lightbox-download-text", TEXT.download));
    this.closer = iconButton("close-solid", TEXT.close, "lightbox-close");
    bar.append(this.name, this.position, this.download, this.closer);
    const stage = (this.stage = make("div", "lightbox-stage"));
    this.previous = iconButton("previous", TEXT.previous, "lightbox-step lightbox-previous");
    this.next = iconButton("next", TEXT.next, "lightbox-step lightbox-next");
    this.figure = make("div", "lightbox-figure");
    this.failed = make("p", "lightbox-failed", TEXT.failed);
    this.failed.hidden = true;
    stage.append(this.previous, this.figure, this.next);
    dialog.append(bar, stage, this.failed);

    this.closer.addEventListener("click", () => this.close());
    this.previous.addEventListener("click", () => this.step(-1));
    this.next.addEventListener("click", () => this.step(1));
    // A click on the dark around the image closes, as in most viewers; one on the image does not.
    stage.addEventListener("click", (ev) => {
      if (ev.target === stage || ev.target === this.figure) this.close();
    });
    dialog.addEventListener("cancel", (ev) => {
      ev.preventDefault(); // Escape: closed our way, the focus going back to the thumbnail
      this.close();
    });
    dialog.addEventListener("keydown", (ev) => this.key(ev));
    this.download.addEventListener("click", (ev) => {
      const entry = this.entries[this.index];
      if (!entry || !entry.credential) return; // a public file: the link itself downloads it
      ev.preventDefault();
      savePrivate(entry.file.url, entry.file.name, entry.credential).catch(() => this.showFailed());
    });
    document.body.append(dialog);
  }

  get isOpen() {
    return this.dialog.open;
  }

  open(entries, index) {
    this.entries = entries;
    this.show(index);
    if (!this.isOpen) this.dialog.showModal();
    this.closer.focus({ preventScroll: true });
  }

  /** Show entries[index]: its name, place, link and image (its size reserved before it loads). */
  show(index) {
    const count = this.entries.length;
    this.index = Math.max(0, Math.min(index, count - 1));
    const { file, credential } = this.entries[this.index];
    this.name.textContent = file.name;
    this.position.textContent = count > 1 ? TEXT.position(this.index + 1, count) : "";
    this.position.hidden = count < 2;
    this.previous.hidden = this.next.hidden = count < 2;
    this.previous.disabled = this.index === 0;
    this.next.disabled = this.index === count - 1;
    this.download.href = file.url;
    this.download.download = file.name;
    this.download.setAttribute("aria-label", TEXT.downloadName(file.name));
    this.failed.hidden = true;
    const old = this.figure.querySelector("img");
    if (old) release(old);
    const img = make("img", "lightbox-image");
    img.alt = file.name;
    img.decoding = "async";
    if (file.width > 0 && file.height > 0) {
      img.width = file.width;
      img.height = file.height;
      img.style.aspectRatio = `${file.width} / ${file.height}`;
    }
    img.addEventListener("error", () => this.showFailed(), { once: true });
    if (credential) showPrivate(img, "src", file.url, credential).catch(() => this.showFailed());
    else img.src = file.url;
    this.figure.replaceChildren(img);
    // A button that went away (the last image reached) hands the focus on.
    if (!this.dialog.contains(document.activeElement) || document.activeElement.disabled) this.closer.focus({ preventScroll: true });
  }

  showFailed() {
    this.failed.hidden = false;
  }

  step(by) {
    const to = this.index + by;
    if (to < 0 || to >= this.entries.length || to === this.index) return;
    this.show(to);
  }

  key(ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const forward = dir === "rtl" ? "ArrowLeft" : "ArrowRight";
    const back = dir === "rtl" ? "ArrowRight" : "ArrowLeft";
    const moves = { [forward]: this.index + 1, [back]: this.index - 1, Home: 0, End: this.entries.length - 1 };
    if (ev.key in moves) {
      ev.preventDefault();
      const to = moves[ev.key];
      if (to >= 0 && to < this.entries.length && to !== this.index) this.show(to);
    } else if (ev.key === "Tab") {
      this.trap(ev);
    }
  }

  /** Tab and Shift+Tab go round the viewer's own controls, never out to the page or the browser. */
  trap(ev) {
    const all = Array.from(this.dialog.querySelectorAll("a[href], button")).filter((el) => !el.disabled && !el.closest("[hidden]"));
    if (!all.length) return;
    const first = all[0];
    const last = all[all.length - 1];
    if (ev.shiftKey && document.activeElement === first) {
      ev.preventDefault();
      last.focus();
    } else if (!ev.shiftKey && document.activeElement === last) {
      ev.preventDefault();
      first.focus();
    }
  }

  /** Close; the focus goes back to the thumbnail of the image shown (else to its message, or the page). */
  close() {
    if (!this.isOpen) return;
    const entry = this.entries[this.index];
    this.dialog.close();
    const img = this.figure.querySelector("img");
    if (img) release(img);
    this.figure.replaceChildren();
    this.entries = [];
    const opener = entry && entry.opener;
    if (opener && opener.isConnected && !opener.closest("[hidden]")) opener.focus({ preventScroll: false });
  }

  /** The thumbnails in `root` are going (a removed message, a list cleared): not shown here any more. */
  drop(root) {
    if (!this.isOpen) return;
    const current = this.entries[this.index];
    const left = this.entries.filter((entry) => !root.contains(entry.opener));
    if (left.length === this.entries.length) return;
    if (!left.length || root.contains(current.opener)) {
      const home = root.closest("li[data-id]") || null;
      this.close();
      if (home && home.isConnected) {
        if (!home.hasAttribute("tabindex")) home.tabIndex = -1;
        home.focus({ preventScroll: true });
      }
      return;
    }
    this.entries = left;
    this.show(left.indexOf(current));
  }
}

let viewer = null;

/**
 * Open the viewer on entries[index]. entries: [{file, credential, opener}] — the File object, the
 * credential for a private one (else null), and the thumbnail that opens it.
 */
export function openLightbox(entries, index) {
  if (!entries.length) return;
  if (!viewer) viewer = new Lightbox();
  viewer.open(entries, index);
}

/** The images shown from inside `root` are gone (their message was removed, their list cleared). */
export function dropFromLightbox(root) {
  if (viewer && root) viewer.drop(root);
}
