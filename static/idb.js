// What this browser keeps of a room in IndexedDB: the stream read so far (items and cursor), so a
// reload shows the conversation at once and a room stays readable offline, and the outbox of
// messages not yet accepted by the server. Used by the room page and by the shared worker.
// The stream a reader gets holds their own private items, so a room's copy names whose view it is
// (`viewer`: "p<participant id>", or "public"): only that reader's feed reads it or adds to it, and
// another reader's copy is dropped whole rather than shown or mixed with theirs.
// Without IndexedDB (some private modes) reads find nothing and writes are dropped: the room then
// works online only, as before.

const NAME = "chatserver";
const VERSION = 1;
let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      if (typeof indexedDB === "undefined") return reject(new Error("IndexedDB is not available"));
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("rooms")) db.createObjectStore("rooms", { keyPath: "slug" });
        if (!db.objectStoreNames.contains("items")) db.createObjectStore("items", { keyPath: ["slug", "id"] });
        if (!db.objectStoreNames.contains("outbox")) {
          db.createObjectStore("outbox", { keyPath: "clientId" }).createIndex("slug", "slug");
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        // A newer page wants to upgrade the schema: let it, and reopen on the next call.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("IndexedDB is blocked by another tab"));
    });
    opening.catch(() => {
      opening = null;
    });
  }
  return opening;
}

/** Run fn(transaction, out) and resolve to `out` once the transaction has committed. */
async function run(stores, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const out = {};
    const tx = db.transaction(stores, mode);
    tx.oncomplete = () => resolve(out);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
    fn(tx, out);
  });
}

const roomItems = (slug) => IDBKeyRange.bound([slug, -Infinity], [slug, Infinity]);

/** {cursor, state, items, viewer} cached for a room; nothing (cursor 0) when there is no cache. */
async function loadRoom(slug) {
  const none = { cursor: 0, state: null, items: [], viewer: null };
  try {
    const out = await run(["rooms", "items"], "readonly", (tx, o) => {
      tx.objectStore("rooms").get(slug).onsuccess = (e) => {
        o.room = e.target.result || null;
      };
      tx.objectStore("items").getAll(roomItems(slug)).onsuccess = (e) => {
        o.items = e.target.result.map((row) => row.item);
      };
    });
    if (!out.room) return none;
    // A copy from before views were recorded may hold anyone's private items: it names nobody.
    return { cursor: out.room.cursor || 0, state: out.room.state || null, items: out.items || [], viewer: out.room.viewer || null };
  } catch (e) {
    return none;
  }
}

/** Blank the target of each retraction among `items` in the store (as the server erases it). */
function eraseRetracted(store, slug, items) {
  for (const item of items) {
    if (item.kind !== "retraction" || typeof item.target !== "number") continue;
    store.get([slug, item.target]).onsuccess = (e) => {
      const row = e.target.result;
      if (!row) return;
      row.item = Object.assign({}, row.item, { body: "", retracted: true });
      store.put(row);
    };
  }
}

/**
 * Append items of `viewer`'s view and move the cursor in one transaction (the cache never has a
 * cursor past its items). A retraction also erases its target's text here, as the server erases it.
 * Resolves to true once written; "stale" when the copy is missing or another viewer's (nothing is
 * written: the caller replaces it whole, replaceRoom); false without storage.
 */
async function saveItems(slug, items, cursor, state, viewer) {
  try {
    const out = await run(["rooms", "items"], "readwrite", (tx, o) => {
      const rooms = tx.objectStore("rooms");
      rooms.get(slug).onsuccess = (e) => {
        const room = e.target.result;
        if (!room || room.viewer !== viewer) {
          o.stale = true; // checked in the same transaction: never appended to someone else's copy
          return;
        }
        const store = tx.objectStore("items");
        for (const item of items) store.put({ slug, id: item.id, item });
        eraseRetracted(store, slug, items);
        room.cursor = Math.max(room.cursor || 0, cursor || 0);
        if (state) room.state = state;
        room.updated = Date.now();
        rooms.put(room);
      };
    });
    return out.stale ? "stale" : true;
  } catch (e) {
    return false;
  }
}

/** The room's copy, anyone's before, becomes `viewer`'s: exactly these items, cursor and state. */
async function replaceRoom(slug, viewer, items, cursor, state) {
  try {
    await run(["rooms", "items"], "readwrite", (tx) => {
      const store = tx.objectStore("items");
      store.delete(roomItems(slug));
      for (const item of items) store.put({ slug, id: item.id, item });
      eraseRetracted(store, slug, items);
      tx.objectStore("rooms").put({ slug, viewer, cursor: cursor || 0, state: state || null, updated: Date.now() });
    });
    return true;
  } catch (e) {
    return false;
  }
}

/** Forget a room's stream (the server's stream was reset: it is read again from the start). */
async function clearRoom(slug) {
  try {
    await run(["rooms", "items"], "readwrite", (tx) => {
      tx.objectStore("items").delete(roomItems(slug));
      tx.objectStore("rooms").delete(slug);
    });
  } catch (e) {
    // nothing cached, or no IndexedDB
  }
}

// --- the outbox: {clientId, slug, body, to?, seq, status: "pending"|"failed", error?} -------

async function outboxList(slug) {
  try {
    const out = await run(["outbox"], "readonly", (tx, o) => {
      tx.objectStore("outbox").index("slug").getAll(slug).onsuccess = (e) => {
        o.entries = e.target.result;
      };
    });
    return (out.entries || []).sort((a, b) => a.seq - b.seq);
  } catch (e) {
    return null; // no storage: the caller keeps its entries in memory
  }
}

/** One write to the outbox: true once it has committed, false without storage. */
async function outboxWrite(fn) {
  try {
    await run(["outbox"], "readwrite", (tx) => fn(tx.objectStore("outbox")));
    return true;
  } catch (e) {
    return false;
  }
}

export const db = {
  loadRoom, saveItems, replaceRoom, clearRoom,
  outbox: {
    list: outboxList,
    put: (entry) => outboxWrite((store) => store.put(entry)),
    remove: (clientId) => outboxWrite((store) => store.delete(clientId)),
  },
};
