// The host's moderators: add one by name (their link is shown once, to copy and send them), see who
// moderates, and revoke a link. Only the host's own key may do this; a moderator never sees the panel.

import { errorCode, errorMessage } from "./api.js";
import { confirmAction } from "./dialog.js";
import { appendSentence, copyFrom, origin, say } from "./dom.js";
import { fieldError } from "./fields.js";
import { hostCall } from "./host-call.js";
import { t } from "./i18n.js";
import { formatTime } from "./time.js";

const TEXT = {
  none: t("No moderators yet."),
  failed: t("The moderators could not be loaded; reload the page to try again."),
  needName: t("Give the moderator a name."),
  // Translators: the label of the link just made for a moderator; {name} is their name.
  linkFor: t("Moderator link for {name}"),
  // Translators: beside a moderator's name in the console; {time} is when the host added them.
  since: (time) => t("added {time}", { time }),
  // Translators: a button beside a moderator's name: their link stops working.
  revoke: t("Revoke"),
  revokeLabel: (name) => t("Revoke the link of {name}", { name }),
  revokeTitle: (name) => t("Revoke the link of {name}?", { name }),
  revokeText: t("Their console stops working at once and the link cannot be used again. You can add them again, with a new link."),
  revoked: (name) => t("The link of {name} no longer works.", { name }),
};

export class ModeratorsPanel {
  /** path: the event's API path; host: state(). */
  constructor(path, host) {
    const $ = (id) => document.getElementById(id);
    Object.assign(this, { path, host, $ });
    this.list = $("moderators");
    this.status = $("moderators-status");
    this.name = $("m-name");
    this.shownId = null; // the moderator whose link is shown
    $("add-moderator").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.add();
    });
    this.name.addEventListener("input", () => this.nameError(""));
    $("moderator-copy").addEventListener("click", (ev) => copyFrom(ev.currentTarget));
    $("new-moderator-done").addEventListener("click", () => {
      this.hideLink();
      this.name.focus();
    });
  }

  nameError(message) {
    fieldError(this.$("m-name-error"), [this.name], message);
  }

  async load() {
    const res = await hostCall("GET", this.path + "/moderators");
    if (res.status === 200 && res.data && Array.isArray(res.data.moderators)) this.render(res.data.moderators);
    else if (res.status !== 403 || res.keyWorks) say(this.status, TEXT.failed);
  }

  render(moderators) {
    this.list.replaceChildren(...moderators.map((m) => this.row(m)));
    say(this.status, moderators.length ? "" : TEXT.none);
  }

  row(m) {
    const li = document.createElement("li");
    li.dataset.id = String(m.id);
    const name = document.createElement("bdi");
    name.className = "nick";
    name.textContent = m.name;
    li.append(name);
    const at = Date.parse(m.created_at);
    if (at) {
      const since = document.createElement("span");
      since.className = "tag";
      since.textContent = TEXT.since(formatTime(new Date(at)));
      li.append(since);
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "small-button revoke";
    button.textContent = TEXT.revoke;
    button.setAttribute("aria-label", TEXT.revokeLabel(m.name));
    button.addEventListener("click", () => this.revoke(m, button));
    li.append(button);
    return li;
  }

  async add() {
    const name = this.name.value.trim();
    this.nameError("");
    say(this.status, "");
    if (!name) {
      this.nameError(TEXT.needName);
      return this.name.focus();
    }
    const button = this.$("add-moderator").querySelector("button[type=submit]");
    button.disabled = true;
    const res = await hostCall("POST", this.path + "/moderators", { name });
    button.disabled = this.host.state() === "closed";
    if (res.status === 201 && res.data && res.data.moderator && res.data.link) {
      this.name.value = "";
      this.list.append(this.row(res.data.moderator));
      say(this.status, "");
      this.showLink(res.data.moderator, new URL(res.data.link, origin()).href);
    } else if ((res.status !== 403 || res.keyWorks) && errorCode(res) !== "event_closed") {
      this.nameError(errorMessage(res));
      this.name.focus();
    }
  }

  /** The new moderator's link, this once: it is not kept anywhere and cannot be shown again. */
  showLink(moderator, link) {
    const label = this.$("moderator-link-label");
    label.replaceChildren();
    appendSentence(label, TEXT.linkFor, { name: moderator.name });
    const input = this.$("moderator-link");
    input.value = link;
    this.shownId = moderator.id;
    this.$("new-moderator").hidden = false;
    input.focus();
    input.select();
  }

  hideLink() {
    this.$("new-moderator").hidden = true;
    this.$("moderator-link").value = "";
    this.shownId = null;
  }

  async revoke(m, button) {
    const label = TEXT.revokeLabel(m.name);
    if (!(await confirmAction(TEXT.revokeTitle(m.name), TEXT.revokeText, label))) return;
    button.disabled = true;
    const res = await hostCall("DELETE", `${this.path}/moderators/${m.id}`);
    if (res.status === 200 || res.status === 404) {
      const li = button.closest("li");
      const next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      if (this.shownId === m.id) this.hideLink();
      say(this.status, this.list.children.length ? TEXT.revoked(m.name) : `${TEXT.revoked(m.name)} ${TEXT.none}`);
      // The focus was on the button just removed: the next one, or the name field.
      (next ? next.querySelector("button") : this.name).focus();
    } else {
      button.disabled = false;
      if (res.status !== 403 || res.keyWorks) say(this.status, errorMessage(res));
    }
  }
}
