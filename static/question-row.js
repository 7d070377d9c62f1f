// One question's row in the room's Questions panel (questions-panel.js): its vote button with the
// count, its text, its author and a badge for its status. Made once, then drawn again whenever the
// question changes, so that a row keeps its place and its focus.

import { make } from "./el.js";
import { lang, t, tn } from "./i18n.js";

const TEXT = {
  // Translators: a badge on the question the host is answering now.
  answering: t("Being answered"),
  // Translators: a badge on a question the host has answered.
  answered: t("Answered"),
  // Translators: a badge on the reader's own question, which the host has not let through yet.
  pending: t("Waiting for the host"),
  // Translators: a badge on the reader's own question, which the host chose not to take.
  dismissed: t("Dismissed by the host"),
  // Translators: {n} is how many have voted for the question; the button adds the reader's vote.
  votes: (n) => tn("Upvote ({n} vote)", "Upvote ({n} votes)", n),
};

export const COUNT = new Intl.NumberFormat(lang); // a vote count, as the page's language writes numbers

/** An empty row: the vote button, then the question's text and its author and badge. */
export function questionRow() {
  const li = make("li", "qa-item");
  const text = make("p", "qa-text");
  text.dir = "auto";
  const meta = make("p", "qa-meta small");
  const author = make("span", "qa-author muted");
  author.dir = "auto";
  const badge = make("span", "qa-badge");
  meta.append(author, " ", badge);
  const vote = make("button", "qa-vote");
  vote.type = "button";
  const arrow = make("span", "qa-arrow", "▲");
  arrow.setAttribute("aria-hidden", "true");
  vote.append(arrow, make("span", "qa-votes"));
  const main = make("div", "qa-main");
  main.append(text, meta);
  li.append(vote, main);
  return li;
}

/**
 * Draw `question` into its row. `mine`: the reader asked it (only they see its pending or dismissed
 * badge); `votable`: the reader may vote now.
 */
export function drawQuestion(li, question, { mine, votable }) {
  li.dataset.id = String(question.id);
  li.querySelector(".qa-text").textContent = question.body;
  li.querySelector(".qa-author").textContent = question.author;
  const badge = li.querySelector(".qa-badge");
  const status = question.status;
  const label = status === "answering" || status === "answered" ? TEXT[status] : mine && (status === "pending" || status === "dismissed") ? TEXT[status] : "";
  badge.textContent = label;
  badge.hidden = !label;
  badge.className = "qa-badge qa-" + status;
  for (const name of ["answering", "answered", "pending", "dismissed"]) li.classList.toggle(name, status === name);
  li.classList.toggle("mine", mine);
  const vote = li.querySelector(".qa-vote");
  vote.querySelector(".qa-votes").textContent = COUNT.format(question.votes);
  vote.setAttribute("aria-pressed", question.voted ? "true" : "false");
  vote.setAttribute("aria-label", TEXT.votes(question.votes));
  const closed = status === "answered" || status === "dismissed" || status === "pending";
  vote.disabled = closed || !votable;
}
