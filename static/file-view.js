// A message's files (API.md "Files, images, voice notes and link previews"), drawn under its text:
// images inline as thumbnails (the thumbnail, or the image itself when it is small), their space
// reserved from the sizes the server gives so that nothing below them jumps as they load, several
// as a small grid; a click opens the viewer (lightbox.js). Audio as a player with its name and
// length; any other file as a card: an icon for its kind, its name, a readable type, its size and a
// download link. A private item's files load with the reader's credential (file-src.js). File
// names are the uploader's: set as text, never parsed.

import { make } from "./el.js";
import { sizeText } from "./file-words.js";
import { releaseWithin, savePrivate, showPrivate } from "./file-src.js";
import { lang, t } from "./i18n.js";
import { icon } from "./icons.js";
import { dropFromLightbox, openLightbox } from "./lightbox.js";

const TEXT = {
  // Translators: what screen readers call the files under a message.
  files: t("Attached files"),
  kinds: {
    pdf: t("PDF document"),
    text: t("Text file"),
    zip: t("ZIP archive"),
    image: t("Image"),
    audio: t("Audio"),
    other: t("File"),
  },
  // Translators: under a file's name: its kind and its size, such as "PDF document · 1.2 MB".
  meta: (kind, size) => t("{kind} · {size}", { kind, size }),
  // Translators: the link on a file's card that saves it.
  download: t("Download"),
  downloadName: (name) => t("Download {name}", { name }),
  // Translators: the tooltip of an image under a message; {name} is the file's name.
  view: (name) => t("View {name}", { name }),
  // Translators: what a voice note or audio file's player is called for screen readers.
  play: (name) => t("Play {name}", { name }),
  failed: t("The file could not be loaded."),
};

const SINGLE = { width: 360, height: 300 }; // the box one image is shown within, in CSS pixels
const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"]; // i18n: media types
const entryOf = new WeakMap(); // an image's button → {file, credential}

/** What a file is, for how it is drawn: "image", "audio", "pdf", "text", "zip" or "other". */
export function kindOf(file) {
  const type = String(file.type || "").split(";")[0].trim().toLowerCase();
  if (IMAGE_TYPES.includes(type)) return "image";
  if (type.startsWith("audio/")) return "audio";
  return { "application/pdf": "pdf", "text/plain": "text", "application/zip": "zip" }[type] || "other"; // i18n: media types
}

/** A length in seconds as a clock reads it: "0:07", "12:30", "1:02:03". */
export function durationText(seconds) {
  const whole = Math.max(0, Math.round(Number(seconds) || 0));
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor(whole / 60) % 60, whole % 60];
  const two = new Intl.NumberFormat(lang, { minimumIntegerDigits: 2 });
  const one = new Intl.NumberFormat(lang);
  return (h ? `${one.format(h)}:${two.format(m)}` : one.format(m)) + `:${two.format(s)}`;
}

/** Point `el` at the file: directly when it is public, through an object URL when it is private. */
function source(el, attribute, url, credential) {
  if (!credential) {
    el.setAttribute(attribute, url);
    return;
  }
  showPrivate(el, attribute, url, credential).catch(() => {}); // the element is marked file-failed
}

/** An image as a button that opens the viewer; its box has the image's shape before it loads. */
function imageButton(file, credential, single) {
  const button = make("button", "file-thumb");
  button.type = "button";
  button.title = TEXT.view(file.name);
  button.setAttribute("aria-haspopup", "dialog");
  const img = make("img", "file-image");
  img.alt = file.name;
  img.loading = "lazy";
  img.decoding = "async";
  const thumb = typeof file.thumbnail_url === "string" && file.thumbnail_url;
  let width = Number(thumb ? file.thumbnail_width || file.width : file.width) || 0;
  let height = Number(thumb ? file.thumbnail_height || file.height : file.height) || 0;
  if (width > 0 && height > 0) {
    img.width = width;
    img.height = height;
    img.style.aspectRatio = `${width} / ${height}`;
    button.style.setProperty("--ratio", `${width} / ${height}`);
    if (single) {
      // Shown no larger than the box, nor than it is (a small image is not blown up).
      const scale = Math.min(1, SINGLE.width / width, SINGLE.height / height);
      button.style.setProperty("--shown-width", `${Math.max(48, Math.round(width * scale))}px`);
    }
  }
  img.addEventListener("error", () => button.classList.add("file-failed"), { once: true });
  source(img, "src", thumb || file.url, credential);
  button.append(img);
  entryOf.set(button, { file, credential });
  button.addEventListener("click", () => openFrom(button));
  return button;
}

