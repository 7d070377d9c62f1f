// The files of a message that waits in the outbox, shown under its text (outgoing.js draws the
// rest of it): each file's name and size, and the progress of its upload while it goes up.

import { clockText } from "./attachments.js";
import { sizeText } from "./file-words.js";
import { icon } from "./icons.js";
import { make } from "./el.js";
import { t } from "./i18n.js";

const TEXT = {
  files: t("Files of this message"),
  // Translators: {name} is a file's name.
  progress: (name) => t("Uploading {name}", { name }),
  uploaded: t("Uploaded"),
};

function itemOf(ol, clientId) {
  return Array.from(ol.querySelectorAll(":scope > li.outgoing")).find((li) => li.dataset.clientId === clientId) || null;
}

function draw(entry) {
  const ul = make("ul", "pending-files");
  ul.setAttribute("aria-label", TEXT.files);
  for (const f of entry.files) {
    const li = make("li", "pending-file");
    const name = make("span", "attach-name", f.name);
    name.dir = "auto";
    const meta = make("span", "attach-meta", sizeText(f.size) + (f.duration != null ? " · " + clockText(f.duration) : "")); // i18n: a separator
    const done = make("span", "pending-done", TEXT.uploaded);
    const bar = make("progress", "attach-progress");
    bar.max = 1;
    bar.hidden = true;
    bar.setAttribute("aria-label", TEXT.progress(f.name));
    li.append(icon(String(f.type).startsWith("audio/") ? "sound" : "file", 16), name, meta, done, bar); // i18n: a media type
    ul.append(li);
  }
  return ul;
}

/** Show each waiting message's files (after outgoing.js has drawn the entries). */
export function showPendingFiles(ol, entries) {
  for (const entry of entries) {
    if (!entry.files) continue;
    const li = itemOf(ol, entry.clientId);
    if (!li) continue;
    let ul = li.querySelector(".pending-files");
    if (!ul) {
      ul = draw(entry);
      (li.querySelector(".body") || li.lastElementChild).after(ul);
    }
    entry.files.forEach((f, i) => {
      const row = ul.children[i];
      if (row) row.querySelector(".pending-done").hidden = !f.id;
      if (row && f.id) row.querySelector("progress").hidden = true;
    });
  }
}

/** The upload of the entry's file `index` has come this far (0..1). */
export function showUploadProgress(ol, entry, index, fraction) {
  const li = itemOf(ol, entry.clientId);
  const row = li && li.querySelectorAll(".pending-file")[index];
  if (!row) return;
  const bar = row.querySelector("progress");
  bar.hidden = fraction >= 1;
  bar.value = fraction;
  row.querySelector(".pending-done").hidden = fraction < 1;
}
