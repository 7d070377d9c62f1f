// Small helpers without the DOM, for pages and workers alike: waiting, and ids for safe retries.

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Like sleep, but resolves early (to true) when `signal` aborts. */
export function sleepUnless(ms, signal) {
  return new Promise((resolve) => {
    if (signal && signal.aborted) return resolve(true);
    const done = (woken) => {
      clearTimeout(timer);
      if (signal) signal.removeEventListener("abort", onAbort);
      resolve(woken);
    };
    const onAbort = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    if (signal) signal.addEventListener("abort", onAbort);
  });
}

/** A random id for safe retries of a post (works outside secure contexts too). */
export function randomId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return "c-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `fn` (async) made to run one at a time: a call while it runs asks for one more run after it,
 *  however many such calls come (a refresh asked for during a refresh). */
export function oneAtATime(fn) {
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await fn();
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      run();
    }
  };
  return run;
}
