// The camera and the microphone (getUserMedia), for voice-note.js and webcam.js: whether this page
// may ask for them at all, why asking failed, and letting them go.

/** Whether this page may ask for `feature` ("camera", "microphone"): a frame may not be allowed it. */
export function mayAsk(feature) {
  return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia) &&
    !(document.featurePolicy && !document.featurePolicy.allowsFeature(feature)); // a frame not allowed it
}

/** Why getUserMedia refused: "denied" (blocked for this site), "missing" (no such device) or "failed". */
export function refusal(error) {
  const name = error && error.name;
  if (name === "NotAllowedError" || name === "SecurityError") return "denied";
  return name === "NotFoundError" || name === "OverconstrainedError" ? "missing" : "failed";
}

/** Let go of the camera or the microphone. */
export function stopTracks(stream) {
  stream.getTracks().forEach((track) => track.stop());
}
