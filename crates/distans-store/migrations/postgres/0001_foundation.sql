-- The organisation, sign-in and the audit log.

CREATE TABLE sites (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    desks BIGINT NOT NULL CHECK (desks >= 0),
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT sites_name_key UNIQUE (name)
);

CREATE TABLE units (
    id UUID PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id UUID REFERENCES units (id),
    path TEXT NOT NULL,
    depth BIGINT NOT NULL,
    manager_id UUID,
    site_id UUID REFERENCES sites (id),
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT units_code_key UNIQUE (code)
);
CREATE INDEX units_parent_idx ON units (parent_id);
CREATE INDEX units_path_idx ON units (path);
CREATE INDEX units_manager_idx ON units (manager_id);

CREATE TABLE people (
    id UUID PRIMARY KEY,
    employee_number TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    email TEXT,
    title TEXT,
    unit_id UUID NOT NULL REFERENCES units (id),
    site_id UUID REFERENCES sites (id),
    commute_km DOUBLE PRECISION,
    commute_mode TEXT,
    sort_name TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT people_employee_number_key UNIQUE (employee_number)
);
CREATE INDEX people_unit_idx ON people (unit_id, sort_name);
CREATE INDEX people_sort_idx ON people (sort_name, id);

ALTER TABLE units ADD CONSTRAINT units_manager_fk FOREIGN KEY (manager_id) REFERENCES people (id);

CREATE TABLE person_skills (
    person_id UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    PRIMARY KEY (person_id, skill)
);
CREATE INDEX person_skills_skill_idx ON person_skills (skill);

CREATE TABLE person_roles (
    person_id UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (person_id, role)
);

CREATE TABLE accounts (
    person_id UUID PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    password_hash TEXT,
    updated_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT accounts_username_key UNIQUE (username)
);

CREATE TABLE api_tokens (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    CONSTRAINT api_tokens_hash_key UNIQUE (token_hash)
);
CREATE INDEX api_tokens_person_idx ON api_tokens (person_id);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before JSONB,
    after JSONB,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, seq);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only: the log can be added to, never changed.
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    data BYTEA NOT NULL,
    expiry_date TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry_date);
