// The room's search: the button in the room's header opens a panel (beside the chat on a wide
// screen, a sheet over the room on a phone: a modal <dialog> there, as private-panel.js shows the
// private thread) with a search box; results come as one types (search-results.js). Up and Down
// move through them, Enter or a click shows the message in the conversation (scrolled to the middle
// and highlighted); on a phone the sheet closes first. Escape closes, the focus going back.

import { say, reducedMotion } from "./dom.js";
import { make } from "./el.js";
import { t } from "./i18n.js";
import { LiveSearch, RESULTS, countText, hitParts, transcriptHref } from "./search-results.js";
import { eventPath } from "./api.js";

const TEXT = {
  heading: t("Search the conversation"),
  // Translators: the close button of the room's search panel (for screen readers, and as its tooltip).
  close: t("Close the search"),
  // Translators: what a screen reader calls the room's search box.
  label: t("Words to search for"),
  placeholder: t("Search this room…"),
  // Translators: what a screen reader calls the list of messages a search found.
  results: t("Search results"),
  // Translators: a search result was chosen, but the conversation on screen does not hold that message.
  missing: t("That message is not in the conversation shown here."),
  // Translators: a link after "That message is not in the conversation shown here."
  transcript: t("Read it in the transcript"),
};

const PHONE = "(max-width: 37.5rem)"; // i18n: a media query; here the panel is a sheet over the room
const FOUND_MS = 3000;

const phone = () => !!(window.matchMedia && window.matchMedia(PHONE).matches);

/** The room's search, for its root element; null when the page has no search button. */
export function roomSearch(root) {
  const button = root.querySelector("#search-open");
  const chat = document.getElementById("chat");
  const messages = document.getElementById("messages");
  if (!button || !chat || !messages) return null;
  return new RoomSearch(root, { button, chat, messages });
}

class RoomSearch {
  constructor(root, { button, chat, messages }) {
    Object.assign(this, { root, button, chat, messages });
    this.slug = root.dataset.slug;
    this.results = []; // the results on screen, in order
    this.active = -1; // the one Up and Down are on
    this.returnTo = null;
    this.build();
    this.search = new LiveSearch((q) => eventPath(this.slug, `/search?q=${encodeURIComponent(q)}&limit=${RESULTS}`), {
      busy: () => this.list.setAttribute("aria-busy", "true"),
      results: (results) => this.show(results),
      failed: (message) => this.show([], message),
      cleared: () => this.show(null),
    });

    button.addEventListener("click", () => (this.isOpen() ? this.close() : this.open()));
    // Only while the conversation is on screen: the button, and the panel with it.
    const follow = () => {
      button.hidden = chat.hidden;
      if (chat.hidden) this.close();
    };
    new MutationObserver(follow).observe(chat, { attributes: true, attributeFilter: ["hidden"] });
    follow();
  }

  build() {
    const dialog = (this.dialog = make("dialog", "search-panel"));
    dialog.id = "search-panel";
    dialog.setAttribute("aria-labelledby", "search-heading");
    const head = make("div", "search-head");
    const heading = make("h2", "search-heading", TEXT.heading);
    heading.id = "search-heading";
    const close = make("button", "search-close");
    close.type = "button";
    close.setAttribute("aria-label", TEXT.close);
    close.title = TEXT.close;
    const cross = make("span", "", "×"); // i18n: a symbol
    cross.setAttribute("aria-hidden", "true");
    close.append(cross);
    head.append(heading, close);

    const input = (this.input = make("input", "search-input"));
    Object.assign(input, { type: "search", id: "search-q", placeholder: TEXT.placeholder, maxLength: 200, autocomplete: "off" });
    input.setAttribute("aria-label", TEXT.label);
    input.setAttribute("aria-controls", "search-list");
    input.setAttribute("aria-describedby", "search-status");
    input.setAttribute("enterkeyhint", "search");
    input.spellcheck = false;
    const box = make("div", "search-box");
    box.append(input);

    this.status = make("p", "search-status small");
    this.status.id = "search-status";
    this.status.setAttribute("role", "status");
    this.status.hidden = true;
    this.list = make("ul", "search-results");
    this.list.id = "search-list";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", TEXT.results);
    this.list.hidden = true;
    const scroller = make("div", "search-scroller");
    scroller.append(this.status, this.list);
    dialog.append(head, box, scroller);
    this.chat.append(dialog);

    close.addEventListener("click", () => this.close());
    input.addEventListener("input", () => this.search.type(input.value));
    input.addEventListener("keydown", (ev) => this.key(ev));
    dialog.addEventListener("keydown", (ev) => {
      if (ev.key !== "Escape" || ev.defaultPrevented) return;
      ev.preventDefault(); // in a chat bar, Escape here closes this panel, not the bar's
      this.close();
    });
    dialog.addEventListener("cancel", (ev) => {
      ev.preventDefault(); // a modal dialog's own Escape: closed our way, the focus going back
      this.close();
    });
    this.list.addEventListener("click", (ev) => {
      const option = ev.target.closest("[role=option]");
      if (option) this.pick(Number(option.dataset.id));
    });
    // A press on a result keeps the focus in the box (Up and Down go on from there).
    this.list.addEventListener("mousedown", (ev) => ev.preventDefault());
  }

