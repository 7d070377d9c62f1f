// The reader's nickname on the room page: the join form (with "Continue as …" in a chat bar whose
// visitor joined on the room's own page, or in a series' next meeting), "You are …" with Change
// nickname, the rename form (with Cancel and Leave), and the plain notice that takes the
// composer's place for a banned reader.
// In a chat bar whose site says who its user is (a signed JWT, embed.js), there is no nickname to
// choose: the join form stays hidden while the bar signs in (?signed=1: the site gave one at load),
// the name has a verified mark, and there is no rename (the name is the app's).
// Who the reader is lives in identity.js; this module only shows it and asks for changes.

import { appendSentence, say, storageKept } from "./dom.js";
import { lang, t } from "./i18n.js";
import { verifiedMark } from "./people.js";
import { embeddingOrigin } from "./visitor.js";

const TEXT = {
  typeFirst: t("Type a nickname first."),
  empty: t("The nickname is empty."),
  reserved: (nickname) =>
    t("“{nickname}” is kept for the hosts and the room's own notices, so nobody can mistake you for them. Please choose another nickname.", { nickname }),
  taken: (nickname) =>
    t("Someone in this room is already called “{nickname}” (capitals and look-alike letters count as the same name). Please choose another nickname.", { nickname }),
  lostMessage: t("Your nickname for this room is no longer valid here, so your message was not sent. Choose a nickname to join again; your message is kept."),
  lostMessages: t("Your nickname for this room is no longer valid here, so your messages were not sent. Choose a nickname to join again, then retry them."),
  lost: t("Your nickname for this room is no longer valid here. Choose a nickname to join again."),
  pageOnly: t("Up to 32 characters. This browser does not let the chat keep it, so your nickname lasts for this page only."),
  continueAs: t("Continue as {nickname}"),
  // Translators: beside the button "Continue as …" in a chat bar on another site.
  continueWhy: t("the nickname you have on this room's own page"),
  // Translators: beside the button "Continue as …" in the next meeting of a recurring event.
  continueEarlier: t("your nickname at the last meeting"),
  banned: t("The host removed you from this room. You can still read along."),
  renameBanned: t("The host removed you from this room, so you cannot change your nickname."),
  // Translators: {when} says how soon, such as "in 30 seconds" or "in a moment".
  tooMany: (when) => t("You have changed your nickname several times in a short while. Try again {when}.", { when }),
  aMoment: t("in a moment"),
  // The server's own words for a reserved name (chatserver/validation.py), in the page's language
  // as the API answers in it: a reserved name is refused with the same code as a taken one.
  serverReserved: t("The nickname '{nickname}' is reserved; choose another."),
  // Translators: the tooltip (and what a screen reader says) of the check mark beside the reader's
  // name in a chat bar whose site signed them in: the name comes from that site, not from a form.
  verified: t("Verified: this name comes from the site you are signed in to."),
};

let active = null; // the room's forms (room.js makes one per page)

/**
 * The room's Nicknames, for the chat bar's bridge (embed.js) to sign the app's user in: the room's
 * object (room-api.js) has no call for it (yet), and this page has one room.
 */
export function roomNicknames() {
  return active;
}

const soon = new Intl.RelativeTimeFormat(lang, { numeric: "always" });
const $ = (id) => document.getElementById(id);

/** How soon another try may work: "in 30 seconds", "in 2 minutes", "in a moment". */
function waitText(seconds) {
  if (!seconds) return TEXT.aMoment;
  return seconds < 90 ? soon.format(seconds, "second") : soon.format(Math.ceil(seconds / 60), "minute");
}

/** Whether the server's refusal says the name is reserved (its message, in English or the page's language). */
function isReserved(message) {
  const text = message || "";
  if (/ is reserved;/.test(text)) return true;
  const [before, after] = TEXT.serverReserved.split("{nickname}");
  return after !== undefined && text.length >= before.length + after.length && text.startsWith(before) && text.endsWith(after);
}

/** A refused join or rename in words, for the field it is about. */
function refusal(nickname, result) {
  if (result.code === "nickname_taken") {
    // A name reserved for a role ("Host", "Announcement", "*") is refused with the same code: the
    // server's message says so, and "someone is already called Host" would mislead.
    return isReserved(result.message) ? TEXT.reserved(nickname) : TEXT.taken(nickname);
  }
  if (result.code === "rate_limited") return TEXT.tooMany(waitText(result.wait));
  if (result.code === "banned") return TEXT.renameBanned;
  return result.message;
}

