// The people panel (room and host console): the participant list, loaded now and then and on
// every join or ban, the present first and the banned last; each page adds its own tags.

import { eventPath, fetchJson } from "./api.js";
import { lang, t } from "./i18n.js";

const TEXT = {
  failed: t("The list could not be loaded; it is tried again soon."),
  nobody: t("Nobody has joined yet."),
  // Translators: after a name, for screen readers: the name comes from the site that signed the person in.
  verified: t("verified"),
  // Translators: the tooltip of the check mark after the name of someone the embedding site signed in.
  verifiedTitle: t("Verified: this name comes from the site that signed this person in."),
};

/**
 * The check mark after a verified participant's name (the embedding app signed them in): a tooltip
 * (title, else the general one), and words for screen readers. Room, console and chat bar alike.
 */
export function verifiedMark(title = TEXT.verifiedTitle) {
  const mark = document.createElement("span");
  mark.className = "verified";
  mark.title = title;
  const check = document.createElement("span");
  check.setAttribute("aria-hidden", "true");
  check.textContent = "\u2713";
  const words = document.createElement("span");
  words.className = "visually-hidden";
  words.textContent = " " + TEXT.verified;
  mark.append(check, words);
  return mark;
}

// Nicknames in the order of the page's language, capitals and accents aside.
const byName = new Intl.Collator(lang, { sensitivity: "base" });

/** The order of a participant list: the present first, the banned last, then by nickname. */
function byPresence(a, b) {
  return (a.banned ? 1 : 0) - (b.banned ? 1 : 0) || (b.online ? 1 : 0) - (a.online ? 1 : 0) ||
    byName.compare(a.nickname, b.nickname);
}

/** A participant-list row: online dot and nickname (as text); pages append their own tags. */
function personRow(p, closed) {
  const online = !!p.online && !p.banned && !closed;
  const li = document.createElement("li");
  li.className = "person" + (online ? " online" : "") + (p.banned ? " banned" : "");
  const dot = document.createElement("span");
  dot.className = "dot" + (online ? " online" : "");
  dot.setAttribute("aria-hidden", "true");
  const name = document.createElement("span");
  name.className = "nick";
  const bdi = document.createElement("bdi"); // in its own direction: a right-to-left name does not reorder the row
  bdi.textContent = p.nickname;
  name.append(bdi);
  if (p.verified === true) name.append(verifiedMark());
  li.append(dot, name);
  return { li, online };
}

/** A <span class="tag"> with `text`. */
export function tag(text) {
  const span = document.createElement("span");
  span.className = "tag";
  span.textContent = text;
  return span;
}

export class People {
  /**
   * list: the <ul>; status: a line for "nobody" and failures; options: every (ms between loads
   * while not closed), timeout (ms), token() → sent along, or null; ready() → whether the panel
   * is shown (else nothing is loaded); closed() → whether the event is closed; row(li, p, online)
   * adds a page's own parts to a row; summary(people, online) shows the counts.
   */
  constructor(slug, list, status, options) {
    this.path = eventPath(slug, "/participants");
    this.list = list;
    this.status = status;
    this.options = options;
    this.timer = null;
    this.loading = false;
    this.again = false;
  }

  async load() {
    const o = this.options;
    if (!o.ready()) return;
    if (this.loading) {
      this.again = true; // one more load after this one, to see the latest join or ban
      return;
    }
    this.loading = true;
    let res = null;
    try {
      res = await fetchJson("GET", this.path, { token: o.token ? o.token() : null, timeout: o.timeout });
    } catch (e) {
      res = null;
    }
    this.loading = false;
    if (res && res.status === 200 && res.data && Array.isArray(res.data.participants)) this.render(res.data.participants);
    else this.status.textContent = TEXT.failed;
    clearTimeout(this.timer);
    if (!o.closed()) this.timer = setTimeout(() => this.load(), o.every);
    if (this.again) {
      this.again = false;
      this.load();
    }
  }

  /** Draw the list last loaded again (what a page adds to each row has changed). */
  redraw() {
    if (this.people) this.render(this.people);
  }

  render(people) {
    this.people = people;
    const closed = this.options.closed();
    const sorted = people.slice().sort(byPresence);
    // A button of a row (data-person) that had the focus has it again in the new list.
    const focused = this.list.contains(document.activeElement) ? document.activeElement : null;
    const again = focused && focused.dataset.person ? `[data-person="${CSS.escape(focused.dataset.person)}"]` : null;
    this.list.replaceChildren();
    for (const p of sorted) {
      const { li, online } = personRow(p, closed);
      this.options.row(li, p, online);
      this.list.append(li);
    }
    const back = again && this.list.querySelector(again);
    if (back) back.focus({ preventScroll: true });
    this.options.summary(people, sorted.filter((p) => p.online && !p.banned).length);
    this.status.textContent = people.length ? "" : TEXT.nobody;
  }
}