  isOpen() {
    return this.dialog.open;
  }

  open() {
    if (!this.isOpen()) {
      const active = document.activeElement;
      this.returnTo = active && active !== document.body ? active : this.button;
      if (phone()) this.dialog.showModal();
      else this.dialog.show();
      this.button.setAttribute("aria-expanded", "true");
    }
    this.input.focus();
    this.input.select();
  }

  /** Close; the focus goes back where it came from, unless `focus` says where it goes instead. */
  close(focus) {
    if (!this.isOpen()) return;
    const hadFocus = this.dialog.contains(document.activeElement) || document.activeElement === document.body;
    this.dialog.close();
    this.button.setAttribute("aria-expanded", "false");
    const back = focus || (this.returnTo && this.returnTo.isConnected && !this.returnTo.closest("[hidden]") ? this.returnTo : this.button);
    this.returnTo = null;
    if ((hadFocus || focus) && !back.closest("[hidden]")) back.focus({ preventScroll: true });
  }

  key(ev) {
    if (ev.isComposing) return;
    const count = this.results.length;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!count) return;
      ev.preventDefault();
      const step = ev.key === "ArrowDown" ? 1 : -1;
      this.activate(Math.min(count - 1, Math.max(-1, this.active + step)));
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      if (this.active >= 0) this.pick(this.results[this.active].message.id);
      else if (!this.search.answers(this.input.value)) this.search.now(this.input.value);
      else if (count) this.pick(this.results[0].message.id);
    } else if (ev.key === "Escape") {
      ev.preventDefault(); // not the search box's own clearing: Escape closes
      this.close();
    }
  }

  /** The result Up and Down are on (-1: none), for screen readers as the box's active descendant. */
  activate(index) {
    this.active = index;
    const options = this.list.children;
    for (let i = 0; i < options.length; i++) options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    if (index >= 0) {
      this.input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  /** Results (null: the box is empty), or the reason there are none. */
  show(results, problem) {
    this.list.removeAttribute("aria-busy");
    this.results = results || [];
    this.list.replaceChildren();
    for (const result of this.results) {
      const option = make("li", "search-hit");
      option.setAttribute("role", "option");
      option.id = "search-hit-" + result.message.id;
      option.dataset.id = String(result.message.id);
      option.append(...hitParts(result));
      this.list.append(option);
    }
    this.list.hidden = !this.results.length;
    this.activate(-1);
    if (results === null) say(this.status, "");
    else if (problem) say(this.status, problem, "error");
    else say(this.status, countText(this.results));
  }

  /** Show a result's message in the conversation, or say that it is not there. */
  pick(id) {
    const li = document.getElementById("m" + id);
    if (!li || !this.messages.contains(li)) {
      say(this.status, TEXT.missing, "error");
      if (this.root.dataset.transcript !== "hosts") {
        const link = make("a", "", TEXT.transcript);
        link.href = transcriptHref(this.slug, id);
        if (document.documentElement.classList.contains("embedded")) Object.assign(link, { target: "_blank", rel: "noopener" });
        this.status.append(" ", link);
      }
      return;
    }
    if (phone() && this.isOpen()) {
      if (!li.hasAttribute("tabindex")) li.tabIndex = -1;
      this.close(li); // the sheet covers the conversation: it goes, the focus on the message
    }
    li.scrollIntoView({ block: "center", behavior: reducedMotion() ? "auto" : "smooth" });
    li.classList.remove("found");
    void li.offsetWidth; // again from the start on a second pick
    li.classList.add("found");
    clearTimeout(li.foundTimer);
    li.foundTimer = setTimeout(() => li.classList.remove("found"), FOUND_MS);
  }
}
