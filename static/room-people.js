// The room's people panel: who is here (the reader tagged "you", the banned "removed"), online
// first, with the counts in the heading and in the panel's toggle on small screens.

import { People, tag } from "./people.js";

const TEXT = {
  you: "you",
  removed: "removed",
  tagsJoin: ", ",
  online: ", online",
  offline: ", offline",
  presence: (nickname, online) => `${nickname}: ${online ? "online" : "offline"}`,
  countClosed: (all) => `(${all})`,
  countOnline: (online) => `(${online} online)`,
  summary: (online, all) => `${online} online · ${all} in all`,
};

const EVERY = 20000; // ms between refreshes of the participant list

/** identity: the reader (identity.js); shown() → whether the chat is shown; closed() → the event is. */
export function roomPeople(slug, identity, shown, closed) {
  const $ = (id) => document.getElementById(id);
  $("people-toggle").addEventListener("click", () => {
    const open = !$("people").classList.contains("expanded");
    $("people").classList.toggle("expanded", open);
    $("people-toggle").setAttribute("aria-expanded", String(open));
  });
  return new People(slug, $("participants"), $("people-status"), {
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
      if (tags.length) li.append(tag(tags.join(TEXT.tagsJoin)));
      const status = document.createElement("span");
      status.className = "visually-hidden";
      status.textContent = online ? TEXT.online : TEXT.offline;
      li.append(status);
      li.title = TEXT.presence(p.nickname, online);
    },
    summary: (all, online) => {
      const count = closed() ? TEXT.countClosed(all.length) : TEXT.countOnline(online);
      $("people-count").textContent = count;
      $("people-summary").textContent = closed() ? count : TEXT.summary(online, all.length);
    },
  });
}
