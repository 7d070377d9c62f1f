// Post as the host (or as a moderator): a message in the chat under a name chosen here, which the
// room shows with a "Host" or "Moderator" badge. The name is remembered in this browser, and is the
// one the inbox's private replies and the notices go out under. The inbox's "Answer publicly…" puts
// a quoted question in the message box here.

import { errorCode, errorMessage } from "./api.js";
import { composeFiles } from "./attach-sources.js";
import { reducedMotion, say, store, stored } from "./dom.js";
import { hostCall, readKey } from "./host-call.js";
import { t } from "./i18n.js";
import { randomId } from "./util.js";

const TEXT = {
  // Translators: the name the host's messages carry unless the host writes another; like the "Host" badge.
  host: t("Host"),
  hostNote: t("Your messages show in the chat with a Host badge."),
  moderatorNote: t("Your messages show in the chat with a Moderator badge."),
  needName: t("Write the name to post as."),
  needBody: t("Write the message first."),
  tooLate: t("The event is closed: nobody can post any more."),
  notUploaded: t("The files are not uploaded yet: wait for the network, then send again."),
};

/** form: the "Post in the chat as" form; path: the event's API path; host: state(), role(), name()
 *  (a moderator's); live: the live view, which shows the message at once. */
export function bindPostAs(form, path, host, live) {
  const $ = (id) => document.getElementById(id);
  const nameInput = $("post-name");
  const input = $("post-body");
  const status = $("post-status");
  const button = form.querySelector("button[type=submit]");
  let clientId = null; // the same while the same message is retried: it is never posted twice
  let storeKey = "chatserver.host.post-as";
  const box = { els: { form, input }, error: (text) => say(status, text, "error"), usable: () => host.state() !== "closed", useFiles() {} };
  const files = composeFiles(box, { slug: form.closest("[data-slug]").dataset.slug, token: readKey, area: form }); // attach-sources.js

  /** The name: what this browser used last, else the host's default or the moderator's own. */
  function start() {
    const moderator = host.role() === "moderator";
    // A moderator's name is this event's: remembered per event.
    storeKey = moderator ? `chatserver.host.post-as.${form.closest("[data-slug]").dataset.slug}` : "chatserver.host.post-as";
    nameInput.value = stored(storeKey) || (moderator ? host.name() : "") || TEXT.host;
    $("post-as-note").textContent = moderator ? TEXT.moderatorNote : TEXT.hostNote;
  }

  async function post() {
    say(status, "");
    const name = nameInput.value.trim();
    const body = input.value;
    if (!name) {
      say(status, TEXT.needName, "error");
      return nameInput.focus();
    }
    if (!body.trim() && !files.count()) {
      say(status, TEXT.needBody, "error");
      return input.focus();
    }
    clientId = clientId || randomId();
    button.disabled = true;
    const why = files.count() ? await files.settle() : null; // the files go up first
    const ids = why === null ? files.ids() : null;
    if (why !== null || !ids) {
      button.disabled = host.state() === "closed";
      return say(status, why === null ? TEXT.notUploaded : why, "error");
    }
    const res = await hostCall("POST", path + "/messages", { body, name, client_id: clientId, ...(ids.length && { files: ids }) });
    button.disabled = host.state() === "closed";
    if ((res.status === 201 || res.status === 200) && res.data && res.data.message) {
      store(storeKey, name);
      clientId = null;
      input.value = "";
      files.clear();
      input.rows = 1;
      live.add([res.data.message]);
      live.list.scrollToBottom(false);
      input.focus();
    } else if (errorCode(res) === "event_closed") {
      say(status, TEXT.tooLate, "error");
    } else if (res.status !== 403 || res.keyWorks) {
      say(status, errorMessage(res), "error");
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    post();
  });
  input.addEventListener("input", () => {
    clientId = null; // another message now
    say(status, "");
  });
  nameInput.addEventListener("input", () => {
    clientId = null;
    say(status, "");
  });
  // Enter posts, as in the room; Shift+Enter starts a new line (and Enter while composing with an IME does not post).
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  /** The name the host's private replies and notices go out under: the one to post as, else the
   *  default (null: the server's own, a moderator's name). */
  function name() {
    return nameInput.value.trim() || stored(storeKey) || (host.role() === "moderator" ? null : TEXT.host);
  }

  /** Put `text` in the message box for the host to finish and send (an answer in public). */
  function prefill(text) {
    say(status, "");
    clientId = null;
    const rest = input.value.trim();
    input.value = rest ? `${text}${rest}` : text;
    input.rows = Math.min(8, input.value.split("\n").length + 1);
    input.scrollIntoView({ block: "center", behavior: reducedMotion() ? "auto" : "smooth" });
    input.focus({ preventScroll: true });
    input.setSelectionRange(text.length, text.length);
  }

  return { start, name, prefill };
}
