// @mention completion in the room's message box: an @ and the start of a name (not inside a word or
// an address) lists the participants with a word of their nickname starting so, capitals and
// accents aside: online first, then the others, each by name, and the hosts (@hosts); at most 8.
// The list is the people panel's (people.js), not asked for again on each key. ARIA: the box
// controls a listbox (aria-expanded, aria-activedescendant) and keeps the focus; Up and Down move,
// Enter or Tab put the whole nickname (spaces and all) and a space in the box, Escape closes, and a
// click or tap chooses.

import { lang, t } from "./i18n.js";

const TEXT = {
  // Translators: the name of the list of people that opens when typing @ in the message box.
  list: t("People to mention"),
  // Translators: in the list of people to mention, the entry that mentions the event's hosts (@hosts).
  hosts: t("Hosts"),
  // Translators: read by screen readers right after a name in the list of people.
  online: t(", online"),
};

const MAX = 8; // options shown
const HOSTS = "hosts"; // i18n: what the server takes for the hosts (@host or @hosts)
const NAME_MAX = 32; // characters of a nickname: an @ further back starts no mention
const byName = new Intl.Collator(lang, { sensitivity: "base" });
const WORDY = /[\p{L}\p{N}_]/u;

/** A name as it is compared: no accents, no capitals, one space between words. */
export function fold(text) {
  return String(text || "").normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase().replace(/\s+/gu, " ");
}

/** Whether a word of `name` starts with the folded query `q` (which may go on past the word: "ann l"). */
export function nameMatches(name, q) {
  const key = fold(name);
  for (let i = 0; i + q.length <= key.length; i += 1) {
    if ((i === 0 || !/[\p{L}\p{N}]/u.test(key[i - 1])) && key.startsWith(q, i)) return true;
  }
  return false;
}

/** The @ being typed before the caret: {at, q}, or null. As the server reads mentions (mentions.py). */
export function mentionAt(value, caret) {
  const before = value.slice(0, caret);
  const at = before.lastIndexOf("@");
  if (at < 0 || (at > 0 && (WORDY.test(before[at - 1]) || "@.".includes(before[at - 1])))) return null;
  const typed = before.slice(at + 1);
  if (!typed || typed.length > NAME_MAX || typed.includes("\n") || !/^[\p{L}\p{N}]/u.test(typed)) return null;
  return { at, q: fold(typed) };
}

/**
 * Who to offer for the folded query `q`: people [{id, nickname, online, banned}] but the reader
 * (`me`: an id) and the banned, online first, then by name; the hosts last. At most MAX.
 */
export function candidates(people, q, me) {
  const found = (people || [])
    .filter((p) => p && p.id !== me && !p.banned && typeof p.nickname === "string" && nameMatches(p.nickname, q))
    .sort((a, b) => (b.online ? 1 : 0) - (a.online ? 1 : 0) || byName.compare(a.nickname, b.nickname))
    .map((p) => ({ key: "p" + p.id, label: p.nickname, insert: p.nickname, online: !!p.online }));
  const hosts = ["host", HOSTS].some((word) => word.startsWith(q)) || nameMatches(TEXT.hosts, q);
  if (!hosts) return found.slice(0, MAX);
  return [...found.slice(0, MAX - 1), { key: "hosts", label: TEXT.hosts, insert: HOSTS, online: false, hosts: true }];
}

