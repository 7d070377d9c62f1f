// A vote cast in one tab shows as the reader's own in the room's other tabs of this browser (and
// in other frames of the same site): the stream tells everyone the counts, but only the voter's
// answer says whose vote it was. Told only to the same participant: another tab may have joined
// the room as someone else since (a chat bar on another site has its own identity anyway).

export class VoteEcho {
  /** slug: the room; me() → the reader's participant id or null; heard({kind, id, voted}). */
  constructor(slug, me, heard) {
    this.me = me;
    this.channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(`chatserver-votes:${slug}`) : null;
    if (!this.channel) return;
    this.channel.onmessage = (e) => {
      const d = e.data;
      const who = me();
      if (!d || who === null || d.participant !== who || typeof d.id !== "number") return;
      heard({ kind: String(d.kind), id: d.id, voted: d.voted });
    };
  }

  /** This tab's vote went through: kind "question" (voted: bool) or "poll" (voted: [indices]). */
  tell(kind, id, voted) {
    const who = this.me();
    if (this.channel && who !== null) this.channel.postMessage({ participant: who, kind, id, voted });
  }
}
