// The room: a waiting room with a countdown, then the live chat, then the closed notice. Every
// change of state comes from the stream (the server's clock), never from this browser's. This
// module puts the room's parts together: the stream shared by all tabs (tabs.js), the item list,
// who the reader is (identity.js), the composer and the outbox, the people panel, read receipts,
// notifications, and the offline copy. The chat bar's bridge (embed.js) reaches it via room-api.js.

import { isLater, isState, showState } from "./badge.js";
import { ConnectionBanner } from "./banner.js";
import { roomCalendarLinks } from "./calendar-links.js";
import { Composer } from "./composer.js";
import { fitRoom } from "./fit.js";
import { db } from "./idb.js";
import { embeddingOrigin, Identity } from "./identity.js";
import { ItemList } from "./items.js";
import { followHeld } from "./held.js";
import { Jump } from "./jump.js";
import { Nicknames } from "./nickname.js";
import { mentions, Notifier } from "./notify.js";
import { keepOffline } from "./offline.js";
import { openAlert } from "./open-alert.js";
import { Outbox } from "./outbox.js";
import { Outgoing } from "./outgoing.js";
import { Pinned } from "./pinned.js";
import { Reads } from "./reads.js";
import { focusIsLost, followSystem, onRefused } from "./room-follow.js";
import { RoomModeration } from "./room-moderation.js";
import { roomPeople } from "./room-people.js";
import { followSeries } from "./series-follow.js";
import { announce, provideRoom } from "./room-api.js";
import { connectRoom, sharedWorkerUrl } from "./tabs.js";
import { EventDetails } from "./waiting.js";

const root = document.getElementById("room");
if (root) {
  fitRoom(root); // on a phone: the screen's height, the keyboard, a folded description
  start(root);
}

