// One long poll per room for all of this browser's tabs. Where the browser has a SharedWorker, the
// worker (static/chat-worker.js) polls and every tab gets every item from it. Elsewhere the tabs
// elect a leader with a Web Lock: the leader polls (feed.js) and passes everything on over a
// BroadcastChannel; when it closes, its lock is released and the next tab in line takes over at
// once, from what it already has. Without either, each tab polls for itself.
// In a third-party frame (the chat bar on another site) any of these may be refused: the worker
// fails to start, BroadcastChannel throws, or the lock request rejects (a SecurityError). Each
// failure falls through to the next way, down to the tab polling for itself, and says why in the
// console: the room must never sit waiting for a poll that nobody holds.
// Posts never go through here: a tab sends them itself, so they never wait behind the held poll.

import { Feed } from "./feed.js";
import { catalogUrl, lang } from "./i18n.js";
import { streaming } from "./stream.js";
import { randomId } from "./util.js";

/**
 * The shared worker's URL from the room's data-worker (its static_url) and data-worker-deps (the
 * versions of the modules it imports: a release of any of them starts a new worker), or null. It
 * names the page's language and catalog too (i18n.js reads them there): the worker speaks the
 * page's language (its API calls ask for it), and each language gets a worker of its own.
 */
export function sharedWorkerUrl(data) {
  const url = data.worker;
  if (!url) return null;
  const params = new URLSearchParams({ deps: data.workerDeps || "", lang });
  if (catalogUrl) params.set("catalog", catalogUrl);
  if (!streaming) params.set("transport", "poll"); // the worker follows the page's choice
  return `${url}${url.includes("?") ? "&" : "?"}${params}`;
}

/**
 * Follow a room: connectRoom(slug, handlers, {worker, onMode}) → a link; link.start(token)
 * connects, then link.kick(restart), link.wake() and link.setToken(token) reach the poll.
 * handlers (all optional) get what the feed sends: snapshot(s), items(list, meta), state(state,
 * meta), loaded(), reset(), trouble(info|null), status(text), reads({version, by}).
 * `worker` is the shared worker's URL (a module worker); without it the tabs elect a leader.
 * onMode(mode) tells how this tab is served: worker, leader, follower or solo.
 */
