// The room: a waiting room with a countdown, then the live chat, then the closed notice. Every
// change of state comes from the stream (the server's clock), never from this browser's. This
// module puts the room's parts together: the stream shared by all tabs (tabs.js), the item list,
// who the reader is (identity.js), the composer and the outbox (room-outbox.js), the people panel,
// read receipts, notifications, the offline copy, and the reader's private thread with the hosts
// (private-room.js), the Q&A panel and the polls; which sections each state shows is
// room-sections.js's. The chat bar's bridge (embed.js) reaches it via room-api.js.

import { isLater, isState, showState } from "./badge.js";
import { ConnectionBanner } from "./banner.js";
import { composeFiles } from "./attach-sources.js";
import { roomCalendarLinks } from "./calendar-links.js";
import { Composer } from "./composer.js";
import { NewLine } from "./day-lines.js";
import { fitRoom } from "./fit.js";
import { db } from "./idb.js";
import { Identity } from "./identity.js";
import { Jump } from "./jump.js";
import { Nicknames } from "./nickname.js";
import { Notifier } from "./notify.js";
import { keepOffline } from "./offline.js";
import { openAlert } from "./open-alert.js";
import { Pinned } from "./pinned.js";
import { PrivateRoom } from "./private-room.js";
import { roomQA } from "./room-qa.js";
import { Reads } from "./reads.js";
import { focusIsLost, followSystem, onRefused } from "./room-follow.js";
import { composeRoom } from "./room-composing.js";
import { roomList } from "./room-list.js";
import { roomOutbox } from "./room-outbox.js";
import { RoomModeration } from "./room-moderation.js";
import { roomSections } from "./room-sections.js";
import { roomPeople } from "./room-people.js";
import { roomSearch } from "./room-search.js";
import { followSeries } from "./series-follow.js";
import { announce, provideRoom } from "./room-api.js";
import { connectRoom, sharedWorkerUrl } from "./tabs.js";
import { EventDetails } from "./waiting.js";
import { embeddingOrigin } from "./visitor.js";

const root = document.getElementById("room");
if (root) {
  fitRoom(root); // on a phone: the screen's height, the keyboard, a folded description
  start(root);
}

