// The console's notices (the host's only): a private note to the people chosen from the room's list
// and to app user ids (who may not have joined yet), and the recent sendings with how many were
// sent, delivered (the person has joined) and read, refreshed after a send and every 10 s while the
// panel is on screen and the tab in view.

import { errorCode, errorMessage, retryAfter } from "./api.js";
import { appendSentence, say } from "./dom.js";
import { fieldError } from "./fields.js";
import { hostCall } from "./host-call.js";
import { verifiedMark } from "./host-thread.js";
import { lang, t, tn } from "./i18n.js";
import { localTimes } from "./time.js";
import { oneAtATime, randomId } from "./util.js";

const TEXT = {
  // Translators: after a notice was sent; {n} is how many people it went to.
  sent: (n) => tn("Sent to {n} person.", "Sent to {n} people.", n),
  // Translators: under the list of people to send a notice to.
  chosen: (n) => tn("{n} person chosen", "{n} people chosen", n),
  noneChosen: t("Nobody chosen yet."),
  noMatch: t("Nobody by that name."),
  nobody: t("Nobody has joined yet."),
  needBody: t("Write the notice first."),
  needWhom: t("Choose someone from the list, or write an app user id."),
  tooFast: (n) => t("Too many notices in a short time: try again in {n} s.", { n }),
  tooLate: t("The event is closed: nobody can post any more."),
  // Translators: one sending of a notice: "3 sent · 2 delivered · 1 read".
  counts: (sent, delivered, read) => t("{sent} · {delivered} · {read}", { sent, delivered, read }),
  // Translators: how many people a notice was sent to.
  sentCount: (n) => tn("{n} sent", "{n} sent", n),
  // Translators: how many of the people a notice was sent to have joined the room (and so received it).
  deliveredCount: (n) => tn("{n} delivered", "{n} delivered", n),
  // Translators: how many of the people a notice was sent to have read it.
  readCount: (n) => tn("{n} read", "{n} read", n),
  // Translators: who sent a notice, after its time.
  by: t("by {name}"),
  none: t("No notice has been sent yet."),
  failed: t("The notices sent could not be loaded; it is tried again soon."),
};
const EVERY = 10000;
const LISTED = 20;
const byName = new Intl.Collator(lang, { sensitivity: "base" });

