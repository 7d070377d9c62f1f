// What the emoji picker (emoji-picker.js) shows: its catalog (/emoji/<code>.json: names and keywords
// in the page's language), loaded once per page; the words an emoji is found by; and the reader's
// frequently used emoji, kept in localStorage.

import { store, stored } from "./dom.js";

/** The message's quick-reaction bar, and the frequently used row until the reader has their own. */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "🎉", "😮", "🙏"];

const KEY = "chatserver.emoji.frequent"; // i18n: a storage key: [[emoji, times picked], ...]
const KEPT = 24; // emoji remembered
const SHOWN = 8; // in the frequently used row

let loading = null; // the catalog, asked for once per page (again after a failure)

/** The catalog's URL: the page's <html data-emoji> (a URL with its ?v=, or the version alone), else plain. */
function catalogUrl() {
  const root = document.documentElement;
  // The page's own code (pt-BR → pt_BR): i18n.js's lang may be the reader's regional variant (en-GB).
  const plain = `/emoji/${encodeURIComponent((root.lang || "en").replace("-", "_"))}.json`;
  const given = root.dataset.emoji;
  if (!given) return plain;
  return given.startsWith("/") ? given : `${plain}?v=${encodeURIComponent(given)}`;
}

/** The catalog ({groups: [{id, emoji: [[emoji, name, keywords], …]}]}), asked for on the first call. */
export function loadCatalog() {
  loading = loading || fetch(catalogUrl(), { credentials: "same-origin" }).then((res) => {
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.json();
  });
  loading.catch(() => (loading = null)); // the next open tries again
  return loading;
}

/** Lower-case words without accents, width variants or punctuation: "Café" is "cafe", "ｔ-ｒｅｘ" "t rex". */
export function fold(text) {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}+]+/gu, " ");
}

// Words of these scripts stand between spaces: a search word finds the words it begins ("cat", not
// "identification"). Japanese runs its words together and Arabic joins its article to a word
// ("القلب"): there any part of a name is found.
const SPACED = /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{N}+]+$/u;
/** Whether an emoji's folded words (with a space before each) hold the search word `word`. */
export const found = (words, word) => words.includes(SPACED.test(word) ? ` ${word}` : word);

function remembered() {
  try {
    const list = JSON.parse(stored(KEY) || "[]");
    return Array.isArray(list) ? list.filter((e) => Array.isArray(e) && typeof e[0] === "string" && e[1] > 0) : [];
  } catch (e) {
    return []; // not ours, or damaged: start again
  }
}

/** Count a pick towards the frequently used row (the picker does; a quick-reaction bar may too). */
export function rememberEmoji(one) {
  const list = remembered();
  const before = list.find((e) => e[0] === one);
  const rest = list.filter((e) => e[0] !== one);
  rest.unshift([one, (before ? before[1] : 0) + 1]);
  rest.sort((a, b) => b[1] - a[1]); // stable: among equals the latest pick first
  store(KEY, JSON.stringify(rest.slice(0, KEPT)));
}

/** The frequently used row: the reader's own, then the quick reactions, SHOWN at most. */
export function frequentRow() {
  const row = remembered().map((e) => e[0]);
  for (const one of QUICK_REACTIONS) if (!row.includes(one)) row.push(one);
  return row.slice(0, SHOWN);
}
