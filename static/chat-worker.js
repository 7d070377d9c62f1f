// The shared worker (a module worker): one long poll per room for all of this browser's tabs
// (browsers allow only six connections per host; six tabs each holding a poll would block a
// seventh, posts included). Each tab connects a port and joins a room; every item is sent to
// every port of that room. Its URL carries the versions of the modules it imports (?deps=), so
// that a release of any of them starts a new worker instead of joining the old one.
// The modules it runs on come with a dynamic import: they load the language's catalog first (a
// top-level await in i18n.js), and a tab's "connect" that came meanwhile would find no listener
// and wait forever. So the listener is here at once, and each port's messages wait for them, in order.
// A room is polled once per viewer (feed.js): tabs of the same reader share a poll, and a tab of
// another reader (a chat bar's own identity on a page of the same site) never gets their items.

let Feed = null;
let broken = null; // why the modules did not load: each tab is told, and serves itself another way
const ready = import("./feed.js").then(
  (module) => {
    Feed = module.Feed;
  },
  (e) => {
    broken = String((e && e.message) || e);
  },
);

const LINGER = 3000; // ms a room keeps polling after its last tab left: a reload comes straight back
const rooms = new Map(); // "<slug> <viewer>" → {feed, ports: Set<MessagePort>, timer}

function roomFor(key, slug, viewer) {
  let room = rooms.get(key);
  if (!room) {
    room = { ports: new Set(), timer: null, feed: null };
    room.feed = new Feed(slug, (message) => {
      for (const port of room.ports) port.postMessage(message);
    }, null, viewer);
    rooms.set(key, room);
  }
  clearTimeout(room.timer);
  room.timer = null;
  return room;
}

/** A port leaves a room; its last port gone, the poll stops after a while (`now`: at once). */
function leave(port, key, now) {
  const room = rooms.get(key);
  if (!room || !room.ports.delete(port) || room.ports.size) return;
  const stop = () => {
    if (room.ports.size) return;
    room.feed.stop();
    rooms.delete(key);
  };
  // A reader who became someone else: their poll (and its cache writes) end now, not in a while.
  if (now) stop();
  else room.timer = setTimeout(stop, LINGER);
}

function onMessage(port, joined, message) {
  if (!message || typeof message.slug !== "string") return;
  const slug = message.slug;
  const viewer = typeof message.viewer === "string" ? message.viewer : "public";
  const key = `${slug} ${viewer}`;
  if (broken) return port.postMessage({ type: "broken", slug, viewer, reason: broken });
  if (message.type === "join") {
    const room = roomFor(key, slug, viewer);
    room.ports.add(port);
    joined.add(key);
    if (message.token) room.feed.setToken(message.token);
    if (room.feed.started) port.postMessage(room.feed.snapshot());
    else room.feed.start(); // sends the snapshot to every port once the cache is read
    return;
  }
  const room = rooms.get(key);
  if (!room || !room.ports.has(port)) return;
  if (message.type === "leave") {
    joined.delete(key);
    leave(port, key, !!message.now);
  } else {
    room.feed.command(message);
  }
}

self.addEventListener("connect", (event) => {
  const port = event.ports[0];
  const joined = new Set();
  port.addEventListener("message", (e) => ready.then(() => onMessage(port, joined, e.data)));
  // Where ports report their end (a closed tab), forget them without waiting for "leave".
  port.addEventListener("close", () => ready.then(() => {
    for (const key of joined) leave(port, key);
    joined.clear();
  }));
  port.start();
});
