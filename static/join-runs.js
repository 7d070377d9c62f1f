// Consecutive "joined" lines as one: "alice, bob and 12 others joined." A run shows its newest line
// with everyone's names folded in; the earlier lines stay in the list (hidden), so ids, order and
// jumps to #m<id> keep working. A busy event's joins no longer push the conversation away.

import { appendSentence } from "./dom.js";
import { t, tn } from "./i18n.js";

const TEXT = {
  two: t("{a} and {b} joined."),
  three: t("{a}, {b} and {c} joined."),
  // Translators: a run of joins in the room: two names, then how many more people joined.
  many: (n) => tn("{a}, {b} and {n} other joined.", "{a}, {b} and {n} others joined.", n),
};

/** Fold the new `joined` line `li` (nickname: who joined) into the run of joins just above it. */
export function foldJoin(li, nickname) {
  li.dataset.nickname = nickname;
  const prev = li.previousElementSibling;
  const run = prev && prev.dataset.code === "joined" && prev.joinRun ? prev.joinRun : [];
  run.push(li);
  li.joinRun = run;
  if (run.length < 2) return;
  for (const earlier of run.slice(0, -1)) earlier.hidden = true;
  const names = run.map((el) => el.dataset.nickname).reverse(); // the newest first
  const body = li.querySelector(".body");
  if (!body) return;
  body.replaceChildren();
  if (names.length === 2) appendSentence(body, TEXT.two, { a: names[0], b: names[1] });
  else if (names.length === 3) appendSentence(body, TEXT.three, { a: names[0], b: names[1], c: names[2] });
  else appendSentence(body, TEXT.many(names.length - 2), { a: names[0], b: names[1] });
  li.title = names.join(", ");
}
