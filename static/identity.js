// Who the reader is in a room: the participant token, kept per room in localStorage; joining with
// a nickname, renaming, forgetting it, being banned, and a token the server no longer knows. The
// room's own page and the chat bar on each embedding site keep separate identities (a page of one
// site must not act as the visitor of another; docs/embed.md), and every change reaches the other
// tabs of the same storage at once. The token only ever travels in the Authorization header.
// A series' meetings are rooms of their own (a token is good for one only), so on a series' page
// and in its chat bar the nickname last taken there (no token) is kept too, and the next meeting
// offers it: "Continue as <name>" joins with it, on the visitor's click.
// In a chat bar the embedding app may say who its user is instead: a JWT its server signed (never
// in a URL: the page gives it by postMessage, embed.js). Joining with it gives the same participant
// on every device, marked verified; the app's user id (`sub`) is kept beside the token, so that a
// JWT for another user replaces the identity (forgotten first) and one for the same user does not
// ask the server again. Such a name is the app's: it is not renamed here, nor offered in a series'
// next meeting as a nickname (the bar gives the JWT again there).
// The forms that show all this are in nickname.js.

import { TEXT as API_TEXT, errorCode, errorMessage, eventPath, fetchJson, retryAfter } from "./api.js";
import { store, stored, watchStored } from "./dom.js";
import { t } from "./i18n.js";
import { deviceId, seriesOf, subOf } from "./visitor.js";

const TEXT = {
  notJoined: t("Join the room first."),
};

function read(key) {
  let me = null;
  try {
    me = JSON.parse(stored(key) || "null");
  } catch (e) {
    me = null;
  }
  return me && typeof me.token === "string" && typeof me.nickname === "string" && typeof me.id === "number" ? me : null;
}

/** Why the reader changed from `was` to `now` (both read from storage), or null when they did not. */
function change(was, now) {
  if (!was && !now) return null;
  if (!now) return "forgot";
  if (!was || was.id !== now.id || was.token !== now.token) return "joined";
  if (now.banned && !was.banned) return "banned";
  if (now.nickname !== was.nickname) return "renamed";
  return null;
}

export class Identity {
  /**
   * hooks: changed(why, elsewhere) after every change of who the reader is ("joined", "renamed",
   * "forgot", "banned", "lost"; elsewhere: it happened in another tab or frame); closed() when a
   * call finds the event closed; offered() when the room page's identity (see offered()) changed.
   * embedder: the embedding page's origin in a chat bar (embeddingOrigin()), else null.
   * series: the slug of the series the room is a meeting of, on a series' page or bar, else null.
   */
  constructor(slug, hooks, embedder, series = seriesOf()) {
    this.roomKey = "chatserver.participant." + slug; // the room's own page (earlier versions: every frame too)
    this.key = embedder ? `${this.roomKey}.in.${embedder}` : this.roomKey;
    // The nickname last taken in this series, on its page or in this site's bar: a name, no token.
    this.seriesKey = series ? "chatserver.series." + series + (embedder ? ".in." + embedder : "") : null;
    this.slug = slug;
    this.scope = embedder ? `${slug} in ${embedder}` : slug; // what the outbox is kept under, likewise
    this.path = eventPath(slug, "/participants");
    this.hooks = hooks;
    this.me = read(this.key); // {id, nickname, token, banned?} or null
    watchStored([this.key, this.roomKey, this.seriesKey], (key) => {
      if (key !== this.roomKey || this.key === this.roomKey) this.reload();
      if (key !== this.key && this.hooks.offered) this.hooks.offered();
    });
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
    if (this.me && this.seriesKey && !this.me.verified) store(this.seriesKey, JSON.stringify({ nickname: this.me.nickname, slug: this.slug }));
  }

  /**
   * What the reader's unsent messages are kept under: the room (in this site's bar), and for an
   * app's signed-in user that user too, so that on a shared computer the next user the site signs
   * in never sends the last one's words. (A nickname that was lost rejoins as the same writer.)
   */
  outboxScope() {
    const me = this.me;
    return me && me.verified && me.sub ? `${this.scope} ${me.sub}` : this.scope;
  }

  /** Another tab or frame changed who the reader is: follow it. */
  reload() {
    const was = this.me;
    this.me = read(this.key);
    const why = change(was, this.me);
    if (why) this.hooks.changed(why, true);
  }