export class Nicknames {
  /**
   * identity: identity.js; hooks: render() — show the forms again (room.js showForms); done() —
   * a join or rename from the forms succeeded (focus goes on); state() — the event's state;
   * locked() — a join was refused because the host closed the room to new people.
   */
  constructor(identity, hooks) {
    Object.assign(this, { identity, hooks });
    this.join = $("join");
    this.input = $("nickname");
    this.rename = $("rename");
    this.newName = $("new-nickname");
    this.note = $("banned-note");
    this.renaming = false;
    this.suggested = null; // the last name an embedding page suggested, still in the field
    say(this.note, TEXT.banned);
    this.note.hidden = true;
    if (!storageKept()) $("join-help").textContent = TEXT.pageOnly;
    this.offer = this.offerButton();
    // The embedding site gave a signed identity as the bar loaded: no join form until it is tried.
    this.awaitingApp = !!embeddingOrigin() && new URLSearchParams(location.search).get("signed") === "1";
    this.signing = Promise.resolve(); // signIn() calls, one after the other
    this.marks = [$("me"), $("waiting-nick")].map((name) => this.verifiedMark(name));
    // "You are Ada · Change nickname": without the button (an app's user), no "·" either (only
    // the "·": in some languages the sentence goes on after the name, in the same text).
    this.separators = ["change-nick", "waiting-change-nick"]
      .map((id) => $(id).previousSibling)
      .filter((node) => node && node.nodeType === Node.TEXT_NODE)
      .map((node) => [node, node.nodeValue]);
    active = this;

    this.join.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.submitJoin();
    });
    this.rename.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.submitRename();
    });
    this.rename.addEventListener("keydown", (ev) => {
      if (ev.key !== "Escape") return;
      ev.preventDefault(); // in the chat bar, Escape here cancels the rename, not the panel
      this.closeRename(true);
    });
    $("rename-cancel").addEventListener("click", () => this.closeRename(true));
    $("leave").addEventListener("click", () => identity.forget());
    for (const id of ["change-nick", "waiting-change-nick"]) $(id).addEventListener("click", () => this.openRename());
  }

  /** "Continue as …": in a chat bar, the room page's identity taken on with a click. */
  offerButton() {
    const row = document.createElement("p");
    row.className = "continue-as";
    row.hidden = true;
    const button = document.createElement("button");
    button.type = "button";
    const why = document.createElement("span");
    why.className = "small muted";
    why.textContent = TEXT.continueWhy;
    row.append(button, " ", why);
    this.join.prepend(row);
    button.addEventListener("click", () => {
      const offered = this.identity.offered();
      if (offered && offered.earlier) {
        // The name of the series' last meeting: a join with it here (someone may have taken it since).
        this.input.value = offered.nickname;
        button.disabled = true;
        this.submitJoin().finally(() => (button.disabled = false));
      } else if (this.identity.adopt()) {
        this.hooks.done();
      }
    });
    return { row, button, why };
  }

  /** The check mark after `name` (hidden unless the reader is the app's user). */
  verifiedMark(name) {
    const mark = verifiedMark(TEXT.verified);
    mark.hidden = true;
    name.after(mark);
    return mark;
  }

  /**
   * Join as the embedding app's user (embed.js: a JWT the page gave, or null: nobody is signed in
   * there, so an app user held here is forgotten). One at a time, in the order given. → {ok, code,
   * message}; a refused JWT changes nothing in the join form (the page hears why).
   */
  signIn(jwt) {
    const next = async () => {
      const result = jwt ? await this.identity.joinAs(jwt) : { ok: true };
      if (!jwt) this.identity.signOut();
      this.awaitingApp = false;
      this.hooks.render();
      return result;
    };
    this.signing = this.signing.then(next, next);
    return this.signing;
  }

  /** Place and show the forms for the state; → {compose, banned}: what the composer may do. */
  show(state) {
    const me = this.identity.me;
    const joinable = state === "scheduled" || state === "open";
    const banned = !!me && !!me.banned;
    const app = !!me && !!me.verified; // the name is the embedding app's: shown verified, not renamed
    // The nickname prompt sits where it is needed: in the waiting room, or under the messages.
    const home = state === "scheduled" ? $("waiting-join") : $("chat-foot");
    if (this.join.parentNode !== home || this.rename.parentNode !== home) home.prepend(this.join, this.rename, this.note);
    if (!me || !joinable || app) this.renaming = false;
    this.join.hidden = !joinable || !!me || this.awaitingApp;
    for (const mark of this.marks) mark.hidden = !app;
    for (const [separator, text] of this.separators) separator.nodeValue = app ? text.replace(/\s*·\s*$/, " ") : text;
    $("change-nick").hidden = $("waiting-change-nick").hidden = app;
    this.rename.hidden = !this.renaming;
    this.note.hidden = !banned || !joinable;
    $("waiting-me").hidden = state !== "scheduled" || !me || banned || this.renaming;
    const offered = this.identity.offered();
    this.offer.row.hidden = !offered;
    if (offered) {
      this.offer.why.textContent = offered.earlier ? TEXT.continueEarlier : TEXT.continueWhy;
      this.offer.button.replaceChildren(); // the name isolated in the sentence: a right-to-left one keeps its place
      appendSentence(this.offer.button, TEXT.continueAs, { nickname: offered.nickname });
    }
    if (me) {
      $("me").textContent = me.nickname;
      $("waiting-nick").textContent = me.nickname;
    }
    return { compose: state === "open" && !!me && !banned && !this.renaming, banned };
  }

  /** Who the reader is changed (identity.js hooks.changed): what the forms say follows. */
  changed(why) {
    if (why === "joined" || why === "forgot") this.clear();
    if (why === "joined") this.input.value = "";
    if (why === "banned" && this.renaming) {
      say($("rename-error"), TEXT.renameBanned);
      this.rename.querySelector("button[type=submit]").disabled = true;
    }
    if (why === "lost" && this.renaming) say($("join-notice"), TEXT.lost);
  }

  async submitJoin() {
    const nickname = this.input.value.trim();
    say($("join-error"), "");
    if (!nickname) {
      say($("join-error"), TEXT.typeFirst);
      this.input.focus();
      return;
    }
    const button = this.join.querySelector("button[type=submit]");
    button.disabled = true;
    const result = await this.identity.join(nickname);
    button.disabled = false;
    if (result.ok) {
      this.hooks.done();
    } else if (result.code === "joins_locked") {
      this.refusedJoin(nickname, result); // the form says so in the field's place
    } else if (result.code !== "event_closed") {
      this.refusedJoin(nickname, result);
      this.input.focus();
    }
  }

  refusedJoin(nickname, result) {
    if (result.code === "event_closed") return;
    if (result.code === "joins_locked" && this.hooks.locked) return this.hooks.locked();
    say($("join-error"), refusal(nickname, result));
    if (result.code === "nickname_taken") this.input.select();
  }

  openRename() {
    const me = this.identity.me;
    if (!me || me.banned || me.verified) return;
    this.renaming = true;
    this.newName.value = me.nickname;
    say($("rename-error"), "");
    this.rename.querySelector("button[type=submit]").disabled = false;
    this.hooks.render();
    this.newName.focus();
    this.newName.select();
  }

  /** Close the rename form; with `refocus`, the focus goes back to what opened it. */
  closeRename(refocus) {
    if (!this.renaming) return;
    this.renaming = false;
    this.hooks.render();
    if (refocus) this.hooks.done();
  }

  async submitRename() {
    const nickname = this.newName.value.trim();
    const error = $("rename-error");
    say(error, "");
    if (!nickname) {
      say(error, TEXT.typeFirst);
      return this.newName.focus();
    }
    const button = this.rename.querySelector("button[type=submit]");
    button.disabled = true;
    const result = await this.identity.rename(nickname);
    if (result.ok) return this.closeRename(true);
    if (result.code === "unauthorized" || result.code === "event_closed") return; // the forms changed already
    button.disabled = result.code === "banned";
    say(error, refusal(nickname, result));
    this.newName.focus();
    if (result.code === "nickname_taken") this.newName.select();
  }

  /**
   * Join as `nickname` for the embedding page (embed.js, once allowed): a rename when joined
   * already. → {ok, code, message}; a refused join shows the name and why in the join form.
   */
  async use(nickname) {
    const name = String(nickname || "").trim();
    if (!name) return { ok: false, code: "invalid_request", message: TEXT.empty };
    if (this.identity.me) return this.identity.rename(name);
    const result = await this.identity.join(name);
    if (!result.ok) {
      this.input.value = name; // shown ready to change, with why it was refused
      this.refusedJoin(name, result);
    }
    return result;
  }

  /** Put a name the embedding page suggests in the join form, unless the reader typed one. */
  suggest(nickname) {
    if (this.identity.me) return;
    if (this.input.value && this.input.value !== this.suggested) return;
    this.suggested = String(nickname || "").trim().slice(0, 32);
    this.input.value = this.suggested;
  }

  /** The nickname was lost while sending: say so, and ask for one. */
  lost(several) {
    say($("join-notice"), several ? TEXT.lostMessages : TEXT.lostMessage);
  }

  /** Clear what the join form says (after a join, or a fresh start). */
  clear() {
    say($("join-notice"), "");
    say($("join-error"), "");
  }
}
