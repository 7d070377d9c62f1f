// A poll drawn as a card: its question, its options (one choice: buttons that press; several:
// checkboxes and a Vote button), the reader's own choice marked, and the results as bars with the
// percentage and the count of each option and the number of voters, or why they are hidden yet.
// The same card serves the room (room-polls.js), the host console (host-polls.js) and so the chat
// bar's panel; the data is poll-model.js's. Text only as text (make), never as markup.

import { make } from "./el.js";
import { lang, t, tn } from "./i18n.js";

const NUMBER = new Intl.NumberFormat(lang); // a count, as the page's language writes numbers
const PERCENT = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });

const TEXT = {
  // Translators: the label at the top of a poll in the chat.
  poll: t("Poll"),
  // Translators: a mark on a poll the host has closed: no more votes.
  closed: t("Closed"),
  one: t("Choose one"),
  several: t("Choose one or more"),
  // Translators: the button that sends the reader's choices in a poll that takes several.
  vote: t("Vote"),
  voters: (n) => tn("{n} voter", "{n} voters", n, { n: NUMBER.format(n) }),
  // Translators: {percent} is the option's share such as "40 %", {votes} its count such as "2 votes".
  share: (percent, votes) => t("{percent} · {votes}", { percent, votes }),
  votes: (n) => tn("{n} vote", "{n} votes", n, { n: NUMBER.format(n) }),
  afterVote: t("Results after you vote"),
  afterClose: t("Results when the poll closes"),
  join: t("Choose a nickname to vote."),
  mine: t("Your choice"),
  noVotes: t("The event is not open: no votes now."),
};


/** The card's outer element for a poll (its contents come with draw()). */
export function pollBox(id) {
  const box = make("div", "poll-card");
  box.dataset.poll = String(id);
  box.tabIndex = -1; // the pin and the chat bar bring the reader here
  box.setAttribute("role", "group");
  return box;
}

/**
 * Draw `poll` (poll-model.js's entry) into `box`. table: its PollTable (who sees counts); how:
 * {voting: "yes" | "join" | "no" | "closed", pending: Set of option indices checked and not sent
 * (several choices), busy: a vote under way, error: text, vote(indices), check(indices)}.
 */
export function drawPoll(box, poll, table, how) {
  const focused = box.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
  const shown = table.shows(poll);
  const percents = table.percents(poll);
  const voting = how.voting === "yes" && !poll.closed;
  const chosen = new Set(poll.voted || []);
  const checked = how.pending || chosen;
  box.classList.toggle("closed", poll.closed);
  box.classList.toggle("voted", chosen.size > 0);
  box.setAttribute("aria-label", `${TEXT.poll}: ${poll.question}`);

  const head = make("p", "poll-head");
  head.append(make("span", "poll-label", TEXT.poll));
  if (poll.closed) head.append(" ", make("span", "poll-closed", TEXT.closed));
  const question = make("p", "poll-question", poll.question);
  question.dir = "auto";
  const kind = make("p", "poll-kind muted small", poll.multiple ? TEXT.several : TEXT.one);

  const list = make("ul", "poll-options");
  poll.options.forEach((text, i) => {
    const row = make("li", "poll-option");
    row.classList.toggle("chosen", chosen.has(i));
    let control;
    if (voting && poll.multiple) {
      control = make("label", "poll-choice");
      const box = make("input");
      box.type = "checkbox";
      box.checked = checked.has(i);
      box.disabled = !!how.busy;
      box.dataset.focusKey = "o" + i;
      box.addEventListener("change", () => {
        const next = new Set(checked);
        if (box.checked) next.add(i);
        else next.delete(i);
        how.check(next);
      });
      const words = make("span", "poll-text", text);
      words.dir = "auto";
      control.append(box, words);
    } else if (voting) {
      control = make("button", "poll-choice");
      control.type = "button";
      control.setAttribute("aria-pressed", String(chosen.has(i)));
      control.disabled = !!how.busy;
      control.dataset.focusKey = "o" + i;
      const words = make("span", "poll-text", text);
      words.dir = "auto";
      control.append(make("span", "poll-mark"), words);
      control.addEventListener("click", () => {
        if (!chosen.has(i)) how.vote([i]);
      });
    } else {
      control = make("span", "poll-choice static");
      const words = make("span", "poll-text", text);
      words.dir = "auto";
      control.append(words);
    }
    if (chosen.has(i)) control.append(make("span", "poll-mine", TEXT.mine));
    row.append(control);
    if (shown) {
      const result = make("div", "poll-result");
      const bar = make("span", "poll-bar");
      bar.setAttribute("aria-hidden", "true");
      const fill = make("span", "poll-fill");
      fill.style.inlineSize = `${Math.min(100, percents[i])}%`; // CSSOM: the page's CSP allows it
      bar.append(fill);
      const numbers = make("span", "poll-share", TEXT.share(PERCENT.format(percents[i] / 100), TEXT.votes(poll.counts[i])));
      result.append(bar, numbers);
      row.append(result);
    }
    list.append(row);
  });

  const foot = make("div", "poll-foot");
  if (voting && poll.multiple) {
    const send = make("button", "poll-vote", TEXT.vote);
    send.type = "submit";
    const same = checked.size === chosen.size && [...checked].every((i) => chosen.has(i));
    send.disabled = !!how.busy || checked.size === 0 || same;
    send.dataset.focusKey = "vote";
    send.addEventListener("click", () => how.vote([...checked].sort((a, b) => a - b)));
    foot.append(send);
  }
  foot.append(make("span", "poll-voters muted", TEXT.voters(poll.voters)));
  const hidden = table.hiddenUntil(poll);
  if (hidden) foot.append(make("span", "poll-hidden muted", hidden === "voted" ? TEXT.afterVote : TEXT.afterClose));
  const parts = [head, question, kind, list, foot];
  if (!poll.closed && how.voting === "join") parts.push(make("p", "poll-note muted small", TEXT.join));
  if (!poll.closed && how.voting === "no") parts.push(make("p", "poll-note muted small", TEXT.noVotes));
  const error = make("p", "poll-error", how.error || "");
  error.setAttribute("role", "status");
  error.hidden = !how.error;
  parts.push(error);
  box.replaceChildren(...parts);
  if (focused) {
    const again = box.querySelector(`[data-focus-key="${focused}"]`);
    if (again && !again.disabled) again.focus({ preventScroll: true });
    else box.focus({ preventScroll: true });
  }
}
