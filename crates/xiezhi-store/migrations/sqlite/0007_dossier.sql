-- 电子卷宗: each case's file is an append-only chain of entries (add, re-categorise, withdraw);
-- the files themselves are content-addressed blobs beside the database.
CREATE TABLE dossier_entries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_number     TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    document        BIGINT NOT NULL,
    file_name       TEXT,
    sha256          TEXT,
    size            BIGINT,
    pages           BIGINT,
    category        TEXT,
    category_source TEXT,
    reason          TEXT,
    body            TEXT,
    at              TEXT NOT NULL,
    by_user         TEXT,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL,
    UNIQUE (case_number, seq)
);
