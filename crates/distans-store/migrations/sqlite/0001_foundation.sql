-- The organisation, sign-in and the audit log.

CREATE TABLE sites (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    desks INTEGER NOT NULL CHECK (desks >= 0),
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT sites_name_key UNIQUE (name)
);

CREATE TABLE units (
    id BLOB PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id BLOB REFERENCES units (id),
    path TEXT NOT NULL,
    depth INTEGER NOT NULL,
    manager_id BLOB REFERENCES people (id),
    site_id BLOB REFERENCES sites (id),
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT units_code_key UNIQUE (code)
);
CREATE INDEX units_parent_idx ON units (parent_id);
CREATE INDEX units_path_idx ON units (path);
CREATE INDEX units_manager_idx ON units (manager_id);

CREATE TABLE people (
    id BLOB PRIMARY KEY,
    employee_number TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    email TEXT,
    title TEXT,
    unit_id BLOB NOT NULL REFERENCES units (id),
    site_id BLOB REFERENCES sites (id),
    commute_km REAL,
    commute_mode TEXT,
    sort_name TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT people_employee_number_key UNIQUE (employee_number)
);
CREATE INDEX people_unit_idx ON people (unit_id, sort_name);
CREATE INDEX people_sort_idx ON people (sort_name, id);

CREATE TABLE person_skills (
    person_id BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    PRIMARY KEY (person_id, skill)
);
CREATE INDEX person_skills_skill_idx ON person_skills (skill);

CREATE TABLE person_roles (
    person_id BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (person_id, role)
);

CREATE TABLE accounts (
    person_id BLOB PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    password_hash TEXT,
    updated_at TEXT NOT NULL,
    CONSTRAINT accounts_username_key UNIQUE (username)
);

CREATE TABLE api_tokens (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    expires_at TEXT,
    revoked_at TEXT,
    CONSTRAINT api_tokens_hash_key UNIQUE (token_hash)
);
CREATE INDEX api_tokens_person_idx ON api_tokens (person_id);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id BLOB,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before TEXT,
    after TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, seq);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only: the log can be added to, never changed.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    expiry_date TEXT NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry_date);
