// One list of the operator console (events, series, the audit log): a table filled page by page
// from GET /api/admin/<what>?…&limit=&before=, "More" for the next page, a line saying how many are
// shown, and rows redrawn in place after an action (the focus stays on the same button).
// On a phone the table's rows stack: each cell carries its column's heading (data-label) for the CSS.

import { errorMessage } from "./api.js";
import { say } from "./dom.js";
import { hostCall } from "./host-call.js";

const PAGE = 50;

export class AdminList {
  /**
   * options: path (the API's list), field (the answer's array: "events", "series", "entries"),
   * rows (the <tbody>), more (the More button), status (the line under the table),
   * query() (the search's parameters), cells(entry, row) (the row's <td>s),
   * count(shown) and empty(searched) (the status line's words).
   */
  constructor(options) {
    this.options = options;
    this.rows = options.rows;
    this.next = null;
    this.asked = 0; // loads started: only the latest one's answer is shown
    this.busy = 0; // the load under way, if any
    this.shown = 0;
    this.loaded = false;
    this.stale = false; // changed elsewhere (another list's action): load again when shown
    this.entries = new WeakMap(); // row → its entry
    this.labels = [...this.rows.closest("table").querySelectorAll("thead th")].map((th) => th.textContent.trim());
    options.more.addEventListener("click", () => this.load(false));
  }

  /** Load the first page (reset) or the next one (More). */
  async load(reset = true) {
    const { path, field, more, status } = this.options;
    if (!reset && this.busy) return; // More pressed twice
    // Not disabled while it loads: a disabled button would drop the keyboard's focus.
    const fromMore = !reset && document.activeElement === more;
    const mine = ++this.asked;
    this.busy = mine;
    const query = this.options.query();
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
    params.set("limit", String(PAGE));
    if (!reset && this.next) params.set("before", this.next);
    more.setAttribute("aria-disabled", "true");
    this.rows.setAttribute("aria-busy", "true");
    const res = await hostCall("GET", `${path}?${params}`);
    if (mine !== this.asked) return; // a newer search is on its way
    this.busy = 0;
    this.rows.removeAttribute("aria-busy");
    more.removeAttribute("aria-disabled");
    const list = res.status === 200 && res.data && Array.isArray(res.data[field]) ? res.data[field] : null;
    if (!list) {
      if (res.status !== 403) say(status, errorMessage(res), "error"); // a refused key has its own panel
      return;
    }
    if (reset) {
      this.rows.replaceChildren();
      this.shown = 0;
    }
    const first = this.rows.children.length;
    for (const entry of list) this.rows.append(this.row(entry));
    this.shown += list.length;
    this.loaded = true;
    this.stale = false;
    this.next = typeof res.data.next === "string" || typeof res.data.next === "number" ? String(res.data.next) : null;
    more.hidden = !this.next;
    const searched = Object.values(query).some(Boolean);
    say(status, this.shown ? this.options.count(this.shown) : this.options.empty(searched));
    // More disappeared with the last page: the focus goes on to the first new row.
    if (fromMore && more.hidden) {
      const row = this.rows.children[first];
      const target = row && row.querySelector("a, button");
      if (target) target.focus();
    }
  }

  /** Load again if something changed it since, or if it was never loaded. */
  refreshIfStale() {
    if (!this.loaded || this.stale) this.load(true);
  }

  row(entry) {
    const tr = document.createElement("tr");
    this.fill(tr, entry);
    return tr;
  }

  /** The entry a row shows. */
  entryOf(tr) {
    return this.entries.get(tr);
  }

  /** Draw a row for `entry`; `slot` is the button to give the focus back to (it may be another now). */
  fill(tr, entry, slot = null) {
    const cells = this.options.cells(entry, tr);
    cells.forEach((td, i) => {
      if (this.labels[i]) td.dataset.label = this.labels[i];
    });
    tr.replaceChildren(...cells);
    this.entries.set(tr, entry);
    if (slot) {
      const target = tr.querySelector(`[data-slot="${slot}"]`) || tr.querySelector("button") || tr.querySelector("a");
      if (target) target.focus();
    }
  }

  /** Run a row's action (its buttons wait meanwhile): the answer, {status, data}. */
  async act(tr, method, path, body) {
    const buttons = [...tr.querySelectorAll("button")];
    const focused = buttons.find((button) => button === document.activeElement);
    for (const button of buttons) button.disabled = true;
    tr.setAttribute("aria-busy", "true");
    const res = await hostCall(method, path, body);
    tr.removeAttribute("aria-busy");
    for (const button of buttons) button.disabled = false;
    if (focused && focused.isConnected) focused.focus(); // a disabled button lost it
    return res;
  }
}
