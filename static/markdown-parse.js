// A small Markdown for chat messages, as a tree of plain data (no DOM; markdown.js builds the
// elements): *emphasis* and _emphasis_, **strong**, `code`, ``` fenced blocks ```, > quotes, and
// [text](url) links to http(s) and mailto: addresses. Everything else is the text as written.
// Every step is linear in the text: no regular expression here can backtrack over more than a line.

import { addresses } from "./links.js";

const FENCE = /^ {0,3}(`{3,})([^`]*)$/; // an opening fence: its info may not hold a backtick
const FENCE_END = /^ {0,3}(`{3,})[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const BLANK = /^[ \t]*$/;
const LANG = /^[\w+#.-]{1,32}$/;
const SPACE = /\s/u;
const PUNCT = /[\p{P}\p{S}]/u;
// A link's address: no spaces, controls, or invisible direction marks, and its scheme spelled out.
const UNSAFE_URL = /[\s\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;
const SAFE_SCHEME = /^(?:https?:\/\/|mailto:)/i;
const MAX_URL = 2048;
const MAX_PARENS = 16; // parentheses inside an address, one in another (Wikipedia's have one)

/** A link's address as an absolute href, or null unless it is http(s) with a host, or mailto:. */
export function safeHref(raw) {
  if (!raw || raw.length > MAX_URL || UNSAFE_URL.test(raw) || !SAFE_SCHEME.test(raw)) return null;
  let url;
  try {
    url = new URL(raw);
  } catch (e) {
    return null;
  }
  if (url.protocol === "http:" || url.protocol === "https:") return url.host ? url.href : null;
  if (url.protocol === "mailto:") return url.pathname ? url.href : null;
  return null;
}

/** The whole character (code point) just before `i`, and the one at `i`; "" past either end. */
const before = (s, i) => (i <= 0 ? "" : i >= 2 && /[\udc00-\udfff]/.test(s[i - 1]) ? s.slice(i - 2, i) : s[i - 1]);
const after = (s, i) => (i >= s.length ? "" : String.fromCodePoint(s.codePointAt(i)));

// --- code spans: a run of n backticks up to the next run of exactly n --------------------------
function codeSpans(s) {
  const runs = [];
  for (let i = s.indexOf("`"); i !== -1; i = s.indexOf("`", i)) {
    let j = i;
    while (s[j] === "`") j++;
    runs.push({ start: i, len: j - i });
    i = j;
  }
  // Each length's runs in order, and how far each list has been read: every run is looked at once.
  const byLength = new Map();
  runs.forEach((run, k) => {
    if (!byLength.has(run.len)) byLength.set(run.len, { list: [], next: 0 });
    byLength.get(run.len).list.push(k);
  });
  const spans = new Map(); // start → end
  for (let k = 0; k < runs.length; k++) {
    const same = byLength.get(runs[k].len);
    while (same.next < same.list.length && same.list[same.next] <= k) same.next++;
    if (same.next >= same.list.length) continue;
    const m = same.list[same.next];
    spans.set(runs[k].start, runs[m].start + runs[m].len);
    k = m; // the runs between are inside the code
  }
  return spans;
}

function codeText(s) {
  const text = s.replace(/\n/g, " ");
  const padded = text.length > 2 && text[0] === " " && text[text.length - 1] === " " && text.trim() !== "";
  return padded ? text.slice(1, -1) : text;
}

// --- links: [text](url) ----------------------------------------------------------------------
/** The link that starts at s[p] === "[": {end, text, href}, or null (then "[" is text). */
function linkAt(s, p, spans) {
  let q = p + 1;
  while (q < s.length && s[q] !== "]") {
    if (s[q] === "[") return null; // the innermost bracket opens the link, if any
    q = spans.has(q) ? spans.get(q) : q + 1;
  }
  if (q >= s.length || s[q + 1] !== "(" || !s.slice(p + 1, q).trim()) return null;
  const from = q + 2;
  let r = from;
  let depth = 0;
  for (; r < s.length && r - from <= MAX_URL; r++) {
    const c = s[r];
    const code = s.charCodeAt(r);
    if (code <= 32 || c === "<" || c === ">" || (code > 127 && SPACE.test(c))) return null;
    if (c === "(" && ++depth > MAX_PARENS) return null;
    else if (c === ")" && depth-- === 0) break;
  }
  if (s[r] !== ")") return null;
  const href = safeHref(s.slice(from, r));
  return href ? { end: r + 1, text: s.slice(p + 1, q), href } : null;
}

