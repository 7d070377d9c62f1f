// One voice or video call between two people (API.md "Calls"): the camera and the microphone
// (getUserMedia), one RTCPeerConnection negotiated the "perfect negotiation" way (the polite side
// yields when both offer at once: the participant with the hosts, the one with the higher id
// between two participants), trickle ICE, and the signals that carry it all through the server
// (POST …/calls/signals, heard on the stream). The first offer is the impolite side's alone: the
// polite side adds its tracks when that offer comes, so that the call starts without a collision
// (Chromium may lose the polite side's ICE candidates when it rolls its own offer back).
// Signals: ring {media} → the callee's answer {accept: true} (or decline {reason?}); then offer and
// answer {description} and candidate {candidate} either way; hangup {reason?} ends it (the server's
// own hangups say "no_answer", "closed" (the event ended) or "answered_elsewhere").
// The call tells what happens through events.state(state, why): ringing-out, ringing-in,
// connecting, in-call, ended; `why` names why it ended (call-window.js words it).
// The server's ICE servers are fetched with the reader's credential (TURN needs it, if any).
// A call that finds no path between the two browsers never hangs: the browser says "failed", or
// CONNECT_MS pass in "connecting" (no candidate pair ever answers: no TURN, UDP blocked), or a
// connection lost mid-call stays "disconnected" that long; then it ends, both sides saying why
// (hangup {reason: "ice_failed"}, or "connection_lost" mid-call). A device unplugged mid-call (its track "ended") gives way to
// the default one (events.lost).

import { eventPath, fetchJson } from "./api.js";
import { listDevices, replaceDevice, wanted, watchTrack } from "./call-media.js";
import { refusal, stopTracks } from "./media-access.js";

const CONNECT_MS = 25000; // answered (or lost mid-call), and no path between the two after this long

/** A call id: 1–64 of A–Z a–z 0–9 . _ : - */
export function newCallId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return "c" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""); // i18n: an id
}

/** Why a signal was refused, from its answer: "forbidden" (403), "closed" (409, 410), "failed". */
function refusedWhy(res) {
  if (res.status === 403) return "forbidden";
  if (res.status === 409 || res.status === 410) return "closed";
  if (res.status === 429) return "busy_server";
  return "failed";
}

export class Call {
  /**
   * o: slug, token() → the reader's credential, to ("hosts" or a participant id), peerName, media
   * ("audio" | "video"), id (the call id), incoming, polite; events: state(state, why),
   * local(stream), remote(stream), lost(kind, ok) (a device went away; ok: the default took over).
   */
  constructor(o) {
    Object.assign(this, o);
    this.state = o.incoming ? "ringing-in" : "ringing-out";
    this.pc = null;
    this.connecting = null; // the promise of the connection, once asked for
    this.local = null; // the MediaStream of our camera and microphone
    this.remote = new MediaStream();
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.pending = []; // candidates that came before their description
    this.queue = Promise.resolve(); // signals handled one after the other
    this.sending = Promise.resolve(); // and sent one after the other, in order
    this.muted = false;
    this.cameraOff = false;
    this.answeredAt = 0;
    this.relay = false; // whether the server gave a TURN relay
    this.watchdog = null;
    this.tracksAdded = false;
  }

  setState(state, why) {
    if (this.state === "ended" || this.state === state) return; // connected again: the same call
    this.state = state;
    if (state === "in-call" && !this.answeredAt) this.answeredAt = Date.now();
    this.events.state(state, why || null);
  }

  /** Send a signal of this call (in order); → the answer's {status, …}. */
  send(type, data) {
    const body = { to: this.to, call_id: this.id, type, ...(data ? { data } : {}) };
    const go = () => fetchJson("POST", eventPath(this.slug, "/calls/signals"), { body, token: this.token(), timeout: 15000 })
      .catch(() => ({ status: 0, data: null }));
    const sent = this.sending.then(go, go);
    this.sending = sent;
    if (type === "offer" || type === "candidate" || (type === "answer" && data && data.description)) {
      // Refused mid-call: the line closed (the event's rules changed, it closed): say so, never hang.
      sent.then((res) => {
        if (res.status === 403 || res.status === 409 || res.status === 410) this.end(res.status === 403 ? "stopped" : "closed", null);
      });
    }
    return sent;
  }

