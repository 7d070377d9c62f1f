// The room: waiting notice with a countdown, then a live chat, then the closed notice.
"use strict";

(function () {
  const root = document.getElementById("room");
  if (!root) return;
  const slug = root.dataset.slug;
  const base = `/api/events/${encodeURIComponent(slug)}`;
  const $ = (id) => document.getElementById(id);
  const waiting = $("waiting");
  const closed = $("closed");
  const chat = $("chat");
  const joinForm = $("join");
  const composer = $("composer");
  const bodyInput = $("body");
  const sendButton = composer.querySelector("button[type=submit]");
  const badge = $("state-badge");
  const chatStatus = $("chat-status");
  const labels = { scheduled: "Not started", open: "Open", closed: "Closed" };

  let state = root.dataset.state;
  let startsAt = Date.parse(root.dataset.startsAt);
  const skew = Date.parse(root.dataset.now) - Date.now(); // server clock minus ours

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

  const list = new Chat.ItemList($("messages"), {
    mine: (item) => me !== null && item.participant_id === me.id,
  });

  // --- what is shown --------------------------------------------------------------------------
  function showForms() {
    const open = state === "open";
    joinForm.hidden = !open || me !== null;
    composer.hidden = !open || me === null;
    if (me) {
      $("me").textContent = me.nickname;
      bodyInput.disabled = !!me.banned;
      sendButton.disabled = !!me.banned;
      if (me.banned) Chat.say($("send-error"), "The host removed you from this room. You can still read along.");
    }
  }

  function setState(next) {
    if (!labels[next]) return;
    const wasScheduled = state === "scheduled";
    state = next;
    root.dataset.state = next;
    badge.textContent = labels[next];
    badge.className = "badge state-" + next;
    waiting.hidden = next !== "scheduled";
    closed.hidden = next !== "closed";
    if (next === "open" || (next === "closed" && !chat.hidden)) chat.hidden = false;
    showForms();
    if (next === "open" && wasScheduled && !me) $("nickname").focus();
  }

  // --- the countdown before the start ---------------------------------------------------------
  function countdown() {
    if (state !== "scheduled") return;
    const left = Math.round((startsAt - (Date.now() + skew)) / 1000);
    const n = (value, unit) => `${value}\u00a0${unit}`;
    let text;
    if (left <= 0) text = "Starting any moment now…";
    else if (left < 60) text = "Starts in " + n(left, "s");
    else if (left < 3600) text = `Starts in ${n(Math.floor(left / 60), "min")} ${n(left % 60, "s")}`;
    else if (left < 86400) text = `Starts in ${n(Math.floor(left / 3600), "h")} ${n(Math.floor((left % 3600) / 60), "min")}`;
    else {
      const days = Math.floor(left / 86400);
      text = `Starts in ${n(days, days === 1 ? "day" : "days")} ${n(Math.floor((left % 86400) / 3600), "h")}`;
    }
    $("countdown").textContent = text;
  }

  // The host may move the times while people wait, or close early: show the event's current times.
  let lastRefresh = Date.now();
  async function refreshEvent(force) {
    if (!force && Date.now() - lastRefresh < 20000) return;
    lastRefresh = Date.now();
    try {
      const res = await Chat.api("GET", base);
      if (res.status === 200 && res.data && res.data.event) {
        const ev = res.data.event;
        startsAt = Date.parse(ev.starts_at);
        for (const t of root.querySelectorAll("time.starts")) t.setAttribute("datetime", ev.starts_at);
        for (const t of root.querySelectorAll("time.ends")) t.setAttribute("datetime", ev.closed_at || ev.ends_at);
        Chat.localTimes(root);
      }
    } catch (e) {
      // The poll reports connection trouble; nothing more to say here.
    }
  }

  // --- the stream -----------------------------------------------------------------------------
  const stream = new Chat.Stream(slug, {
    token: () => (me ? me.token : null),
    items: (items) => {
      list.add(items);
      for (const item of items) {
        if (item.kind === "system" && item.code === "banned" && me && item.participant_id === me.id) {
          me.banned = true;
          save();
          showForms();
        }
      }
    },
    state: (next) => {
      if (next !== state) {
        setState(next);
        refreshEvent(true);
      } else if (next === "scheduled") {
        refreshEvent(false);
      }
    },
    status: (text) => {
      chatStatus.textContent = text;
      $("waiting-status").textContent = text;
    },
    reset: () => list.clear(),
  });

  // --- joining --------------------------------------------------------------------------------
  joinForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const errorEl = $("join-error");
    const nickname = $("nickname").value.trim();
    Chat.say(errorEl, "");
    if (!nickname) return Chat.say(errorEl, "Type a nickname first.");
    const button = joinForm.querySelector("button");
    button.disabled = true;
    let res;
    try {
      res = await Chat.api("POST", base + "/participants", { nickname });
    } catch (e) {
      button.disabled = false;
      return Chat.say(errorEl, "The server could not be reached. Check your connection and try again.");
    }
    button.disabled = false;
    if (res.status === 201 && res.data && res.data.token) {
      me = { id: res.data.participant.id, nickname: res.data.participant.nickname, token: res.data.token };
      save();
      showForms();
      bodyInput.focus();
    } else if (Chat.errorCode(res) === "nickname_taken") {
      Chat.say(errorEl, `Someone in this room is already called “${nickname}” (capital letters do not count as different). Choose another nickname.`);
    } else if (Chat.errorCode(res) === "event_closed") {
      setState("closed");
    } else {
      Chat.say(errorEl, Chat.errorMessage(res));
    }
  });

  $("forget").addEventListener("click", () => {
    me = null;
    save();
    Chat.say($("send-error"), "");
    bodyInput.disabled = false;
    sendButton.disabled = false;
    showForms();
    $("nickname").focus();
  });

  // --- posting --------------------------------------------------------------------------------
  async function post(text) {
    const clientId = Chat.randomId(); // the same id on every retry: the server stores it once
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        const res = await Chat.api("POST", base + "/messages", { body: text, client_id: clientId }, me.token);
        if (res.status < 500) return res;
      } catch (e) {
        // network trouble: retry below
      }
      await Chat.sleep(700 * 2 ** attempt);
    }
    return null;
  }

  composer.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const errorEl = $("send-error");
    const text = bodyInput.value;
    if (!me || !text.trim()) return;
    Chat.say(errorEl, "");
    sendButton.disabled = true;
    const res = await post(text);
    sendButton.disabled = false;
    if (!res) return Chat.say(errorEl, "Your message could not be sent: the server is unreachable. It is still in the box; try again.");
    const code = Chat.errorCode(res);
    if ((res.status === 201 || res.status === 200) && res.data && res.data.message) {
      list.add([res.data.message]);
      list.ol.scrollTop = list.ol.scrollHeight;
      if (bodyInput.value === text) bodyInput.value = "";
      bodyInput.focus();
    } else if (code === "unauthorized") {
      me = null;
      save();
      showForms();
      Chat.say($("join-error"), "This browser's nickname for the room is no longer valid. Choose a nickname to join again.");
    } else if (code === "banned") {
      me.banned = true;
      save();
      showForms();
    } else if (code === "event_closed") {
      setState("closed");
    } else if (code === "rate_limited") {
      const wait = parseInt(res.headers.get("Retry-After") || "", 10);
      Chat.say(errorEl, `You are posting too fast. Wait ${wait > 0 ? wait + " s" : "a moment"} and send again.`);
    } else {
      Chat.say(errorEl, Chat.errorMessage(res));
    }
  });

  // Enter sends, Shift+Enter starts a new line (and Enter while composing with an IME does not send).
  bodyInput.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
      ev.preventDefault();
      if (!sendButton.disabled) (composer.requestSubmit ? composer.requestSubmit() : sendButton.click());
    }
  });

  // --- start ----------------------------------------------------------------------------------
  setState(state);
  if (state !== "closed") {
    countdown();
    setInterval(countdown, 1000);
    stream.run();
  }
})();
