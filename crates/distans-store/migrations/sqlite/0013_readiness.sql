-- Readiness: a small write committed and removed again tells whether the
-- database takes writes (not read-only, not full, still there).
CREATE TABLE readiness_probe (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    filler BLOB NOT NULL
);
