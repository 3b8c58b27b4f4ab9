-- Policy, requests and decisions, agreements, temporary decisions, notices.

CREATE TABLE policy_versions (
    id UUID PRIMARY KEY,
    version BIGINT NOT NULL,
    valid_from DATE NOT NULL,
    rules JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT policy_versions_version_key UNIQUE (version)
);
CREATE INDEX policy_versions_from_idx ON policy_versions (valid_from, version);

CREATE TABLE agreement_templates (
    version BIGINT PRIMARY KEY,
    text TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE requests (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES people (id),
    state TEXT NOT NULL,
    decider TEXT NOT NULL,
    assigned_to UUID REFERENCES people (id),
    days_per_week BIGINT NOT NULL,
    weekdays JSONB NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    place TEXT NOT NULL,
    place_address TEXT,
    reason TEXT NOT NULL,
    confirmations JSONB NOT NULL,
    policy_version BIGINT NOT NULL,
    decided_by UUID REFERENCES people (id),
    decision_reason TEXT,
    agreement_id UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX requests_person_idx ON requests (person_id, created_at);
CREATE INDEX requests_state_idx ON requests (state, decider, created_at);
CREATE INDEX requests_assigned_idx ON requests (assigned_to, state);

CREATE TABLE request_events (
    id UUID PRIMARY KEY,
    request_id UUID NOT NULL REFERENCES requests (id),
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL,
    reason TEXT,
    policy_version BIGINT NOT NULL
);
CREATE INDEX request_events_request_idx ON request_events (request_id, at);

CREATE TABLE agreements (
    id UUID PRIMARY KEY,
    request_id UUID NOT NULL REFERENCES requests (id),
    person_id UUID NOT NULL REFERENCES people (id),
    decider_id UUID NOT NULL REFERENCES people (id),
    state TEXT NOT NULL,
    days_per_week BIGINT NOT NULL,
    weekdays JSONB NOT NULL,
    place TEXT NOT NULL,
    place_address TEXT,
    start_date DATE NOT NULL,
    end_date DATE,
    policy_version BIGINT NOT NULL,
    notice_days BIGINT NOT NULL,
    text TEXT NOT NULL,
    text_sha256 TEXT,
    employee_signed_at TIMESTAMPTZ,
    decider_signed_at TIMESTAMPTZ,
    ends_on DATE,
    ended_by TEXT,
    end_reason TEXT,
    ending_notified_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT agreements_request_key UNIQUE (request_id)
);
CREATE INDEX agreements_person_idx ON agreements (person_id, start_date);
CREATE INDEX agreements_decider_idx ON agreements (decider_id, state);

CREATE TABLE temporary_decisions (
    id UUID PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    units JSONB NOT NULL,
    unit_paths JSONB NOT NULL,
    max_remote_days BIGINT NOT NULL,
    without_agreement BOOLEAN NOT NULL,
    tasks_must_allow BOOLEAN NOT NULL,
    delegates JSONB NOT NULL,
    checklist JSONB NOT NULL,
    issued_by UUID NOT NULL REFERENCES people (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX temporary_decisions_period_idx ON temporary_decisions (end_date, start_date);

CREATE TABLE notifications (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    read_at TIMESTAMPTZ
);
CREATE INDEX notifications_person_idx ON notifications (person_id, created_at);

CREATE TABLE outbox (
    id UUID PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ,
    sent_at TIMESTAMPTZ,
    last_error TEXT
);
CREATE INDEX outbox_due_idx ON outbox (sent_at, next_attempt_at);
