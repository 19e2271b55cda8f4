-- Xiezhi schema v3 (SQLite): cases that live here. The database's identity and change counter
-- (the in-memory dataset and the persisted snapshot follow it), the judge roster, events as the
-- record, assignments by judge id, and a hash-chained audit log.

-- 元数据 key/value facts about this database: `database_id` (random, set once at creation).
CREATE TABLE meta (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL
);

-- 数据版本 the change counter: bumped by every transaction that changes case data (imports,
-- registrations, events, closings, roster links), under the writer's lock.
CREATE TABLE data_revision (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    revision  INTEGER NOT NULL
);
INSERT INTO data_revision (id, revision) VALUES (1, 0);

-- 变更记录 which cases a revision changed; a NULL 案号 means "any case" (a bulk import): readers
-- then reload instead of catching up case by case.
CREATE TABLE changes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    revision     INTEGER NOT NULL,
    case_number  TEXT
);
CREATE INDEX changes_revision ON changes (revision);

-- 员额法官名册 the judge roster: a judge is an entity with a stable id (工号).
CREATE TABLE judges (
    judge_id    TEXT PRIMARY KEY,          -- 工号
    name        TEXT NOT NULL,             -- 姓名
    court_code  TEXT NOT NULL,             -- 法院代字
    department  TEXT,                      -- 部门/庭室
    case_types  TEXT NOT NULL,             -- 类型代字 separated by 、 (民初、民特)
    track       TEXT NOT NULL DEFAULT '繁简', -- 繁 | 简 | 繁简
    weight      INTEGER NOT NULL DEFAULT 10000, -- 办案系数 in ten-thousandths (1 = 10000)
    active      INTEGER NOT NULL DEFAULT 1,
    CHECK (weight > 0)
);
CREATE INDEX judges_court_name ON judges (court_code, name);

-- 回避 declared conflicts between a judge and a party (by name).
CREATE TABLE judge_conflicts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    judge_id    TEXT NOT NULL REFERENCES judges (judge_id),
    party       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (judge_id, party)
);

-- A case's 承办法官 by roster id (NULL: an imported name that is not unique in the court's
-- roster, or no roster entry), and where its record comes from: `imported` (a file) or
-- `registered` (立案 in Xiezhi).
ALTER TABLE cases ADD COLUMN judge_id TEXT;
ALTER TABLE cases ADD COLUMN record_source TEXT NOT NULL DEFAULT 'imported';

-- An account's judge (judge role) or assisted judge (clerk) by roster id.
ALTER TABLE users ADD COLUMN judge_id TEXT;

-- 案件事件 the record: extensions, suspensions, conversions, restarts, payments, 终本 checks and
-- petitions. The empty v1 table (never written) is replaced. `identity` = kind, dates and
-- amounts: recording the same event again changes nothing.
DROP TABLE case_events;
CREATE TABLE case_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    identity     TEXT NOT NULL,
    event_date   TEXT NOT NULL,            -- on / from
    data         TEXT NOT NULL,            -- the event's fields as JSON
    recorded_by  TEXT,
    recorded_at  TEXT NOT NULL,
    UNIQUE (case_id, identity)
);
CREATE INDEX case_events_case ON case_events (case_id);

-- 分案 assignments by judge id (the empty v1 table, keyed by name, is replaced).
DROP TABLE assignments;
CREATE TABLE assignments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    judge_id     TEXT NOT NULL REFERENCES judges (judge_id),
    mode         TEXT NOT NULL,            -- random | designated | series
    reason_code  TEXT,
    note         TEXT,
    record       TEXT NOT NULL,            -- JSON: pool, exclusions, seed, algorithm, result
    actor        TEXT,
    at           TEXT NOT NULL,
    current      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX assignments_case ON assignments (case_id);

-- 审计链 each audit entry carries the hash of the previous one; `audit_head` holds the last
-- entry's sequence number and hash (its row is locked by every writer of the log).
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
);
