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
    -- The moderation settings every new occurrence starts with, a JSON object; NULL: the defaults.
    moderation    TEXT,
    -- The secret the embedding app signs its users' identities with (HS256), for every occurrence;
    -- kept as it is, since checking a signature needs it. NULL: none made.
    identity_secret TEXT,
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
    -- Moderation: a participant posts at most once per slow_mode seconds; no new joins while locked.
    slow_mode       BIGINT   NOT NULL DEFAULT 0 CHECK (slow_mode BETWEEN 0 AND 3600),
    joins_locked    SMALLINT NOT NULL DEFAULT 0 CHECK (joins_locked IN (0, 1)),
    -- Whether a join appends a "joined" item (a big event turns them off).
    join_items      SMALLINT NOT NULL DEFAULT 1 CHECK (join_items IN (0, 1)),
    -- Words and phrases whose messages are held for the hosts' review, a JSON list; NULL: none.
    filter_words    TEXT,
    -- Who may read the transcript after the event: 'public', or 'hosts' (host and moderator keys).
    transcript      TEXT     NOT NULL DEFAULT 'public' CHECK (transcript IN ('public', 'hosts')),
    -- Days after the close when the items and participants are erased (NULL: kept); and when they were.
    retention_days  BIGINT,
    erased_at       BIGINT,
    -- Who may write privately: 'hosts' (participants to the hosts), 'everyone' (to each other too), 'off'.
    direct_messages TEXT NOT NULL DEFAULT 'hosts' CHECK (direct_messages IN ('hosts', 'everyone', 'off')),
    -- The secret the embedding app signs its users' identities with (an occurrence uses its series').
    identity_secret TEXT,
    -- Q&A: the event takes questions (qa), and new ones wait for a host's approval (qa_screening).
    qa              SMALLINT NOT NULL DEFAULT 0 CHECK (qa IN (0, 1)),
    qa_screening    SMALLINT NOT NULL DEFAULT 0 CHECK (qa_screening IN (0, 1)),
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
    -- The host or a moderator muted the participant until then (ms; 0: never); their last post (slow mode).
    muted_until    BIGINT   NOT NULL DEFAULT 0,
    last_posted_at BIGINT   NOT NULL DEFAULT 0,
    -- Hashes of the browser's device id (sent on join) and of the joining address (an IPv6 /64):
    -- what a ban covers besides the token.
    device_hash    BYTEA,
    address_hash   BYTEA,
    -- The embedding app's user id (a signed identity's `sub`): the same user is the same participant.
    sub            TEXT,
    -- last_read_id as others may see it: the newest public item at or before it (never a private id).
    public_read_id BIGINT NOT NULL DEFAULT 0,
    UNIQUE (event_id, nickname_key)
);
-- One participant per app user and event.
CREATE UNIQUE INDEX participants_sub ON participants (event_id, sub) WHERE sub IS NOT NULL;
CREATE INDEX participants_event ON participants (event_id, id);

-- More tokens of one participant: an app user joining again from another device or day.
CREATE TABLE participant_tokens (
    token_hash     BYTEA  NOT NULL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL
);
CREATE INDEX participant_tokens_participant ON participant_tokens (participant_id);

