// The composer's tray: the files a message will carry (at most 10), each a chip with a preview
// (a thumbnail drawn on a canvas for an image: the pages' CSP allows no blob: URL), its name,
// size, how its upload goes (a progress bar; the server's reason when it refuses it) and a button
// that removes it, cancelling its upload. A file goes up as soon as it is added (upload.js); one
// added offline, or whose upload the network broke, goes with the message into the outbox, which
// uploads it once it can (outbox-files.js). Where files come from is attach-sources.js's job.

import { make } from "./el.js";
import { sizeText } from "./file-words.js";
import { lang, t, tn } from "./i18n.js";
import { icon } from "./icons.js";
import { listenButton, stopListening } from "./listen-back.js";
import { eventPath, retryAfter } from "./api.js";
import { uploadError, uploadFile, uploaded } from "./upload.js";

const TEXT = {
  tray: t("Files to send"),
  // Translators: {name} is a file's name.
  remove: (name) => t("Remove {name}", { name }),
  cancel: (name) => t("Cancel the upload of {name}", { name }),
  progress: (name) => t("Uploading {name}", { name }),
  uploading: t("Uploading…"),
  ready: t("Ready to send"),
  waiting: t("Will upload when you are back online"),
  retry: t("Retry"),
  done: (name) => t("{name} is uploaded.", { name }),
  removed: (name) => t("{name} was removed.", { name }),
  tooMany: (n) => tn("A message can carry at most {n} file.", "A message can carry at most {n} files.", n),
  blocked: t("Some files could not be uploaded: retry or remove them before sending."),
};

export const MAX_FILES = 10; // per message, as the server allows
const THUMB = 48; // CSS pixels: a chip's preview

const two = new Intl.NumberFormat(lang, { minimumIntegerDigits: 2 });
const one = new Intl.NumberFormat(lang);
/** "1:07": a recording's length as a clock shows it. */
export function clockText(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return one.format(Math.floor(s / 60)) + ":" + two.format(s % 60); // i18n: a clock's separator
}

/** "screenshot-2026-12-04-1530.png": a name for a file made here, from the local time. */
export function stampedName(prefix, extension, date = new Date()) {
  const p = (n) => String(n).padStart(2, "0");
  return `${prefix}-${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}.${extension}`;
}

/** A canvas with the image's centre, cropped square; null when the browser cannot decode it. */
async function thumbnail(blob) {
  if (typeof createImageBitmap !== "function") return null;
  try {
    const bitmap = await createImageBitmap(blob);
    const px = THUMB * Math.min(2, Math.ceil(window.devicePixelRatio || 1));
    const canvas = make("canvas", "attach-canvas");
    canvas.width = canvas.height = px;
    const side = Math.min(bitmap.width, bitmap.height);
    canvas.getContext("2d").drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, px, px);
    bitmap.close();
    return canvas;
  } catch (e) {
    return null;
  }
}

let counter = 0;

export class Attachments {
  /**
   * before: the composer's row of box and buttons (the tray goes above it). o: slug; token() → what to
   * upload with (null: not yet); changed(count) — the number of files changed; status(text) — say
   * something in the composer's error line (text "" clears it).
   */
  constructor(before, o) {
    this.o = o;
    this.files = []; // {key, blob, name, type, size, duration, state, id, job, queued, chip, error, timer}
    this.waiters = [];
    this.tray = make("ul", "attach-tray");
    this.tray.setAttribute("aria-label", TEXT.tray);
    this.tray.hidden = true;
    this.live = make("p", "visually-hidden");
    this.live.setAttribute("aria-live", "polite");
    before.before(this.tray, this.live);
    this.tray.addEventListener("click", (ev) => this.clicked(ev));
    window.addEventListener("online", () => this.files.filter((f) => f.state === "waiting").forEach((f) => this.start(f)));
  }

  count() {
    return this.files.length;
  }

  announce(text) {
    this.live.textContent = text;
  }

  /** Add files (File or Blob); extra: {name, duration} for one made here. → how many were added. */
  add(blobs, extra = {}) {
    let added = 0;
    for (const blob of blobs) {
      if (this.files.length >= MAX_FILES) {
        this.o.status(TEXT.tooMany(MAX_FILES));
        break;
      }
      const name = extra.name || blob.name || stampedName("file", "bin"); // i18n: a file name
      const f = { key: "f" + ++counter, blob, name, type: blob.type || "", size: blob.size, duration: extra.duration ?? null, state: "waiting", id: null, job: null, error: null };
      this.files.push(f);
      this.draw(f);
      this.start(f);
      added += 1;
    }
    this.changed();
    return added;
  }

  changed() {
    this.tray.hidden = !this.files.length;
    this.o.changed(this.files.length);
    this.check();
  }

  /** Upload `f` when its turn comes, if it can go (online, with a token); else it waits for the network. */
  start(f) {
    clearTimeout(f.timer);
    if (navigator.onLine === false || !this.o.token()) return this.set(f, "waiting");
    f.queued = true;
    this.set(f, "uploading", null, 0);
    this.pump();
  }

  /** One upload at a time (the server admits two per address, and the outbox may send one). */
  pump() {
    if (this.files.some((one) => one.job)) return;
    const f = this.files.find((one) => one.queued);
    if (!f) return;
    f.queued = false;
    const token = this.o.token();
    if (navigator.onLine === false || !token) {
      this.set(f, "waiting");
      return this.pump();
    }
    const job = (f.job = uploadFile(eventPath(this.o.slug, "/files"), f.blob, f.name, { token, duration: f.duration ?? undefined, progress: (p) => this.progress(f, p) }));
    job.done.then((res) => {
      if (f.job !== job) return; // removed meanwhile (remove() goes on with the next)
      f.job = null;
      this.uploaded(f, res);
      this.pump();
    });
  }

