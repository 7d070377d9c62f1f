// The room's people panel: who is here (the reader tagged "you", the banned "removed"), online
// first, with the counts in the heading and in the panel's toggle on small screens. Where the event
// lets participants write to each other, each other person has "Message privately" (private-room.js).
// It is read again as the room opens or closes and as the reader changes ("room:*" events).

import { lang, t, tn } from "./i18n.js";
import { People, tag } from "./people.js";

const TEXT = {
  // Translators: a tag beside the reader's own name in the list of people.
  you: t("you"),
  // Translators: a tag beside the name of someone the host removed from the room.
  removed: t("removed"),
  // Translators: read by screen readers right after a name in the list of people.
  online: t(", online"),
  // Translators: read by screen readers right after a name in the list of people.
  offline: t(", offline"),
  presence: (nickname, online) => (online ? t("{nickname}: online", { nickname }) : t("{nickname}: offline", { nickname })),
  // Translators: how many people joined, in parentheses after the heading "People".
  countClosed: (n) => t("({n})", { n }),
  countOnline: (n) => tn("({n} online)", "({n} online)", n),
  countNow: (n) => tn("{n} online", "{n} online", n),
  countAll: (n) => tn("{n} in all", "{n} in all", n),
  // Translators: {online} is "3 online", {all} is "5 in all".
  summary: (online, all) => t("{online} · {all}", { online, all }),
  // Translators: a small button beside a participant's name that opens a private thread with them.
  write: (nickname) => t("Message {nickname} privately", { nickname }),
};

/** The envelope button that opens a private thread with `p`. */
function writeButton(p, write) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "person-write";
  button.dataset.person = String(p.id); // the list is drawn again now and then: the focus finds it again
  button.setAttribute("aria-label", TEXT.write(p.nickname));
  button.title = TEXT.write(p.nickname);
  button.textContent = "✉"; // i18n: a symbol
  button.addEventListener("click", () => write(p));
  return button;
}

const tagList = new Intl.ListFormat(lang, { type: "unit", style: "short" }); // "you, removed"

const EVERY = 20000; // ms between refreshes of the participant list

/**
 * identity: the reader (identity.js); shown() → whether the chat is shown; closed() → the event is;
 * privately() → the room's private side (private-room.js), asked whom the reader may write to.
 */
export function roomPeople(slug, identity, shown, closed, privately) {
  const $ = (id) => document.getElementById(id);
  $("people-toggle").addEventListener("click", () => {
    const open = !$("people").classList.contains("expanded");
    $("people").classList.toggle("expanded", open);
    $("people-toggle").setAttribute("aria-expanded", String(open));
  });
  const people = new People(slug, $("participants"), $("people-status"), {
    every: EVERY,
    token: () => identity.token(),
    ready: shown,
    closed,
    row: (li, p, online) => {
      const mine = !!identity.me && p.id === identity.me.id;
      if (mine) li.classList.add("me");
      const tags = [];
      if (mine) tags.push(TEXT.you);
      if (p.banned) tags.push(TEXT.removed);
      if (tags.length) li.append(tag(tagList.format(tags)));
      const status = document.createElement("span");
      status.className = "visually-hidden";
      status.textContent = online ? TEXT.online : TEXT.offline;
      li.append(status);
      li.title = TEXT.presence(p.nickname, online);
      privately().know(p.id, p.nickname);
      if (privately().canWriteTo(p)) li.append(writeButton(p, (who) => privately().writeTo(who)));
    },
    summary: (all, online) => {
      const count = closed() ? TEXT.countClosed(all.length) : TEXT.countOnline(online);
      $("people-count").textContent = count;
      $("people-summary").textContent = closed() ? count : TEXT.summary(TEXT.countNow(online), TEXT.countAll(all.length));
    },
  });
  const root = $("room");
  root.addEventListener("room:state", (ev) => {
    if (ev.detail.state === "open" || ev.detail.state === "closed") people.load();
  });
  root.addEventListener("room:me", () => people.load()); // joined, left, renamed: "you" moves
  people.load(); // once the chat is shown (an open room: now)
  return people;
}
