// The host console's chat-bar panel: the one-line snippet for the host's site, and which sites may
// show the room (the event's embed_origins, which the embed page enforces with frame-ancestors).
"use strict";

(function () {
  const form = document.getElementById("embedding");
  const root = document.getElementById("host");
  if (!form || !root) return;
  const $ = (id) => document.getElementById(id);
  const snippet = $("bar-snippet");
  const origins = $("e-origins");
  const scope = form.elements.scope;
  let event = null;

  const room = snippet.dataset.room;
  snippet.value = `<script src="${Chat.origin()}/static/widget.js" data-room="${room}" async></script>`;
  document.querySelector('button.copy[data-copy="bar-snippet"]').addEventListener("click", (ev) => Chat.copyFrom(ev.currentTarget));

  function fieldError(message) {
    Chat.say($("e-origins-error"), message);
    if (message) origins.setAttribute("aria-invalid", "true");
    else origins.removeAttribute("aria-invalid");
  }

  function listed() {
    return origins.value.split(/[\s,]+/).map((s) => s.trim().replace(/\/+$/, "")).filter(Boolean);
  }

  /** Why an entry is not a site's origin (with the origin it probably means), or "" when it is one. */
  function notAnOrigin(entry) {
    let url = null;
    try {
      url = new URL(entry);
    } catch (e) {
      return `“${entry}” is not a web address. Write it in full, such as https://${entry.replace(/^\/+/, "")}.`;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return `“${entry}” is not a web site (http or https).`;
    if (url.origin !== entry) return `“${entry}” is a page, not a site: write ${url.origin} instead.`;
    return "";
  }

  function showScope() {
    origins.disabled = scope.value !== "listed" || form.dataset.closed === "true";
  }

  root.addEventListener("host:event", (ev) => {
    const first = event === null;
    event = ev.detail;
    const list = Array.isArray(event.embed_origins) ? event.embed_origins : null;
    // Don't overwrite what the host is typing when the event is merely refreshed.
    if (first || !form.contains(document.activeElement)) {
      scope.value = list ? "listed" : "any";
      origins.value = (list || []).join("\n");
    }
    form.dataset.closed = String(event.state === "closed");
    for (const el of form.elements) el.disabled = event.state === "closed";
    showScope();
  });

  for (const radio of scope) radio.addEventListener("change", () => {
    showScope();
    if (scope.value === "listed") origins.focus();
  });
  origins.addEventListener("input", () => fieldError(""));

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const status = $("embedding-status");
    Chat.say(status, "");
    fieldError("");
    if (!event || !Chat.hostCall) return;
    const value = scope.value === "listed" ? listed() : null;
    const problem = (value || []).map(notAnOrigin).find(Boolean);
    if (problem) {
      fieldError(problem);
      return origins.focus();
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const res = await Chat.hostCall("PATCH", `/api/events/${encodeURIComponent(room)}`, { embed_origins: value });
    button.disabled = false;
    if (res.status === 200 && res.data && res.data.event) {
      origins.value = (res.data.event.embed_origins || []).join("\n");
      const saved = res.data.event.embed_origins;
      Chat.say(status, saved === null ? "Saved: any site may show this room."
        : saved.length === 0 ? "Saved: no other site may show this room."
        : `Saved: ${saved.length === 1 ? "one site" : saved.length + " sites"} may show this room.`, "ok");
    } else if (res.status !== 403) {
      fieldError(Chat.errorMessage(res));
      origins.focus();
    }
  });
})();
