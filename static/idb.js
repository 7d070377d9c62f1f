// What this browser keeps of a room in IndexedDB: the stream read so far (items and cursor), so a
// reload shows the conversation at once and a room stays readable offline, and the outbox of
// messages not yet accepted by the server. Used by the room page and by the shared worker.
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

/** {cursor, state, items} cached for a room; nothing (cursor 0) when there is no cache. */
async function loadRoom(slug) {
  try {
    const out = await run(["rooms", "items"], "readonly", (tx, o) => {
      tx.objectStore("rooms").get(slug).onsuccess = (e) => {
        o.room = e.target.result || null;
      };
      tx.objectStore("items").getAll(roomItems(slug)).onsuccess = (e) => {
        o.items = e.target.result.map((row) => row.item);
      };
    });
    if (!out.room) return { cursor: 0, state: null, items: [] };
    return { cursor: out.room.cursor || 0, state: out.room.state || null, items: out.items || [] };
  } catch (e) {
    return { cursor: 0, state: null, items: [] };
  }
}

/**
 * Append items and move the cursor in one transaction (the cache never has a cursor past its
 * items). A retraction also erases its target's text here, as the server erases it.
 */
async function saveItems(slug, items, cursor, state) {
  try {
    await run(["rooms", "items"], "readwrite", (tx) => {
      const store = tx.objectStore("items");
      for (const item of items) {
        store.put({ slug, id: item.id, item });
        if (item.kind === "retraction" && typeof item.target === "number") {
          store.get([slug, item.target]).onsuccess = (e) => {
            const row = e.target.result;
            if (!row) return;
            row.item = Object.assign({}, row.item, { body: "", retracted: true });
            store.put(row);
          };
        }
      }
      const rooms = tx.objectStore("rooms");
      rooms.get(slug).onsuccess = (e) => {
        const room = e.target.result || { slug, cursor: 0, state: null };
        room.cursor = Math.max(room.cursor || 0, cursor || 0);
        if (state) room.state = state;
        room.updated = Date.now();
        rooms.put(room);
      };
    });
    return true;
  } catch (e) {
    return false;
  }
}

async function saveState(slug, state) {
  return saveItems(slug, [], 0, state);
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

// --- the outbox: {clientId, slug, body, seq, status: "pending"|"failed", error?} ------------

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
  loadRoom, saveItems, saveState, clearRoom,
  outbox: {
    list: outboxList,
    put: (entry) => outboxWrite((store) => store.put(entry)),
    remove: (clientId) => outboxWrite((store) => store.delete(clientId)),
  },
};
