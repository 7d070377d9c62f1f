// What surrounds the reader, apart from who they are (identity.js): this browser's device id, the
// site that embeds the room (the chat bar's), the series a page belongs to, and the app user a JWT
// names (read, not checked: only the server can check it).

import { store, stored } from "./dom.js";

/**
 * The app's user id (`sub`) a JWT names, read without checking its signature (only the server can),
 * or null when it is not a JWT. Good for one thing: telling whether it names the user we hold.
 */
export function subOf(jwt) {
  try {
    const part = String(jwt).split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
    const sub = JSON.parse(new TextDecoder().decode(bytes)).sub;
    return typeof sub === "string" && sub ? sub : null;
  } catch (e) {
    return null;
  }
}

let pageDevice = null; // where storage is blocked: an id for this page's life

/**
 * This browser's own random id, sent when joining, so that a host's ban covers the browser and not
 * only the token (docs/security.md: what it can and cannot stop). Kept in localStorage for this
 * site; a chat bar on another site has its own (its storage is partitioned). Never a fingerprint.
 */
export function deviceId() {
  let id = stored("chatserver.device");
  if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    id = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    store("chatserver.device", id);
    if (stored("chatserver.device") !== id) id = pageDevice || (pageDevice = id);
  }
  return id;
}

/** The slug of the series whose meeting this page shows (/s/<slug>, its chat bar), else null. */
export function seriesOf() {
  const root = document.getElementById("room");
  return (root && root.dataset.series) || null;
}

/** The origin `text` when it is exactly an http(s) origin, else null. */
export function originOf(text) {
  try {
    const url = new URL(text || "");
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === text ? text : null;
  } catch (e) {
    return null;
  }
}

/**
 * The origin of the page that frames this embed page (the chat bar's site), or null on the room's
 * own page. Where the browser tells a frame its real parent (location.ancestorOrigins: Chromium,
 * Safari), that one counts: a page naming another site in ?parent= still gets an identity of its own.
 */
export function embeddingOrigin() {
  if (!document.documentElement.classList.contains("embedded")) return null;
  const ancestors = location.ancestorOrigins;
  if (ancestors && ancestors.length) return ancestors[0];
  return originOf(new URLSearchParams(location.search).get("parent")) || "unknown";
}
