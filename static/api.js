// The JSON API, called one way everywhere (pages and workers): credentials in the Authorization
// header, never in the URL and never as cookies; never from the HTTP cache. fetchJson resolves to
// {status, data, headers} and rejects only when the network fails or the call is aborted. Every
// call asks for the page's language (Accept-Language), so the API's error messages match the page.

import { lang, t } from "./i18n.js";

export const TEXT = {
  unreachable: t("The server could not be reached. Check your connection and try again."),
  // Translators: {status} is an HTTP status code, such as 502.
  answered: (status) => t("The server answered {status}; please try again.", { status: String(status) }),
  nothing: t("The server did not answer; please try again."),
};

/** Start a call: the Response, whatever its status. */
export function send(method, path, { body, token, signal, accept = "application/json" } = {}) {
  // The page's language first; the server falls back to English for what it cannot say in it.
  const headers = { Accept: accept, "Accept-Language": lang };
  const hasBody = body !== undefined && body !== null;
  if (hasBody) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = "Bearer " + token;
  return fetch(path, {
    method, headers, body: hasBody ? JSON.stringify(body) : undefined, cache: "no-store", credentials: "omit", signal,
  });
}

/** A response as {status, data, headers}; data is null when the body is not JSON. */
export async function decode(response, signal) {
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    if (signal && signal.aborted) throw e;
  }
  return { status: response.status, data, headers: response.headers };
}

/**
 * Call the API and decode its answer. options: body (sent as JSON), token, signal, timeout (ms):
 * an aborted call rejects.
 */
export async function fetchJson(method, path, options = {}) {
  let signal = options.signal;
  let timer = null;
  if (options.timeout) {
    const controller = new AbortController();
    timer = setTimeout(() => controller.abort(), options.timeout);
    if (signal) signal.addEventListener("abort", () => controller.abort());
    signal = controller.signal;
  }
  try {
    return await decode(await send(method, path, { ...options, signal }), signal);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export function errorCode(res) {
  return res && res.data && res.data.error ? res.data.error.code : null;
}

export function errorMessage(res, fallback) {
  if (res && res.data && res.data.error && res.data.error.message) return res.data.error.message;
  if (fallback) return fallback;
  return res && res.status ? TEXT.answered(res.status) : TEXT.nothing;
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); null when absent. */
export function retryAfter(res) {
  const value = res && res.headers && res.headers.get ? res.headers.get("Retry-After") : null;
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return parseInt(value, 10);
  const when = Date.parse(value);
  return isNaN(when) ? null : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

/** An event's API path: /api/events/<slug>, plus `rest`. */
export function eventPath(slug, rest = "") {
  return `/api/events/${encodeURIComponent(slug)}${rest}`;
}