export class NoticesPanel {
  /** path: the event's API path; host: role(), state(), name() (the name notices go out under). */
  constructor(path, host) {
    const $ = (id) => document.getElementById(id);
    Object.assign(this, { path, host, $ });
    this.form = $("notice-form");
    this.find = $("n-find");
    this.pick = $("n-people");
    this.users = $("n-users");
    this.body = $("n-body");
    this.error = $("notice-error");
    this.status = $("notice-status");
    this.people = []; // not banned, by name
    this.shownPeople = null; // what the list was drawn from
    this.chosen = new Set();
    this.clientId = null;
    this.started = false;
    this.onScreen = false;
    this.load = oneAtATime(() => this.fetch());
    this.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.send();
    });
    this.find.addEventListener("input", () => this.renderPeople(true));
    this.pick.addEventListener("change", (ev) => {
      const box = ev.target;
      if (!box || box.type !== "checkbox") return;
      if (box.checked) this.chosen.add(Number(box.value));
      else this.chosen.delete(Number(box.value));
      this.edited();
      this.showChosen();
    });
    for (const el of [this.users, this.body]) el.addEventListener("input", () => this.edited());
    if (typeof IntersectionObserver === "function") {
      new IntersectionObserver((entries) => {
        const was = this.onScreen;
        this.onScreen = entries.some((e) => e.isIntersecting);
        if (this.onScreen && !was) this.refresh();
      }).observe($("notices"));
    } else {
      this.onScreen = true;
    }
    document.addEventListener("visibilitychange", () => this.refresh());
    setInterval(() => this.refresh(), EVERY);
  }

  /** The key check is done: for the host, load the sendings (a moderator has no such panel). */
  start() {
    this.started = this.host.role() === "host";
    this.enable();
    if (this.started) this.load();
  }

  refresh() {
    if (this.started && this.onScreen && !document.hidden) this.load();
  }

  enable() {
    const closed = this.host.state() === "closed";
    for (const el of this.form.elements) el.disabled = closed;
  }

  /** The people list as loaded (all of it): the banned cannot be chosen. */
  setPeople(people) {
    this.people = people.filter((p) => p && Number.isInteger(p.id) && !p.banned)
      .map((p) => ({ id: p.id, nickname: String(p.nickname || ""), verified: p.verified === true }))
      .sort((a, b) => byName.compare(a.nickname, b.nickname));
    this.renderPeople(false);
  }

  renderPeople(force) {
    const query = this.find.value.trim().toLocaleLowerCase(lang);
    const shown = query ? this.people.filter((p) => p.nickname.toLocaleLowerCase(lang).includes(query)) : this.people;
    const drawn = JSON.stringify([query, shown]);
    if (drawn === this.shownPeople && !force) return;
    this.shownPeople = drawn;
    const focused = this.pick.contains(document.activeElement) ? document.activeElement.value : null;
    this.pick.replaceChildren(...shown.map((p) => {
      const li = document.createElement("li");
      const label = document.createElement("label");
      label.className = "check";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = String(p.id);
      box.checked = this.chosen.has(p.id);
      box.disabled = this.host.state() === "closed";
      const name = document.createElement("bdi");
      name.textContent = p.nickname;
      label.append(box, name);
      if (p.verified) label.append(verifiedMark());
      li.append(label);
      return li;
    }));
    if (focused) {
      const again = this.pick.querySelector(`input[value="${focused}"]`);
      if (again) again.focus();
    }
    if (!shown.length) {
      const li = document.createElement("li");
      li.className = "muted small";
      li.textContent = this.people.length ? TEXT.noMatch : TEXT.nobody;
      this.pick.append(li);
    }
    this.showChosen();
  }

  showChosen() {
    const n = this.chosen.size;
    this.$("n-chosen").textContent = n ? TEXT.chosen(n) : TEXT.noneChosen;
  }

  /** Something changed in the form: another notice now, and the last outcome no longer applies. */
  edited() {
    this.clientId = null;
    fieldError(this.error, [this.users, this.body, this.find], "");
    say(this.status, "");
  }

  async send() {
    this.edited();
    const body = this.body.value;
    const users = [...new Set(this.users.value.split("\n").map((u) => u.trim()).filter(Boolean))];
    const participants = [...this.chosen];
    if (!participants.length && !users.length) {
      fieldError(this.error, [this.find, this.users], TEXT.needWhom);
      return this.find.focus();
    }
    if (!body.trim()) {
      fieldError(this.error, [this.body], TEXT.needBody);
      return this.body.focus();
    }
    this.clientId = this.clientId || randomId();
    const request = { body, client_id: this.clientId };
    if (participants.length) request.participants = participants;
    if (users.length) request.users = users;
    const name = this.host.name();
    if (name) request.name = name;
    const button = this.form.querySelector("button[type=submit]");
    button.disabled = true;
    const res = await hostCall("POST", this.path + "/notices", request);
    button.disabled = this.host.state() === "closed";
    if ((res.status === 201 || res.status === 200) && res.data && typeof res.data.sent === "number") {
      this.clientId = null;
      this.body.value = "";
      this.users.value = "";
      this.find.value = "";
      this.chosen.clear();
      this.renderPeople(true);
      say(this.status, TEXT.sent(res.data.sent), "ok");
      this.load();
    } else if (res.status === 429) {
      fieldError(this.error, [], errorMessage(res, TEXT.tooFast(retryAfter(res) || 60)));
    } else if (errorCode(res) === "event_closed") {
      fieldError(this.error, [], TEXT.tooLate);
    } else if (res.status !== 403 || res.keyWorks) {
      const message = errorMessage(res);
      const about = /\busers\b/.test(message) ? [this.users] : /\bparticipants\b/.test(message) ? [this.find] : /\bbody\b/.test(message) ? [this.body] : [];
      fieldError(this.error, about, message);
    }
  }

  async fetch() {
    const res = await hostCall("GET", `${this.path}/notices?limit=${LISTED}`);
    const status = this.$("sent-status");
    if (res.status === 200 && res.data && Array.isArray(res.data.notices)) {
      this.render(res.data.notices.filter((n) => n && typeof n.id === "number"));
      status.textContent = res.data.notices.length ? "" : TEXT.none;
    } else if (res.status !== 403 || res.keyWorks) {
      status.textContent = TEXT.failed;
    }
  }

  render(notices) {
    const list = this.$("sent-notices");
    list.replaceChildren(...notices.map((n) => {
      const li = document.createElement("li");
      li.dataset.id = String(n.id);
      const body = document.createElement("p");
      body.className = "sent-body";
      body.dir = "auto";
      body.textContent = String(n.body || "");
      const meta = document.createElement("p");
      meta.className = "sent-meta";
      const time = document.createElement("time");
      time.setAttribute("datetime", String(n.created_at || ""));
      time.dataset.local = "auto";
      meta.append(time);
      if (n.author) {
        const by = document.createElement("span");
        appendSentence(by, TEXT.by, { name: String(n.author) });
        meta.append(by);
      }
      const counts = document.createElement("span");
      counts.className = "sent-counts";
      counts.textContent = TEXT.counts(TEXT.sentCount(n.sent | 0), TEXT.deliveredCount(n.delivered | 0), TEXT.readCount(n.read | 0));
      meta.append(counts);
      li.append(body, meta);
      return li;
    }));
    localTimes(list);
  }
}
