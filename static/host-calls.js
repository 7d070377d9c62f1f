// Calls from the console (call-desk.js): "Call" and "Video call" in the head of an inbox
// conversation, to its participant, while the event is open and takes private messages; a participant's call rings here
// (every host's and moderator's console rings; the first to accept takes it). The console's own
// stream (host.js, with the host key) brings the signals and the calls' items.

import { CallDesk } from "./call-desk.js";
import { readKey } from "./host-call.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";

const TEXT = {
  call: (name) => t("Call {name}", { name }),
  video: (name) => t("Video call with {name}", { name }),
};

/** The call buttons of the inbox's conversation view; → the desk (signal(s), items(items)). */
export function hostCalls(inbox, host) {
  const $ = (id) => document.getElementById(id);
  const slug = document.querySelector("[data-slug]").dataset.slug;
  const desk = new CallDesk({
    slug,
    token: readKey,
    polite: false,
    nameOf: (from) => inbox.nameOf(from),
    changed: () => update(),
  });
  const audio = $("thread-call");
  const video = $("thread-video");
  audio.prepend(icon("phone", 18));
  video.prepend(icon("video", 18));
  const start = (media) => {
    const pid = inbox.view.pid;
    if (pid !== null) desk.start(pid, inbox.nameOf(pid), media);
  };
  audio.addEventListener("click", () => start("audio"));
  video.addEventListener("click", () => start("video"));

  function update() {
    const pid = inbox.view.pid;
    // Under direct_messages "off" a participant may not signal the hosts: they could not answer.
    const ev = host.event();
    const open = host.state() === "open" && pid !== null && !(ev && ev.direct_messages === "off");
    audio.hidden = video.hidden = !open;
    audio.disabled = video.disabled = desk.live();
    if (pid !== null) {
      const name = inbox.nameOf(pid);
      audio.setAttribute("aria-label", TEXT.call(name));
      video.setAttribute("aria-label", TEXT.video(name));
    }
  }

  return { desk, update, signal: (s) => desk.signal(s), items: (items) => desk.items(items) };
}
