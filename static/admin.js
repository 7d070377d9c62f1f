// The operator console (/admin#key=…): checks the operator key from the URL fragment (which browsers
// never send) with GET /api/admin, then shows the server's totals, every event and every series
// (listed or not) to search, close, unlist or erase, and the audit log of those actions.
// The key travels only in the Authorization header of these calls (static/host-call.js).

import { errorMessage } from "./api.js";
import { AuditLog } from "./admin-audit.js";
import { EventList } from "./admin-events.js";
import { SeriesList } from "./admin-series.js";
import { Stats } from "./admin-stats.js";
import { Tabs } from "./tablist.js";
import { appendSentence } from "./dom.js";
import { checkKey, readKey, useKey } from "./host-call.js";
import { t } from "./i18n.js";

const CHECK = "/api/admin";

const TEXT = {
  wrongKey: [
    t("This operator key is wrong"),
    // Translators: {command} is the command "chatserver admin-key", which stays as it is.
    t("The server does not know the key in this link, or it was revoked, so nothing can be seen or changed with it. Open the complete link that {command} printed; if you copied it by hand, check that nothing was cut off at the end."),
  ],
  noKey: [
    t("This link has no operator key"),
    // Translators: {command} is the command "chatserver admin-key"; "#key=" is part of the link and "--db" an option: all stay as they are.
    t("The operator console needs the link that {command} prints on the server: it ends in #key= followed by a long code. Run that command where chatserver runs, with the same --db, to make a key."),
  ],
  unchecked: t("The operator key could not be checked"),
  reload: t("Reload the page to try again."),
  retrying: t("The server could not be reached; trying again…"),
  // Translators: under the operator console's heading; {name} is the name given to the operator's key.
  operator: t("Signed in with the key of {name}."),
};

const root = document.getElementById("admin");
if (root) start();

function start() {
  const $ = (id) => document.getElementById(id);
  const consoleEl = $("console");

  const key = readKey();
  // Another operator link pasted into this tab changes only the fragment: start again with it.
  window.addEventListener("hashchange", () => {
    if (readKey() !== key) location.reload();
  });
  const wrongKey = () => keyProblem(...TEXT.wrongKey);
  useKey(key, { check: CHECK, wrongKey, closed() {} });

  const stats = new Stats();
  const host = {
    /** After an action on an event or a series: the totals, the log and the other list are out of date. */
    changed(kind) {
      stats.load();
      audit.list.stale = true;
      (kind === "series" ? events : series).list.stale = true;
    },
  };
  const events = new EventList(host);
  const series = new SeriesList(host);
  const audit = new AuditLog();
  const lists = { "tab-events": events.list, "tab-series": series.list, "tab-audit": audit.list };
  new Tabs(root.querySelector('[role="tablist"]'), (id) => lists[id].refreshIfStale());

  function keyProblem(heading, text) {
    $("key-checking").hidden = true;
    consoleEl.hidden = true;
    $("admin-operator").hidden = true;
    $("key-problem-heading").textContent = heading;
    const command = document.createElement("code");
    command.textContent = "chatserver admin-key"; // i18n: a command
    command.dir = "ltr";
    $("key-problem-text").replaceChildren();
    appendSentence($("key-problem-text"), text, { command });
    $("key-problem").hidden = false;
  }

  async function check() {
    if (!key) return keyProblem(...TEXT.noKey);
    $("key-checking").hidden = false;
    const res = await checkKey(CHECK, key, () => ($("key-checking").textContent = TEXT.retrying), CHECK);
    $("key-checking").hidden = true;
    if (res.status === 401 || res.status === 403) return wrongKey();
    if (res.status !== 200 || !res.data || !res.data.operator) return keyProblem(TEXT.unchecked, errorMessage(res, TEXT.reload));
    const name = res.data.operator.name;
    if (typeof name === "string" && name) {
      const line = $("admin-operator");
      line.replaceChildren();
      appendSentence(line, TEXT.operator, { name });
      line.hidden = false;
    }
    consoleEl.hidden = false;
    stats.load();
    events.list.load(true);
  }

  check();
}
