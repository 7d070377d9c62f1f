// A short sine tone on a Web Audio context, with a soft attack and fade so that it never clicks:
// the notification beeps (notify.js) and a call's ringing (call-ring.js).

/** Play `hz` at `at` (the context's time) for `length` seconds, rising over `rise`. */
export function tone(ctx, hz, at, length, rise) {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = "sine";
  osc.frequency.value = hz;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.15, at + rise);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + length - 0.01);
  osc.connect(gain).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + length);
}
