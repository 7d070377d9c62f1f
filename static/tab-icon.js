// The tab's icon with the unread count on it (notify.js counts): the page's icon drawn on a canvas
// with a red disc and the number, set as a data: URL; the page's own icon again once nothing is counted.

import { lang } from "./i18n.js";

const numbers = new Intl.NumberFormat(lang); // the count on the tab's icon
const SIZE = 64; // px: the canvas drawn on

export class TabIcon {
  constructor() {
    this.link = document.querySelector('link[rel~="icon"]');
    this.href = this.link ? this.link.getAttribute("href") : null; // the page's own icon
    this.type = this.link ? this.link.getAttribute("type") : null;
    this.image = null;
    this.count = 0; // what it shows
  }

  /** Show `count` on the icon; 0: the page's own icon. */
  show(count) {
    this.count = count;
    if (count > 0) this.badge(count);
    else this.restore();
  }

  restore() {
    if (!this.link || this.link.getAttribute("href") === this.href) return;
    this.link.setAttribute("href", this.href);
    if (this.type) this.link.setAttribute("type", this.type);
  }

  /** Draw the icon with a red disc and the count on a canvas; the icon becomes its data: URL. */
  badge(count) {
    if (!this.link) return;
    if (!this.image && this.href) {
      this.image = new Image();
      this.image.addEventListener("load", () => {
        if (this.count > 0) this.badge(this.count); // drawn again, over the page's icon now
      });
      this.image.src = this.href;
    }
    const size = SIZE;
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = size;
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    if (this.image && this.image.complete && this.image.naturalWidth) ctx.drawImage(this.image, 0, 0, size, size);
    const text = count > 99 ? `${numbers.format(99)}+` : numbers.format(count);
    const r = text.length > 2 ? 22 : 19;
    ctx.beginPath();
    ctx.arc(size - r - 1, r + 1, r, 0, 2 * Math.PI);
    ctx.fillStyle = "#c5221f";
    ctx.fill();
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#ffffff";
    ctx.stroke();
    ctx.fillStyle = "#ffffff";
    ctx.font = `bold ${text.length > 2 ? 20 : text.length > 1 ? 24 : 28}px system-ui, sans-serif`; // i18n: a font
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(text, size - r - 1, r + 2);
    try {
      this.link.setAttribute("type", "image/png");
      this.link.setAttribute("href", canvas.toDataURL("image/png"));
    } catch (e) {
      this.restore();
    }
  }
}
