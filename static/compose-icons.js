// The composer's icons for files (a paperclip, a microphone, a camera, a file, a sound), drawn
// node by node as SVG so that no font has to have them; each is decoration (aria-hidden): its
// button says what it does in words.

const NS = "http://www.w3.org/2000/svg"; // i18n: a namespace

// 24×24 outlines, stroked with the text's colour.
const PATHS = { // i18n: SVG path data
  clip: ["M21 11.5 12.6 19.9a5.5 5.5 0 0 1-7.8-7.8l8.5-8.5a3.7 3.7 0 0 1 5.2 5.2l-8.5 8.5a1.8 1.8 0 0 1-2.6-2.6l7.8-7.8"],
  mic: ["M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3Z", "M5.5 11a6.5 6.5 0 0 0 13 0", "M12 17.5V21", "M8.5 21h7"],
  camera: ["M4 7.5h3.2L9 5h6l1.8 2.5H20a1 1 0 0 1 1 1V19a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8.5a1 1 0 0 1 1-1Z", "M12 10a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7Z"],
  file: ["M6 3h8l4 4v14H6Z", "M14 3v4h4"],
  sound: ["M9 18V6l10-2v12", "M9 18a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0Z", "M19 16a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0Z"],
  stop: ["M7 7h10v10H7Z"],
  close: ["M6 6l12 12", "M18 6 6 18"],
};

/** The icon `name` (clip, mic, camera, file, sound, stop, close) at `size` CSS pixels. */
export function icon(name, size = 20) {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  for (const d of PATHS[name] || PATHS.file) {
    const path = document.createElementNS(NS, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", name === "stop" ? "currentColor" : "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "1.8");
    path.setAttribute("stroke-linecap", "round");
    path.setAttribute("stroke-linejoin", "round");
    svg.append(path);
  }
  return svg;
}

/** A button of the composer's: its icon, and its name for screen readers (and as its tooltip). */
export function iconButton(name, label, className) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "compose-tool " + (className || ""); // i18n: class names
  button.setAttribute("aria-label", label);
  button.title = label;
  button.append(icon(name));
  return button;
}