  /**
   * Join as `nickname`: {ok: true} once the server gave a token, or {ok: false, code, message}.
   * The current identity is replaced only on success (a taken name keeps the one we had).
   */
  async join(nickname) {
    let res;
    try {
      res = await fetchJson("POST", this.path, { body: { nickname, device: deviceId() }, timeout: 15000 });
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
    this.hooks.changed("joined", false);
    return { ok: true };
  }

  /**
   * Join as the embedding app's user, with the JWT its server signed: {ok: true}, or {ok: false,
   * code, message} (a bad or expired JWT: invalid_identity). The same user (`sub`) is the same
   * participant on every device; each join gives this browser a token of its own. A JWT for another
   * user than the one held replaces them: the old token is forgotten first, so that a refused JWT
   * leaves nobody joined, never the last user. One for the same user keeps the token we have.
   */
  async joinAs(jwt) {
    const sub = subOf(jwt);
    const me = this.me;
    if (me && me.verified && sub && me.sub === sub) return { ok: true };
    if (me && me.verified) this.signOut();
    let res;
    try {
      res = await fetchJson("POST", this.path, { body: { identity: String(jwt), device: deviceId() }, timeout: 15000 });
    } catch (e) {
      return { ok: false, code: "network", message: API_TEXT.unreachable };
    }
    const code = errorCode(res);
    if (!((res.status === 200 || res.status === 201) && res.data && res.data.token && res.data.participant)) {
      if (code === "event_closed") this.hooks.closed();
      return { ok: false, code, message: errorMessage(res) };
    }
    const { id, nickname } = res.data.participant;
    // The server checked the signature: the sub read from the JWT is the user it joined us as.
    this.me = { id, nickname, token: res.data.token, verified: true, sub };
    this.save();
    this.hooks.changed("joined", false);
    return { ok: true };
  }

  /** The app says nobody (or someone else) is signed in: the app user held here is forgotten. */
  signOut() {
    if (!this.me || !this.me.verified) return false;
    this.me = null;
    this.save();
    // Not the reader's doing in this frame (as a change in another tab): the focus stays where it is.
    this.hooks.changed("forgot", true);
    return true;
  }

  /**
   * Take a new nickname, as the same participant: {ok: true}, or {ok: false, code, message, wait}
   * (wait: seconds until another rename may work, when rate limited). Banned, an unknown token and a
   * closed event change who the reader is, as a message refused for those reasons does.
   */
  async rename(nickname) {
    const me = this.me;
    if (!me) return { ok: false, code: "unauthorized", message: TEXT.notJoined };
    if (nickname === me.nickname) return { ok: true };
    let res;
    try {
      res = await fetchJson("PATCH", `${this.path}/${me.id}`, { body: { nickname }, token: me.token, timeout: 15000 });
    } catch (e) {
      return { ok: false, code: "network", message: API_TEXT.unreachable };
    }
    const code = errorCode(res);
    if (res.status === 200 && res.data && res.data.participant) {
      if (this.me && this.me.id === me.id) {
        this.me = { ...this.me, nickname: res.data.participant.nickname };
        this.save();
        this.hooks.changed("renamed", false);
      }
      return { ok: true };
    }
    if (code === "event_closed") this.hooks.closed();
    else if (code === "banned") this.banned();
    else if (code === "unauthorized") this.lost();
    return { ok: false, code, message: errorMessage(res), wait: retryAfter(res) };
  }

  /** A "renamed" item of the stream: the reader's name changed elsewhere (another frame's copy). */
  follow(item) {
    const me = this.me;
    // Items come in order, so following each rename from the name we have ends at the newest one.
    if (!me || item.participant_id !== me.id || item.previous !== me.nickname || typeof item.nickname !== "string") return;
    this.me = { ...me, nickname: item.nickname };
    this.save();
    this.hooks.changed("renamed", true);
  }

  /**
   * Who the visitor may continue as here with a click, null once joined. In a chat bar: the identity
   * this browser has on the room's own page (same-site storage only), to take on. Else, in a series:
   * {nickname, earlier: true}, the name last taken in an earlier meeting of it here, to join with.
   */
  offered() {
    if (this.me) return null;
    const page = this.key === this.roomKey ? null : read(this.roomKey);
    if (page) return page;
    let earlier = null;
    try {
      earlier = this.seriesKey && JSON.parse(stored(this.seriesKey) || "null");
    } catch (e) {
      earlier = null;
    }
    const ok = earlier && typeof earlier.nickname === "string" && earlier.nickname && earlier.slug !== this.slug;
    return ok ? { nickname: earlier.nickname, earlier: true } : null;
  }

  /** Take on the room page's identity (the visitor's click on "Continue as …"). */
  adopt() {
    const other = this.offered();
    if (!other || other.earlier) return false;
    this.me = other;
    this.save();
    this.hooks.changed("joined", false);
    return true;
  }

  /** "Leave": this browser forgets the nickname (the participant stays in the room's list). */
  forget() {
    this.me = null;
    this.save();
    if (this.seriesKey) store(this.seriesKey, null); // nor offered in the next meeting
    this.hooks.changed("forgot", false);
  }

  /** The host banned the reader: they read on, but cannot post. */
  banned() {
    if (!this.me || this.me.banned) return;
    this.me = { ...this.me, banned: true };
    this.save();
    this.hooks.changed("banned", false);
  }

  /** The server no longer knows the token (a reset database, cleared data, …). */
  lost() {
    if (!this.me) return false;
    this.me = null;
    this.save();
    this.hooks.changed("lost", false);
    return true;
  }
}
