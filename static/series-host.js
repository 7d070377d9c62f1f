// The series host console (/s/<slug>/host#key=…): checks the host key from the URL fragment, then
// shows every meeting of the series with its state and links (each meeting's own console takes the
// same key), the series' details and its meetings' settings to edit, and ending the series. It
// refetches every 30 seconds while the page is visible, and after each change.

import { errorMessage } from "./api.js";
import { say } from "./dom.js";
import { checkKey, hostCall, readKey, useKey } from "./host-call.js";
import { t } from "./i18n.js";
import { describeRule } from "./recurrence-words.js";
import { SeriesEditor } from "./series-host-edit.js";
import { SeriesSettings } from "./series-host-settings.js";
import { MeetingList } from "./series-host-list.js";

const TEXT = {
  wrongKey: [
    t("This host key is wrong"),
    t("The key in this link does not belong to this series, so nothing can be changed with it. Open the complete host link you saved when you scheduled the series; if you copied it by hand, check that nothing was cut off at the end."),
  ],
  noKey: [
    t("This link has no host key"),
    // Translators: "#key=" is part of the link and stays as it is.
    t("The series host console needs the complete host link you got when you scheduled the series: it ends in #key= followed by a long code."),
  ],
  gone: [t("This series no longer exists"), t("There is no series at this address any more.")],
  unchecked: t("The host key could not be checked"),
  reload: t("Reload the page to try again."),
  retrying: t("The server could not be reached; trying again…"),
  // Translators: the browser tab's title of a series' host console; {title} is the series' title.
  pageTitle: (title) => t("Series host: {title} · chatserver", { title }),
  outOfDate: t("The list of meetings may be out of date."),
  // Translators: two sentences in a row: why the page is out of touch, then what that means on it.
  stale: (sentence, after) => t("{sentence} {after}", { sentence, after }),
};

// How often the console looks again while it is visible (no stream: a series changes slowly).
const EVERY = 30000;

const root = document.getElementById("series-host");
if (root) start(root);

function start(root) {
  const $ = (id) => document.getElementById(id);
  const path = "/api/series/" + encodeURIComponent(root.dataset.slug);
  const consoleEl = $("console");
  let body = null;
  let offset = 0; // the server's clock minus this one's
  let asked = 0; // refreshes started; only the latest one's answer is shown
  let shownAt = 0;

  const key = readKey();
  // Another host link pasted into this tab changes only the fragment: start again with it.
  window.addEventListener("hashchange", () => {
    if (readKey() !== key) location.reload();
  });
  useKey(key, { wrongKey: () => keyProblem(...TEXT.wrongKey), closed: () => refresh() });

  const host = {
    key,
    path,
    series: () => (body ? body.series : null),
    now: () => Date.now() + offset,
    show: (data) => {
      asked++; // an answer to a refresh asked before this change is older than it
      show(data);
    },
    refresh,
  };
  const list = new MeetingList(host);
  const editor = new SeriesEditor(host);
  const settings = new SeriesSettings(host);
  schedule(root.dataset.rrule, root.dataset.timeZone, root.dataset.startsAt);

  function schedule(rrule, zone, startsAt) {
    $("series-schedule").textContent = describeRule(rrule, zone, startsAt);
  }

  function keyProblem(heading, text) {
    $("key-checking").hidden = true;
    consoleEl.hidden = true;
    $("key-problem-heading").textContent = heading;
    $("key-problem-text").textContent = text;
    $("key-problem").hidden = false;
  }

  /** Show a series body (GET, PATCH or end): {series, occurrences, server_time}. */
  function show(data) {
    if (!data || !data.series) return;
    body = data;
    shownAt = Date.now();
    const serverTime = Date.parse(data.server_time);
    if (!isNaN(serverTime)) offset = serverTime - Date.now();
    const series = data.series;
    $("series-title").textContent = series.title;
    document.title = TEXT.pageTitle(series.title);
    schedule(series.rrule, series.time_zone, series.starts_at);
    $("series-badge").hidden = !series.ended;
    root.dataset.ended = series.ended ? "true" : "false";
    editor.show(series);
    settings.show(series);
    list.show(data);
  }

  async function refresh() {
    const mine = ++asked;
    const res = await hostCall("GET", path + "/host");
    if (mine !== asked) return; // a later refresh (after a change) has the newer answer
    if (res.status === 200 && res.data && res.data.series) {
      say($("connection"), "");
      show(res.data);
    } else if (res.status !== 403) {
      say($("connection"), TEXT.stale(errorMessage(res), TEXT.outOfDate), "error");
    }
  }

  // --- start: check the key (GET .../host changes nothing) ----------------------------------------
  async function check() {
    if (!key) return keyProblem(...TEXT.noKey);
    $("key-checking").hidden = false;
    const res = await checkKey(path, key, () => ($("key-checking").textContent = TEXT.retrying));
    $("key-checking").hidden = true;
    if (res.status === 403) return keyProblem(...TEXT.wrongKey);
    if (res.status === 404) return keyProblem(...TEXT.gone);
    if (res.status !== 200 || !res.data || !res.data.series) return keyProblem(TEXT.unchecked, errorMessage(res, TEXT.reload));
    consoleEl.hidden = false;
    show(res.data);
    // Fresh while visible; on coming back to the tab, at once if the list is older than that.
    setInterval(() => {
      if (document.visibilityState === "visible" && !consoleEl.hidden) refresh();
    }, EVERY);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && !consoleEl.hidden && Date.now() - shownAt > EVERY) refresh();
    });
  }

  check();
}
