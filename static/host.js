// The host console. The host key comes from the URL fragment (#key=...), which browsers never send
// to the server; it travels only in the Authorization header of the host's API calls.
"use strict";

(function () {
  const root = document.getElementById("host");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const slug = root.dataset.slug;
  const base = `/api/events/${encodeURIComponent(slug)}`;
  const LABELS = { scheduled: "Not started", open: "Open", closed: "Closed" };
  const PEOPLE_EVERY = 10000;

  const consoleEl = $("console");
  const editForm = $("edit");
  const f = editForm.elements;

  function readKey() {
    const value = new URLSearchParams(location.hash.slice(1)).get("key");
    return value ? value.trim() : "";
  }
  const key = readKey();
  // Another host link pasted into this tab changes only the fragment: start again with it.
  window.addEventListener("hashchange", () => {
    if (readKey() !== key) location.reload();
  });

  let state = root.dataset.state;
  let event = null;
  const banned = new Set(); // participant ids the host has banned

  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    zone = "";
  }
  if (zone) $("edit-zone").textContent = `Times are in your time zone, ${zone}.`;

  // --- the key --------------------------------------------------------------------------------
  const WRONG_KEY = [
    "This host key is wrong",
    "The key in this link does not belong to this event, so nothing can be changed with it. " +
      "Open the complete host link you saved when you scheduled the event; if you copied it by hand, " +
      "check that nothing was cut off at the end.",
  ];

  function keyProblem(heading, text) {
    $("key-checking").hidden = true;
    consoleEl.hidden = true;
    $("key-problem-heading").textContent = heading;
    $("key-problem-text").textContent = text;
    $("key-problem").hidden = false;
    stream.stop();
  }

  /** A call with the host key. A refused key is said plainly; a closed event makes the console read-only. */
  async function hostCall(method, path, body) {
    let res;
    try {
      res = await Chat.api(method, path, body, key, { timeout: 20000 });
    } catch (e) {
      return { status: 0, data: { error: { message: "The server could not be reached. Check your connection and try again." } } };
    }
    if (res.status === 403) keyProblem(...WRONG_KEY);
    else if (Chat.errorCode(res) === "event_closed") refreshEvent();
    return res;
  }

  Chat.hostCall = hostCall; // the console's other parts (host-embed.js) change the event with the key

  // --- a confirmation dialog --------------------------------------------------------------------
  function confirmAction(title, text, okLabel) {
    const dialog = $("confirm");
    if (typeof dialog.showModal !== "function") return Promise.resolve(window.confirm(`${title}\n\n${text}`));
    $("confirm-title").textContent = title;
    $("confirm-text").textContent = text;
    $("confirm-ok").textContent = okLabel;
    dialog.returnValue = "";
    dialog.showModal();
    $("confirm-cancel").focus(); // the safe choice is the default
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    });
  }

  // --- the event ------------------------------------------------------------------------------
  function showEvent(ev) {
    event = ev;
    $("host-title").textContent = ev.title;
    document.title = `Host: ${ev.title} · chatserver`;
    $("host-starts").setAttribute("datetime", ev.starts_at);
    $("host-ends").setAttribute("datetime", ev.closed_at || ev.ends_at);
    Chat.localTimes(root.querySelector(".event-head"));
    f.title.value = ev.title;
    f.description.value = ev.description || "";
    f.starts_at.value = Chat.toLocalInput(new Date(ev.starts_at));
    f.ends_at.value = Chat.toLocalInput(new Date(ev.ends_at));
    f.listed.checked = !!ev.listed;
    setState(ev.state || state);
    root.dispatchEvent(new CustomEvent("host:event", { detail: ev })); // for host-embed.js
  }

  async function refreshEvent() {
    try {
      const res = await Chat.api("GET", base);
      if (res.status === 200 && res.data && res.data.event) showEvent(res.data.event);
    } catch (e) {
      // The stream reports connection trouble.
    }
  }

  function setState(next) {
    if (!LABELS[next]) return;
    const changed = next !== state;
    state = next;
    root.dataset.state = next;
    const badge = $("state-badge");
    badge.textContent = LABELS[next];
    badge.className = "badge state-" + next;
    const closed = next === "closed";
    f.starts_at.disabled = next !== "scheduled";
    $("e-starts-note").hidden = next !== "open";
    // Nothing can change once the event is closed: the console stays for reading.
    for (const el of root.querySelectorAll("#edit input, #edit textarea, #edit button, #announce textarea, #announce button, #close-now, .actions button, .host-people button")) {
      if (closed) el.disabled = true;
    }
    $("closed-note").hidden = !closed;
    helpText();
    if (closed) {
      $("close-heading").textContent = "Closed";
      const at = event && (event.closed_at || event.ends_at);
      $("close-help").textContent = at
        ? `The event has been closed since ${Chat.formatTime(new Date(at))}. Its details can no longer change; the transcript stays available.`
        : "The event is closed. Its details can no longer change; the transcript stays available.";
      $("close-now").hidden = true;
      Chat.say($("announce-status"), "");
    }
    if (changed) {
      if (closed) refreshEvent();
      updateEmpty();
      loadParticipants();
    }
  }

  // --- editing ----------------------------------------------------------------------------------
  const FIELDS = {
    title: { error: "e-title-error", control: () => f.title },
    description: { error: "e-description-error", control: () => f.description },
    starts_at: { error: "e-starts-error", control: () => f.starts_at },
    ends_at: { error: "e-ends-error", control: () => f.ends_at },
  };

  function fieldError(name, message) {
    const spec = FIELDS[name];
    Chat.say($(spec.error), message);
    if (message) spec.control().setAttribute("aria-invalid", "true");
    else spec.control().removeAttribute("aria-invalid");
  }

  for (const name of Object.keys(FIELDS)) {
    FIELDS[name].control().addEventListener("input", () => fieldError(name, ""));
  }

  editForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const status = $("edit-status");
    Chat.say(status, "");
    for (const name of Object.keys(FIELDS)) fieldError(name, "");
    if (!event) return;
    const changes = {};
    const title = f.title.value.trim();
    if (!title) {
      fieldError("title", "Give the event a title.");
      return f.title.focus();
    }
    if (title !== event.title) changes.title = title;
    if (f.description.value !== (event.description || "")) changes.description = f.description.value;
    if (f.listed.checked !== !!event.listed) changes.listed = f.listed.checked;
    // Only send a time the host changed: the inputs show minutes, the stored time may not be round.
    for (const name of ["starts_at", "ends_at"]) {
      if (f[name].disabled) continue;
      if (f[name].value !== Chat.toLocalInput(new Date(event[name]))) {
        const date = Chat.fromLocalInput(f[name].value);
        if (!date) {
          fieldError(name, `Choose when the event ${name === "starts_at" ? "starts" : "ends"}.`);
          return f[name].focus();
        }
        changes[name] = Chat.toOffsetISO(date);
      }
    }
    if (Object.keys(changes).length === 0) return Chat.say(status, "Nothing has changed.");
    const button = editForm.querySelector("button[type=submit]");
    button.disabled = true;
    const res = await hostCall("PATCH", base, changes);
    button.disabled = state === "closed";
    if (res.status === 200 && res.data && res.data.event) {
      showEvent(res.data.event);
      Chat.say(status, "Saved. Everyone sees the new details.", "ok");
    } else if (res.status !== 403) {
      const message = Chat.errorMessage(res);
      const field = res.status === 400 ? Chat.fieldNamed(message, Object.keys(FIELDS)) : null;
      if (field) {
        fieldError(field, Chat.humaneFields(message));
        FIELDS[field].control().focus();
      } else {
        Chat.say(status, Chat.humaneFields(message), "error");
      }
    }
  });

  $("close-now").addEventListener("click", async () => {
    const ok = await confirmAction(
      "Close the event now?",
      "Everyone in the room sees that it has ended and nobody can post any more. This cannot be undone.",
      "Close the event",
    );
    if (!ok) return;
    const res = await hostCall("POST", base + "/close");
    if (res.status === 200 && res.data && res.data.event) {
      showEvent(res.data.event);
      $("close-heading").focus();
    } else if (res.status !== 403 && Chat.errorCode(res) !== "event_closed") {
      Chat.say($("close-status"), Chat.errorMessage(res), "error");
    }
  });
  $("close-heading").tabIndex = -1;

  // --- announcements ------------------------------------------------------------------------------
  const announceForm = $("announce");
  const announceInput = $("announce-body");
  announceForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const status = $("announce-status");
    const text = announceInput.value;
    if (!text.trim()) {
      Chat.say(status, "Write the announcement first.", "error");
      return announceInput.focus();
    }
    const button = announceForm.querySelector("button");
    button.disabled = true;
    const res = await hostCall("POST", base + "/announcements", { body: text });
    button.disabled = state === "closed";
    if (res.status === 201 && res.data && res.data.message) {
      list.add([res.data.message]);
      list.scrollToBottom(false);
      updateEmpty();
      announceInput.value = "";
      Chat.say(status, "Announced to everyone in the room.", "ok");
    } else if (Chat.errorCode(res) === "event_closed") {
      Chat.say(status, "The event is closed: nobody would see an announcement now.", "error");
    } else if (res.status !== 403) {
      Chat.say(status, Chat.errorMessage(res), "error");
    }
  });
  announceInput.addEventListener("input", () => Chat.say($("announce-status"), ""));
  // Ctrl+Enter (or ⌘+Enter) posts; a plain Enter makes a new line, as in any text box.
  announceInput.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      announceForm.requestSubmit();
    }
  });

  // --- the live view: every message with Remove and Ban -----------------------------------------
  function actionButton(text, label, onClick) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "small-button";
    button.textContent = text;
    button.setAttribute("aria-label", label);
    button.disabled = state === "closed";
    button.addEventListener("click", onClick);
    return button;
  }

  function markBanned(pid) {
    banned.add(pid);
    for (const button of root.querySelectorAll(`#messages button[data-ban="${pid}"]`)) {
      button.textContent = "Banned";
      button.disabled = true;
      button.classList.add("done");
    }
  }

  async function retract(li, item, button) {
    button.disabled = true;
    const res = await hostCall("DELETE", `${base}/messages/${item.id}`);
    if (res.status === 200) {
      list.markRemoved(li);
      say(`Removed the message${item.author ? " by " + item.author : ""}.`);
    } else {
      button.disabled = state === "closed";
      if (res.status !== 403 && Chat.errorCode(res) !== "event_closed") say(Chat.errorMessage(res), "error");
    }
  }

  async function ban(pid, nickname, button) {
    const ok = await confirmAction(
      `Ban ${nickname}?`,
      `${nickname} will no longer be able to post in this room. Their messages stay unless you remove them.`,
      `Ban ${nickname}`,
    );
    if (!ok) return;
    if (button) button.disabled = true;
    const res = await hostCall("POST", `${base}/participants/${pid}/ban`);
    if (res.status === 200) {
      markBanned(pid);
      say(`${nickname} is banned.`);
    } else {
      if (button) button.disabled = state === "closed";
      if (res.status !== 403 && Chat.errorCode(res) !== "event_closed") say(Chat.errorMessage(res), "error");
    }
    loadParticipants();
  }

  function say(text, kind) {
    Chat.say($("chat-status"), text, kind);
  }

  const touch = window.matchMedia("(hover: none)");
  function helpText() {
    $("live-help").textContent = state === "closed"
      ? "The chat as it was; the event is closed."
      : touch.matches
      ? "Tap a message to remove it or ban its author."
      : "Point at a message (or tab to it) to remove it or ban its author.";
  }
  helpText();
  if (touch.addEventListener) touch.addEventListener("change", helpText);

  const list = new Chat.ItemList($("messages"), {
    group: true,
    decorate: (li, item) => {
      if (item.kind !== "message" && item.kind !== "announcement") return;
      const actions = document.createElement("div");
      actions.className = "actions";
      const who = item.kind === "announcement" ? "announcement" : `message by ${item.author}`;
      const remove = actionButton("Remove", `Remove this ${who}`, () => retract(li, item, remove));
      remove.dataset.remove = String(item.id);
      actions.append(remove);
      if (item.kind === "message" && typeof item.participant_id === "number") {
        const pid = item.participant_id;
        const banButton = actionButton("Ban", `Ban ${item.author}`, () => ban(pid, item.author, banButton));
        banButton.dataset.ban = String(pid);
        if (banned.has(pid)) {
          banButton.textContent = "Banned";
          banButton.disabled = true;
          banButton.classList.add("done");
        }
        actions.append(banButton);
      }
      li.append(actions);
      // On a touch screen the buttons show for the message tapped last.
      li.addEventListener("click", (ev) => {
        if (!touch.matches || ev.target.closest("a, button")) return;
        const was = li.classList.contains("selected");
        for (const other of root.querySelectorAll("#messages .item.selected")) other.classList.remove("selected");
        li.classList.toggle("selected", !was);
      });
    },
    removed: (li) => {
      const button = li.querySelector("button[data-remove]");
      if (button) button.remove();
    },
  });

  function updateEmpty() {
    const messages = $("messages").querySelectorAll(".item.message").length;
    $("live-count").textContent = messages === 1 ? "1 message" : messages ? `${messages} messages` : "";
    const empty = $("live-empty");
    const anything = $("messages").children.length > 0;
    if (anything) empty.textContent = "";
    else if (state === "scheduled") {
      const at = event ? ` at ${Chat.formatTime(new Date(event.starts_at))}` : "";
      empty.textContent = `The chat opens${at}. Messages appear here as people write.`;
    }
    else empty.textContent = "Nothing has been said yet.";
    empty.hidden = anything;
  }

  const stream = new Chat.Stream(slug, {
    items: (items) => {
      list.add(items);
      for (const item of items) {
        if (item.kind === "system" && item.code === "banned" && typeof item.participant_id === "number") markBanned(item.participant_id);
      }
      updateEmpty();
      if (items.some((i) => i.kind === "system" && (i.code === "joined" || i.code === "banned"))) loadParticipants();
    },
    state: (next) => {
      if (next !== state) setState(next);
    },
    reset: () => {
      list.clear();
      updateEmpty();
    },
    loaded: () => {
      // The history is in: from now on new items are read out, not the whole backlog at once.
      $("messages").setAttribute("aria-live", "polite");
      list.scrollToBottom(false);
      updateEmpty();
    },
    trouble: (info) => {
      const line = $("connection");
      if (!info) return Chat.say(line, "");
      if (info.reason === "gone") return Chat.say(line, "This event no longer exists.", "error");
      const seconds = info.retryAt ? Math.max(1, Math.round((info.retryAt - Date.now()) / 1000)) : null;
      Chat.say(line, `Connection lost. Reconnecting${seconds ? ` in ${seconds} s` : ""}… Actions may fail until then.`, "error");
    },
  });

  // --- people -----------------------------------------------------------------------------------
  let peopleTimer = null;
  let peopleLoading = false;
  async function loadParticipants() {
    if (consoleEl.hidden || peopleLoading) return;
    peopleLoading = true;
    let res = null;
    try {
      res = await Chat.api("GET", base + "/participants", null, null, { timeout: 15000 });
    } catch (e) {
      res = null;
    }
    peopleLoading = false;
    clearTimeout(peopleTimer);
    if (state !== "closed") peopleTimer = setTimeout(loadParticipants, PEOPLE_EVERY);
    if (!res || res.status !== 200 || !res.data || !Array.isArray(res.data.participants)) {
      $("participants-status").textContent = "The list could not be loaded; it is tried again soon.";
      return;
    }
    renderPeople(res.data.participants);
  }

  function renderPeople(people) {
    const closed = state === "closed";
    const sorted = people.slice().sort(Chat.byPresence);
    const ul = $("participants");
    ul.replaceChildren();
    for (const p of sorted) {
      if (p.banned) markBanned(p.id);
      const { li, online } = Chat.personRow(p, closed);
      const tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = p.banned ? "banned" : online ? "online" : "offline";
      li.append(tag);
      if (!p.banned) {
        const button = actionButton("Ban", `Ban ${p.nickname}`, () => ban(p.id, p.nickname, button));
        li.append(button);
      }
      ul.append(li);
    }
    const online = sorted.filter((p) => p.online && !p.banned).length;
    $("people-summary").textContent = people.length
      ? (closed ? `${people.length} took part` : `${online} online · ${people.length} joined`)
      : "";
    $("participants-status").textContent = people.length ? "" : "Nobody has joined yet.";
  }

  // --- start: check the key (GET .../host changes nothing) ----------------------------------------
  async function start() {
    if (!key) {
      return keyProblem(
        "This link has no host key",
        "The host console needs the complete host link you got when you scheduled the event: " +
          "it ends in #key= followed by a long code.",
      );
    }
    $("key-checking").hidden = false;
    let res = null;
    for (let attempt = 0; ; attempt++) {
      try {
        res = await Chat.api("GET", base + "/host", null, key, { timeout: 15000 });
        if (res.status < 500) break;
      } catch (e) {
        res = null;
      }
      $("key-checking").textContent = "The server could not be reached; trying again…";
      await Chat.sleep(Math.min(30000, 1000 * 2 ** attempt));
    }
    $("key-checking").hidden = true;
    if (res.status === 403) return keyProblem(...WRONG_KEY);
    if (res.status === 404) return keyProblem("This event no longer exists", "There is no event at this address any more.");
    if (res.status !== 200 || !res.data || !res.data.event) {
      return keyProblem("The host key could not be checked", Chat.errorMessage(res, "Reload the page to try again."));
    }
    consoleEl.hidden = false;
    showEvent(res.data.event);
    updateEmpty();
    loadParticipants();
    stream.run();
  }

  start();
})();