export function connectRoom(slug, handlers, options) {
  const opts = options || {};
  const h = handlers || {};
  const known = { items: [], ids: new Set(), cursor: 0, state: null, reads: null };
  let token = null;

  /** Hand a feed message to the page, remembering what a tab taking over needs. */
  function deliver(message) {
    if (!message || message.slug !== slug) return;
    switch (message.type) {
      case "snapshot":
        remember(message.items, message.cursor);
        if (message.state) known.state = message.state;
        if (message.reads) known.reads = message.reads;
        if (h.snapshot) h.snapshot(message);
        break;
      case "items":
        remember(message.items, 0);
        if (h.items) h.items(message.items, message);
        break;
      case "state":
        known.state = message.state;
        if (h.state) h.state(message.state, message);
        break;
      case "reads":
        known.reads = message.reads;
        if (h.reads) h.reads(message.reads);
        break;
      case "loaded":
        if (h.loaded) h.loaded();
        break;
      case "reset":
        known.items = [];
        known.ids.clear();
        known.cursor = 0;
        if (h.reset) h.reset();
        break;
      case "trouble":
        if (h.trouble) h.trouble(message.info);
        break;
      case "status":
        if (h.status) h.status(message.text);
        break;
      default:
        break; // unknown messages (a newer worker) are ignored
    }
  }

  function remember(items, cursor) {
    for (const item of items || []) {
      if (!item || typeof item.id !== "number" || known.ids.has(item.id)) continue;
      known.ids.add(item.id);
      known.items.push(item);
      known.cursor = Math.max(known.cursor, item.id);
    }
    known.cursor = Math.max(known.cursor, cursor || 0);
  }

  const link = {
    mode: "",
    kick: () => {},
    wake: () => {},
    setToken(value) {
      token = value || null;
      send({ type: "token", token });
    },
  };
  let send = () => {};
  function setMode(mode) {
    link.mode = mode;
    if (opts.onMode) opts.onMode(mode);
  }

  function useWorker() {
    let worker;
    try {
      worker = new SharedWorker(opts.worker, { name: "chatserver", type: "module" });
    } catch (e) {
      fellBackFrom("SharedWorker", e); // refused (some private modes, third-party frames)
      return false;
    }
    const port = worker.port;
    let fellBack = false;
    // The worker could not start (its script failed to load, or refused in a third-party frame),
    // or it started but its modules did not load ("broken"): the tabs elect a leader instead, or
    // each polls alone.
    const abandon = (why) => {
      if (fellBack) return;
      fellBack = true;
      fellBackFrom("SharedWorker", why);
      port.close();
      useLeader() || useSolo();
    };
    worker.addEventListener("error", (e) => abandon(e && (e.message || e.type)));
    port.addEventListener("message", (e) => {
      if (e.data && e.data.type === "broken") abandon(e.data.reason);
      else if (!fellBack) deliver(e.data);
    });
    port.start();
    setMode("worker");
    send = (message) => {
      if (!fellBack) port.postMessage(Object.assign({ slug }, message));
    };
    const join = () => send({ type: "join", token });
    join();
    window.addEventListener("pagehide", () => send({ type: "leave" }));
    window.addEventListener("pageshow", (e) => {
      if (e.persisted) join(); // back from the back/forward cache
    });
    return true;
  }

  /** Say in the console why this tab is served another way (never silently). */
  function fellBackFrom(what, error) {
    console.warn(`chatserver: ${what} is not available here (${(error && error.name) || error}); falling back`);
  }

  function useLeader() {
    let locks = null;
    try {
      locks = navigator.locks && typeof navigator.locks.request === "function" ? navigator.locks : null;
    } catch (e) {
      locks = null; // the getter itself may throw in an opaque or third-party context
    }
    if (!locks || typeof BroadcastChannel === "undefined") return false;
    let channel;
    try {
      channel = new BroadcastChannel("chatserver.room." + slug);
    } catch (e) {
      fellBackFrom("BroadcastChannel", e);
      return false;
    }
    const tabId = randomId();
    let gaveUp = false;
    let feed = null;
    setMode("follower");
    channel.addEventListener("message", (e) => {
      if (gaveUp) return;
      const message = e.data || {};
      if (feed) {
        // The leader answers its followers.
        if (message.type === "hello") channel.postMessage(Object.assign(feed.snapshot(), { to: message.from }));
        else feed.command(message);
        return;
      }
      if (message.to && message.to !== tabId) return;
      deliver(message);
    });
    send = (message) => {
      if (feed) feed.command(message);
      else channel.postMessage(Object.assign({ slug, from: tabId }, message));
    };
    let request;
    try {
      request = locks.request("chatserver.poll." + slug, () => {
        // Leader until this tab goes away (the browser then releases the lock for the next one).
        return lead();
      });
    } catch (e) {
      request = Promise.reject(e);
    }
    request.catch((e) => {
      // Refused (a SecurityError in a third-party frame, or storage blocked): poll alone.
      if (feed || gaveUp) return;
      gaveUp = true;
      channel.close();
      fellBackFrom("Web Locks", e); // i18n: for the console
      useSolo();
    });
    send({ type: "hello" }); // the leader, if there is one, answers with all it knows
    return true;

    function lead() {
      setMode("leader");
      feed = new Feed(slug, (message) => {
        channel.postMessage(message);
        deliver(message);
      }, known);
      feed.setToken(token);
      feed.start();
      return new Promise(() => {});
    }
  }

  function useSolo() {
    setMode("solo");
    const feed = new Feed(slug, deliver, known);
    send = (message) => feed.command(message);
    feed.setToken(token);
    feed.start();
    return true;
  }

  link.kick = (restart) => send({ type: "kick", restart: !!restart });
  link.wake = () => send({ type: "wake" });
  link.start = (initialToken) => {
    token = initialToken || null;
    const hasWorker = typeof SharedWorker === "function" && opts.worker;
    (hasWorker && useWorker()) || useLeader() || useSolo();
    // The poll may live elsewhere: tell it what only a page knows.
    window.addEventListener("online", () => link.kick(true));
    window.addEventListener("offline", () => link.kick(true)); // the held poll is likely dead
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") link.wake();
    });
    return link;
  };
  return link;
}

