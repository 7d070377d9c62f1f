// What the room (room.js) offers the page's other scripts (embed.js): "room:<kind>" events on its
// root element (state, me, items, loaded), and an object with its state, the reader and a few
// commands, there once room.js has run (before DOMContentLoaded).

let current = null;

/**
 * The room's side: its object of queries and commands. slug; state(); me() → {id, nickname,
 * banned} of the reader, or null before joining; useNickname(nickname) → {ok, code, message}: join
 * as `nickname`, or once joined rename to it (the same participant, once the server agrees);
 * suggestNickname(nickname): put it in the join form (it is not sent until the reader joins);
 * setOnScreen(shown): whether the reader can see the room now (the chat bar's panel open or not).
 */
export function provideRoom(api) {
  current = api;
}

/** The room's object, or null before room.js has run. */
export function room() {
  return current;
}

/** Tell the page's other scripts what happened: a "room:<kind>" event on the root. */
export function announce(root, kind, detail) {
  root.dispatchEvent(new CustomEvent("room:" + kind, { detail: detail || {} }));
}
