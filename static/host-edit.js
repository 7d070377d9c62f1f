// The host console's event details: the edit form (only what the host changed is sent), with what
// happens to the words afterwards (only before the opening: people were told when they joined), and
// closing the event early.

import { errorCode, errorMessage } from "./api.js";
import { confirmAction } from "./dialog.js";
import { say } from "./dom.js";
import { DstNote } from "./dst.js";
import { fieldError, fieldNamed, humaneFields } from "./fields.js";
import { hostCall } from "./host-call.js";
import { t } from "./i18n.js";
import { formatTime, toLocalInput, toOffsetISO, zoneName } from "./time.js";

const TEXT = {
  // Translators: {zone} is a time zone's name, such as Europe/Berlin.
  zone: (zone) => t("Times are in your time zone, {zone}.", { zone }),
  needTitle: t("Give the event a title."),
  needTime: (name) => (name === "starts_at" ? t("Choose when the event starts.") : t("Choose when the event ends.")),
  needDays: t("Choose a number of days from 1 to 3650."),
  unchanged: t("Nothing has changed."),
  saved: t("Saved. Everyone sees the new details."),
  closeTitle: t("Close the event now?"),
  closeText: t("Everyone in the room sees that it has ended and nobody can post any more. This cannot be undone."),
  closeOk: t("Close the event"),
  // Translators: the heading of the host console's "Close the event" part once the event is closed.
  closedHeading: t("Closed"),
  closedSince: (at) => t("The event has been closed since {time}. Its details can no longer change; the transcript stays available.", { time: at }),
  closedNow: t("The event is closed. Its details can no longer change; the transcript stays available."),
};

