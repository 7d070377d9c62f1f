// The host's calls: the host key comes from the URL fragment (#key=...), which browsers never
// send to the server, and travels only in the Authorization header of the host's API calls.
// A refused key is said plainly; a closed event makes the console read-only.

import { TEXT as API_TEXT, errorCode, fetchJson } from "./api.js";

let key = "";
let hooks = { wrongKey() {}, closed() {} };

/** The key in this page's fragment ("" when there is none). */
export function readKey() {
  const value = new URLSearchParams(location.hash.slice(1)).get("key");
  return value ? value.trim() : "";
}

/** Use `value` for every call; wrongKey() when the server refuses it, closed() when the event is. */
export function useKey(value, handlers) {
  key = value;
  hooks = handlers;
}

/** A call with the host key: {status, data}, with a message even when the server was not reached. */
export async function hostCall(method, path, body) {
  let res;
  try {
    res = await fetchJson(method, path, { body, token: key, timeout: 20000 });
  } catch (e) {
    return { status: 0, data: { error: { message: API_TEXT.unreachable } } };
  }
  if (res.status === 403) hooks.wrongKey();
  else if (errorCode(res) === "event_closed") hooks.closed();
  return res;
}
