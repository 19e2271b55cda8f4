-- Xiezhi schema v5 (PostgreSQL): the case clock's workflow. Extension requests (a judge asks, a
-- manager decides; approval records the extension event), deadline notifications (raised once
-- per case and kind) with each user's read state, and users' e-mail addresses (optional SMTP).

-- 延长审限申请.
CREATE TABLE extension_requests (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    months          BIGINT,
    days            BIGINT,
    reason          TEXT NOT NULL,
    requested_by    TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    deadline_then   TEXT,                -- 审限届满日 when requested
    days_left       BIGINT,             -- days before expiry when requested
    late            BIGINT NOT NULL,    -- 1: fewer than 15 days before expiry
    status          TEXT NOT NULL,       -- pending | approved | refused
    decided_by      TEXT,
    decided_at      TEXT,
    decision_note   TEXT,
    CHECK ((months IS NULL) <> (days IS NULL))
);
CREATE INDEX extension_requests_case ON extension_requests (case_id);
CREATE INDEX extension_requests_status ON extension_requests (status);

-- 审限提醒 raised once per case and kind (near | overdue).
CREATE TABLE notifications (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    raised_on    TEXT NOT NULL,          -- the day the case became near / overdue
    deadline     TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (case_id, kind)
);
CREATE INDEX notifications_raised ON notifications (raised_on);

CREATE TABLE notification_reads (
    notification_id  BIGINT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    username         TEXT NOT NULL,
    read_at          TEXT NOT NULL,
    PRIMARY KEY (notification_id, username)
);

-- Which notifications were mailed to whom (so a digest never repeats one).
CREATE TABLE notification_mails (
    notification_id  BIGINT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    username         TEXT NOT NULL,
    sent_at          TEXT NOT NULL,
    PRIMARY KEY (notification_id, username)
);

ALTER TABLE users ADD COLUMN email TEXT;
