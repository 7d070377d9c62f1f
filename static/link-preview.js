// Link previews (API.md "Files, images, voice notes and link previews"): the server appends an item
// {"kind": "preview", "target": <message id>, "preview": {...}} after a message with a link; it is
// drawn as a card under its message: the site's name, the page's title as a link to it (a new tab,
// no referrer, nofollow), its description (three lines at most), and its image (served by our
// server, never the linked site's) with its space reserved. As with edits and reactions
// (item-changes.js), a preview that comes before its message waits in a bounded map; a newer
// preview of the same message takes the place of an older one. A message read after its preview
// came carries it (`preview`). Every word is set as text.

import { make } from "./el.js";
import { showPrivate } from "./file-src.js";
import { t } from "./i18n.js";

const TEXT = {
  // Translators: what screen readers call the card under a message that shows the page its link leads to.
  label: t("Link preview"),
  // Translators: said after a link preview's title by screen readers.
  newTab: t("(opens in a new tab)"),
};

const PENDING_MAX = 500; // previews waiting for their message
const REL = "noopener noreferrer nofollow ugc"; // i18n: link relations

/** An http(s) address as a URL, or null. */
function webUrl(value) {
  try {
    const url = new URL(String(value));
    return url.protocol === "https:" || url.protocol === "http:" ? url : null;
  } catch (e) {
    return null;
  }
}

/** The preview's image: only ever one our own server serves (a path here, or this origin). */
function ownImage(value) {
  if (typeof value !== "string" || !value) return null;
  try {
    const url = new URL(value, location.origin);
    return url.origin === location.origin ? url.pathname + url.search : null;
  } catch (e) {
    return null;
  }
}

/**
 * The card for a preview object, or null when it has nothing to show (or no http(s) address).
 * credential: for a private message, the reader's token or key (its image is private too).
 */
export function previewCard(preview, credential) {
  if (!preview || typeof preview !== "object") return null;
  const url = webUrl(preview.url);
  const title = typeof preview.title === "string" ? preview.title.trim() : "";
  if (!url || !title) return null;
  const card = make("div", "link-preview");
  card.setAttribute("role", "group");
  card.setAttribute("aria-label", TEXT.label);
  const image = ownImage(preview.image_url);
  if (image) {
    const img = make("img", "link-preview-image");
    img.alt = ""; // the title beside it says what it is
    img.loading = "lazy";
    img.decoding = "async";
    const width = Number(preview.image_width) || 0;
    const height = Number(preview.image_height) || 0;
    if (width > 0 && height > 0) {
      img.width = width;
      img.height = height;
      img.style.aspectRatio = `${width} / ${height}`;
    } else {
      card.classList.add("image-unsized"); // a fixed shape, the image cropped to it
    }
    img.addEventListener("error", () => img.remove(), { once: true });
    if (credential) showPrivate(img, "src", image, credential).catch(() => img.remove());
    else img.src = image;
    card.append(img);
    card.classList.add("has-image");
  }
  const text = make("div", "link-preview-text");
  const site = typeof preview.site_name === "string" && preview.site_name.trim() ? preview.site_name.trim() : url.hostname;
  const siteLine = make("span", "link-preview-site", site);
  siteLine.dir = "auto";
  const link = make("a", "link-preview-title");
  link.href = url.href;
  link.target = "_blank";
  link.rel = REL;
  link.dir = "auto";
  link.append(make("span", "", title), make("span", "visually-hidden", " " + TEXT.newTab));
  text.append(siteLine, link);
  const description = typeof preview.description === "string" ? preview.description.trim() : "";
  if (description) {
    const p = make("p", "link-preview-description", description);
    p.dir = "auto";
    text.append(p);
  }
  card.append(text);
  return card;
}

/** Put `card` under the message `li`: after its text and files, before its reactions. */
function place(li, card) {
  const old = li.querySelector(":scope > .link-preview");
  if (old) return old.replaceWith(card);
  const after = li.querySelector(":scope > .files") || li.querySelector(":scope > .body");
  if (after) after.after(card);
  else li.append(card);
}

export class Previews {
  /** list: the ItemList (its byId, and options.credential() for its private items). */
  constructor(list) {
    this.list = list;
    this.pending = new Map(); // message id → the newest preview item for it
    this.shown = new Map(); // message id → the id of the preview item shown
  }

  clear() {
    this.pending.clear();
    this.shown.clear();
  }

  /** A preview item: drawn under its message, or kept for it. False for any other item. */
  take(item) {
    if (!item || item.kind !== "preview") return false;
    if (typeof item.target !== "number") return true;
    const li = this.list.byId.get(item.target);
    if (li) {
      this.draw(li, item);
      return true;
    }
    const waiting = this.pending.get(item.target);
    if (waiting && waiting.id >= item.id) return true;
    this.pending.delete(item.target);
    this.pending.set(item.target, item);
    while (this.pending.size > PENDING_MAX) this.pending.delete(this.pending.keys().next().value);
    return true;
  }

  /** A message came into the list: the preview that waited for it, else the one it carries (read later). */
  arrived(li, item) {
    const waiting = this.pending.get(item.id);
    this.pending.delete(item.id);
    if (waiting) this.draw(li, waiting);
    else if (item.preview && typeof item.preview === "object") this.draw(li, { id: item.id, preview: item.preview });
  }

  draw(li, item) {
    if (li.classList.contains("retracted")) return;
    const target = Number(li.dataset.id);
    if ((this.shown.get(target) || 0) >= item.id) return; // read again, or older than the one shown
    const credential = li.classList.contains("private") && this.list.options.credential ? this.list.options.credential : null;
    const card = previewCard(item.preview, credential);
    if (!card) return;
    this.shown.set(target, item.id);
    place(li, card);
  }
}