export class EventEditor {
  /** path: the event's API path; host: event() → the event shown, state(), show(event) after a change. */
  constructor(path, host) {
    const $ = (id) => document.getElementById(id);
    const form = $("edit");
    const f = form.elements;
    Object.assign(this, { path, host, form, f, $ });
    this.fields = {
      title: { error: $("e-title-error"), control: f.title },
      description: { error: $("e-description-error"), control: f.description },
      starts_at: { error: $("e-starts-error"), control: f.starts_at },
      ends_at: { error: $("e-ends-error"), control: f.ends_at },
      retention_days: { error: $("e-days-error"), control: f.retention_days },
    };
    const zone = zoneName();
    if (zone) $("edit-zone").textContent = TEXT.zone(zone);
    for (const name of Object.keys(this.fields)) this.fields[name].control.addEventListener("input", () => this.error(name, ""));
    // On the nights the clocks change, a note says which moment a time means (or that it is skipped).
    this.notes = {};
    for (const name of ["starts_at", "ends_at"]) {
      const note = new DstNote(f[name], [f[name]], () => this.error(name, ""));
      f[name].addEventListener("input", () => note.update(f[name].value));
      this.notes[name] = note;
    }
    f.retention.addEventListener("change", () => {
      this.error("retention_days", "");
      this.showRetention();
      if (f.retention.value !== "days") return;
      if (!f.retention_days.value) f.retention_days.value = "30";
      f.retention_days.focus();
    });
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.save();
    });
    $("close-now").addEventListener("click", () => this.closeNow());
    $("close-heading").tabIndex = -1;
  }

  error(name, message) {
    const spec = this.fields[name];
    fieldError(spec.error, [spec.control], message);
  }

  /** Show the event in the form. What the host typed and has not saved stays (the event changed
   *  elsewhere, or another part of the console saved), unless `force` (after saving it). */
  fill(ev, force) {
    const f = this.f;
    const values = {
      title: ev.title,
      description: ev.description || "",
      starts_at: toLocalInput(new Date(ev.starts_at)),
      ends_at: toLocalInput(new Date(ev.ends_at)),
      listed: !!ev.listed,
      language: ev.language || "",
      transcript: ev.transcript === "hosts" ? "hosts" : "public",
      retention: ev.retention_days == null ? "never" : "days",
      retention_days: ev.retention_days == null ? "" : String(ev.retention_days),
    };
    for (const [name, value] of Object.entries(values)) {
      const control = f[name];
      const box = control.type === "checkbox";
      if (!force && this.shown && (box ? control.checked : control.value) !== this.shown[name]) continue; // typed
      if (box) control.checked = value;
      else control.value = value;
      if (name === "starts_at" || name === "ends_at") this.notes[name].set(value, new Date(ev[name]));
    }
    this.shown = values;
    this.showRetention();
  }

  /** The number of days only when messages are to be erased. */
  showRetention() {
    const f = this.f;
    const days = f.retention.value === "days";
    this.$("e-days-field").hidden = !days;
    f.retention_days.disabled = f.retention.disabled || !days;
  }

  /** What can still change in this state; once closed, since when. */
  showState(state, event) {
    const $ = this.$;
    this.f.starts_at.disabled = state !== "scheduled";
    $("e-starts-note").hidden = state !== "open";
    // The transcript's readers and the retention were told to everyone who joined: fixed once open.
    const fixed = state !== "scheduled";
    this.f.transcript.disabled = fixed;
    this.f.retention.disabled = fixed;
    this.showRetention();
    $("policy-note").hidden = fixed;
    $("policy-fixed").hidden = !fixed;
    if (state !== "closed") return;
    $("close-heading").textContent = TEXT.closedHeading;
    const at = event && (event.closed_at || event.ends_at);
    $("close-help").textContent = at ? TEXT.closedSince(formatTime(new Date(at))) : TEXT.closedNow;
    $("close-now").hidden = true;
  }

  /** The changes the host made, or null after pointing at a field that needs attention. */
  changes(event) {
    const f = this.f;
    const changes = {};
    const title = f.title.value.trim();
    if (!title) {
      this.error("title", TEXT.needTitle);
      f.title.focus();
      return null;
    }
    if (title !== event.title) changes.title = title;
    if (f.description.value !== (event.description || "")) changes.description = f.description.value;
    if (f.listed.checked !== !!event.listed) changes.listed = f.listed.checked;
    if ((f.language.value || null) !== (event.language || null)) changes.language = f.language.value || null;
    // Only send a time the host changed: the inputs show minutes, the stored time may not be round,
    // and the same wall time may be another moment (the second 02:30 of the night the clocks go back).
    const minute = (date) => Math.floor(date.getTime() / 60000);
    for (const name of ["starts_at", "ends_at"]) {
      if (f[name].disabled) continue;
      const stored = new Date(event[name]);
      const date = this.notes[name].update(f[name].value);
      if (f[name].value !== toLocalInput(stored) || (date && minute(date) !== minute(stored))) {
        if (!date) {
          this.error(name, TEXT.needTime(name));
          f[name].focus();
          return null;
        }
        changes[name] = toOffsetISO(date);
      }
    }
    if (!f.transcript.disabled && f.transcript.value !== (event.transcript === "hosts" ? "hosts" : "public")) {
      changes.transcript = f.transcript.value;
    }
    if (!f.retention.disabled) {
      let days = null;
      if (f.retention.value === "days") {
        const text = f.retention_days.value.trim();
        days = /^\d+$/.test(text) ? Number(text) : NaN;
        if (!(days >= 1 && days <= 3650)) {
          this.error("retention_days", TEXT.needDays);
          f.retention_days.focus();
          return null;
        }
      }
      if (days !== (event.retention_days == null ? null : event.retention_days)) changes.retention_days = days;
    }
    return changes;
  }

  async save() {
    const status = this.$("edit-status");
    say(status, "");
    for (const name of Object.keys(this.fields)) this.error(name, "");
    const event = this.host.event();
    if (!event) return;
    const changes = this.changes(event);
    if (!changes) return;
    if (Object.keys(changes).length === 0) return say(status, TEXT.unchanged);
    const button = this.form.querySelector("button[type=submit]");
    button.disabled = true;
    const res = await hostCall("PATCH", this.path, changes);
    button.disabled = this.host.state() === "closed";
    if (res.status === 200 && res.data && res.data.event) {
      this.host.show(res.data.event);
      this.fill(res.data.event, true);
      say(status, TEXT.saved, "ok");
    } else if (res.status !== 403 || res.keyWorks) {
      const message = errorMessage(res);
      const field = res.status === 400 ? fieldNamed(message, Object.keys(this.fields)) : null;
      if (field) {
        this.error(field, humaneFields(message));
        this.fields[field].control.focus();
      } else {
        say(status, humaneFields(message), "error");
      }
    }
  }

  async closeNow() {
    if (!(await confirmAction(TEXT.closeTitle, TEXT.closeText, TEXT.closeOk))) return;
    const res = await hostCall("POST", this.path + "/close");
    if (res.status === 200 && res.data && res.data.event) {
      this.host.show(res.data.event);
      this.$("close-heading").focus();
    } else if ((res.status !== 403 || res.keyWorks) && errorCode(res) !== "event_closed") {
      say(this.$("close-status"), errorMessage(res), "error");
    }
  }
}
