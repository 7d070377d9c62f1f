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
function appendText(el, text) {
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

/** Drop punctuation that ends a sentence rather than the address: "see https://x.org/a)." */
function trimUrl(url) {
  for (;;) {
    const last = url[url.length - 1];
    if (".,;:!?'*".includes(last)) {
      url = url.slice(0, -1);
    } else if (last === ")" || last === "]" || last === "}") {
      const open = { ")": "(", "]": "[", "}": "{" }[last];
      if (url.split(open).length >= url.split(last).length) break; // balanced: part of the URL
      url = url.slice(0, -1);
    } else {
      break;
    }
  }
  return url;
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

/** Fill `el` with `text`, turning addresses into links that open in a new tab. */
export function linkify(el, text) {
  el.replaceChildren();
  el.dir = "auto";
  const value = String(text == null ? "" : text);
  let at = 0;
  for (const match of value.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    const parsed = target(url);
    if (!parsed) continue;
    if (match.index > at) appendText(el, value.slice(at, match.index));
    const a = document.createElement("a");
    a.href = parsed.href;
    a.target = "_blank";
    a.rel = LINK_REL;
    a.dir = "ltr"; // an address reads left to right, and does not decide the direction around it
    a.textContent = url;
    el.append(a);
    at = match.index + url.length;
  }
  if (at < value.length) appendText(el, value.slice(at));
}
