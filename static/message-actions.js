// A message's actions in the room: a small toolbar on hover, on keyboard focus, and on a tap (a
// phone has no hover): the quick reactions, "More reactions…" (the emoji picker), Reply, and for
// the reader's own messages Edit and Delete. Built for a message when first needed; only a joined,
// not banned reader of an open event gets one. The keyboard: ↑ and ↓ on the conversation move from
// message to message, Tab goes into the toolbar of the one focused, ← and → across it, Esc back.

import { TEXT as API_TEXT, errorMessage, eventPath, fetchJson } from "./api.js";
import { confirmAction } from "./dialog.js";
import { QUICK_REACTIONS } from "./emoji-catalog.js";
import { openEmojiPicker } from "./emoji-picker.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";

const TEXT = {
  // Translators: the name of a message's toolbar for screen readers.
  toolbar: (author) => t("Actions for the message by {author}", { author }),
  toolbarAnnouncement: t("Actions for the announcement"),
  // Translators: a quick-reaction button's name for screen readers; {emoji} is the emoji itself.
  react: (emoji) => t("React with {emoji}", { emoji }),
  more: t("More reactions…"),
  // Translators: a button on a message: answer it (the composer quotes it).
  reply: t("Reply"),
  // Translators: a button on one's own message: change its text.
  edit: t("Edit"),
  // Translators: a button on one's own message: delete it.
  delete: t("Delete"),
  deleteTitle: t("Delete this message?"),
  deleteText: t("Everyone will see that it was deleted."),
};

const TOUCH = "(hover: none)"; // i18n: a media query

function button(action, label, content) {
  const el = document.createElement("button");
  el.type = "button";
  el.dataset.action = action;
  el.setAttribute("aria-label", label);
  el.title = label;
  el.tabIndex = -1;
  if (typeof content === "string") el.textContent = content;
  else el.append(content);
  return el;
}

/** The items a reader may act on: messages and announcements from the server, not removed. */
function actionable(li) {
  return !!li && li.matches("li.item[data-id]:is(.message, .announcement):not(.outgoing, .retracted)") && !li.hidden;
}

export class MessageActions {
  /** list: the ItemList (its options: me(), open(), slug, say(), onReply(item), onEdit(item)). */
  constructor(list) {
    this.list = list;
    this.ol = list.ol;
    this.changes = list.changes;
    this.options = list.options;
    this.touch = window.matchMedia(TOUCH);
    this.changes.drawn = (record) => this.pressed(record);
    const ol = this.ol;
    ol.addEventListener("mouseover", (ev) => this.show(ev.target.closest("li.item")));
    ol.addEventListener("focusin", (ev) => {
      const li = ev.target.closest("li.item");
      this.show(li);
      // Shown while the keyboard is in the message (a class: between the message and its toolbar's
      // button the focus is nowhere for a moment, and a toolbar hidden then could not take it).
      if (li && ev.target.matches(":focus-visible")) li.classList.add("acting");
    });
    ol.addEventListener("focusout", (ev) => {
      const li = ev.target.closest("li.item");
      const to = ev.relatedTarget;
      // Into the emoji picker it opened, it stays: the focus comes back to its button.
      if (li && !(to && (li.contains(to) || to.closest(".emoji-picker")))) li.classList.remove("acting");
    });
    // Anywhere else (the picker closed by a click outside it, say): no longer.
    const elsewhere = (ev) => {
      if (ev.target.closest && ev.target.closest(".emoji-picker")) return;
      for (const li of ol.querySelectorAll(":scope > li.acting")) if (!li.contains(ev.target)) li.classList.remove("acting");
    };
    document.addEventListener("focusin", elsewhere);
    document.addEventListener("pointerdown", elsewhere, true);
    ol.addEventListener("click", (ev) => this.clicked(ev));
    ol.addEventListener("keydown", (ev) => this.keyed(ev));
  }

  /** The toolbar of `li`, built (or rebuilt, when who may do what changed) as it is about to show. */
  show(li) {
    if (!li || !this.ol.contains(li)) return;
    if (!li.hasAttribute("tabindex") && actionable(li)) li.tabIndex = -1; // ↑ and ↓ focus it
    const old = li.querySelector(":scope > .msg-actions");
    const record = this.changes.records.get(Number(li.dataset.id));
    if (!record || !actionable(li) || !this.changes.canAct()) {
      if (old && !old.contains(document.activeElement)) old.remove();
      return;
    }
    const me = this.options.me();
    const own = record.item.kind === "message" && record.item.participant_id === me.id;
    const stamp = `${me.id} ${me.nickname} ${own}`;
    if (old && (old.dataset.stamp === stamp || old.contains(document.activeElement))) return;
    if (old) old.remove();
    const bar = document.createElement("div");
    bar.className = "msg-actions";
    bar.dataset.stamp = stamp;
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-live", "off"); // in the conversation's live region: shown, not announced
    bar.setAttribute("aria-label", record.item.kind === "announcement" ? TEXT.toolbarAnnouncement : TEXT.toolbar(record.item.author || ""));
    for (const emoji of QUICK_REACTIONS) {
      const quick = button("react", TEXT.react(emoji), emoji);
      quick.classList.add("quick");
      quick.dataset.emoji = emoji;
      bar.append(quick);
    }
    bar.append(button("more", TEXT.more, icon("more", 18)), button("reply", TEXT.reply, icon("reply", 18)));
    if (own) bar.append(button("edit", TEXT.edit, icon("edit", 18)), button("delete", TEXT.delete, icon("delete", 18)));
    bar.firstChild.tabIndex = 0; // one stop for Tab; the arrows go across
    li.prepend(bar); // first in the message: Tab from it goes here
    this.pressed(record);
  }

