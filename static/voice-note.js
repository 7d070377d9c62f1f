// A voice note: the microphone button records (MediaRecorder, Opus in WebM where the browser has
// it) until it is pressed again, for at most 5 minutes; on a touch screen it also records while
// held. A bar shows the running time with Stop and Cancel; what was recorded becomes a file in the
// tray (voice-note-<time>.webm, with its duration), sent like any other.

import { clockText, stampedName } from "./attachments.js";
import { icon, iconButton } from "./icons.js";
import { make } from "./el.js";
import { t } from "./i18n.js";
import { mayAsk, refusal, stopTracks } from "./media-access.js";

const TEXT = {
  record: t("Record a voice note"),
  stop: t("Stop recording and attach the voice note"),
  // Translators: the bar shown while a voice note is being recorded.
  recording: t("Recording a voice note"),
  started: t("Recording. Press the microphone button again to stop."),
  attached: t("The voice note is attached."),
  cancel: t("Cancel"),
  done: t("Stop"),
  cancelled: t("The recording was discarded."),
  // Translators: beside the running time of a voice note; {max} is the longest one may be, such as "5:00".
  limit: (max) => t("at most {max}", { max }),
  denied: t("The microphone is blocked. Allow it in your browser's settings for this site to record a voice note."),
  missing: t("No microphone was found."),
  failed: t("The recording could not start."),
};

const MAX_SECONDS = 5 * 60;
const HOLD_MS = 500; // a touch held longer than this records until it is let go
const TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"]; // i18n: media types

function supported() {
  return typeof MediaRecorder === "function" && mayAsk("microphone");
}

export class VoiceNote {
  /** tools: where the button goes; o: row (the bar goes above it), add(blob, {name, duration}), status(text). */
  constructor(tools, o) {
    this.o = o;
    this.state = "idle"; // idle, starting, recording, stopping
    this.finished = [];
    if (!supported()) return;
    const button = (this.button = iconButton("mic", TEXT.record, "compose-tool voice-button"));
    button.setAttribute("aria-pressed", "false");
    tools.append(button);
    this.bar = this.drawBar();
    this.live = make("p", "visually-hidden");
    this.live.setAttribute("aria-live", "polite");
    o.row.before(this.bar, this.live);

    // A click (or a tap) starts and stops; a touch held records until it is let go.
    let holdFrom = 0;
    let skipClick = false;
    button.addEventListener("pointerdown", (ev) => {
      if (ev.pointerType !== "touch" || this.state !== "idle") return;
      button.setPointerCapture(ev.pointerId);
      holdFrom = performance.now();
      this.start();
    });
    const release = (ev) => {
      if (ev.pointerType !== "touch" || !holdFrom) return;
      skipClick = ev.type === "pointerup"; // i18n: an event type
      if (performance.now() - holdFrom > HOLD_MS) this.stop(false);
      holdFrom = 0;
    };
    button.addEventListener("pointerup", release);
    button.addEventListener("pointercancel", release);
    button.addEventListener("contextmenu", (ev) => ev.preventDefault()); // a long press is a recording, not a menu
    button.addEventListener("click", () => {
      if (skipClick) return void (skipClick = false);
      if (this.state === "idle") this.start();
      else if (this.state === "recording" || this.state === "starting") this.stop(false);
    });
  }