// --- inline: a linked list of nodes, emphasis matched as its delimiters come -----------------
const textNode = (text) => ({ type: "text", text, prev: null, next: null });

/**
 * The inline nodes of one paragraph (or a link's text, without links and addresses in it).
 * Delimiter runs of * (1 to 3) and _ (1) open when they come before a word and after a space or
 * punctuation, and close in the mirror case: "snake_case" and "2*3*4" stay text.
 */
function inline(s, links) {
  const head = textNode("");
  let tail = head;
  const push = (node) => {
    node.prev = tail;
    tail.next = node;
    tail = node;
    return node;
  };
  const openers = { "*": [], _: [] };
  const spans = codeSpans(s);
  const urls = links ? Array.from(addresses(s)) : [];
  let u = 0;
  let p = 0;
  let plain = "";
  const flush = () => {
    if (plain) push(textNode(plain));
    plain = "";
  };

  while (p < s.length) {
    const c = s[p];
    while (u < urls.length && urls[u].start < p) u++;
    if (u < urls.length && urls[u].start === p) {
      plain += s.slice(p, urls[u].end); // an address is never cut by the markers in it
      p = urls[u].end;
      continue;
    }
    if (c === "`") {
      let n = p;
      while (s[n] === "`") n++;
      const end = spans.get(p);
      if (end === undefined) {
        plain += s.slice(p, n);
      } else {
        flush();
        push({ type: "code", text: codeText(s.slice(n, end - (n - p))) });
      }
      p = end === undefined ? n : end;
      continue;
    }
    if (c === "[" && links && s[p - 1] !== "!") {
      const link = linkAt(s, p, spans);
      if (link) {
        flush();
        push({ type: "link", href: link.href, children: inline(link.text, false) });
        p = link.end;
        continue;
      }
    }
    if (c === "*" || c === "_") {
      let n = p;
      while (s[n] === c) n++;
      const len = n - p;
      const prev = before(s, p);
      const next = after(s, n);
      const canOpen = next !== "" && !SPACE.test(next) && (prev === "" || SPACE.test(prev) || PUNCT.test(prev));
      const canClose = prev !== "" && !SPACE.test(prev) && (next === "" || SPACE.test(next) || PUNCT.test(next));
      if ((canOpen || canClose) && len <= (c === "*" ? 3 : 1)) {
        flush();
        const run = { ch: c, count: len, pos: p, node: push(textNode(s.slice(p, n))) };
        if (canClose) emphasis(run, openers);
        if (run.count > 0 && canOpen) openers[c].push(run);
        p = n;
        continue;
      }
      plain += s.slice(p, n);
      p = n;
      continue;
    }
    plain += c;
    p++;
  }
  flush();
  return toArray(head.next);
}

/** A closing run meets the nearest open run of its kind: the nodes between go into <em>/<strong>. */
function emphasis(closer, openers) {
  const stack = openers[closer.ch];
  const other = openers[closer.ch === "*" ? "_" : "*"];
  while (closer.count > 0 && stack.length) {
    const opener = stack[stack.length - 1];
    while (other.length && other[other.length - 1].pos > opener.pos) other.pop(); // crossed: text
    const use = opener.count >= 2 && closer.count >= 2 ? 2 : 1;
    opener.count -= use;
    closer.count -= use;
    opener.node.text = opener.node.text.slice(use);
    closer.node.text = closer.node.text.slice(use);
    const node = { type: use === 2 ? "strong" : "em", first: opener.node.next, prev: opener.node, next: closer.node };
    if (node.first === closer.node) node.first = null;
    else closer.node.prev.next = null;
    if (node.first) node.first.prev = null;
    opener.node.next = node;
    closer.node.prev = node;
    if (opener.count === 0) stack.pop();
  }
}

