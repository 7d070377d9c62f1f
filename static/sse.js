// The stream over Server-Sent Events (stream.js polls until the history is read, then streams):
// one response read from fetch (so that the token can travel in a header, which EventSource cannot
// send), its blocks of "field: value" lines, each up to a blank line, to their type and JSON data,
// and each event handed to the Stream's handlers as a poll's answer would be.

import { decode, send } from "./api.js";

const OFFLINE = { status: 0, data: null, headers: null, aborted: false };

/** {type, data} of one event block; null for a comment, or data that is not a JSON object. */
function parseEvent(block) {
  let type = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (name === "event") type = value;
    else if (name === "data") data += (data ? "\n" : "") + value;
  }
  let parsed;
  try {
    parsed = JSON.parse(data);
  } catch (e) {
    return null;
  }
  return parsed && typeof parsed === "object" ? { type, data: parsed } : null;
}

/** Read `body` (a response's stream) to its end; chunk(events) after each piece that arrives. */
async function readEvents(body, chunk) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    const events = [];
    let at;
    while ((at = buffer.indexOf("\n\n")) >= 0) {
      const event = parseEvent(buffer.slice(0, at));
      buffer = buffer.slice(at + 2);
      if (event) events.push(event);
    }
    chunk(events);
  }
}

/**
 * One SSE response of the Stream `s`, read as it comes: {streamed: true, ended, closed} once it was
 * open (ended: the server finished it), or a poll-like {status, data, headers} when it did not open.
 * It moves the stream's cursor, and holds its controller (kick() aborts it) while it lasts.
 */
export async function streamOnce(s) {
  const h = s.handlers;
  const controller = (s.controller = new AbortController());
  let timer = null;
  let bytes = false;
  const arm = (ms) => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), ms);
    s.pollStarted = Date.now(); // alive: wake() leaves it be
  };
  // The server writes at once: silence for 10 s means something in between holds it back.
  arm(10000);
  const opened = Date.now();
  let delivered = false;
  try {
    if (navigator.onLine === false) return OFFLINE;
    const token = h.token ? h.token() : null;
    const response = await send("GET", s.url("stream", ""), { token, signal: controller.signal, accept: "text/event-stream" });
    const type = response.headers.get("Content-Type") || "";
    if (response.status === 204) return { streamed: true, ended: true, closed: true };
    if (response.status !== 200 || !type.startsWith("text/event-stream") || !response.body) {
      if (response.status === 200) s.streaming = false; // answered, but not as a stream
      return await decode(response);
    }
    s.transport = "stream";
    await readEvents(response.body, (events) => {
      bytes = true;
      arm(s.streamTimeout);
      const batch = [];
      for (const event of events) take(s, event, batch);
      if (batch.length && h.items) {
        delivered = true;
        h.items(batch, meta(s));
      }
    });
    return { streamed: true, ended: true, closed: s.state === "closed", short: !delivered && Date.now() - opened < 1000 };
  } catch (e) {
    if (!bytes && controller.signal.aborted && !s.kicked) s.streaming = false; // held back: polls
    return { status: 0, data: null, headers: null, aborted: controller.signal.aborted };
  } finally {
    clearTimeout(timer);
    s.controller = null;
    s.pollStarted = 0;
    s.transport = "poll";
  }
}

/** What items from the stream come with, in the shape of a poll answer's fields. */
function meta(s) {
  return { cursor: s.cursor, state: s.state, server_time: s.serverTime, more: false };
}

/** One SSE event ({type, data}): an item goes into `batch`; state and read receipts go to their handlers. */
function take(s, { type, data: d }, batch) {
  const h = s.handlers;
  if (type === "message" && typeof d.id === "number") {
    if (d.id > s.cursor) s.cursor = d.id;
    if (!s.seen.has(d.id)) {
      s.seen.add(d.id);
      batch.push(d);
    }
  } else if (type === "state" && typeof d.state === "string") {
    if (batch.length && h.items) h.items(batch.splice(0), meta(s)); // items before the state change
    s.state = d.state;
    s.serverTime = d.server_time;
    if (h.state) h.state(d.state, d);
  } else if (type === "reads" && typeof d.version === "number" && Array.isArray(d.by) && h.reads) {
    h.reads(d);
  } else if (type === "typing" && typeof d.participant_id === "number" && h.typing) {
    h.typing([d], false); // never stored: it is not an item, and moves no cursor
  } else if (type === "signal" && h.signal) {
    s.takeSignal(d); // a call's signal (call.js): never stored, moves no cursor
  }
}
