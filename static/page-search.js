// The transcript's and the archive's search boxes, as one types (search-results.js). The server
// answers them on submit too (handlers/page_search.py), so they work without JavaScript; this lists
// the results while one types, without a reload, and keeps the query in the address. The transcript
// searches its event and links each message to its anchor (on this page, or on the page that holds
// it); the archive searches the messages of every listed event, grouped by event, each result
// linking into that event's transcript.

import { eventPath } from "./api.js";
import { t } from "./i18n.js";
import { LiveSearch, RESULTS, countText, hitParts, transcriptHref } from "./search-results.js";
import { localTimes } from "./time.js";

const TEXT = {
  clear: t("Clear the search"),
};

/** The page's search box, if it has one (form[data-search]: "event" on a transcript, "site" on the archive). */
export function pageSearch() {
  const form = document.querySelector("form[data-search]");
  const found = document.getElementById("search-found");
  const input = form && form.querySelector("input[type=search]");
  if (!form || !found || !input) return;
  const site = form.dataset.search === "site";
  const slug = form.dataset.slug;
  const said = found.querySelector(".search-said");
  const list = found.querySelector(site ? "ol.event-hits" : "ol.search-results");
  const listing = document.querySelector(".archive-listing"); // the archive's events, while no results show
  const path = (q) => (site ? "/api/search" : eventPath(slug, "/search")) + `?q=${encodeURIComponent(q)}&limit=${RESULTS}`;

  const search = new LiveSearch(path, {
    busy: () => list.setAttribute("aria-busy", "true"),
    results: (results, q) => show(results, null, q),
    failed: (message, q) => show([], message, q),
    cleared: () => show(null, null, ""),
  });
  if (!found.hidden) search.asked = input.value.trim(); // the server's answer is on the page

  function show(results, problem, q) {
    list.removeAttribute("aria-busy");
    list.replaceChildren(...(site ? groups(results || []) : (results || []).map((result) => hit(result))));
    found.hidden = results === null;
    if (listing) listing.hidden = results !== null;
    said.textContent = problem || (results ? countText(results) : "");
    clearLink();
    remember(q);
  }

  /** One result: a link to the message (on this page when it is here). */
  function hit(result, eventSlug) {
    const id = result.message.id;
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.className = "search-hit";
    const here = !eventSlug && document.querySelector(`ol.log > li#m${id}`);
    a.href = here ? `#m${id}` : transcriptHref(eventSlug || slug, id);
    const [meta, snippet] = hitParts(result);
    a.append(meta, " ", snippet);
    li.append(a);
    return li;
  }

  /** The archive's results by event, in the order of each event's best match. */
  function groups(results) {
    const bySlug = new Map();
    for (const result of results) {
      const event = result.event || {};
      if (!bySlug.has(event.slug)) bySlug.set(event.slug, { event, hits: [] });
      bySlug.get(event.slug).hits.push(result);
    }
    return Array.from(bySlug.values(), ({ event, hits }) => {
      const li = document.createElement("li");
      li.className = "event-hit";
      const heading = document.createElement("h2");
      heading.className = "hit-event";
      heading.dir = "auto";
      const title = document.createElement("a");
      title.href = `/e/${encodeURIComponent(event.slug)}/transcript`;
      title.textContent = event.title || "";
      heading.append(title);
      const when = document.createElement("p");
      when.className = "archive-when";
      const time = document.createElement("time");
      time.setAttribute("datetime", event.starts_at || "");
      time.dataset.local = "datetime";
      when.append(time);
      const ol = document.createElement("ol");
      ol.className = "search-results";
      ol.append(...hits.map((result) => hit(result, event.slug)));
      li.append(heading, when, ol);
      localTimes(li);
      return li;
    });
  }

  /** "Clear the search": empties the box and the results (the server's link, or a button of ours). */
  function clearLink() {
    let clear = found.querySelector(".search-clear");
    if (!clear) {
      clear = document.createElement("button");
      clear.type = "button";
      clear.className = "link search-clear";
      clear.textContent = TEXT.clear;
      said.after(" ", clear);
    }
    if (clear.dataset.bound) return;
    clear.dataset.bound = "1";
    clear.addEventListener("click", (ev) => {
      if (site && !listing && clear.tagName === "A") return; // the server's answer has no list of events: it brings it
      ev.preventDefault();
      input.value = "";
      search.clear();
      input.focus();
    });
  }

  /** The query in the address (a reload or a shared link shows the same), and in the archive's mode links. */
  function remember(q) {
    const url = new URL(location.href);
    if (q) url.searchParams.set("q", q);
    else url.searchParams.delete("q");
    if (url.href !== location.href) history.replaceState(history.state, "", url.href);
    for (const mode of document.querySelectorAll(".search-modes a[data-mode]")) {
      const link = new URL(mode.href);
      if (q) link.searchParams.set("q", q);
      else link.searchParams.delete("q");
      mode.href = link.pathname + link.search;
    }
  }

  input.addEventListener("input", () => search.type(input.value));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault(); // searched here, without a reload
    search.now(input.value);
  });
  if (!found.hidden) clearLink();
  else if (input.value.trim()) search.type(input.value); // typed before this module ran
}
