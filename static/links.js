// Links in user text: http(s) addresses become <a> elements made here; the text is never parsed
// as HTML.

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;

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

/** Fill `el` with `text`, turning http(s) addresses into links that open in a new tab. */
export function linkify(el, text) {
  el.replaceChildren();
  const value = String(text == null ? "" : text);
  let at = 0;
  for (const match of value.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    let parsed = null;
    try {
      parsed = new URL(url);
    } catch (e) {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || !parsed.host) continue;
    if (match.index > at) el.append(document.createTextNode(value.slice(at, match.index)));
    const a = document.createElement("a");
    a.href = parsed.href;
    a.target = "_blank";
    a.rel = "noopener nofollow ugc";
    a.textContent = url;
    el.append(a);
    at = match.index + url.length;
  }
  if (at < value.length) el.append(document.createTextNode(value.slice(at)));
}
