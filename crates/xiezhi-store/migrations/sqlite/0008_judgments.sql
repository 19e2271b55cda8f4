-- 类案 the judgment corpus a court adds for similar-case search (xiezhi judgments import);
-- one row per document, replaced when the same id is imported with other text.
CREATE TABLE judgments (
    id          TEXT PRIMARY KEY,
    title       TEXT,
    case_number TEXT,
    court       TEXT,
    decided     TEXT,
    tier        TEXT NOT NULL,
    text        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
