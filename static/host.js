// The host console: checks the host key from the URL fragment, then shows the live chat with its
// moderation, posting as the host, the inbox of private conversations, the review queue, the
// people, the notices, the polls, the room's settings, the activity log, the moderators, the event's details
// to edit, the chat bar's snippet, and closing early. A moderator's key opens the same console
// without what only the host may do (host-role.js).

import { errorMessage, eventPath, fetchJson } from "./api.js";
import { isState, showState } from "./badge.js";
import { ConnectionBanner } from "./banner.js";
import { ActivityLog } from "./host-actions.js";
import { bindEmbedding } from "./host-embed.js";
import { checkKey, hostCall, readKey, useKey } from "./host-call.js";
import { hostCalls } from "./host-calls.js";
import { EventEditor } from "./host-edit.js";
import { ReviewQueue } from "./host-held.js";
import { HostQuestions } from "./host-questions.js";
import { Inbox } from "./host-inbox.js";
import { LiveView } from "./host-live.js";
import { ModeratorsPanel } from "./host-moderators.js";
import { NoticesPanel } from "./host-notices.js";
import { HostPolls } from "./host-polls.js";
import { bindPostAs } from "./host-post.js";
import { moderatorTitle, roleOf, showRole } from "./host-role.js";
import { RoomSettings } from "./host-room.js";
import { t, tn } from "./i18n.js";
import { People, tag } from "./people.js";
import { Stream } from "./stream.js";
import { localTimes } from "./time.js";

const TEXT = {
  wrongKey: [
    t("This host key is wrong"),
    t("The key in this link does not belong to this event, so nothing can be changed with it. Open the complete host link you saved when you scheduled the event; if you copied it by hand, check that nothing was cut off at the end."),
  ],
  noKey: [
    t("This link has no host key"),
    // Translators: "#key=" is part of the link and stays as it is.
    t("The host console needs the complete host link you got when you scheduled the event: it ends in #key= followed by a long code."),
  ],
  // Translators: after "The key in this link does not belong to this event…", for a moderator whose link was revoked.
  revoked: t("A moderator's link stops working when the host revokes it: ask the host for a new one."),
  gone: [t("This event no longer exists"), t("There is no event at this address any more.")],
  unchecked: t("The host key could not be checked"),
  reload: t("Reload the page to try again."),
  retrying: t("The server could not be reached; trying again…"),
  // Translators: the browser tab's title of the host console; {title} is the event's title.
  pageTitle: (title) => t("Host: {title} · chatserver", { title }),
  // Translators: the browser tab's title while the inbox has unread lines: "(3) Host: Town hall · chatserver".
  unreadTitle: (n, title) => t("({n}) {title}", { n, title }),
  actionsMayFail: t("Actions may fail until then."),
  // Translators: a participant's state in the host console's list of people.
  banned: t("banned"),
  // Translators: a participant's state in the host console's list of people.
  online: t("online"),
  // Translators: a participant's state in the host console's list of people.
  offline: t("offline"),
  // Translators: under the host console's list of people once the event is closed.
  tookPart: (all) => tn("{n} took part", "{n} took part", all),
  // Translators: under the host console's list of people, such as "3 online · 5 joined".
  onlineCount: (n) => tn("{n} online", "{n} online", n),
  joinedCount: (n) => tn("{n} joined", "{n} joined", n),
  // Translators: {online} and {joined} are the two counts above, such as "3 online · 5 joined".
  summary: (online, joined) => t("{online} · {joined}", { online, joined }),
};

const PEOPLE_EVERY = 10000;
const REVIEW_EVERY = 3000;
// Nothing can change once the event is closed: the console stays for reading.
const CONTROLS = "#edit input, #edit textarea, #edit button, #announce textarea, #announce button, #post-as input, " +
  "#post-as textarea, #post-as button, #add-moderator input, #add-moderator button, #close-now, .actions button, " +
  ".actions select, .host-people button, .host-people select";
// What an "updated" item may carry, and the type of each.
const CHANGES = {
  title: "string", description: "string", starts_at: "string", ends_at: "string", transcript: "string",
  slow_mode: "number", joins_locked: "boolean", retention_days: "number", direct_messages: "string",
  qa: "boolean", qa_screening: "boolean",
};

const root = document.getElementById("host");
if (root) start(root);

