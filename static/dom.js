// Small helpers for pages: status lines, the public origin, reduced motion, copying, and
// localStorage that never throws (private modes refuse it; then things last as long as the page),
// and translated sentences with names or elements in them.

import { t } from "./i18n.js";

const TEXT = {
  // Translators: on a Copy button, for a moment after it copied a link.
  copied: t("Copied"),
  // Translators: on a Copy button when the browser could not copy: the text is selected instead.
  pressCopy: t("Press Ctrl+C"),
};

/** Show text in an element, or hide it when the text is empty. */
export function say(el, text, kind) {
  if (!el) return;
  el.textContent = text || "";
  el.hidden = !text;
  if (kind) el.dataset.kind = kind;
  else delete el.dataset.kind;
}

/**
 * Append a translated sentence to `el`, its {name} placeholders filled from `values`: a string as
 * an isolated name (<bdi>: a right-to-left nickname keeps its place in the sentence, and the
 * sentence keeps its own order around it), a Node as it is. The sentence is split at its
 * placeholders, never parsed as HTML.
 */
export function appendSentence(el, sentence, values) {
  for (const part of sentence.split(/(\{\w+\})/)) {
    const name = /^\{(\w+)\}$/.exec(part);
    const value = name && Object.hasOwn(values, name[1]) ? values[name[1]] : null;
    if (value === null || value === undefined) {
      if (part) el.append(part);
    } else if (typeof value === "string") {
      const bdi = document.createElement("bdi");
      bdi.textContent = value;
      el.append(bdi);
    } else {
      el.append(value);
    }
  }
}

/** The server's public origin for absolute links: --public-url when the page carries it, else the page's own. */
export function origin() {
  return document.documentElement.dataset.publicUrl || location.origin;
}

/** Whether the reader asked for less motion (smooth scrolling and animations stay off then). */
export function reducedMotion() {
  return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches); // i18n: a media query
}

/** Copy an input's value to the clipboard; without the clipboard API, select it and copy. */
export async function copyText(input) {
  try {
    await navigator.clipboard.writeText(input.value);
    return true;
  } catch (e) {
    // No clipboard API (plain http, an old browser, or permission refused).
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch (e2) {
      return false;
    }
  }
}

/** Copy the value of the input named by data-copy; fall back to selecting it. */
export async function copyFrom(button) {
  const input = document.getElementById(button.dataset.copy);
  if (!input) return;
  const ok = await copyText(input);
  const label = button.dataset.label || (button.dataset.label = button.textContent);
  button.textContent = ok ? TEXT.copied : TEXT.pressCopy;
  setTimeout(() => {
    button.textContent = label;
  }, 1500);
}

// Without localStorage (blocked, as in a third-party frame when the browser blocks third-party
// storage, or in some private modes) values are kept in memory: they last as long as the page.
const memory = new Map();
let kept = null; // whether localStorage works here (tried once)

/** Whether values stored here outlive the page (localStorage works), tried once. */
export function storageKept() {
  if (kept === null) {
    try {
      const key = "chatserver.probe";
      localStorage.setItem(key, "1");
      localStorage.removeItem(key);
      kept = true;
    } catch (e) {
      kept = false;
    }
  }
  return kept;
}

/** localStorage.getItem; without storage, what this page stored. */
export function stored(key) {
  if (!storageKept()) return memory.has(key) ? memory.get(key) : null;
  try {
    return localStorage.getItem(key);
  } catch (e) {
    return memory.has(key) ? memory.get(key) : null;
  }
}

/** localStorage.setItem (removeItem for null); without storage, kept in memory for the page. */
export function store(key, value) {
  if (value === null) memory.delete(key);
  else memory.set(key, value);
  if (!storageKept()) return;
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch (e) {
    // full or refused now: the copy in memory lasts as long as the page
  }
}

/**
 * Call fn(key) when another tab or frame of this browser (same storage) changes one of `keys`, or
 * clears the storage (key null). Without storage nothing is shared, so nothing is ever called.
 */
export function watchStored(keys, fn) {
  if (!storageKept()) return;
  window.addEventListener("storage", (ev) => {
    if (ev.key === null || keys.includes(ev.key)) fn(ev.key);
  });
}
