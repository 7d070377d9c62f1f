// Links in user text: http(s) addresses, and bare "www." host names (as https), become <a>
// elements made here; the text is never parsed as HTML. User text takes its direction from its own
// words (dir="auto": Arabic and Hebrew read right to left), and the @mentions and addresses in it
// are isolated, so a Latin "@bob" or URL at the start does not turn an Arabic message left to right.

// An address with its scheme, or a host name starting "www." that is not the tail of a longer
// word, address or path ("foo.www.x", "me@www.x", "/www.x" stay text).
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+|(?<![\w.@/:-])www\.[^\s<>"]+/gi;
// What links get: another tab, no window.opener, no Referer, and no endorsement of what users wrote.
export const LINK_REL = "noopener noreferrer nofollow ugc";
const MENTION = /(?<![\p{L}\p{N}_@])@[\p{L}\p{M}\p{N}_.-]*[\p{L}\p{M}\p{N}_]/gu;

/** Append plain text, each @mention in it a <bdi> (its own direction, skipped by dir="auto"). */
function appendText(el, text, self) {
  if (self) return appendMentions(el, text, self);
  let at = 0;
  for (const match of text.matchAll(MENTION)) {
    if (match.index > at) el.append(document.createTextNode(text.slice(at, match.index)));
    const bdi = document.createElement("bdi");
    bdi.className = "at";
    bdi.textContent = match[0];
    el.append(bdi);
    at = match.index + match[0].length;
  }
  if (at < text.length) el.append(document.createTextNode(text.slice(at)));
}

// The same @mentions, one at a place (sticky), and where a mention may start.
const MENTION_HERE = new RegExp(MENTION.source, "uy");
const MENTION_START = /(?<![\p{L}\p{N}_@])@/uy;
// What may follow the reader's nickname in a mention of them: the end, a space, or punctuation,
// but not a dot, hyphen or underscore going on into a longer nickname (@ann.b is not ann).
const NAME_GOES_ON = /^[_.-][\p{L}\p{M}\p{N}_]/u;
const NAME_ENDS = /^(?:$|[\s\p{P}\p{S}])/u;

/** Whether `text` names `self` (already lower case) at `i`, followed by the end, a space or punctuation. */
function namesSelf(text, i, self) {
  if (text.slice(i, i + self.length).toLowerCase() !== self) return false;
  const rest = text.slice(i + self.length, i + self.length + 2);
  return NAME_ENDS.test(rest) && !NAME_GOES_ON.test(rest);
}

/**
 * appendText with the reader's own nickname known: a mention of them gets the class self, and
 * takes in the whole nickname even where it has spaces or other signs (@Ann Lee is one <bdi>).
 */
function appendMentions(el, text, self) {
  const own = String(self).trim().toLowerCase();
  let at = 0;
  for (let i = text.indexOf("@"); i !== -1; i = text.indexOf("@", i + 1)) {
    if (i < at) continue;
    MENTION_START.lastIndex = i;
    if (!MENTION_START.test(text)) continue;
    MENTION_HERE.lastIndex = i;
    const match = MENTION_HERE.exec(text);
    const mine = own !== "" && namesSelf(text, i + 1, own);
    const end = Math.max(match ? i + match[0].length : 0, mine ? i + 1 + own.length : 0);
    if (end <= i) continue;
    if (i > at) el.append(document.createTextNode(text.slice(at, i)));
    const bdi = document.createElement("bdi");
    bdi.className = mine ? "at self" : "at";
    bdi.textContent = text.slice(i, end);
    el.append(bdi);
    at = end;
  }
  if (at < text.length) el.append(document.createTextNode(text.slice(at)));
}

/** Drop punctuation that ends a sentence rather than the address: "see https://x.org/a)." */
function trimUrl(url) {
  // Each bracket counted once (not again after each character dropped: a long ")))" stays linear).
  const count = {};
  for (const ch of "()[]{}") count[ch] = url.split(ch).length - 1;
  let end = url.length;
  for (;;) {
    const last = url[end - 1];
    if (end > 0 && ".,;:!?'*".includes(last)) {
      end--;
    } else if (last === ")" || last === "]" || last === "}") {
      const open = { ")": "(", "]": "[", "}": "{" }[last];
      if (count[open] >= count[last]) break; // balanced: part of the URL
      count[last]--;
      end--;
    } else {
      break;
    }
  }
  return url.slice(0, end);
}

/** The URL a piece of text names, or null: http(s) with a host; "www.<name>.<tld>" as https. */
function target(text) {
  const bare = /^www\./i.test(text);
  if (bare && !/^www\.[^./?#]+\.[^/?#]/i.test(text)) return null; // "www.x" alone is no address
  let parsed = null;
  try {
    parsed = new URL(bare ? "https://" + text : text);
  } catch (e) {
    return null;
  }
  if ((parsed.protocol !== "http:" && parsed.protocol !== "https:") || !parsed.host) return null;
  return parsed;
}

/**
 * The addresses in `text`, in order: {start, end, href} each (end after the address itself, without
 * the punctuation that ends its sentence). No DOM: the Markdown parser keeps them whole with it.
 */
export function* addresses(text) {
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    const parsed = target(url);
    if (parsed) yield { start: match.index, end: match.index + url.length, href: parsed.href };
  }
}

/**
 * Append `text` to `el` (nothing in it is removed), its addresses as links that open in a new tab
 * and its @mentions isolated. options.self: the reader's nickname, whose mentions get the class "self".
 */
export function appendLinked(el, text, options = {}) {
  const value = String(text == null ? "" : text);
  const self = options && typeof options.self === "string" && options.self.trim() ? options.self : null;
  let at = 0;
  for (const { start, end, href } of addresses(value)) {
    if (start > at) appendText(el, value.slice(at, start), self);
    const a = document.createElement("a");
    a.href = href;
    a.target = "_blank";
    a.rel = LINK_REL;
    a.dir = "ltr"; // an address reads left to right, and does not decide the direction around it
    a.textContent = value.slice(start, end);
    el.append(a);
    at = end;
  }
  if (at < value.length) appendText(el, value.slice(at), self);
}

/** Fill `el` with `text`, turning addresses into links that open in a new tab. */
export function linkify(el, text) {
  // Built apart, then put in at once: each node added to a dir="auto" element has the browser
  // work out its direction again, so a message of many mentions would take quadratic time.
  const parts = document.createDocumentFragment();
  appendLinked(parts, text);
  el.replaceChildren(parts);
  el.dir = "auto";
}
