// The call on screen (calls.css): a small window that floats over the page (it stays while the
// chat scrolls): the other side's video, or their name for a voice call; our own small preview;
// what the call is doing (calling, ringing, the time in the call); mute, camera, switch device and
// hang up. An incoming call asks first: "<name> is calling" with Accept and Decline. When the call
// ends, the window says why until it is closed. Every word is set as text: names are people's own.

import { make } from "./el.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";

const TEXT = {
  // Translators: what a screen reader calls the floating call window; {name} is the other person's.
  window: (name) => t("Call with {name}", { name }),
  incomingAudio: (name) => t("{name} is calling (voice)", { name }),
  incomingVideo: (name) => t("{name} is calling (video)", { name }),
  accept: t("Accept"),
  decline: t("Decline"),
  calling: (name) => t("Calling {name}…", { name }),
  connecting: t("Connecting…"),
  mute: t("Mute the microphone"),
  unmute: t("Unmute the microphone"),
  cameraOff: t("Turn the camera off"),
  cameraOn: t("Turn the camera on"),
  switchMic: t("Use another microphone"),
  switchCam: t("Use another camera"),
  hangup: t("Hang up"),
  close: t("Close"),
  // Translators: the ending of a call, in its window.
  ended: {
    denied: t("Calls need your microphone (and camera): the browser was not allowed to use them. Allow them in this site's settings, then try again."),
    no_device: t("No microphone or camera was found."),
    media_failed: t("Your microphone or camera could not be started."),
    ice_failed: t("The call could not connect; a network between you may block it."),
    declined: (name) => t("{name} declined the call.", { name }),
    busy: (name) => t("{name} is in another call.", { name }),
    no_answer: (name) => t("{name} did not answer (they may be offline).", { name }),
    missed: (name) => t("Missed call from {name}.", { name }),
    forbidden: (name) => t("You cannot call {name}: calls are not allowed here, or they were removed from the event.", { name }),
    closed: t("The event is not open: no calls now."),
    busy_server: t("Too many calls at once; try again in a moment."),
    failed: t("The call could not be started; check your connection and try again."),
    hung_up: t("Call ended."),
    hung_up_here: t("Call ended."),
    cancelled: t("Call cancelled."),
    declined_here: t("Call declined."),
    elsewhere: t("In a call in another tab."),
    // Translators: a call that rang here was answered in another browser, or by another host.
    answered_elsewhere: t("Answered elsewhere."),
    // Translators: the event's time ran out (or the host ended it) during the call.
    event_closed: t("The event has ended, and the call with it."),
    over: t("Call ended."),
  },
};

