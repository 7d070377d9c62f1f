// What makes an item private, and how a private line looks in any list (the room's private thread,
// the host console): a "Private" badge, or "Notice" on a notice from the hosts, so that it is never
// taken for a line everybody sees; and how a desktop notification names it.

import { t } from "./i18n.js";

const TEXT = {
  // Translators: a small badge on a message only its author and its recipient (or the hosts) can see.
  private: t("Private"),
  // Translators: a small badge on a notice the hosts sent to one participant (or to several, each alone).
  notice: t("Notice"),
  // Translators: a desktop notification's title for a private message to the reader.
  wrote: (author) => t("{author} wrote to you privately", { author }),
  // Translators: a desktop notification's title for a notice the hosts sent to the reader.
  sent: (author) => t("{author} sent you a notice", { author }),
};

/** Whether only some readers get `item`: a private message, or a notice (always to one reader). */
export function isPrivate(item) {
  return !!item && (item.private === true || item.kind === "notice");
}

/** The small badge a private line carries: "Private", or "Notice" (class notice-badge) on a notice. */
export function privateBadge(notice) {
  const badge = document.createElement("span");
  badge.className = notice ? "private-badge notice-badge" : "private-badge";
  badge.textContent = notice ? TEXT.notice : TEXT.private;
  return badge;
}

/** Mark a private item's <li> (classes "message private", a badge in its meta line). */
export function markPrivate(li, meta, item) {
  li.classList.add("message", "private");
  if (item.kind === "notice") li.dataset.author = "notice" + item.id; // a notice stands alone: its name and badge always show
  meta.append(privateBadge(item.kind === "notice"));
}

/** Who a desktop notification of a private item says wrote ("bob wrote to you privately"); null if it is not private. */
export function privateTitle(item) {
  if (!isPrivate(item)) return null;
  return item.kind === "notice" ? TEXT.sent(item.author) : TEXT.wrote(item.author);
}
