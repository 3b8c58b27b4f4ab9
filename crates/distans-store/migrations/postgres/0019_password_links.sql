-- One-time links to set a local password: the secret is only in the
-- e-mail; this keeps its hash, when it stops working, and when it was used.
CREATE TABLE password_links (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES people (id),
    token_hash TEXT NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('reset', 'welcome')),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    CONSTRAINT password_links_hash_key UNIQUE (token_hash)
);
CREATE INDEX password_links_person_idx ON password_links (person_id);
