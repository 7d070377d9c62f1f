// The call on screen (calls.css): a small window that floats over the page (it stays while the
// chat scrolls): the other side's video, or their name for a voice call; our own small preview;
// what the call is doing (calling, ringing, the time in the call); mute, camera, the menus of the
// devices beside them (call-devices.js), a smaller window (no stage), and hang up. Where it sits:
// call-place.js. An incoming call asks first: "<name> is calling" with Accept and Decline. When the
// call ends, the window says why until it is closed. Every word is set as text: names are people's own.

import { DevicePicker, lostText, speakersChoosable, useSpeaker } from "./call-devices.js";
import { Placement } from "./call-place.js";
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
  hangup: t("Hang up"),
  smaller: t("Make the call window smaller"),
  larger: t("Make the call window larger"),
  close: t("Close"),
  // Translators: the ending of a call, in its window.
  ended: {
    denied: t("Calls need your microphone (and camera): the browser was not allowed to use them. Allow them in this site's settings, then try again."),
    no_device: t("No microphone or camera was found."),
    media_failed: t("Your microphone or camera could not be started."),
    // Translators: no network path between the two browsers, and the server offers no TURN relay.
    ice_failed: t("The call could not connect: your networks do not let a direct connection through, and this server has no relay (TURN server) for such networks."),
    ice_failed_relay: t("The call could not connect, not even through the server's relay. Check your connection and try again."),
    lost: t("The call's connection was lost."),
    declined: (name) => t("{name} declined the call.", { name }),
    busy: (name) => t("{name} is in another call.", { name }),
    no_answer: (name) => t("{name} did not answer (they may be offline).", { name }),
    missed: (name) => t("Missed call from {name}.", { name }),
    forbidden: (name) => t("You cannot call {name}: calls are not allowed here, or they were removed from the event.", { name }),
    closed: t("The event is not open: no calls now."),
    // Translators: a call that ended because the hosts no longer allow it (say, no more private messages between participants).
    stopped: (name) => t("The call ended: calls with {name} are no longer allowed here.", { name }),
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

/** A control and the button of its device menu, side by side. */
function pair(control, picker) {
  const box = make("div", "call-pair");
  box.append(control, picker);
  return box;
}

export class CallWindow {
  /**
   * hooks: accept(), decline(), hangup(), mute(on), camera(off), closed(); devices(kind) →
   * {list, current} of "audioinput", "videoinput" or "audiooutput"; choose(kind, deviceId) (an
   * input) → whether it worked.
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.el = null;
    this.timer = null;
    this.changed = () => this.devices();
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
    useSpeaker(this.remote);
    this.remote.addEventListener("resize", () => this.fit());
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
    this.hangButton = button("hang-up", TEXT.hangup, "call-hangup");
    this.muteButton.addEventListener("click", () => this.hooks.mute(this.muteButton.getAttribute("aria-pressed") !== "true"));
    this.camButton.addEventListener("click", () => this.hooks.camera(this.camButton.getAttribute("aria-pressed") !== "true"));
    this.hangButton.addEventListener("click", () => this.hooks.hangup());
    this.sizeButton = button("shrink", TEXT.smaller, "call-size");
    this.sizeButton.addEventListener("click", () => this.small(!this.el.classList.contains("small")));
    this.pickers = [this.picker(["audioinput", ...(speakersChoosable() ? ["audiooutput"] : [])])];
    this.controls.append(pair(this.muteButton, this.pickers[0].button));
    if (media === "video") {
      this.pickers.push(this.picker(["videoinput"]));
      this.controls.append(pair(this.camButton, this.pickers[1].button));
    }
    this.controls.append(this.sizeButton, this.hangButton, ...this.pickers.map((p) => p.menu));
    this.note = make("p", "call-note");
    this.note.setAttribute("aria-live", "polite");
    this.note.hidden = true;
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
    el.append(stage, this.status, this.note, this.controls, this.ask, this.closeButton);
    if (typeof el.showPopover === "function") el.popover = "manual";
    this.placement = new Placement(el);
    if (navigator.mediaDevices) navigator.mediaDevices.addEventListener("devicechange", this.changed);
    this.show(incoming ? "ringing-in" : "ringing-out");
    return el;
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
      for (const picker of this.pickers) picker.close(false);
      this.say("");
      if (this.el.contains(document.activeElement)) this.closeButton.focus(); // the hang up button went away
    }
  }

  /** The window without the stage (the video, or the name), to see more of the page; or with it again. */
  small(on) {
    this.el.classList.toggle("small", on);
    const label = on ? TEXT.larger : TEXT.smaller;
    this.sizeButton.setAttribute("aria-label", label);
    this.sizeButton.title = label;
    this.sizeButton.replaceChildren(icon(on ? "grow" : "shrink", 20));
  }

  /** The stage takes the shape of the other side's video (a phone's camera may stand upright). */
  fit() {
    const { videoWidth: w, videoHeight: h } = this.remote;
    if (w && h) this.stage.style.setProperty("--video-ratio", String(Math.min(16 / 9, Math.max(3 / 4, w / h))));
  }

  local(stream) {
    if (!this.el) return;
    this.self.srcObject = stream;
    this.self.hidden = !stream.getVideoTracks().length;
    this.devices();
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

  /** The menu of the devices of `kinds` (the speaker: the one that plays the other side). */
  picker(kinds) {
    const { devices, choose } = this.hooks;
    return new DevicePicker({ kinds, read: devices, choose, say: (text) => this.say(text), sink: this.remote });
  }

  /** Read the devices again (the call's media changed, or a device came or went). */
  devices() {
    if (this.el) for (const picker of this.pickers) picker.refresh();
  }

  /** A passing word under the status: a device that failed or went away. */
  say(text) {
    if (!this.el) return;
    this.note.textContent = text;
    this.note.hidden = !text;
  }

  /** The track of `kind` ended by itself (unplugged); `ok`: the default device took over. */
  lost(kind, ok) {
    this.say(lostText(kind, ok));
  }

  close() {
    clearInterval(this.timer);
    if (navigator.mediaDevices) navigator.mediaDevices.removeEventListener("devicechange", this.changed);
    for (const picker of this.pickers || []) picker.close(false);
    if (this.placement) this.placement.stop();
    this.placement = null;
    if (this.el) this.el.remove();
    this.el = null;
  }
}
