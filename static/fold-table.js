// What the questions' and the polls' tables share (questions-model.js, poll-model.js): records by
// id, folded from the stream's items in order, and the newest item id folded in, which an API
// answer read after it is newer than.

export class FoldTable {
  constructor() {
    this.byId = new Map();
    this.last = 0; // the newest item id folded in: what an API answer is newer than
  }

  clear() {
    this.byId.clear();
    this.last = 0;
  }

  /** The record with that id, or undefined. */
  get(id) {
    return this.byId.get(Number(id));
  }
}