function start(root) {
  const slug = root.dataset.slug;
  const $ = (id) => document.getElementById(id);
  const waiting = $("waiting");
  const chat = $("chat");
  const showSections = roomSections($); // the waiting room, the chat, the closed notice
  const messages = $("messages");
  const composerEl = $("composer");
  const bodyInput = $("body");

  let state = root.dataset.state;
  let chatShown = state === "open";
  let onScreen = true; // false while an embedding page keeps the room out of sight (embed.js)
  let loaded = false;
  let troubled = false;

  // The chat bar's frame keeps an identity per embedding site, apart from this room page's.
  const identity = new Identity(slug, { changed: whoChanged, closed: () => setState("closed"), offered: () => showForms() }, embeddingOrigin());
  const nicknames = new Nicknames(identity, {
    render: () => showForms(),
    done: () => (state === "open" ? (composer.usable() ? bodyInput : messages) : $("waiting-change-nick")).focus(),
    locked: () => moderation.lockJoins(), // a join refused: the room is closed to new people
  });
  const me = () => identity.me;

  // The conversation: day lines, mentions, reactions and each message's actions (room-list.js).
  const list = roomList(messages, { slug, identity, state: () => state, composer: () => composer, status: $("chat-status"), card: (item) => qa.card(item) });
  const qa = roomQA(root, { slug, identity, state: () => state }); // the questions panel, and polls as cards
  const newLine = new NewLine(list, () => !onScreen); // "New messages" above what came while away
  const details = new EventDetails(root, slug, () => state, () => notifier.show());
  roomCalendarLinks(root); // "Add to calendar", kept to the details as the host edits them
  const pinned = new Pinned(slug, { box: $("pinned"), body: $("pinned-body"), time: $("pinned-time"), close: $("pinned-close") });
  const notifier = new Notifier(slug, { title: () => details.title, reader: me });
  const reads = new Reads(slug, messages, {
    token: () => (me() && !me().banned ? me().token : null),
    me: () => (me() ? me().id : null),
    active: () => onScreen, // nothing counts as read while the room is out of sight
  });
  const people = roomPeople(slug, identity, () => chatShown, () => state === "closed", () => privately);
  const banner = new ConnectionBanner({ box: $("connection"), text: $("connection-text"), retry: $("reconnect-now"), root });
  const refused = onRefused({ moderation: { muted: (res) => moderation.muted(res) }, identity, nicknames, state: () => state, close: () => setState("closed") });
  const scope = () => identity.outboxScope();
  const focusComposer = () => (composerEl.hidden || bodyInput.disabled ? messages : bodyInput).focus({ preventScroll: true });
  const outbox = roomOutbox(slug, list, messages, {
    identity, scope, me, refused, focus: focusComposer,
    sent: (item) => {
      reads.watch(list.add([item]));
      reads.draw();
      moderation.posted(); // slow mode: the send button counts down
    },
  });
  const jump = new Jump(list, $("jump"), $("jump-text"), focusComposer);
  const composer = new Composer({ form: composerEl, input: bodyInput, button: $("send"), error: $("send-error"), counter: $("counter") }, outbox, {
    me,
    offline: () => troubled,
    landed: () => {
      list.scrollToBottom(false);
      jump.readAll();
      newLine.clear();
    },
    lost: () => {
      identity.lost();
      nicknames.lost(false);
      nicknames.input.focus();
    },
  });
  composeFiles(composer, { slug, token: () => identity.token(), area: chat }); // attach, paste, drop, voice, camera
  const privately = new PrivateRoom(root, identity, { state: () => state, offline: () => troubled, notifier, refused, lost: () => composer.hooks.lost(), people: () => people.redraw() });
  const flush = () => [outbox, privately].forEach((one) => one.flush()); // what waits to be sent, public and private
  const cleared = { clear: () => [list, privately].forEach((one) => one.clear()) }; // the conversation is gone
  const moderation = new RoomModeration(root, { composer, outbox, list: cleared, close: () => setState("closed") });
  const composing = composeRoom(root, { slug, composer, list, identity, people, state: () => state, offline: () => troubled }); // replies, edits, @, typing
  roomSearch(root); // the header's search button and its panel

  // --- what is shown --------------------------------------------------------------------------
  function showForms() {
    const can = nicknames.show(state); // the join and rename forms, "You are …", the banned notice
    moderation.show(can); // the composer, or the muted notice in its place
    composer.allow(!can.banned);
    list.changes.refresh(); // who may react and act on messages
  }

  function setState(next) {
    if (!isState(next)) return;
    const previous = state;
    const stuck = list.nearBottom(); // the reader is at the newest line: keep it in view
    const hadFocusInForms = [composerEl, nicknames.join, nicknames.rename].some((el) => el.contains(document.activeElement));
    state = next;
    showState(root, $("state-badge"), next);
    if (next === "open") chatShown = true;
    showSections(next, chatShown);
    showForms();
    qa.changed(); // questions are asked and voted on only while the event is open
    if (stuck && !chat.hidden) list.scrollToBottom(false); // the closed notice is taller than the composer
    if (next === previous) return;
    announce(root, "state", { state: next });
    if (next === "open") {
      list.scrollToBottom(false);
      if (focusIsLost() || waiting.contains(document.activeElement) || hadFocusInForms) {
        (me() ? bodyInput : nicknames.input).focus();
      }
    }
    if (next === "closed" && hadFocusInForms) $("closed-heading").focus(); // the composer went away under the cursor
  }

  /** Who the reader is changed, here or in another tab (elsewhere): the forms and the poll follow. */
  function whoChanged(why, elsewhere) {
    // The poll carries the token (the others see us online at once), for this reader's view of the stream.
    stream.setToken(identity.token(), privately.changed());
    const anew = why === "joined" || why === "forgot";
    if (anew) composer.error("");
    nicknames.changed(why);
    showForms();
    qa.changed(); // who may ask and vote
    if (anew) qa.reload(); // their own votes
    if (why === "forgot" && !elsewhere) nicknames.input.focus();
    // Which messages are the reader's follows who they are now (say, "Continue as …" in a chat bar).
    if (anew || why === "lost") list.reown(me() ? "p" + me().id : null);
    if (outbox.slug !== scope()) outbox.rescope(scope());
    if (why === "joined") {
      reads.consider();
      flush(); // messages kept from before (a lost nickname) can go now
    }
    announce(root, "me");
  }

  // --- the stream -----------------------------------------------------------------------------
  /** Items from the stream; `known`: what this browser had already, shown at once (at the bottom). */
  function onItems(items, known) {
    const stuck = !loaded || list.nearBottom();
    // Q&A kinds to their panel (a poll also as a card here), the private to their thread, the rest here.
    const added = list.add(privately.take(qa.take(items)));
    for (const item of items) outbox.delivered(item); // our own messages, arrived: no longer pending
    reads.watch(added);
    reads.draw();
    pinned.take(items);
    if (followSystem(items, { details, identity, me })) people.load();
    announce(root, "items", { items, live: loaded });
    if (known) {
      messages.setAttribute("aria-busy", "false");
      list.scrollToBottom(false);
    }
    if (!loaded) return;
    for (const li of added) li.classList.add("fresh");
    // Messages from others that the reader has not seen: a jump button, and a count in the tab title.
    const news = added.filter((li) => !li.classList.contains("mine") && !li.classList.contains("system"));
    newLine.arrived(news);
    if (!news.length) return;
    const newIds = new Set(news.map((li) => Number(li.dataset.id)));
    notifier.news(items.filter((item) => newIds.has(item.id)));
    if (!stuck && !chat.hidden) jump.add(news);
  }

  function onTrouble(info) {
    if (moderation.stopped(info)) info = null; // kept for the hosts, or erased: the closed notice says so
    const was = troubled;
    troubled = !!info;
    banner.show(info);
    if (!info && was) flush(); // connected again: what waits goes now
  }

  /** Show what is known of the conversation (the cache, or another tab's) without waiting. */
  function markLoaded() {
    privately.loaded(); // this reader's stream is read so far (again, after a change of reader)
    if (loaded) return;
    loaded = true;
    messages.setAttribute("aria-busy", "false");
    list.scrollToBottom(false);
    announce(root, "loaded");
  }

  function onState(next, data) {
    details.clock(data && data.server_time);
    if (next !== state) {
      setState(next);
      details.refresh(true);
      if (next === "open") flush();
    } else if (next === "scheduled") {
      details.refresh(false);
    }
  }

  const workerUrl = sharedWorkerUrl(root.dataset);
  const stream = connectRoom(slug, {
    snapshot: (snap) => {
      // What this browser already has: the cached conversation, or what the other tabs have read.
      if (snap.items && snap.items.length) onItems(snap.items, !loaded);
      // A cached state may be older than the page's (never newer than the server's): forward only.
      if (isLater(snap.state, state)) onState(snap.state, null);
      if (snap.reads) reads.apply(snap.reads);
      onTrouble(snap.trouble || null);
      if (snap.loaded) markLoaded();
    },
    items: (items) => onItems(items, false),
    state: onState,
    loaded: markLoaded,
    reads: (r) => reads.apply(r),
    typing: (typists, all) => composing.typing(typists, all),
    signal: (s) => privately.calls.signal(s), // a call's (call-desk.js)
    reset: () => {
      loaded = false;
      messages.setAttribute("aria-busy", "true");
      cleared.clear();
      pinned.clear();
      qa.reload(); // the stream is read again: the list as the server has it now
      reads.reset();
      jump.readAll();
      outbox.reload(); // its messages stay below the conversation read again
    },
    trouble: onTrouble,
  }, {
    worker: workerUrl,
    onMode: (mode) => {
      root.dataset.transport = mode; // worker, leader, follower or solo
    },
  });

  $("reconnect-now").addEventListener("click", () => stream.kick(true));
  window.addEventListener("online", () => outbox.flush());
  notifier.bindMenu({ menu: $("alerts"), badge: $("set-badge"), desktop: $("set-desktop"), sound: $("set-sound"), status: $("alerts-status") });
  openAlert(root, notifier, $("open-alert"), $("open-alert-status"));
  followSeries(root);

  provideRoom({ // what other scripts of the page may ask of the room (embed.js)
    slug,
    state: () => state,
    me: () => (me() ? { id: me().id, nickname: me().nickname, banned: !!me().banned } : null),
    useNickname: (nickname) => nicknames.use(nickname),
    suggestNickname: (nickname) => nicknames.suggest(nickname),
    setOnScreen(shown) {
      const was = onScreen;
      onScreen = !!shown;
      if (onScreen && !was) {
        if (!jump.unread) list.scrollToBottom(false);
        reads.consider();
        newLine.returned();
      }
    },
  });

  // --- start ----------------------------------------------------------------------------------
  setState(state);
  if (state !== "closed") {
    details.countdown();
    setInterval(() => details.countdown(), 1000);
    stream.start(identity.token(), privately.viewer());
    outbox.load();
  } else {
    // Messages that never reached the server before the event closed: shown with it, marked not sent.
    db.outbox.list(scope()).then((entries) => {
      if (!entries || !entries.length) return;
      chatShown = true;
      setState("closed");
      stream.start(identity.token(), privately.viewer());
      outbox.load();
    });
  }
  keepOffline(workerUrl ? [workerUrl] : []);
}
