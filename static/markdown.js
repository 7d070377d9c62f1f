// Chat messages in a little Markdown (markdown-parse.js says which): the parsed tree built as
// elements here, the user's text only ever set as text. Links go to http(s) and mailto: only and
// show where they go (title); code blocks scroll sideways and have a Copy button.

import { t } from "./i18n.js";
import { LINK_REL, appendLinked } from "./links.js";
import { parse, plainPreview } from "./markdown-parse.js";

export { plainPreview };

const TEXT = {
  // Translators: a small button on a block of code in a chat message; it copies the code.
  copy: t("Copy"),
  // Translators: on the Copy button of a block of code, for two seconds after it copied the code.
  copied: t("Copied"),
  // Translators: the name screen readers give the Copy button on a block of code in a message.
  copyCode: t("Copy the code"),
};

const COPIED_MS = 2000;
// Emphasis deeper than this is shown as its text: no message can build a tower of elements.
const MAX_DEPTH = 8;

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text != null) el.textContent = text;
  return el;
}

/** Inline nodes into `parent`; text outside links gets its addresses and @mentions (links.js). */
function inlines(parent, nodes, options, depth, inLink) {
  for (const node of nodes) {
    if (node.type === "text") {
      if (inLink) parent.append(document.createTextNode(node.text));
      else appendLinked(parent, node.text, options);
    } else if (node.type === "code") {
      parent.append(element("code", "md-code", node.text));
    } else if (node.type === "em" || node.type === "strong") {
      if (depth >= MAX_DEPTH) {
        inlines(parent, node.children, options, depth, inLink);
        continue;
      }
      const el = element(node.type);
      inlines(el, node.children, options, depth + 1, inLink);
      parent.append(el);
    } else if (node.type === "link") {
      const a = element("a", "md-link");
      a.href = node.href; // checked by markdown-parse.js: http(s) with a host, or mailto:
      a.title = node.href; // where it goes, whatever its text says
      a.target = "_blank";
      a.rel = LINK_REL;
      a.append(fragment(node.children, options, depth + 1, true));
      a.dir = "auto";
      parent.append(a);
    }
  }
}

/**
 * Inline nodes in a fragment, to be put into their element at once: every node added to an element
 * with dir="auto" (or inside one) has the browser work out its direction again.
 */
function fragment(nodes, options, depth, inLink) {
  const parts = document.createDocumentFragment();
  inlines(parts, nodes, options, depth, inLink);
  return parts;
}

/** Copy the code; without the clipboard API, select it and ask the browser to copy the selection. */
async function copyCode(code) {
  try {
    await navigator.clipboard.writeText(code.textContent);
    return true;
  } catch (e) {
    try {
      const range = document.createRange();
      range.selectNodeContents(code);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return document.execCommand("copy");
    } catch (again) {
      return false; // nothing more to try: the reader can still select the text
    }
  }
}

function codeBlock(block) {
  const box = element("div", "md-pre");
  box.dir = "ltr"; // code reads left to right, also in an Arabic message
  const pre = element("pre");
  if (block.lang) pre.dataset.lang = block.lang;
  pre.tabIndex = 0; // it scrolls: a keyboard can reach it
  const code = element("code", null, block.text);
  pre.append(code);
  const button = element("button", "md-copy", TEXT.copy);
  button.type = "button";
  button.setAttribute("aria-label", TEXT.copyCode);
  let timer = null;
  button.addEventListener("click", async () => {
    if (!(await copyCode(code))) return;
    button.textContent = TEXT.copied;
    button.setAttribute("aria-label", TEXT.copied);
    clearTimeout(timer);
    timer = setTimeout(() => {
      button.textContent = TEXT.copy;
      button.setAttribute("aria-label", TEXT.copyCode);
    }, COPIED_MS);
  });
  box.append(button, pre); // the button on a bar above the code, never over it
  return box;
}

/**
 * Fill `el` with the message `text` in Markdown (what was in `el` goes). options.self: the reader's
 * nickname; an @mention of it gets the class "self".
 */
export function renderMarkdown(el, text, options = {}) {
  const opts = { self: options && typeof options.self === "string" ? options.self : undefined };
  const parts = document.createDocumentFragment();
  for (const block of parse(text)) {
    if (block.type === "code") {
      parts.append(codeBlock(block));
    } else if (block.type === "quote") {
      const quote = element("blockquote", "md-quote");
      quote.append(fragment(block.children, opts, 0, false));
      quote.dir = "auto";
      parts.append(quote);
    } else {
      inlines(parts, block.children, opts, 0, false);
    }
  }
  el.replaceChildren(parts);
  el.dir = "auto";
}
