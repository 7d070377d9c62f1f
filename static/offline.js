// Keeps the room readable offline: registers the service worker (/sw.js, scope "/") and asks it to
// store this page and the files it runs on, so the next visit works without a network. The
// conversation itself comes from IndexedDB (idb.js). When the page and its files are stored,
// <html data-offline-ready> is set. The page's catalog (its words, i18n.js) is kept too.

import { catalogUrl } from "./i18n.js";

/**
 * The static files this page runs on: those it names (entry modules and styles, versioned by
 * static_url) and the modules they import (without a version: found among the page's loads).
 */
function pageFiles() {
  const named = Array.from(document.querySelectorAll("script[src], link[rel~=stylesheet][href], link[rel~=icon][href]"),
    (el) => el.getAttribute("src") || el.getAttribute("href"));
  const loaded = performance.getEntriesByType("resource")
    .map((entry) => new URL(entry.name))
    .filter((url) => url.origin === location.origin && url.pathname.startsWith("/static/") && url.pathname.endsWith(".js"))
    .map((url) => url.pathname + url.search);
  return Array.from(new Set(named.concat(loaded)));
}

/** Register the service worker and have it keep `urls` (besides this page and its files) for offline use. */
export async function keepOffline(urls) {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return false;
  try {
    // Any step may be refused (a SecurityError in a third-party frame with storage blocked, or an
    // opaque origin): the room then works online only, as it does without a service worker.
    const sw = navigator.serviceWorker;
    sw.addEventListener("message", (e) => {
      if (e.data && e.data.type === "cached" && e.data.page === location.pathname + location.search) {
        document.documentElement.dataset.offlineReady = e.data.ok ? "true" : "false";
      }
    });
    await sw.register("/sw.js", { scope: "/" });
    const registration = await sw.ready;
    const worker = registration.active;
    if (!worker) return false;
    const files = pageFiles().concat(urls || [], catalogUrl ? [catalogUrl] : []);
    worker.postMessage({ type: "cache", page: location.pathname + location.search, urls: files });
    return true;
  } catch (e) {
    // No service worker (an old browser, a private window, a third-party frame): online only.
    console.info(`chatserver: no offline copy here (${(e && e.name) || e})`);
    return false;
  }
}
