// A photo from the camera: the composer's camera button opens a dialog with the live picture
// (getUserMedia), "Take photo" freezes it, then "Retake" or "Use photo"; the photo (a JPEG) goes
// into the tray like any file. The camera is let go whenever the dialog closes, however it closes.

import { stampedName } from "./attachments.js";
import { iconButton } from "./icons.js";
import { make } from "./el.js";
import { t } from "./i18n.js";
import { mayAsk, refusal, stopTracks } from "./media-access.js";

const TEXT = {
  open: t("Take a photo with the camera"),
  title: t("Take a photo"),
  take: t("Take photo"),
  retake: t("Retake"),
  use: t("Use photo"),
  // Translators: a button in the camera's dialog, on a phone: the front or the back camera.
  switch: t("Switch camera"),
  cancel: t("Cancel"),
  starting: t("Starting the camera…"),
  // Translators: read by screen readers once the photo is taken and shown.
  taken: t("Photo taken. Use it, or take another."),
  // Translators: what screen readers call the still picture just taken, before it is used.
  still: t("The photo you took"),
  denied: t("The camera is blocked. Allow it in your browser's settings for this site to take a photo."),
  missing: t("No camera was found."),
  failed: t("The camera could not start."),
};

function button(text, className) {
  const el = make("button", className, text);
  el.type = "button";
  return el;
}

let count = 0;

class Camera {
  /** o: add(blob, {name}), status(text): the composer's error line. */
  constructor(o) {
    this.o = o;
    this.stream = null;
    const dialog = (this.dialog = make("dialog", "camera-dialog"));
    const id = "camera-title-" + ++count;
    dialog.setAttribute("aria-labelledby", id);
    const title = make("h2", "", TEXT.title);
    title.id = id;
    const stage = (this.stage = make("div", "camera-stage"));
    this.video = make("video", "camera-video");
    Object.assign(this.video, { muted: true, playsInline: true, autoplay: true });
    this.canvas = make("canvas", "camera-still");
    this.canvas.hidden = true;
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", TEXT.still);
    stage.append(this.video, this.canvas);
    this.status = make("p", "camera-status");
    this.status.setAttribute("role", "status");
    const actions = make("div", "dialog-actions");
    this.cancel = button(TEXT.cancel, "secondary-button");
    this.take = button(TEXT.take, "camera-take");
    this.retake = button(TEXT.retake, "secondary-button camera-retake");
    this.use = button(TEXT.use, "camera-use");
    this.switch = button(TEXT.switch, "secondary-button camera-switch");
    this.switch.hidden = true; // shown when there is another camera to switch to
    actions.append(this.switch, this.cancel, this.retake, this.take, this.use);
    dialog.append(title, stage, this.status, actions);
    document.body.append(dialog);

    this.cancel.addEventListener("click", () => dialog.close());
    this.take.addEventListener("click", () => this.shoot());
    this.retake.addEventListener("click", () => this.still(false));
    this.use.addEventListener("click", () => this.keep());
    this.switch.addEventListener("click", () => this.next());
    dialog.addEventListener("close", () => this.release()); // Escape, Cancel or Use photo
  }

  async open() {
    this.still(false);
    this.dialog.showModal();
    this.cancel.focus();
    if (await this.start({ facingMode: "user" })) this.take.focus(); // i18n: a camera's facing
  }

  /** The next camera (a phone's back one after its front one), when there are several. */
  async next() {
    if (this.switching) return void (this.again = true); // a press while switching: once more after
    this.switching = true; // the focus stays on the button, which is not disabled meanwhile
    do {
      this.again = false;
      const cameras = await this.cameras();
      const now = this.stream ? this.stream.getVideoTracks()[0].getSettings().deviceId : null;
      const then = cameras[(cameras.indexOf(now) + 1) % cameras.length];
      if (!then || then === now || !this.dialog.open) break;
      this.release();
      await this.start({ deviceId: { exact: then } });
    } while (this.again);
    this.switching = false;
  }

  /** The cameras' ids (known once the page may use one). */
  async cameras() {
    const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
    return devices.filter((d) => d.kind === "videoinput" && d.deviceId).map((d) => d.deviceId); // i18n: a device kind
  }

  /** Start the live picture from the camera `choice` names (getUserMedia's video constraints). → whether it did. */
  async start(choice) {
    this.take.disabled = true;
    this.status.textContent = TEXT.starting;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 }, ...choice }, audio: false });
      if (!this.dialog.open) return stopTracks(stream); // closed meanwhile
      this.stream = stream;
      this.video.srcObject = stream;
      await this.video.play().catch(() => {});
      if (!this.video.videoWidth) await new Promise((resolve) => this.video.addEventListener("loadedmetadata", resolve, { once: true }));
      this.stage.style.aspectRatio = `${this.video.videoWidth} / ${this.video.videoHeight}`; // the camera's own shape
      this.status.textContent = "";
      this.take.disabled = false;
      this.switch.hidden = (await this.cameras()).length < 2;
      return true;
    } catch (e) {
      this.status.textContent = TEXT[refusal(e)];
      return false;
    }
  }

  /** Show the still (true) or the live picture again (false), with the buttons for each. */
  still(on) {
    this.canvas.hidden = !on;
    this.video.hidden = on;
    this.take.hidden = on;
    this.retake.hidden = this.use.hidden = !on;
    if (on) this.switch.hidden = true;
    else if (this.dialog.open && this.stream) this.cameras().then((c) => (this.switch.hidden = c.length < 2));
    if (on) {
      this.status.textContent = TEXT.taken;
      this.use.focus();
    } else if (this.dialog.open) {
      this.status.textContent = "";
      this.take.focus();
    }
  }

  shoot() {
    const { video, canvas } = this;
    if (!video.videoWidth) return;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    this.still(true);
  }

  keep() {
    this.use.disabled = true;
    this.canvas.toBlob((blob) => {
      this.use.disabled = false;
      if (blob) this.o.add(blob, { name: stampedName("photo", "jpg") }); // i18n: a file name
      this.dialog.close();
    }, "image/jpeg", 0.9); // i18n: a media type
  }

  /** Let the camera go (its light goes off). */
  release() {
    if (this.stream) stopTracks(this.stream);
    this.stream = null;
    this.video.srcObject = null;
  }
}

/** The composer's camera button (null where the browser has no camera to offer). o: add, status. */
export function cameraButton(o) {
  if (!mayAsk("camera")) return null;
  const open = iconButton("camera", TEXT.open, "compose-tool camera-button");
  open.setAttribute("aria-haspopup", "dialog");
  let camera = null;
  open.addEventListener("click", () => {
    if (!camera) camera = new Camera(o);
    camera.open();
  });
  return open;
}
