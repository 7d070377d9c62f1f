// The activity log: who (the host, or which moderator) did what to whom, and when, newest first, as
// the server records it (GET …/actions). Loaded with the people list, after a decision on a held
// message, and when the stream shows the outcome of one (a removal, an announcement, an edit).

import { appendSentence } from "./dom.js";
import { FIELD_NAMES } from "./items.js";
import { hostCall } from "./host-call.js";
import { lang, t, tn } from "./i18n.js";
import { formatFull, formatTime } from "./time.js";
import { oneAtATime } from "./util.js";

const TEXT = {
  // Translators: who did something, at the start of a line of the console's activity log, such as
  // "Host banned eve".
  host: t("Host"),
  // Translators: who did something, in the activity log: a moderator's name, such as "Maya (moderator) muted bob".
  moderator: (name) => t("{name} (moderator)", { name }),
  someModerator: t("A moderator"),
  minutes: (n) => tn("{n} minute", "{n} minutes", n),
  hours: (n) => tn("{n} hour", "{n} hours", n),
  days: (n) => tn("{n} day", "{n} days", n),
  // The lines of the log; {who} is the host or a moderator as above. No full stop: a list of events.
  // Translators: {time} is how long, such as "10 minutes".
  mute: (time) => t("{who} muted {nickname} for {time}", { time }),
  unmute: t("{who} unmuted {nickname}"),
  ban: t("{who} banned {nickname}"),
  // Translators: {time} is how long their network address stays banned, such as "1 day".
  banAddress: (time) => t("{who} banned {nickname} and their network address for {time}", { time }),
  retract: t("{who} removed a message"),
  retractFrom: t("{who} removed a message from {nickname}"),
  redact: t("{who} erased the text of a message"),
  redactFrom: t("{who} erased the text of a message from {nickname}"),
  announce: t("{who} made an announcement"),
  // Translators: {fields} is a list such as "slow mode and the word filter".
  edit: (fields) => t("{who} changed {fields}", { fields }),
  editSomething: t("{who} changed the event's settings"),
  close: t("{who} closed the event"),
  approve: t("{who} approved a held message from {nickname}"),
  reject: t("{who} rejected a held message from {nickname}"),
  addModerator: t("{who} added {name} as a moderator"),
  revokeModerator: t("{who} revoked the moderator link of {name}"),
  // Translators: a line of the activity log for an action this console has no words for; {action}
  // is the server's name for it.
  unknown: t("{who}: {action}"),
  none: t("Nothing has been done yet: removals, mutes, bans and reviews show here."),
  failed: t("The activity log could not be loaded; it is tried again soon."),
  // What an edit changed: the room's words for "The host changed …" (items.js), and those the room never shows.
  fields: {
    ...FIELD_NAMES,
    listed: t("whether it is listed"),
    embed_origins: t("the sites that may show the room"),
    language: t("the language"),
    join_items: t("whether joins are shown"),
    filter_words: t("the word filter"),
  },
};

const fieldList = new Intl.ListFormat(lang, { type: "conjunction" });
const text = (value) => (typeof value === "string" ? value : "");

/** "10 minutes", "1 hour", "1 day". */
function span(minutes) {
  if (minutes % 1440 === 0) return TEXT.days(minutes / 1440);
  return minutes % 60 === 0 ? TEXT.hours(minutes / 60) : TEXT.minutes(minutes);
}

/** The author of a message the console shows, or "" (an announcement, or not loaded). */
function authorOf(id) {
  const li = typeof id === "number" ? document.getElementById("m" + id) : null;
  const author = li && li.classList.contains("message") ? li.querySelector(".author") : null;
  return author ? author.textContent : "";
}

/**
 * One action of the log as a sentence: {sentence, values}, the names ({who}, {nickname}, {name})
 * left for appendSentence to isolate. Every action the server records has one; others a plain line.
 */