export class MentionComplete {
  /**
   * input: the message box; place: where the list goes (over the conversation, above the box);
   * options: people() → the people panel's list, or null before it loaded; load() → a promise of
   * it loaded; me() → the reader's id, or null; enabled() → whether to offer anything (not in an edit).
   */
  constructor(input, place, options) {
    Object.assign(this, { input, options });
    this.list = document.createElement("ul");
    this.list.id = "mention-list"; // i18n: an id
    this.list.className = "mention-list";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", TEXT.list);
    this.list.hidden = true;
    place.append(this.list);
    this.shown = []; // the candidates listed
    this.active = 0;
    this.current = null; // {at, q}: the @ being completed
    this.skip = -1; // the @ just completed: not offered again
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", this.list.id);
    input.setAttribute("aria-expanded", "false");
    input.addEventListener("input", () => this.update());
    input.addEventListener("click", () => this.update());
    input.addEventListener("keyup", (ev) => {
      if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(ev.key)) this.update();
    });
    input.addEventListener("blur", () => this.close());
    this.list.addEventListener("mousedown", (ev) => ev.preventDefault()); // the box keeps the focus
    this.list.addEventListener("click", (ev) => {
      const li = ev.target.closest("li[role=option]");
      if (li) this.choose(Number(li.dataset.index));
    });
  }

  isOpen() {
    return !this.list.hidden;
  }

  /** Read the @ before the caret again, and list who it may name (fresh: the people changed). */
  update(fresh) {
    const o = this.options;
    const found = o.enabled() ? mentionAt(this.input.value, this.input.selectionStart) : null;
    if (!found || found.at !== this.skip) this.skip = -1;
    if (!found || found.at === this.skip) return this.close();
    const people = o.people();
    if (!people && !fresh) o.load().then(() => this.current && this.update(true)); // the panel's first load
    const same = this.current && this.current.at === found.at && this.current.q === found.q;
    this.current = found;
    if (same && this.isOpen() && !fresh) return;
    const list = candidates(people, found.q, o.me());
    if (!list.length) return this.close(true);
    const was = this.isOpen() && this.shown[this.active] ? this.shown[this.active].key : null;
    this.shown = list;
    this.active = Math.max(0, list.findIndex((c) => c.key === was));
    this.render();
  }

  render() {
    this.list.replaceChildren();
    this.shown.forEach((c, index) => {
      const li = document.createElement("li");
      li.id = `mention-option-${index}`;
      li.className = "mention-option" + (c.hosts ? " hosts" : "");
      li.setAttribute("role", "option");
      li.dataset.index = String(index);
      const dot = document.createElement("span");
      dot.className = "dot" + (c.online ? " online" : "");
      dot.setAttribute("aria-hidden", "true");
      const name = document.createElement("bdi");
      name.textContent = c.label;
      li.append(dot, name);
      if (c.online) {
        const status = document.createElement("span");
        status.className = "visually-hidden";
        status.textContent = TEXT.online;
        li.append(status);
      }
      this.list.append(li);
    });
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.mark();
  }

  /** The active option: selected, in view, and the box's active descendant. */
  mark() {
    for (const li of this.list.children) li.setAttribute("aria-selected", String(Number(li.dataset.index) === this.active));
    const li = this.list.children[this.active];
    if (!li) return;
    this.input.setAttribute("aria-activedescendant", li.id);
    const list = this.list; // in view within the list, which alone scrolls (a short screen)
    if (li.offsetTop < list.scrollTop) list.scrollTop = li.offsetTop;
    else if (li.offsetTop + li.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = li.offsetTop + li.offsetHeight - list.clientHeight;
  }

  /** Close the list (keep: the @ is still being typed, only nobody matches it now). */
  close(keep) {
    if (!keep) this.current = null;
    if (this.list.hidden) return;
    this.list.hidden = true;
    this.shown = [];
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  /** The keys the open list takes (the composer asks first): Up, Down, Enter, Tab, Escape. */
  key(ev) {
    if (!this.isOpen() || ev.isComposing || ev.altKey || ev.ctrlKey || ev.metaKey) return false;
    const n = this.shown.length;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      this.active = (this.active + (ev.key === "ArrowDown" ? 1 : n - 1)) % n;
      this.mark();
    } else if ((ev.key === "Enter" || ev.key === "Tab") && !ev.shiftKey) {
      this.choose(this.active);
    } else if (ev.key === "Escape") {
      this.skip = this.current ? this.current.at : -1; // this @ is left as it is
      this.close();
    } else {
      return false;
    }
    ev.preventDefault();
    return true;
  }

  /** Put the whole nickname after the @, then a space, and the caret after it. */
  choose(index) {
    const c = this.shown[index];
    if (!c || !this.current) return;
    const { value } = this.input;
    const { at } = this.current;
    const caret = this.input.selectionStart;
    const after = value.slice(caret);
    const put = "@" + c.insert + " ";
    this.input.value = value.slice(0, at) + put + after.replace(/^ /, "");
    const end = at + put.length;
    this.input.setSelectionRange(end, end);
    this.skip = at;
    this.close();
    this.input.dispatchEvent(new Event("input", { bubbles: true })); // the counter, the height, "typing"
  }
}
