// Tabs (the WAI-ARIA pattern): one panel shown at a time; the arrow keys move between the tabs
// (mirrored right to left), Home and End go to the first and the last; a click or a key shows it.

export class Tabs {
  /**
   * tablist: the role=tablist element; shown(id): after a tab's panel is shown (its tab's id).
   * hide: false when the page's style shows the panels itself (a layout that has tabs only on phones).
   */
  constructor(tablist, shown, { hide = true } = {}) {
    this.tabs = [...tablist.querySelectorAll('[role="tab"]')];
    this.shown = shown;
    this.hide = hide;
    for (const tab of this.tabs) tab.addEventListener("click", () => this.select(tab));
    tablist.addEventListener("keydown", (e) => this.key(e));
  }

  select(tab, focus = false) {
    for (const other of this.tabs) {
      const on = other === tab;
      other.setAttribute("aria-selected", on ? "true" : "false");
      other.tabIndex = on ? 0 : -1;
      if (this.hide) document.getElementById(other.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
    this.shown(tab.id);
  }

  key(e) {
    const at = this.tabs.indexOf(document.activeElement);
    if (at < 0) return;
    const rtl = getComputedStyle(e.currentTarget).direction === "rtl";
    const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[e.key];
    let next = null;
    if (step) next = (at + step + this.tabs.length) % this.tabs.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = this.tabs.length - 1;
    if (next === null) return;
    e.preventDefault();
    this.select(this.tabs[next], true);
  }
}
