// Keeps the room readable offline: registers the service worker (/sw.js, scope "/") and asks it to
// store this page and the files it runs on, so the next visit works without a network. The
// conversation itself comes from IndexedDB (static/idb.js). When the page and its files are stored,
// <html data-offline-ready> is set.
"use strict";

(function () {
  const Chat = self.Chat;

  /** Register the service worker and have it keep `urls` (besides this page) for offline use. */
  async function keepOffline(urls) {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return false;
    const sw = navigator.serviceWorker;
    sw.addEventListener("message", (e) => {
      if (e.data && e.data.type === "cached" && e.data.page === location.pathname + location.search) {
        document.documentElement.dataset.offlineReady = e.data.ok ? "true" : "false";
      }
    });
    try {
      await sw.register("/sw.js", { scope: "/" });
      const registration = await sw.ready;
      const worker = registration.active;
      if (!worker) return false;
      // The files this page was built from, versioned (static_url), and the page itself.
      const files = Array.from(document.querySelectorAll("script[src], link[rel~=stylesheet][href], link[rel~=icon][href]"),
        (el) => el.getAttribute("src") || el.getAttribute("href"));
      worker.postMessage({ type: "cache", page: location.pathname + location.search, urls: files.concat(urls || []) });
      return true;
    } catch (e) {
      return false; // no service worker (an old browser, a private window): the room works online
    }
  }

  Chat.keepOffline = keepOffline;
})();
