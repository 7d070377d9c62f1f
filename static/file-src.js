// The files of private items (API.md "Files, images, voice notes and link previews"): the server
// gives them only to a reader whose credential (a participant's token, a host's or moderator's key)
// is in the Authorization header, so an <img src> or <audio src> cannot load them directly. Here
// they are fetched with it, once per URL, and shown through object URLs. An object URL lives while
// an element shows it, then a little longer (a list drawn again reuses it), and is revoked after.
// Public files never come here: the browser loads them by their URL and caches them itself.

const KEPT = 24; // object URLs kept for files no element shows any more, the least recently used first to go
const SWEEP_MS = 60 * 1000; // how often elements taken out of the page without a release() are looked for

const entries = new Map(); // url → {promise, objectUrl, users: Set<Element>}
const idle = new Map(); // url → true, for entries without users, in the order they lost their last one
const shown = new WeakMap(); // element → the url it shows
let sweeper = null;

/** The credential's value now: a string, a function that gives one, or nothing. */
function value(credential) {
  const got = typeof credential === "function" ? credential() : credential;
  return typeof got === "string" && got ? got : null;
}

/** The file's bytes, asked for with the reader's credential; rejects when refused or gone. */
async function download(url, credential) {
  const token = value(credential);
  if (!token) throw new Error("no credential for a private file"); // i18n: for developers
  const res = await fetch(url, {
    headers: { Authorization: "Bearer " + token },
    credentials: "omit",
    cache: "no-store", // a private file is never kept in the HTTP cache
  });
  if (!res.ok) throw new Error(`HTTP ${res.status} for a private file`); // i18n: for developers
  return res.blob();
}

function entry(url, credential) {
  let found = entries.get(url);
  if (!found) {
    found = { promise: null, objectUrl: null, users: new Set() };
    found.promise = download(url, credential).then((blob) => {
      if (entries.get(url) !== found) return null; // dropped while it was loading
      found.objectUrl = URL.createObjectURL(blob);
      return found.objectUrl;
    });
    found.promise.catch(() => {
      if (entries.get(url) === found) forget(url); // asked again next time (a token that works now)
    });
    entries.set(url, found);
  }
  idle.delete(url);
  return found;
}

function forget(url) {
  const found = entries.get(url);
  entries.delete(url);
  idle.delete(url);
  if (found && found.objectUrl) URL.revokeObjectURL(found.objectUrl);
}

function unused(url) {
  const found = entries.get(url);
  if (!found || found.users.size) return;
  idle.delete(url);
  idle.set(url, true);
  while (idle.size > KEPT) forget(idle.keys().next().value);
}

function sweep() {
  for (const [url, found] of entries) {
    for (const el of found.users) if (!el.isConnected) found.users.delete(el);
    if (!found.users.size) unused(url);
  }
  if (!entries.size) {
    clearInterval(sweeper);
    sweeper = null;
  }
}

/**
 * Show the private file at `url` in `el` (its `attribute`: "src", or "href" for a link): fetched with
 * the credential (a string, or a function giving the one to use now). → a promise of the object
 * URL; rejects when the file cannot be had (el gets the class "file-failed").
 */
export function showPrivate(el, attribute, url, credential) {
  release(el);
  const found = entry(url, credential);
  found.users.add(el);
  shown.set(el, url);
  el.dataset.privateFile = ""; // found again by releaseWithin()
  if (!sweeper) sweeper = setInterval(sweep, SWEEP_MS);
  return found.promise.then(
    (objectUrl) => {
      if (objectUrl && shown.get(el) === url) el.setAttribute(attribute, objectUrl);
      return objectUrl;
    },
    (error) => {
      if (shown.get(el) === url) el.classList.add("file-failed");
      throw error;
    },
  );
}

/** `el` no longer shows its private file. */
export function release(el) {
  const url = shown.get(el);
  if (url === undefined) return;
  shown.delete(el);
  delete el.dataset.privateFile;
  const found = entries.get(url);
  if (!found) return;
  found.users.delete(el);
  unused(url);
}

/**
 * Every element in `root` (and root itself) that shows a private file no longer does. erased: the
 * files are gone from the server (their message was removed), so their bytes go at once too.
 */
export function releaseWithin(root, erased = false) {
  if (!root) return;
  const all = [root, ...root.querySelectorAll("[data-private-file]")];
  const urls = all.map((el) => shown.get(el)).filter((url) => url !== undefined);
  for (const el of all) release(el);
  if (erased) for (const url of urls) forget(url);
}

/** Save a private file under `name`: fetched with the credential, then handed to the browser. */
export async function savePrivate(url, name, credential) {
  const blob = await download(url, credential);
  const objectUrl = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = objectUrl;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from it by now; a minute is plenty for a slow disk.
  setTimeout(() => URL.revokeObjectURL(objectUrl), 60 * 1000);
}
