// The room's outbox with what shows it: every post goes through the Outbox (outbox.js); its waiting
// and failed messages below the conversation (outgoing.js), their files and how their uploads go
// (pending-files.js), and one's own messages held for review, followed until a host decides (held.js).

import { followHeld } from "./held.js";
import { Outbox } from "./outbox.js";
import { Outgoing } from "./outgoing.js";
import { showPendingFiles, showUploadProgress } from "./pending-files.js";

/**
 * The room's outbox, for its list (room-list.js; `messages` its <ol>). o: identity; scope() — what
 * the outbox is kept under; me() — the reader; focus() — the message box, or the list when there is
 * none; sent(item) — the server stored one of ours as `item`; refused(entry, res) (room-follow.js).
 */
export function roomOutbox(slug, list, messages, o) {
  const outbox = new Outbox(slug, {
    scope: o.scope(),
    token: (entry) => (!entry || entry.slug === outbox.slug ? o.identity.token() : null),
    changed: (entries, sendingId) => {
      outgoing.render(entries, sendingId);
      showPendingFiles(messages, entries); // the files of those that carry some
    },
    progress: (entry, index, fraction) => showUploadProgress(messages, entry, index, fraction), // its files going up
    sent: (entry, item) => o.sent(item),
    refused: o.refused,
    waiting: (why) => outgoing.waiting(why),
  });
  followHeld(outbox, slug, () => o.identity.token());
  const outgoing = new Outgoing(list, outbox, o.me, o.focus);
  return outbox;
}
