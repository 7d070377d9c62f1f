// Where the call window sits (call-window.js): in the top layer (a manual popover, where the
// browser has them), inside the modal dialog that is open if any (everything outside a modal dialog
// is inert, even what floats above it: the private panel is one on a phone and in the chat bar),
// placed again when a dialog opens or closes. And out of the way: the open private panel makes room
// at its bottom for the part of the window over it, so that its composer stays in sight above the
// window, when the panel's contents still fit; else (a desktop's side panel, full to its height) the
// window rises above the panel's composer, over the thread's lines, so that one can still write.

const PANEL = "dialog.private-thread[open]"; // the private thread (private-panel.js)
const GAP = 8; // px between the panel's composer and the window

export class Placement {
  constructor(el) {
    this.el = el;
    this.panel = null; // the panel that made room
    this.again = () => {
      this.place();
      this.room();
    };
    this.again();
    this.watcher = new MutationObserver(this.again);
    this.watcher.observe(document.body, { subtree: true, attributes: true, attributeFilter: ["open"] });
    this.sizes = typeof ResizeObserver === "function" ? new ResizeObserver(() => this.room()) : null;
    if (this.sizes) this.sizes.observe(el);
    window.addEventListener("resize", this.again);
  }

  place() {
    const el = this.el;
    const home = document.querySelector("dialog:modal") || document.body;
    if (el.parentNode !== home) {
      const focused = el.contains(document.activeElement) ? document.activeElement : null;
      home.append(el);
      if (focused) focused.focus();
    }
    if (el.popover && !el.matches(":popover-open")) el.showPopover();
  }

  /** Room in the open private panel for the window over its bottom, where its contents still fit. */
  room() {
    this.unroom();
    const panel = document.querySelector(PANEL);
    if (!panel || !this.el.isConnected) return;
    const w = this.el.getBoundingClientRect();
    const p = panel.getBoundingClientRect();
    const across = Math.min(w.right, p.right) - Math.max(w.left, p.left);
    const over = p.bottom - w.top + GAP;
    if (across < p.width / 2 || w.top <= p.top || over <= GAP) return;
    this.panel = panel;
    panel.style.setProperty("--call-room", `${Math.ceil(over)}px`);
    if (panel.scrollHeight > panel.clientHeight + 1) {
      this.unroom(); // no room to make in the panel
      this.rise(panel, w);
    }
  }

  /** Lift the window (its rect `w`) above the panel's composer, if it then stays on the screen. */
  rise(panel, w) {
    const composer = panel.querySelector(".private-composer");
    if (!composer) return;
    const top = composer.getBoundingClientRect().top;
    if (top - GAP - w.height < GAP) return; // it would leave the screen: the window can be made smaller
    this.lifted = true;
    this.el.style.insetBlockEnd = `${Math.ceil(window.innerHeight - top + GAP)}px`;
  }

  unroom() {
    if (this.panel) this.panel.style.removeProperty("--call-room");
    this.panel = null;
    if (this.lifted) this.el.style.removeProperty("inset-block-end");
    this.lifted = false;
  }

  stop() {
    this.watcher.disconnect();
    if (this.sizes) this.sizes.disconnect();
    window.removeEventListener("resize", this.again);
    this.unroom();
  }
}
