// Where a message's files come from, put together for a composer (composer.js): the attach
// button (a file picker, several at once), pasting (a screenshot from the clipboard), dragging
// files onto the room (a drop zone shows while they are dragged), a voice note (voice-note.js) and
// a photo from the camera (webcam.js). They all land in the tray (attachments.js).

import { Attachments, stampedName } from "./attachments.js";
import { make } from "./el.js";
import { iconButton } from "./icons.js";
import { t } from "./i18n.js";
import { VoiceNote } from "./voice-note.js";
import { cameraButton } from "./webcam.js";

const TEXT = {
  attach: t("Attach files"),
  drop: t("Drop files here to attach them"),
};

/** Files of a DataTransfer (a paste, a drop): its files, else its items of kind file. */
function filesOf(data) {
  if (!data) return [];
  if (data.files && data.files.length) return Array.from(data.files);
  return Array.from(data.items || []).filter((item) => item.kind === "file").map((item) => item.getAsFile()).filter(Boolean);
}

/** Whether a drag carries files (rather than text or a link). */
function carriesFiles(ev) {
  return !!ev.dataTransfer && Array.from(ev.dataTransfer.types || []).includes("Files"); // i18n: a drag type
}

/** A pasted image gets a name of its own ("image.png" says nothing): screenshot-<time>.<ext>. */
function pastedName(file) {
  if (!file.type.startsWith("image/")) return file.name; // i18n: a media type
  const ext = (file.type.split("/")[1] || "png").replace("jpeg", "jpg").replace(/\W.*$/, ""); // i18n: file extensions
  return stampedName("screenshot", ext); // i18n: a file name
}

/**
 * Give `composer` its files (composer.js, or what the console's post box offers alike: els {form,
 * input}, error(text, kind), usable(), useFiles(files)). o: slug; token() → the token to upload
 * with; area: the element files may be dropped on (the room's chat); usable() → whether the reader
 * may write now. → the files: count(), settle(), take(), ids(), clear().
 */
export function composeFiles(composer, o) {
  const { form, input } = composer.els;
  const row = input.closest(".compose-row") || input.parentElement;
  const tray = new Attachments(row, {
    slug: o.slug,
    token: o.token,
    input,
    status: (text) => composer.error(text, "transient"),
    changed: (count) => {
      input.required = !count; // a message of files alone may have no words
      form.classList.toggle("has-files", count > 0);
    },
  });
  const usable = () => composer.usable() && (!o.usable || o.usable());
  const add = (files, extra) => {
    if (!files.length || !usable()) return 0;
    composer.error("");
    return tray.add(files, extra);
  };

  // The attach button and its file picker (not shown: the button is the control people use).
  const tools = make("div", "compose-tools");
  const picker = make("input", "attach-input");
  picker.type = "file";
  picker.multiple = true;
  picker.hidden = true;
  picker.tabIndex = -1;
  picker.setAttribute("aria-hidden", "true");
  const attach = iconButton("clip", TEXT.attach, "compose-tool attach-button");
  attach.addEventListener("click", () => picker.click());
  picker.addEventListener("change", () => {
    add(Array.from(picker.files || []));
    picker.value = ""; // the same file can be picked again
    input.focus();
  });
  tools.append(attach, picker);
  const voice = new VoiceNote(tools, { add: (blob, extra) => add([blob], extra), status: (text) => composer.error(text, "transient"), row });
  const camera = cameraButton({ add: (blob, extra) => add([blob], extra), status: (text) => composer.error(text, "transient") });
  if (camera) tools.append(camera);
  row.insertBefore(tools, row.firstChild);

  // Pasting a screenshot (or files copied in a file manager) attaches them instead of text.
  input.addEventListener("paste", (ev) => {
    const files = filesOf(ev.clipboardData);
    if (!files.length) return;
    ev.preventDefault();
    for (const file of files) add([file], { name: pastedName(file) });
  });

  // Dragging files over the room: a drop zone over it, until they are dropped or taken away.
  const area = o.area || form;
  const zone = make("div", "drop-zone");
  zone.hidden = true;
  zone.append(make("p", "", TEXT.drop));
  area.append(zone);
  let depth = 0;
  const hide = () => {
    depth = 0;
    zone.hidden = true;
  };
  area.addEventListener("dragenter", (ev) => {
    if (!carriesFiles(ev) || !usable()) return;
    ev.preventDefault();
    depth += 1;
    zone.hidden = false;
  });
  area.addEventListener("dragover", (ev) => {
    if (!carriesFiles(ev) || !usable()) return;
    ev.preventDefault(); // this makes it a place to drop on
    ev.dataTransfer.dropEffect = "copy";
  });
  area.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (!depth) hide();
  });
  area.addEventListener("drop", (ev) => {
    hide();
    const files = filesOf(ev.dataTransfer);
    if (!files.length) return;
    ev.preventDefault();
    if (add(files)) input.focus();
  });
  window.addEventListener("dragend", hide);

  const files = {
    count: () => tray.count() + (voice.recording() ? 1 : 0), // a recording under way goes with the message
    settle: async () => {
      await voice.finish();
      return tray.settle();
    },
    take: () => tray.take(),
    ids: () => tray.ids(),
    clear: () => tray.take(),
  };
  composer.useFiles(files);
  return files;
}
