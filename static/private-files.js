// The private panel's files (private-panel.js draws it, private-room.js sends through it): its
// composer's tray, fed as the public composer's is (attach-sources.js: the button, paste, drop, a
// voice note, a photo), and the files of its messages waiting in the outbox, under each of them
// (pending-files.js). The tools are made the first time the panel opens (most readers never do).
// Files dropped on the panel are its own: the room's drop zone behind it never takes them. A
// message's files belong to the thread they were attached in: shown another thread (or another
// reader), the tray is emptied rather than send them to someone else.

import { composeFiles } from "./attach-sources.js";
import { showPendingFiles, showUploadProgress } from "./pending-files.js";

const DRAG = ["dragenter", "dragover", "dragleave", "drop"]; // i18n: event names

/**
 * panel: the PrivatePanel; composer: its Composer (composer.js). o: slug; token() → the reader's
 * token; reader() → whose threads these are (a participant id, or null). → the panel's files:
 * opened(), showed(key), pending(entries), progress(entry, index, fraction).
 */
export function privateFiles(panel, composer, o) {
  let tray = null; // attach-sources.js's files, once the panel has opened
  let shown = null; // "<reader> <thread key>": where the files in the tray go
  const lists = () => panel.box.querySelectorAll(":scope > ol");

  const files = {
    /** The panel opened: its tools, the first time. */
    opened() {
      if (tray) return;
      tray = composeFiles(composer, { slug: o.slug, token: o.token, area: panel.dialog });
      for (const type of DRAG) panel.dialog.addEventListener(type, (ev) => ev.stopPropagation());
    },

    /** The panel shows the thread `key`: files attached for another thread, or reader, go. */
    showed(key) {
      const now = `${o.reader()} ${key}`;
      if (tray && shown !== null && now !== shown && tray.count()) tray.clear();
      shown = now;
    },

    /** The outbox changed: each waiting message's files under it, in its thread. */
    pending(entries) {
      for (const ol of lists()) showPendingFiles(ol, entries);
    },

    /** A waiting message's file `index` has gone up this far (0..1). */
    progress(entry, index, fraction) {
      for (const ol of lists()) showUploadProgress(ol, entry, index, fraction);
    },
  };
  panel.useFiles(files);
  return files;
}
