// The operator console's totals: the storage used in all (the database's size, the chats' text,
// and how many events, series, items and participants it holds) and the connections held now by
// the process that answered. Read at the start, after each action, and with Refresh.

import { errorMessage } from "./api.js";
import { formatBytes, formatCount } from "./admin-cells.js";
import { say } from "./dom.js";
import { hostCall } from "./host-call.js";
import { lang, t } from "./i18n.js";

const TEXT = {
  // Translators: beside the operator console's totals; {time} is a time with seconds.
  updated: (time) => t("As of {time}", { time }),
};

const BYTES = ["database_bytes", "text_bytes"];
const clock = new Intl.DateTimeFormat(lang, { timeStyle: "medium" });

export class Stats {
  constructor() {
    const $ = (id) => document.getElementById(id);
    this.$ = $;
    this.status = $("stats-status");
    this.button = $("stats-refresh");
    this.asked = 0;
    this.button.addEventListener("click", () => this.load());
  }

  async load() {
    const mine = ++this.asked;
    this.button.disabled = true;
    const res = await hostCall("GET", "/api/admin/stats");
    if (mine !== this.asked) return;
    this.button.disabled = false;
    const data = res.status === 200 && res.data ? res.data : null;
    if (!data) {
      if (res.status !== 403) say(this.status, errorMessage(res), "error");
      return;
    }
    say(this.status, "");
    const values = { ...data.storage, ...data.connections, items_appended: data.items_appended };
    for (const [name, value] of Object.entries(values)) {
      const dd = this.$("stat-" + name);
      if (dd && typeof value === "number") dd.textContent = BYTES.includes(name) ? formatBytes(value) : formatCount(value);
    }
    this.$("stats-time").textContent = TEXT.updated(clock.format(new Date()));
  }
}
