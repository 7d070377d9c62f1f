-- chatserver schema for PostgreSQL: the same tables and columns as schema.sql (the SQLite source;
-- tests/test_pg_schema.py checks that the two agree). Applied by chatserver/pg.py to an empty
-- database. Times are integer milliseconds since the Unix epoch, by the server clock, always UTC.

-- A recurring meeting: one link, its rule, and occurrences that are ordinary events (events.series).
CREATE TABLE series (
    id            BIGSERIAL PRIMARY KEY,
    slug          TEXT     NOT NULL UNIQUE,
    title         TEXT     NOT NULL,
    description   TEXT     NOT NULL DEFAULT '',
    -- The RFC 5545 RRULE value, canonical (chatserver/recurrence.py), and the IANA zone it runs in.
    rrule         TEXT     NOT NULL,
    time_zone     TEXT     NOT NULL,
    -- The first occurrence (the rule's DTSTART): every one keeps its wall-clock start and length.
    starts_at     BIGINT   NOT NULL,
    ends_at       BIGINT   NOT NULL,
    host_key_hash BYTEA    NOT NULL,
    listed        SMALLINT NOT NULL DEFAULT 1 CHECK (listed IN (0, 1)),
    created_at    BIGINT   NOT NULL,
    -- Set when the host ended the series: no occurrence is added after that.
    ended_at      BIGINT,
    -- The calendar feed's SEQUENCE: one more with every edit of the series.
    sequence      BIGINT   NOT NULL DEFAULT 0,
    embed_origins TEXT,
    language      TEXT,
    CHECK (ends_at > starts_at)
);

-- CHATEVENT of the original design: one scheduled chat room.
CREATE TABLE events (
    id              BIGSERIAL PRIMARY KEY,
    slug            TEXT     NOT NULL UNIQUE,
    title           TEXT     NOT NULL,
    description     TEXT     NOT NULL DEFAULT '',
    starts_at       BIGINT   NOT NULL,
    ends_at         BIGINT   NOT NULL,
    host_key_hash   BYTEA    NOT NULL,
    listed          SMALLINT NOT NULL DEFAULT 1 CHECK (listed IN (0, 1)),
    created_at      BIGINT   NOT NULL,
    -- Set when the host closed the event before ends_at; a closed event never reopens.
    closed_early_at BIGINT,
    -- Which boundary items are in the stream: 0 none, 1 "opened", 2 "closed" (and so finished).
    phase           SMALLINT NOT NULL DEFAULT 0 CHECK (phase IN (0, 1, 2)),
    -- The newest item's id in this event. Every append takes the next one by updating this column,
    -- which locks the event's row until commit: ids are committed in order, one event at a time.
    last_item_id    BIGINT   NOT NULL DEFAULT 0,
    -- Origins allowed to frame the embedded room, space-separated; NULL lets any origin.
    embed_origins   TEXT,
    -- The event's default language (a catalog code: "de", "pt_BR"); NULL: none chosen (English).
    language        TEXT,
    -- The series this event is an occurrence of (its slug), and the start the rule gave it (the
    -- calendar's RECURRENCE-ID), which stays when the host moves this one occurrence.
    series          TEXT     REFERENCES series (slug),
    recurrence_at   BIGINT,
    CHECK (ends_at > starts_at)
);
CREATE INDEX events_listed ON events (listed, id);
CREATE INDEX events_listed_starts ON events (listed, starts_at);
CREATE INDEX events_listed_ends ON events (listed, ends_at);
CREATE INDEX events_unfinished ON events (starts_at) WHERE phase < 2;
-- A series' occurrences, each once.
CREATE UNIQUE INDEX events_series ON events (series, recurrence_at) WHERE series IS NOT NULL;

-- Accountless participants: a nickname per event and the hash of a bearer token.
CREATE TABLE participants (
    id           BIGSERIAL PRIMARY KEY,
    event_id     BIGINT   NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    nickname     TEXT     NOT NULL,
    nickname_key TEXT     NOT NULL,
    token_hash   BYTEA    NOT NULL UNIQUE,
    banned       SMALLINT NOT NULL DEFAULT 0 CHECK (banned IN (0, 1)),
    created_at   BIGINT   NOT NULL,
    last_read_id BIGINT   NOT NULL DEFAULT 0,
    -- When a process last saw the participant (ms), written every few seconds: "online" is shared.
    seen_at      BIGINT   NOT NULL DEFAULT 0,
    UNIQUE (event_id, nickname_key)
);
CREATE INDEX participants_event ON participants (event_id, id);

-- CHATDATA of the original design: one row per stream item.
CREATE TABLE items (
    event_id       BIGINT   NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    id             BIGINT   NOT NULL,
    kind           TEXT     NOT NULL CHECK (kind IN ('message', 'system', 'announcement', 'retraction')),
    code           TEXT,
    author         TEXT,
    participant_id BIGINT   REFERENCES participants (id),
    body           TEXT     NOT NULL,
    created_at     BIGINT   NOT NULL,
    client_id      TEXT,
    target         BIGINT,
    retracted      SMALLINT NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1)),
    -- The item's fields beyond these, a JSON object as text; NULL when it has none.
    data           TEXT,
    PRIMARY KEY (event_id, id)
);
CREATE UNIQUE INDEX items_client_id ON items (participant_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX items_retractions ON items (event_id, target) WHERE kind = 'retraction';
-- The opening and closing items: at most one of each per event, whatever the processes do (the
-- event row's lock already orders them; this makes a second one impossible rather than unlikely).
CREATE UNIQUE INDEX items_boundaries ON items (event_id, code) WHERE code IN ('opened', 'closed');

-- One row per action counted by a sliding-window limit, so that all processes share the counts.
CREATE TABLE rate_hits (
    key TEXT   NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX rate_hits_key ON rate_hits (key, at);
