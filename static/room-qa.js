// The room's Q&A and polls as room.js uses them: the questions panel (room-questions.js, whose
// items never join the conversation) and the polls (room-polls.js: each a card in the conversation,
// pinned while open), told together when the reader or the state changes.

import { roomPolls } from "./room-polls.js";
import { roomQuestions } from "./room-questions.js";

/** root: the room's <article>; slug; identity (identity.js); state() → the event's state. */
export function roomQA(root, { slug, identity, state }) {
  const questions = roomQuestions(root, { slug, identity, open: () => state() === "open" });
  const polls = roomPolls(root, { slug, identity, state });
  const both = [questions, polls];
  return {
    /** ItemList's card option: a poll's card (null for any other kind). */
    card: (item) => polls.card(item),
    /** Stream items → those for the conversation: no Q&A kind, but each poll, as its card. */
    take: (items) => questions.take(items).concat(polls.take(items)),
    /** Who the reader is or the event's state changed: what they may do. */
    changed: () => both.forEach((one) => one.changed()),
    /** The list and the reader's own votes as the server has them now. */
    reload: () => both.forEach((one) => one.reload()),
  };
}
