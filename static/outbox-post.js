// One try at sending an outbox entry (outbox.js keeps the order, the retries and the pauses), and
// why the server refused one, in words its writer can act on.

import { errorCode, errorMessage, fetchJson } from "./api.js";
import { t } from "./i18n.js";

// Why a message was not sent, by the server's error code (shown under the message).
const TEXT = {
  event_closed: t("The event has closed."),
  banned: t("The host removed you from this room."),
  unauthorized: t("Your nickname is no longer valid in this room. Join again, then retry."),
  not_found: t("This event no longer exists."),
  muted: t("The host has muted you for a while, so this was not sent. Retry once you may post again."),
};

/** What an entry's POST carries: its text and client_id; `to` when private, `reply_to` when it answers; its files' ids. */
export function postBody(entry) {
  return {
    body: entry.body,
    client_id: entry.clientId,
    ...(entry.to != null && { to: entry.to }),
    ...(entry.reply && typeof entry.reply.id === "number" && { reply_to: entry.reply.id }),
    ...(entry.files && { files: entry.files.map((f) => f.id) }), // uploaded first (outbox-files.js)
  };
}

/** One POST of `entry` to `path`: {kind: sent (with item), held, retry (out of reach, 5xx), rate, not_open or refused, res}. */
export async function postEntry(path, entry, token) {
  let res = null;
  try {
    res = await fetchJson("POST", path, { body: postBody(entry), token, timeout: 15000 });
  } catch (e) {
    res = null; // network trouble: the same client_id goes again later
  }
  if (res && (res.status === 202 || res.status === 200) && res.data && res.data.held) return { kind: "held", res, held: res.data.held };
  if (res && (res.status === 201 || res.status === 200) && res.data && res.data.message) return { kind: "sent", res, item: res.data.message };
  if (!res || res.status >= 500) return { kind: "retry", res };
  if (res.status === 429) return { kind: "rate", res };
  return { kind: errorCode(res) === "not_open" ? "not_open" : "refused", res };
}

/** Why the server refused a message: {code, status, message}. */
export function refusal(res) {
  const code = errorCode(res);
  return { code, status: res.status, message: code && Object.hasOwn(TEXT, code) ? TEXT[code] : errorMessage(res) };
}
