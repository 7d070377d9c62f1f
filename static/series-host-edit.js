// The series console's details (title, description, listing: only what the host changed is sent)
// and ending the series after its current meeting.

import { errorCode, errorMessage } from "./api.js";
import { confirmAction } from "./dialog.js";
import { say } from "./dom.js";
import { fieldError, fieldNamed, humaneFields } from "./fields.js";
import { hostCall } from "./host-call.js";
import { t } from "./i18n.js";
import { formatTime } from "./time.js";
import { meetingDate } from "./series-host-list.js";

const TEXT = {
  needTitle: t("Give the series a title."),
  unchanged: t("Nothing has changed."),
  saved: t("Saved. The meetings that have not started show the new details."),
  endTitle: t("End the series?"),
  // Translators: {time} is when the meeting under way ends, such as 11:00 AM.
  endUnderWay: (time) => t("The meeting under way continues until {time}; the later ones are cancelled.", { time }),
  // Translators: {date} is the next meeting's date and time, such as "Tue, Mar 23, 10:00 AM".
  endNext: (date) => t("The meeting of {date} still takes place; no more after it.", { date }),
  undone: t("This cannot be undone."),
  // Translators: two sentences in a row: what ending the series does, then that it cannot be undone.
  both: (sentence, after) => t("{sentence} {after}", { sentence, after }),
  endOk: t("End the series"),
  // Translators: the button that closes the question "End the series?" without ending it.
  keep: t("Keep the series"),
  endedHeading: t("This series has ended"),
  endedUnderWay: (time) => t("The meeting under way is the last one; it ends at {time}.", { time }),
  endedNext: (date) => t("The meeting of {date} is the last one.", { date }),
  endedAll: t("No more meetings will take place. The transcripts of past meetings stay."),
};

const FIELDS = ["title", "description"];

export class SeriesEditor {
  /** host: {path, series(), show(body) after a change, refresh()}. */
  constructor(host) {
    const $ = (id) => document.getElementById(id);
    const form = $("edit");
    Object.assign(this, { host, $, form, f: form.elements, shown: null });
    this.errors = { title: $("s-title-error"), description: $("s-description-error") };
    for (const name of FIELDS) this.f[name].addEventListener("input", () => this.error(name, ""));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.save();
    });
    $("end-series").addEventListener("click", () => this.end());
  }

  error(name, message) {
    fieldError(this.errors[name], [this.f[name]], message);
  }

  /** Show the series: in the form (what the host is typing stays), and whether it has ended. */
  show(series) {
    const f = this.f;
    const next = { title: series.title, description: series.description || "", listed: !!series.listed };
    const was = this.shown;
    if (!was || f.title.value === was.title) f.title.value = next.title;
    if (!was || f.description.value === was.description) f.description.value = next.description;
    if (!was || f.listed.checked === was.listed) f.listed.checked = next.listed;
    this.shown = next;
    this.showEnded(series);
  }

  showEnded(series) {
    const $ = this.$;
    if (!series.ended) return;
    $("end-heading").textContent = TEXT.endedHeading;
    const last = series.current;
    let text = TEXT.endedAll;
    if (last && last.state === "open") text = TEXT.endedUnderWay(formatTime(new Date(last.ends_at)));
    else if (last) text = TEXT.endedNext(meetingDate(last.starts_at));
    $("end-help").textContent = text;
    $("end-series").hidden = true;
  }

  /** The changes the host made, or null after pointing at a field that needs attention. */
  changes(series) {
    const f = this.f;
    const changes = {};
    const title = f.title.value.trim();
    if (!title) {
      this.error("title", TEXT.needTitle);
      f.title.focus();
      return null;
    }
    if (title !== series.title) changes.title = title;
    if (f.description.value !== (series.description || "")) changes.description = f.description.value;
    if (f.listed.checked !== !!series.listed) changes.listed = f.listed.checked;
    return changes;
  }

  async save() {
    const status = this.$("edit-status");
    say(status, "");
    for (const name of FIELDS) this.error(name, "");
    const series = this.host.series();
    if (!series) return;
    const changes = this.changes(series);
    if (!changes) return;
    if (Object.keys(changes).length === 0) return say(status, TEXT.unchanged);
    const button = this.form.querySelector("button[type=submit]");
    button.disabled = true;
    const res = await hostCall("PATCH", this.host.path, changes);
    button.disabled = false;
    if (res.status === 200 && res.data && res.data.series) {
      this.shown = null; // the saved values are the ones to show
      this.host.show(res.data);
      say(status, TEXT.saved, "ok");
    } else if (res.status !== 403) {
      const message = errorMessage(res);
      const field = res.status === 400 ? fieldNamed(message, FIELDS) : null;
      if (field) {
        this.error(field, humaneFields(message));
        this.f[field].focus();
      } else {
        say(status, humaneFields(message), "error");
      }
    }
  }

  /** What ending does now, in words: the meeting under way, or the next, is the last. */
  endText(series) {
    const current = series.current;
    let text = "";
    if (current && current.state === "open") text = TEXT.endUnderWay(formatTime(new Date(current.ends_at)));
    else if (current) text = TEXT.endNext(meetingDate(current.starts_at));
    return text ? TEXT.both(text, TEXT.undone) : TEXT.undone;
  }

  async end() {
    const series = this.host.series();
    if (!series) return;
    say(this.$("end-status"), "");
    this.$("confirm-cancel").textContent = TEXT.keep;
    if (!(await confirmAction(TEXT.endTitle, this.endText(series), TEXT.endOk))) return;
    const button = this.$("end-series");
    button.disabled = true;
    const res = await hostCall("POST", this.host.path + "/end");
    button.disabled = false;
    if (res.status === 200 && res.data && res.data.series) {
      this.host.show(res.data);
      this.$("end-heading").focus();
    } else if (errorCode(res) === "event_closed") {
      await this.host.refresh(); // it had already ended (another tab): show it so
      this.$("end-heading").focus();
    } else if (res.status !== 403) {
      say(this.$("end-status"), errorMessage(res), "error");
    }
  }
}
