// What the room does when the server says something about the reader or the room: a refused
// message (muted, token lost, banned, closed), and the system items that change the details, the
// people, or the reader's own name and standing.

/** The outbox's `refused` callback: act on why the server refused a message. */
export function onRefused({ moderation, identity, nicknames, state, close }) {
  return (entry, res) => {
    const code = entry.error && entry.error.code;
    if (code === "muted") {
      moderation.muted(res);
    } else if (code === "unauthorized") {
      if (identity.lost()) nicknames.lost(true);
    } else if (code === "banned") {
      identity.banned();
    } else if (code === "event_closed" && state() !== "closed") {
      close();
    }
  };
}

/** Follow the system items among `items`; true when the people panel should be read again. */
export function followSystem(items, { details, identity, me }) {
  let refreshPeople = false;
  for (const item of items) {
    if (item.kind !== "system") continue;
    if (item.code === "updated") details.apply(item.changes); // the host changed the details: "room:details"
    if (item.code === "joined" || item.code === "banned" || item.code === "renamed") refreshPeople = true;
    if (item.code === "renamed") identity.follow(item); // the reader's own name, changed in another frame
    if (item.code === "banned" && me() && item.participant_id === me().id) identity.banned();
  }
  return refreshPeople;
}

/** Whether the keyboard focus is nowhere useful (on the body, or in something now hidden). */
export function focusIsLost() {
  const el = document.activeElement;
  return !el || el === document.body || el.hidden || el.closest("[hidden]") !== null;
}