-- Moderators: a name and the hash of their own key, per event; a revoked key no longer works.
CREATE TABLE moderators (
    id         BIGSERIAL PRIMARY KEY,
    event_id   BIGINT  NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    key_hash   BYTEA   NOT NULL UNIQUE,
    created_at BIGINT  NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX moderators_event ON moderators (event_id, id);

-- Bans that outlive the banned token: the browser (device id) for good, the address for a while.
CREATE TABLE bans (
    id            BIGSERIAL PRIMARY KEY,
    event_id      BIGINT  NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    device_hash   BYTEA  ,
    address_hash  BYTEA  ,
    address_until BIGINT ,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX bans_event ON bans (event_id);

-- The moderation log: who (the host, or which moderator) did what to whom, for the console.
CREATE TABLE actions (
    id           BIGSERIAL PRIMARY KEY,
    event_id     BIGINT  NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    at           BIGINT  NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('host', 'moderator')),
    moderator_id BIGINT,
    name         TEXT,
    action       TEXT    NOT NULL,
    -- A participant's or an item's id, as the action says; NULL for the event itself.
    target       BIGINT ,
    -- What it changed, a JSON object ("minutes" of a mute, "changes" of an edit); NULL when nothing.
    detail       TEXT
);
CREATE INDEX actions_event ON actions (event_id, id);

-- Messages the word filter held for review: seen by their author and the hosts only, never in the
-- stream until approved (then appended as ordinary messages); a rejected one's text is erased.
CREATE TABLE held (
    id             BIGSERIAL PRIMARY KEY,
    event_id       BIGINT  NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    participant_id BIGINT  NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    body           TEXT    NOT NULL,
    client_id      TEXT,
    created_at     BIGINT  NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'approved', 'rejected')),
    -- The stream item an approval appended.
    item_id        BIGINT,
    -- The message's extras as items.data will have them (a reply, mentions, files), NULL for none.
    data           TEXT
);
CREATE INDEX held_event ON held (event_id, status, id);
CREATE UNIQUE INDEX held_client_id ON held (participant_id, client_id) WHERE client_id IS NOT NULL;

