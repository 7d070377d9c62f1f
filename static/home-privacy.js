// The home form's "Privacy": who can read the transcript after the event (everyone with the link,
// or only the hosts), and whether its messages are erased some days after it closes. The same for a
// series: every meeting it makes starts with them. Also the line that repeats the choice after
// scheduling.

import { fill, t, tn } from "./i18n.js";

const TEXT = {
  // Translators: "Erase messages: after [30] days"; {n} is where the number field goes.
  afterDays: (n) => tn("After {n} day", "After {n} days", n, { n: "{n}" }),
  // Translators: the name of the choice "Erase messages: after [N] days" before a number is typed.
  afterSomeDays: t("After some days"),
  badDays: (max) => t("Choose a number of days from 1 to {max}.", { max }),
  // Translators: the event's fields, as named inside the server's error messages.
  words: { retention_days: t("the number of days"), transcript: t("who can read the transcript") },
  hosts: t("Only the hosts can read the transcript afterwards."),
  everyone: t("Everyone with the link can read the transcript afterwards."),
  erased: (n) => tn("Messages are erased {n} day after the event.", "Messages are erased {n} days after the event.", n),
  // The same for a series: each of its meetings has its own transcript.
  seriesHosts: t("Only the hosts can read each meeting's transcript afterwards."),
  seriesEveryone: t("Everyone with the link can read each meeting's transcript afterwards."),
  seriesErased: (n) => tn("Messages are erased {n} day after each meeting.", "Messages are erased {n} days after each meeting.", n),
};

const DAYS_MAX = 3650;
const DAYS = 30;

/** Fill the text around a field from a sentence with one placeholder: "After {n} days". */
function around(sentence, before, after) {
  const [head, tail] = sentence.split("{n}");
  before.textContent = head.trim();
  after.textContent = (tail || "").trim();
}

export class PrivacyChoice {
  /** form: the schedule form; changed(): a choice changed (its error clears). */
  constructor(form, changed) {
    const $ = (id) => document.getElementById(id);
    this.form = form;
    this.transcript = form.elements.transcript;
    this.days = form.elements.retention_days;
    this.after = $("erase-after");
    this.error = $("f-retention-error");
    this.sayDays();
    for (const radio of this.radios()) radio.addEventListener("change", () => changed());
    // Typing a number chooses to erase.
    this.days.addEventListener("input", () => {
      this.after.checked = true;
      this.sayDays();
      changed();
    });
  }

  radios() {
    return [...this.form.querySelectorAll("input[name=erase]")];
  }

  /** The words around the number, and the radio's name with it (a name made from a field does not follow it). */
  sayDays() {
    const n = parseInt(this.days.value, 10);
    const ok = Number.isFinite(n);
    around(TEXT.afterDays(ok ? n : DAYS), document.getElementById("erase-before"), document.getElementById("erase-after-text"));
    this.after.setAttribute("aria-label", ok ? fill(TEXT.afterDays(n), { n }).replace(/\s+/g, " ") : TEXT.afterSomeDays);
  }

  erases() {
    return this.after.checked;
  }

  /** The event's fields: {transcript, retention_days}. */
  fields() {
    return { transcript: this.transcript.value, retention_days: this.erases() ? parseInt(this.days.value, 10) : null };
  }

  /** What the browser can tell is wrong: a message, or "". */
  problem() {
    if (!this.erases()) return "";
    const n = parseInt(this.days.value, 10);
    return n >= 1 && n <= DAYS_MAX && String(n) === this.days.value.trim() ? "" : TEXT.badDays(DAYS_MAX);
  }

  /** The server's field names in words. */
  humane(message) {
    return message.replace(/\b(retention_days|transcript)\b/g, (name) => TEXT.words[name]);
  }

  reset() {
    this.transcript.value = "public";
    this.days.value = String(DAYS);
    for (const radio of this.radios()) radio.checked = radio.value === "never";
    this.sayDays();
  }
}

/** One line on who can read an event's (or a series' meetings') transcript and how long its messages are kept. */
export function privacyText(ev, series = false) {
  if (!ev || !ev.transcript) return "";
  const hosts = ev.transcript === "hosts";
  const who = series ? (hosts ? TEXT.seriesHosts : TEXT.seriesEveryone) : hosts ? TEXT.hosts : TEXT.everyone;
  if (!ev.retention_days) return who;
  return `${who} ${series ? TEXT.seriesErased(ev.retention_days) : TEXT.erased(ev.retention_days)}`;
}
