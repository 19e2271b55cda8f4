-- Xiezhi schema v3 (PostgreSQL): cases that live here. The database's identity and change
-- counter, the judge roster, events as the record, assignments by judge id, and a hash-chained
-- audit log. Same shapes as on SQLite.

CREATE TABLE meta (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL
);

CREATE TABLE data_revision (
    id        BIGINT PRIMARY KEY CHECK (id = 1),
    revision  BIGINT NOT NULL
);
INSERT INTO data_revision (id, revision) VALUES (1, 0);

CREATE TABLE changes (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    revision     BIGINT NOT NULL,
    case_number  TEXT
);
CREATE INDEX changes_revision ON changes (revision);

CREATE TABLE judges (
    judge_id    TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    court_code  TEXT NOT NULL,
    department  TEXT,
    case_types  TEXT NOT NULL,
    track       TEXT NOT NULL DEFAULT '繁简',
    weight      BIGINT NOT NULL DEFAULT 10000,
    active      BIGINT NOT NULL DEFAULT 1,
    CHECK (weight > 0)
);
CREATE INDEX judges_court_name ON judges (court_code, name);

CREATE TABLE judge_conflicts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    judge_id    TEXT NOT NULL REFERENCES judges (judge_id),
    party       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (judge_id, party)
);

ALTER TABLE cases ADD COLUMN judge_id TEXT;
ALTER TABLE cases ADD COLUMN record_source TEXT NOT NULL DEFAULT 'imported';

ALTER TABLE users ADD COLUMN judge_id TEXT;

DROP TABLE case_events;
CREATE TABLE case_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    identity     TEXT NOT NULL,
    event_date   TEXT NOT NULL,
    data         TEXT NOT NULL,
    recorded_by  TEXT,
    recorded_at  TEXT NOT NULL,
    UNIQUE (case_id, identity)
);
CREATE INDEX case_events_case ON case_events (case_id);

DROP TABLE assignments;
CREATE TABLE assignments (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    judge_id     TEXT NOT NULL REFERENCES judges (judge_id),
    mode         TEXT NOT NULL,
    reason_code  TEXT,
    note         TEXT,
    record       TEXT NOT NULL,
    actor        TEXT,
    at           TEXT NOT NULL,
    current      BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX assignments_case ON assignments (case_id);

ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE TABLE audit_head (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