-- CHATDATA of the original design: one row per stream item.
CREATE TABLE items (
    event_id       BIGINT   NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    id             BIGINT   NOT NULL,
    -- message, system, announcement, retraction or notice. Only the Store writes items, so there
    -- is no CHECK: a new kind needs no rebuild of the largest table.
    kind           TEXT     NOT NULL,
    code           TEXT,
    author         TEXT,
    participant_id BIGINT   REFERENCES participants (id),
    body           TEXT     NOT NULL,
    created_at     BIGINT   NOT NULL,
    client_id      TEXT,
    target         BIGINT,
    retracted      SMALLINT NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1)),
    -- The item's fields beyond these, a JSON object as text (a message's reply_to, mentions,
    -- edited_at, reactions; see schema.sql); NULL when it has none.
    data           TEXT,
    -- A message the host or a moderator wrote from the console: 'host' or 'moderator'; NULL else.
    role           TEXT CHECK (role IN ('host', 'moderator')),
    -- A private item (a direct line): seen by its author and its recipient only. to_participant is
    -- the recipient; neither it nor to_sub: the hosts and moderators. to_sub: a notice to an app
    -- user (`sub`) who may not have joined yet.
    private        SMALLINT NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
    to_participant BIGINT,
    to_sub         TEXT,
    -- The words search finds it by (search_text.lexemes); NULL for what search never finds
    -- (private, retracted, system items).
    search         TSVECTOR,
    PRIMARY KEY (event_id, id)
);
CREATE UNIQUE INDEX items_client_id ON items (participant_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX items_retractions ON items (event_id, target) WHERE kind = 'retraction';
-- Finding a message's edits (a retraction blanks them too).
CREATE INDEX items_edits ON items (event_id, target) WHERE kind IN ('edit', 'preview');
-- The opening and closing items: at most one of each per event, whatever the processes do (the
-- event row's lock already orders them; this makes a second one impossible rather than unlikely).
CREATE UNIQUE INDEX items_boundaries ON items (event_id, code) WHERE code IN ('opened', 'closed');
-- Full-text search of messages and announcements.
CREATE INDEX items_search ON items USING GIN (search) WHERE search IS NOT NULL;

-- One row per action counted by a sliding-window limit, so that all processes share the counts.
CREATE TABLE rate_hits (
    key TEXT   NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX rate_hits_key ON rate_hits (key, at);

-- The server's operators (`chatserver admin-key`): a name and the hash of their key.
CREATE TABLE admin_keys (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT   NOT NULL,
    key_hash   BYTEA  NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- The audit log of what was done to events and series as a whole (see schema.sql).
CREATE TABLE audit (
    id          BIGSERIAL PRIMARY KEY,
    at          BIGINT NOT NULL,
    source      TEXT   NOT NULL CHECK (source IN ('operator', 'command', 'retention')),
    operator_id BIGINT,
    name        TEXT,
    action      TEXT   NOT NULL,
    kind        TEXT   NOT NULL CHECK (kind IN ('event', 'series')),
    slug        TEXT   NOT NULL,
    title       TEXT   NOT NULL
);

-- Who reacted to a message with which emoji: one row each. The message's `reactions` (items.data)
-- is the summary readers get; this is what toggling and the limits count.
CREATE TABLE reactions (
    event_id       BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    target         BIGINT NOT NULL,
    emoji          TEXT   NOT NULL,
    participant_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (event_id, target, emoji, participant_id)
);

-- Files shared in messages, their bytes in file_chunks (see schema.sql).
CREATE TABLE files (
    id          TEXT   NOT NULL PRIMARY KEY,
    event_id    BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    owner       TEXT   NOT NULL,
    item_id     BIGINT,
    held_id     BIGINT,
    name        TEXT   NOT NULL,
    type        TEXT   NOT NULL,
    size        BIGINT NOT NULL,
    sha256      TEXT   NOT NULL,
    width       BIGINT,
    height      BIGINT,
    duration_ms BIGINT,
    thumb_type  TEXT,
    thumb_size  BIGINT,
    thumb_width BIGINT,
    thumb_height BIGINT,
    created_at  BIGINT NOT NULL,
    erased_at   BIGINT
);

CREATE INDEX files_item ON files (event_id, item_id);
CREATE INDEX files_unattached ON files (created_at) WHERE item_id IS NULL;

CREATE TABLE file_chunks (
    file_id TEXT    NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    variant BIGINT NOT NULL,
    seq     BIGINT NOT NULL,
    data    BYTEA   NOT NULL,
    PRIMARY KEY (file_id, variant, seq)
);

-- Q&A (API.md 1.1): a question's id is the id of the `question` item that asked it. status:
-- pending (screened: its author and the hosts see it), open, answering, answered, dismissed;
-- published: it was ever shown to everyone (its later status items are public then). votes counts
-- its question_votes, kept in step by each vote's own transaction.
CREATE TABLE questions (
    event_id       BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    id             BIGINT NOT NULL,
    participant_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    body           TEXT    NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('pending', 'open', 'answering', 'answered', 'dismissed')),
    published      SMALLINT NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
    votes          BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (event_id, id)
);

CREATE INDEX questions_participant ON questions (participant_id);

-- One vote per participant and question.
CREATE TABLE question_votes (
    event_id       BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    question_id    BIGINT NOT NULL,
    participant_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (event_id, question_id, participant_id)
);

CREATE INDEX question_votes_participant ON question_votes (participant_id, event_id);

-- Polls: the id is the id of the `poll` item that opened it. options: a JSON list of texts; counts:
-- a JSON list of votes per option, and voters how many people voted, kept in step by each vote's
-- transaction (the poll's row locked). results: who sees the counts while it is open ('live':
-- everyone, 'voted': who voted, 'closed': only the hosts); once closed, everyone.
CREATE TABLE polls (
    event_id   BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    id         BIGINT NOT NULL,
    question   TEXT    NOT NULL,
    options    TEXT    NOT NULL,
    multiple   SMALLINT NOT NULL DEFAULT 0 CHECK (multiple IN (0, 1)),
    results    TEXT    NOT NULL DEFAULT 'live' CHECK (results IN ('live', 'voted', 'closed')),
    counts     TEXT    NOT NULL,
    voters     BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    closed_at  BIGINT,
    PRIMARY KEY (event_id, id)
);

-- A participant's choice in a poll: a JSON list of option indices.
CREATE TABLE poll_votes (
    event_id       BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    poll_id        BIGINT NOT NULL,
    participant_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    choices        TEXT    NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (event_id, poll_id, participant_id)
);

CREATE INDEX poll_votes_participant ON poll_votes (participant_id, event_id);
