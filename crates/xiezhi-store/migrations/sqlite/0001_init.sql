-- Xiezhi schema v1 (SQLite). Dates are ISO TEXT (YYYY-MM-DD, sorts correctly); money is
-- INTEGER ten-thousandths of a yuan (exact); booleans are INTEGER 0/1. The same shapes are used
-- on PostgreSQL so that one sqlx `Any` code path serves both.

-- 法院 courts known to the platform (from imported data or configuration).
CREATE TABLE courts (
    code        TEXT PRIMARY KEY,          -- 法院代字, e.g. 粤0703
    name        TEXT,                      -- 法院名称
    level       TEXT NOT NULL,             -- supreme | high | intermediate | basic
    city_code   TEXT,                      -- 中院 code of its city (全市法院), NULL for 高院/最高法
    province    TEXT                       -- province abbreviation, NULL for 最高法
);

-- 案件 case facts: exactly the columns of case-facts.md, plus values derived from the 案号.
CREATE TABLE cases (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    case_number         TEXT NOT NULL,         -- 案号, canonical text; unique by cases_case_number
    court_code          TEXT,                  -- from the 案号; NULL for legacy 字第 numbers
    year                INTEGER NOT NULL,      -- 收案年度
    type_code           TEXT NOT NULL,         -- 类型代字
    case_class          TEXT NOT NULL,         -- derived class (civil_first, appeal, ...)
    court_name          TEXT,
    cause               TEXT,                  -- 案由
    procedure           TEXT,                  -- 适用程序
    filed_on            TEXT NOT NULL,         -- 立案日期
    closed_on           TEXT,                  -- 结案日期, NULL = 未结
    disposition         TEXT,                  -- 结案方式 (canonical)
    judge               TEXT,                  -- 承办人
    department          TEXT,                  -- 承办部门
    claim_amount        INTEGER,               -- 标的额, 0.0001 yuan
    applied_amount      INTEGER,               -- 申请执行标的额, 0.0001 yuan
    recovered_amount    INTEGER,               -- 执行到位金额, 0.0001 yuan
    extension_days      INTEGER NOT NULL DEFAULT 0,  -- 延长审限天数
    suspended_days      INTEGER NOT NULL DEFAULT 0,  -- 扣除审限天数
    origin_case_number  TEXT,                  -- 原审/执行依据案号 (may name a case not in the data)
    has_property        INTEGER,               -- 有无财产可供执行, NULL = unknown
    CHECK (closed_on IS NULL OR closed_on >= filed_on),
    CHECK ((closed_on IS NULL) = (disposition IS NULL))
);
-- These two indexes are also listed in xiezhi-store (CASE_INDEXES): a bulk import drops them
-- inside its transaction and rebuilds them before it commits (sorting once beats inserting
-- into B-trees row by row). Keep both lists equal. Lists, filters and indicators run on the
-- in-memory snapshot, so there is no (court, date) or (court, judge) index: each index costs
-- every import.
CREATE UNIQUE INDEX cases_case_number ON cases (case_number);
CREATE INDEX cases_origin ON cases (origin_case_number);

-- 当事人 parties of a case (filled by registration, issue: case lifecycle).
CREATE TABLE parties (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    role        TEXT NOT NULL,             -- 原告/被告/第三人/申请执行人/被执行人 ...
    kind        TEXT NOT NULL,             -- natural_person | legal_person | other
    name        TEXT NOT NULL
);
CREATE INDEX parties_case ON parties (case_id);

-- 流程节点 events in a case's life: 立案, 分案, 延长审限, 扣除审限, 开庭, 结案, 归档 ...
CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    days        INTEGER,                   -- for 延长/扣除 events
    detail      TEXT
);
CREATE INDEX case_events_case ON case_events (case_id);

-- 分案 assignments of a case to a judge (随机分案 / 指定分案).
CREATE TABLE assignments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    judge       TEXT NOT NULL,
    method      TEXT NOT NULL,             -- random | designated
    assigned_on TEXT NOT NULL
);

-- 用户 accounts; passwords only as argon2 hashes.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,           -- admin | manager | judge | clerk
    court_code    TEXT,
    judge_name    TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

-- 审计日志: who did what, when (never the content of personal data).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    username    TEXT,
    action      TEXT NOT NULL,
    object      TEXT,
    detail      TEXT
);

-- 导入记录 one row per successful import.
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name   TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    inserted    INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    skipped     INTEGER NOT NULL
);
