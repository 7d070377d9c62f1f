// Calls from the room (call-desk.js): "Call" and "Video call" in the head of the private thread
// shown, with the hosts or (where the event lets participants write to each other) with another
// participant, offered only while the event is open, to a participant who joined and is not
// banned, where the event lets them write to that thread (the same rule as a private message). The
// room's stream brings the signals (room.js → signal()), the call's item lands in the thread.
// Should the line close during a call (the hosts allow no more messages between participants, the
// reader is removed, the event closes), the call ends here and says why: the server refuses its
// signals from then on, so waiting for them would hang.

import { CallDesk } from "./call-desk.js";
import { make } from "./el.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";

const TEXT = {
  // Translators: a button in a private thread (with the hosts, or with a participant): a voice call.
  call: t("Call"),
  video: t("Video call"),
  // Translators: the name of the call buttons' group, for screen readers.
  group: t("Call the hosts"),
  // Translators: the name of the call buttons' group in a private thread with a participant, for screen readers.
  groupWith: (nickname) => t("Call {nickname}", { nickname }),
  hosts: t("The hosts"),
  // Translators: the name of a participant whose nickname the page does not know (yet), in a call's window.
  someone: t("another participant"),
};

function callButton(name, label, className) {
  const b = make("button", "call-start " + className, label);
  b.type = "button";
  b.prepend(icon(name, 18));
  return b;
}

/**
 * Which side of a call yields when both offer at once (perfect negotiation needs exactly one):
 * with the hosts, the participant; between two participants, the one with the higher id, so
 * that both sides agree without asking each other.
 */
export function politeWith(me, to) {
  return to === "hosts" || !me || typeof to !== "number" || me.id > to;
}

/** The call buttons of the PrivateRoom `room`, and the desk its signals go to. */
export function privateCalls(room) {
  const nameOf = (to) => (to === "hosts" || to === "host" ? TEXT.hosts : room.names.get(to) || TEXT.someone);
  const desk = new CallDesk({
    slug: room.root.dataset.slug,
    token: () => room.identity.token(),
    polite: (to) => politeWith(room.identity.me, to),
    nameOf,
    changed: () => buttons(),
  });
  const bar = make("div", "call-starts");
  bar.setAttribute("role", "group");
  const audio = callButton("phone", TEXT.call, "call-audio");
  const video = callButton("video", TEXT.video, "call-video");
  const allowed = new WeakSet(); // the calls whose line was open once
  const current = () => (room.current ? room.current.to : "hosts");
  const start = (media) => {
    const to = current();
    if (may(to)) desk.start(to, nameOf(to), media);
  };
  audio.addEventListener("click", () => start("audio"));
  video.addEventListener("click", () => start("video"));
  bar.append(audio, video);
  room.panel.heading.after(bar);

  /** Whether the reader may call `to` ("hosts" or a participant's id) now. */
  function may(to) {
    const me = room.identity.me;
    return !!me && !me.banned && to !== me.id && room.hooks.state() === "open" && room.cannot(to) === null;
  }

  /**
   * A call on whose line the reader may no longer write ends, saying why (the server would refuse
   * its signals). Only a call that was allowed once: a ring on a line the reader cannot answer on
   * (a host's, where the event takes no private messages) says so when it is accepted.
   */
  function stopRefused() {
    const call = desk.call;
    if (!desk.live()) return;
    if (may(call.to)) allowed.add(call);
    else if (allowed.has(call)) call.end(room.hooks.state() === "closed" ? "event_closed" : "stopped", "hangup");
  }

  /** The buttons, for the thread shown and the call on (the desk's calls begin and end). */
  function buttons() {
    const to = current();
    bar.hidden = !may(to);
    bar.setAttribute("aria-label", to === "hosts" ? TEXT.group : TEXT.groupWith(nameOf(to)));
    audio.disabled = video.disabled = desk.live();
    if (desk.live() && may(desk.call.to)) allowed.add(desk.call);
  }

  /** The room changed (the thread shown, who may write where, the event's state). */
  function update() {
    stopRefused();
    buttons();
  }

  return {
    desk,
    update,
    signal: (s) => desk.signal(s),
    items: (items) => desk.items(items),
  };
}
