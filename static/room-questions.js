// The room's questions, following the host: the "Questions" panel (questions-panel.js) while the
// event takes questions (`data-qa` on the page, then the `updated` items whose `changes` name
// `qa`), else only the filter that keeps the Q&A kinds out of the conversation. The host turning
// Q&A on or off during the event shows or hides the panel without a reload (the chat bar's panel
// is the same page in a frame).

import { QuestionsPanel } from "./questions-panel.js";
import { QuestionTable } from "./questions-model.js";

/** The `qa` an item says the host set, or null when it says nothing of it. */
function qaChange(item) {
  if (!item || item.kind !== "system" || item.code !== "updated" || !item.changes) return null;
  return typeof item.changes.qa === "boolean" ? item.changes.qa : null;
}

/**
 * `root`: the room's <article>; `options`: the panel's ({slug, identity, open}).
 * → {take(items) → the rest, changed(), reload(), shown()}.
 */
export function roomQuestions(root, options) {
  const filter = new QuestionTable(); // without the panel: the Q&A kinds are still no messages
  const since = Date.parse(root.dataset.now) || 0; // the page says qa as it stood then
  let panel = null;

  function show(on) {
    root.dataset.qa = on ? "true" : "false";
    if (on && !panel) {
      panel = new QuestionsPanel(root, options); // it reads the list as the server has it now
    } else if (!on && panel) {
      panel.remove();
      panel = null;
    }
  }
  show(root.dataset.qa === "true");

  return {
    take(items) {
      for (const item of items || []) {
        const qa = qaChange(item);
        if (qa !== null && Date.parse(item.created_at) >= since) show(qa);
      }
      return panel ? panel.take(items) : filter.take(items).rest;
    },
    changed: () => panel && panel.changed(),
    reload: () => panel && panel.load(),
    shown: () => panel !== null,
  };
}
