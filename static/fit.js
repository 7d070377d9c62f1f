// The room on a phone (style.css sizes it to the screen): the composer stays above the on-screen
// keyboard, and a long event description folds to two lines with a "More" button.

import { t } from "./i18n.js";

const TEXT = {
  // Translators: a button under an event's long description, folded to two lines on a phone.
  more: t("More"),
  // Translators: the same button once the description is unfolded.
  less: t("Less"),
};

/** Both parts, for the room's root element. */
export function fitRoom(root) {
  followKeyboard();
  const head = root.querySelector(".event-head");
  if (head) foldable(head);
}

/**
 * Where the on-screen keyboard covers the page instead of resizing it (browsers that ignore
 * interactive-widget=resizes-content, such as Safari), size the room to what is left visible:
 * --room-height on <html>, which style.css prefers to 100dvh.
 */
function followKeyboard() {
  const vv = window.visualViewport;
  if (!vv) return;
  const html = document.documentElement;
  let covered = false;
  const fit = () => {
    // A pinch zoom shrinks the visual viewport too, but at another scale: only the keyboard counts.
    const now = Math.abs(vv.scale - 1) < 0.01 && window.innerHeight - vv.height > 1;
    if (now) html.style.setProperty("--room-height", `${Math.round(vv.height)}px`);
    else if (covered) html.style.removeProperty("--room-height");
    covered = now;
    // The browser scrolled the page to show the focused box; the room now fits, so scroll it back.
    if (now && window.scrollY) window.scrollTo(0, 0);
  };
  vv.addEventListener("resize", fit);
  vv.addEventListener("scroll", fit);
  fit();
}

/**
 * A description taller than its folded box (two lines, on a small screen) gets a More/Less button.
 * The description may be replaced or changed later (the host edits it): observed, not read once.
 */
function foldable(head) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link more";
  button.hidden = true;
  head.classList.add("foldable");
  // Changes only what differs: its own changes must not set the observers off again and again.
  const check = () => {
    const description = head.querySelector(".description");
    if (!description || description.hidden) {
      button.hidden = true;
    } else {
      if (description.nextElementSibling !== button) description.after(button);
      if (!description.id) description.id = "event-description";
      button.setAttribute("aria-controls", description.id);
      const open = head.classList.contains("unfolded");
      button.hidden = !open && description.scrollHeight <= description.clientHeight + 1;
      const label = open ? TEXT.less : TEXT.more;
      if (button.textContent !== label) button.textContent = label;
      button.setAttribute("aria-expanded", String(open));
    }
  };
  button.addEventListener("click", () => {
    head.classList.toggle("unfolded");
    check();
  });
  if (typeof ResizeObserver === "function") new ResizeObserver(check).observe(head);
  new MutationObserver(check).observe(head, { childList: true, subtree: true, characterData: true });
  check();
}