  /** The camera and the microphone (the camera for a video call); false when refused. */
  async openMedia(deviceIds) {
    const ids = deviceIds || {};
    const audio = wanted("audio", ids.audio);
    const video = this.media === "video" ? wanted("video", ids.video) : false;
    try {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw Object.assign(new Error("no media"), { name: "NotFoundError" }); // i18n: a developer's message
      this.local = await navigator.mediaDevices.getUserMedia({ audio, video });
    } catch (e) {
      const why = refusal(e);
      this.end(why === "denied" ? "denied" : why === "missing" ? "no_device" : "media_failed", this.state === "ringing-in" ? "decline" : null);
      return false;
    }
    if (this.state === "ended") {
      stopTracks(this.local);
      return false;
    }
    for (const track of this.local.getTracks()) watchTrack(this, track);
    this.events.local(this.local);
    return true;
  }

  /** Call: the camera and the microphone first (a refusal rings nobody), then the ring. */
  async start() {
    if (!(await this.openMedia())) return;
    const res = await this.send("ring", { media: this.media });
    if (res.status !== 202) this.end(refusedWhy(res), null);
  }

  /** Take the call: media, then the answer; the connection is negotiated from here. */
  async accept() {
    this.setState("connecting");
    if (!(await this.openMedia())) return;
    const res = await this.send("answer", { accept: true });
    if (res.status !== 202) return this.end(refusedWhy(res), null);
    await this.connect();
  }

  decline(reason) {
    this.end("declined_here", "decline", reason ? { reason } : null);
  }

  hangup() {
    this.end(this.state === "ringing-out" ? "cancelled" : "hung_up_here", "hangup");
  }

  /** The peer connection (the impolite side adds its tracks at once: that starts the negotiation). Made once. */
  connect() {
    if (!this.connecting) this.connecting = this.makeConnection();
    return this.connecting;
  }

  async makeConnection() {
    if (this.state === "ended") return;
    let servers = [];
    const res = await fetchJson("GET", eventPath(this.slug, "/calls/config"), { token: this.token(), timeout: 10000 }).catch(() => null);
    if (res && res.status === 200 && res.data && Array.isArray(res.data.ice_servers)) servers = res.data.ice_servers;
    if (this.state === "ended") return;
    this.relay = servers.some((s) => [].concat(s.urls || []).some((url) => /^turns?:/i.test(url)));
    const pc = (this.pc = new RTCPeerConnection({ iceServers: servers }));
    this.awaitPath();
    pc.ontrack = ({ track }) => {
      // One track of each kind: a negotiation rolled back (both offered at once) may bring new ones.
      for (const old of this.remote.getTracks()) if (old.kind === track.kind) this.remote.removeTrack(old);
      this.remote.addTrack(track);
      this.events.remote(this.remote);
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.send("candidate", { candidate: candidate.toJSON() });
    };
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        this.send("offer", { description: pc.localDescription.toJSON() });
      } catch (e) {
        console.warn("chatserver: the call's offer failed", e); // i18n: a developer's message
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onconnectionstatechange = () => {
      const s = pc.connectionState;
      if (s === "connected") {
        clearTimeout(this.watchdog);
        this.setState("in-call");
      } else if (s === "failed") this.failed();
      else if (s === "disconnected") this.awaitPath();
    };
    if (!this.polite) this.addTracks(); // the polite side's go with its answer (description())
  }

  /** Our tracks into the connection, once: adding them asks for a negotiation, or joins the one on. */
  addTracks() {
    if (this.tracksAdded || !this.pc || !this.local) return;
    this.tracksAdded = true;
    for (const track of this.local.getTracks()) this.pc.addTrack(track, this.local);
  }

