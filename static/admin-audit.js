// The operator console's audit log: who closed, listed, unlisted or erased which event or series,
// newest first, page by page. It is read again each time its tab is shown after a change.

import { el, timeElement } from "./admin-cells.js";
import { AdminList } from "./admin-list.js";
import { t, tn } from "./i18n.js";

const TEXT = {
  // Translators: who did something, in the operator console's audit log: a command run on the server.
  command: t("Server command"),
  // Translators: who did something, in the audit log: the server erasing a chat after the days its host chose.
  retention: t("Retention"),
  // Translators: who did something, in the audit log: an operator whose key has no name.
  operator: t("An operator"),
  // Translators: what was done, in the audit log's Action column (beside who did it, and to which event or series).
  event: {
    close: t("Closed the event"),
    list: t("Listed the event"),
    unlist: t("Unlisted the event"),
    erase: t("Erased the event"),
  },
  series: {
    close: t("Ended the series"),
    list: t("Listed the series"),
    unlist: t("Unlisted the series"),
    erase: t("Erased the series"),
  },
  shown: (n) => tn("{n} entry shown", "{n} entries shown", n),
  none: t("Nothing has been closed, listed, unlisted or erased yet."),
};

function who(by) {
  const source = by && by.source;
  if (source === "command") return el("span", "", TEXT.command);
  if (source === "retention") return el("span", "", TEXT.retention);
  if (by && typeof by.name === "string" && by.name) return el("bdi", "", by.name);
  return el("span", "", TEXT.operator);
}

function what(action, kind) {
  const words = kind === "series" ? TEXT.series : TEXT.event;
  return Object.hasOwn(words, action) ? words[action] : String(action || "");
}

function target(target) {
  const td = el("td", "admin-name");
  if (!target) return td;
  const link = el("a", "admin-title", target.title || target.slug);
  link.href = (target.kind === "series" ? "/s/" : "/e/") + encodeURIComponent(target.slug);
  link.dir = "auto";
  const slug = el("code", "admin-slug", target.slug);
  slug.dir = "ltr";
  td.append(link, slug);
  return td;
}

export class AuditLog {
  constructor() {
    const $ = (id) => document.getElementById(id);
    this.list = new AdminList({
      path: "/api/admin/audit",
      field: "entries",
      rows: $("audit-rows"),
      more: $("audit-more"),
      status: $("audit-status"),
      query: () => ({}),
      cells: (entry, tr) => {
        tr.dataset.action = entry.action || "";
        return [
          el("td", "admin-when", timeElement(entry.at)),
          el("td", "admin-who", who(entry.by)),
          el("td", "admin-action", what(entry.action, entry.target && entry.target.kind)),
          target(entry.target),
        ];
      },
      count: TEXT.shown,
      empty: () => TEXT.none,
    });
  }
}
