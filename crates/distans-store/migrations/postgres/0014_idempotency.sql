-- Answers kept for requests sent with an Idempotency-Key, per client (a
-- hash of its credentials) and key; the answer is empty while the first
-- request is being answered. Forgotten after a day.
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    claimed_at TIMESTAMPTZ NOT NULL,
    status INTEGER,
    content_type TEXT,
    body BYTEA,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_claimed_idx ON idempotency_keys (claimed_at);
