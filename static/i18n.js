// The page's language: its catalog (made by the server from the same .po files as the pages, at
// /i18n/<code>.json, named by <html data-catalog>) and the words of every module. The catalog is
// loaded before any module that imports this one runs (top-level await), so a module may translate
// its TEXT at load. English pages have no catalog: the messages are their own English.
// t("Hello, {name}", {name}) and tn("One message", "{n} messages", n) as in the .po files; plural
// forms by the language's own rules (Intl.PluralRules); numbers in {n} by Intl.NumberFormat.

// In a worker (chat-worker.js) there is no document: the page names both in the worker's URL
// (?lang=…&catalog=…, tabs.js), which also gives each language a worker of its own. A worker's
// event listeners must not wait for this module's await: chat-worker.js imports it dynamically.
const root = typeof document === "undefined" ? null : document.documentElement;
const given = root ? null : new URL(self.location.href).searchParams;

/**
 * The reader's own variant of a language without a region, from the browser's languages: an "en"
 * page read in a browser set to en-GB formats as en-GB does (day before month, a 24-hour clock).
 */
function regional(tag) {
  if (tag.includes("-")) return tag; // a regional language already (pt-BR): as it is
  const own = (self.navigator && self.navigator.languages ? self.navigator.languages : [])
    .find((wanted) => wanted.split("-")[0].toLowerCase() === tag.toLowerCase());
  return own && Intl.DateTimeFormat.supportedLocalesOf([own]).length ? own : tag;
}

/** The page's language as a BCP 47 tag ("de", "pt-BR", "en-GB"): what Intl formats dates and numbers in. */
export const lang = regional((root ? root.lang : given.get("lang")) || "en");
/** "rtl" for Arabic, else "ltr". */
export const dir = root && root.dir === "rtl" ? "rtl" : "ltr";
/** The catalog's URL (null for English), for a worker to load the same words. */
export const catalogUrl = (root ? root.dataset.catalog : given.get("catalog")) || null;

async function load(url) {
  if (!url) return {};
  try {
    const res = await fetch(url, { credentials: "same-origin" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = await res.json();
    return body && typeof body.messages === "object" ? body.messages : {};
  } catch (e) {
    // Never a page without words: English it is, and the console says why.
    console.warn("chatserver: the catalog for", lang, "did not load, so the page is in English:", e);
    return {};
  }
}

/**
 * The words of one catalog for one language: {t, tn, fill, has}. The page's own are below; tests
 * make others (any messages, any language's plural rules) to check the mechanism.
 */
export function words(messages, tag) {
  const plurals = new Intl.PluralRules(tag);
  const numbers = new Intl.NumberFormat(tag);

  function fill(text, values) {
    if (!values) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name) => {
      if (!(name in values)) return whole;
      const value = values[name];
      return typeof value === "number" ? numbers.format(value) : String(value);
    });
  }

  function t(message, values) {
    const found = messages[message];
    return fill(typeof found === "string" ? found : message, values);
  }

  function tn(singular, plural, n, values) {
    const forms = messages[singular];
    const all = Object.assign({ n }, values);
    if (forms && typeof forms === "object") {
      const form = forms[plurals.select(n)] || forms.other;
      if (typeof form === "string") return fill(form, all);
    }
    return fill(n === 1 ? singular : plural, all);
  }

  /** Whether the catalog has a translation of the message (else it is said in English). */
  function has(message) {
    return Object.hasOwn(messages, message);
  }

  return { t, tn, fill, has };
}

const mine = words(await load(catalogUrl), lang);

/** Put values into a message's {name} placeholders; numbers as the language writes them. */
export const fill = mine.fill;

/** The message in the page's language, its placeholders filled. */
export const t = mine.t;

/** A message that depends on a count n: the form the language uses for n, with {n} filled. */
export const tn = mine.tn;

/** Whether the page's catalog translates the message (English pages: never). */
export const has = mine.has;
