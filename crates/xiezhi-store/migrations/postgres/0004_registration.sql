-- Xiezhi schema v4 (PostgreSQL): 立案 in the platform. 案号 counters, the registration record of
-- a case, and the index the draw's load query uses.

CREATE TABLE case_number_counters (
    year           BIGINT NOT NULL,
    court_code     TEXT NOT NULL,
    type_code      TEXT NOT NULL,
    last_sequence  BIGINT NOT NULL,
    PRIMARY KEY (year, court_code, type_code)
);
INSERT INTO case_number_counters (year, court_code, type_code, last_sequence)
SELECT year, court_code, type_code, MAX(CAST(rtrim(ltrim(substr(case_number, 7 + length(court_code) + length(type_code)), '字'), '号') AS BIGINT))
FROM cases
WHERE court_code IS NOT NULL
  AND substr(case_number, 7 + length(court_code), length(type_code)) = type_code
  AND rtrim(ltrim(substr(case_number, 7 + length(court_code) + length(type_code)), '字'), '号') ~ '^[0-9]{1,12}$'
GROUP BY year, court_code, type_code;

CREATE TABLE registrations (
    case_id                    BIGINT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    sequence                   BIGINT NOT NULL,
    track                      TEXT NOT NULL,
    flags                      TEXT NOT NULL,
    triage                     TEXT NOT NULL,
    procedure_override_reason  TEXT,
    registered_by              TEXT,
    registered_at              TEXT NOT NULL
);

CREATE INDEX cases_judge_open ON cases (judge_id) WHERE closed_on IS NULL;

CREATE INDEX assignments_at ON assignments (at);

COMMENT ON TABLE case_number_counters IS '案号计数器';
COMMENT ON TABLE registrations IS '立案登记';
