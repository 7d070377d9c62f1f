// The room's side of the chat bar (widget.js): the embed page (/e/<slug>/embed) runs the same
// room as /e/<slug>, and this bridge tells the embedding page what it needs to draw the bar (the
// unread count, announcements, the state) and takes its few commands (shown or not, a nickname).
// Messages go only to the origin the widget named in ?parent=, and commands are taken only from
// that origin and from our own parent window: another page framing us learns and controls nothing.
// The visitor's identity here is this embedding site's own (identity.js), so what the page hears
// (the nickname, `mine`) is about someone who joined in this frame; and the page may set the
// nickname only after the visitor clicked in the frame, or when the host listed its origin in
// embed_origins (otherwise it is only suggested in the join form). docs/embed.md has the rules.
// The page may also say who its user is: `identify` carries a JWT its server signed (by postMessage
// only, never in a URL), taken without a click since only the signature makes it count; the room
// joins as that user (nickname.js, identity.js). A host's notice to the visitor (a private item)
// shows in the bar's banner like an announcement, with its own label; private items never reach the
// page's `message` events (the banner's text is all the page is given, and only this visitor's).
// A series' bar (/s/<slug>/embed) shows one meeting at a time: when the next one opens,
// series-follow.js loads the frame again and it shows that one. The frame remembers in its own URL
// (history.replaceState, ?was=) which meeting it showed, so that the next one knows the bar moved on:
// all that is said in it is news (the count starts again, per meeting), and the page's kept ids of
// the last meeting (?for=) are not taken for this one's. docs/embed.md, "Following a series".
// Loaded before room.js, so that no event of the room's start is missed; the room's object
// (room-api.js) is there by the time any of them fires, and by DOMContentLoaded.

import { fetchJson } from "./api.js";
import { bridgePolls } from "./embed-polls.js";
import { textOn } from "./contrast.js";
import { storageKept, store as storeText, stored as storedText } from "./dom.js";
import { dir, lang, t, tn } from "./i18n.js";
import { roomNicknames } from "./nickname.js";
import { room as current } from "./room-api.js";
import { embeddingOrigin, originOf } from "./visitor.js";

const TEXT = {
  forgetful: t("Your browser blocks the chat's storage on this site, so it will not remember your nickname on the next page."),
  needsClick: t("The nickname was suggested in the chat's join form, not set: a page may set it only after the visitor clicks in the chat, or when the room's host lists the page's site among those that may show the room."),
  // Translators: the accessible name of the chat bar's unread badge on another site.
  unread: (n) => tn("{n} unread", "{n} unread", n),
  // The chat bar's own words (widget.js, on the other site): it shows them once the room says hello.
  // Placeholders stay as they are; the bar fills them.
  bar: {
    dismiss: t("Dismiss the announcement"),
    // Translators: the label above an announcement shown over the collapsed chat bar.
    announcement: t("Announcement"),
    // Translators: the label above a private notice from the event's hosts to this visitor, shown
    // over the collapsed chat bar on the site that embeds the room.
    notice: t("Message from the hosts"),
    // Translators: the chat bar's text while the room's title is not known.
    chat: t("Chat"),
    frame: t("Chat room"),
    // Translators: the name of the chat bar's panel; {title} is the room's title.
    panel: t("Chat: {title}"),
    hide: t("Hide the chat"),
    show: t("Show the chat"),
    // Translators: beside the chat bar's title before the room opens; {when} is a weekday and a time.
    opens: t("opens {when}"),
    // Translators: beside the chat bar's title once the event is over.
    ended: t("ended"),
    // Translators: beside the chat bar's title when the room could not be shown on this site.
    unavailable: t("unavailable"),
    // Translators: the label above an open poll's question shown over the collapsed chat bar.
    poll: t("Poll"),
  },
};

const root = document.getElementById("room");
if (root && window.parent !== window) bridge(root);

