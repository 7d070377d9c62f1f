// Who is using the console: the host, or a moderator the host named. A moderator's console says so
// in its header and leaves out what only the host may do (the parts marked data-host-only).

import { appendSentence } from "./dom.js";
import { t } from "./i18n.js";

const TEXT = {
  // Translators: the small line above the event's title in the console, for a moderator.
  eyebrow: t("Moderator console"),
  // Translators: {name} is the name the host gave the moderator.
  as: t("You are moderating as {name}."),
  asNobody: t("You are moderating this event."),
  can: t("You can remove messages, mute and ban people, announce and post; only the host can change or close the event."),
  // Translators: the browser tab's title of a moderator's console; {title} is the event's title.
  pageTitle: (title) => t("Moderating: {title} · chatserver", { title }),
};

/** "host" or "moderator", from the key check's answer (an old server answers neither: the host). */
export function roleOf(data) {
  return data && data.role === "moderator" ? "moderator" : "host";
}

/** Show the console as `role` sees it; `name` is a moderator's. */
export function showRole(root, role, name) {
  root.dataset.role = role;
  const moderator = role === "moderator";
  for (const el of root.querySelectorAll("[data-host-only]")) el.hidden = moderator;
  const line = document.getElementById("host-role");
  line.replaceChildren();
  line.hidden = !moderator;
  if (!moderator) return;
  const who = document.createElement("strong");
  if (name) appendSentence(who, TEXT.as, { name });
  else who.textContent = TEXT.asNobody;
  const can = document.createElement("span");
  can.className = "muted";
  can.textContent = TEXT.can;
  line.append(who, " ", can);
  const eyebrow = root.querySelector(".eyebrow");
  if (eyebrow) eyebrow.textContent = TEXT.eyebrow;
}

/** The browser tab's title for a moderator's console (null: the host's own). */
export function moderatorTitle(role, title) {
  return role === "moderator" ? TEXT.pageTitle(title) : null;
}
