// The event's state as a badge (room and host console); a state only ever moves forward.

import { t } from "./i18n.js";

// Translators: the event's state, on a badge beside its times.
const TEXT = { scheduled: t("Not started"), open: t("Open"), closed: t("Closed") };

const STAGE = { scheduled: 0, open: 1, closed: 2 };

/** Whether `state` is one of the event's states. */
export function isState(state) {
  return typeof state === "string" && Object.hasOwn(STAGE, state);
}

/** Whether `next` comes after `current` (a cached state may be older than the page's). */
export function isLater(next, current) {
  return isState(next) && isState(current) && STAGE[next] > STAGE[current];
}

/** Show `state` on the badge, and on the root element's data-state (which the CSS follows). */
export function showState(root, badge, state) {
  root.dataset.state = state;
  badge.textContent = TEXT[state];
  badge.className = "badge state-" + state;
}
