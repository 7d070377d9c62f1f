// System lines (opened, closed, joined, banned, renamed, the host's edits) in the reader's language,
// from the item's code: the room, the host console and the transcript (pages.js) say them alike.
// Out of items.js (which re-exports systemText and FIELD_NAMES), to keep the renderer one job.

import { appendSentence } from "./dom.js";
import { has, lang, t } from "./i18n.js";

const TEXT = {
  // The server's system items by code, said in the reader's language (the item's body is the
  // server's English). The same messages as the server's pages (handlers/pages.py): one catalog.
  system: {
    opened: t("The event is open."),
    closed: t("The event is closed."),
    joined: t("{nickname} joined."),
    banned: t("{nickname} was removed by the host."),
    renamed: t("{previous} is now {nickname}."),
  },
  // Translators: {fields} is a list such as "the title and the end time".
  updated: (fields) => t("The host changed {fields}.", { fields }),
  fields: {
    title: t("the title"),
    description: t("the description"),
    starts_at: t("the start time"),
    ends_at: t("the end time"),
    slow_mode: t("slow mode"),
    joins_locked: t("who may join"),
    transcript: t("who may read the transcript"),
    retention_days: t("how long messages are kept"),
    direct_messages: t("who may write privately"),
    qa: t("whether questions are taken"),
    qa_screening: t("whether questions are screened"),
  },
  bothTimes: t("the start and end times"),
};

/** The room's names of an event's fields, as a host's edit lists them ("the title and the end time"). */
export const FIELD_NAMES = TEXT.fields;

// The server's English sentences about a participant end so: what is before is the nickname.
const NAMED = { joined: " joined.", banned: " was removed by the host." }; // i18n: the server's English
const EDITED = ["title", "description", "starts_at", "ends_at", "slow_mode", "joins_locked", "transcript", "retention_days", "direct_messages", "qa", "qa_screening"];
const fieldList = new Intl.ListFormat(lang, { type: "conjunction" });

/** What a host's edit changed ("the title and the end time"), or null when it names nothing. */
function changedFields(changes) {
  if (!changes || typeof changes !== "object") return null;
  const changed = EDITED.filter((name) => Object.hasOwn(changes, name));
  const names = changed.map((name) => TEXT.fields[name]);
  if (changed.includes("starts_at") && changed.includes("ends_at")) names.splice(-2, 2, TEXT.bothTimes);
  return names.length ? fieldList.format(names) : null;
}

/** Who a `joined` item says joined. */
export function joinedName(item) {
  if (typeof item.nickname === "string") return item.nickname;
  const body = String(item.body || "");
  return body.endsWith(NAMED.joined) ? body.slice(0, -NAMED.joined.length) : body;
}

/** A system item's sentence with its names: {sentence, values}, or null to show its body as it is. */
function systemSentence(item) {
  const code = item.code;
  const body = String(item.body || "");
  if (code === "opened" || code === "closed") return { sentence: TEXT.system[code], values: {} };
  if (code === "joined" || code === "banned") {
    // The body (English) names the participant; a transcript's may be in another language already.
    let nickname = typeof item.nickname === "string" ? item.nickname : null;
    if (nickname === null && body.endsWith(NAMED[code])) nickname = body.slice(0, -NAMED[code].length);
    return nickname ? { sentence: TEXT.system[code], values: { nickname } } : null;
  }
  if (code === "renamed" && typeof item.previous === "string" && typeof item.nickname === "string") {
    return { sentence: TEXT.system.renamed, values: { previous: item.previous, nickname: item.nickname } };
  }
  // English lists differ from the server's ("a, b and c"): an untranslated sentence is its body.
  const fields = code === "updated" && has("The host changed {fields}.") ? changedFields(item.changes) : null;
  if (fields) return { sentence: TEXT.updated(fields), values: {} };
  return null;
}

/**
 * A system line's text in the reader's language, from its code (an unknown code: the server's
 * body), the nicknames in it isolated (<bdi>): "محمد joined." stays a sentence.
 */
export function systemText(el, item) {
  el.replaceChildren();
  el.dir = "auto"; // the sentence decides the direction; isolated names do not count
  const said = systemSentence(item);
  if (said) appendSentence(el, said.sentence, said.values);
  else el.append(String(item.body || ""));
}
