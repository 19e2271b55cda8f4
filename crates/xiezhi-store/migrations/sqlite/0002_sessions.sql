-- Xiezhi schema v2 (SQLite): web sessions. A session id is a random 256-bit token (hex) sent in
-- an HttpOnly, SameSite=Strict cookie; the CSRF token of the session is rendered into every
-- form and sent by scripts in X-CSRF-Token. Times are Unix seconds (INTEGER on both backends'
-- `Any` path: BIGINT on PostgreSQL).

-- 会话 sessions; deleted at logout, expired by idle or absolute timeout.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
