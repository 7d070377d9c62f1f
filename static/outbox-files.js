// The outbox's part for files (outbox.js keeps the order, the retries and the pauses): an entry
// with files keeps them as Blobs ({name, type, size, duration, blob, id}) in IndexedDB with the
// rest of it. One try uploads each file not yet up (its id is kept in the entry as soon as it is,
// so a retry never uploads it twice), then posts the message with the ids and its client_id. When
// the server no longer knows an id (an upload not attached within the hour is removed), it answers
// 400 naming `files`: the files go up again, once, and the message again with the same client_id.

import { errorCode, errorMessage } from "./api.js";
import { postEntry } from "./outbox-post.js";
import { uploadFile, uploaded } from "./upload.js";

const jobs = new Map(); // clientId → the upload in flight for that entry: cancelled if it is discarded

/** The files path of the outbox's event, beside its messages. */
function filesPath(outbox) {
  return outbox.path.replace(/\/messages$/, "/files");
}

/** Whether the entry is still in the outbox (it may have been discarded while its files went up). */
function kept(outbox, entry) {
  return !!outbox.find(entry.clientId);
}

/**
 * Upload the entry's files that have no id yet. → null once all are up, else the outcome that
 * stops this try: retry (the network, 5xx), rate, not_open, refused (the server's reason), gone.
 */
async function uploadMissing(outbox, entry, token) {
  const files = entry.files;
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    if (f.id) continue;
    if (!kept(outbox, entry)) return { kind: "gone", res: null };
    const progress = (fraction) => outbox.options.progress && outbox.options.progress(entry, i, fraction);
    const job = uploadFile(filesPath(outbox), f.blob, f.name, { token, duration: f.duration ?? undefined, progress });
    jobs.set(entry.clientId, job);
    const res = await job.done;
    jobs.delete(entry.clientId);
    if (res.aborted) return { kind: "gone", res: null };
    if (!uploaded(res)) {
      if (!res.status || res.status >= 500) return { kind: "retry", res: res.status ? res : null };
      if (res.status === 429) return { kind: "rate", res };
      return { kind: errorCode(res) === "not_open" ? "not_open" : "refused", res };
    }
    f.id = res.data.file.id;
    progress(1);
    if (kept(outbox, entry)) await outbox.save(entry); // a retry after this starts from the next file
  }
  return null;
}

/** Whether the server refused the message because of its file ids (unknown, expired, used). */
function filesRefused(outcome) {
  return outcome.kind === "refused" && outcome.res.status === 400 && errorCode(outcome.res) === "invalid_request" &&
    /\bfiles\b/.test(errorMessage(outcome.res)); // i18n: the field the server names
}

/** One try at an entry with files: upload what is not up yet, then post it ({kind, res, item}). */
export async function sendWithFiles(outbox, entry, token) {
  const stopped = await uploadMissing(outbox, entry, token);
  if (stopped) return stopped;
  if (!kept(outbox, entry)) return { kind: "gone", res: null };
  const outcome = await postEntry(outbox.path, entry, token);
  if (!filesRefused(outcome) || entry.uploadedAgain) return outcome;
  entry.uploadedAgain = true; // once: a second refusal is the writer's to see
  for (const f of entry.files) f.id = null;
  if (kept(outbox, entry)) await outbox.save(entry);
  return sendWithFiles(outbox, entry, token);
}

/** The entry was discarded: its upload in flight, if any, stops. */
export function cancelUploads(clientId) {
  const job = jobs.get(clientId);
  if (job) job.abort();
}
