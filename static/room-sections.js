// Which of the room's sections show in each state of the event (room.js decides when): the waiting
// room while it is scheduled, the chat once it has opened, the closed notice, which takes the
// composer's place under the messages once it closed, and the alerts menu while news can still come.

/** `$`: the page's elements by id. → show(state, chatShown): the sections for that state. */
export function roomSections($) {
  const waiting = $("waiting");
  const chat = $("chat");
  const closed = $("closed");
  const home = closed.parentNode; // where the closed notice stands when the chat was never shown
  const next = closed.nextSibling;
  const foot = $("chat-foot");
  const alerts = $("alerts");
  return (state, chatShown) => {
    waiting.hidden = state !== "scheduled";
    chat.hidden = !chatShown;
    // Once closed, the notice takes the composer's place under the messages.
    if (state === "closed" && chatShown) foot.append(closed);
    else if (closed.parentNode !== home) home.insertBefore(closed, next);
    closed.hidden = state !== "closed";
    // Nothing new can come any more once closed; in a chat bar, the bar itself tells what is new.
    alerts.hidden = state === "closed" || document.documentElement.classList.contains("embedded");
  };
}
