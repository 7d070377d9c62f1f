// The series console's meetings: every occurrence with its state and its links (its own host
// console, with the series' key in the fragment only; its room; its transcript once closed), the
// dates the schedule gives that are not made yet ("planned"), and cancelling one scheduled meeting.
// A refresh changes only the rows that changed, so the focus stays where the host left it.

import { errorCode, errorMessage, eventPath } from "./api.js";
import { confirmAction } from "./dialog.js";
import { say } from "./dom.js";
import { hostCall } from "./host-call.js";
import { t } from "./i18n.js";
import { formatFull, rangeFormat, whenText, zoneName } from "./time.js";

const TEXT = {
  // The meetings' states, on a badge beside each in the list.
  badge: {
    // Translators: a meeting's state: its room is made and it has not started yet.
    scheduled: t("Scheduled"),
    open: t("Open"),
    closed: t("Closed"),
    // Translators: a meeting's state: the host cancelled it; it does not take place.
    cancelled: t("Cancelled"),
    // Translators: a meeting's state: a date the series' schedule gives, whose room is not made yet.
    planned: t("Planned"),
  },
  // Translators: a link beside one meeting of a series: that meeting's own host console.
  console: t("Console"),
  // Translators: a link beside one meeting of a series: that meeting's room, as participants see it.
  room: t("Room"),
  newTab: t("(new tab)"),
  transcript: t("Transcript"),
  // Translators: a button beside one meeting of a series: cancels that meeting (after asking).
  cancel: t("Cancel…"),
  cancelTitle: (date) => t("Cancel the meeting of {date}?", { date }),
  cancelText: t("It will not take place: its room and the calendar feed say so. The other meetings stay as planned. This cannot be undone."),
  cancelOk: t("Cancel the meeting"),
  // Translators: the button that closes the question "Cancel the meeting of …?" without cancelling.
  keep: t("Keep the meeting"),
  cancelledNow: (date) => t("The meeting of {date} is cancelled.", { date }),
  started: t("This meeting has already started: to end it early, use its own console."),
  // Translators: {zone} is a time zone's name, such as Europe/Berlin.
  zone: (zone) => t("Times are in your time zone, {zone}.", { zone }),
};

/** "Tue, Mar 23, 10:00 AM": a meeting's start, for sentences. */
export function meetingDate(iso) {
  const date = new Date(iso);
  return rangeFormat(date).format(date);
}

/** A meeting's state for its badge: scheduled, open, closed or cancelled. */
function stateOf(ev) {
  return ev.cancelled ? "cancelled" : ev.state;
}

function link(text, href, describedBy) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  a.setAttribute("aria-describedby", describedBy);
  return a;
}

export class MeetingList {
  /** host: {key, series(), now() (the server's clock), refresh()}. */
  constructor(host) {
    const $ = (id) => document.getElementById(id);
    Object.assign(this, { host, $ });
    this.coming = $("coming");
    this.past = $("past");
    this.status = $("meetings-status");
    const zone = zoneName();
    if (zone) $("meetings-zone").textContent = TEXT.zone(zone);
  }

  /** Show a GET /api/series/<slug> body: the meetings to come (with the planned dates) and the past ones. */
  show(body) {
    const series = body.series;
    const now = this.host.now();
    const all = Array.isArray(body.occurrences) ? body.occurrences : [];
    const at = (o) => Date.parse(o.starts_at);
    const made = new Set(all.map(at));
    // A cancelled meeting whose date is still ahead stays among those to come, marked cancelled.
    const ahead = (o) => o.state !== "closed" || (o.cancelled && at(o) > now);
    const coming = all.filter(ahead).map((o) => ({ ev: o, at: at(o) }));
    for (const u of series.upcoming || []) {
      if (!made.has(at(u))) coming.push({ planned: u, at: at(u) });
    }
    coming.sort((a, b) => a.at - b.at);
    const past = all.filter((o) => !ahead(o)).sort((a, b) => at(b) - at(a));
    const ended = !!series.ended;
    this.sync(this.coming, coming.map((row) => (row.ev ? this.row(row.ev, ended) : this.plannedRow(row.planned))));
    this.sync(this.past, past.map((ev) => this.row(ev, ended)));
    this.$("coming-empty").hidden = coming.length > 0;
    this.past.hidden = this.$("past-heading").hidden = past.length === 0;
  }

