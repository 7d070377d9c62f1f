// Composing in the room, put together (room.js calls composeRoom once): replies and edits in the
// composer (compose-modes.js), @mention completion from the people panel's list
// (mention-complete.js), and "is typing" both ways (typing.js). The conversation ("room:items")
// tells them the rest: the reader's own messages (Up edits the newest), later edits and removals,
// and the messages that end someone's typing.

import { ComposeModes } from "./compose-modes.js";
import { MentionComplete } from "./mention-complete.js";
import { isPrivate } from "./private-mark.js";
import { TypingLine, TypingSignal } from "./typing.js";

const KEPT = 500; // public messages remembered (their newest text): the newest matter

/**
 * root: the room's element; o: slug, composer (composer.js), list (the ItemList), identity,
 * people (the people panel, people.js), state() → the event's state, offline() → whether the room
 * is out of touch. → {typing(typists, all)}: who is typing, as the stream says (tabs.js).
 */
export function composeRoom(root, o) {
  const { composer, identity } = o;
  const input = composer.els.input;
  const place = o.list.ol.parentElement; // the list's scroller: the mention list and the typing line lie over its foot
  const myId = () => (identity.me ? identity.me.id : null);
  const texts = new Map(); // id → {id, participant_id, body, removed}: public messages as they are now

  function remember(item) {
    if (!item || item.kind !== "message" || isPrivate(item) || typeof item.id !== "number") return;
    texts.delete(item.id); // the newest last
    texts.set(item.id, { id: item.id, participant_id: item.participant_id, body: String(item.body || ""), removed: !!item.retracted });
    if (texts.size > KEPT) texts.delete(texts.keys().next().value);
  }

  /** The reader's newest message that is not removed (Up edits it), or null. */
  function newest() {
    let found = null;
    for (const one of texts.values()) {
      if (one.participant_id === myId() && !one.removed && (!found || one.id > found.id)) found = one;
    }
    return found;
  }

  const modes = new ComposeModes(composer, {
    slug: o.slug,
    token: () => identity.token(),
    newest,
    text: (item) => (texts.has(item.id) ? texts.get(item.id).body : String(item.body || "")),
    open: () => o.state() === "open",
    offline: o.offline,
    edited: (message) => {
      remember(message);
      if (typeof o.list.update === "function") o.list.update(message); // else the stream's edit item shows it
    },
    lost: () => composer.hooks.lost(),
    changed: () => complete.close(),
  });
  const complete = new MentionComplete(input, place, {
    people: () => o.people.people || null,
    load: () => Promise.resolve(o.people.load()),
    me: myId,
    enabled: () => o.state() === "open",
  });
  const signal = new TypingSignal(input, {
    slug: o.slug,
    token: () => (identity.me && !identity.me.banned ? identity.token() : null),
    active: () => !modes.editing() && o.state() === "open",
  });
  const line = new TypingLine(place, myId);

  composer.extend({
    key: (ev) => complete.key(ev) || modes.key(ev),
    replyTo: (item) => modes.replyTo(item),
    startEdit: (item) => modes.startEdit(item),
    editing: () => modes.editing(),
    save: (text) => modes.save(text),
    reply: () => modes.reply(),
    sent: () => {
      modes.sent();
      signal.stop();
    },
  });

  root.addEventListener("room:items", (ev) => {
    for (const item of ev.detail.items || []) {
      if (!item || isPrivate(item)) continue;
      if (item.kind === "message") {
        remember(item);
        if (typeof item.participant_id === "number") line.spoke(item.participant_id);
      } else if ((item.kind === "edit" || item.kind === "retraction") && texts.has(item.target)) {
        const one = texts.get(item.target);
        if (item.kind === "edit") one.body = String(item.body || "");
        else one.removed = true;
      }
    }
  });
  let reader = myId();
  root.addEventListener("room:me", () => {
    if (myId() === reader) return;
    reader = myId(); // someone else now: the last one's edit is not theirs to save
    if (modes.editing()) modes.stop();
    line.draw();
  });
  root.addEventListener("room:state", (ev) => {
    if (ev.detail.state === "open") return;
    modes.stop();
    complete.close();
    line.clear();
  });

  return { typing: (typists, all) => line.take(typists, all) };
}
