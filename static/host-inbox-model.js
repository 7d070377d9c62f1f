// The hosts' inbox as data, without the DOM: the stream's private items folded into one thread per
// participant (their lines to the hosts, the hosts' and moderators' lines and notices to them), with
// the read and done marks every host and moderator shares (items of kind "thread"). The same items
// in any order of arrival, any number of times, give the same threads.

/** An empty inbox: threads by participant id, and which thread each line is in (by item id). */
export function newInbox() {
  // users: app user id -> participant id (the people list's, for the hosts); unplaced: notices to an
  // app user the console cannot name yet, kept until that user is known to have joined.
  return { threads: new Map(), lineAt: new Map(), users: new Map(), unplaced: new Map() };
}

function threadOf(inbox, pid) {
  let thread = inbox.threads.get(pid);
  if (!thread) {
    // read: the shared mark (an item id); done as the newest done mark (item doneMark) says.
    thread = { pid, lines: [], read: 0, done: false, doneMark: 0, name: null };
    inbox.threads.set(pid, thread);
  }
  return thread;
}

/** Where a private item goes: {pid, from: "participant" | "hosts"}, or null when it is no line of a thread. */
export function placeOf(item, users = new Map()) {
  if (!item || item.private !== true || typeof item.id !== "number") return null;
  if (item.kind !== "message" && item.kind !== "notice" && item.kind !== "call") return null;
  if (item.to === "hosts" && Number.isInteger(item.participant_id)) return { pid: item.participant_id, from: "participant" };
  const staff = item.kind === "notice" || item.role === "host" || item.role === "moderator";
  if (Number.isInteger(item.to) && staff) return { pid: item.to, from: "hosts" };
  // A notice to an app user who had not joined when it was sent: theirs once they have.
  if (item.kind === "notice" && users.has(item.to_user)) return { pid: users.get(item.to_user), from: "hosts" };
  return null; // between two participants (never sent to the hosts)
}

/** The app user ids of the people who joined with one; returns the participants whose thread changed. */
export function placeUsers(inbox, users) {
  inbox.users = users;
  const waiting = [...inbox.unplaced.values()].filter((item) => users.has(item.to_user));
  for (const item of waiting) inbox.unplaced.delete(item.id);
  return foldThreads(inbox, waiting);
}

/** Fold stream items into the inbox; returns the ids of the participants whose thread changed. */
export function foldThreads(inbox, items) {
  const changed = new Set();
  for (const item of items || []) {
    if (!item || typeof item.id !== "number") continue;
    if (item.kind === "thread") {
      if (!Number.isInteger(item.target)) continue;
      const thread = threadOf(inbox, item.target);
      if (typeof item.read === "number" && item.read > thread.read) {
        thread.read = item.read; // a read mark only moves forward
        changed.add(thread.pid);
      }
      if (typeof item.done === "boolean" && item.id > thread.doneMark) {
        thread.done = item.done;
        thread.doneMark = item.id;
        changed.add(thread.pid);
      }
      continue;
    }
    if (item.kind === "preview" && inbox.lineAt.has(item.target)) {
      const pid = inbox.lineAt.get(item.target);
      const line = inbox.threads.get(pid).lines.find((l) => l.id === item.target);
      if (item.preview && typeof item.preview === "object") line.preview = item.preview; // its link's card
      changed.add(pid);
      continue;
    }
    if ((item.kind === "edit" || item.kind === "retraction") && inbox.lineAt.has(item.target)) {
      const pid = inbox.lineAt.get(item.target);
      const line = inbox.threads.get(pid).lines.find((l) => l.id === item.target);
      if (item.kind === "retraction") line.removed = true;
      else if (typeof item.body === "string") line.body = item.body;
      changed.add(pid);
      continue;
    }
    const place = placeOf(item, inbox.users);
    if (!place && item.kind === "notice" && typeof item.to_user === "string") inbox.unplaced.set(item.id, item);
    if (!place || inbox.lineAt.has(item.id)) continue;
    const thread = threadOf(inbox, place.pid);
    const line = {
      id: item.id,
      from: place.from,
      kind: item.kind,
      author: typeof item.author === "string" ? item.author : "",
      role: item.role === "host" || item.role === "moderator" ? item.role : null,
      body: typeof item.body === "string" ? item.body : "",
      at: typeof item.created_at === "string" ? item.created_at : "",
      removed: item.retracted === true,
      files: Array.isArray(item.files) ? item.files : [], // drawn by file-view.js
      preview: item.preview && typeof item.preview === "object" ? item.preview : null, // by link-preview.js
      call: item.kind === "call" ? item : null, // a call's line (call-line.js)
    };
    // Kept in id order, whichever arrived first (a reply's own answer, or the stream).
    let at = thread.lines.length;
    while (at > 0 && thread.lines[at - 1].id > line.id) at--;
    thread.lines.splice(at, 0, line);
    if (line.from === "participant" && line.author && at === thread.lines.length - 1) thread.name = line.author;
    inbox.lineAt.set(item.id, place.pid);
    changed.add(place.pid);
  }
  return changed;
}

/** The thread's newest line (null for a thread that has only marks). */
export function newestLine(thread) {
  return thread.lines.length ? thread.lines[thread.lines.length - 1] : null;
}

/** The participant's lines after the shared read mark. */
export function unreadOf(thread) {
  return thread.lines.filter((l) => l.from === "participant" && !l.removed && l.id > thread.read).length;
}

/** Done, unless the participant wrote again after it was marked done. */
export function isDone(thread) {
  return thread.done && !thread.lines.some((l) => l.from === "participant" && l.id > thread.doneMark);
}

/**
 * The conversations, newest activity first: threads with a line that is not a notice. A notice to
 * hundreds of people makes no conversation until someone answers it (the Notices panel counts them).
 */
export function shownThreads(inbox) {
  return [...inbox.threads.values()]
    .filter((t) => t.lines.some((l) => l.kind !== "notice"))
    .sort((a, b) => newestLine(b).id - newestLine(a).id);
}

/** Unread lines in every thread. */
export function totalUnread(inbox) {
  let n = 0;
  for (const thread of inbox.threads.values()) n += unreadOf(thread);
  return n;
}

/**
 * The participant's latest question as Markdown, without their name: their newest lines in a row
 * (no line of the hosts between them), each line of text as "> …", then a blank line. "" when they
 * wrote nothing that is still there.
 */
export function quoteOf(thread) {
  const lines = thread.lines.filter((l) => !l.removed);
  let end = lines.length - 1;
  while (end >= 0 && lines[end].from !== "participant") end--;
  if (end < 0) return "";
  let start = end;
  while (start > 0 && lines[start - 1].from === "participant") start--;
  const text = lines.slice(start, end + 1).map((l) => l.body.trim()).filter(Boolean).join("\n");
  if (!text) return "";
  return text.split("\n").map((line) => (line.trim() ? "> " + line : ">")).join("\n") + "\n\n";
}
