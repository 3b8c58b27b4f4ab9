-- One-time links to set a local password: the secret is only in the
-- e-mail; this keeps its hash, when it stops working, and when it was used.
CREATE TABLE password_links (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES people (id),
    token_hash TEXT NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('reset', 'welcome')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    CONSTRAINT password_links_hash_key UNIQUE (token_hash)
);
CREATE INDEX password_links_person_idx ON password_links (person_id);
