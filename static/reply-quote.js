// A reply's quote of what it answers: one line above its text with the original's author and the
// start of its text, "Removed message" once that was removed, "Earlier message" while it is not in
// the list. The quote is a button: it scrolls the original into view, highlights it and focuses it.

import { reducedMotion } from "./dom.js";
import { t } from "./i18n.js";
import { plainPreview } from "./markdown.js";

const TEXT = {
  // Translators: in a reply's quote, in place of the text of a message that was removed or deleted.
  removed: t("Removed message"),
  // Translators: in a reply's quote, while the message it answers is not in the list.
  earlier: t("Earlier message"),
  // Translators: what screen readers say for a reply's quote; {author} wrote {text}.
  label: (author, text) => t("In reply to {author}: {text}", { author, text }),
  labelOther: (text) => t("In reply to: {text}", { text }),
  // Translators: the tooltip of a reply's quote.
  show: t("Show the message this replies to"),
  gone: t("The message this replies to is not in the conversation any more."),
};

const PREVIEW = 80; // characters of the original's text
const HIGHLIGHT_MS = 2000;

/** The quote's button for a reply to `id`, empty until draw() fills it. */
export function quoteButton(id) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "reply-quote";
  button.dataset.replyTo = String(id);
  button.title = TEXT.show;
  const author = document.createElement("span");
  author.className = "quote-author";
  author.dir = "auto";
  const text = document.createElement("span");
  text.className = "quote-text";
  text.dir = "auto";
  button.append(author, text);
  return button;
}

/**
 * Fill the quote from the original as the list has it: {author, body, kind, retracted}, or null
 * when it is not in the list. An announcement is named as such (label: its word).
 */
export function drawQuote(button, original, announcement) {
  const [author, text] = button.children;
  let name = "";
  let said;
  if (!original) said = TEXT.earlier;
  else if (original.retracted) said = TEXT.removed;
  else said = plainPreview(String(original.body || ""), PREVIEW);
  if (original && !original.retracted) name = original.kind === "announcement" ? announcement : original.author || "";
  author.textContent = name;
  author.hidden = !name;
  text.textContent = said;
  button.classList.toggle("quote-missing", !original || !!original.retracted);
  button.setAttribute("aria-label", name ? TEXT.label(name, said) : TEXT.labelOther(said));
}

/** Bring the original `li` into view, highlight it for a moment and give it the focus. */
export function showOriginal(li) {
  li.scrollIntoView({ block: "center", behavior: reducedMotion() ? "auto" : "smooth" });
  if (!li.hasAttribute("tabindex")) li.tabIndex = -1;
  li.focus({ preventScroll: true });
  li.classList.remove("highlighted");
  void li.offsetWidth; // again from the start on a second click
  li.classList.add("highlighted");
  clearTimeout(li.highlightTimer);
  li.highlightTimer = setTimeout(() => li.classList.remove("highlighted"), HIGHLIGHT_MS);
}

/** What the status line says when the original is not in the list. */
export const QUOTE_GONE = TEXT.gone;
