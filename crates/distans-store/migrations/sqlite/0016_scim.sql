-- Provisioning (SCIM 2.0): the clients' tokens, the groups they keep, and
-- what a person is to them. A person's SCIM userName is their account's
-- username; externalId is the client's own key for them; `provisioned`
-- keeps, as JSON, the attributes a client sent that the product does not
-- model itself (every e-mail address, the department as written, the
-- manager's id), so that a client reads back what it wrote.
ALTER TABLE people ADD COLUMN external_id TEXT;
ALTER TABLE people ADD COLUMN provisioned TEXT;
CREATE INDEX people_external_id_idx ON people (external_id);

-- A client's bearer token: only its SHA-256 is kept. Revoked, it is kept
-- (the audit log names it) but never accepted again.
CREATE TABLE scim_tokens (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    token_hash TEXT NOT NULL CHECK (length(token_hash) = 64),
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT CHECK (revoked_at IS NULL OR revoked_at >= created_at),
    CONSTRAINT scim_tokens_hash_key UNIQUE (token_hash)
);
-- One live token per name.
CREATE UNIQUE INDEX scim_tokens_live_name_key ON scim_tokens (name) WHERE revoked_at IS NULL;

CREATE TABLE scim_groups (
    id BLOB PRIMARY KEY,
    display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 256),
    external_id TEXT,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT scim_groups_display_name_key UNIQUE (display_name)
);

-- A member is the value the client wrote; when it is a person's id, the
-- person (and only then does the membership grant a role).
CREATE TABLE scim_group_members (
    group_id BLOB NOT NULL REFERENCES scim_groups (id) ON DELETE CASCADE,
    value TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 100),
    person_id BLOB REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, value)
);
CREATE INDEX scim_group_members_person_idx ON scim_group_members (person_id);