/** The viewer on this image, among the images of its list (the conversation), or of its message. */
function openFrom(button) {
  const scope = button.closest("ol, ul") || button.closest(".files") || button.parentElement;
  const buttons = Array.from(scope.querySelectorAll("button.file-thumb")).filter((b) => entryOf.has(b) && !b.closest(".retracted"));
  const entries = buttons.map((b) => ({ ...entryOf.get(b), opener: b }));
  openLightbox(entries, Math.max(0, buttons.indexOf(button)));
}

function audioPlayer(file, credential) {
  const box = make("div", "file-audio");
  const head = make("div", "file-audio-head");
  const name = make("span", "file-name", file.name);
  name.dir = "auto";
  const length = make("time", "file-duration");
  const said = (seconds) => {
    if (!(seconds > 0) || !Number.isFinite(seconds)) return;
    length.textContent = durationText(seconds);
    length.dateTime = `PT${Math.round(seconds)}S`;
  };
  said(Number(file.duration));
  head.append(icon("page-audio", 20, "file-icon"), name, length);
  const audio = make("audio", "file-player");
  audio.controls = true;
  audio.preload = "metadata";
  audio.setAttribute("aria-label", TEXT.play(file.name));
  audio.addEventListener("loadedmetadata", () => {
    if (!length.textContent) said(audio.duration); // the uploader did not say how long it is
  });
  audio.addEventListener("error", () => box.classList.add("file-failed"), { once: true });
  source(audio, "src", file.url, credential);
  box.append(head, audio);
  return box;
}

function fileCard(file, credential, kind) {
  const card = make("div", "file-card");
  card.dataset.kind = kind;
  const info = make("div", "file-info");
  const name = make("span", "file-name", file.name);
  name.dir = "auto";
  name.title = file.name;
  info.append(name, make("span", "file-meta", TEXT.meta(TEXT.kinds[kind], sizeText(file.size))));
  const link = make("a", "file-download");
  link.href = file.url;
  link.download = file.name;
  link.setAttribute("aria-label", TEXT.downloadName(file.name));
  link.append(icon("download", 20, "file-download-icon"), make("span", "file-download-text", TEXT.download));
  if (credential) {
    // The link alone would be refused (no credential): the file is fetched with it, then saved.
    link.addEventListener("click", (ev) => {
      ev.preventDefault();
      card.classList.remove("file-failed");
      savePrivate(file.url, file.name, credential).catch(() => card.classList.add("file-failed"));
    });
  }
  const failed = make("span", "file-error", TEXT.failed);
  failed.setAttribute("role", "status");
  card.append(icon(`page-${kind}`, 20, "file-icon"), info, link, failed);
  return card;
}

/**
 * The files of a message as one element, or null when it has none (or was removed). credential:
 * for a private item, the reader's token or key (or a function giving it); null for a public one.
 */
export function drawFiles(files, credential) {
  const list = Array.isArray(files) ? files.filter((f) => f && typeof f.url === "string" && typeof f.name === "string") : [];
  if (!list.length) return null;
  const box = make("div", "files");
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", TEXT.files);
  const images = list.filter((f) => kindOf(f) === "image");
  if (images.length) {
    const grid = make("div", images.length === 1 ? "file-images single" : "file-images");
    grid.dataset.count = String(Math.min(images.length, 4));
    for (const file of images) grid.append(imageButton(file, credential || null, images.length === 1));
    box.append(grid);
  }
  for (const file of list) {
    const kind = kindOf(file);
    if (kind === "audio") box.append(audioPlayer(file, credential || null));
    else if (kind !== "image") box.append(fileCard(file, credential || null, kind));
  }
  return box;
}

/** The message `li` was removed: its files and link preview go (their URLs answer 404 now). */
export function dropFiles(li) {
  for (const el of li.querySelectorAll(":scope > .files, :scope > .link-preview")) {
    dropFromLightbox(el);
    releaseWithin(el, true); // no one shows a removed file again
    for (const media of el.querySelectorAll("audio")) media.pause();
    el.remove();
  }
}

/** Everything under `root` (a list being cleared) lets its private files and the viewer go. */
export function forgetFiles(root) {
  dropFromLightbox(root);
  releaseWithin(root);
}
