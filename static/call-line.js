// A call's item in a private thread (API.md "Calls"): one line that says how the call went —
// "Missed voice call", "Video call, 2 min 5 s", "Declined call", "Line busy", "Call could not connect" — in the room (private-thread.js,
// items.js) and in the console's conversations (host-thread.js).

import { t } from "./i18n.js";

const TEXT = {
  missedAudio: t("Missed voice call"),
  missedVideo: t("Missed video call"),
  declined: t("Declined call"),
  // Translators: a call's line when the callee was already in another call.
  busy: t("Line busy"),
  // Translators: a call's line when the two browsers found no network path to each other.
  failed: t("Call could not connect"),
  // Translators: a call's line when its connection was lost; {call} is like "Voice call, 2 min 5 s".
  lost: (call) => t("{call} (connection lost)", { call }),
  // Translators: a call's line in a private thread; {duration} is like "2 min 5 s".
  audio: (duration) => t("Voice call, {duration}", { duration }),
  video: (duration) => t("Video call, {duration}", { duration }),
  // Translators: a call's length, under a minute.
  seconds: (s) => t("{s} s", { s }),
  // Translators: a call's length of a minute or more.
  minutes: (m, s) => t("{m} min {s} s", { m, s }),
  hours: (h, m) => t("{h} h {m} min", { h, m }),
};

/** "2 min 5 s" from whole seconds. */
export function duration(total) {
  const s = Math.max(0, Math.floor(total || 0));
  if (s >= 3600) return TEXT.hours(Math.floor(s / 3600), Math.floor((s % 3600) / 60));
  if (s >= 60) return TEXT.minutes(Math.floor(s / 60), s % 60);
  return TEXT.seconds(s);
}

/** The line of a `call` item. */
export function callLine(item) {
  const video = item.media === "video";
  if (item.reason === "declined") return TEXT.declined;
  if (item.reason === "busy") return TEXT.busy;
  if (item.reason === "failed") return TEXT.failed;
  if (item.missed) return video ? TEXT.missedVideo : TEXT.missedAudio;
  const line = (video ? TEXT.video : TEXT.audio)(duration(item.duration_s));
  return item.reason === "lost" ? TEXT.lost(line) : line;
}