function start(root) {
  const slug = root.dataset.slug;
  const $ = (id) => document.getElementById(id);
  const waiting = $("waiting");
  const closed = $("closed");
  const closedHome = closed.parentNode;
  const closedNext = closed.nextSibling;
  const chat = $("chat");
  const chatFoot = $("chat-foot");
  const messages = $("messages");
  const composerEl = $("composer");
  const bodyInput = $("body");
  const embedded = document.documentElement.classList.contains("embedded"); // in a chat bar's panel

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

  const list = new ItemList(messages, {
    group: true,
    tail: ".outgoing", // messages still being sent stay below everything the server has
    mine: (item) => item.kind === "message" && identity.wrote(item),
    decorate: (li, item) => {
      if (item.kind === "message" && me() && !identity.wrote(item) && mentions(item.body, me().nickname)) li.classList.add("mention");
    },
  });
  const details = new EventDetails(root, slug, () => state, () => notifier.show());
  roomCalendarLinks(root); // "Add to calendar", kept to the details as the host edits them
  const pinned = new Pinned(slug, { box: $("pinned"), body: $("pinned-body"), time: $("pinned-time"), close: $("pinned-close") });
  const notifier = new Notifier(slug, { title: () => details.title, nickname: () => (me() ? me().nickname : null) });
  const reads = new Reads(slug, messages, {
    token: () => (me() && !me().banned ? me().token : null),
    me: () => (me() ? me().id : null),
    active: () => onScreen, // nothing counts as read while the room is out of sight
  });
  const people = roomPeople(slug, identity, () => chatShown, () => state === "closed");
  const banner = new ConnectionBanner({ box: $("connection"), text: $("connection-text"), retry: $("reconnect-now"), root });
  const outbox = new Outbox(slug, {
    scope: identity.scope,
    token: () => identity.token(),
    changed: (entries, sendingId) => outgoing.render(entries, sendingId),
    sent: (entry, item) => {
      reads.watch(list.add([item]));
      reads.draw();
      moderation.posted(); // slow mode: the send button counts down
    },
    refused: onRefused({ moderation: { muted: (res) => moderation.muted(res) }, identity, nicknames, state: () => state, close: () => setState("closed") }),
    waiting: (why) => outgoing.waiting(why),
  });
  followHeld(outbox, slug, () => identity.token());
  const focusComposer = () => (composerEl.hidden || bodyInput.disabled ? messages : bodyInput).focus({ preventScroll: true });
  const outgoing = new Outgoing(list, outbox, me, focusComposer);
  const jump = new Jump(list, $("jump"), $("jump-text"), focusComposer);
  const composer = new Composer({ form: composerEl, input: bodyInput, button: $("send"), error: $("send-error"), counter: $("counter") }, outbox, {
    me,
    offline: () => troubled,
    landed: () => {
      list.scrollToBottom(false);
      jump.readAll();
    },
    lost: () => {
      identity.lost();
      nicknames.lost(false);
      nicknames.input.focus();
    },
  });
  const moderation = new RoomModeration(root, { composer, outbox, list, close: () => setState("closed") });

  // --- what is shown --------------------------------------------------------------------------
  function showForms() {
    const can = nicknames.show(state); // the join and rename forms, "You are …", the banned notice
    moderation.show(can); // the composer, or the muted notice in its place
    composer.allow(!can.banned);
  }

  function setState(next) {
    if (!isState(next)) return;
    const previous = state;
    const stuck = list.nearBottom(); // the reader is at the newest line: keep it in view
    const hadFocusInForms = [composerEl, nicknames.join, nicknames.rename].some((el) => el.contains(document.activeElement));
    state = next;
    showState(root, $("state-badge"), next);
    waiting.hidden = next !== "scheduled";
    if (next === "open") chatShown = true;
    chat.hidden = !chatShown;
    // Once closed, the notice takes the composer's place under the messages.
    if (next === "closed" && chatShown) chatFoot.append(closed);
    else if (closed.parentNode !== closedHome) closedHome.insertBefore(closed, closedNext);
    closed.hidden = next !== "closed";
    // Nothing new can come any more once closed; in a chat bar, the bar itself tells what is new.
    $("alerts").hidden = next === "closed" || embedded;
    showForms();
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
    if (next === "open" || next === "closed") people.load();
  }

  /** Who the reader is changed, here or in another tab (elsewhere): the forms and the poll follow. */
  function whoChanged(why, elsewhere) {
    stream.setToken(identity.token()); // the poll carries it: the others see us online at once
    const anew = why === "joined" || why === "forgot";
    if (anew) composer.error("");
    nicknames.changed(why);
    showForms();
    if (why === "forgot" && !elsewhere) nicknames.input.focus();
    if (anew || why === "renamed") people.load();
    if (anew || why === "lost") {
      // Which messages are the reader's follows who they are now (say, "Continue as …" in a chat bar).
      for (const li of messages.querySelectorAll("li.message:not(.outgoing)")) li.classList.toggle("mine", !!me() && li.dataset.author === "p" + me().id);
    }
    if (why === "joined") {
      reads.consider();
      outbox.flush(); // messages kept from before (a lost nickname) can go now
    }
    announce(root, "me");
  }

  // --- the stream -----------------------------------------------------------------------------
  function onItems(items) {
    const stuck = !loaded || list.nearBottom();
    const added = list.add(items);
    for (const item of items) outbox.delivered(item); // our own messages, arrived: no longer pending
    reads.watch(added);
    reads.draw();
    pinned.take(items);
    if (followSystem(items, { details, identity, me })) people.load();
    announce(root, "items", { items, live: loaded });
    if (!loaded) return;
    for (const li of added) li.classList.add("fresh");
    // Messages from others that the reader has not seen: a jump button, and a count in the tab title.
    const news = added.filter((li) => !li.classList.contains("mine") && !li.classList.contains("system"));
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
    if (!info && was) outbox.flush(); // connected again: what waits goes now
  }

  /** Show what is known of the conversation (the cache, or another tab's) without waiting. */
  function markLoaded() {
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
      if (next === "open") outbox.flush();
    } else if (next === "scheduled") {
      details.refresh(false);
    }
  }

  const workerUrl = sharedWorkerUrl(root.dataset);
  const stream = connectRoom(slug, {
    snapshot: (snap) => {
      // What this browser already has: the cached conversation, or what the other tabs have read.
      if (snap.items && snap.items.length) {
        const wasLoaded = loaded;
        onItems(snap.items);
        if (!wasLoaded) {
          messages.setAttribute("aria-busy", "false");
          list.scrollToBottom(false);
        }
      }
      // A cached state may be older than the page's (never newer than the server's): forward only.
      if (isLater(snap.state, state)) onState(snap.state, null);
      if (snap.reads) reads.apply(snap.reads);
      onTrouble(snap.trouble || null);
      if (snap.loaded) markLoaded();
    },
    items: onItems,
    state: onState,
    loaded: markLoaded,
    reads: (r) => reads.apply(r),
    reset: () => {
      loaded = false;
      messages.setAttribute("aria-busy", "true");
      list.clear();
      pinned.clear();
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

  // --- what other scripts of the page may ask of the room (embed.js) ------------------------
  provideRoom({
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
      }
    },
  });

  // --- start ----------------------------------------------------------------------------------
  setState(state);
  if (state === "open") people.load();
  if (state !== "closed") {
    details.countdown();
    setInterval(() => details.countdown(), 1000);
    stream.start(identity.token());
    outbox.load();
  } else {
    // Messages written here that never reached the server before the event closed (offline the
    // whole time): show the conversation with them, marked as not sent, rather than lose them.
    db.outbox.list(identity.scope).then((entries) => {
      if (!entries || !entries.length) return;
      chatShown = true;
      setState("closed");
      stream.start(identity.token());
      outbox.load();
    });
  }
  keepOffline(workerUrl ? [workerUrl] : []);
}
