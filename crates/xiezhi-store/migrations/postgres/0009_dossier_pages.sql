-- 电子卷宗 text page by page, with its confidence, and where a document's reading stands.
-- Neither is part of a case file's chain: a document may be read again.
CREATE TABLE dossier_pages (
    case_number TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    page        BIGINT NOT NULL,
    text        TEXT NOT NULL,
    confidence  DOUBLE PRECISION NOT NULL,
    source      TEXT NOT NULL,
    PRIMARY KEY (case_number, seq, page)
);
-- status: pending (queued), reading, done, failed; pages_done of pages_total for progress.
CREATE TABLE dossier_reading (
    case_number TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    status      TEXT NOT NULL,
    pages_done  BIGINT NOT NULL,
    pages_total BIGINT,
    error       TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (case_number, seq)
);
-- Documents stored before readings were recorded and still without text (scans, PDFs): queued.
INSERT INTO dossier_reading (case_number, seq, status, pages_done, pages_total, error, updated_at)
SELECT case_number, seq, 'pending', 0, pages, NULL, at FROM dossier_entries WHERE kind = 'add' AND body IS NULL;
