-- Readiness: a small write committed and removed again tells whether the
-- database takes writes (not read-only, not full, still there).
CREATE TABLE readiness_probe (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    filler BYTEA NOT NULL
);