  /** One occurrence: its times, its state, and what the host can do with it. */
  row(ev, ended) {
    const state = stateOf(ev);
    const li = this.shell("m-" + ev.slug, state, ev.starts_at, ev.ends_at);
    li.dataset.slug = ev.slug;
    const title = document.createElement("p");
    title.className = "meeting-title";
    title.dir = "auto";
    title.textContent = ev.title;
    li.querySelector(".meeting-main").append(title);
    const actions = document.createElement("p");
    actions.className = "meeting-actions";
    const whenId = li.dataset.when;
    const path = "/e/" + encodeURIComponent(ev.slug);
    // The key goes in the fragment only: browsers never send it to a server.
    const host = link(TEXT.console, path + "/host#key=" + encodeURIComponent(this.host.key), whenId);
    host.dataset.action = "console";
    const room = link(TEXT.room, path, whenId);
    room.target = "_blank";
    room.rel = "noopener";
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + TEXT.newTab;
    room.append(hidden, " ↗");
    room.dataset.action = "room";
    actions.append(host, room);
    if (state === "closed") {
      const transcript = link(TEXT.transcript, path + "/transcript", whenId);
      transcript.dataset.action = "transcript";
      actions.append(transcript);
    }
    if (state === "scheduled" && !ended) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "danger-button meeting-cancel";
      button.textContent = TEXT.cancel;
      button.setAttribute("aria-describedby", whenId);
      button.dataset.action = "cancel";
      button.addEventListener("click", () => this.cancel(ev, button));
      actions.append(button);
    }
    li.append(actions);
    // What the row shows; a refresh keeps the row (and the focus in it) while this stays the same.
    li.dataset.sig = JSON.stringify([state, ev.starts_at, ev.ends_at, ev.title, ended, this.host.key]);
    return li;
  }

  /** A date the schedule gives that has no room yet. */
  plannedRow(u) {
    const li = this.shell("p-" + Date.parse(u.starts_at), "planned", u.starts_at, u.ends_at);
    li.dataset.sig = JSON.stringify(["planned", u.starts_at, u.ends_at]);
    return li;
  }

  shell(id, state, startsAt, endsAt) {
    const li = document.createElement("li");
    li.id = id;
    li.className = "meeting";
    li.dataset.state = state;
    li.tabIndex = -1; // the focus comes here after the meeting changed
    const main = document.createElement("div");
    main.className = "meeting-main";
    const when = document.createElement("p");
    when.className = "meeting-when";
    const time = document.createElement("time");
    time.id = "when-" + id;
    time.dateTime = startsAt;
    const start = new Date(startsAt);
    time.textContent = whenText(start, new Date(endsAt));
    time.title = formatFull(start);
    const badge = document.createElement("span");
    badge.className = "badge state-" + state;
    badge.textContent = TEXT.badge[state];
    when.append(time, " ", badge);
    main.append(when);
    li.append(main);
    li.dataset.when = time.id;
    return li;
  }

  /** Make `list` show `rows` (by id), keeping unchanged rows and the focus. */
  sync(list, rows) {
    const active = document.activeElement;
    const old = new Map(Array.from(list.children, (li) => [li.id, li]));
    let refocus = null;
    const wanted = rows.map((row) => {
      const prev = old.get(row.id);
      if (prev && prev.dataset.sig === row.dataset.sig) return prev;
      if (prev && prev.contains(active)) refocus = row.querySelector(`[data-action="${active.dataset.action}"]`) || row;
      return row;
    });
    const keep = new Set(wanted);
    for (const li of Array.from(list.children)) if (!keep.has(li)) li.remove();
    wanted.forEach((li, index) => {
      if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
    });
    if (refocus && refocus.isConnected) refocus.focus();
    else if (active && active.isConnected && document.activeElement !== active) active.focus({ preventScroll: true });
  }

  async cancel(ev, button) {
    const date = meetingDate(ev.starts_at);
    say(this.status, "");
    this.$("confirm-cancel").textContent = TEXT.keep;
    if (!(await confirmAction(TEXT.cancelTitle(date), TEXT.cancelText, TEXT.cancelOk))) return;
    // Closing a meeting that has begun would end it early rather than cancel it.
    if (Date.parse(ev.starts_at) <= this.host.now()) {
      say(this.status, TEXT.started, "error");
      this.host.refresh();
      return;
    }
    button.disabled = true;
    const res = await hostCall("POST", eventPath(ev.slug, "/close"));
    if (res.status === 200 || errorCode(res) === "event_closed") {
      await this.host.refresh();
      say(this.status, TEXT.cancelledNow(date), "ok");
      const row = document.getElementById("m-" + ev.slug);
      if (row) row.focus();
    } else if (res.status !== 403) {
      button.disabled = false;
      say(this.status, errorMessage(res), "error");
    }
  }
}
