// The room's open polls pinned above the conversation, under the pinned announcement: one compact
// line each (the question, and "Vote" or "See results"), which brings the reader to the poll's card
// in the conversation. The polls themselves are room-polls.js's; this module only draws the lines.

import { make } from "./el.js";
import { t } from "./i18n.js";

const TEXT = {
  // Translators: the name of the strip of open polls pinned above the room's conversation.
  pins: t("Open polls"),
  // Translators: the label before a poll's question pinned above the conversation.
  poll: t("Poll"),
  // Translators: a button on a pinned poll that goes to it to vote.
  vote: t("Vote"),
  // Translators: a button on a pinned poll that goes to it to see its results.
  results: t("See results"),
  // Translators: the full name of the pinned poll's button; {question} is the poll's question.
  goLabel: (action, question) => t("{action}: {question}", { action, question }),
};

export class PollPins {
  /** after: the element the strip goes after (the pinned announcement); go(id): show that poll. */
  constructor(after, go) {
    this.go = go;
    this.box = make("section", "poll-pins");
    this.box.setAttribute("aria-label", TEXT.pins);
    this.box.hidden = true;
    if (after) after.after(this.box);
  }

  /** polls: [{id, question, vote: bool}] the open polls, oldest first (none: the strip goes). */
  show(polls) {
    this.box.hidden = !polls.length;
    this.box.replaceChildren(...polls.map((poll) => {
      const line = make("div", "poll-pin");
      line.dataset.poll = String(poll.id);
      const question = make("span", "poll-pin-question", poll.question);
      question.dir = "auto";
      const action = poll.vote ? TEXT.vote : TEXT.results;
      const button = make("button", "poll-pin-go", action);
      button.type = "button";
      button.setAttribute("aria-label", TEXT.goLabel(action, poll.question));
      button.addEventListener("click", () => this.go(poll.id));
      line.append(make("span", "poll-pin-label", TEXT.poll), question, button);
      return line;
    }));
  }
}
