// The host's calls: the host key comes from the URL fragment (#key=...), which browsers never
// send to the server, and travels only in the Authorization header of the host's API calls.
// A refused key is said plainly; a closed event makes the console read-only. A moderator's key is
// refused what only the host may do: a 403 is a wrong (or revoked) key only if the key check fails too.
// The operator console (admin.js) uses the same calls with the operator key, checked at /api/admin.

import { TEXT as API_TEXT, errorCode, fetchJson } from "./api.js";
import { sleep } from "./util.js";

let key = "";
let hooks = { path: "", wrongKey() {}, closed() {} };

/** The key in this page's fragment ("" when there is none). */
export function readKey() {
  const value = new URLSearchParams(location.hash.slice(1)).get("key");
  return value ? value.trim() : "";
}

/** Use `value` for every call; wrongKey() when the server refuses it, closed() when the event is.
 *  handlers.path: the event's API path, where the key is checked again after a 403 (at <path>/host,
 *  or at handlers.check when given). */
export function useKey(value, handlers) {
  key = value;
  hooks = handlers;
}

/** A call with the host key: {status, data}, with a message even when the server was not reached.
 *  A 403 for a key that still works (a moderator's, for what only the host may do) has keyWorks. */
export async function hostCall(method, path, body) {
  let res;
  try {
    res = await fetchJson(method, path, { body, token: key, timeout: 20000 });
  } catch (e) {
    return { status: 0, data: { error: { message: API_TEXT.unreachable } } };
  }
  if (res.status === 403) {
    if (await keyWorks()) res.keyWorks = true;
    else hooks.wrongKey();
  } else if (errorCode(res) === "event_closed") {
    hooks.closed();
  }
  return res;
}

/** Whether the key still opens the console (false when refused; true when that cannot be told). */
async function keyWorks() {
  const check = hooks.check || (hooks.path ? hooks.path + "/host" : "");
  if (!check) return false;
  try {
    const res = await fetchJson("GET", check, { token: key, timeout: 15000 });
    return res.status !== 403;
  } catch (e) {
    return true; // not reached: nothing says the key is wrong
  }
}

/** The first answer of GET <path>/host (or of GET `check`) with the key `value` that is not a server
 *  error (the console's check, which changes nothing); while the server cannot answer, retrying() and again. */
export async function checkKey(path, value, retrying, check = path + "/host") {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetchJson("GET", check, { token: value, timeout: 15000 });
      if (res.status < 500) return res;
    } catch (e) {
      // not reached: try again
    }
    retrying();
    await sleep(Math.min(30000, 1000 * 2 ** attempt));
  }
}