  uploaded(f, res) {
    if (uploaded(res)) {
      f.id = res.data.file.id;
      this.set(f, "done");
      this.announce(TEXT.done(f.name));
    } else if (res.status === 429) {
      this.set(f, "uploading", null, 0); // its turn comes again after the server's pause
      f.timer = setTimeout(() => this.start(f), Math.max(1, retryAfter(res) || 1) * 1000);
    } else if (!res.status && navigator.onLine === false) {
      this.set(f, "waiting"); // the network went: the message takes it along, or it goes when back
    } else {
      this.set(f, res.status ? "refused" : "failed", uploadError(res));
      this.announce(f.error);
    }
  }

  /** A file's state: waiting, uploading, done, failed (the network; can be retried) or refused. */
  set(f, state, error, progress) {
    f.state = state;
    f.error = error || null;
    const chip = f.chip;
    chip.dataset.state = state;
    chip.querySelector(".attach-status").textContent = error || { uploading: TEXT.uploading, done: TEXT.ready, waiting: TEXT.waiting }[state] || "";
    chip.querySelector(".attach-retry").hidden = state !== "failed";
    const bar = chip.querySelector("progress");
    bar.hidden = state !== "uploading";
    if (progress !== undefined) bar.value = progress;
    const remove = chip.querySelector(".attach-remove");
    const label = state === "uploading" ? TEXT.cancel(f.name) : TEXT.remove(f.name);
    remove.setAttribute("aria-label", label);
    remove.title = label;
    this.check();
  }

  progress(f, fraction) {
    const bar = f.chip.querySelector("progress");
    bar.value = fraction;
  }

  draw(f) {
    const chip = (f.chip = make("li", "attach-chip"));
    chip.dataset.key = f.key;
    const audio = f.type.startsWith("audio/"); // i18n: a media type
    // A recording can be heard before it goes: its icon is a play button (listen-back.js).
    const thumb = audio ? (f.listen = listenButton(f.blob, f.name)) : make("span", "attach-thumb");
    if (audio) thumb.classList.add("attach-thumb");
    else thumb.setAttribute("aria-hidden", "true");
    if (!audio) thumb.append(icon("file", 22));
    if (f.type.startsWith("image/")) { // i18n: a media type
      thumbnail(f.blob).then((canvas) => {
        if (canvas) thumb.replaceChildren(canvas);
      });
    }
    const info = make("span", "attach-info");
    const name = make("span", "attach-name", f.name);
    name.dir = "auto";
    name.title = f.name;
    const meta = make("span", "attach-meta", sizeText(f.size) + (f.duration != null ? " · " + clockText(f.duration) : "")); // i18n: a separator
    const status = make("span", "attach-status");
    const bar = make("progress", "attach-progress");
    bar.max = 1;
    bar.value = 0;
    bar.setAttribute("aria-label", TEXT.progress(f.name));
    info.append(name, meta, status, bar);
    const retry = make("button", "attach-retry small-button", TEXT.retry);
    retry.type = "button";
    const remove = make("button", "attach-remove");
    remove.type = "button";
    remove.append(icon("close", 16));
    chip.append(thumb, info, retry, remove);
    this.tray.append(chip);
  }

  clicked(ev) {
    const button = ev.target.closest("button");
    const chip = button && button.closest(".attach-chip");
    const f = chip && this.files.find((one) => one.key === chip.dataset.key);
    if (!f || button.classList.contains("attach-listen")) return; // it plays on its own
    if (button.classList.contains("attach-retry")) return this.start(f);
    // The focus goes to the next chip's button, else the previous one's, else the message box.
    const next = chip.nextElementSibling || chip.previousElementSibling;
    this.remove(f, true);
    this.announce(TEXT.removed(f.name));
    (next ? next.querySelector(".attach-remove") : this.o.input).focus();
  }

  /** Take `f` out of the tray; its upload, if any, is cancelled (cancelled: the writer did it). */
  remove(f, cancelled) {
    clearTimeout(f.timer);
    stopListening(f.listen);
    if (cancelled && f.state === "uploading") this.cancelled = true; // a send that waited for it does not go
    f.queued = false;
    if (f.job) {
      const job = f.job;
      f.job = null;
      job.abort();
    }
    f.chip.remove();
    this.files = this.files.filter((one) => one !== f);
    this.changed();
    this.pump();
  }

  /**
   * Wait until no upload is in flight. → null when the message can go; else why not: a text, or ""
   * when the writer cancelled an upload meanwhile (the message stays in the box).
   */
  settle() {
    this.cancelled = false;
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.check();
    });
  }

  check() {
    if (!this.waiters.length || this.files.some((f) => f.state === "uploading")) return;
    const why = this.cancelled ? "" : this.files.some((f) => f.state === "failed" || f.state === "refused") ? TEXT.blocked : null;
    this.cancelled = false;
    for (const resolve of this.waiters.splice(0)) resolve(why);
  }

  /** The ids of the files, all uploaded; null while one is not (the console has no outbox to wait in). */
  ids() {
    return this.files.every((f) => f.id) ? this.files.map((f) => f.id) : null;
  }

  /** The files for the outbox ({name, type, size, duration, blob, id}), and an empty tray. */
  take() {
    const taken = this.files.map((f) => ({ name: f.name, type: f.type, size: f.size, duration: f.duration, blob: f.blob, id: f.id }));
    for (const f of this.files.slice()) this.remove(f, false);
    return taken;
  }
}
