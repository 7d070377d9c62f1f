// Server-Sent Events, read from a fetch response (so that the token can travel in a header, which
// EventSource cannot send): blocks of "field: value" lines, each up to a blank line, to their type
// and JSON data.

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
export async function readEvents(body, chunk) {
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
