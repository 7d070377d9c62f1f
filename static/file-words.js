// Files in words: a size as the reader's language writes it, and a message as one line of text
// where only text fits (a desktop notification, a reply's quote, the inbox's list): its text, or,
// when it was sent with files and no words, its files, so a photo sent alone is not an empty line.

import { lang, t, tn } from "./i18n.js";

const TEXT = {
  // Translators: a message that is only an image, shown as one line; {name} is the file's name.
  image: (name) => t("Image: {name}", { name }),
  // Translators: a message that is only a voice note or other audio, shown as one line.
  audio: (name) => t("Audio: {name}", { name }),
  // Translators: a message that is only a file (a PDF, a ZIP...), shown as one line.
  file: (name) => t("File: {name}", { name }),
  // Translators: a message that is only several files, shown as one line.
  files: (n) => tn("{n} file", "{n} files", n),
};

/** A size in bytes as the reader's language writes it: "830 bytes", "12 kB", "1.2 MB". */
export function sizeText(bytes) {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"]; // i18n: Intl's unit names
  let n = Math.max(0, Number(bytes) || 0);
  let unit = 0;
  while (n >= 1000 && unit < units.length - 1) {
    n /= 1000;
    unit += 1;
  }
  return new Intl.NumberFormat(lang, {
    style: "unit", unit: units[unit], unitDisplay: unit ? "short" : "long", maximumFractionDigits: unit && n < 10 ? 1 : 0,
  }).format(n);
}

/** The files of a message in words: "Image: a.png", "3 files"; "" for none. */
export function filesInWords(files) {
  if (!Array.isArray(files) || files.length === 0) return "";
  if (files.length > 1) return TEXT.files(files.length);
  const [file] = files;
  const type = String(file.type || "");
  const name = String(file.name || "");
  if (type.startsWith("image/")) return TEXT.image(name);
  if (type.startsWith("audio/")) return TEXT.audio(name);
  return TEXT.file(name);
}

/** A message's text, or its files in words when it has no text. */
export function textOrFiles(body, files) {
  const text = String(body || "");
  return text.trim() ? text : filesInWords(files);
}
