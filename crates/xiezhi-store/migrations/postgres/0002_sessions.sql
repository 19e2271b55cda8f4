-- Xiezhi schema v2 (PostgreSQL): web sessions. A session id is a random 256-bit token (hex) sent
-- in an HttpOnly, SameSite=Strict cookie; the CSRF token of the session is rendered into every
-- form and sent by scripts in X-CSRF-Token. Times are Unix seconds.

-- 会话 sessions; deleted at logout, expired by idle or absolute timeout.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    last_seen   BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
COMMENT ON TABLE sessions IS '会话 web sessions (id = random token in an HttpOnly cookie)';
