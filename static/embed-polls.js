// The chat bar's side of the room's polls (embed.js): the newest open poll's question goes to the
// bar (widget.js: `poll` {poll: {id, question} | null}), which shows it over the collapsed bar; the
// bar's `poll` command {id} (the visitor clicked it: the panel opens) brings that poll's card into
// view (room-polls.js listens for "embed:poll" on the room's root). docs/embed.md has the messages.

/** root: the room's <article>; send(type, fields): a message to the embedding page. */
export function bridgePolls(root, send) {
  let told; // undefined: nothing said yet (a new frame says "none" too)
  root.addEventListener("room:polls", (ev) => {
    const open = (ev.detail && ev.detail.polls) || [];
    const newest = open.length ? open[open.length - 1] : null;
    const poll = newest ? { id: newest.id, question: newest.question } : null;
    if (JSON.stringify(poll) === JSON.stringify(told)) return;
    told = poll;
    send("poll", { poll });
  });
  return {
    /** The open poll, for the bar's ready message. */
    current: () => told,
    /** The bar asked for poll `id`: bring it into view. */
    show(id) {
      if (Number.isSafeInteger(id)) root.dispatchEvent(new CustomEvent("embed:poll", { detail: { id } }));
    },
  };
}
