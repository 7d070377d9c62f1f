// A voice note (or any sound) in the composer's tray can be heard before it is sent: the chip's
// icon becomes a play button that plays the recording from this browser's memory. One plays at a
// time; removing the chip stops it and lets its memory go.

import { t } from "./i18n.js";
import { icon } from "./icons.js";

const TEXT = {
  // Translators: {name} is a recording's file name, in the tray of files to send.
  play: (name) => t("Listen to {name}", { name }),
  pause: (name) => t("Pause {name}", { name }),
};

let playing = null; // the one button playing now

/** A play/pause button for `blob` (named `name`); stop(button) ends it and frees the blob's URL. */
export function listenButton(blob, name) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "attach-listen";
  const show = (on) => {
    button.replaceChildren(icon(on ? "pause" : "play", 22));
    button.setAttribute("aria-label", on ? TEXT.pause(name) : TEXT.play(name));
    button.setAttribute("aria-pressed", String(on));
  };
  show(false);
  button.addEventListener("click", () => {
    if (!button.audio) {
      button.audio = new Audio(URL.createObjectURL(blob));
      button.audio.addEventListener("pause", () => show(false));
      button.audio.addEventListener("ended", () => show(false));
      button.audio.addEventListener("play", () => show(true));
    }
    if (!button.audio.paused) return button.audio.pause();
    if (playing && playing !== button && playing.audio) playing.audio.pause();
    playing = button;
    button.audio.play().catch(() => show(false));
  });
  return button;
}

/** The chip holding `button` goes: its sound stops and its memory is let go. */
export function stopListening(button) {
  if (!button || !button.audio) return;
  button.audio.pause();
  URL.revokeObjectURL(button.audio.src);
  button.audio = null;
  if (playing === button) playing = null;
}
