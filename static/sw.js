// The service worker (served as /sw.js, scope "/"): keeps the room readable offline. It stores the
// app shell: each room page (/e/<slug>) network-first with the stored copy as the fallback; the
// static files the pages name, versioned by static_url (?v=…) and so never stale, cache-first; and
// the modules those import (no version: revalidated on every load, see DEVELOPERS.md) network-first,
// with the stored copy as the fallback. The API, the transcript, the host console and everything
// else pass through untouched: it never answers for the server, and the conversation itself comes
// from IndexedDB (static/idb.js). A classic script on purpose: it imports nothing.
// Languages: it shows nothing to anyone (no notifications, no pages of its own), so it has no
// words and does not load a catalog. It keeps the page's catalog (/i18n/<code>.json?v=…, versioned
// like a static file) with the rest, so that a room read offline stays in its language.
"use strict";

const CACHE = "chatserver-shell-v1";
const ROOM = /^\/e\/[^/]+$/;
const CATALOG = /^\/i18n\/[A-Za-z_]+\.json$/;

/** A file kept cache-first once it is versioned: the static files, and the catalogs. */
function isFile(pathname) {
  return pathname.startsWith("/static/") || CATALOG.test(pathname);
}

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("chatserver-shell-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim(); // the page that registered us works offline from now on
  })());
});

/** Store a response for `url`; older versions of the same versioned static file are dropped. */
async function keep(cache, url, response) {
  const parsed = new URL(url, self.location.origin);
  if (isFile(parsed.pathname) && parsed.searchParams.has("v")) {
    for (const old of await cache.keys()) {
      const o = new URL(old.url);
      if (o.pathname === parsed.pathname && o.searchParams.has("v") && o.search !== parsed.search) await cache.delete(old);
    }
  }
  await cache.put(url, response);
}

/** The page asks to keep itself and its files (it was loaded before this worker controlled it). */
async function keepAll(urls, page) {
  const cache = await caches.open(CACHE);
  let ok = true;
  for (const url of urls) {
    try {
      const parsed = new URL(url, self.location.origin);
      if (parsed.origin !== self.location.origin) continue;
      if (!(isFile(parsed.pathname) || ROOM.test(parsed.pathname))) continue;
      const key = isFile(parsed.pathname) ? parsed.href : parsed.origin + parsed.pathname + parsed.search;
      // A versioned file never changes; an imported module (no version) is fetched again.
      if (isFile(parsed.pathname) && parsed.searchParams.has("v") && (await cache.match(key))) continue;
      const response = await fetch(key, { cache: "no-cache", credentials: "omit" });
      if (response.ok) await keep(cache, key, response);
      else ok = false;
    } catch (e) {
      ok = false;
    }
  }
  return ok && !!page;
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "cache" || !Array.isArray(data.urls)) return;
  const page = typeof data.page === "string" && ROOM.test(data.page.split("?")[0]) ? data.page : null;
  const urls = page ? data.urls.concat([page]) : data.urls;
  event.waitUntil(keepAll(urls, page).then((ok) => {
    if (event.source) event.source.postMessage({ type: "cached", page: data.page, ok });
  }));
});

/** A room page: the network's answer (kept for later), or the kept copy when there is none. */
async function roomPage(request) {
  const url = new URL(request.url);
  const key = url.origin + url.pathname + url.search; // one copy per room (and variant); never the fragment
  const cache = await caches.open(CACHE);
  // The browser knows it is offline: go to the copy at once instead of waiting for a failure.
  if (self.navigator.onLine !== false) {
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(key, response.clone());
      return response;
    } catch (e) {
      // offline or the server is down: the kept copy below
    }
  }
  const kept = await cache.match(key);
  return kept || Response.error();
}

/**
 * A static file: a versioned one never changes, so the kept copy is used when there is one. Any
 * other is asked of the network (which revalidates it), and a kept copy is refreshed with the
 * answer; the kept copy answers when the network cannot.
 */
async function staticFile(request) {
  const cache = await caches.open(CACHE);
  const url = new URL(request.url);
  const versioned = url.searchParams.has("v");
  if (versioned) {
    const kept = await cache.match(request.url);
    if (kept) return kept;
  }
  try {
    if (!versioned && self.navigator.onLine === false) throw new TypeError("offline");
    const response = await fetch(request);
    if (response.ok && (versioned || (await cache.match(request.url)))) await keep(cache, request.url, response.clone());
    return response;
  } catch (e) {
    const kept = (await cache.match(request.url)) || (await cache.match(request.url, { ignoreSearch: !versioned }));
    if (kept) return kept;
    throw e;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && ROOM.test(url.pathname)) {
    event.respondWith(roomPage(request));
  } else if (isFile(url.pathname)) {
    event.respondWith(staticFile(request));
  }
  // Everything else (the API above all) goes to the network as if there were no worker.
});
