// A call's own camera and microphone (call.js): what to ask getUserMedia for, switching to another
// device mid-call (the new track replaces the old one in the connection's sender, muted or off as
// the old one was), the devices there are, and a device unplugged mid-call (its track "ended"):
// the default device takes over, and the call says so (events.lost).

import { stopTracks } from "./media-access.js";

/** getUserMedia's ask for `kind` ("audio" | "video"): the device `deviceId`, or the default one. */
export function wanted(kind, deviceId) {
  if (deviceId) return { deviceId: { exact: deviceId } };
  return kind === "audio" ? true : { width: { ideal: 640 }, height: { ideal: 480 } };
}

/** The devices of `kind` ("audioinput" | "videoinput" | "audiooutput") and the input in use. */
export async function listDevices(local, kind) {
  const all = navigator.mediaDevices && navigator.mediaDevices.enumerateDevices ? await navigator.mediaDevices.enumerateDevices() : [];
  const track = local && (kind === "audioinput" ? local.getAudioTracks()[0] : kind === "videoinput" ? local.getVideoTracks()[0] : null);
  const current = track && track.getSettings ? track.getSettings().deviceId : null;
  return { list: all.filter((d) => d.kind === kind), current };
}

/** A track of `call` that ends by itself (its device unplugged) gives way to the default device. */
export function watchTrack(call, track) {
  track.addEventListener("ended", async () => {
    if (call.state === "ended" || !call.local || !call.local.getTracks().includes(track)) return;
    const ok = await replaceDevice(call, track.kind, null);
    if (call.events.lost) call.events.lost(track.kind, ok);
  });
}

/** Use another microphone ("audio") or camera ("video") in `call`, or the default one; → whether it worked. */
export async function replaceDevice(call, kind, deviceId) {
  if (!call.local) return false;
  let fresh;
  try {
    fresh = await navigator.mediaDevices.getUserMedia({ [kind]: wanted(kind, deviceId) });
  } catch (e) {
    return false;
  }
  if (call.state === "ended") {
    stopTracks(fresh);
    return false;
  }
  const track = kind === "audio" ? fresh.getAudioTracks()[0] : fresh.getVideoTracks()[0];
  const old = kind === "audio" ? call.local.getAudioTracks()[0] : call.local.getVideoTracks()[0];
  if (call.pc) {
    const sender = call.pc.getSenders().find((x) => x.track && x.track.kind === kind);
    if (sender) await sender.replaceTrack(track);
  }
  if (old) {
    call.local.removeTrack(old);
    old.stop();
  }
  track.enabled = kind === "audio" ? !call.muted : !call.cameraOff;
  watchTrack(call, track);
  call.local.addTrack(track);
  call.events.local(call.local);
  return true;
}
