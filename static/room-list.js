// The room's conversation: the item renderer (items.js) with what the room adds to it: day lines,
// the reader's mentions marked, reactions and each message's actions (Reply and Edit go to the
// composer, whose replyTo(item) and startEdit(item) may not exist yet), errors in the status line.

import { say } from "./dom.js";
import { ItemList } from "./items.js";
import { mentions } from "./notify.js";

/**
 * ol: the <ol>; slug; identity (identity.js); state() → the event's state; composer() → the
 * Composer; status: the line under the conversation where what went wrong is said; card(item) →
 * the element of a poll where its item sits (room-polls.js), else null.
 */
export function roomList(ol, { slug, identity, state, composer, status, card }) {
  const me = () => identity.me;
  // A message names the reader: by id (the server's `mentions`), else (an item from before) by its text.
  const mentionsMe = (item) =>
    item.kind === "message" && !!me() && !identity.wrote(item) &&
    (Array.isArray(item.mentions) ? item.mentions.includes(me().id) : mentions(item.body, me().nickname));
  return new ItemList(ol, {
    group: true,
    card,
    days: true, // a line with the date where the day changes
    tail: ".outgoing", // messages still being sent stay below everything the server has
    mine: (item) => item.kind === "message" && identity.wrote(item),
    decorate: (li, item) => {
      if (mentionsMe(item)) li.classList.add("mention");
    },
    changed: (li, item) => li.classList.toggle("mention", mentionsMe(item)), // edited: named or not now
    actions: true,
    slug,
    me,
    open: () => state() === "open",
    say: (text, kind) => say(status, text, kind),
    onReply: (item) => composer().replyTo && composer().replyTo(item),
    onEdit: (item) => composer().startEdit && composer().startEdit(item),
  });
}