/** "1:05", or "1:02:03", from seconds. */
export function clock(s) {
  const two = (n) => String(n).padStart(2, "0");
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

function button(name, label, className) {
  const b = make("button", "call-button " + (className || ""));
  b.type = "button";
  b.setAttribute("aria-label", label);
  b.title = label;
  b.append(icon(name, 20));
  return b;
}

export class CallWindow {
  /** hooks: accept(), decline(), hangup(), mute(on), camera(off), next(kind), closed(). */
  constructor(hooks) {
    this.hooks = hooks;
    this.el = null;
    this.timer = null;
  }

  /** Build the window for a call with `name` (media "audio" | "video"). */
  open(name, media, incoming) {
    this.close();
    this.name = name;
    this.media = media;
    const el = (this.el = make("section", "call-window"));
    el.setAttribute("role", "dialog");
    el.setAttribute("aria-label", TEXT.window(name));
    el.dataset.media = media;
    const stage = (this.stage = make("div", "call-stage"));
    this.remote = make("video", "call-remote");
    this.remote.autoplay = true;
    this.remote.playsInline = true;
    this.who = make("div", "call-who");
    this.who.append(make("span", "call-avatar", (name || "?").slice(0, 1).toUpperCase()), make("span", "call-name", name));
    this.who.lastChild.dir = "auto";
    this.self = make("video", "call-self");
    this.self.autoplay = true;
    this.self.muted = true;
    this.self.playsInline = true;
    this.self.hidden = true;
    stage.append(this.remote, this.who, this.self);
    this.status = make("p", "call-status");
    this.status.setAttribute("aria-live", "polite");
    this.controls = make("div", "call-controls");
    this.muteButton = button("mic", TEXT.mute, "call-mute");
    this.muteButton.setAttribute("aria-pressed", "false");
    this.camButton = button("camera", TEXT.cameraOff, "call-camera");
    this.camButton.setAttribute("aria-pressed", "false");
    this.micNext = button("mic-switch", TEXT.switchMic, "call-next-mic");
    this.camNext = button("camera-switch", TEXT.switchCam, "call-next-camera");
    this.hangButton = button("hang-up", TEXT.hangup, "call-hangup");
    this.muteButton.addEventListener("click", () => this.hooks.mute(this.muteButton.getAttribute("aria-pressed") !== "true"));
    this.camButton.addEventListener("click", () => this.hooks.camera(this.camButton.getAttribute("aria-pressed") !== "true"));
    this.micNext.addEventListener("click", () => this.hooks.next("audio"));
    this.camNext.addEventListener("click", () => this.hooks.next("video"));
    this.hangButton.addEventListener("click", () => this.hooks.hangup());
    this.camButton.hidden = this.camNext.hidden = media !== "video";
    this.controls.append(this.muteButton, this.camButton, this.micNext, this.camNext, this.hangButton);
    this.ask = make("div", "call-ask");
    const accept = make("button", "call-accept", TEXT.accept);
    accept.type = "button";
    accept.prepend(icon(media === "video" ? "video" : "phone", 18));
    const decline = make("button", "call-decline", TEXT.decline);
    decline.type = "button";
    decline.prepend(icon("hang-up", 18));
    accept.addEventListener("click", () => this.hooks.accept());
    decline.addEventListener("click", () => this.hooks.decline());
    this.ask.append(accept, decline);
    this.closeButton = make("button", "call-close", TEXT.close);
    this.closeButton.type = "button";
    this.closeButton.addEventListener("click", () => {
      this.close();
      this.hooks.closed();
    });
    el.append(stage, this.status, this.controls, this.ask, this.closeButton);
    if (typeof el.showPopover === "function") el.popover = "manual";
    this.place();
    // A modal dialog opened or closed later (the private panel is one on a phone): placed again.
    this.watcher = new MutationObserver(() => this.place());
    this.watcher.observe(document.body, { subtree: true, attributes: true, attributeFilter: ["open"] });
    this.show(incoming ? "ringing-in" : "ringing-out");
    return el;
  }

  /**
   * In the top layer (a manual popover, where the browser has them), and inside the modal dialog
   * that is open, if any: everything outside a modal dialog is inert, even what floats above it.
   */
  place() {
    const el = this.el;
    if (!el) return;
    const modal = document.querySelector("dialog:modal");
    const home = modal || document.body;
    if (el.parentNode !== home) {
      const focused = el.contains(document.activeElement) ? document.activeElement : null;
      home.append(el);
      if (focused) focused.focus();
    }
    if (el.popover && !el.matches(":popover-open")) el.showPopover();
  }

  /** Show the call's state (and why it ended). */
  show(state, why) {
    if (!this.el) return;
    this.el.dataset.state = state;
    this.ask.hidden = state !== "ringing-in";
    this.controls.hidden = state === "ringing-in" || state === "ended";
    this.closeButton.hidden = state !== "ended";
    clearInterval(this.timer);
    if (state === "ringing-in") {
      // Said (aria-live), not focused: someone typing must not answer a call with Enter.
      this.status.textContent = (this.media === "video" ? TEXT.incomingVideo : TEXT.incomingAudio)(this.name);
    } else if (state === "ringing-out") {
      this.status.textContent = TEXT.calling(this.name);
    } else if (state === "connecting") {
      this.status.textContent = TEXT.connecting;
    } else if (state === "in-call") {
      const since = Date.now();
      const tick = () => {
        this.status.textContent = clock(Math.floor((Date.now() - since) / 1000));
      };
      tick();
      this.timer = setInterval(tick, 1000);
    } else if (state === "ended") {
      const said = TEXT.ended[why] || TEXT.ended.over;
      this.status.textContent = typeof said === "function" ? said(this.name) : said;
      this.remote.srcObject = null;
      this.self.srcObject = null;
      this.self.hidden = true;
      this.el.dataset.why = why || "over";
      if (this.el.contains(document.activeElement)) this.closeButton.focus(); // the hang up button went away
    }
  }

  local(stream) {
    if (!this.el) return;
    this.self.srcObject = stream;
    this.self.hidden = !stream.getVideoTracks().length;
  }

  remoteStream(stream) {
    if (!this.el) return;
    if (this.remote.srcObject !== stream) this.remote.srcObject = stream;
    this.el.classList.toggle("has-video", stream.getVideoTracks().length > 0);
    this.remote.play().catch(() => {});
  }

  muted(on) {
    if (!this.el) return;
    this.muteButton.setAttribute("aria-pressed", on ? "true" : "false");
    this.muteButton.setAttribute("aria-label", on ? TEXT.unmute : TEXT.mute);
    this.muteButton.title = on ? TEXT.unmute : TEXT.mute;
    this.muteButton.replaceChildren(icon(on ? "mic-off" : "mic", 20));
  }

  cameraOff(off) {
    if (!this.el) return;
    this.camButton.setAttribute("aria-pressed", off ? "true" : "false");
    this.camButton.setAttribute("aria-label", off ? TEXT.cameraOn : TEXT.cameraOff);
    this.camButton.title = off ? TEXT.cameraOn : TEXT.cameraOff;
    this.camButton.replaceChildren(icon(off ? "camera-off" : "camera", 20));
  }

  /** Whether there is more than one device to switch between. */
  devices(mics, cams) {
    if (!this.el) return;
    this.micNext.hidden = mics < 2;
    this.camNext.hidden = this.media !== "video" || cams < 2;
  }

  close() {
    clearInterval(this.timer);
    if (this.watcher) this.watcher.disconnect();
    this.watcher = null;
    if (this.el) this.el.remove();
    this.el = null;
  }
}