function bridge(root) {
  const room = {
    slug: root.dataset.slug,
    series: root.dataset.series || null,
    me: () => current().me(),
    state: () => current().state(),
  };
  const params = new URLSearchParams(location.search);
  const parentOrigin = originOf(params.get("parent"));
  if (!parentOrigin) return;
  // A site the host listed in embed_origins (and truly our parent) may set the nickname at once.
  const listed = (root.dataset.embedOrigins || "").split(/\s+/).includes(parentOrigin);
  const trusted = listed && embeddingOrigin() === parentOrigin;
  let clicked = false; // the visitor's own click or key inside this frame
  const click = (ev) => {
    if (ev.isTrusted) clicked = true;
  };
  document.addEventListener("pointerdown", click, true);
  document.addEventListener("keydown", click, true);
  const activated = () => clicked || !!(navigator.userActivation && navigator.userActivation.hasBeenActive);

  document.documentElement.classList.add("in-bar"); // the bar shows the title and the state

  function send(type, fields) {
    window.parent.postMessage(Object.assign({ chatserver: 1, type }, fields), parentOrigin);
  }
  const polls = bridgePolls(root, send); // the open poll over the collapsed bar (embed-polls.js)

  // --- looks: the site's accent colour, if it is one (the bar's text colour on it) ------------
  const accent = params.get("accent");
  if (accent && window.CSS && CSS.supports("color", accent)) {
    const style = document.documentElement.style; // CSSOM, which the page's CSP allows
    style.setProperty("--accent", accent);
    style.setProperty("--focus", accent);
    style.setProperty("--accent-fg", textOn(accent));
    const soft = `color-mix(in srgb, ${accent} 14%, var(--panel))`;
    if (CSS.supports("color", soft)) style.setProperty("--accent-soft", soft);
  }

  // --- a series' bar: which meeting this frame showed before it moved on to this one ----------
  const was = params.get("was");
  const movedOn = !!room.series && !!was && was !== room.slug;
  /** Keep in the frame's own URL what its next load needs: this meeting, and whether it is in sight. */
  function remember() {
    if (!room.series) return;
    const url = new URL(location.href);
    url.searchParams.set("was", room.slug);
    url.searchParams.delete("open");
    if (shown) url.searchParams.set("open", "1");
    try {
      history.replaceState(history.state, "", url);
    } catch (e) {
      // not allowed here: the next meeting counts as a first visit
    }
  }

  // --- what the reader has seen: kept per room, so the count survives moving between pages ---
  const seenKey = "chatserver.embed.seen." + room.slug;
  const dismissedKey = "chatserver.embed.dismissed." + room.slug;
  const stored = (key) => {
    const n = Number(storedText(key));
    return Number.isSafeInteger(n) && n > 0 ? n : 0;
  };
  // Without storage of our own (blocked third-party storage), the embedding page keeps the two ids
  // for us (widget.js) and hands them back in ?seen= and ?dismissed=: only counts depend on them.
  // They are the ids of the room ?for= names (absent: this one); a series' bar may have moved on since.
  const forgetful = !storageKept();
  const ours = !params.get("for") || params.get("for") === room.slug;
  const given = (name) => {
    const n = Number(params.get(name));
    return forgetful && ours && Number.isSafeInteger(n) && n > 0 ? n : 0;
  };
  const store = (key, n) => {
    storeText(key, String(n)); // without storage: in memory, as long as the page
    if (forgetful) send("keep", Object.assign({ room: room.slug }, key === seenKey ? { seen: n } : { dismissed: n }));
  };
  let seen = stored(seenKey) || given("seen"); // the newest item the reader had in sight
  // The first time here, what was said before is not "unread"; but a bar that moved on to the next
  // meeting was there from its start: all of this meeting is news.
  const firstVisit = seen === 0 && !movedOn;
  let newest = 0; // the newest item the room has shown
  const had = new Set(); // the ids taken in (a private item may come late, below the newest: on joining)
  let firstNews = 0; // the first item counted as unread here
  let unread = 0;
  let shown = params.get("open") === "1";
  let announcement = null; // the newest announcement (or notice: notice true) not dismissed: {id, body, created_at}
  let dismissed = stored(dismissedKey) || given("dismissed");
  let loaded = false; // the conversation is shown up to date (the chat bar's "ready")

  const inSight = () => shown && document.visibilityState === "visible";
  const mine = (item) => {
    const me = room.me();
    return !!me && item.participant_id === me.id;
  };

  function countUnread(n) {
    if (n === unread) return;
    unread = n;
    send("unread", { count: unread, label: TEXT.unread(unread) });
  }

  /** The reader has the room in sight: all of it counts as read. Out of sight, nothing changes (a
   * tab switched away and back, or the page loading, must not clear the count of what is unread). */
  function caughtUp() {
    if (!inSight()) return;
    if (announcement) settle(announcement.id); // read in the open panel: no banner after
    if (newest > seen) {
      seen = newest;
      store(seenKey, seen);
    }
    countUnread(0);
  }

  /** An announcement dismissed, or read in the open panel: it does not come back, here or on the next page. */
  function settle(id) {
    dismissed = Math.max(dismissed, id);
    store(dismissedKey, dismissed);
    showAnnouncement(null);
  }

  function showAnnouncement(next) {
    announcement = next;
    send("announcement", { announcement });
  }

  root.addEventListener("room:items", (ev) => {
    const { items, live } = ev.detail;
    let added = 0;
    for (const item of items) {
      if (typeof item.id !== "number" || had.has(item.id)) continue; // each item counts once
      had.add(item.id);
      newest = Math.max(newest, item.id);
      const notice = item.kind === "notice"; // the hosts' word to this visitor alone
      const talk = item.kind === "message" || item.kind === "announcement" || notice;
      if (talk && !mine(item) && item.id > seen && !(firstVisit && !live)) {
        added += 1;
        firstNews = firstNews || item.id;
      }
      if ((item.kind === "announcement" || notice) && item.id > dismissed && item.id > (announcement ? announcement.id : 0)) {
        showAnnouncement(Object.assign({ id: item.id, body: item.body, created_at: item.created_at }, notice && { notice }));
      } else if (item.kind === "retraction" && announcement && item.target === announcement.id) {
        showAnnouncement(null);
      }
      // Private items (the visitor's thread with the hosts, notices) are not for the page's ears.
      if (talk && live && item.private !== true) {
        send("message", {
          message: { id: item.id, kind: item.kind, author: item.author, body: item.body, created_at: item.created_at, mine: mine(item), slug: room.slug },
        });
      }
    }
    if (inSight()) caughtUp();
    else if (added) countUnread(unread + added);
  });

  root.addEventListener("room:loaded", () => {
    // The first time here, the history so far is not "unread": the count starts now.
    if (firstVisit && newest > seen) {
      seen = newest;
      store(seenKey, seen);
    } else if (movedOn && !seen && newest) {
      // Moved on to this meeting: it counts as visited, its news unread, on the app's next page too.
      seen = (firstNews || newest + 1) - 1;
      if (seen) store(seenKey, seen);
    }
    if (inSight()) caughtUp();
    if (!loaded) send("ready", { unread, unread_label: TEXT.unread(unread), announcement });
    loaded = true;
  });

  root.addEventListener("room:state", (ev) => send("state", { state: ev.detail.state }));
  // A series' meeting closed: the bar shows the next one (its title, "opens …"), as a new page of the
  // app would; this frame keeps the closed notice and its countdown until that one opens.
  if (room.series) {
    root.addEventListener("room:state", async (ev) => {
      if (ev.detail.state !== "closed") return;
      const res = await fetchJson("GET", `/api/series/${encodeURIComponent(room.series)}`, { timeout: 15000 }).catch(() => null);
      const next = res && res.status === 200 && res.data && res.data.series && res.data.series.current;
      if (!next || next.slug === room.slug || room.state() !== "closed") return;
      send("details", { title: next.title, starts_at: next.starts_at, ends_at: next.ends_at });
      send("state", { state: next.state });
    });
  }
  // The host changed the title or the times: the bar shows them too.
  root.addEventListener("room:details", (ev) => {
    const { title, starts_at, ends_at } = ev.detail;
    send("details", { title, starts_at, ends_at });
  });
  let reader = null; // who the room reads for (participant id): private items are theirs alone
  root.addEventListener("room:me", () => {
    const me = room.me();
    // Someone else now (the app signed in another user): the last one's notice leaves the banner.
    if ((me ? me.id : null) !== reader && announcement && announcement.notice) showAnnouncement(null);
    reader = me ? me.id : null;
    send("nickname", { nickname: me ? me.nickname : null, ok: true });
  });
  document.addEventListener("visibilitychange", caughtUp);

  // An Escape inside the panel closes it, as it would outside.
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && !ev.defaultPrevented && !document.querySelector(".menu[open]")) send("escape");
  });

  window.addEventListener("message", async (ev) => {
    if (ev.source !== window.parent || ev.origin !== parentOrigin) return;
    const data = ev.data;
    if (!data || data.chatserver !== 1 || typeof data.type !== "string") return;
    if (data.type === "shown") {
      shown = !!data.open;
      remember();
      current().setOnScreen(shown);
      caughtUp();
    } else if (data.type === "nickname" && typeof data.nickname === "string") {
      let result = { ok: false, code: "needs_click", message: TEXT.needsClick };
      if (trusted || activated()) result = await current().useNickname(data.nickname);
      else current().suggestNickname(data.nickname);
      const me = room.me();
      const error = result.ok ? null : { code: result.code, message: result.message };
      send("nickname", { req: data.req, nickname: me ? me.nickname : null, ok: result.ok, error });
    } else if (data.type === "identify" && (typeof data.jwt === "string" || data.jwt === null)) {
      // The site's signed word for who its user is (null: nobody): no click needed, the server checks it.
      const result = await roomNicknames().signIn(data.jwt);
      const note = root.querySelector(".storage-note"); // about a nickname: not one the site signs in each time
      if (note && result.ok && data.jwt) note.hidden = true;
      const me = room.me();
      const error = result.ok ? null : { code: result.code, message: result.message };
      send("nickname", { req: data.req, signed: true, nickname: me ? me.nickname : null, participant_id: me ? me.id : null, ok: result.ok, error });
    } else if (data.type === "suggest" && typeof data.nickname === "string") {
      current().suggestNickname(data.nickname); // the name the visitor had in a series' last meeting
    } else if (data.type === "dismiss" && announcement && data.id === announcement.id) {
      settle(announcement.id);
    } else if (data.type === "poll") {
      polls.show(data.id);
    }
  });

  // Going away (a series' next meeting, another language): the bar holds its commands until the next hello.
  window.addEventListener("pagehide", () => send("bye"));
  remember();

  document.addEventListener("DOMContentLoaded", () => {
    if (!current()) return;
    // The site signs its user in on every page (?signed=1): no nickname to forget, nothing to say.
    if (forgetful && params.get("signed") !== "1") {
      // Third-party storage blocked: the room works, for this page only. Say so, once, plainly.
      const note = document.createElement("p");
      note.className = "notice storage-note";
      note.setAttribute("role", "note");
      note.textContent = TEXT.forgetful;
      const head = root.querySelector(".event-head");
      if (head) head.after(note);
      else root.prepend(note);
    }
    current().setOnScreen(shown);
    if (params.get("nickname")) current().suggestNickname(params.get("nickname"));
    const me = room.me();
    reader = me ? me.id : null;
    const head = root.querySelector(".event-head h1");
    send("hello", {
      slug: room.slug, // a series' bar: the meeting shown now (series: the series' slug)
      series: room.series,
      title: head ? head.textContent : "",
      state: room.state(),
      starts_at: root.dataset.startsAt,
      ends_at: root.dataset.endsAt,
      nickname: me ? me.nickname : null,
      lang, // the language the room speaks (?locale=, else the browser's), for the bar's formats
      dir,
      texts: TEXT.bar,
    });
    if (room.state() === "closed" && !loaded) {
      loaded = true; // a closed room shows its notice, not a conversation to wait for
      send("ready", { unread, unread_label: TEXT.unread(unread), announcement });
    }
  });
}