/** The linked nodes as a plain tree: {type, text} or {type, children}, neighbouring text joined. */
function toArray(node) {
  const out = [];
  for (; node; node = node.next) {
    if (node.type === "text") {
      if (!node.text) continue;
      const last = out[out.length - 1];
      if (last && last.type === "text") last.text += node.text;
      else out.push({ type: "text", text: node.text });
    } else if (node.type === "em" || node.type === "strong") {
      out.push({ type: node.type, children: toArray(node.first) });
    } else if (node.type === "link") {
      out.push({ type: "link", href: node.href, children: node.children });
    } else {
      out.push({ type: node.type, text: node.text });
    }
  }
  return out;
}

// --- blocks ------------------------------------------------------------------------------------
/** Lines of text as inline nodes: paragraphs (split at blank lines) parsed apart, line breaks kept as "\n". */
function flow(lines, out) {
  let [from, to] = [0, lines.length];
  while (from < to && BLANK.test(lines[from])) from++;
  while (to > from && BLANK.test(lines[to - 1])) to--;
  const children = [];
  let para = [];
  const end = () => {
    if (para.length) children.push(...inline(para.join("\n"), true));
    para = [];
  };
  for (let i = from; i < to; i++) {
    if (BLANK.test(lines[i])) {
      end();
      children.push({ type: "text", text: "\n" });
    } else {
      if (para.length === 0 && i > from) children.push({ type: "text", text: "\n" });
      para.push(lines[i]);
    }
  }
  end();
  if (children.length) out.push({ type: "text", children: joined(children) });
}

/** Nodes with neighbouring text nodes made one. */
function joined(nodes) {
  const out = [];
  for (const node of nodes) {
    const last = out[out.length - 1];
    if (node.type === "text" && last && last.type === "text") last.text += node.text;
    else out.push(node.type === "text" ? { type: "text", text: node.text } : node);
  }
  return out;
}

/**
 * A message as blocks: {type: "text", children} (inline nodes), {type: "quote", children},
 * {type: "code", lang, text}. A fence without its closing fence is text.
 */
export function parse(text) {
  const lines = String(text == null ? "" : text).replace(/\r\n?/g, "\n").split("\n");
  // Where the next closing fence is from each line on: each opening fence looks along that chain.
  const nextEnd = new Array(lines.length + 1).fill(-1);
  for (let i = lines.length - 1; i >= 0; i--) nextEnd[i] = FENCE_END.test(lines[i]) ? i : nextEnd[i + 1];
  const blocks = [];
  let pending = [];
  let unclosed = Infinity; // no closing fence this long or longer is left: no need to look again
  for (let i = 0; i < lines.length; ) {
    const fence = FENCE.exec(lines[i]);
    if (fence && fence[1].length < unclosed) {
      let j = nextEnd[i + 1];
      while (j !== -1 && FENCE_END.exec(lines[j])[1].length < fence[1].length) j = nextEnd[j + 1];
      if (j === -1) unclosed = fence[1].length;
      else {
        flow(pending, blocks);
        pending = [];
        const word = fence[2].trim().split(/\s/)[0];
        blocks.push({ type: "code", lang: LANG.test(word) ? word : null, text: lines.slice(i + 1, j).join("\n") });
        i = j + 1;
        continue;
      }
    } else if (!fence && QUOTE.test(lines[i])) {
      flow(pending, blocks);
      pending = [];
      const quoted = [];
      for (; i < lines.length && QUOTE.test(lines[i]); i++) quoted.push(lines[i].replace(QUOTE, ""));
      const inner = [];
      flow(quoted, inner);
      blocks.push({ type: "quote", children: inner.length ? inner[0].children : [] });
      continue;
    }
    pending.push(lines[i]);
    i++;
  }
  flow(pending, blocks);
  return blocks;
}

// --- plain text ----------------------------------------------------------------------------
function plainOf(nodes) {
  return nodes.map((node) => (node.children ? plainOf(node.children) : node.text)).join("");
}

/**
 * A message as one line of plain text, for reply quotes and notifications: no markers, code blocks
 * as their text, every line break and run of spaces one space, cut to `max` characters with "…".
 */
export function plainPreview(text, max = 140) {
  const parts = parse(text).map((block) => (block.type === "code" ? block.text : plainOf(block.children)));
  const line = parts.join(" ").replace(/\s+/gu, " ").trim();
  const chars = Array.from(line);
  if (!(max > 0) || chars.length <= max) return line;
  return chars.slice(0, Math.max(0, max - 1)).join("").trimEnd() + "…";
}
