// Form fields and the API's refusals: an error beside the field it is about, in words.

import { say } from "./dom.js";
import { t } from "./i18n.js";

// Translators: an event's fields, as named inside the server's error messages.
const TEXT = {
  words: { title: t("the title"), description: t("the description"), starts_at: t("the start"), ends_at: t("the end") },
};

/** An event-form error in words: "ends_at must be after starts_at." → "The end must be after the start." */
export function humaneFields(message) {
  const text = message.replace(/\b(title|description|starts_at|ends_at)\b/g, (name) => TEXT.words[name]);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Of the field names given, the one an API message names first (or null). */
export function fieldNamed(message, names) {
  let best = null;
  let at = Infinity;
  for (const name of names) {
    const m = new RegExp(`\\b${name}\\b`).exec(message);
    if (m && m.index < at) {
      best = name;
      at = m.index;
    }
  }
  return best;
}

/** Show `message` under a field and mark its controls invalid; an empty message clears both. */
export function fieldError(errorEl, controls, message) {
  say(errorEl, message);
  for (const control of controls) {
    if (message) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
  }
}
