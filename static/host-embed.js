// The host console's chat-bar panel: the one-line snippet for the host's site, and which sites may
// show the room (the event's embed_origins, which the embed page enforces with frame-ancestors).

import { errorMessage } from "./api.js";
import { copyFrom, origin, say } from "./dom.js";
import { fieldError } from "./fields.js";
import { t, tn } from "./i18n.js";

const TEXT = {
  // Translators: {entry} is what the host typed; {example} the same as a full address (https://…).
  notAddress: (entry) => t("“{entry}” is not a web address. Write it in full, such as {example}.", { entry, example: "https://" + entry.replace(/^\/+/, "") }),
  notSite: (entry) => t("“{entry}” is not a web site (http or https).", { entry }),
  // Translators: {entry} is what the host typed (a page's address); {origin} the site it is on.
  aPage: (entry, origin) => t("“{entry}” is a page, not a site: write {origin} instead.", { entry, origin }),
  anySite: t("Saved: any site may show this room."),
  noSite: t("Saved: no other site may show this room."),
  someSites: (n) => tn("Saved: one site may show this room.", "Saved: {n} sites may show this room.", n),
};

/** Why an entry is not a site's origin (with the origin it probably means), or "" when it is one. */
function notAnOrigin(entry) {
  let url = null;
  try {
    url = new URL(entry);
  } catch (e) {
    return TEXT.notAddress(entry);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return TEXT.notSite(entry);
  if (url.origin !== entry) return TEXT.aPage(entry, url.origin);
  return "";
}

/** root: the console's <article> (it tells "host:event"); hostCall: a call with the host key. */
export function bindEmbedding(root, hostCall) {
  const form = document.getElementById("embedding");
  if (!form) return;
  const $ = (id) => document.getElementById(id);
  const snippet = $("bar-snippet");
  const origins = $("e-origins");
  const scope = form.elements.scope;
  let event = null;

  const room = snippet.dataset.room;
  snippet.value = `<script src="${origin()}/static/widget.js" data-room="${room}" async></script>`;
  document.querySelector('button.copy[data-copy="bar-snippet"]').addEventListener("click", (ev) => copyFrom(ev.currentTarget));

  const originsError = (message) => fieldError($("e-origins-error"), [origins], message);

  function listed() {
    return origins.value.split(/[\s,]+/).map((s) => s.trim().replace(/\/+$/, "")).filter(Boolean);
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
  origins.addEventListener("input", () => originsError(""));

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const status = $("embedding-status");
    say(status, "");
    originsError("");
    if (!event) return;
    const value = scope.value === "listed" ? listed() : null;
    const problem = (value || []).map(notAnOrigin).find(Boolean);
    if (problem) {
      originsError(problem);
      return origins.focus();
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const res = await hostCall("PATCH", `/api/events/${encodeURIComponent(room)}`, { embed_origins: value });
    button.disabled = false;
    if (res.status === 200 && res.data && res.data.event) {
      origins.value = (res.data.event.embed_origins || []).join("\n");
      const saved = res.data.event.embed_origins;
      say(status, saved === null ? TEXT.anySite : saved.length === 0 ? TEXT.noSite : TEXT.someSites(saved.length), "ok");
    } else if (res.status !== 403) {
      originsError(errorMessage(res));
      origins.focus();
    }
  });
}
