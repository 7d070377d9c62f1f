// The row of reactions under a message: one chip per emoji with how many reacted, the reader's own
// pressed, who reacted in the chip's tooltip and accessible name ("👍 3: alice, bob and you").
// item-changes.js keeps the reactions and toggles them; this draws them.

import { lang, t, tn } from "./i18n.js";

const TEXT = {
  // Translators: the name of the row of reactions under a message, for screen readers.
  row: t("Reactions"),
  // Translators: the reader, in a list of who reacted to a message ("alice, bob and you").
  you: t("you"),
  // Translators: the end of a list of who reacted, after ten names ("…, jo and 5 others").
  others: (n) => tn("{n} other", "{n} others", n),
  // Translators: a reaction's name for screen readers: the emoji, how many reacted, and who ("alice, bob and you").
  label: (emoji, count, names) => t("{emoji} {count}: {names}", { emoji, count, names }),
  // Translators: a reaction's tooltip; {names} is a list such as "alice, bob and you".
  title: (names, emoji) => t("{names} reacted with {emoji}", { names, emoji }),
};

const NAMED = 10; // names in a list of who reacted; the rest are counted
const nameList = new Intl.ListFormat(lang, { type: "conjunction" });

/** Who reacted, as the language lists it: up to ten names, the reader as "you", then "and N others". */
export function whoReacted(names, self) {
  const mine = self != null && names.includes(self);
  const others = names.filter((name) => name !== self);
  const parts = others.slice(0, NAMED);
  if (mine) parts.push(TEXT.you);
  if (others.length > NAMED) parts.push(TEXT.others(others.length - NAMED));
  return parts.length ? nameList.format(parts) : "";
}

function chip(emoji) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "reaction";
  button.dataset.emoji = emoji;
  const face = document.createElement("span");
  face.className = "reaction-emoji";
  face.setAttribute("aria-hidden", "true");
  face.textContent = emoji;
  const count = document.createElement("span");
  count.className = "reaction-count";
  count.setAttribute("aria-hidden", "true");
  button.append(face, count);
  return button;
}

/** A new, empty row. */
export function reactionRow() {
  const row = document.createElement("div");
  row.className = "reactions";
  row.setAttribute("role", "group");
  row.setAttribute("aria-label", TEXT.row);
  return row;
}

/**
 * Draw `reactions` (Map emoji → nicknames, in order) into `row`, keeping the chips that stay (the
 * focus stays on the one pressed). self: the reader's nickname or null; enabled: they may toggle.
 */
export function drawReactions(row, reactions, self, enabled) {
  const count = new Intl.NumberFormat(lang);
  const chips = new Map(Array.from(row.children, (el) => [el.dataset.emoji, el]));
  const wanted = [];
  for (const [emoji, names] of reactions) {
    if (!names.length) continue;
    const button = chips.get(emoji) || chip(emoji);
    chips.delete(emoji);
    const who = whoReacted(names, self);
    button.lastChild.textContent = count.format(names.length);
    button.setAttribute("aria-pressed", String(self != null && names.includes(self)));
    button.setAttribute("aria-label", TEXT.label(emoji, names.length, who));
    button.title = TEXT.title(who, emoji);
    if (enabled) button.removeAttribute("aria-disabled");
    else button.setAttribute("aria-disabled", "true"); // still focusable: who reacted can be read
    wanted.push(button);
  }
  for (const gone of chips.values()) gone.remove();
  // New emoji come last; a chip that is already in its place is not moved (it would lose the focus).
  wanted.forEach((button, i) => {
    if (row.children[i] !== button) row.insertBefore(button, row.children[i] || null);
  });
}
