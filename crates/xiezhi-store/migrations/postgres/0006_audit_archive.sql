-- Audit archive (审计日志归档): the entries moved to an archive file leave the database; the
-- chain then starts from this anchor, the last archived entry's sequence number and hash.
CREATE TABLE audit_anchor (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    seq         BIGINT NOT NULL,
    hash        TEXT NOT NULL,
    archived_at TEXT NOT NULL,
    entries     BIGINT NOT NULL
);
