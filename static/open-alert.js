// "Notify me when it opens": in a waiting room, a desktop notification when the room opens. Kept
// with the room's other notification settings (notify.js); one notification per browser however
// many tabs have the room open (notify.js's claim), from whichever tab sees the opening first.

import { say } from "./dom.js";
import { t } from "./i18n.js";
import { claim, TEXT as ALERTS } from "./notify.js";

const TEXT = {
  ask: t("Notify me when it opens"),
  // Translators: the button's text once pressed; pressing it again cancels the reminder.
  asked: t("You will be notified when it opens"),
  set: t("A desktop notification will appear when the chat opens, from any tab with this page."),
  // Translators: a desktop notification's title when a waiting room opens; {title} is the event's.
  opened: (title) => t("{title} has started", { title }),
  body: t("The chat is open: join in."),
};

/** Bind the waiting room's button; notify when `root` says the room opened ("room:state"). */
export function openAlert(root, notifier, button, status) {
  if (!button || typeof Notification !== "function") return; // the paragraph stays hidden
  button.closest("[data-needs-script]").hidden = false;
  const armed = () => !!notifier.settings.opens && Notification.permission === "granted";
  const show = () => {
    button.setAttribute("aria-pressed", String(armed()));
    button.textContent = armed() ? "✓ " + TEXT.asked : TEXT.ask;
  };
  show();
  button.addEventListener("click", async () => {
    say(status, "");
    if (armed()) {
      notifier.settings.opens = false;
    } else {
      let permission = Notification.permission;
      if (permission === "default") permission = await Notification.requestPermission().catch(() => "denied");
      notifier.settings.opens = permission === "granted";
      say(status, permission === "granted" ? TEXT.set : permission === "denied" ? ALERTS.blocked : ALERTS.refused);
    }
    notifier.save();
    show();
  });
  root.addEventListener("room:state", async (e) => {
    if (!e.detail || e.detail.state !== "open" || !armed()) return;
    if (!(await claim(`chatserver.opened.${notifier.slug}`, 1))) return;
    const title = (root.querySelector(".event-head h1") || {}).textContent || document.title;
    try {
      const note = new Notification(TEXT.opened(title), { body: TEXT.body, tag: `chatserver-${notifier.slug}-opened` });
      note.addEventListener("click", () => {
        window.focus();
        note.close();
      });
    } catch (err) {
      // Some browsers only notify from a service worker; the page itself shows the open room.
    }
  });
}
