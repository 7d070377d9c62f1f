// Icons drawn node by node as SVG, so that no font has to have them; each is decoration
// (aria-hidden): its button or link says what it does in words. Every icon is 24×24 and painted in
// the text's colour, one of four ways, as its paths declare: outlined, filled, painted by files.css
// (a file's page and its mark, the same as templates/item_files.html draws them on the transcript),
// or left to the style sheet around it (a message's toolbar: style.css `.msg-actions svg`).

import { make } from "./el.js";

const NS = "http://www.w3.org/2000/svg"; // i18n: a namespace

// How a path is painted: its attributes.
const OUTLINE = { fill: "none", stroke: "currentColor", "stroke-width": "1.8", "stroke-linecap": "round", "stroke-linejoin": "round" }; // i18n: SVG attributes
const BLOCK = { ...OUTLINE, fill: "currentColor" }; // outlined, and filled too
const SOLID = { fill: "currentColor" }; // i18n: an SVG attribute
const PAGE = { class: "file-icon-page" }; // i18n: a class name (files.css)
const MARK = { class: "file-icon-mark" }; // i18n: a class name (files.css)
const SHEET = {}; // the style sheet paints it

const PAGE_PATH = "M6 2h8l6 6v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2Zm7 1.5V9h5.5"; // i18n: an SVG path
const page = (mark) => [[PAGE, PAGE_PATH], ...(mark ? [[MARK, mark]] : [])];
const each = (paint, paths) => paths.map((d) => [paint, d]);

