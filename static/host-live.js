// The host console's live view: every public message with Remove, Mute and Ban (on a touch screen,
// for the message tapped last), the count, and the announcement form. Remove can be undone for a
// few seconds (undo.js): the room sees nothing until the time is up. Private lines are the inbox's.

import { errorCode, errorMessage } from "./api.js";
import { confirmAction } from "./dialog.js";
import { say } from "./dom.js";
import { hostCall, readKey } from "./host-call.js";
import { Mutes } from "./host-mute.js";
import { t, tn } from "./i18n.js";
import { ItemList } from "./items.js";
import { formatTime } from "./time.js";
import { UndoToast } from "./undo.js";

const TEXT = {
  // Translators: a button beside a message in the host console.
  remove: t("Remove"),
  removeAnnouncementLabel: t("Remove this announcement"),
  removeMessageLabel: (author) => t("Remove this message by {author}", { author }),
  // Translators: a button beside a message or a participant in the host console.
  ban: t("Ban"),
  banLabel: (nickname) => t("Ban {nickname}", { nickname }),
  // Translators: the Ban button once the participant is banned.
  banned: t("Banned"),
  removed: (author) => (author ? t("Removed the message by {author}.", { author }) : t("Removed the message.")),
  removedAnnouncement: t("Removed the announcement."),
  removing: (kind) => (kind === "announcement" ? t("Announcement removed") : t("Message removed")),
  kept: t("Not removed."),
  banTitle: (nickname) => t("Ban {nickname}?", { nickname }),
  banText: (nickname) => t("{nickname} will no longer be able to post in this room. Their messages stay unless you remove them.", { nickname }),
  isBanned: (nickname) => t("{nickname} is banned.", { nickname }),
  helpClosed: t("The chat as it was; the event is closed."),
  helpTouch: t("Tap a message to remove it, or to mute or ban its author."),
  helpPointer: t("Point at a message (or tab to it) to remove it, or to mute or ban its author."),
  // Translators: a badge beside the name of a message the host wrote from the console.
  host: t("Host"),
  // Translators: a badge beside the name of a message a moderator wrote from the console.
  moderator: t("Moderator"),
  count: (n) => (n ? tn("{n} message", "{n} messages", n) : ""),
  opensAt: (at) => t("The chat opens at {time}. Messages appear here as people write.", { time: at }),
  opens: t("The chat opens later. Messages appear here as people write."),
  nothing: t("Nothing has been said yet."),
  writeFirst: t("Write the announcement first."),
  announced: t("Announced to everyone in the room."),
  tooLate: t("The event is closed: nobody would see an announcement now."),
};

export class LiveView {
  /** path: the event's API path; host: event(), state(), banned(pid) — a participant was banned,
   *  people() — the people list may show something new. */
  constructor(path, host) {
    const $ = (id) => document.getElementById(id);
    Object.assign(this, { path, host, $ });
    this.ol = $("messages");
    this.bannedIds = new Set(); // participant ids the host has banned
    this.touch = window.matchMedia("(hover: none)");
    this.helpText();
    if (this.touch.addEventListener) this.touch.addEventListener("change", () => this.helpText());
    this.list = new ItemList(this.ol, {
      group: true,
      card: (item) => (host.card ? host.card(item) : null), // a poll (host-polls.js)
      actions: false, // hosts do not react: no message toolbar; edits, their marks and reactions show
      decorate: (li, item) => this.decorate(li, item),
      removed: (li) => {
        const button = li.querySelector("button[data-remove]");
        if (button) button.remove();
      },
    });
    this.mutes = new Mutes(path, {
      state: () => host.state(),
      banned: (pid) => this.bannedIds.has(pid),
      say: (text, kind) => this.say(text, kind),
      changed: () => host.people(),
    });
    this.bindAnnouncements();
    this.undoToast = new UndoToast($("chat-status")); // under the list, where the outcome is said
  }