  /** No path between the two (yet): wait CONNECT_MS for one, then give up. */
  awaitPath() {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      if (this.pc && this.pc.connectionState !== "connected") this.failed();
    }, CONNECT_MS);
  }

  /** Why no path was found, to say: lost mid-call, or none ever found (with a relay or without). */
  failedWhy() {
    return this.answeredAt ? "lost" : this.relay ? "ice_failed_relay" : "ice_failed";
  }

  failed() {
    // The server words the call's line by it: never connected, or lost mid-call.
    this.end(this.failedWhy(), "hangup", { reason: this.answeredAt ? "connection_lost" : "ice_failed" });
  }

  /** A signal of this call from the other side. */
  signal(s) {
    const step = () => this.take(s).catch((e) => console.warn("chatserver: a call signal failed", e)); // i18n: a developer's message
    this.queue = this.queue.then(step, step);
  }

  async take(s) {
    const data = s.data || {};
    if (this.state === "ended") return;
    if (s.type === "decline") return this.end(data.reason === "busy" ? "busy" : "declined", null);
    if (s.type === "hangup") {
      // ("answered_elsewhere" never comes here: call-desk.js takes it, as only a ringing tab stops.)
      if (data.reason === "closed") return this.end("event_closed", null);
      if (data.reason === "line_closed") return this.end("stopped", null); // the hosts closed this line
      const why = data.reason === "no_answer" || this.state === "ringing-in" ? (this.incoming ? "missed" : "no_answer") : data.reason === "ice_failed" || data.reason === "connection_lost" ? this.failedWhy() : "hung_up";
      return this.end(why, null);
    }
    if (s.type === "answer" && data.accept && !this.incoming) {
      if (this.state === "ringing-out") {
        this.setState("connecting");
        await this.connect();
      }
      return;
    }
    if ((s.type === "offer" || s.type === "answer") && data.description) return this.description(data.description);
    if (s.type === "candidate" && data.candidate) {
      if (!this.pc || !this.pc.remoteDescription) return void this.pending.push(data.candidate);
      try {
        await this.pc.addIceCandidate(data.candidate);
      } catch (e) {
        if (!this.ignoreOffer) throw e;
      }
    }
  }

  /** Perfect negotiation: an offer that collides with ours is ignored by the impolite side. */
  async description(description) {
    await this.connect();
    const pc = this.pc;
    if (!pc) return;
    const collision = description.type === "offer" && (this.makingOffer || pc.signalingState !== "stable");
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) return;
    await pc.setRemoteDescription(description);
    for (const candidate of this.pending.splice(0)) await pc.addIceCandidate(candidate).catch(() => {});
    if (description.type === "offer") {
      this.addTracks(); // the offer's transceivers take them: the answer sends as well as receives
      await pc.setLocalDescription();
      this.send("answer", { description: pc.localDescription.toJSON() });
    }
  }

  /** Mute (or not) the microphone: its track sends silence. */
  mute(on) {
    this.muted = !!on;
    if (this.local) for (const track of this.local.getAudioTracks()) track.enabled = !on;
  }

  /** The camera off (or on again): its track sends black. */
  camera(off) {
    this.cameraOff = !!off;
    if (this.local) for (const track of this.local.getVideoTracks()) track.enabled = !off;
  }

  /** Use another microphone ("audio") or camera ("video"), or the default one (no deviceId). */
  switchDevice(kind, deviceId) {
    return replaceDevice(this, kind, deviceId);
  }

  /** The devices of `kind` ("audioinput" | "videoinput" | "audiooutput") and the input in use. */
  devices(kind) {
    return listDevices(this.local, kind);
  }

  /** The end: let the devices go, tell the other side (`signal`), say why. */
  end(why, signal, data) {
    if (this.state === "ended") return;
    clearTimeout(this.watchdog);
    if (signal) this.send(signal, data || null);
    if (this.local) stopTracks(this.local);
    if (this.pc) this.pc.close();
    this.setState("ended", why);
    this.state = "ended";
  }

  /** The tab is closing: hang up with a request that outlives it. */
  leaving() {
    if (this.state === "ended") return;
    const body = JSON.stringify({ to: this.to, call_id: this.id, type: this.state === "ringing-in" ? "decline" : "hangup" });
    const headers = { "Content-Type": "application/json", Authorization: "Bearer " + this.token() }; // i18n: HTTP headers
    try {
      fetch(eventPath(this.slug, "/calls/signals"), { method: "POST", headers, body, keepalive: true, credentials: "omit" });
    } catch (e) {
      // gone with the tab
    }
  }
}
