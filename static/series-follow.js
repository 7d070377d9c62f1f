// A series' page (/s/<slug>, and the chat bar's frame /s/<slug>/embed) follows the series: the
// schedule in words, "Subscribe" as a webcal:// link, and once the room closes, the next meeting
// with a countdown by the server's clock. When that one opens, the page loads again, now showing
// its room: the same link, week after week.

import { fetchJson } from "./api.js";
import { t, tn } from "./i18n.js";
import { describeRule } from "./recurrence-words.js";
import { formatDuration, formatFull, localTimes } from "./time.js";

const TEXT = {
  // Translators: on a series' page once a meeting has ended; {when} is the next one's date and time.
  next: (when) => t("Next meeting: {when}", { when }),
  startsIn: (duration) => t("Starts in {duration}", { duration }),
  soon: t("Starting any moment now…"),
  ended: t("This series has ended. Its transcripts stay here."),
  past: (n) => tn("{n} past meeting", "{n} past meetings", n),
  cancelled: t("(cancelled)"),
};

const SHOWN = 200; // past meetings listed, newest first (as the server renders them)

const RETRY = 15000; // ms before asking again when the server could not be reached
const CHECK = 60000; // ms between checks that the next meeting is still the one shown (edits, cancels)

/** Follow the series of the room `root` (its data-series); `reload()` shows the next meeting's room. */
export function followSeries(root, reload = () => location.reload()) {
  const slug = root.dataset.series;
  if (!slug) return;
  const $ = (id) => document.getElementById(id);
  const rule = describeRule(root.dataset.seriesRrule, root.dataset.seriesZone, root.dataset.seriesFirst);
  for (const el of document.querySelectorAll(".series-rule")) el.textContent = rule;
  for (const link of document.querySelectorAll('a[data-calendar="subscribe"]')) {
    // webcal:// asks the reader's calendar to subscribe (and refresh), where https:// downloads once.
    link.href = link.href.replace(/^https?:/, "webcal:");
  }
  let skew = Date.parse(root.dataset.now) - Date.now(); // server clock minus ours
  let timer = null;

  async function next() {
    clearTimeout(timer);
    const res = await fetchJson("GET", `/api/series/${encodeURIComponent(slug)}`, { timeout: 15000 }).catch(() => null);
    if (!res || res.status !== 200 || !res.data || !res.data.series) {
      timer = setTimeout(next, RETRY);
      return;
    }
    const serverNow = Date.parse(res.data.server_time);
    if (!isNaN(serverNow)) skew = serverNow - Date.now();
    const current = res.data.series.current;
    showPast(res.data.occurrences || []);
    const box = $("series-next");
    if (!current || current.slug === root.dataset.slug) {
      // Nothing after this one: the series has ended (an ended series' current may be this very room).
      if (box) {
        $("series-next-when").textContent = TEXT.ended;
        $("series-countdown").textContent = "";
        box.hidden = false;
      }
      return;
    }
    const startsAt = Date.parse(current.starts_at);
    if (box) {
      $("series-next-when").textContent = TEXT.next(formatFull(new Date(startsAt)));
      box.hidden = false;
    }
    let checked = Date.now();
    const tick = () => {
      const left = (startsAt - (Date.now() + skew)) / 1000;
      if (left <= 0) {
        reload();
        return;
      }
      if (box) $("series-countdown").textContent = left < 1 ? TEXT.soon : TEXT.startsIn(formatDuration(left));
      // The host may move or cancel it meanwhile: look again now and then.
      if (Date.now() - checked > CHECK) {
        checked = Date.now();
        next();
        return;
      }
      timer = setTimeout(tick, Math.min(1000, left * 1000));
    };
    tick();
  }

  root.addEventListener("room:state", (e) => {
    if (e.detail && e.detail.state === "closed") next();
  });
  if (root.dataset.state === "closed") next();
}

/** The closed notice's list of past meetings, now including the one that just ended. */
function showPast(occurrences) {
  const info = document.querySelector("#closed .series-info");
  if (!info) return;
  const past = occurrences.filter((o) => o.state === "closed").reverse();
  const details = info.querySelector(".past-meetings");
  if (!past.length) return;
  const open = !!(details && details.open);
  const fresh = document.createElement("details");
  fresh.className = "past-meetings";
  fresh.open = open;
  const summary = document.createElement("summary");
  summary.textContent = TEXT.past(past.length);
  const list = document.createElement("ol");
  list.reversed = true;
  for (const one of past.slice(0, SHOWN)) {
    const li = document.createElement("li");
    const time = document.createElement("time");
    time.dateTime = one.starts_at;
    time.dataset.local = "datetime";
    if (one.cancelled) {
      const note = document.createElement("span");
      note.className = "muted";
      note.textContent = TEXT.cancelled;
      li.append(time, " ", note);
    } else {
      const link = document.createElement("a");
      link.href = `/e/${encodeURIComponent(one.slug)}/transcript`;
      if (document.documentElement.classList.contains("embedded")) Object.assign(link, { target: "_blank", rel: "noopener" });
      link.append(time);
      li.append(link);
    }
    list.append(li);
  }
  fresh.append(summary, list);
  if (details) details.replaceWith(fresh);
  else info.append(fresh);
  localTimes(fresh);
}
