// A message as one line of text where only text fits (a desktop notification, a reply's quote, the
// inbox's list): its text, or, when it was sent with files and no words, its files in words, so
// that a photo sent alone is not an empty line.

import { t, tn } from "./i18n.js";

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
