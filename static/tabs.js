// One long poll per room for all of this browser's tabs. Where the browser has a SharedWorker, the
// worker (static/chat-worker.js) polls and every tab gets every item from it. Elsewhere the tabs
// elect a leader with a Web Lock (tab-leader.js): the leader polls (feed.js) and passes everything
// on over a BroadcastChannel; when it closes, its lock is released and the next tab in line takes
// over at once, from what it already has. Without either, each tab polls for itself.
// In a third-party frame (the chat bar on another site) any of these may be refused: the worker
// fails to start, BroadcastChannel throws, or the lock request rejects (a SecurityError). Each
// failure falls through to the next way, down to the tab polling for itself, and says why in the
// console: the room must never sit waiting for a poll that nobody holds.
// Each reader (viewer: "p<participant id>", or "public") has a poll of their own, since the stream
// carries their private items: a tab that becomes someone else (leaves, joins as another) leaves
// its poll and joins theirs, and hears nothing meant for another viewer.
// Posts never go through here: a tab sends them itself, so they never wait behind the held poll.

import { Feed } from "./feed.js";
import { catalogUrl, lang } from "./i18n.js";
import { streaming } from "./stream.js";
import { followLeader } from "./tab-leader.js";

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
 * Follow a room: connectRoom(slug, handlers, {worker, onMode}) → a link; link.start(token, viewer)
 * connects, then link.kick(restart), link.wake() and link.setToken(token, viewer) reach the poll
 * (another viewer: this tab moves to that reader's poll, which reads from their own start).
 * handlers (all optional) get what the feed sends: snapshot(s), items(list, meta), state(state,
 * meta), loaded(), reset(), trouble(info|null), status(text), reads({version, by}), typing(typists, all),
 * signal(s) (a call's, call.js).
 * `worker` is the shared worker's URL (a module worker); without it the tabs elect a leader.
 * onMode(mode) tells how this tab is served: worker, leader, follower or solo.
 */
export function connectRoom(slug, handlers, options) {
  const opts = options || {};
  const h = handlers || {};
  const blank = () => ({ items: [], ids: new Set(), cursor: 0, state: null, reads: null });
  let known = blank(); // what this tab has of the current viewer's feed
  let token = null;
  let viewer = "public";
  let conn = null; // the current viewer's connection: {send(message), end(), hidden?(), shown?()}
  const refused = { worker: false, leader: false }; // a way that failed once is not tried again

  /** Hand a feed message to the page, remembering what a tab taking over needs. */
  function deliver(message) {
    if (!message || message.slug !== slug || (message.viewer || "public") !== viewer) return;
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
      case "typing":
        if (h.typing) h.typing(message.typists, message.all);
        break;
      case "signal":
        if (h.signal) h.signal(message.signal);
        break;
      case "reset":
        known = Object.assign(blank(), { state: known.state, reads: known.reads });
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
    kick: (restart) => send({ type: "kick", restart: !!restart }),
    wake: () => send({ type: "wake" }),
    setToken(value, who) {
      token = value || null;
      const next = who || "public";
      if (next === viewer || !conn) {
        viewer = next;
        return send({ type: "token", token });
      }
      // Someone else now: their own poll (and cache), from their own start.
      conn.end();
      viewer = next;
      known = blank();
      connect();
    },
  };
  const send = (message) => {
    if (conn) conn.send(message);
  };
  function setMode(mode) {
    link.mode = mode;
    if (opts.onMode) opts.onMode(mode);
  }

  function connect() {
    const hasWorker = typeof SharedWorker === "function" && opts.worker && !refused.worker;
    (hasWorker && useWorker()) || useLeader() || useSolo();
  }

  function useWorker() {
    let worker;
    try {
      worker = new SharedWorker(opts.worker, { name: "chatserver", type: "module" });
    } catch (e) {
      refused.worker = true;
      fellBackFrom("SharedWorker", e); // refused (some private modes, third-party frames)
      return false;
    }
    const port = worker.port;
    const who = viewer;
    let ended = false;
    // The worker could not start (its script failed to load, or refused in a third-party frame),
    // or it started but its modules did not load ("broken"): the tabs elect a leader instead, or
    // each polls alone.
    const abandon = (why) => {
      if (ended) return;
      ended = true;
      refused.worker = true;
      fellBackFrom("SharedWorker", why);
      port.close();
      useLeader() || useSolo();
    };
    worker.addEventListener("error", (e) => abandon(e && (e.message || e.type)));
    port.addEventListener("message", (e) => {
      if (e.data && e.data.type === "broken") abandon(e.data.reason);
      else if (!ended) deliver(e.data);
    });
    port.start();
    setMode("worker");
    const post = (message) => {
      if (!ended) port.postMessage(Object.assign({ slug, viewer: who }, message));
    };
    const join = () => post({ type: "join", token });
    conn = {
      send: post,
      end() {
        post({ type: "leave", now: true });
        ended = true;
        port.close();
      },
      hidden: () => post({ type: "leave" }),
      shown: join, // back from the back/forward cache
    };
    join();
    return true;
  }

  /** Say in the console why this tab is served another way (never silently). */
  function fellBackFrom(what, error) {
    console.warn(`chatserver: ${what} is not available here (${(error && error.name) || error}); falling back`);
  }

  function useLeader() {
    if (refused.leader) return false;
    const leader = followLeader(slug, viewer, {
      token: () => token,
      known: () => known,
      deliver,
      mode: setMode,
      refused: (what, error) => {
        refused.leader = true;
        fellBackFrom(what, error);
      },
      alone: useSolo,
    });
    if (!leader) return false;
    conn = leader;
    return true;
  }

  function useSolo() {
    setMode("solo");
    const feed = new Feed(slug, deliver, known, viewer);
    conn = { send: (message) => feed.command(message), end: () => feed.stop() };
    feed.setToken(token);
    feed.start();
    return true;
  }

  link.start = (initialToken, initialViewer) => {
    token = initialToken || null;
    viewer = initialViewer || "public";
    connect();
    window.addEventListener("pagehide", () => conn && conn.hidden && conn.hidden());
    window.addEventListener("pageshow", (e) => {
      if (e.persisted && conn && conn.shown) conn.shown();
    });
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
