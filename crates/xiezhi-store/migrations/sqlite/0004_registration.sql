-- Xiezhi schema v4 (SQLite): 立案 in the platform. 案号 counters, the registration record of a
-- case, and the index the draw's load query uses.

-- 案号计数器 the last 案件编号 given per (收案年度, 法院代字, 类型代字): registration takes
-- last + 1 under the row's lock; imports raise it to the largest number they bring. A number
-- once given is never given again (the counter never goes down).
CREATE TABLE case_number_counters (
    year           INTEGER NOT NULL,
    court_code     TEXT NOT NULL,
    type_code      TEXT NOT NULL,
    last_sequence  INTEGER NOT NULL,
    PRIMARY KEY (year, court_code, type_code)
);
-- Cases already here: the largest sequence per key (numbers whose type code follows the court
-- code directly, no 专门审判代字; a stray 字 of the old form, as in 刑初字70号, is read past).
INSERT INTO case_number_counters (year, court_code, type_code, last_sequence)
SELECT year, court_code, type_code, MAX(CAST(rtrim(ltrim(substr(case_number, 7 + length(court_code) + length(type_code)), '字'), '号') AS INTEGER))
FROM cases
WHERE court_code IS NOT NULL
  AND substr(case_number, 7 + length(court_code), length(type_code)) = type_code
  AND rtrim(ltrim(substr(case_number, 7 + length(court_code) + length(type_code)), '字'), '号') NOT GLOB '*[^0-9]*'
  AND rtrim(ltrim(substr(case_number, 7 + length(court_code) + length(type_code)), '字'), '号') <> ''
GROUP BY year, court_code, type_code;

-- 立案登记 what registration decided for a case registered here. Parties are in `parties`
-- (kind: person | organization), the assignment in `assignments`.
CREATE TABLE registrations (
    case_id                    INTEGER PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    sequence                   INTEGER NOT NULL,   -- 案件编号
    track                      TEXT NOT NULL,      -- 繁 | 简
    flags                      TEXT NOT NULL,      -- JSON array of the contract's flag keys
    triage                     TEXT NOT NULL,      -- JSON: rule, proposed procedure, reasons, W used
    procedure_override_reason  TEXT,               -- the registrar's reason for another procedure
    registered_by              TEXT,
    registered_at              TEXT NOT NULL
);

-- 在办案件 per judge for the draw: only open cases are indexed. Also in CASE_INDEXES (a bulk
-- import drops and rebuilds it).
CREATE INDEX cases_judge_open ON cases (judge_id) WHERE closed_on IS NULL;

CREATE INDEX assignments_at ON assignments (at);