function start(root) {
  const $ = (id) => document.getElementById(id);
  const path = eventPath(root.dataset.slug);
  const consoleEl = $("console");
  let state = root.dataset.state;
  let event = null;
  let role = "host";
  let roleName = null; // a moderator's name
  let pageTitle = document.title;
  let unread = 0; // lines in the inbox no host has read: in the tab's title

  const key = readKey();
  // Another host link pasted into this tab changes only the fragment: start again with it.
  window.addEventListener("hashchange", () => {
    if (readKey() !== key) location.reload();
  });
  // A wrong key, or a moderator's that the host revoked.
  const wrongKey = () => keyProblem(TEXT.wrongKey[0], `${TEXT.wrongKey[1]} ${TEXT.revoked}`);
  useKey(key, { path, wrongKey, closed: refreshEvent });

  const host = {
    event: () => event,
    state: () => state,
    role: () => role,
    name: () => roleName,
    show: showEvent,
    banned: () => people.load(),
    people: () => people.load(),
    card: (item) => polls.card(item), // a poll's card in the live list (host-polls.js)
  };
  const editor = new EventEditor(path, host);
  const live = new LiveView(path, host);
  const polls = new HostPolls(path, host); // the Polls panel
  const room = new RoomSettings(root, path, host);
  const moderators = new ModeratorsPanel(path, host);
  const activity = new ActivityLog(path);
  const review = new ReviewQueue(path, host, () => activity.load());
  const questions = new HostQuestions(path, host); // Q&A
  const postAs = bindPostAs($("post-as"), path, host, live);
  // The inbox and the notices go out under the name the host posts as.
  const staff = { ...host, name: () => postAs.name(), answer: (text) => postAs.prefill(text), unread: showUnread };
  const inbox = new Inbox(path, staff);
  const calls = (inbox.view.calls = hostCalls(inbox, host));
  const notices = new NoticesPanel(path, staff);
  bindEmbedding(root, hostCall);
  const people = new People(root.dataset.slug, $("participants"), $("participants-status"), {
    every: PEOPLE_EVERY,
    timeout: 15000,
    token: readKey, // the hosts' list: with the app user ids that notices name (to_user)
    ready: () => !consoleEl.hidden,
    closed: () => state === "closed",
    row: (li, p, online) => {
      if (p.banned) live.markBanned(p.id);
      li.append(tag(p.banned ? TEXT.banned : online ? TEXT.online : TEXT.offline));
      const muted = p.banned ? "" : live.mutes.tagText(p.id); // "muted until 14:35", under the name
      if (muted) {
        li.classList.add("is-muted");
        li.querySelector(".nick").append(Object.assign(tag(muted), { className: "tag muted-until" }));
      }
      if (!p.banned) li.append(live.mutes.control(p.id, p.nickname), live.banButton(p.id, p.nickname));
    },
    summary: (all, online) => {
      inbox.setPeople(all);
      notices.setPeople(all);
      $("people-summary").textContent = all.length ? (state === "closed" ? TEXT.tookPart(all.length) : TEXT.summary(TEXT.onlineCount(online), TEXT.joinedCount(all.length))) : "";
    },
  });
  // The review queue and the activity log are loaded with the people: on their loop (every
  // PEOPLE_EVERY ms until the close), and on each join or ban.
  const loadPeople = people.load.bind(people);
  people.load = () => Promise.all([loadPeople(), !consoleEl.hidden && review.load(), !consoleEl.hidden && activity.load()]);
  // Held messages reach no stream, and the hosts should see them while they are fresh: the queue
  // alone is asked more often, while the console is in view.
  setInterval(() => {
    if (!consoleEl.hidden && !document.hidden && state !== "closed") review.load();
  }, REVIEW_EVERY);
  const banner = new ConnectionBanner({ box: $("connection"), after: TEXT.actionsMayFail, kind: "error" });
  const stream = new Stream(root.dataset.slug, {
    token: () => key, // after the close, a transcript for the hosts only is read with the key
    items: (items) => {
      polls.take(items); // before the live list draws a poll's card
      live.add(items);
      inbox.add(items);
      calls.items(items);
      activity.follow(items);
      for (const item of items) if (item.kind === "system" && item.code === "updated") applyChanges(item.changes);
      questions.add(items); // after the changes: Q&A on or off
      if (items.some((i) => i.kind === "system" && (i.code === "joined" || i.code === "banned"))) people.load();
    },
    state: (next) => {
      if (next !== state) setState(next);
    },
    reset: () => {
      live.list.clear();
      polls.clear();
      inbox.clear();
      questions.clear();
      live.updateEmpty();
    },
    loaded: () => {
      // The history is in: from now on new items are read out, not the whole backlog at once.
      $("messages").setAttribute("aria-live", "polite");
      live.list.scrollToBottom(false);
      live.updateEmpty();
    },
    trouble: (info) => banner.show(info),
    signal: (s) => calls.signal(s), // a call's (call-desk.js)
  });

  function keyProblem(heading, text) {
    $("key-checking").hidden = true;
    consoleEl.hidden = true;
    $("key-problem-heading").textContent = heading;
    $("key-problem-text").textContent = text;
    $("key-problem").hidden = false;
    stream.stop();
  }

  function showEvent(ev) {
    event = ev;
    $("host-title").textContent = ev.title;
    pageTitle = moderatorTitle(role, ev.title) || TEXT.pageTitle(ev.title);
    showTitle();
    $("host-starts").setAttribute("datetime", ev.starts_at);
    $("host-ends").setAttribute("datetime", ev.closed_at || ev.ends_at);
    localTimes(root.querySelector(".event-head"));
    editor.fill(ev);
    setState(ev.state || state);
    // A transcript for the hosts only is not on its page once closed: it stays readable here.
    const hostsOnly = ev.transcript === "hosts" && state === "closed";
    $("transcript-link").hidden = hostsOnly;
    $("closed-transcript").hidden = hostsOnly;
    $("closed-hosts-only").hidden = !hostsOnly;
    root.dispatchEvent(new CustomEvent("host:event", { detail: ev })); // for host-embed.js
  }

  function showTitle() {
    // Once closed nothing can be marked read any more: the count stays in the inbox, not in the tab.
    document.title = unread && state !== "closed" ? TEXT.unreadTitle(unread, pageTitle) : pageTitle;
  }

  function showUnread(n) {
    unread = n;
    showTitle();
  }

  /** The details changed (here, in another tab, by the API): show them; what the host is typing stays. */
  function applyChanges(changes) {
    if (!event || !changes || typeof changes !== "object") return;
    const next = { ...event };
    for (const [name, type] of Object.entries(CHANGES)) {
      const value = changes[name];
      if (typeof value === type || (name === "retention_days" && value === null && Object.hasOwn(changes, name))) next[name] = value;
    }
    showEvent(next); // the edit form keeps what the host is typing
    live.updateEmpty(); // "The chat opens at …" follows a new start
  }

  async function refreshEvent() {
    try {
      const res = await fetchJson("GET", path);
      if (res.status === 200 && res.data && res.data.event) showEvent(res.data.event);
    } catch (e) {
      // The stream reports connection trouble.
    }
  }

  function setState(next) {
    if (!isState(next)) return;
    const changed = next !== state;
    state = next;
    showState(root, $("state-badge"), next);
    const closed = next === "closed";
    editor.showState(next, event);
    room.enable();
    notices.enable();
    calls.update();
    if (closed) for (const el of root.querySelectorAll(CONTROLS)) el.disabled = true;
    $("closed-note").hidden = !closed;
    live.helpText();
    if (closed) {
      live.closed();
      review.closed();
      polls.closed();
    }
    if (changed) {
      inbox.render(); // nothing more to reply or mark once closed
      if (closed) refreshEvent();
      live.updateEmpty();
      people.load();
    }
  }

  // --- start: check the key (GET .../host changes nothing) ----------------------------------------
  async function check() {
    if (!key) return keyProblem(...TEXT.noKey);
    $("key-checking").hidden = false;
    const res = await checkKey(path, key, () => ($("key-checking").textContent = TEXT.retrying));
    $("key-checking").hidden = true;
    if (res.status === 403) return wrongKey();
    if (res.status === 404) return keyProblem(...TEXT.gone);
    if (res.status !== 200 || !res.data || !res.data.event) return keyProblem(TEXT.unchecked, errorMessage(res, TEXT.reload));
    role = roleOf(res.data);
    roleName = typeof res.data.name === "string" ? res.data.name : null;
    showRole(root, role, roleName);
    room.fillFilter(res.data.filter_words);
    postAs.start();
    notices.start();
    consoleEl.hidden = false;
    showEvent(res.data.event);
    if (role === "host") moderators.load();
    live.updateEmpty();
    people.load();
    stream.run();
    questions.load();
  }

  check();
}
