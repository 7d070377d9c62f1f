// Where there is no shared worker, the tabs of one reader elect a leader with a Web Lock: the leader
// polls (feed.js) and passes everything on over a BroadcastChannel; the others follow it. When the
// leader closes (or becomes someone else), its lock is released and the next tab in line takes over
// at once, from what it already has. tabs.js falls back to this, and from it to polling alone.

import { Feed } from "./feed.js";
import { randomId } from "./util.js";

/** The Web Locks of this context, or null (the getter itself may throw in an opaque or third-party context). */
function webLocks() {
  try {
    return navigator.locks && typeof navigator.locks.request === "function" ? navigator.locks : null;
  } catch (e) {
    return null;
  }
}

/**
 * Join the tabs following `viewer`'s poll of `slug` ("p<participant id>" or "public"): a connection
 * {send(message), end()}, or null where this context has no Web Locks or BroadcastChannel.
 * o: token() and known() — a feed this tab starts as the leader takes over from what it has;
 * deliver(message) — to the page; mode(name) — "follower", then "leader" once it leads;
 * refused(what, error) — a way this context refuses (not to be tried again); alone() — poll alone
 * instead (the lock was refused, after this connection was given).
 */
export function followLeader(slug, viewer, o) {
  const locks = webLocks();
  if (!locks || typeof BroadcastChannel === "undefined") return null;
  const name = `${slug}.${viewer}`; // the channel and the lock of this viewer's poll
  let channel;
  try {
    channel = new BroadcastChannel("chatserver.room." + name);
  } catch (e) {
    o.refused("BroadcastChannel", e);
    return null;
  }
  const tabId = randomId();
  const abort = new AbortController();
  let gaveUp = false;
  let feed = null;
  let release = null;
  o.mode("follower");
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
    o.deliver(message);
  });
  const post = (message) => {
    if (gaveUp) return;
    if (feed) feed.command(message);
    else channel.postMessage(Object.assign({ slug, viewer, from: tabId }, message));
  };
  const conn = {
    send: post,
    end() {
      gaveUp = true;
      abort.abort(); // still in line for the lock: out of it
      if (feed) feed.stop();
      if (release) release(); // leading: the lock goes to the next tab of this viewer
      channel.close();
    },
  };
  let request;
  try {
    // Leader until this tab goes away or becomes someone else (the lock then goes to the next in line).
    request = locks.request("chatserver.poll." + name, { signal: abort.signal }, lead);
  } catch (e) {
    request = Promise.reject(e);
  }
  request.catch((e) => {
    // Refused (a SecurityError in a third-party frame, or storage blocked): poll alone.
    if (feed || gaveUp) return;
    gaveUp = true;
    channel.close();
    o.refused("Web Locks", e); // i18n: for the console
    o.alone();
  });
  post({ type: "hello" }); // the leader, if there is one, answers with all it knows
  return conn;

  function lead() {
    if (gaveUp) return null;
    o.mode("leader");
    feed = new Feed(slug, (message) => {
      channel.postMessage(message);
      o.deliver(message);
    }, o.known(), viewer);
    feed.setToken(o.token());
    feed.start();
    return new Promise((resolve) => {
      release = resolve;
    });
  }
}
