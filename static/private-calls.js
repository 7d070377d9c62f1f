// Calls from the room (call-desk.js): "Call" and "Video call" in the head of the private thread
// with the hosts, offered only while the event is open, to a participant who joined and is not
// banned, where the event lets them write to the hosts (the same rule as a private message). The
// room's stream brings the signals (room.js → signal()), the call's item lands in the thread.

import { CallDesk } from "./call-desk.js";
import { make } from "./el.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";

const TEXT = {
  // Translators: a button in the private thread with the hosts: a voice call.
  call: t("Call"),
  video: t("Video call"),
  // Translators: the name of the call buttons' group, for screen readers.
  group: t("Call the hosts"),
  hosts: t("The hosts"),
};

function callButton(name, label, className) {
  const b = make("button", "call-start " + className, label);
  b.type = "button";
  b.prepend(icon(name, 18));
  return b;
}

/** The call buttons of the PrivateRoom `room`, and the desk its signals go to. */
export function privateCalls(room) {
  const desk = new CallDesk({
    slug: room.root.dataset.slug,
    token: () => room.identity.token(),
    polite: true, // the participant yields when both sides offer at once
    nameOf: () => TEXT.hosts,
    changed: () => update(),
  });
  const bar = make("div", "call-starts");
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", TEXT.group);
  const audio = callButton("phone", TEXT.call, "call-audio");
  const video = callButton("video", TEXT.video, "call-video");
  audio.addEventListener("click", () => desk.start("hosts", TEXT.hosts, "audio"));
  video.addEventListener("click", () => desk.start("hosts", TEXT.hosts, "video"));
  bar.append(audio, video);
  room.panel.heading.after(bar);

  function update() {
    const current = room.current ? room.current.to : "hosts";
    const me = room.identity.me;
    const may = !!me && !me.banned && room.hooks.state() === "open" && current === "hosts" && room.cannot("hosts") === null;
    bar.hidden = !may;
    audio.disabled = video.disabled = desk.live();
  }

  return {
    desk,
    update,
    signal: (s) => desk.signal(s),
    items: (items) => desk.items(items),
  };
}
