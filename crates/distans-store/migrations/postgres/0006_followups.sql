-- Follow-ups: checklist templates as versioned data, follow-ups
-- scheduled from agreements and development talks, the answers given
-- together by the employee and a manager, and the actions risks lead to.

-- Every save of a template is a new row; old versions are kept because
-- answers refer to the version they answered.
CREATE TABLE checklist_templates (
    key TEXT NOT NULL,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    questions JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (key, version)
);

CREATE TABLE followups (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL,
    person_id UUID NOT NULL REFERENCES people (id),
    agreement_id UUID REFERENCES agreements (id),
    due_date DATE NOT NULL,
    -- open, done or cancelled (due/overdue is computed from today)
    state TEXT NOT NULL,
    template_key TEXT NOT NULL,
    template_version BIGINT,
    answers JSONB NOT NULL,
    comments JSONB NOT NULL,
    employee_confirmed_by UUID REFERENCES people (id),
    employee_confirmed_at TIMESTAMPTZ,
    manager_confirmed_by UUID REFERENCES people (id),
    manager_confirmed_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    -- set once by the first server to remind (due soon / overdue)
    reminded_at TIMESTAMPTZ,
    overdue_reminded_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX followups_state_due_idx ON followups (state, due_date);
CREATE INDEX followups_person_due_idx ON followups (person_id, due_date);
CREATE INDEX followups_agreement_idx ON followups (agreement_id, state);

CREATE TABLE followup_actions (
    id UUID PRIMARY KEY,
    followup_id UUID NOT NULL REFERENCES followups (id),
    question_id TEXT NOT NULL,
    description TEXT NOT NULL,
    owner_id UUID NOT NULL REFERENCES people (id),
    due_date DATE NOT NULL,
    -- open or closed
    state TEXT NOT NULL,
    note TEXT,
    closed_by UUID REFERENCES people (id),
    closed_at TIMESTAMPTZ,
    reminded_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX followup_actions_followup_idx ON followup_actions (followup_id);
CREATE INDEX followup_actions_owner_idx ON followup_actions (owner_id, state);
CREATE INDEX followup_actions_state_due_idx ON followup_actions (state, due_date);
