// A page's calls (the room's, with the hosts; the console's, with each participant): the signals
// from the stream go to the call they belong to (call.js), a ring opens the incoming-call window
// (call-window.js) with a ring tone (call-ring.js) and a desktop notification where allowed. One call
// per browser at a time: the tabs of this room tell each other over a BroadcastChannel which call
// one of them took, so the others stop ringing ("In a call in another tab"); other browsers and
// other hosts stop when the server says the call was answered elsewhere; and a ring that comes
// while a call is on is declined as busy by the tab that holds the call.
// A tab closing mid-call hangs up with a request that outlives it (pagehide, fetch keepalive).

import { eventPath, fetchJson } from "./api.js";
import { Call, newCallId } from "./call.js";
import { CallWindow } from "./call-window.js";
import { notifyRing, Ringer } from "./call-ring.js";

const ENDED_SHOWN_MS = 8000; // how long a call's ending stays said before its window closes by itself

export class CallDesk {
  /**
   * o: slug; token() → the reader's credential (a participant token, or the host key); polite,
   * or polite(to) per call: whether this side yields in perfect negotiation (exactly one side of a
   * call does: see private-calls.js); nameOf(from) → the caller's name from a signal;
   * changed() — a call began or ended (the entry buttons may change).
   */
  constructor(o) {
    Object.assign(this, o);
    this.call = null;
    this.elsewhere = new Set(); // ids of the calls another tab of this browser holds
    this.seen = new Set(); // call ids that rang here (a repeated ring does not ring again)
    this.ringer = new Ringer();
    this.closer = null;
    this.window = new CallWindow({
      accept: () => this.accept(),
      decline: () => this.call && this.call.decline(),
      hangup: () => this.call && this.call.hangup(),
      mute: (on) => {
        if (!this.call) return;
        this.call.mute(on);
        this.window.muted(on);
      },
      camera: (off) => {
        if (!this.call) return;
        this.call.camera(off);
        this.window.cameraOff(off);
      },
      devices: (kind) => (this.call ? this.call.devices(kind) : { list: [], current: null }),
      choose: (kind, id) => !!this.call && this.call.switchDevice(kind === "videoinput" ? "video" : "audio", id),
      closed: () => {
        if (this.call && this.call.state === "ended") this.call = null;
      },
    });
    try {
      this.channel = new BroadcastChannel("chatserver-calls:" + o.slug); // i18n: a channel name
      this.channel.onmessage = (e) => this.heard(e.data || {});
      this.channel.postMessage({ type: "who" });
    } catch (e) {
      this.channel = null; // a third-party frame may be refused it: this tab decides alone
    }
    window.addEventListener("pagehide", () => {
      if (this.call) this.call.leaving();
    });
    if (self.__callTest) self.__calls = this; // the browser tests read the call's connection
  }

  tell(message) {
    if (this.channel) this.channel.postMessage(message);
  }

  /** Another tab of this room: it took a call, ended one, or asks which one is on. */
  heard(m) {
    if (m.type === "who" && this.live()) this.tell({ type: "taken", call_id: this.call.id });
    else if (m.type === "taken") {
      this.elsewhere.add(m.call_id);
      if (this.call && this.call.id === m.call_id && this.call.state === "ringing-in") {
        this.ringer.stop();
        this.call.state = "ended";
        this.window.show("ended", "elsewhere");
        this.closeLater();
      }
    } else if (m.type === "over") this.elsewhere.delete(m.call_id);
  }

  /** Whether a call is on in this tab (not ended). */
  live() {
    return !!this.call && this.call.state !== "ended";
  }

  /** The items of the stream: a call's item says it is over (another host may have taken it). */
  items(items) {
    for (const item of items || []) {
      if (!item || item.kind !== "call" || !this.call || this.call.id !== item.call_id) continue;
      // The event closed: the call is over in any state. Its item comes before the closing item,
      // while the server's hangup may miss a stream that ends with the event.
      if (item.reason === "closed") this.call.end("event_closed", null);
      else if (this.call.state === "ringing-in") {
        this.ringer.stop();
        this.call.end(item.missed ? "missed" : "over", null);
      }
    }
  }

  /** A signal from the stream. */
  signal(s) {
    if (!s || typeof s.call_id !== "string") return;
    if (this.call && this.call.id === s.call_id) {
      // Another device of ours, or another host, answered: a tab still ringing stops; the tab
      // that answered (connecting or in the call) hears this too and goes on.
      if (s.type === "hangup" && s.data && s.data.reason === "answered_elsewhere") {
        if (this.call.state === "ringing-in") this.call.end("answered_elsewhere", null);
        return;
      }
      return this.call.signal(s);
    }
    if (s.type !== "ring" || this.seen.has(s.call_id) || this.elsewhere.has(s.call_id)) return;
    this.seen.add(s.call_id);
    const to = s.from === "host" ? "hosts" : s.from;
    if (this.live()) {
      // One call at a time: the caller hears that we are busy.
      const body = { to, call_id: s.call_id, type: "decline", data: { reason: "busy" } };
      fetchJson("POST", eventPath(this.slug, "/calls/signals"), { body, token: this.token() }).catch(() => {});
      return;
    }
    if (this.elsewhere.size) return; // the tab holding the call says busy
    const media = s.data && s.data.media === "video" ? "video" : "audio";
    this.begin({ to, name: s.from_name || this.nameOf(s.from), media, id: s.call_id, incoming: true });
    this.ringer.start();
    notifyRing(this.window.status.textContent);
  }

  /** Call `to` ("hosts" or a participant id), named `name`, with `media`. */
  start(to, name, media) {
    if (this.live() || this.elsewhere.size) return false;
    this.begin({ to, name, media, id: newCallId(), incoming: false });
    this.call.start();
    return true;
  }

  begin({ to, name, media, id, incoming }) {
    clearTimeout(this.closer);
    const call = new Call({
      slug: this.slug, token: this.token, to, peerName: name, media, id, incoming,
      polite: typeof this.polite === "function" ? this.polite(to) : this.polite,
      events: {
        state: (state, why) => this.stateOf(call, state, why),
        local: (stream) => this.window.local(stream),
        remote: (stream) => this.window.remoteStream(stream),
        lost: (kind, ok) => this.window.lost(kind, ok),
      },
    });
    this.call = call;
    if (self.__callTest) self.__call = call;
    this.window.open(name, media, incoming);
    this.window.muted(false);
    this.window.cameraOff(false);
    if (this.changed) this.changed();
  }

  async accept() {
    const call = this.call;
    if (!call || call.state !== "ringing-in") return;
    this.ringer.stop();
    this.tell({ type: "taken", call_id: call.id });
    await call.accept();
  }

  stateOf(call, state, why) {
    if (call !== this.call) return;
    this.window.show(state, why);
    if (state === "ringing-in") return;
    this.ringer.stop();
    if (!call.incoming && state === "connecting") this.tell({ type: "taken", call_id: call.id });
    if (state === "ended") {
      this.tell({ type: "over", call_id: call.id });
      this.closeLater();
      if (this.changed) this.changed();
    }
  }

  closeLater() {
    clearTimeout(this.closer);
    const call = this.call;
    this.closer = setTimeout(() => {
      if (this.call !== call) return;
      this.window.close();
      this.call = null;
    }, ENDED_SHOWN_MS);
  }
}