export function actionSentence(action) {
  const detail = action.detail && typeof action.detail === "object" ? action.detail : {};
  const who = action.role === "moderator" ? (action.name ? TEXT.moderator(action.name) : TEXT.someModerator) : TEXT.host;
  const values = { who, nickname: text(detail.nickname), name: text(detail.name) };
  const minutes = Number.isInteger(detail.minutes) && detail.minutes > 0 ? detail.minutes : 0;
  // The server names the author (since version 11); older lines only by the message, if loaded here.
  const author = action.action === "retract" || action.action === "redact" ? text(detail.nickname) || authorOf(action.target) : "";
  if (author) values.nickname = author;
  switch (action.action) {
    case "mute":
      return { sentence: minutes ? TEXT.mute(span(minutes)) : TEXT.unknown, values: { ...values, action: action.action } };
    case "unmute":
      return { sentence: TEXT.unmute, values };
    case "ban": {
      const address = Number.isInteger(detail.address_minutes) && detail.address_minutes > 0 ? detail.address_minutes : 0;
      return { sentence: address ? TEXT.banAddress(span(address)) : TEXT.ban, values };
    }
    case "retract":
      return { sentence: author ? TEXT.retractFrom : TEXT.retract, values };
    case "redact":
      return { sentence: author ? TEXT.redactFrom : TEXT.redact, values };
    case "announce":
      return { sentence: TEXT.announce, values };
    case "edit": {
      const changed = Array.isArray(detail.changes) ? detail.changes.filter((name) => Object.hasOwn(TEXT.fields, name)) : [];
      const names = changed.map((name) => TEXT.fields[name]);
      return { sentence: names.length ? TEXT.edit(fieldList.format(names)) : TEXT.editSomething, values };
    }
    case "close":
      return { sentence: TEXT.close, values };
    case "approve":
      return { sentence: TEXT.approve, values };
    case "reject":
      return { sentence: TEXT.reject, values };
    case "add_moderator":
      return { sentence: TEXT.addModerator, values };
    case "revoke_moderator":
      return { sentence: TEXT.revokeModerator, values };
    default:
      return { sentence: TEXT.unknown, values: { ...values, action: text(action.action) } };
  }
}

/** A line of the log: the sentence, then when. */
function actionRow(action) {
  const li = document.createElement("li");
  li.dataset.action = text(action.action);
  const what = document.createElement("span");
  what.className = "what";
  what.dir = "auto"; // the sentence decides its direction; the isolated names do not count
  const { sentence, values } = actionSentence(action);
  appendSentence(what, sentence, values);
  li.append(what);
  const at = new Date(action.at);
  if (!isNaN(at)) {
    const time = document.createElement("time");
    time.setAttribute("datetime", action.at);
    time.textContent = formatTime(at);
    time.title = formatFull(at);
    li.append(" ", time);
  }
  return li;
}

export class ActivityLog {
  /** path: the event's API path. */
  constructor(path) {
    this.path = path;
    this.list = document.getElementById("activity");
    this.status = document.getElementById("activity-status");
    this.shown = null; // what the list says: redrawn only when that changes
    this.load = oneAtATime(() => this.fetch()); // a load asked for during one: once more after it
  }

  async fetch() {
    const res = await hostCall("GET", this.path + "/actions");
    if (res.status === 200 && res.data && Array.isArray(res.data.actions)) this.render(res.data.actions);
    else if (this.shown === null && (res.status !== 403 || res.keyWorks)) this.tell(TEXT.failed);
  }

  render(actions) {
    const rows = actions.filter((a) => a && typeof a === "object").map(actionRow); // newest first, as sent
    const said = rows.map((li) => li.textContent).join("\n");
    if (said !== this.shown) {
      this.list.replaceChildren(...rows);
      this.shown = said;
    }
    this.tell(rows.length ? "" : TEXT.none);
  }

  /** The line under the list (a status: said again only when it changes). */
  tell(message) {
    if (this.status.textContent !== message) this.status.textContent = message;
  }

  /** Items from the stream: what shows the outcome of an action brings the log up to date. */
  follow(items) {
    const acted = (i) => i.kind === "retraction" || i.kind === "announcement" || (i.kind === "system" && (i.code === "updated" || i.code === "closed"));
    if (items.some(acted)) this.load();
  }
}