  /** A small button that is disabled once the event is closed. */
  button(text, label, onClick) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "small-button";
    button.textContent = text;
    button.setAttribute("aria-label", label);
    button.disabled = this.host.state() === "closed";
    button.addEventListener("click", onClick);
    return button;
  }

  /** A Ban button for a participant (also in the people panel). */
  banButton(pid, nickname) {
    const button = this.button(TEXT.ban, TEXT.banLabel(nickname), () => this.ban(pid, nickname, button));
    return button; // (the handler needs the button itself)
  }

  decorate(li, item) {
    if (item.kind !== "message" && item.kind !== "announcement") return;
    if (item.mentions_hosts === true) li.classList.add("mention"); // @host or @hosts: the console has no notifications, it stands out
    const actions = document.createElement("div");
    actions.className = "actions";
    const label = item.kind === "announcement" ? TEXT.removeAnnouncementLabel : TEXT.removeMessageLabel(item.author);
    const remove = this.button(TEXT.remove, label, () => this.retract(li, item, remove));
    remove.dataset.remove = String(item.id);
    actions.append(remove);
    if (item.kind === "message" && typeof item.participant_id === "number") {
      const pid = item.participant_id;
      const ban = this.banButton(pid, item.author);
      ban.dataset.ban = String(pid);
      if (this.bannedIds.has(pid)) this.showBanned(ban);
      actions.append(this.mutes.control(pid, item.author), ban);
    }
    li.append(actions);
    if (item.role === "host" || item.role === "moderator") this.roleBadge(li, item.role);
    // On a touch screen the buttons show for the message tapped last.
    li.addEventListener("click", (ev) => {
      if (!this.touch.matches || ev.target.closest("a, button, select")) return;
      const was = li.classList.contains("selected");
      for (const other of this.ol.querySelectorAll(".item.selected")) other.classList.remove("selected");
      li.classList.toggle("selected", !was);
    });
  }

  /** "Host" or "Moderator" beside the author, unless items.js put one there already. */
  roleBadge(li, role) {
    const author = li.querySelector(".meta .author");
    if (!author || li.querySelector(".role-badge")) return;
    const badge = document.createElement("span");
    badge.className = "role-badge";
    badge.dataset.role = role;
    badge.textContent = role === "host" ? TEXT.host : TEXT.moderator;
    author.after(badge);
  }

  showBanned(button) {
    button.textContent = TEXT.banned;
    button.disabled = true;
    button.classList.add("done");
  }

  markBanned(pid) {
    this.bannedIds.add(pid);
    for (const button of this.ol.querySelectorAll(`button[data-ban="${pid}"]`)) this.showBanned(button);
    this.mutes.refresh(pid); // nobody to mute any more
  }

  say(text, kind) {
    say(this.$("chat-status"), text, kind);
  }

  /** A refusal worth saying: not a wrong key (said above) nor a closed event (the console shows it). */
  refused(res) {
    if ((res.status !== 403 || res.keyWorks) && errorCode(res) !== "event_closed") this.say(errorMessage(res), "error");
  }

  /** Remove, undoably: the item looks removed here at once, and the DELETE goes in 5 s. */
  retract(li, item, button) {
    button.disabled = true;
    li.classList.add("removing");
    this.say("");
    this.undoToast.offer(
      TEXT.removing(item.kind),
      (keepalive) => this.remove(li, item, button, keepalive),
      () => {
        li.classList.remove("removing");
        button.disabled = this.host.state() === "closed";
        this.say(TEXT.kept);
      },
    );
  }

  async remove(li, item, button, keepalive) {
    const path = `${this.path}/messages/${item.id}`;
    let res;
    if (keepalive) {
      // The page is going away: only a keepalive request outlives it (hostCall's fetch would not).
      try {
        const r = await fetch(path, {
          method: "DELETE", headers: { Authorization: "Bearer " + readKey() }, keepalive: true, cache: "no-store", credentials: "omit",
        });
        res = { status: r.status, data: await r.json().catch(() => null) };
      } catch (e) {
        res = { status: 0, data: null };
      }
    } else {
      res = await hostCall("DELETE", path);
    }
    li.classList.remove("removing");
    if (res.status === 200) {
      this.list.markRemoved(li);
      this.say(item.kind === "announcement" ? TEXT.removedAnnouncement : TEXT.removed(item.author));
    } else {
      button.disabled = this.host.state() === "closed";
      this.refused(res);
    }
  }

  async ban(pid, nickname, button) {
    if (!(await confirmAction(TEXT.banTitle(nickname), TEXT.banText(nickname), TEXT.banLabel(nickname)))) return;
    if (button) button.disabled = true;
    const res = await hostCall("POST", `${this.path}/participants/${pid}/ban`);
    if (res.status === 200) {
      this.markBanned(pid);
      this.say(TEXT.isBanned(nickname));
    } else {
      if (button) button.disabled = this.host.state() === "closed";
      this.refused(res);
    }
    this.host.banned(pid);
  }

  /** The event closed: there is nothing more to announce. */
  closed() {
    say(this.$("announce-status"), "");
  }

  helpText() {
    this.$("live-help").textContent = this.host.state() === "closed" ? TEXT.helpClosed : this.touch.matches ? TEXT.helpTouch : TEXT.helpPointer;
  }

  /** Items from the stream (or an announcement just made): what the room sees. Private lines and
   *  notices are the inbox's (host-inbox.js), and its read and done marks are nobody's here. */
  add(items) {
    this.list.add(items.filter((i) => i && i.private !== true && i.kind !== "thread" && i.kind !== "notice"));
    for (const item of items) {
      if (item.kind === "system" && item.code === "banned" && typeof item.participant_id === "number") this.markBanned(item.participant_id);
    }
    this.updateEmpty();
  }

  updateEmpty() {
    const messages = this.ol.querySelectorAll(".item.message").length;
    this.$("live-count").textContent = TEXT.count(messages);
    const empty = this.$("live-empty");
    const anything = this.ol.children.length > 0;
    const event = this.host.event();
    if (anything) empty.textContent = "";
    else if (this.host.state() === "scheduled") empty.textContent = event ? TEXT.opensAt(formatTime(new Date(event.starts_at))) : TEXT.opens;
    else empty.textContent = TEXT.nothing;
    empty.hidden = anything;
  }

  bindAnnouncements() {
    const form = this.$("announce");
    const input = this.$("announce-body");
    const status = this.$("announce-status");
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const text = input.value;
      if (!text.trim()) {
        say(status, TEXT.writeFirst, "error");
        return input.focus();
      }
      const button = form.querySelector("button");
      button.disabled = true;
      const res = await hostCall("POST", this.path + "/announcements", { body: text });
      button.disabled = this.host.state() === "closed";
      if (res.status === 201 && res.data && res.data.message) {
        this.add([res.data.message]);
        this.list.scrollToBottom(false);
        input.value = "";
        say(status, TEXT.announced, "ok");
      } else if (errorCode(res) === "event_closed") {
        say(status, TEXT.tooLate, "error");
      } else if (res.status !== 403 || res.keyWorks) {
        say(status, errorMessage(res), "error");
      }
    });
    input.addEventListener("input", () => say(status, ""));
    // Ctrl+Enter (or ⌘+Enter) posts; a plain Enter makes a new line, as in any text box.
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        form.requestSubmit();
      }
    });
  }
}