  /** The quick reactions the reader has given look pressed. */
  pressed(record) {
    const bar = record.li.querySelector(":scope > .msg-actions");
    if (!bar) return;
    if (record.retracted || !this.changes.canAct()) {
      if (bar.contains(document.activeElement)) record.li.focus({ preventScroll: true });
      return bar.remove(); // the event closed, or the reader may no longer act
    }
    const me = this.options.me();
    for (const quick of bar.querySelectorAll(".quick")) {
      const names = record.reactions.get(quick.dataset.emoji) || [];
      quick.setAttribute("aria-pressed", String(!!me && names.includes(me.nickname)));
    }
  }

  clicked(ev) {
    const target = ev.target.closest(".msg-actions button[data-action]");
    const li = ev.target.closest("li.item");
    if (!target) {
      // A tap on a phone shows the message's actions (and hides the others').
      if (!li || !this.touch.matches || ev.target.closest("a, button, input, textarea, summary, .md-pre")) return; // i18n: a selector
      const was = li.classList.contains("selected");
      for (const other of this.ol.querySelectorAll(":scope > li.selected")) other.classList.remove("selected");
      li.classList.toggle("selected", !was);
      if (!was) this.show(li);
      return;
    }
    const record = this.changes.records.get(Number(li.dataset.id));
    if (!record) return;
    const action = target.dataset.action;
    if (action === "react") this.changes.toggle(record.id, target.dataset.emoji);
    else if (action === "more") {
      li.classList.add("acting"); // shown while the picker is open, and when it gives the focus back
      openEmojiPicker(target, (emoji) => this.changes.toggle(record.id, emoji));
    }
    else if (action === "reply" && this.options.onReply) this.options.onReply(record.item);
    else if (action === "edit" && this.options.onEdit) this.options.onEdit(record.item);
    else if (action === "delete") this.remove(record, target);
    if (action === "reply" || action === "edit") li.classList.remove("selected");
  }

  /** Delete the reader's own message, once they confirm: the retraction marks it deleted. */
  async remove(record, target) {
    const ok = document.getElementById("confirm")
      ? await confirmAction(TEXT.deleteTitle, TEXT.deleteText, TEXT.delete)
      : window.confirm(`${TEXT.deleteTitle}\n\n${TEXT.deleteText}`);
    if (!ok) {
      if (target.isConnected) target.focus();
      return;
    }
    const me = this.options.me();
    let res;
    try {
      res = await fetchJson("DELETE", eventPath(this.options.slug, `/messages/${record.id}`), { token: me && me.token, timeout: 15000 });
    } catch (e) {
      res = { status: 0, data: null };
    }
    if (res.status === 200 && res.data && res.data.message && res.data.message.kind === "retraction") {
      this.list.add([res.data.message]); // at once; the stream's copy of it changes nothing
      record.li.focus({ preventScroll: true });
      this.options.say("");
    } else if (res.status !== 200) {
      this.options.say(res.status ? errorMessage(res) : API_TEXT.unreachable, "error");
    }
  }

  /** ↑ and ↓ from message to message; ←, →, Home and End across a toolbar; Esc out of it. */
  keyed(ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    const bar = ev.target.closest(".msg-actions");
    if (bar) return this.across(ev, bar);
    if (ev.key !== "ArrowUp" && ev.key !== "ArrowDown") return;
    const onList = ev.target === this.ol;
    if (!onList && !(ev.target.matches("li.item") && ev.target.parentNode === this.ol)) return;
    const all = Array.from(this.ol.querySelectorAll(":scope > li.item[data-id]:is(.message, .announcement):not(.outgoing)")).filter((li) => !li.hidden);
    if (!all.length) return;
    let to;
    if (onList) {
      // From the list itself: the newest message in view going up, the oldest going down.
      const view = this.ol.getBoundingClientRect();
      const shown = all.filter((li) => {
        const r = li.getBoundingClientRect();
        return r.bottom > view.top && r.top < view.bottom;
      });
      to = ev.key === "ArrowUp" ? (shown.length ? shown[shown.length - 1] : all[all.length - 1]) : shown[0] || all[0];
    } else {
      const at = all.indexOf(ev.target);
      to = all[at + (ev.key === "ArrowUp" ? -1 : 1)];
    }
    if (!to) return;
    ev.preventDefault();
    to.tabIndex = -1;
    to.focus({ preventScroll: true });
    to.scrollIntoView({ block: "nearest" });
  }

  across(ev, bar) {
    const buttons = Array.from(bar.querySelectorAll("button"));
    const at = buttons.indexOf(ev.target);
    if (ev.key === "Escape") {
      ev.preventDefault();
      bar.parentNode.focus();
      return;
    }
    const rtl = getComputedStyle(bar).direction === "rtl";
    const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[ev.key];
    let to = null;
    if (step) to = buttons[(at + step + buttons.length) % buttons.length];
    else if (ev.key === "Home") to = buttons[0];
    else if (ev.key === "End") to = buttons[buttons.length - 1];
    if (!to || at < 0) return;
    ev.preventDefault();
    for (const one of buttons) one.tabIndex = one === to ? 0 : -1;
    to.focus();
  }
}