  drawBar() {
    const bar = make("div", "voice-bar");
    bar.hidden = true;
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", TEXT.recording);
    const dot = make("span", "voice-dot");
    dot.setAttribute("aria-hidden", "true");
    const label = make("span", "voice-label", TEXT.recording);
    this.time = make("span", "voice-time", clockText(0));
    this.time.setAttribute("role", "timer");
    const max = make("span", "voice-max", TEXT.limit(clockText(MAX_SECONDS)));
    const done = make("button", "voice-stop small-button");
    done.type = "button";
    done.append(icon("stop", 14), make("span", "", TEXT.done));
    done.addEventListener("click", () => this.stop(false));
    const cancel = make("button", "voice-cancel small-button danger-button", TEXT.cancel);
    cancel.type = "button";
    cancel.addEventListener("click", () => this.stop(true));
    bar.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") this.stop(true);
    });
    bar.append(dot, label, this.time, max, done, cancel);
    return bar;
  }

  /** Whether a recording is under way (a send waits for it: finish()). */
  recording() {
    return this.state !== "idle";
  }

  async start() {
    if (this.state !== "idle") return;
    this.state = "starting";
    this.discard = false;
    this.o.status("");
    let stream = null;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      this.state = "idle";
      this.o.status(TEXT[refusal(e)]);
      return this.settled();
    }
    if (this.state !== "starting") { // stopped (or cancelled) before the microphone answered
      stopTracks(stream);
      this.state = "idle";
      return this.settled();
    }
    const mimeType = TYPES.find((type) => MediaRecorder.isTypeSupported(type));
    const recorder = (this.recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {}));
    const chunks = [];
    recorder.addEventListener("dataavailable", (ev) => {
      if (ev.data && ev.data.size) chunks.push(ev.data);
    });
    recorder.addEventListener("stop", () => this.stopped(stream, recorder, chunks));
    recorder.start(1000);
    this.began = performance.now();
    this.state = "recording";
    this.show(true);
    this.live.textContent = TEXT.started;
    this.timer = setInterval(() => this.tick(), 200);
  }

  elapsed() {
    return (performance.now() - this.began) / 1000;
  }

  tick() {
    const seconds = Math.min(MAX_SECONDS, this.elapsed());
    this.time.textContent = clockText(seconds);
    if (seconds >= MAX_SECONDS) this.stop(false); // the longest a note may be: kept as it is
  }

  show(on) {
    this.bar.hidden = !on;
    this.time.textContent = clockText(0);
    this.button.classList.toggle("recording", on);
    this.button.setAttribute("aria-pressed", String(on));
    const label = on ? TEXT.stop : TEXT.record;
    this.button.setAttribute("aria-label", label);
    this.button.title = label;
    this.button.replaceChildren(icon(on ? "stop" : "mic"));
  }

  /** End the recording: attach what was recorded, or throw it away (discard). */
  stop(discard) {
    this.discard = this.discard || discard;
    if (this.state === "starting") this.state = "stopping"; // start() lets the microphone go
    if (this.state !== "recording") return;
    this.state = "stopping";
    this.duration = Math.min(MAX_SECONDS, this.elapsed());
    clearInterval(this.timer);
    this.recorder.stop();
  }

  stopped(stream, recorder, chunks) {
    stopTracks(stream);
    const focused = this.bar.contains(document.activeElement);
    this.show(false);
    this.state = "idle";
    if (focused) this.button.focus(); // the bar's buttons went away under the focus
    if (this.discard || !chunks.length) {
      this.live.textContent = TEXT.cancelled;
      return this.settled();
    }
    const type = (recorder.mimeType || chunks[0].type || "audio/webm").split(";")[0]; // i18n: a media type
    const ext = { "audio/webm": "webm", "audio/ogg": "ogg", "audio/mp4": "m4a" }[type] || "webm"; // i18n: file extensions
    const blob = new Blob(chunks, { type });
    this.o.add(blob, { name: stampedName("voice-note", ext), duration: Math.round(this.duration * 10) / 10 }); // i18n: a file name
    this.live.textContent = TEXT.attached;
    this.settled();
  }

  settled() {
    for (const resolve of this.finished.splice(0)) resolve();
  }

  /** Stop a recording under way and attach it (a message sent meanwhile takes it along). */
  finish() {
    if (this.state === "idle") return Promise.resolve();
    return new Promise((resolve) => {
      this.finished.push(resolve);
      this.stop(false);
    });
  }
}
