// The transcript's images open in the room's viewer (lightbox.js), with the keyboard and Escape, one
// after another across the whole transcript. Without JavaScript each thumbnail is a link to its
// image, and it stays one: a click with a modifier key still opens it in a new tab.

import { openLightbox } from "./lightbox.js";

/** The File object the viewer needs, from the page's link to an image. */
function fileOf(link) {
  const img = link.querySelector("img");
  return {
    url: link.getAttribute("href"),
    name: img ? img.alt : "",
    width: Number(link.dataset.width) || 0,
    height: Number(link.dataset.height) || 0,
  };
}

/** Open the transcript `log`'s images in the viewer instead of following their links. */
export function imageViewer(log) {
  log.addEventListener("click", (ev) => {
    const link = ev.target.closest("a.file-thumb");
    if (!link || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const links = Array.from(log.querySelectorAll("a.file-thumb"));
    ev.preventDefault();
    openLightbox(links.map((l) => ({ file: fileOf(l), credential: null, opener: l })), links.indexOf(link));
  });
}