// name → its paths, each [paint, d].
const ICONS = { // i18n: SVG path data
  // The composer's tools and its tray: outlines.
  clip: each(OUTLINE, ["M21 11.5 12.6 19.9a5.5 5.5 0 0 1-7.8-7.8l8.5-8.5a3.7 3.7 0 0 1 5.2 5.2l-8.5 8.5a1.8 1.8 0 0 1-2.6-2.6l7.8-7.8"]),
  mic: each(OUTLINE, ["M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3Z", "M5.5 11a6.5 6.5 0 0 0 13 0", "M12 17.5V21", "M8.5 21h7"]),
  camera: each(OUTLINE, ["M4 7.5h3.2L9 5h6l1.8 2.5H20a1 1 0 0 1 1 1V19a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8.5a1 1 0 0 1 1-1Z", "M12 10a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7Z"]),
  file: each(OUTLINE, ["M6 3h8l4 4v14H6Z", "M14 3v4h4"]),
  sound: each(OUTLINE, ["M9 18V6l10-2v12", "M9 18a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0Z", "M19 16a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0Z"]),
  stop: each(BLOCK, ["M7 7h10v10H7Z"]),
  close: each(OUTLINE, ["M6 6l12 12", "M18 6 6 18"]),
  play: each(BLOCK, ["M8 5.5v13l10.5-6.5Z"]),
  pause: each(BLOCK, ["M7 5.5h3.5v13H7Zm6.5 0H17v13h-3.5Z"]),
  // Calls (call-window.js, the private threads): outlines, and a filled receiver to hang up.
  phone: each(OUTLINE, ["M5 4h3.5l1.5 4.5-2 1.5a11 11 0 0 0 6 6l1.5-2 4.5 1.5V19a1 1 0 0 1-1 1A16 16 0 0 1 4 5a1 1 0 0 1 1-1Z"]),
  video: each(OUTLINE, ["M4 7h10a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1Z", "M15 10.5 21 7v10l-6-3.5"]),
  "mic-off": each(OUTLINE, ["M9 9v3a3 3 0 0 0 5.1 2.1M15 10V6a3 3 0 0 0-5.8-1", "M5.5 11a6.5 6.5 0 0 0 11 4.7M18.5 11", "M12 17.5V21", "M8.5 21h7", "M4 4l16 16"]),
  "camera-off": each(OUTLINE, ["M4 7.5h3.2L9 5h6l1.8 2.5H20a1 1 0 0 1 1 1V19a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8.5a1 1 0 0 1 1-1Z", "M4 4l16 16"]),
  // The call window's device menus (call-devices.js): the button that opens one, the check of the device in use.
  "chevron-up": each(OUTLINE, ["M6.5 14.5 12 9l5.5 5.5"]),
  check: each(OUTLINE, ["M5 12.5 9.5 17 19 7.5"]),
  // The call window made smaller (arrows in to a corner) or larger again (arrows out).
  shrink: each(OUTLINE, ["M20 4l-6 6M14 5v5h5", "M4 20l6-6M10 19v-5H5"]),
  grow: each(OUTLINE, ["M14 10l6-6M15 4h5v5", "M10 14l-6 6M9 20H4v-5"]),
  "hang-up": each(SOLID, ["M12 9c-3.3 0-6.4 1-8.8 2.8a1.5 1.5 0 0 0-.2 2.1l1.6 2a1.5 1.5 0 0 0 1.9.4l2.3-1.2a1 1 0 0 0 .5-.9V12a12 12 0 0 1 5.4 0v2.2a1 1 0 0 0 .5.9l2.3 1.2a1.5 1.5 0 0 0 1.9-.4l1.6-2a1.5 1.5 0 0 0-.2-2.1A14.7 14.7 0 0 0 12 9Z"]),
  // The image viewer's buttons and the download links: filled.
  previous: each(SOLID, ["M15.4 5.4 14 4l-8 8 8 8 1.4-1.4L8.8 12z"]),
  next: each(SOLID, ["M8.6 5.4 10 4l8 8-8 8-1.4-1.4 6.6-6.6z"]),
  "close-solid": each(SOLID, ["M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z"]),
  download: each(SOLID, ["M11 4h2v8.2l3.3-3.3 1.4 1.4-5.7 5.7-5.7-5.7 1.4-1.4 3.3 3.3zM5 18h14v2H5z"]),
  // A file's kind under a message: a page with a mark.
  "page-pdf": page("M7.5 13h2a1.5 1.5 0 0 1 0 3h-1v2h-1Zm1 1v1h1a.5.5 0 0 0 0-1Zm3-1h1.5a2.5 2.5 0 0 1 0 5H11.5Zm1 1v3h.5a1.5 1.5 0 0 0 0-3Zm3.5-1h3v1h-2v1h1.5v1H17v2h-1Z"), // i18n: an SVG path
  "page-text": page("M7 12h10v1.2H7Zm0 3h10v1.2H7Zm0 3h7v1.2H7Z"), // i18n: an SVG path
  "page-zip": page("M11 3h2v1.5h-2Zm0 3h2v1.5h-2Zm0 3h2v1.5h-2Zm0 3h2v1.5h-2Zm-.5 3h3v4h-3Z"), // i18n: an SVG path
  "page-audio": page("M12 11v6.3a2.2 2.2 0 1 1-1.2-2V9l5.2-1.3v2Z"),
  "page-other": page(""),
  // A message's toolbar: a face with a plus, an arrow back, a pencil, a bin (style.css strokes them).
  more: each(SHEET, ["M11 5a8 8 0 1 0 8 8", "M8 11h.01M14 11h.01", "M7.5 15a4 4 0 0 0 7 0", "M19 2v6M16 5h6"]),
  reply: each(SHEET, ["M9 14 4 9l5-5", "M4 9h10a6 6 0 0 1 6 6v4"]),
  edit: each(SHEET, ["M4 20h4L19 9l-4-4L4 16v4z", "M13.5 6.5l4 4"]),
  delete: each(SHEET, ["M4 7h16", "M10 11v6M14 11v6", "M6 7l1 13h10l1-13", "M9 7V4h6v3"]),
};

/** The icon `name` at `size` CSS pixels (a style sheet may size it otherwise), with the class `className`. */
export function icon(name, size = 20, className = "icon") {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", className);
  for (const [paint, d] of ICONS[name] || ICONS.file) {
    const path = document.createElementNS(NS, "path");
    path.setAttribute("d", d);
    for (const [key, value] of Object.entries(paint)) path.setAttribute(key, value);
    svg.append(path);
  }
  return svg;
}

/** A button with the icon `name`, and its name for screen readers (and as its tooltip). */
export function iconButton(name, label, className) {
  const button = make("button", className);
  button.type = "button";
  button.setAttribute("aria-label", label);
  button.title = label;
  button.append(icon(name));
  return button;
}
