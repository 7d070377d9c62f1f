// Who the reader is in a room: the participant token, kept per room in localStorage; joining with
// a nickname (and the join form), forgetting it, being banned, and a token the server no longer
// knows. The token only ever travels in the Authorization header.

import { TEXT as API_TEXT, errorCode, errorMessage, eventPath, fetchJson } from "./api.js";
import { say, store, stored } from "./dom.js";

const TEXT = {
  typeFirst: "Type a nickname first.",
  empty: "The nickname is empty.",
  reserved: (nickname) =>
    `“${nickname}” is kept for the hosts and the room's own notices, so nobody can mistake you for them. Please choose another nickname.`,
  taken: (nickname) =>
    `Someone in this room is already called “${nickname}” (capitals and look-alike letters count as the same name). Please choose another nickname.`,
  lostMessage: "Your nickname for this room is no longer valid here, so your message was not sent. Choose a nickname to join again; your message is kept.",
  lostMessages: "Your nickname for this room is no longer valid here, so your messages were not sent. Choose a nickname to join again, then retry them.",
};

function read(key) {
  let me = null;
  try {
    me = JSON.parse(stored(key) || "null");
  } catch (e) {
    me = null;
  }
  return me && typeof me.token === "string" && typeof me.nickname === "string" ? me : null;
}

export class Identity {
  /**
   * hooks: changed(why) after every change of who the reader is ("joined", "forgot", "banned",
   * "lost"); closed() when a join finds the event closed.
   */
  constructor(slug, hooks) {
    this.key = "chatserver.participant." + slug;
    this.path = eventPath(slug, "/participants");
    this.hooks = hooks;
    this.me = read(this.key); // {id, nickname, token, banned?} or null
  }

  token() {
    return this.me ? this.me.token : null;
  }

  /** Whether a message of `item` is the reader's. */
  wrote(item) {
    return this.me !== null && item.participant_id === this.me.id;
  }

  save() {
    // Private browsing without storage: the nickname lasts as long as the page.
    store(this.key, this.me ? JSON.stringify(this.me) : null);
  }

  /**
   * Join as `nickname`: {ok: true} once the server gave a token, or {ok: false, code, message}.
   * The current identity is replaced only on success (a taken name keeps the one we had).
   */
  async join(nickname) {
    let res;
    try {
      res = await fetchJson("POST", this.path, { body: { nickname }, timeout: 15000 });
    } catch (e) {
      return { ok: false, code: "network", message: API_TEXT.unreachable };
    }
    const code = errorCode(res);
    if (!(res.status === 201 && res.data && res.data.token)) {
      if (code === "event_closed") this.hooks.closed();
      return { ok: false, code, message: errorMessage(res) };
    }
    this.me = { id: res.data.participant.id, nickname: res.data.participant.nickname, token: res.data.token };
    this.save();
    this.hooks.changed("joined");
    return { ok: true };
  }

  /** "change nickname": the next message needs a new join. */
  forget() {
    this.me = null;
    this.save();
    this.hooks.changed("forgot");
  }

  /** The host banned the reader: they read on, but cannot post. */
  banned() {
    if (!this.me || this.me.banned) return;
    this.me.banned = true;
    this.save();
    this.hooks.changed("banned");
  }

  /** The server no longer knows the token (a reset database, cleared data, …). */
  lost() {
    if (!this.me) return false;
    this.me = null;
    this.save();
    this.hooks.changed("lost");
    return true;
  }
}

/** The join form: a nickname, refusals explained beside it, and the notice of a lost nickname. */
export class JoinForm {
  /** els: form, input, error, notice; joined() after a join from the form. */
  constructor(identity, els, joined) {
    Object.assign(this, { identity, els });
    els.form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const nickname = els.input.value.trim();
      say(els.error, "");
      if (!nickname) {
        say(els.error, TEXT.typeFirst);
        els.input.focus();
        return;
      }
      const button = els.form.querySelector("button[type=submit]");
      button.disabled = true;
      const result = await identity.join(nickname);
      button.disabled = false;
      if (result.ok) {
        joined();
      } else if (result.code !== "event_closed") {
        this.refused(nickname, result);
        els.input.focus();
      }
    });
  }

  /** Join as `nickname` for another script (embed.js): a different name replaces the current one. */
  async use(nickname) {
    const name = String(nickname || "").trim();
    const me = this.identity.me;
    if (me && me.nickname.toLowerCase() === name.toLowerCase()) return { ok: true };
    if (!name) return { ok: false, code: "invalid_request", message: TEXT.empty };
    const result = await this.identity.join(name);
    if (!result.ok) {
      this.els.input.value = name; // shown ready to change, with why it was refused
      this.refused(name, result);
    }
    return result;
  }

  /** Explain a refused join beside the nickname field. */
  refused(nickname, result) {
    if (result.code === "event_closed") return;
    if (result.code === "nickname_taken") {
      // A name reserved for a role ("Host", "Announcement", "*") is refused with the same code: the
      // server's message says so, and "someone is already called Host" would mislead.
      const reserved = / is reserved;/.test(result.message || "");
      say(this.els.error, reserved ? TEXT.reserved(nickname) : TEXT.taken(nickname));
      this.els.input.select();
    } else {
      say(this.els.error, result.message);
    }
  }

  /** The nickname was lost while sending: say so, and ask for one. */
  lost(several) {
    say(this.els.notice, several ? TEXT.lostMessages : TEXT.lostMessage);
  }

  /** Clear what the form says (after a join, or a fresh start). */
  clear() {
    say(this.els.notice, "");
    say(this.els.error, "");
  }
}
