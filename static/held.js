// The reader's messages held by the host's word filter: they wait in the outbox marked "Held for
// review". Approved, one arrives in the stream and leaves the outbox (outbox.delivered); rejected,
// it is no longer in the reader's own queue (GET …/held with their token) and is marked not sent.

import { eventPath, fetchJson } from "./api.js";
import { t } from "./i18n.js";

const TEXT = {
  rejected: t("The host did not let this message through."),
};
const EVERY = 20000; // ms between looks at the queue while something waits in it

/** Follow the outbox's held messages; token() → the reader's participant token. */
export function followHeld(outbox, slug, token) {
  const path = eventPath(slug, "/held");
  setInterval(async () => {
    const held = outbox.entries.filter((e) => e.status === "held");
    const tok = token();
    if (!held.length || !tok || document.visibilityState === "hidden") return;
    const res = await fetchJson("GET", path, { token: tok, timeout: 15000 }).catch(() => null);
    if (!res || res.status !== 200 || !res.data || !Array.isArray(res.data.held)) return;
    const waiting = new Set(res.data.held.map((h) => h.id));
    for (const entry of held) {
      if (waiting.has(entry.held)) continue;
      entry.status = "failed";
      entry.error = { code: "rejected", status: 200, message: TEXT.rejected };
      await outbox.save(entry);
    }
    outbox.changed();
  }, EVERY);
}
