// The host console. The host key comes from the URL fragment (#key=...), which browsers never send
// to the server; it travels only in the Authorization header of the host's API calls.
"use strict";

(function () {
  const root = document.getElementById("host");
  if (!root) return;
  const slug = root.dataset.slug;
  const base = `/api/events/${encodeURIComponent(slug)}`;
  const $ = (id) => document.getElementById(id);
  const keyStatus = $("key-status");
  const consoleEl = $("console");
  const editForm = $("edit");
  const fields = editForm.elements;
  const labels = { scheduled: "Not started", open: "Open", closed: "Closed" };
  const key = new URLSearchParams(location.hash.slice(1)).get("key");

  let state = root.dataset.state;
  let event = {
    title: root.dataset.title,
    description: root.dataset.description,
    starts_at: root.dataset.startsAt,
    ends_at: root.dataset.endsAt,
    listed: root.dataset.listed === "true",
  };

  const WRONG_KEY =
    "This host key does not belong to this event, so nothing here will work. " +
    "Open the complete host link you saved when you scheduled the event (it ends in #key=…).";

  /** A host call; says so plainly when the key is refused. */
  async function hostCall(method, path, body) {
    let res;
    try {
      res = await Chat.api(method, path, body, key);
    } catch (e) {
      return { status: 0, data: { error: { message: "The server could not be reached. Check your connection and try again." } } };
    }
    if (res.status === 403) {
      Chat.say(keyStatus, WRONG_KEY, "error");
    } else if (Chat.errorCode(res) === "event_closed") {
      setState("closed");
    }
    return res;
  }

  // --- event details --------------------------------------------------------------------------
  function showEvent(ev) {
    event = ev;
    $("host-title").textContent = ev.title;
    $("host-starts").setAttribute("datetime", ev.starts_at);
    $("host-ends").setAttribute("datetime", ev.closed_at || ev.ends_at);
    Chat.localTimes(root.querySelector(".event-head"));
    fields.title.value = ev.title;
    fields.description.value = ev.description || "";
    fields.starts_at.value = Chat.toLocalInput(new Date(ev.starts_at));
    fields.ends_at.value = Chat.toLocalInput(new Date(ev.ends_at));
    fields.listed.checked = !!ev.listed;
    if (ev.state) setState(ev.state);
  }

  function setState(next) {
    if (!labels[next]) return;
    state = next;
    const badge = $("state-badge");
    badge.textContent = labels[next];
    badge.className = "badge state-" + next;
    fields.starts_at.disabled = next !== "scheduled";
    if (next === "closed") {
      // Nothing can change any more: keep the console for reading only.
      for (const el of document.querySelectorAll("#edit input, #edit textarea, #edit button, #announce textarea, #announce button, #close-now, button.action")) {
        el.disabled = true;
      }
      Chat.say($("close-status"), "The event is closed. The transcript stays available.");
    }
  }

  editForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const status = $("edit-status");
    const changes = {};
    const title = fields.title.value.trim();
    if (title !== event.title) changes.title = title;
    if (fields.description.value !== (event.description || "")) changes.description = fields.description.value;
    if (fields.listed.checked !== !!event.listed) changes.listed = fields.listed.checked;
    // Only send a time the host changed: the inputs show minutes, the stored time may not be round.
    for (const name of ["starts_at", "ends_at"]) {
      if (fields[name].value !== Chat.toLocalInput(new Date(event[name]))) {
        const date = Chat.fromLocalInput(fields[name].value);
        if (!date) return Chat.say(status, `Choose when the event ${name === "starts_at" ? "starts" : "ends"}.`, "error");
        changes[name] = Chat.toOffsetISO(date);
      }
    }
    if (Object.keys(changes).length === 0) return Chat.say(status, "Nothing has changed.");
    const res = await hostCall("PATCH", base, changes);
    if (res.status === 200 && res.data && res.data.event) {
      showEvent(res.data.event);
      Chat.say(status, "Saved.", "ok");
    } else if (res.status !== 403) {
      Chat.say(status, Chat.errorMessage(res), "error");
    } else {
      Chat.say(status, "");
    }
  });

  $("close-now").addEventListener("click", async () => {
    if (!confirm("Close the event now? Nobody will be able to post after this, and it cannot be undone.")) return;
    const res = await hostCall("POST", base + "/close");
    if (res.status === 200 && res.data && res.data.event) {
      showEvent(res.data.event);
    } else if (res.status !== 403 && Chat.errorCode(res) !== "event_closed") {
      Chat.say($("close-status"), Chat.errorMessage(res), "error");
    }
  });

  // --- announcements --------------------------------------------------------------------------
  $("announce").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = $("announce-body");
    const status = $("announce-status");
    const text = input.value;
    if (!text.trim()) return Chat.say(status, "Write the announcement first.", "error");
    const res = await hostCall("POST", base + "/announcements", { body: text });
    if (res.status === 201 && res.data && res.data.message) {
      list.add([res.data.message]);
      input.value = "";
      Chat.say(status, "Announced.", "ok");
    } else if (res.status !== 403 && Chat.errorCode(res) !== "event_closed") {
      Chat.say(status, Chat.errorMessage(res), "error");
    }
  });

  // --- messages, each with a remove button ----------------------------------------------------
  const list = new Chat.ItemList($("messages"), {
    decorate: (li, item) => {
      if (item.kind !== "message" && item.kind !== "announcement") return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "action small-button";
      button.textContent = "Remove";
      button.disabled = state === "closed";
      button.addEventListener("click", async () => {
        button.disabled = true;
        const res = await hostCall("DELETE", `${base}/messages/${item.id}`);
        if (res.status === 200) {
          list.markRemoved(li);
        } else {
          button.disabled = state === "closed";
          if (res.status !== 403 && Chat.errorCode(res) !== "event_closed") {
            Chat.say($("chat-status"), Chat.errorMessage(res));
          }
        }
      });
      li.querySelector(".meta").append(button);
    },
    removed: (li) => {
      const button = li.querySelector("button.action");
      if (button) button.remove();
    },
  });

  // --- participants, each with a ban button ---------------------------------------------------
  let loadingPeople = false;
  async function loadParticipants() {
    if (loadingPeople) return;
    loadingPeople = true;
    let res;
    try {
      res = await Chat.api("GET", base + "/participants");
    } catch (e) {
      res = null;
    }
    loadingPeople = false;
    const status = $("participants-status");
    if (!res || res.status !== 200 || !res.data) {
      status.textContent = "The participant list could not be loaded; trying again soon.";
      return;
    }
    const people = res.data.participants || [];
    status.textContent = people.length ? `${people.filter((p) => p.online).length} of ${people.length} online.` : "Nobody has joined yet.";
    const ul = $("participants");
    ul.replaceChildren();
    for (const p of people) {
      const li = document.createElement("li");
      const dot = document.createElement("span");
      dot.className = "dot" + (p.online ? " online" : "");
      dot.title = p.online ? "online" : "offline";
      const name = document.createElement("span");
      name.className = "nick";
      name.textContent = p.nickname;
      li.append(dot, name);
      if (p.banned) {
        const tag = document.createElement("span");
        tag.className = "muted small";
        tag.textContent = "banned";
        li.append(tag);
      } else {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "action small-button";
        button.textContent = "Ban";
        button.disabled = state === "closed";
        button.addEventListener("click", async () => {
          if (!confirm(`Ban ${p.nickname}? They will no longer be able to post.`)) return;
          button.disabled = true;
          const r = await hostCall("POST", `${base}/participants/${p.id}/ban`);
          if (r.status !== 200 && r.status !== 403 && Chat.errorCode(r) !== "event_closed") {
            status.textContent = Chat.errorMessage(r);
          }
          loadParticipants();
        });
        li.append(button);
      }
      ul.append(li);
    }
  }

  const stream = new Chat.Stream(slug, {
    items: (items) => {
      list.add(items);
      if (items.some((i) => i.kind === "system" && (i.code === "joined" || i.code === "banned"))) loadParticipants();
    },
    state: (next) => {
      if (next !== state) setState(next);
    },
    status: (text) => {
      $("chat-status").textContent = text;
    },
    reset: () => list.clear(),
  });

  // --- start: check the key (GET .../host changes nothing) ------------------------
  async function start() {
    if (!key) {
      Chat.say(keyStatus,
        "This page needs the host link you got when you scheduled the event (the one ending in #key=…). " +
        "Open that link to manage the event.", "error");
      return;
    }
    Chat.say(keyStatus, "Checking the host key…");
    let res;
    for (let attempt = 0; ; attempt++) {
      try {
        res = await Chat.api("GET", base + "/host", null, key);
        if (res.status < 500) break;
      } catch (e) {
        res = null;
      }
      Chat.say(keyStatus, "The server could not be reached; trying again…");
      await Chat.sleep(Math.min(30000, 1000 * 2 ** attempt));
    }
    if (res.status === 403) return Chat.say(keyStatus, WRONG_KEY, "error");
    if (res.status === 404) return Chat.say(keyStatus, "This event no longer exists.", "error");
    Chat.say(keyStatus, "");
    consoleEl.hidden = false;
    if (res.status !== 200) {
      return Chat.say(keyStatus, (res.data && res.data.error && res.data.error.message) ||
        "The server could not check the host key; reload to try again.", "error");
    }
    showEvent(res.data.event);
    loadParticipants();
    setInterval(loadParticipants, 15000);
    stream.run();
  }

  start();
})();
