// One file up to the server (POST /api/events/<slug>/files, multipart/form-data with one part
// `file`, and `duration` for a voice note), with XMLHttpRequest rather than fetch: only it reports
// the upload's progress. The answer is shaped as fetchJson's ({status, data, headers}), so the API's
// error codes, messages and Retry-After read the same (api.js); a network failure is status 0.

import { errorCode, errorMessage } from "./api.js";
import { sizeText } from "./file-words.js";
import { lang, t } from "./i18n.js";

const TEXT = {
  failed: t("The upload failed. Check your connection and try again."),
  tooLarge: t("This file is too large to send."),
  quota: t("This chat has no room for more files."),
  unsupported: t("This kind of file cannot be sent here."),
  rate: t("Too many uploads at once. Wait a moment, then try again."),
  // Translators: {size} is the server's limit, as "10 MB".
  overLimit: (size) => t("This file is too large to send: this server takes files up to {size}.", { size }),
};

// The server's limit (--max-upload-mb), from the page: a file over it is refused before a byte goes,
// instead of after minutes of uploading on a slow line. The server checks again as it streams.
const LIMIT = Number(document.documentElement.dataset.maxUpload) || 0;

/** The headers of an XHR's answer as fetch's Headers are read (get). */
function headersOf(xhr) {
  return { get: (name) => xhr.getResponseHeader(name) };
}

/**
 * Send `file` (a File or a Blob, with `name`) to `path` (an event's /files). options: token (the
 * participant's, or the host's key), duration (seconds, for a voice note), progress(fraction).
 * → {done: Promise<{status, data, headers}>, abort()}. `done` resolves (never rejects): 201 with
 * data.file on success; status 0 when the network failed; `aborted: true` once abort() was called.
 */
export function uploadFile(path, file, name, options = {}) {
  if (LIMIT && file.size > LIMIT) {
    const data = { error: { code: "too_large", message: TEXT.overLimit(sizeText(LIMIT)) } }; // i18n: the API's code
    return { done: Promise.resolve({ status: 413, data, headers: { get: () => null }, aborted: false }), abort() {} };
  }
  const xhr = new XMLHttpRequest();
  let aborted = false;
  const done = new Promise((resolve) => {
    const finish = (extra) => {
      let data = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch (e) {
        data = null;
      }
      resolve({ status: aborted ? 0 : xhr.status, data, headers: headersOf(xhr), aborted, ...extra });
    };
    xhr.open("POST", path);
    xhr.setRequestHeader("Accept", "application/json"); // i18n: a media type
    xhr.setRequestHeader("Accept-Language", lang);
    if (options.token) xhr.setRequestHeader("Authorization", "Bearer " + options.token); // i18n: an HTTP scheme
    xhr.withCredentials = false;
    xhr.upload.addEventListener("progress", (ev) => {
      if (ev.lengthComputable && options.progress) options.progress(ev.total ? ev.loaded / ev.total : 0);
    });
    xhr.addEventListener("load", () => finish({}));
    xhr.addEventListener("error", () => finish({ network: true }));
    xhr.addEventListener("timeout", () => finish({ network: true }));
    xhr.addEventListener("abort", () => finish({}));
    const form = new FormData();
    form.append("file", file, name);
    if (typeof options.duration === "number" && isFinite(options.duration)) form.append("duration", String(Math.round(options.duration * 1000) / 1000));
    xhr.send(form);
  });
  return {
    done,
    abort() {
      aborted = true;
      xhr.abort();
    },
  };
}

/** Whether an upload's answer is a success, with the server's file object. */
export function uploaded(res) {
  return res.status === 201 && !!(res.data && res.data.file && res.data.file.id);
}

/** Why an upload failed, in words for its writer: the server's message when it sent one. */
export function uploadError(res) {
  if (!res.status) return TEXT.failed; // a connection cut while the body streamed (too large?) reads the same
  const code = errorCode(res);
  const fallback = {
    too_large: TEXT.tooLarge, quota_exceeded: TEXT.quota, unsupported_media_type: TEXT.unsupported, rate_limited: TEXT.rate,
  }[code];
  return errorMessage(res, fallback || TEXT.failed);
}
