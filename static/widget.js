// chatserver's chat bar, one line on any page (docs/embed.md):
//   <script src="https://chat.example.org/static/widget.js" data-room="SLUG" async></script>
// or data-series="SLUG": the frame (/s/SLUG/embed) moves on to each next meeting (a new hello).
// data-identity="<JWT>" or identify(jwt): the app's user; the JWT goes by postMessage, never in a URL.
// Its language: data-locale, else the page's <html lang>, else the browser's (the server decides);
// its own few words come from the frame (hello's texts), English until then.
// The room: an iframe of the server; the bar: a shadow root (!important :host rules beat the page's
// CSS). postMessage only with that frame, at its origin.
(function () {
  "use strict";
  if (window.chatserver) return; // included twice: the first bar stays
  // The bar's words, in the room's language after its hello (embed.js); {x}: a value.
  const TEXT = {
    dismiss: "Dismiss the announcement",
    announcement: "Announcement",
    notice: "Message from the hosts",
    chat: "Chat",
    frame: "Chat room",
    panel: "Chat: {title}",
    hide: "Hide the chat",
    show: "Show the chat",
    unread: "{n} unread",
    opens: "opens {when}",
    ended: "ended",
    unavailable: "unavailable",
    poll: "Poll",
  };
  const DEV = {
    noRoom: 'chatserver: the widget\'s <script> needs data-room="<event slug>" (or data-series).',
    notLoaded: (room, server, site) => `chatserver: room ${room} did not load from ${server}. Does its host allow ${site} to embed it?`,
    identity: "chatserver: the identity was refused:",
  };
  const put = (text, value) => text.replace(/\{\w+\}/, () => value);
  const script = document.currentScript || document.querySelector("script[src*='widget.js']:is([data-room],[data-series])");
  const opts = (script && script.dataset) || {};
  const id = opts.series || opts.room;
  if (!id) return console.warn(DEV.noRoom);
  const server = new URL(script.src, location.href).origin;
  const page = document.documentElement;
  const RTL = /^(ar|he|iw|fa|ur|ps|yi|dv|ckb|sd|ug)([-_]|$)/i;
  let locale, rtl;
  function choose(code) {
    locale = (code || page.lang || "").trim();
    rtl = code || !/^(rtl|ltr)$/.test(page.dir) ? RTL.test(locale) : page.dir === "rtl";
  }
  choose(opts.locale);
  let lang = []; // the room's language once it said hello, for Intl (the browser's until then)
  const yes = (v) => v !== undefined && v !== "false" && v !== "0";
  const accent = opts.accent && CSS.supports("color", opts.accent) ? opts.accent : "#1a5fb4";
  const label = (opts.label || "").trim();
  let jwt = "identity" in opts ? opts.identity || null : undefined; // the app's user; null: nobody signed in

  const CSS_TEXT = `
:host{all:initial!important;position:fixed!important;inset:auto 16px 0 auto!important;z-index:2147483000!important;display:block!important}
:host([data-side=left]){inset:auto auto 0 16px!important}
.w{display:flex;flex-direction:column;width:300px;max-width:calc(100vw - 32px);font:14px/1.4 system-ui,sans-serif;color:#1d1f21}
.w.open{width:380px}
*{box-sizing:border-box;font:inherit;margin:0}
[hidden]{display:none!important}
.bar{display:flex;align-items:center;gap:8px;width:100%;height:42px;padding:0 12px;border:0;border-radius:10px 10px 0 0;background:var(--a);color:var(--af);cursor:pointer;box-shadow:0 -2px 14px #0003}
button:focus-visible{outline:3px solid #ffbf47;outline-offset:-3px}
.dot{flex:none;width:9px;height:9px;border-radius:50%;background:#57d06f;box-shadow:0 0 0 2px #fff8}
.dot.scheduled{background:#ffd166}.dot.closed{background:#b0b0b0}
.t{flex:1;min-width:0;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;font-weight:600;text-align:start}
.s{font-size:12px;opacity:.9;white-space:nowrap}
.n{min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#d93025;color:#fff;font-size:12px;font-weight:700;line-height:20px;text-align:center}
.c{flex:none;width:9px;height:9px;border:solid;border-width:2px 2px 0 0;transform:translateY(2px) rotate(-45deg)}
.open .c{transform:translateY(-2px) rotate(135deg)}
.p{width:380px;max-width:calc(100vw - 32px);height:min(560px,calc(100vh - 60px));background:#fff;border:1px solid #c8c8c4;border-top:0}
.w:not(.open) .p{position:absolute;top:100%;right:0;visibility:hidden}
iframe{display:block;width:100%;height:100%;border:0}
.b{position:relative;margin-bottom:8px;padding:10px 12px;padding-inline-end:38px;border:1px solid #c99700;border-radius:10px;background:#fff6d6;color:#5c4300;box-shadow:0 2px 12px #0003}
.bl{font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.06em}
[dir=rtl] .bl{letter-spacing:0}
.bn{display:-webkit-box;-webkit-line-clamp:4;-webkit-box-orient:vertical;overflow:hidden;width:100%;padding:0;border:0;background:none;color:inherit;text-align:start;cursor:pointer;white-space:pre-wrap;overflow-wrap:anywhere}
.x{position:absolute;top:6px;inset-inline-end:6px;width:28px;height:28px;padding:0;border:0;border-radius:6px;background:none;color:inherit;font-size:20px;cursor:pointer}
@media (prefers-color-scheme:dark){.w{color:#e8e8e5}.p{background:#1e2023;border-color:#3a3d42}.b{background:#332b10;color:#f2d27a;border-color:#d4a72c}}`;

  // A custom element: no page rule for div, span or button reaches it.
  const host = document.createElement("chatserver-bar");
  const shadow = host.attachShadow({ mode: "open" });
  document.documentElement.append(host); // beside <body>: a page that hides or rebuilds its body keeps the bar
  if (shadow.adoptedStyleSheets) {
    const sheet = new CSSStyleSheet(); // a constructed sheet needs no 'unsafe-inline' in the page's CSP
    sheet.replaceSync(CSS_TEXT);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    shadow.append(make("style", "", CSS_TEXT));
  }
  function make(tag, cls, text, attrs) {
    const e = document.createElement(tag);
    e.className = cls;
    if (text) e.textContent = text;
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  }
  const wrap = make("div", "w");
  // The corner: data-position, else the right one, mirrored for a right-to-left language.
  function place() {
    host.dataset.side = opts.position === "left" || (opts.position !== "right" && rtl) ? "left" : "right";
    wrap.dir = rtl ? "rtl" : "ltr";
  }
  place();
  wrap.style.setProperty("--a", accent);
  wrap.style.setProperty("--af", textOn(accent));
  const banner = make("div", "b", "", { role: "status" });
  const bannerText = make("button", "bn", "", { type: "button", dir: "auto" });
  const dismiss = make("button", "x", "\u00d7", { type: "button" });
  const bannerLabel = make("div", "bl");
  banner.append(bannerLabel, bannerText, dismiss);
  const bar = make("button", "bar", "", { type: "button", "aria-expanded": "false" });
  const dot = make("span", "dot");
  const title = make("bdi", "", label); // the room's title in its own direction, at the bar's start
  let roomTitle = "";
  const status = make("span", "s");
  const count = make("span", "n");
  const name = make("span", "t");
  name.append(title);
  bar.append(dot, name, status, count, make("span", "c"));
  const panel = make("div", "p", "", { role: "region" });
  // The room's storage blocked: we keep 2 ids (docs/embed.md).
  const kk = `chatserver.b.${server}.${opts.series ? "s/" : ""}${id}`;
  const kh = () => {
    try { return JSON.parse(localStorage.getItem(kk)) || {}; } catch (e) { return {}; }
  };
  const IDS = ["seen", "dismissed"];
  function src(open) {
    const query = new URLSearchParams({ parent: location.origin });
    if (open) query.set("open", "1");
    if (accent === opts.accent) query.set("accent", accent);
    if (opts.nickname) query.set("nickname", opts.nickname);
    if (jwt) query.set("signed", "1"); // a JWT will come (by postMessage): no join form meanwhile
    if (locale) query.set("locale", locale);
    const kept = kh();
    for (const k of IDS) if (Number.isSafeInteger(kept[k])) query.set(k, kept[k]);
    if (kept.room) query.set("for", kept.room);
    return `${server}/${opts.series ? "s" : "e"}/${encodeURIComponent(id)}/embed?${query}`;
  }
  const frame = make("iframe", "", "", { src: src(yes(opts.open)) });
  frame.allow = "camera; microphone; autoplay"; // calls, voice notes
  // Scripts, storage, tabs for links; never navigating this page (same-origin: no sandbox holds it).
  if (server !== location.origin) frame.sandbox = "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox";
  panel.append(frame);
  wrap.append(banner, bar, panel);
  shadow.append(wrap);

  // Dark text on a light accent, white on a dark one; as static/contrast.js: change both together.
  function textOn(color) {
    const probe = make("i");
    probe.style.color = color;
    shadow.append(probe);
    const [r, g, b] = getComputedStyle(probe).color.match(/[\d.]+/g).map(Number);
    probe.remove();
    return r * 0.299 + g * 0.587 + b * 0.114 > 160 ? "#111" : "#fff";
  }

  // --- state
  const listeners = {};
  const queued = []; // commands given before the room listened
  const waiters = new Map(); // request id -> its promise's resolve
  let listening = false;
  let isOpen = false;
  let unread = 0;
  let unreadLabel = ""; // the badge's name, in the room's language
  let state = null;
  let startsAt = null;
  let shown = null; // the announcement in the banner
  let poll = null; // {id, question}
  let nickname = null;
  let slug = null; // the room shown: a series' meeting
  let requests = 0;
  let asked = false;
  let markReady;
  const ready = new Promise((resolve) => (markReady = resolve));

  function emit(type, detail) {
    for (const fn of (listeners[type] || []).slice()) {
      try {
        fn(detail);
      } catch (e) {
        console.error(e); // the app's listener failed; the bar goes on
      }
    }
  }

  function tell(type, fields) {
    const message = Object.assign({ chatserver: 1, type }, fields);
    if (listening) frame.contentWindow.postMessage(message, server);
    else queued.push(message);
  }

  function draw() {
    dismiss.setAttribute("aria-label", TEXT.dismiss);
    const p = !shown && poll; // else the open poll: no dismiss
    bannerLabel.textContent = p ? TEXT.poll : shown && shown.notice ? TEXT.notice : TEXT.announcement;
    bannerText.textContent = p ? p.question : shown ? shown.body : "";
    dismiss.hidden = !!p;
    if (!label && !roomTitle) title.textContent = TEXT.chat;
    if (!listening) frame.title = TEXT.frame;
    wrap.classList.toggle("open", isOpen);
    bar.setAttribute("aria-expanded", String(isOpen));
    bar.title = isOpen ? TEXT.hide : TEXT.show;
    panel.setAttribute("aria-hidden", String(!isOpen));
    dot.className = "dot " + (state || "");
    count.hidden = !unread || isOpen;
    count.textContent = unread > 99 ? (99).toLocaleString(lang) + "+" : unread.toLocaleString(lang);
    count.setAttribute("aria-label", unreadLabel || put(TEXT.unread, unread.toLocaleString(lang)));
    banner.hidden = !(shown || poll) || isOpen;
    const opens = put(TEXT.opens, new Date(startsAt).toLocaleString(lang, { weekday: "short", hour: "numeric", minute: "2-digit" }));
    if (status.textContent !== TEXT.unavailable) status.textContent = state === "closed" ? TEXT.ended : state === "scheduled" ? opens : "";
  }

  function ask(type, fields) {
    const req = ++requests;
    return new Promise((resolve) => {
      waiters.set(req, resolve);
      tell(type, Object.assign(fields, { req }));
    });
  }

  function setOpen(open) {
    if (!!open === isOpen) return;
    isOpen = !!open;
    draw();
    tell("shown", { open: isOpen });
    emit(isOpen ? "open" : "close", {});
  }

  const handlers = {
    hello(d) {
      listening = true;
      clearTimeout(silent);
      // The room's language: its words for the bar, its formats, its direction.
      for (const k in d.texts || {}) if (Object.hasOwn(TEXT, k) && typeof d.texts[k] === "string") TEXT[k] = d.texts[k];
      if (typeof d.lang === "string" && d.lang) lang = d.lang;
      if (d.dir === "rtl" || d.dir === "ltr") wrap.dir = d.dir;
      if (d.title) roomTitle = d.title;
      if (!label && d.title) title.textContent = d.title;
      frame.title = panel.ariaLabel = put(TEXT.panel, d.title || label);
      // A series' next meeting: the name is suggested again (set again if the app set it).
      const [was, name, moved] = [state, nickname, slug && d.slug !== slug];
      ({ starts_at: startsAt, nickname, state, slug } = d);
      status.textContent = "";
      draw();
      tell("shown", { open: isOpen });
      if (moved && name && !nickname) tell(asked ? "nickname" : "suggest", { nickname: name, req: 0 });
      // A new frame (next meeting, language) signs in again, unless an identify() waits.
      if (jwt !== undefined && !queued.some((m) => m.type === "identify")) tell("identify", { jwt, req: 0 });
      for (const m of queued.splice(0)) frame.contentWindow.postMessage(m, server);
      if (was && was !== state) emit("state", { state });
    },
    bye() {
      listening = false; // reloading: commands wait
      shown = null;
    },
    details(d) {
      // New details: the title (unless the site chose a label), the opening time.
      if (d.title) {
        roomTitle = d.title;
        if (!label) title.textContent = d.title;
        frame.title = panel.ariaLabel = put(TEXT.panel, d.title);
      }
      if (d.starts_at) startsAt = d.starts_at;
      draw();
    },
    ready(d) {
      handlers.unread({ count: d.unread, label: d.unread_label });
      markReady({ title: title.textContent, state, nickname });
      emit("ready", { state, nickname, slug });
    },
    unread(d) {
      unread = Number(d.count) || 0;
      unreadLabel = typeof d.label === "string" ? d.label : "";
      draw();
      emit("unread", { count: unread });
    },
    keep(d) {
      let now = kh();
      if (now.room !== d.room) now = { room: d.room };
      for (const k of IDS) if (Number.isSafeInteger(d[k])) now[k] = d[k];
      try { localStorage.setItem(kk, JSON.stringify(now)); } catch (e) {}
    },
    message: (d) => emit("message", d.message),
    announcement(d) {
      shown = d.announcement || null;
      draw();
      if (shown && !shown.notice) emit("announcement", shown); // a notice is private: not for the page
    },
    poll(d) {
      poll = d.poll || null;
      draw();
      emit("poll", poll);
    },
    state(d) {
      state = d.state;
      draw();
      emit("state", { state });
    },
    nickname(d) {
      const changed = d.nickname !== nickname;
      nickname = d.nickname;
      const result = { ok: !!d.ok, nickname, error: d.error || null };
      if (d.signed) result.participant_id = d.participant_id; // identify's answer
      if (d.signed && !d.ok) console.warn(DEV.identity, d.error);
      const done = waiters.get(d.req);
      waiters.delete(d.req);
      if (done) done(result);
      if (changed || (!d.ok && (d.req || d.signed))) emit("nickname", result); // req 0: ours
    },
    escape() {
      setOpen(false);
      bar.focus();
    },
  };
  window.addEventListener("message", (ev) => {
    const d = ev.data;
    if (ev.origin !== server || ev.source !== frame.contentWindow || !d || d.chatserver !== 1) return;
    if (Object.hasOwn(handlers, d.type)) handlers[d.type](d);
  });

  bar.addEventListener("click", () => setOpen(!isOpen));
  bannerText.addEventListener("click", () => {
    setOpen(true);
    if (!shown && poll) tell("poll", { id: poll.id });
  });
  dismiss.addEventListener("click", () => {
    if (shown) tell("dismiss", { id: shown.id });
    shown = null;
    draw();
    bar.focus();
  });
  // Framing refused, or no server: no room loads. Say so.
  let silent;
  frame.addEventListener("load", () => {
    if (listening) return;
    silent = setTimeout(() => {
      status.textContent = TEXT.unavailable;
      console.warn(DEV.notLoaded(id, server, location.origin));
    }, 3000);
  });

  window.chatserver = Object.freeze({
    ready, // a promise: the room is loaded
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!isOpen),
    isOpen: () => isOpen,
    unread: () => unread,
    nickname: () => nickname,
    /** Join as `name`, or rename when joined: {ok, nickname, error}; error.code "needs_click" when only suggested. */
    setNickname(name) {
      asked = true;
      return ask("nickname", { nickname: String(name) });
    },
    /** Join as the app's user (a JWT signed by its server; null: nobody): {ok, nickname, participant_id, error}. */
    identify(token) {
      jwt = token ? String(token) : null;
      return ask("identify", { jwt });
    },
    /** Listen for ready, open, close, unread, message, announcement, poll, state, nickname. */
    on(type, fn) {
      (listeners[type] = listeners[type] || []).push(fn);
    },
    off(type, fn) {
      listeners[type] = (listeners[type] || []).filter((f) => f !== fn);
    },
    /** Speak `code` ("de", "pt-BR"): the room loads again in it; open or not, commands kept. */
    setLocale(code) {
      choose(String(code || ""));
      place();
      listening = false; // commands wait for the new room's hello
      clearTimeout(silent);
      frame.src = src(isOpen);
    },
  });
  draw();
  if (yes(opts.open)) setOpen(true);
})();
