-- chatserver schema, the current version in full (chatserver/migrations.py brings older files forward).
-- Times are integer milliseconds since the Unix epoch, by the server clock, always UTC.

-- A recurring meeting: one link, its rule, and occurrences that are ordinary events (events.series).
CREATE TABLE series (
    id            INTEGER PRIMARY KEY,
    slug          TEXT    NOT NULL UNIQUE,
    title         TEXT    NOT NULL,
    description   TEXT    NOT NULL DEFAULT '',
    -- The RFC 5545 RRULE value, canonical (chatserver/recurrence.py), and the IANA zone it runs in.
    rrule         TEXT    NOT NULL,
    time_zone     TEXT    NOT NULL,
    -- The first occurrence (the rule's DTSTART): every one keeps its wall-clock start and length.
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    host_key_hash BLOB    NOT NULL,
    listed        INTEGER NOT NULL DEFAULT 1 CHECK (listed IN (0, 1)),
    created_at    INTEGER NOT NULL,
    -- Set when the host ended the series: no occurrence is added after that.
    ended_at      INTEGER,
    -- The calendar feed's SEQUENCE: one more with every edit of the series.
    sequence      INTEGER NOT NULL DEFAULT 0,
    embed_origins TEXT,
    language      TEXT,
    CHECK (ends_at > starts_at)
);

-- CHATEVENT of the original design: one scheduled chat room.
CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    slug            TEXT    NOT NULL UNIQUE,
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL,
    host_key_hash   BLOB    NOT NULL,
    listed          INTEGER NOT NULL DEFAULT 1 CHECK (listed IN (0, 1)),
    created_at      INTEGER NOT NULL,
    -- Set when the host closed the event before ends_at; a closed event never reopens.
    closed_early_at INTEGER,
    -- Which boundary items are in the stream: 0 none, 1 "opened", 2 "closed" (and so finished).
    phase           INTEGER NOT NULL DEFAULT 0 CHECK (phase IN (0, 1, 2)),
    -- The newest item's id in this event: ids are per event and strictly increasing.
    last_item_id    INTEGER NOT NULL DEFAULT 0,
    -- Origins allowed to frame the embedded room, space-separated; NULL lets any origin.
    embed_origins   TEXT,
    -- The event's default language (a catalog code: "de", "pt_BR"); NULL: none chosen (English).
    language        TEXT,
    -- The series this event is an occurrence of (its slug), and the start the rule gave it (the
    -- calendar's RECURRENCE-ID), which stays when the host moves this one occurrence.
    series          TEXT    REFERENCES series (slug),
    recurrence_at   INTEGER,
    CHECK (ends_at > starts_at)
);
-- Listing listed events newest first, filtered by state.
CREATE INDEX events_listed ON events (listed, id);
-- The home page: listed events by what starts, or closes, soonest.
CREATE INDEX events_listed_starts ON events (listed, starts_at);
CREATE INDEX events_listed_ends ON events (listed, ends_at);
-- The scheduler's look-up of events whose boundary items are still to come.
CREATE INDEX events_unfinished ON events (starts_at) WHERE phase < 2;
-- A series' occurrences, each once.
CREATE UNIQUE INDEX events_series ON events (series, recurrence_at) WHERE series IS NOT NULL;

-- Accountless participants: a nickname per event and the hash of a bearer token.
CREATE TABLE participants (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    nickname     TEXT    NOT NULL,
    -- Case-folded nickname: uniqueness within an event ignores case.
    nickname_key TEXT    NOT NULL,
    token_hash   BLOB    NOT NULL UNIQUE,
    banned       INTEGER NOT NULL DEFAULT 0 CHECK (banned IN (0, 1)),
    created_at   INTEGER NOT NULL,
    -- The newest item this participant has had on screen (read receipts); it never decreases.
    last_read_id INTEGER NOT NULL DEFAULT 0,
    -- When a process last saw the participant (ms), written every few seconds when several
    -- processes share the database, so that "online" is the same on all of them; 0 never.
    seen_at      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (event_id, nickname_key)
);
-- The participant list of an event, in joining order.
CREATE INDEX participants_event ON participants (event_id, id);

-- CHATDATA of the original design: one row per stream item, clustered by event so that a
-- poll (event_id = ? AND id > ?) reads one contiguous range.
CREATE TABLE items (
    event_id       INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    id             INTEGER NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('message', 'system', 'announcement', 'retraction')),
    -- What a system item marks: opened, closed, joined, banned.
    code           TEXT,
    author         TEXT,
    participant_id INTEGER REFERENCES participants (id),
    body           TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    client_id      TEXT,
    -- A retraction's retracted item.
    target         INTEGER,
    -- Set on an item the host retracted; its body is blanked.
    retracted      INTEGER NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1)),
    -- The item's fields beyond these, a JSON object ("changes" of "updated", "previous" and
    -- "nickname" of "renamed"); NULL when it has none.
    data           TEXT,
    PRIMARY KEY (event_id, id)
) WITHOUT ROWID;
-- Safe retries: one item per participant and client_id.
CREATE UNIQUE INDEX items_client_id ON items (participant_id, client_id) WHERE client_id IS NOT NULL;
-- Finding the retraction of an item.
CREATE INDEX items_retractions ON items (event_id, target) WHERE kind = 'retraction';
-- The opening and closing items: at most one of each per event, whatever the processes do (the
-- event row's lock already orders them; this makes a second one impossible rather than unlikely).
CREATE UNIQUE INDEX items_boundaries ON items (event_id, code) WHERE code IN ('opened', 'closed');

-- One row per action counted by a sliding-window limit ("post:<participant>", "event:<address>",
-- "join:<address>"), when several processes share the database and so must share the counts.
CREATE TABLE rate_hits (
    key TEXT    NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX rate_hits_key ON rate_hits (key, at);
