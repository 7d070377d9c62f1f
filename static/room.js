// The room: a waiting room with a countdown, then the live chat, then the closed notice.
// Every change of state comes from the long poll (the server's clock), never from this browser's.
// The poll is shared by all tabs of the room (tabs.js), the conversation and unsent messages are
// kept for offline use (idb.js, outbox.js, offline.js), notify.js tells about news in hidden tabs,
// and reads.js reports and shows read receipts.
"use strict";

(function () {
  const root = document.getElementById("room");
  if (!root) return;
  const slug = root.dataset.slug;
  const base = `/api/events/${encodeURIComponent(slug)}`;
  const $ = (id) => document.getElementById(id);
  const LIMIT = 4000; // characters in a message (the API counts code points)
  const COUNTER_FROM = 3500; // the counter shows from here on
  const PEOPLE_EVERY = 20000; // ms between refreshes of the participant list

  const waiting = $("waiting");
  const closed = $("closed");
  const closedHome = closed.parentNode;
  const closedNext = closed.nextSibling;
  const chat = $("chat");
  const chatFoot = $("chat-foot");
  const joinForm = $("join");
  const nicknameInput = $("nickname");
  const composer = $("composer");
  const bodyInput = $("body");
  const sendButton = $("send");
  const sendError = $("send-error");
  const joinError = $("join-error");
  const joinNotice = $("join-notice");
  const counter = $("counter");
  const badge = $("state-badge");
  const messages = $("messages");
  const jump = $("jump");
  const connection = $("connection");
  const labels = { scheduled: "Not started", open: "Open", closed: "Closed" };
  const stage = { scheduled: 0, open: 1, closed: 2 }; // a state only ever moves forward
  const embedded = document.documentElement.classList.contains("embedded"); // in a chat bar's panel
  let pageTitle = document.title; // without the unread count

  let state = root.dataset.state;
  let startsAt = Date.parse(root.dataset.startsAt);
  let skew = Date.parse(root.dataset.now) - Date.now(); // server clock minus ours
  let chatShown = state === "open";
  let onScreen = true; // false while an embedding page keeps the room out of sight (embed.js)

  /** Tell the page's other scripts (embed.js) what happened: a "room:<kind>" event on the root. */
  function announce(kind, detail) {
    root.dispatchEvent(new CustomEvent("room:" + kind, { detail: detail || {} }));
  }

  // --- who am I: the participant token is kept per room in localStorage ------------------------
  const storageKey = "chatserver.participant." + slug;
  let me = null;
  try {
    me = JSON.parse(localStorage.getItem(storageKey) || "null");
  } catch (e) {
    me = null;
  }
  if (me && (typeof me.token !== "string" || typeof me.nickname !== "string")) me = null;

  function save() {
    try {
      if (me) localStorage.setItem(storageKey, JSON.stringify(me));
      else localStorage.removeItem(storageKey);
    } catch (e) {
      // Private browsing without storage: the nickname lasts as long as the page.
    }
  }

  const list = new Chat.ItemList(messages, {
    group: true,
    tail: ".outgoing", // messages still being sent stay below everything the server has
    mine: (item) => me !== null && item.kind === "message" && item.participant_id === me.id,
    decorate: (li, item) => {
      if (item.kind === "message" && me && item.participant_id !== me.id && Chat.mentions(item.body, me.nickname)) {
        li.classList.add("mention");
      }
    },
  });

  const notifier = new Chat.Notifier(slug, { title: () => pageTitle, nickname: () => (me ? me.nickname : null) });
  const reads = new Chat.Reads(slug, messages, {
    token: () => (me && !me.banned ? me.token : null),
    me: () => (me ? me.id : null),
    active: () => onScreen, // nothing counts as read while the room is out of sight
  });

  // --- what is shown --------------------------------------------------------------------------
  function focusIsLost() {
    const el = document.activeElement;
    return !el || el === document.body || el.hidden || el.closest("[hidden]") !== null;
  }

  function showForms() {
    const joinable = state === "scheduled" || state === "open";
    // The nickname prompt sits where it is needed: in the waiting room, or under the messages.
    const home = state === "scheduled" ? $("waiting-join") : chatFoot;
    if (joinForm.parentNode !== home) home.prepend(joinForm);
    joinForm.hidden = !joinable || me !== null;
    composer.hidden = state !== "open" || me === null;
    $("waiting-me").hidden = state !== "scheduled" || me === null;
    if (me) {
      $("me").textContent = me.nickname;
      $("waiting-nick").textContent = me.nickname;
      const banned = !!me.banned;
      bodyInput.disabled = banned;
      sendButton.disabled = banned || sending;
      $("forget").hidden = banned;
      if (banned) Chat.say(sendError, "The host removed you from this room. You can still read along.");
    }
  }

  function setState(next) {
    if (!labels[next]) return;
    const previous = state;
    const hadFocusInForms = composer.contains(document.activeElement) || joinForm.contains(document.activeElement);
    state = next;
    root.dataset.state = next;
    badge.textContent = labels[next];
    badge.className = "badge state-" + next;
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
    if (next === previous) return;
    announce("state", { state: next });
    if (next === "open") {
      list.scrollToBottom(false);
      if (focusIsLost() || waiting.contains(document.activeElement) || hadFocusInForms) {
        (me ? bodyInput : nicknameInput).focus();
      }
      loadParticipants();
    }
    if (next === "closed") {
      if (hadFocusInForms) $("closed-heading").focus(); // the composer went away under the cursor
      loadParticipants();
    }
  }

  // --- the countdown before the start ---------------------------------------------------------
  function countdown() {
    if (state !== "scheduled") return;
    const left = (startsAt - (Date.now() + skew)) / 1000;
    $("countdown").textContent = left <= 0.5 ? "Starting any moment now…" : "Starts in " + Chat.formatDuration(left);
  }

  // The host may move the times or rename the event while people wait: show what is current.
  let lastRefresh = Date.now();
  async function refreshEvent(force) {
    if (!force && Date.now() - lastRefresh < 20000) return;
    lastRefresh = Date.now();
    let res;
    try {
      res = await Chat.api("GET", base);
    } catch (e) {
      return; // the poll reports connection trouble
    }
    if (res.status !== 200 || !res.data || !res.data.event) return;
    const ev = res.data.event;
    startsAt = Date.parse(ev.starts_at);
    for (const t of root.querySelectorAll("time.starts")) t.setAttribute("datetime", ev.starts_at);
    for (const t of root.querySelectorAll("time.ends")) t.setAttribute("datetime", ev.closed_at || ev.ends_at);
    Chat.localTimes(root.querySelector(".event-head"));
    Chat.localTimes(waiting);
    const h1 = root.querySelector(".event-head h1");
    if (ev.title && h1.textContent !== ev.title) {
      h1.textContent = ev.title;
      pageTitle = `${ev.title} · chatserver`;
      notifier.show();
    }
    const description = root.querySelector(".event-head .description");
    if (description && typeof ev.description === "string") {
      description.textContent = ev.description;
      description.hidden = !ev.description;
    }
    countdown();
  }

  // --- the participant list -------------------------------------------------------------------
  let peopleTimer = null;
  let peopleLoading = false;
  let peopleAgain = false;
  async function loadParticipants() {
    if (!chatShown) return;
    if (peopleLoading) {
      peopleAgain = true; // one more load after this one, to see the latest join or ban
      return;
    }
    peopleLoading = true;
    let res = null;
    try {
      res = await Chat.api("GET", base + "/participants", null, me ? me.token : null);
    } catch (e) {
      res = null;
    }
    peopleLoading = false;
    if (res && res.status === 200 && res.data && Array.isArray(res.data.participants)) renderPeople(res.data.participants);
    else $("people-status").textContent = "The list could not be loaded; it is tried again soon.";
    clearTimeout(peopleTimer);
    if (state !== "closed") peopleTimer = setTimeout(loadParticipants, PEOPLE_EVERY);
    if (peopleAgain) {
      peopleAgain = false;
      loadParticipants();
    }
  }

  function renderPeople(people) {
    const sorted = people.slice().sort(Chat.byPresence);
    const ul = $("participants");
    ul.replaceChildren();
    for (const p of sorted) {
      const { li, online } = Chat.personRow(p, state === "closed");
      if (me && p.id === me.id) li.classList.add("me");
      const tags = [];
      if (me && p.id === me.id) tags.push("you");
      if (p.banned) tags.push("removed");
      if (tags.length) {
        const tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = tags.join(", ");
        li.append(tag);
      }
      const status = document.createElement("span");
      status.className = "visually-hidden";
      status.textContent = online ? ", online" : ", offline";
      li.append(status);
      li.title = `${p.nickname}: ${online ? "online" : "offline"}`;
      ul.append(li);
    }
    const online = sorted.filter((p) => p.online && !p.banned).length;
    const count = state === "closed" ? `(${people.length})` : `(${online} online)`;
    $("people-count").textContent = count;
    $("people-summary").textContent = state === "closed" ? count : `${online} online · ${people.length} in all`;
    $("people-status").textContent = people.length ? "" : "Nobody has joined yet.";
  }

  $("people-toggle").addEventListener("click", () => {
    const people = $("people");
    const open = !people.classList.contains("expanded");
    people.classList.toggle("expanded", open);
    $("people-toggle").setAttribute("aria-expanded", String(open));
  });

  // --- new messages while scrolled up ---------------------------------------------------------
  let unread = 0;
  function showUnread() {
    jump.hidden = unread === 0;
    $("jump-text").textContent = unread === 1 ? "1 new message" : `${unread} new messages`;
  }

  function readAll() {
    unread = 0;
    showUnread();
  }

  jump.addEventListener("click", () => {
    list.scrollToBottom(!Chat.reducedMotion());
    readAll();
    (composer.hidden || bodyInput.disabled ? messages : bodyInput).focus({ preventScroll: true });
  });

  messages.addEventListener("scroll", () => {
    if (unread && list.nearBottom()) readAll();
  }, { passive: true });

  // --- the stream -----------------------------------------------------------------------------
  let loaded = false;
  let troubleTimer = null;

  function onItems(items) {
    const stuck = !loaded || list.nearBottom();
    const added = list.add(items);
    for (const item of items) outbox.delivered(item); // our own messages, arrived: no longer pending
    reads.watch(added);
    reads.draw();
    let refreshPeople = false;
    for (const item of items) {
      if (item.kind !== "system") continue;
      if (item.code === "joined" || item.code === "banned") refreshPeople = true;
      if (item.code === "banned" && me && item.participant_id === me.id && !me.banned) {
        me.banned = true;
        save();
        showForms();
        announce("me");
      }
    }
    if (refreshPeople) loadParticipants();
    announce("items", { items, live: loaded });
    if (!loaded) return;
    for (const li of added) li.classList.add("fresh");
    // Messages from others that the reader has not seen: a jump button, and a count in the tab title.
    const news = added.filter((li) => !li.classList.contains("mine") && !li.classList.contains("system"));
    if (!news.length) return;
    const newIds = new Set(news.map((li) => Number(li.dataset.id)));
    notifier.news(items.filter((item) => newIds.has(item.id)));
    if (!stuck && !chat.hidden) {
      if (unread === 0) {
        for (const old of messages.querySelectorAll(".first-unread")) old.classList.remove("first-unread");
        news[0].classList.add("first-unread");
      }
      unread += news.length;
      showUnread();
    }
  }

  let troubled = false;
  function onTrouble(info) {
    clearInterval(troubleTimer);
    const was = troubled;
    troubled = !!info;
    if (!info) {
      connection.hidden = true;
      root.classList.remove("offline");
      if (was) outbox.flush(); // connected again: what waits goes now
      return;
    }
    root.classList.add("offline");
    connection.hidden = false;
    const text = $("connection-text");
    const retry = $("reconnect-now");
    if (info.reason === "gone") {
      text.textContent = "This event no longer exists on the server.";
      retry.hidden = true;
      return;
    }
    retry.hidden = false;
    const tick = () => {
      const left = Math.max(0, Math.ceil((info.retryAt - Date.now()) / 1000));
      if (navigator.onLine === false && info.reason !== "rate_limited") {
        // Messages written now wait in the outbox; the banner says when the next try is.
        text.textContent = left > 0 ? `You are offline. Trying again in ${left} s…` : "You are offline. Trying again…";
        return;
      }
      const why = info.reason === "rate_limited" ? "The server is busy." : "Connection lost.";
      text.textContent = left > 0 ? `${why} Reconnecting in ${left} s…` : `${why} Reconnecting…`;
    };
    tick();
    troubleTimer = setInterval(tick, 1000);
  }

  /** Show what is known of the conversation (the cache, or another tab's) without waiting. */
  function markLoaded() {
    if (loaded) return;
    loaded = true;
    messages.setAttribute("aria-busy", "false");
    list.scrollToBottom(false);
    announce("loaded");
  }

  function onState(next, data) {
    const serverNow = Date.parse(data && data.server_time);
    if (!isNaN(serverNow)) skew = serverNow - Date.now();
    if (next !== state) {
      setState(next);
      refreshEvent(true);
      if (next === "open") outbox.flush();
    } else if (next === "scheduled") {
      refreshEvent(false);
    }
  }

  const rootData = root.dataset;
  const pollOnly = Chat.Stream.streaming ? "" : "&transport=poll"; // the worker follows the page's choice
  const workerUrl = rootData.worker
    ? `${rootData.worker}${rootData.worker.includes("?") ? "&" : "?"}deps=${encodeURIComponent(rootData.workerDeps || "")}${pollOnly}`
    : null;
  const stream = Chat.connectRoom(slug, {
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
      if (snap.state && stage[snap.state] > stage[state]) onState(snap.state, null);
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
      reads.reset();
      readAll();
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

  // --- joining --------------------------------------------------------------------------------
  /**
   * Join as `nickname`: {ok: true} once the server gave a token, or {ok: false, code, message}.
   * The current identity is replaced only on success (a taken name keeps the one we had).
   */
  async function join(nickname) {
    let res;
    try {
      res = await Chat.api("POST", base + "/participants", { nickname }, null, { timeout: 15000 });
    } catch (e) {
      return { ok: false, code: "network", message: "The server could not be reached. Check your connection and try again." };
    }
    const code = Chat.errorCode(res);
    if (!(res.status === 201 && res.data && res.data.token)) {
      if (code === "event_closed") setState("closed");
      return { ok: false, code, message: Chat.errorMessage(res) };
    }
    me = { id: res.data.participant.id, nickname: res.data.participant.nickname, token: res.data.token };
    save();
    Chat.say(joinNotice, "");
    Chat.say(joinError, "");
    Chat.say(sendError, "");
    bodyInput.disabled = false;
    sendButton.disabled = sending;
    nicknameInput.value = "";
    showForms();
    stream.setToken(me.token); // the poll carries it: the others see us online at once
    loadParticipants();
    reads.consider();
    outbox.flush(); // messages kept from before (a lost nickname) can go now
    announce("me");
    return { ok: true };
  }

  /** Explain a refused join beside the nickname field. */
  function joinRefused(nickname, result) {
    if (result.code === "event_closed") return;
    if (result.code === "nickname_taken") {
      // A name reserved for a role ("Host", "Announcement", "*") is refused with the same code: the
      // server's message says so, and "someone is already called Host" would mislead.
      const reserved = / is reserved;/.test(result.message || "");
      Chat.say(joinError, reserved
        ? `“${nickname}” is kept for the hosts and the room's own notices, so nobody can mistake you for them. Please choose another nickname.`
        : `Someone in this room is already called “${nickname}” (capitals and look-alike letters count as the same name). Please choose another nickname.`);
      nicknameInput.select();
    } else {
      Chat.say(joinError, result.message);
    }
  }

  joinForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const nickname = nicknameInput.value.trim();
    Chat.say(joinError, "");
    if (!nickname) {
      Chat.say(joinError, "Type a nickname first.");
      nicknameInput.focus();
      return;
    }
    const button = joinForm.querySelector("button[type=submit]");
    button.disabled = true;
    const result = await join(nickname);
    button.disabled = false;
    if (result.ok) {
      if (state === "open") bodyInput.focus();
      else $("waiting-forget").focus();
    } else if (result.code !== "event_closed") {
      joinRefused(nickname, result);
      nicknameInput.focus();
    }
  });

  function forget() {
    me = null;
    save();
    stream.setToken(null);
    Chat.say(sendError, "");
    Chat.say(joinNotice, "");
    bodyInput.disabled = false;
    sendButton.disabled = false;
    showForms();
    nicknameInput.focus();
    loadParticipants();
    announce("me");
  }
  $("forget").addEventListener("click", forget);
  $("waiting-forget").addEventListener("click", forget);

  // --- posting --------------------------------------------------------------------------------
  let sending = false;
  let pending = null; // {text, clientId}: a message that may or may not have reached the server
  let rateTimer = null;

  /**
   * POST with one client_id; network failures and 5xx are retried with the same id, briefly: if
   * the server stays out of reach, the message moves to the outbox (null is returned).
   */
  async function post(text, clientId) {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt) await Chat.sleep(700 * 2 ** (attempt - 1));
      if (!me || navigator.onLine === false) return null;
      try {
        const res = await Chat.api("POST", base + "/messages", { body: text, client_id: clientId }, me.token, { timeout: 10000 });
        if (res.status < 500) return res;
      } catch (e) {
        // network trouble: retried below
      }
    }
    return null;
  }

  /** Into the outbox: shown as pending at the end of the conversation, sent when it can be. */
  function queue(text, clientId) {
    if (bodyInput.value === text) bodyInput.value = "";
    updateCounter();
    autosize();
    outbox.add(text, clientId);
    list.scrollToBottom(false);
    readAll();
    if (!composer.hidden && !bodyInput.disabled) bodyInput.focus();
  }

  function length(text) {
    return Array.from(text).length; // code points, as the server counts
  }

  function updateCounter() {
    const n = length(bodyInput.value);
    if (n < COUNTER_FROM) {
      Chat.say(counter, "");
      return;
    }
    if (n <= LIMIT) Chat.say(counter, `${LIMIT - n} characters left`, LIMIT - n < 100 ? "warn" : null);
    else Chat.say(counter, `${n - LIMIT} characters over the limit of ${LIMIT}`, "error");
  }

  function autosize() {
    if (window.CSS && CSS.supports && CSS.supports("field-sizing", "content")) return; // CSS does it
    bodyInput.style.height = "auto";
    bodyInput.style.height = Math.min(bodyInput.scrollHeight + 2, 200) + "px";
  }

  bodyInput.addEventListener("input", () => {
    updateCounter();
    autosize();
    if (sendError.dataset.kind === "transient") Chat.say(sendError, "");
  });

  function rateLimited(seconds) {
    clearInterval(rateTimer);
    let left = Math.max(1, seconds || 1);
    const show = () => Chat.say(sendError, `You are sending messages too fast. Wait ${left} s, then send again; your message is kept.`, "rate");
    show();
    rateTimer = setInterval(() => {
      left -= 1;
      if (left > 0) return show();
      clearInterval(rateTimer);
      if (sendError.dataset.kind === "rate") Chat.say(sendError, "");
    }, 1000);
  }

  composer.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (sending || !me || me.banned) return;
    const text = bodyInput.value;
    if (!text.trim()) return;
    if (length(text) > LIMIT) {
      Chat.say(sendError, `Your message is ${length(text) - LIMIT} characters too long; a message holds at most ${LIMIT}.`, "transient");
      return;
    }
    clearInterval(rateTimer);
    Chat.say(sendError, "");
    // Sending the same text again after a failure reuses its id: the server stores it only once.
    if (!pending || pending.text !== text) pending = { text, clientId: Chat.randomId() };
    // Offline, reconnecting, or behind messages that still wait: it queues, to keep the order.
    if (navigator.onLine === false || troubled || outbox.queued()) {
      queue(text, pending.clientId);
      pending = null;
      return;
    }
    sending = true;
    sendButton.disabled = true;
    composer.setAttribute("aria-busy", "true");
    const res = await post(text, pending.clientId);
    sending = false;
    composer.removeAttribute("aria-busy");
    sendButton.disabled = !!(me && me.banned);
    if (!res) {
      // Out of reach: the message waits in the outbox (same client_id) and goes when the server answers.
      queue(text, pending.clientId);
      pending = null;
      return;
    }
    const code = Chat.errorCode(res);
    if ((res.status === 201 || res.status === 200) && res.data && res.data.message) {
      pending = null;
      reads.watch(list.add([res.data.message]));
      reads.draw();
      list.scrollToBottom(false);
      readAll();
      if (bodyInput.value === text) bodyInput.value = "";
      updateCounter();
      autosize();
      if (!composer.hidden) bodyInput.focus();
    } else if (code === "unauthorized") {
      // The server no longer knows this browser's token (a reset database, cleared data, …).
      me = null;
      save();
      showForms();
      announce("me");
      Chat.say(joinNotice, "Your nickname for this room is no longer valid here, so your message was not sent. Choose a nickname to join again; your message is kept.");
      nicknameInput.focus();
    } else if (code === "banned" || code === "event_closed") {
      // Refused for good: the message is shown as not sent, with the reason, to retry or discard.
      queue(text, pending.clientId);
      pending = null;
    } else if (code === "not_open") {
      Chat.say(sendError, "The chat has not opened yet; your message is kept until it does.");
    } else if (code === "rate_limited") {
      rateLimited(Chat.retryAfter(res));
    } else {
      Chat.say(sendError, Chat.errorMessage(res));
    }
  });

  // Enter sends, Shift+Enter starts a new line (and Enter while composing with an IME does not send).
  bodyInput.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
      ev.preventDefault();
      if (!sending) (composer.requestSubmit ? composer.requestSubmit() : sendButton.click());
    }
  });

  // --- the outbox: messages not yet accepted by the server -----------------------------------
  let outboxWhy = null; // why sending waits: "offline", "network", "rate", "nickname", "not_open"
  const outbox = new Chat.Outbox(slug, {
    token: () => (me ? me.token : null),
    changed: (entries, sendingId) => renderOutbox(entries, sendingId),
    sent: (entry, item) => {
      reads.watch(list.add([item]));
      reads.draw();
    },
    refused: (entry) => {
      const code = entry.error && entry.error.code;
      if (code === "unauthorized" && me) {
        me = null;
        save();
        showForms();
        announce("me");
        Chat.say(joinNotice, "Your nickname for this room is no longer valid here, so your messages were not sent. Choose a nickname to join again, then retry them.");
      } else if (code === "banned" && me && !me.banned) {
        me.banned = true;
        save();
        showForms();
      } else if (code === "event_closed" && state !== "closed") {
        setState("closed");
      }
    },
    waiting: (why) => {
      outboxWhy = why;
      for (const li of messages.querySelectorAll(":scope > li.outgoing")) describeOutgoing(li);
    },
  });

  const SEND_STATE = {
    sending: "Sending…",
    offline: "Waiting for the network…",
    network: "Waiting for the server…",
    rate: "Waiting a moment (sending too fast)…",
    nickname: "Waiting for a nickname…",
    not_open: "Waiting for the chat to open…",
  };

  function describeOutgoing(li) {
    const failed = li.classList.contains("failed");
    const why = li.classList.contains("sending") ? "sending" : outboxWhy || (navigator.onLine === false ? "offline" : "sending");
    li.querySelector(".send-state").textContent = failed ? "Not sent" : SEND_STATE[why] || SEND_STATE.sending;
  }

  function buildOutgoing(entry) {
    const li = document.createElement("li");
    li.className = "item message mine outgoing";
    li.dataset.clientId = entry.clientId;
    const nickname = me ? me.nickname : "You";
    li.dataset.author = me ? "p" + me.id : "me";
    li.dataset.at = String(Math.floor(entry.seq));
    const avatar = document.createElement("span");
    avatar.className = "avatar";
    avatar.dataset.hue = String(Chat.hueOf(nickname));
    avatar.setAttribute("aria-hidden", "true");
    avatar.textContent = (Array.from(nickname.trim())[0] || "?").toUpperCase();
    const meta = document.createElement("div");
    meta.className = "meta";
    const author = document.createElement("span");
    author.className = "author";
    author.dataset.hue = avatar.dataset.hue;
    author.textContent = nickname;
    const sendState = document.createElement("span");
    sendState.className = "send-state";
    meta.append(author, sendState);
    const body = document.createElement("div");
    body.className = "body";
    Chat.linkify(body, entry.body);
    const failure = document.createElement("div");
    failure.className = "send-failure";
    const why = document.createElement("span");
    why.className = "reason";
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "small-button";
    retry.dataset.action = "retry";
    retry.textContent = "Retry";
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "small-button danger-button";
    discard.dataset.action = "discard";
    discard.textContent = "Discard";
    const actions = document.createElement("span");
    actions.className = "actions";
    actions.append(retry, discard);
    failure.append(why, actions);
    li.append(avatar, meta, body, failure);
    return li;
  }

  /** Show the outbox under the conversation: pending (with why it waits) or failed (with why). */
  function renderOutbox(entries, sendingId) {
    const stick = list.nearBottom();
    const shown = new Map(Array.from(messages.querySelectorAll(":scope > li.outgoing"), (li) => [li.dataset.clientId, li]));
    const wanted = [];
    for (const entry of entries) {
      let li = shown.get(entry.clientId);
      shown.delete(entry.clientId);
      if (!li) li = buildOutgoing(entry);
      const failed = entry.status === "failed";
      li.classList.toggle("failed", failed);
      li.classList.toggle("pending", !failed);
      li.classList.toggle("sending", !failed && entry.clientId === sendingId);
      li.querySelector(".send-failure").hidden = !failed;
      li.querySelector(".reason").textContent = failed && entry.error ? entry.error.message : "";
      describeOutgoing(li);
      wanted.push(li);
    }
    for (const li of shown.values()) li.remove();
    // In the order written, below every item from the server.
    const current = Array.from(messages.querySelectorAll(":scope > li.outgoing"));
    if (wanted.some((li, i) => current[i] !== li) || messages.lastElementChild !== (wanted[wanted.length - 1] || messages.lastElementChild)) {
      for (const li of wanted) messages.append(li);
    }
    for (const li of wanted) {
      list.regroup(li);
      if (li.classList.contains("failed")) li.classList.remove("cont"); // each refusal stands on its own
    }
    if (stick) list.scrollToBottom(false);
  }

  messages.addEventListener("click", (ev) => {
    const button = ev.target.closest("li.outgoing button[data-action]");
    if (!button) return;
    const li = button.closest("li.outgoing");
    if (button.dataset.action === "retry") {
      outbox.retry(li.dataset.clientId);
    } else {
      // The next message (or the composer) takes the focus the removed button had.
      const next = li.nextElementSibling && li.nextElementSibling.querySelector("button[data-action]");
      outbox.discard(li.dataset.clientId);
      if (next) next.focus();
      else (composer.hidden || bodyInput.disabled ? messages : bodyInput).focus({ preventScroll: true });
    }
  });

  window.addEventListener("online", () => outbox.flush());
  window.addEventListener("offline", () => {
    outboxWhy = "offline";
    for (const li of messages.querySelectorAll(":scope > li.outgoing")) describeOutgoing(li);
  });

  // --- notifications: the settings menu -------------------------------------------------------
  notifier.bindMenu({ badge: $("set-badge"), desktop: $("set-desktop"), sound: $("set-sound"), status: $("alerts-status") });
  const alerts = $("alerts");
  document.addEventListener("click", (ev) => {
    if (alerts.open && !alerts.contains(ev.target)) alerts.open = false;
  });
  alerts.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && alerts.open) {
      alerts.open = false;
      alerts.querySelector("summary").focus();
    }
  });

  // --- what other scripts of the page may ask of the room (embed.js) ------------------------
  Chat.room = {
    slug,
    state: () => state,
    /** {id, nickname, banned} of the reader, or null before joining. */
    me: () => (me ? { id: me.id, nickname: me.nickname, banned: !!me.banned } : null),
    /** Join as `nickname` (a different name replaces the current one, only once the server agrees). */
    async useNickname(nickname) {
      const name = String(nickname || "").trim();
      if (me && me.nickname.toLowerCase() === name.toLowerCase()) return { ok: true };
      if (!name) return { ok: false, code: "invalid_request", message: "The nickname is empty." };
      const result = await join(name);
      if (!result.ok) {
        nicknameInput.value = name; // shown ready to change, with why it was refused
        joinRefused(name, result);
      }
      return result;
    },
    /** Put a suggested nickname in the join form (it is not sent until the reader joins). */
    suggestNickname(nickname) {
      if (!me && !nicknameInput.value) nicknameInput.value = String(nickname || "").slice(0, 32);
    },
    /** Whether the reader can see the room now (the chat bar's panel open or collapsed). */
    setOnScreen(shown) {
      const was = onScreen;
      onScreen = !!shown;
      if (onScreen && !was) {
        if (!unread) list.scrollToBottom(false);
        reads.consider();
      }
    },
  };

  // --- start ----------------------------------------------------------------------------------
  setState(state);
  if (state === "open") loadParticipants();
  if (state !== "closed") {
    countdown();
    setInterval(countdown, 1000);
    stream.start(me ? me.token : null);
    outbox.load();
  } else if (Chat.db) {
    // Messages written here that never reached the server before the event closed (offline the
    // whole time): show the conversation with them, marked as not sent, rather than lose them.
    Chat.db.outbox.list(slug).then((entries) => {
      if (!entries || !entries.length) return;
      chatShown = true;
      setState("closed");
      stream.start(me ? me.token : null);
      outbox.load();
    });
  }
  Chat.keepOffline(workerUrl ? [workerUrl] : []);
})();
