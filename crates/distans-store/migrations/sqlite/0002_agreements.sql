-- Policy, requests and decisions, agreements, temporary decisions, notices.

CREATE TABLE policy_versions (
    id BLOB PRIMARY KEY,
    version INTEGER NOT NULL,
    valid_from TEXT NOT NULL,
    rules TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT policy_versions_version_key UNIQUE (version)
);
CREATE INDEX policy_versions_from_idx ON policy_versions (valid_from, version);

CREATE TABLE agreement_templates (
    version INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE requests (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES people (id),
    state TEXT NOT NULL,
    decider TEXT NOT NULL,
    assigned_to BLOB REFERENCES people (id),
    days_per_week INTEGER NOT NULL,
    weekdays TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    place TEXT NOT NULL,
    place_address TEXT,
    reason TEXT NOT NULL,
    confirmations TEXT NOT NULL,
    policy_version INTEGER NOT NULL,
    decided_by BLOB REFERENCES people (id),
    decision_reason TEXT,
    agreement_id BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX requests_person_idx ON requests (person_id, created_at);
CREATE INDEX requests_state_idx ON requests (state, decider, created_at);
CREATE INDEX requests_assigned_idx ON requests (assigned_to, state);

CREATE TABLE request_events (
    id BLOB PRIMARY KEY,
    request_id BLOB NOT NULL REFERENCES requests (id),
    at TEXT NOT NULL,
    actor_id BLOB NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL,
    reason TEXT,
    policy_version INTEGER NOT NULL
);
CREATE INDEX request_events_request_idx ON request_events (request_id, at);

CREATE TABLE agreements (
    id BLOB PRIMARY KEY,
    request_id BLOB NOT NULL REFERENCES requests (id),
    person_id BLOB NOT NULL REFERENCES people (id),
    decider_id BLOB NOT NULL REFERENCES people (id),
    state TEXT NOT NULL,
    days_per_week INTEGER NOT NULL,
    weekdays TEXT NOT NULL,
    place TEXT NOT NULL,
    place_address TEXT,
    start_date TEXT NOT NULL,
    end_date TEXT,
    policy_version INTEGER NOT NULL,
    notice_days INTEGER NOT NULL,
    text TEXT NOT NULL,
    text_sha256 TEXT,
    employee_signed_at TEXT,
    decider_signed_at TEXT,
    ends_on TEXT,
    ended_by TEXT,
    end_reason TEXT,
    ending_notified_at TEXT,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT agreements_request_key UNIQUE (request_id)
);
CREATE INDEX agreements_person_idx ON agreements (person_id, start_date);
CREATE INDEX agreements_decider_idx ON agreements (decider_id, state);

CREATE TABLE temporary_decisions (
    id BLOB PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    units TEXT NOT NULL,
    unit_paths TEXT NOT NULL,
    max_remote_days INTEGER NOT NULL,
    without_agreement INTEGER NOT NULL,
    tasks_must_allow INTEGER NOT NULL,
    delegates TEXT NOT NULL,
    checklist TEXT NOT NULL,
    issued_by BLOB NOT NULL REFERENCES people (id),
    created_at TEXT NOT NULL
);
CREATE INDEX temporary_decisions_period_idx ON temporary_decisions (end_date, start_date);

CREATE TABLE notifications (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_person_idx ON notifications (person_id, created_at);

CREATE TABLE outbox (
    id BLOB PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until TEXT,
    sent_at TEXT,
    last_error TEXT
);
CREATE INDEX outbox_due_idx ON outbox (sent_at, next_attempt_at);
