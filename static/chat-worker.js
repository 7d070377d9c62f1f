// The shared worker: one long poll per room for all of this browser's tabs (browsers allow only
// six connections per host; six tabs each holding a poll would block a seventh, posts included).
// Each tab connects a port and joins a room; every item is sent to every port of that room.
// The scripts it shares with the pages come versioned in the query: ?deps=/static/common.js?v=…
"use strict";

(function () {
  const deps = (new URLSearchParams(self.location.search).get("deps") || "").split(" ").filter(Boolean);
  // Only our own static files: the query could be edited, the origin cannot.
  importScripts(...deps.filter((url) => url.startsWith("/static/") && !url.includes("//")));

  const LINGER = 3000; // ms a room keeps polling after its last tab left: a reload comes straight back
  const rooms = new Map(); // slug → {feed, ports: Set<MessagePort>, timer}

  function roomFor(slug) {
    let room = rooms.get(slug);
    if (!room) {
      room = { ports: new Set(), timer: null, feed: null };
      room.feed = new self.Chat.Feed(slug, (message) => {
        for (const port of room.ports) port.postMessage(message);
      });
      rooms.set(slug, room);
    }
    clearTimeout(room.timer);
    room.timer = null;
    return room;
  }

  function leave(port, slug) {
    const room = rooms.get(slug);
    if (!room || !room.ports.delete(port) || room.ports.size) return;
    room.timer = setTimeout(() => {
      if (room.ports.size) return;
      room.feed.stop();
      rooms.delete(slug);
    }, LINGER);
  }

  function onMessage(port, joined, message) {
    if (!message || typeof message.slug !== "string") return;
    const slug = message.slug;
    if (message.type === "join") {
      const room = roomFor(slug);
      room.ports.add(port);
      joined.add(slug);
      if (message.token) room.feed.setToken(message.token);
      if (room.feed.started) port.postMessage(room.feed.snapshot());
      else room.feed.start(); // sends the snapshot to every port once the cache is read
      return;
    }
    const room = rooms.get(slug);
    if (!room || !room.ports.has(port)) return;
    if (message.type === "leave") {
      joined.delete(slug);
      leave(port, slug);
    } else if (message.type === "token") {
      room.feed.setToken(message.token);
    } else if (message.type === "kick") {
      room.feed.kick(!!message.restart);
    } else if (message.type === "wake") {
      room.feed.wake();
    }
  }

  self.addEventListener("connect", (event) => {
    const port = event.ports[0];
    const joined = new Set();
    port.addEventListener("message", (e) => onMessage(port, joined, e.data));
    // Where ports report their end (a closed tab), forget them without waiting for "leave".
    port.addEventListener("close", () => {
      for (const slug of joined) leave(port, slug);
      joined.clear();
    });
    port.start();
  });
})();
