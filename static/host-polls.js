// The host console's polls: the form that opens one (a question, 2 to 10 options in rows the host
// adds and removes, one choice or several, when the results show), the open polls with "Close poll",
// and each poll as a card in the console's live list with its counts (the hosts always see them:
// their stream carries the `votes` items the results option keeps from the room). The card is
// poll-card.js's, the data poll-model.js's.

import { errorMessage } from "./api.js";
import { say } from "./dom.js";
import { make } from "./el.js";
import { hostCall } from "./host-call.js";
import { t } from "./i18n.js";
import { drawPoll, pollBox } from "./poll-card.js";
import { PollTable } from "./poll-model.js";

const MIN = 2;
const MAX = 10;
const TEXT = {
  // Translators: the placeholder of an option's box in the host's poll form; {n} is its number.
  option: (n) => t("Option {n}", { n }),
  remove: t("Remove"),
  removeLabel: (n) => t("Remove option {n}", { n }),
  needQuestion: t("Write the question first."),
  needOptions: t("Write at least two options."),
  opened: t("The poll is open: everyone in the room sees it."),
  // Translators: a button beside an open poll in the host console.
  close: t("Close poll"),
  closeLabel: (question) => t("Close the poll “{question}”", { question }),
  closed: t("The poll is closed: everyone sees its final results."),
  tooLate: t("The event is closed: no polls now."),
};

export class HostPolls {
  /** path: the event's API path; host: state(). */
  constructor(path, host) {
    const $ = (id) => document.getElementById(id);
    Object.assign(this, { path, host, $ });
    this.table = new PollTable({ staff: true });
    this.boxes = new Map(); // poll id → its card in the live list
    this.form = $("poll-form");
    this.rows = $("poll-rows");
    this.status = $("poll-status");
    this.error = $("poll-error");
    if (!this.form) return;
    for (let n = 0; n < MIN; n++) this.addRow();
    $("poll-add").addEventListener("click", () => this.addRow().focus());
    this.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.open();
    });
  }

  /** One more option row (an input and its Remove button); returns the input. */
  addRow() {
    const row = make("li", "poll-row");
    const input = make("input");
    input.type = "text";
    input.maxLength = 200;
    input.dir = "auto";
    input.autocomplete = "off";
    const remove = make("button", "secondary-button", TEXT.remove);
    remove.type = "button";
    remove.addEventListener("click", () => {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      this.renumber();
      if (next) next.querySelector("input").focus();
    });
    row.append(input, remove);
    this.rows.append(row);
    this.renumber();
    return input;
  }

  /** Placeholders and labels by position; Remove only above two rows, Add only below ten. */
  renumber() {
    const rows = [...this.rows.children];
    rows.forEach((row, i) => {
      const input = row.querySelector("input");
      input.placeholder = TEXT.option(i + 1);
      input.setAttribute("aria-label", TEXT.option(i + 1));
      const remove = row.querySelector("button");
      remove.setAttribute("aria-label", TEXT.removeLabel(i + 1));
      remove.hidden = rows.length <= MIN;
    });
    this.$("poll-add").hidden = rows.length >= MAX;
  }

  async open() {
    say(this.status, "");
    say(this.error, "");
    if (this.host.state() === "closed") return say(this.error, TEXT.tooLate);
    const question = this.$("poll-question").value.trim();
    const options = [...this.rows.querySelectorAll("input")].map((i) => i.value.trim()).filter(Boolean);
    if (!question) {
      say(this.error, TEXT.needQuestion);
      return this.$("poll-question").focus();
    }
    if (options.length < MIN) {
      say(this.error, TEXT.needOptions);
      return [...this.rows.querySelectorAll("input")].find((i) => !i.value.trim()).focus();
    }
    const body = { question, options, multiple: this.$("poll-multiple").checked, results: this.$("poll-results").value };
    const button = this.form.querySelector("button[type=submit]");
    button.disabled = true;
    const res = await hostCall("POST", `${this.path}/polls`, body);
    button.disabled = this.host.state() === "closed";
    if (res.status !== 201 || !res.data || !res.data.poll) return say(this.error, errorMessage(res));
    this.table.put(res.data.poll);
    this.form.reset();
    this.rows.replaceChildren();
    for (let n = 0; n < MIN; n++) this.addRow();
    say(this.status, TEXT.opened, "ok");
    this.listOpen();
  }

  async close(id, button) {
    button.disabled = true;
    const res = await hostCall("POST", `${this.path}/polls/${id}/close`);
    if (res.status !== 200 || !res.data || !res.data.poll) {
      button.disabled = false;
      return say(this.error, errorMessage(res));
    }
    this.table.put(res.data.poll);
    this.draw(id);
    this.listOpen();
    say(this.status, TEXT.closed, "ok");
  }

  /** The live list's card option: a `poll` item's card, with its counts. */
  card(item) {
    if (!item || item.kind !== "poll") return null;
    if (!this.table.get(item.id) || !this.table.get(item.id).question) this.table.take([item]);
    const box = pollBox(item.id);
    this.boxes.set(item.id, box);
    this.draw(item.id);
    return box;
  }

  /** Stream items (the hosts'): the poll kinds folded in, the cards and the open list follow. */
  take(items) {
    const changed = this.table.take(items);
    for (const id of changed) this.draw(id);
    if (changed.length) this.listOpen();
  }

  draw(id) {
    const box = this.boxes.get(id);
    const poll = this.table.get(id);
    if (box && poll) drawPoll(box, poll, this.table, { voting: "host" });
  }

  /** The open polls, each with its Close button. */
  listOpen() {
    const closed = this.host.state() === "closed";
    const open = closed ? [] : this.table.open().filter((p) => p.question);
    const ul = this.$("open-polls");
    ul.replaceChildren(...open.map((poll) => {
      const li = make("li", "open-poll");
      const question = make("span", "open-poll-question", poll.question);
      question.dir = "auto";
      const button = make("button", "secondary-button", TEXT.close);
      button.type = "button";
      button.dataset.closePoll = String(poll.id);
      button.setAttribute("aria-label", TEXT.closeLabel(poll.question));
      button.addEventListener("click", () => this.close(poll.id, button));
      li.append(question, button);
      return li;
    }));
    this.$("open-polls-empty").hidden = open.length > 0;
  }

  /** The event closed: every poll ended with it; nothing to open or close any more. */
  closed() {
    for (const poll of this.table.byId.values()) poll.closed = true;
    for (const id of this.boxes.keys()) this.draw(id);
    for (const el of this.form.elements) el.disabled = true;
    this.listOpen();
  }

  /** The stream is read again from the start. */
  clear() {
    this.boxes.clear();
  }
}
