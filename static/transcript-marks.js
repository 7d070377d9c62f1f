// The transcript's "(edited)" marks: when the message was edited, in the reader's time zone (the
// server writes it in UTC), for the tooltip and for screen readers.

import { t } from "./i18n.js";
import { formatFull } from "./time.js";

const TEXT = {
  // Translators: the "(edited)" mark's tooltip and what screen readers say; {time} is the whole date and time.
  editedAt: (time) => t("Edited {time}", { time }),
};

/** Say each edit's time in the reader's zone. */
export function editedTimes(root) {
  for (const time of root.querySelectorAll("time[data-edited]")) {
    const date = new Date(time.getAttribute("datetime"));
    if (isNaN(date)) continue;
    const said = TEXT.editedAt(formatFull(date));
    time.textContent = said;
    if (time.parentElement) time.parentElement.title = said;
  }
}
